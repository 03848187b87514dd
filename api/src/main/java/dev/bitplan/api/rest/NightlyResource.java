package dev.bitplan.api.rest;

import dev.bitplan.api.messaging.NightlyRunner;
import dev.bitplan.api.service.NightlyService;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Runs the nightly re-search now (admin token): what the schedule runs, for tests and people who do not want to wait. */
@Path("/api/nightly")
@Produces(MediaType.APPLICATION_JSON)
public class NightlyResource {

    @Inject
    NightlyRunner runner;

    @POST
    @Path("/run")
    public NightlyService.RunResult run() {
        return runner.run("api");
    }
}
