package dev.bitplan.cli;

import java.nio.file.Path;

/** Where the CLI keeps per-user state: {@code ~/.bitplan} (system property {@code bitplan.user-dir} overrides it, for tests). */
final class UserFiles {

    private UserFiles() {
    }

    static Path dir() {
        String override = System.getProperty("bitplan.user-dir");
        return override != null ? Path.of(override) : Path.of(System.getProperty("user.home"), ".bitplan");
    }

    /** Written by {@code bitplan up} while it runs: {url, token, dataDir, pid}; read by submit / status / fetch. */
    static Path currentStack() {
        return dir().resolve("current-stack.json");
    }

    static Path defaultDataDir() {
        return dir().resolve("local");
    }
}
