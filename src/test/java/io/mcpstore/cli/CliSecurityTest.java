package io.mcpstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.Main;
import io.mcpstore.TestGateway;
import io.mcpstore.Upstreams;
import io.mcpstore.security.TestIdentities;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code mcpstore login|whoami|logout|key …|user …} end to end against a real gateway with security on, over real
 * HTTP: the token file, the order of credentials, keys shown once, users and their passwords.
 */
@Timeout(120)
class CliSecurityTest {
    private static final String ROOT_PASSWORD = "root-password-1";

    private TestGateway gateway;

    @TempDir
    Path dir;

    private Path tokenFile;

    @BeforeEach
    void start() {
        JsonObject config = Upstreams.services("fx", Upstreams.fixtureStdio("--name", "fx"))
                .put(
                        "apps",
                        new JsonObject()
                                .put(
                                        "lab",
                                        new JsonObject()
                                                .put("prefix", "/lab")
                                                .put("services", new JsonArray().add("fx"))))
                .put("security", new JsonObject().put("enabled", true));
        gateway = TestGateway.start(config);
        TestIdentities.putUser(gateway, "root", "admin", ROOT_PASSWORD);
        tokenFile = dir.resolve("config").resolve("mcpstore").resolve("token");
    }

    @AfterEach
    void stop() {
        if (gateway != null) gateway.close();
    }

    private record Run(int exit, String out, String err) {}

