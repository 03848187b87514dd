package dev.bitplan.api.persistence;

import dev.bitplan.contracts.blob.Sha256;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Content-addressed files in PostgreSQL, in 1 MiB chunks: written and read one chunk at a time, so a file is never
 * held whole in memory. A file already stored (same sha256) is not stored again.
 */
@ApplicationScoped
public class BlobStore {

    public static final int CHUNK_BYTES = 1 << 20;

    @Inject
    DataSource dataSource;

    /** A stored file's identity. */
    public record BlobInfo(String sha256, long sizeBytes, String mediaType) {
    }

    /** Stores the file unless a file with its content is stored already; returns its identity either way. */
    @Transactional
    public BlobInfo store(Path file, String mediaType) {
        String sha = Sha256.of(file);
        try (InputStream in = Files.newInputStream(file)) {
            return store(sha, Files.size(file), mediaType, in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    @Transactional
    public BlobInfo store(byte[] bytes, String mediaType) {
        try {
            return store(Sha256.of(bytes), bytes.length, mediaType, new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private BlobInfo store(String sha, long size, String mediaType, InputStream in) throws IOException {
        try (Connection c = dataSource.getConnection()) {
            // ON CONFLICT waits for a concurrent upload of the same content and then leaves its row alone
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO blobs (sha256, size_bytes, media_type) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING")) {
                ps.setString(1, sha);
                ps.setLong(2, size);
                ps.setString(3, mediaType);
                if (ps.executeUpdate() == 0) {
                    return info(sha).orElseThrow();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO blob_chunks (sha256, seq, data) VALUES (?, ?, ?)")) {
                byte[] buffer = new byte[CHUNK_BYTES];
                int seq = 0;
                int n;
                while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                    ps.setString(1, sha);
                    ps.setInt(2, seq++);
                    ps.setBytes(3, n == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, n));
                    ps.executeUpdate();
                }
            }
            return new BlobInfo(sha, size, mediaType);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store blob " + sha + ": " + e.getMessage(), e);
        }
    }

    @Transactional
    public Optional<BlobInfo> info(String sha) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT size_bytes, media_type FROM blobs WHERE sha256 = ?")) {
            ps.setString(1, sha);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new BlobInfo(sha, rs.getLong(1), rs.getString(2))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read blob " + sha + ": " + e.getMessage(), e);
        }
    }

    /** Writes the content to {@code out}, one chunk (one query) at a time. */
    public void copyTo(String sha, OutputStream out) throws IOException {
        for (int seq = 0; ; seq++) {
            byte[] chunk = chunk(sha, seq);
            if (chunk == null) {
                return;
            }
            out.write(chunk);
        }
    }

    /** The content in a temporary file, for the engine's checks; the caller deletes it. */
    public Path toTempFile(String sha, String suffix) {
        try {
            Path file = Files.createTempFile("bitplan-blob-", suffix);
            try (OutputStream out = Files.newOutputStream(file)) {
                copyTo(sha, out);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy blob " + sha + " to a temporary file", e);
        }
    }

    private byte[] chunk(String sha, int seq) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT data FROM blob_chunks WHERE sha256 = ? AND seq = ?")) {
            ps.setString(1, sha);
            ps.setInt(2, seq);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read blob " + sha + ": " + e.getMessage(), e);
        }
    }

}
