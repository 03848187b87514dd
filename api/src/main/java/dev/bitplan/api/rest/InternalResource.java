package dev.bitplan.api.rest;

import dev.bitplan.api.persistence.BlobStore;
import dev.bitplan.api.persistence.JobEntity;
import dev.bitplan.api.service.ResultService;
import dev.bitplan.api.service.problems.InvalidRequestException;
import dev.bitplan.api.service.problems.ResourceNotFoundException;
import dev.bitplan.contracts.search.LayerSensitivity;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.util.List;
import java.util.Map;

/** For workers (internal token): files by hash, and a job's stored per-layer results to resume from. */
@Path("/internal")
public class InternalResource {

    /**
     * What a resuming worker needs to know of a job: the layers measured so far, and latency entries stored before the
     * profile (a nightly job's, copied from the job before for layers whose digest did not change).
     */
    public record InternalJob(String id, String state, List<LayerSensitivity> sensitivity, Map<String, Map<String, Double>> latency) {
    }

    /** A worker's request to take up a job's search with one Kafka record. */
    public record SearchClaim(String record, String worker) {
    }

    /** The record that holds the job's search (the asker's own when it may run). */
    public record SearchClaimHolder(String record) {
    }

    @Inject
    BlobStore blobs;

    @Inject
    ResultService results;

    @GET
    @Path("/blobs/{sha256}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Response blob(@PathParam("sha256") String sha256) {
        String sha = sha256.toLowerCase();
        BlobStore.BlobInfo info = blobs.info(sha).orElseThrow(() -> new ResourceNotFoundException("sha256", "blob", sha256));
        StreamingOutput body = out -> blobs.copyTo(sha, out);
        return Response.ok(body, MediaType.APPLICATION_OCTET_STREAM).header("Content-Length", info.sizeBytes()).build();
    }

    @GET
    @Path("/jobs/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Transactional
    public InternalJob job(@PathParam("id") String id) {
        JobEntity job = JobEntity.findById(id);
        if (job == null) {
            throw new ResourceNotFoundException("id", "job", id);
        }
        return new InternalJob(job.id, job.state.name(), results.sensitivityOf(id), results.latencyOf(id));
    }

    @POST
    @Path("/jobs/{id}/search-claim")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Transactional
    public SearchClaimHolder claimSearch(@PathParam("id") String id, SearchClaim claim) {
        if (claim == null || claim.record() == null || claim.record().isBlank()) {
            throw new InvalidRequestException("record", "the Kafka record (topic-partition@offset) the worker took the job up with is missing");
        }
        String holder = JobEntity.claimSearch(id, claim.record());
        if (holder == null) {
            throw new ResourceNotFoundException("id", "job", id);
        }
        return new SearchClaimHolder(holder);
    }
}
