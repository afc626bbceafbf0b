package io.mcpstore.upstream.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which addresses a rest tool may not call without allowPrivateNetwork, v4 and v6. */
class PrivateNetworkTest {
    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, loopback",
        "127.5.5.5, loopback",
        "10.0.0.1, private",
        "172.16.0.1, private",
        "192.168.1.1, private",
        "169.254.169.254, link-local",
        "0.0.0.0, unspecified",
        "0.1.2.3, unspecified",
        "100.64.0.1, shared (carrier-grade NAT)",
        "224.0.0.1, multicast",
        "255.255.255.255, broadcast",
        "::1, loopback",
        "::, unspecified",
        "fe80::1, link-local",
        "fd12:3456::1, private (unique local)",
        "ff02::1, multicast",
        "::ffff:127.0.0.1, loopback",
        "::ffff:10.1.1.1, private",
        "::ffff:169.254.169.254, link-local",
    })
    void privateAddressesAreNamed(String address, String kind) throws Exception {
        assertThat(PrivateNetwork.kind(InetAddress.getByName(address))).isEqualTo(kind);
    }

    @ParameterizedTest
    @CsvSource({"93.184.215.14", "8.8.8.8", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8"})
    void publicAddressesPass(String address) throws Exception {
        assertThat(PrivateNetwork.kind(InetAddress.getByName(address))).isNull();
    }
}
