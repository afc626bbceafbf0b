package io.mcpstore.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The token {@code mcpstore login} keeps for later commands: one line in {@code $XDG_CONFIG_HOME/mcpstore/token}
 * (or {@code ~/.config/mcpstore/token}), readable by its owner only (mode 600, in a directory of mode 700).
 */
record TokenFile(Path path) {
    static TokenFile standard() {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path config =
                xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return new TokenFile(config.resolve("mcpstore").resolve("token"));
    }

    /** The saved token, or null when there is none. */
    String read() throws IOException {
        if (!Files.isRegularFile(path)) return null;
        String token = Files.readString(path, StandardCharsets.UTF_8).trim();
        return token.isEmpty() ? null : token;
    }

    /**
     * Writes the token to a new file created with mode 600 and moves it over the old one, so the token is never in a
     * file others can read, not even for a moment.
     */
    void write(String token) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(dir)) {
            if (posix)
                Files.createDirectories(
                        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            else Files.createDirectories(dir);
        }
        Path temp = posix
                ? Files.createTempFile(
                        dir,
                        ".token",
                        ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, ".token", ".tmp");
        try {
            Files.writeString(temp, token + "\n", StandardCharsets.UTF_8);
            Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Whether there was a token to remove. */
    boolean delete() throws IOException {
        return Files.deleteIfExists(path);
    }
}
