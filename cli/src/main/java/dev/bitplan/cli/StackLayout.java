package dev.bitplan.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository is (system property {@code bitplan.home}, set by the launcher; else found from this jar) and its packaged apps. */
final class StackLayout {

    static final String API = "api";
    static final String SEARCH_WORKER = "search-worker";
    static final String EVALUATOR = "evaluator";

    private StackLayout() {
    }

    static Path repoRoot() {
        String home = System.getProperty("bitplan.home");
        if (home != null && !home.isBlank()) {
            return Path.of(home).toAbsolutePath().normalize();
        }
        try {
            // cli/target/bitplan-cli.jar or cli/target/classes -> the repository root
            Path here = Path.of(StackLayout.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return here.getParent().getParent().getParent().toAbsolutePath().normalize();
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("").toAbsolutePath();
        }
    }

    /** The app's {@code quarkus-run.jar}; a clear error when the app has not been packaged. */
    static Path runJar(Path repo, String app) {
        Path jar = repo.resolve(app).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new CommandFailure(jar + " is missing: package the apps first with ./mvnw package -DskipTests "
                    + "(./bitplan up does it by itself)", 1);
        }
        return jar;
    }
}
