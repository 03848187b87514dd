package dev.bitplan.api.rest;

/** What {@code GET /api/info} returns: the service name, its version and what it can do so far. */
public record Info(String name, String version, String status) {

    /** The placeholder answer until the REST API, jobs and database arrive (issue 4). */
    public static Info current() {
        return new Info("bitplan", "0.1.0", "engine only: REST API, jobs and database arrive with issue 4");
    }
}
