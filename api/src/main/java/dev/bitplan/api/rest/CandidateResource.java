package dev.bitplan.api.rest;

import dev.bitplan.api.auth.Caller;
import dev.bitplan.api.persistence.BlobStore;
import dev.bitplan.api.service.ResultService;
import dev.bitplan.api.service.problems.ResourceNotFoundException;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

/** A candidate's deployable ONNX model, streamed from the blob store. */
@Path("/api/candidates")
public class CandidateResource {

    @Inject
    ResultService results;

    @Inject
    BlobStore blobs;

    @Inject
    Caller caller;

    @GET
    @Path("/{id}/model")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Response model(@PathParam("id") String id) {
        ResultService.Artifact a = results.artifact(caller.tenantId(), id);
        long size = blobs.info(a.sha256())
                .orElseThrow(() -> new ResourceNotFoundException("candidateId", "stored model file for candidate", id))
                .sizeBytes();
        StreamingOutput body = out -> blobs.copyTo(a.sha256(), out);
        return Response.ok(body, MediaType.APPLICATION_OCTET_STREAM)
                .header("Content-Disposition", "attachment; filename=\"" + a.fileName() + "\"")
                .header("Content-Length", size)
                .header("X-Content-SHA256", a.sha256())
                .build();
    }
}
