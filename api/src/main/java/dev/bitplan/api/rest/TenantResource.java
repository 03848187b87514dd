package dev.bitplan.api.rest;

import dev.bitplan.api.service.TenantService;
import dev.bitplan.api.service.Views.TenantView;
import dev.bitplan.api.service.Views.TokenView;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/** Admin: tenants and their API tokens. */
@Path("/api/tenants")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class TenantResource {

    /** The body of both calls: a name. */
    public record NameRequest(String name) {
    }

    @Inject
    TenantService tenants;

    @POST
    public Response create(NameRequest body) {
        TenantView t = tenants.create(body == null ? null : body.name());
        return Response.created(URI.create("/api/tenants/" + t.id())).entity(t).build();
    }

    @POST
    @Path("/{id}/tokens")
    public Response token(@PathParam("id") String tenantId, NameRequest body) {
        TokenView t = tenants.createToken(tenantId, body == null ? null : body.name());
        return Response.status(201).entity(t).build();
    }
}
