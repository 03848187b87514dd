package dev.bitplan.api.persistence;

import dev.bitplan.contracts.blob.Sha256;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Uploads in progress ({@code blob_uploads}, {@code blob_upload_chunks}): chunks as they arrive, then, once the whole
 * file is there and hashes right, moved into the {@link BlobStore}'s tables. Plain JDBC so that no chunk is held
 * longer than its own statement; the callers' transactions enlist these connections.
 */
@ApplicationScoped
public class BlobUploads {

    @Inject
    DataSource dataSource;

    /** An upload that was started: the size and type its sender declared. */
    public record Upload(String sha256, long sizeBytes, String mediaType) {

        /** How many chunks of {@link BlobStore#CHUNK_BYTES} the file takes; the last may be shorter. */
        public int chunkCount() {
            return (int) ((sizeBytes + BlobStore.CHUNK_BYTES - 1) / BlobStore.CHUNK_BYTES);
        }

        /** The length chunk {@code seq} must have. */
        public int chunkLength(int seq) {
            return (int) Math.min(BlobStore.CHUNK_BYTES, sizeBytes - (long) seq * BlobStore.CHUNK_BYTES);
        }
    }

    /** The received chunks' digest and length, in chunk order. */
    public record Received(String sha256, long bytes) {
    }

    public Optional<Upload> find(String sha) {
        return query("SELECT size_bytes, media_type FROM blob_uploads WHERE sha256 = ?", sha,
                rs -> rs.next() ? Optional.of(new Upload(sha, rs.getLong(1), rs.getString(2))) : Optional.empty());
    }

    /** The upload row, locked until the transaction ends, so that one completion runs at a time. */
    public Optional<Upload> lock(String sha) {
        return query("SELECT size_bytes, media_type FROM blob_uploads WHERE sha256 = ? FOR UPDATE", sha,
                rs -> rs.next() ? Optional.of(new Upload(sha, rs.getLong(1), rs.getString(2))) : Optional.empty());
    }

    /** Starts an upload, or keeps the one already started with the same size (a resumed upload keeps its chunks). */
    public Upload start(String sha, long size, String mediaType) {
        Optional<Upload> existing = find(sha);
        if (existing.isPresent() && existing.get().sizeBytes() == size) {
            return existing.get();
        }
        // a different size for the same digest: one of the two senders is wrong; start over, the digest will decide
        update("DELETE FROM blob_uploads WHERE sha256 = ?", sha);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO blob_uploads (sha256, size_bytes, media_type) VALUES (?, ?, ?) "
                     + "ON CONFLICT (sha256) DO NOTHING")) {
            ps.setString(1, sha);
            ps.setLong(2, size);
            ps.setString(3, mediaType);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("start the upload of", sha, e);
        }
        return find(sha).orElseThrow();
    }

    /** The sequence numbers of the chunks stored so far, ascending. */
    public List<Integer> receivedChunks(String sha) {
        return query("SELECT seq FROM blob_upload_chunks WHERE sha256 = ? ORDER BY seq", sha, rs -> {
            List<Integer> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getInt(1));
            }
            return out;
        });
    }

    /** Stores a chunk; the same chunk sent again replaces itself (a retry after a lost answer). */
    public void putChunk(String sha, int seq, byte[] data) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO blob_upload_chunks (sha256, seq, data) VALUES (?, ?, ?) "
                     + "ON CONFLICT (sha256, seq) DO UPDATE SET data = EXCLUDED.data")) {
            ps.setString(1, sha);
            ps.setInt(2, seq);
            ps.setBytes(3, data);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("store a chunk of", sha, e);
        }
    }

    /** sha256 and length of the stored chunks, read one chunk (one query) at a time. */
    public Received digest(String sha, int chunkCount) {
        MessageDigest digest = Sha256.newDigest();
        long bytes = 0;
        for (int seq = 0; seq < chunkCount; seq++) {
            final int s = seq;
            byte[] chunk = query2("SELECT data FROM blob_upload_chunks WHERE sha256 = ? AND seq = ?", sha, s,
                    rs -> rs.next() ? rs.getBytes(1) : new byte[0]);
            digest.update(chunk);
            bytes += chunk.length;
        }
        return new Received(Sha256.hex(digest), bytes);
    }

    /** Moves a verified upload into the blob store (unless stored meanwhile) and forgets the upload. */
    public void promote(Upload upload) {
        try (Connection c = dataSource.getConnection()) {
            boolean inserted;
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO blobs (sha256, size_bytes, media_type) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING")) {
                ps.setString(1, upload.sha256());
                ps.setLong(2, upload.sizeBytes());
                ps.setString(3, upload.mediaType());
                inserted = ps.executeUpdate() == 1;
            }
            if (inserted) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO blob_chunks (sha256, seq, data) "
                        + "SELECT sha256, seq, data FROM blob_upload_chunks WHERE sha256 = ?")) {
                    ps.setString(1, upload.sha256());
                    ps.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw failure("store the upload of", upload.sha256(), e);
        }
        discard(upload.sha256());
    }

    /** Drops uploads nobody touched for a day (their senders died for good), so staged chunks do not pile up. */
    public int discardAbandoned() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM blob_uploads WHERE started_at < now() - interval '1 day'")) {
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop abandoned uploads: " + e.getMessage(), e);
        }
    }

    /** Drops an upload and its chunks. */
    public void discard(String sha) {
        update("DELETE FROM blob_uploads WHERE sha256 = ?", sha);
    }

    private void update(String sql, String sha) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, sha);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("update the upload of", sha, e);
        }
    }

    private interface Rows<R> {
        R read(ResultSet rs) throws SQLException;
    }

    private <R> R query(String sql, String sha, Rows<R> rows) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, sha);
            try (ResultSet rs = ps.executeQuery()) {
                return rows.read(rs);
            }
        } catch (SQLException e) {
            throw failure("read the upload of", sha, e);
        }
    }

    private <R> R query2(String sql, String sha, int seq, Rows<R> rows) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, sha);
            ps.setInt(2, seq);
            try (ResultSet rs = ps.executeQuery()) {
                return rows.read(rs);
            }
        } catch (SQLException e) {
            throw failure("read the upload of", sha, e);
        }
    }

    private static IllegalStateException failure(String what, String sha, SQLException e) {
        return new IllegalStateException("cannot " + what + " blob " + sha + ": " + e.getMessage(), e);
    }
}