    /** The CLI as a user runs it, against this gateway, with the token file in the test's directory. */
    private Run withStdin(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", gateway.url()));
        if (!all.contains("--token-file")) all.addAll(List.of("--token-file", tokenFile.toString()));
        InputStream in = System.in;
        if (stdin != null) System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            int exit = new CommandLine(new Main())
                    .setOut(new PrintWriter(out, true))
                    .setErr(new PrintWriter(err, true))
                    .execute(all.toArray(String[]::new));
            return new Run(exit, out.toString(), err.toString());
        } finally {
            System.setIn(in);
        }
    }

    private Run mcpstore(String... args) {
        return withStdin(null, args);
    }

    @Test
    void loginKeepsATokenOnlyItsOwnerCanReadAndLaterCommandsSendIt() throws Exception {
        Run anonymous = mcpstore("service", "list");
        assertThat(anonymous.exit()).isEqualTo(1);
        assertThat(anonymous.err().trim())
                .startsWith("mcpstore: HTTP 401")
                .contains("mcpstore login")
                .doesNotContain("\n");

        Run noTerminal = mcpstore("login", "--user", "root");
        assertThat(noTerminal.exit()).isEqualTo(1);
        assertThat(noTerminal.err()).contains("--password-stdin");

        Run wrong = withStdin("not-the-password\n", "login", "--user", "root", "--password-stdin");
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.err()).contains("HTTP 401");
        assertThat(tokenFile).doesNotExist();

        Run login = withStdin(ROOT_PASSWORD + "\n", "login", "--user", "root", "--password-stdin");
        assertThat(login.exit()).as(login.err()).isZero();
        assertThat(login.out()).contains("Signed in to " + gateway.url() + " as root (role admin)");
        assertThat(login.out() + login.err()).doesNotContain(ROOT_PASSWORD);
        String token = Files.readString(tokenFile).trim();
        assertThat(token.split("\\.")).as("a JWT").hasSize(3);
        assertThat(login.out()).doesNotContain(token);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile.getParent())))
                .isEqualTo("rwx------");

        Run list = mcpstore("service", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).containsPattern("fx\\s+stdio");
        Run me = mcpstore("whoami");
        assertThat(me.out()).containsPattern("name\\s+root").containsPattern("role\\s+admin");

        // --token comes before the saved file
        Run bogus = mcpstore("service", "list", "--token", "mcps_AAAAAAAAAAAA_nope");
        assertThat(bogus.exit()).isEqualTo(1);
        assertThat(bogus.err()).contains("HTTP 401").contains("mcpstore login");

        Run logout = mcpstore("logout");
        assertThat(logout.exit()).isZero();
        assertThat(tokenFile).doesNotExist();
        assertThat(mcpstore("service", "list").exit()).isEqualTo(1);
        // a token given on the command line needs no file
        Run given = mcpstore("service", "list", "--token", token);
        assertThat(given.exit()).as(given.err()).isZero();
    }

    @Test
    void aKeyIsShownOnceLimitedAndRevoked() throws Exception {
        assertThat(withStdin(ROOT_PASSWORD + "\n", "login", "--user", "root", "--password-stdin")
                        .exit())
                .isZero();
        Run created = mcpstore(
                "key",
                "create",
                "--name",
                "ci",
                "--role",
                "client",
                "--app",
                "lab",
                "--tool",
                "fx__add",
                "--expires",
                "30d");
        assertThat(created.exit()).as(created.err()).isZero();
        String key = created.out().trim();
        assertThat(key).startsWith("mcps_").doesNotContain("\n");
        assertThat(created.err())
                .contains("will not be shown again")
                .contains("ci")
                .doesNotContain(key);

        Run list = mcpstore("key", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).containsPattern("ci\\s+client\\s+lab\\s+fx__add").doesNotContain(key);
        JsonObject json = new JsonObject(mcpstore("key", "list", "--json").out());
        JsonObject ci = json.getJsonArray("keys").getJsonObject(0);
        assertThat(ci.getString("name")).isEqualTo("ci");
        assertThat(ci.getString("expiresAt")).isNotNull();
        assertThat(json.encode()).doesNotContain(key).doesNotContain("hash");

        // a client key may use MCP, not the admin API
        Run asClient = mcpstore("service", "list", "--token", key);
        assertThat(asClient.exit()).isEqualTo(1);
        assertThat(asClient.err()).contains("HTTP 403");

        Run revoked = mcpstore("key", "revoke", "ci");
        assertThat(revoked.exit()).as(revoked.err()).isZero();
        assertThat(revoked.out()).contains("Revoked key " + ci.getString("id"));
        assertThat(mcpstore("key", "list").out()).doesNotContain(" ci ");
        Run afterRevoke = mcpstore("service", "list", "--token", key);
        assertThat(afterRevoke.err()).contains("HTTP 401");
        Run unknown = mcpstore("key", "revoke", "nosuchkey123");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("HTTP 404");
    }

    @Test
    void usersAreAddedListedGivenANewPasswordAndRemoved() throws Exception {
        assertThat(withStdin(ROOT_PASSWORD + "\n", "login", "--user", "root", "--password-stdin")
                        .exit())
                .isZero();
        Run added = withStdin("bob-password-1\n", "user", "add", "bob", "--role", "viewer", "--password-stdin");
        assertThat(added.exit()).as(added.err()).isZero();
        assertThat(added.out()).contains("Added user 'bob' (role viewer)");
        Run list = mcpstore("user", "list");
        assertThat(list.out()).containsPattern("bob\\s+viewer").containsPattern("root\\s+admin");
        String json = mcpstore("user", "list", "--json").out();
        assertThat(new JsonObject(json).getJsonArray("users").stream().map(u -> ((JsonObject) u).getString("name")))
                .as("the first admin the gateway made, ours, and bob")
                .containsExactlyInAnyOrder("admin", "root", "bob");
        assertThat(json).doesNotContain("passwordHash").doesNotContain("pbkdf2");

        Run passwd = withStdin("bob-password-2\n", "user", "passwd", "bob", "--password-stdin");
        assertThat(passwd.exit()).as(passwd.err()).isZero();
        assertThat(passwd.out()).contains("Changed the password of 'bob'");

        Path bobs = tokenFile.resolveSibling("bob");
        Run old = withStdin(
                "bob-password-1\n", "login", "--user", "bob", "--password-stdin", "--token-file", bobs.toString());
        assertThat(old.exit()).isEqualTo(1);
        Run bob = withStdin(
                "bob-password-2\n", "login", "--user", "bob", "--password-stdin", "--token-file", bobs.toString());
        assertThat(bob.exit()).as(bob.err()).isZero();
        assertThat(bob.out()).contains("as bob (role viewer)");
        Run viewerReads = mcpstore("service", "list", "--token-file", bobs.toString());
        assertThat(viewerReads.exit()).as(viewerReads.err()).isZero();
        Run viewerWrites = withStdin(
                "pw-of-eve-1\n",
                "user",
                "add",
                "eve",
                "--role",
                "admin",
                "--password-stdin",
                "--token-file",
                bobs.toString());
        assertThat(viewerWrites.exit()).isEqualTo(1);
        assertThat(viewerWrites.err()).contains("HTTP 403");

        Run removed = mcpstore("user", "remove", "bob");
        assertThat(removed.exit()).as(removed.err()).isZero();
        assertThat(mcpstore("user", "list").out()).doesNotContain("bob");
    }

    @Test
    void expiryIsAnInstantADateOrATimeFromNow() {
        Clock clock = Clock.fixed(Instant.parse("2026-12-02T12:00:00.250Z"), ZoneOffset.UTC);
        assertThat(KeyCommand.expiresAt("30d", clock)).isEqualTo(Instant.parse("2027-01-01T12:00:00Z"));
        assertThat(KeyCommand.expiresAt("12h", clock)).isEqualTo(Instant.parse("2026-12-03T00:00:00Z"));
        assertThat(KeyCommand.expiresAt("2027-03-01", clock)).isEqualTo(Instant.parse("2027-03-01T00:00:00Z"));
        assertThat(KeyCommand.expiresAt("2027-03-01T08:00:00+01:00", clock))
                .isEqualTo(Instant.parse("2027-03-01T07:00:00Z"));
        assertThat(KeyCommand.expiresAt("P1D", clock)).isEqualTo(Instant.parse("2026-12-03T12:00:00Z"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KeyCommand.expiresAt("soon", clock))
                .hasMessageContaining("--expires")
                .hasMessageContaining("soon");
    }
}
