package dev.bitplan.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bitplan.api.auth.Caller;
import dev.bitplan.api.messaging.SearchDispatcher;
import dev.bitplan.api.service.JobService;
import dev.bitplan.api.service.ResultService;
import dev.bitplan.api.service.Views.JobView;
import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.json.Json;
import dev.bitplan.contracts.search.LayerSensitivity;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** Jobs: submit, follow, cancel, and read what they found. */
@Path("/api/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

    @Inject
    JobService jobs;

    @Inject
    ResultService results;

    @Inject
    SearchDispatcher dispatcher;

    @Inject
    JobEventStream stream;

    @Inject
    Caller caller;

    /** The body is read here rather than by JAX-RS so that every mistake in it gets a 400 naming its field. */
    @POST
    @Consumes(MediaType.WILDCARD)
    public Response submit(String body) {
        JobView job = jobs.submit(caller.tenantId(), JobRequestReader.read(body));
        dispatcher.dispatch(job.id());
        return Response.accepted(jobs.get(caller.tenantId(), job.id())).location(URI.create("/api/jobs/" + job.id())).build();
    }

    /**
     * The tenant's jobs, newest first; optionally only those of one model (by name) or in one state, and one page of
     * them. The total before paging is in the {@code X-Total-Count} header.
     */
    @GET
    public Response list(@RestQuery String model, @RestQuery String state, @RestQuery Integer offset, @RestQuery Integer limit) {
        JobState wanted = state == null || state.isBlank() ? null : JobListFilter.state(state);
        List<JobView> matching = jobs.list(caller.tenantId()).stream()
                .filter(j -> model == null || model.isBlank() || model.equals(j.model()))
                .filter(j -> wanted == null || j.state() == wanted).toList();
        List<JobView> page = JobListFilter.page(matching, offset, limit);
        return Response.ok(page).header("X-Total-Count", matching.size()).build();
    }

    @GET
    @Path("/{id}")
    public JobView get(@PathParam("id") String id) {
        return jobs.get(caller.tenantId(), id);
    }

    @DELETE
    @Path("/{id}")
    public Response cancel(@PathParam("id") String id) {
        JobView job = jobs.cancel(caller.tenantId(), id);
        dispatcher.cancel(id);
        return Response.accepted(job).build();
    }

    @GET
    @Path("/{id}/candidates")
    public List<ObjectNode> candidates(@PathParam("id") String id) {
        return results.candidates(caller.tenantId(), id, false);
    }

    @GET
    @Path("/{id}/pareto")
    public List<ObjectNode> pareto(@PathParam("id") String id) {
        return results.candidates(caller.tenantId(), id, true);
    }

    @GET
    @Path("/{id}/sensitivity")
    public List<LayerSensitivity> sensitivity(@PathParam("id") String id) {
        return results.sensitivity(caller.tenantId(), id);
    }

    /** The same JSON as {@code bitplan search}'s report.json, written by the contracts' mapper. */
    @GET
    @Path("/{id}/report")
    public Response report(@PathParam("id") String id) {
        return Response.ok(Json.write(results.report(caller.tenantId(), id)), MediaType.APPLICATION_JSON).build();
    }

    /** One event per change of the job, ending with its terminal state. */
    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Blocking
    public Multi<JobView> events(@PathParam("id") String id) {
        String tenant = caller.tenantId();
        jobs.get(tenant, id); // 404 now rather than an empty stream
        return stream.follow(id);
    }
}
