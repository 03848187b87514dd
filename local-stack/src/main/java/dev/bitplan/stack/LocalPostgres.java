package dev.bitplan.stack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL server (binaries from a Maven package, unpacked by zonky) with its data in a directory
 * of ours, so a restarted stack finds its database again. Creates the {@code bitplan} database on first start.
 */
public final class LocalPostgres implements AutoCloseable {

    public static final String DATABASE = "bitplan";
    public static final String USER = "postgres";

    private final EmbeddedPostgres server;

    private LocalPostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    /**
     * @param dataDir  kept between runs; null for a throw-away directory
     * @param port     0 picks a free port
     */
    public static LocalPostgres start(Path dataDir, int port) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setCleanDataDirectory(dataDir == null);
            if (dataDir != null) {
                Files.createDirectories(dataDir.getParent());
                builder.setDataDirectory(dataDir);
            }
            if (port > 0) {
                builder.setPort(port);
            }
            LocalPostgres pg = new LocalPostgres(builder.start());
            pg.createDatabase();
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL server", e);
        }
    }

    public int port() {
        return server.getPort();
    }

    public String jdbcUrl() {
        return server.getJdbcUrl(USER, DATABASE);
    }

    /** The embedded server trusts local connections; the password is only for clients that insist on one. */
    public String password() {
        return "postgres";
    }

    private void createDatabase() {
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            s.execute("CREATE DATABASE " + DATABASE);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + DATABASE + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop the embedded PostgreSQL server", e);
        }
    }
}
