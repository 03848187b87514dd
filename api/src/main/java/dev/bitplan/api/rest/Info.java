package dev.bitplan.api.rest;

/** What {@code GET /api/info} returns: the service name, its version and what it can do so far. */
public record Info(String name, String version, String status) {

    /** What this build of the service offers. */
    public static Info current() {
        return new Info("bitplan", "0.1.0", "service: models, datasets and jobs over REST (see /q/swagger-ui), PostgreSQL, Kafka workers");
    }
}
