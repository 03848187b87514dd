package dev.bitplan.api.service;

import dev.bitplan.api.config.ApiConfig;
import dev.bitplan.api.persistence.BlobStore;
import dev.bitplan.api.persistence.BlobUploads;
import dev.bitplan.api.service.problems.ConflictException;
import dev.bitplan.api.service.problems.InvalidRequestException;
import dev.bitplan.api.service.problems.ResourceNotFoundException;
import dev.bitplan.api.service.problems.UnprocessableRequestException;
import dev.bitplan.api.service.problems.UploadTooLargeException;
import dev.bitplan.contracts.blob.Sha256;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Workers' uploads of exported models into the blob store: started with the file's sha256 and size, sent in chunks
 * of {@link BlobStore#CHUNK_BYTES} in any order and any number of times (a resumed or retried upload sends only what
 * is missing), completed once every chunk is in and the whole file hashes to its address. A file already stored is
 * never sent again.
 */
@ApplicationScoped
public class BlobUploadService {

    @Inject
    BlobUploads uploads;

    @Inject
    BlobStore blobs;

    @Inject
    ApiConfig config;

    /** Where an upload stands: stored already, or which chunks have arrived. */
    public record UploadStatus(String sha256, long sizeBytes, int chunkBytes, int chunkCount, boolean stored, List<Integer> received) {
    }

    /** Starts (or resumes) the upload of a file; a file stored already needs nothing more. */
    @Transactional
    public UploadStatus start(String sha256, long sizeBytes, String mediaType) {
        String sha = address(sha256);
        if (sizeBytes <= 0) {
            throw new InvalidRequestException("sizeBytes", "sizeBytes must be > 0, got " + sizeBytes);
        }
        String refusal = ModelSizeLimit.refusal("the file " + sha, sizeBytes, config.limits().modelBytes());
        if (refusal != null) {
            throw new UploadTooLargeException("sizeBytes", refusal);
        }
        var stored = blobs.info(sha);
        if (stored.isPresent()) {
            return storedStatus(stored.get());
        }
        String type = mediaType == null || mediaType.isBlank() ? "application/octet-stream" : mediaType;
        uploads.discardAbandoned();
        return status(uploads.start(sha, sizeBytes, type));
    }

    @Transactional
    public UploadStatus status(String sha256) {
        String sha = address(sha256);
        var stored = blobs.info(sha);
        if (stored.isPresent()) {
            return storedStatus(stored.get());
        }
        return status(uploads.find(sha).orElseThrow(() -> new ResourceNotFoundException("sha256", "upload", sha)));
    }

    /** Stores one chunk; a chunk of a file stored meanwhile (another sender finished first) is dropped. */
    @Transactional
    public UploadStatus putChunk(String sha256, int seq, byte[] data, String chunkSha256) {
        String sha = address(sha256);
        var stored = blobs.info(sha);
        if (stored.isPresent()) {
            return storedStatus(stored.get());
        }
        BlobUploads.Upload upload = uploads.find(sha).orElseThrow(() -> new ResourceNotFoundException("sha256", "upload", sha
                + " (start it first: POST /internal/uploads/" + sha + ")"));
        if (seq < 0 || seq >= upload.chunkCount()) {
            throw new InvalidRequestException("seq", "chunk " + seq + " is outside the file: a file of " + upload.sizeBytes()
                    + " bytes has chunks 0 to " + (upload.chunkCount() - 1));
        }
        int length = data == null ? 0 : data.length;
        if (length != upload.chunkLength(seq)) {
            throw new InvalidRequestException("body", "chunk " + seq + " has " + length + " bytes; it must have " + upload.chunkLength(seq)
                    + " (chunks of " + BlobStore.CHUNK_BYTES + " bytes, the last one the rest of the " + upload.sizeBytes() + ")");
        }
        if (chunkSha256 != null && !chunkSha256.isBlank() && !chunkSha256.trim().toLowerCase(Locale.ROOT).equals(Sha256.of(data))) {
            throw new UnprocessableRequestException("X-Chunk-SHA256", "chunk " + seq + " arrived with sha256 " + Sha256.of(data)
                    + ", not the " + chunkSha256.trim() + " it was sent with: it was corrupted on the way; send it again");
        }
        uploads.putChunk(sha, seq, data);
        return status(upload);
    }

    /**
     * Checks the whole file against its address and moves it into the blob store. Completing a stored file again
     * answers the same; a file whose chunks hash to something else is discarded, to be sent again from the start.
     */
    @Transactional(dontRollbackOn = UnprocessableRequestException.class)
    public UploadStatus complete(String sha256) {
        String sha = address(sha256);
        var stored = blobs.info(sha);
        if (stored.isPresent()) {
            return storedStatus(stored.get());
        }
        BlobUploads.Upload upload = uploads.lock(sha).orElse(null);
        if (upload == null) {
            // another sender may have completed it while this one waited for the lock
            return blobs.info(sha).map(BlobUploadService::storedStatus)
                    .orElseThrow(() -> new ResourceNotFoundException("sha256", "upload", sha));
        }
        List<Integer> received = uploads.receivedChunks(sha);
        if (received.size() < upload.chunkCount()) {
            TreeSet<Integer> missing = new TreeSet<>();
            for (int i = 0; i < upload.chunkCount(); i++) {
                missing.add(i);
            }
            missing.removeAll(received);
            throw new ConflictException("sha256", "the upload of " + sha + " lacks " + missing.size() + " of its " + upload.chunkCount()
                    + " chunks (" + abbreviate(missing) + "); send them before completing it");
        }
        BlobUploads.Received got = uploads.digest(sha, upload.chunkCount());
        if (!got.sha256().equals(sha) || got.bytes() != upload.sizeBytes()) {
            uploads.discard(sha);
            throw new UnprocessableRequestException("sha256", "the " + got.bytes() + " bytes received hash to " + got.sha256()
                    + ", not to " + sha + "; the upload is discarded: send the file again");
        }
        uploads.promote(upload);
        return storedStatus(new BlobStore.BlobInfo(sha, upload.sizeBytes(), upload.mediaType()));
    }

    private UploadStatus status(BlobUploads.Upload u) {
        return new UploadStatus(u.sha256(), u.sizeBytes(), BlobStore.CHUNK_BYTES, u.chunkCount(), false, uploads.receivedChunks(u.sha256()));
    }

    private static UploadStatus storedStatus(BlobStore.BlobInfo info) {
        int chunks = (int) ((info.sizeBytes() + BlobStore.CHUNK_BYTES - 1) / BlobStore.CHUNK_BYTES);
        return new UploadStatus(info.sha256(), info.sizeBytes(), BlobStore.CHUNK_BYTES, chunks, true, List.of());
    }

    private static String address(String sha256) {
        String sha = sha256 == null ? "" : sha256.toLowerCase(Locale.ROOT);
        if (!Sha256.isAddress(sha)) {
            throw new InvalidRequestException("sha256", "'" + sha256 + "' is not a sha256 (64 hex digits)");
        }
        return sha;
    }

    private static String abbreviate(TreeSet<Integer> seqs) {
        List<Integer> first = seqs.stream().limit(10).toList();
        return first.toString() + (seqs.size() > first.size() ? " and " + (seqs.size() - first.size()) + " more" : "");
    }
}
