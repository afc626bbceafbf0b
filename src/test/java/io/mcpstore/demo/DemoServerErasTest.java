package io.mcpstore.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.fixture.SdkClients;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The stdio demo server with {@code --era}: what a 2026-07-28 client sees on its stdin and stdout. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DemoServerErasTest {
    private static final String META = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
            + "\"io.modelcontextprotocol/clientCapabilities\":{}}";

    /** Sends one request line and reads the answer line. */
    private static JsonObject exchange(BufferedReader in, OutputStream out, String line) throws Exception {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return new JsonObject(in.readLine());
    }

    @Test
    void with2026ItAnswersStatelessRequestsAndRefusesInitialize() throws Exception {
        Process process = new ProcessBuilder(SdkClients.javaCommand(DemoServer.class.getName(), "--era", "2026"))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = process.getOutputStream()) {
            JsonObject discover = exchange(
                    in, out, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{" + META + "}}");
            assertThat(discover.getJsonObject("result").getJsonArray("supportedVersions"))
                    .containsExactly("2026-07-28");
            assertThat(discover.getJsonObject("result").getString("instructions"))
                    .contains("demo");

            JsonObject add = exchange(
                    in,
                    out,
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                            + "{\"name\":\"add\",\"arguments\":{\"a\":2,\"b\":3}," + META + "}}");
            assertThat(add.getJsonObject("result")
                            .getJsonObject("structuredContent")
                            .getInteger("sum"))
                    .isEqualTo(5);
            assertThat(add.getJsonObject("result").getString("resultType")).isEqualTo("complete");

            JsonObject initialize = exchange(
                    in,
                    out,
                    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"initialize\",\"params\":"
                            + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
            assertThat(initialize.getJsonObject("error").getInteger("code")).isEqualTo(-32601);

            JsonObject missing =
                    exchange(in, out, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\",\"params\":{}}");
            assertThat(missing.getJsonObject("error").getInteger("code")).isEqualTo(-32602);
        } finally {
            process.destroyForcibly().waitFor();
        }
    }

    @Test
    void withoutTheFlagItSpeaksSessionsAsBefore() throws Exception {
        Process process = new ProcessBuilder(SdkClients.javaCommand(DemoServer.class.getName()))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = process.getOutputStream()) {
            JsonObject discover = exchange(
                    in, out, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{" + META + "}}");
            assertThat(discover.getJsonObject("error").getInteger("code")).isEqualTo(-32601);
        } finally {
            process.destroyForcibly().waitFor();
        }
    }
}
