package dev.bitplan.api.rest;

import dev.bitplan.api.service.BlobUploadService;
import dev.bitplan.api.service.BlobUploadService.UploadStatus;
import dev.bitplan.api.service.problems.InvalidRequestException;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * For workers (internal token): chunked, resumable uploads of exported models into the blob store. Start with the
 * file's sha256 and size, send the chunks the status lists as missing, complete; the api verifies the digest.
 */
@Path("/internal/uploads/{sha256}")
@Produces(MediaType.APPLICATION_JSON)
public class BlobUploadResource {

    /** What a sender declares when it starts an upload. */
    public record UploadStart(Long sizeBytes, String mediaType) {
    }

    @Inject
    BlobUploadService uploads;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public UploadStatus start(@PathParam("sha256") String sha256, UploadStart start) {
        if (start == null || start.sizeBytes() == null) {
            throw new InvalidRequestException("sizeBytes", "send {\"sizeBytes\": N, \"mediaType\": \"...\"} to start an upload");
        }
        return uploads.start(sha256, start.sizeBytes(), start.mediaType());
    }

    @GET
    public UploadStatus status(@PathParam("sha256") String sha256) {
        return uploads.status(sha256);
    }

    @PUT
    @Path("/chunks/{seq}")
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    public UploadStatus chunk(@PathParam("sha256") String sha256, @PathParam("seq") int seq,
                              @HeaderParam("X-Chunk-SHA256") String chunkSha256, byte[] body) {
        return uploads.putChunk(sha256, seq, body, chunkSha256);
    }

    @POST
    @Path("/complete")
    public UploadStatus complete(@PathParam("sha256") String sha256) {
        return uploads.complete(sha256);
    }
}
