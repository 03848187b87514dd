package dev.bitplan.messaging;

import dev.bitplan.contracts.blob.Sha256;
import dev.bitplan.contracts.config.ConfigKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The api's files (models, datasets) on local disk, by sha256. A file is fetched once, streamed to a
 * {@code .part} file, checked against its hash and only then moved into place, so a file in the cache is
 * always complete and verified.
 */
public final class BlobCache {

    private final InternalApiClient api;
    private final Path dir;
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

    public BlobCache(InternalApiClient api, Path dir) {
        this.api = api;
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the cache directory " + dir + " (" + ConfigKeys.CACHE_DIR + ")", e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** The file with this sha256, fetched from the api unless cached. */
    public Path get(String sha256) {
        if (!Sha256.isAddress(sha256)) {
            throw new IllegalArgumentException("not a sha256 (64 lower-case hex digits): " + sha256);
        }
        Path target = dir.resolve(sha256);
        if (Files.isRegularFile(target)) {
            return target;
        }
        synchronized (locks.computeIfAbsent(sha256, k -> new Object())) {
            if (!Files.isRegularFile(target)) {
                fetch(sha256, target);
            }
        }
        return target;
    }

    /** Fetches with outages waited out: a transfer the api's going away cut short starts again once it is back. */
    private void fetch(String sha256, Path target) {
        api.outage().run("fetch file " + sha256, () -> {
            fetchOnce(sha256, target);
            return null;
        });
    }

    private void fetchOnce(String sha256, Path target) {
        Path part = null;
        try {
            // unique .part name: processes sharing a cache directory may fetch the same file at once
            part = Files.createTempFile(dir, sha256 + ".", ".part");
            MessageDigest digest = Sha256.newDigest();
            try (InputStream in = new OutageOnRead(api.blob(sha256), api.baseUrl() + " (file " + sha256 + ")");
                 OutputStream out = new DigestOutputStream(Files.newOutputStream(part), digest)) {
                in.transferTo(out);
            }
            String actual = Sha256.hex(digest);
            if (!actual.equals(sha256)) {
                // transient: a truncated or garbled transfer; the loop tries again
                throw new IllegalStateException("file " + sha256 + " from the api arrived with sha256 " + actual
                        + " (" + Files.size(part) + " bytes): the download was corrupted; it will be fetched again");
            }
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            part = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fetch file " + sha256 + " into " + dir + ": " + OutageWait.text(e), e);
        } finally {
            if (part != null) {
                try {
                    Files.deleteIfExists(part);
                } catch (IOException ignored) {
                    // a stray .part file is overwritten by no one and harmless
                }
            }
        }
    }

    /** The api's response body: a read that fails means the api went away mid-transfer, an outage, not a disk problem. */
    private static final class OutageOnRead extends java.io.FilterInputStream {
        private final String source;

        OutageOnRead(InputStream in, String source) {
            super(in);
            this.source = source;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw lost(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw lost(e);
            }
        }

        private OutageWait.Unreachable lost(IOException e) {
            return new OutageWait.Unreachable("the download from " + source + " broke off: " + OutageWait.text(e), e);
        }
    }
}
