package io.mcpstore.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.Upstreams;
import io.mcpstore.config.ConfigDocument;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first start with security on, as {@code mcpstore} runs (a separate JVM with a config file): an admin is created
 * from {@code MCPSTORE_ADMIN_PASSWORD}, or with a generated password printed once; never a default one.
 */
@Timeout(120)
class FirstAdminTest {
    private static final Pattern CREATED = Pattern.compile(
            "MCPSTORE first start: created user 'admin' with password (\\S+) \\(change it: mcpstore user passwd admin\\)");

    @TempDir
    Path dir;

    /** Starts the gateway, returns the lines printed up to "listening", then stops it. */
    private List<String> run(Path config, Map<String, String> env) throws Exception {
        List<String> command = new ArrayList<>(
                List.of(Upstreams.JAVA, "-cp", System.getProperty("java.class.path"), "io.mcpstore.Main"));
        command.addAll(List.of("--config", config.toString(), "--port", "0"));
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectError(dir.resolve("stderr.log").toFile());
        pb.environment().remove("MCPSTORE_ADMIN_PASSWORD");
        pb.environment().putAll(env);
        Process process = pb.start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                if (line.startsWith("MCPStore listening on ")) break;
            }
            assertThat(lines)
                    .as("stdout; stderr: " + Files.readString(dir.resolve("stderr.log")))
                    .last()
                    .asString()
                    .startsWith("MCPStore listening on ");
            return lines;
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS))
                process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
    }

    private static JsonObject admin(Path config) throws Exception {
        JsonObject users = ConfigDocument.parseYaml(Files.readString(config)).getJsonObject("users");
        assertThat(users).isNotNull();
        assertThat(users.fieldNames()).containsExactly("admin");
        return users.getJsonObject("admin");
    }

    @Test
    void aGeneratedPasswordIsPrintedOnceAndWorks() throws Exception {
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, "services: {}\nsecurity:\n  enabled: true\n");
        List<String> first = run(config, Map.of());
        Matcher m = CREATED.matcher(first.get(0));
        assertThat(m.matches()).as(first.toString()).isTrue();
        String password = m.group(1);
        JsonObject admin = admin(config);
        assertThat(admin.getString("role")).isEqualTo("admin");
        assertThat(Passwords.verify(admin.getString("passwordHash"), password)).isTrue();
        assertThat(Files.readString(config)).doesNotContain(password);
        assertThat(Files.readString(dir.resolve("stderr.log"))).doesNotContain(password);

        // The second start finds the admin: nothing is created or printed again.
        List<String> second = run(config, Map.of());
        assertThat(second).hasSize(1);
        assertThat(admin(config).getString("passwordHash")).isEqualTo(admin.getString("passwordHash"));
    }

    @Test
    void thePasswordFromTheEnvironmentIsUsedAndNotPrinted() throws Exception {
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, "services: {}\nsecurity:\n  enabled: true\n");
        List<String> lines = run(config, Map.of("MCPSTORE_ADMIN_PASSWORD", "from-the-environment"));
        assertThat(lines).hasSize(1);
        JsonObject admin = admin(config);
        assertThat(Passwords.verify(admin.getString("passwordHash"), "from-the-environment"))
                .isTrue();
        assertThat(Files.readString(dir.resolve("stderr.log"))).doesNotContain("from-the-environment");
    }

    @Test
    void withSecurityOffNoUserIsCreated() throws Exception {
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, "services: {}\n");
        List<String> lines = run(config, Map.of());
        assertThat(lines).hasSize(1);
        assertThat(ConfigDocument.parseYaml(Files.readString(config)).getValue("users"))
                .isNull();
    }
}
