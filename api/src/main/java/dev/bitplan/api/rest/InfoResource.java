package dev.bitplan.api.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** REST adapter that tells clients which service and version they are talking to. */
@Path("/api/info")
public class InfoResource {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Info info() {
        return Info.current();
    }
}
