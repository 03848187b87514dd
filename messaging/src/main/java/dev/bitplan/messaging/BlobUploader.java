package dev.bitplan.messaging;

import dev.bitplan.contracts.blob.Sha256;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Puts a file into the api's content-addressed blob store: asks what the api has (nothing to send when the file is
 * stored, only the missing chunks when an earlier upload was cut short), sends each missing chunk with its own sha256,
 * then completes, and the api checks the whole file's digest. Safe to repeat: the same file always lands once.
 */
public final class BlobUploader {

    private static final Logger LOG = Logger.getLogger(BlobUploader.class);
    /** A chunk the api says arrived corrupted is sent again this many times; the whole upload likewise. */
    private static final int RESENDS = 3;

    private final InternalApiClient api;

    public BlobUploader(InternalApiClient api) {
        this.api = api;
    }

    /** Uploads the bytes unless the api has them and returns their sha256, the file's address. */
    public String upload(byte[] bytes, String mediaType) {
        String sha = Sha256.of(bytes);
        long t0 = System.nanoTime();
        for (int round = 1; ; round++) {
            InternalApiClient.UploadStatus status = check(api.startUpload(sha, bytes.length, mediaType), "start the upload of " + sha);
            if (status.stored()) {
                return sha;
            }
            int sent = sendMissing(sha, bytes, status);
            InternalApiClient.UploadStatus done = api.completeUpload(sha);
            if (done.httpStatus() / 100 == 2 && done.stored()) {
                LOG.infof("uploaded %s: %,d bytes, %d chunks sent, in %d ms", sha, bytes.length, sent, (System.nanoTime() - t0) / 1_000_000);
                return sha;
            }
            // 409: chunks missing (an upload of the same file by another sender was reset meanwhile); 422: the digest
            // did not match and the api discarded what it had: both mean "send again", a few times at most
            if ((done.httpStatus() == 409 || done.httpStatus() == 422) && round < RESENDS) {
                LOG.warnf("the api did not take the upload of %s (%d: %s); sending it again", sha, done.httpStatus(), done.problem());
                continue;
            }
            throw failure("complete the upload of " + sha, done);
        }
    }

    private int sendMissing(String sha, byte[] bytes, InternalApiClient.UploadStatus status) {
        int chunkBytes = status.chunkBytes();
        if (chunkBytes <= 0) {
            throw new IllegalStateException("the api gave no chunk size for the upload of " + sha);
        }
        int chunks = (int) (((long) bytes.length + chunkBytes - 1) / chunkBytes);
        Set<Integer> received = new HashSet<>(status.received());
        int sent = 0;
        for (int seq = 0; seq < chunks; seq++) {
            if (received.contains(seq)) {
                continue;
            }
            int offset = seq * chunkBytes;
            int length = Math.min(chunkBytes, bytes.length - offset);
            String chunkSha = chunkSha(bytes, offset, length);
            for (int attempt = 1; ; attempt++) {
                InternalApiClient.UploadStatus put = api.putChunk(sha, seq, bytes, offset, length, chunkSha);
                if (put.httpStatus() / 100 == 2) {
                    if (put.stored()) {
                        return sent; // another sender finished the same file meanwhile
                    }
                    break;
                }
                if (put.httpStatus() != 422 || attempt >= RESENDS) {
                    throw failure("send chunk " + seq + " of " + sha, put);
                }
            }
            sent++;
        }
        return sent;
    }

    private static InternalApiClient.UploadStatus check(InternalApiClient.UploadStatus status, String action) {
        if (status.httpStatus() / 100 != 2) {
            throw failure(action, status);
        }
        return status;
    }

    /** A 4xx the api explained: the upload itself is refused (too large, malformed), which no retry changes. */
    private static RuntimeException failure(String action, InternalApiClient.UploadStatus status) {
        String message = "the api refused to " + action + " (" + status.httpStatus() + "): " + status.problem();
        return status.httpStatus() == 413 || status.httpStatus() == 400 ? new PermanentFailure(message) : new IllegalStateException(message);
    }

    private static String chunkSha(byte[] bytes, int offset, int length) {
        MessageDigest digest = Sha256.newDigest();
        digest.update(bytes, offset, length);
        return Sha256.hex(digest);
    }
}
