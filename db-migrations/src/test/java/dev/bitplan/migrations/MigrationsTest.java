package dev.bitplan.migrations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.stack.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;

/** Applies the migrations from the classpath to a real PostgreSQL and checks every table is there. */
class MigrationsTest {

    private static final List<String> TABLES = List.of("tenants", "api_tokens", "blobs", "blob_chunks", "models",
            "model_versions", "model_layers", "datasets", "jobs", "job_events", "sensitivity", "latency_table",
            "candidates", "schedules");

    @Test
    void migrationsCreateEveryTableAndApplyOnce() throws Exception {
        try (LocalPostgres pg = LocalPostgres.start(null, 0)) {
            Flyway flyway = Flyway.configure().dataSource(pg.jdbcUrl(), LocalPostgres.USER, pg.password())
                    .locations("classpath:db/migration").load();
            MigrateResult first = flyway.migrate();
            assertTrue(first.migrationsExecuted >= 3, "executed " + first.migrationsExecuted);
            assertEquals(0, flyway.migrate().migrationsExecuted, "a second run applies nothing");

            Set<String> tables = new HashSet<>();
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), LocalPostgres.USER, pg.password());
                 ResultSet rs = c.getMetaData().getTables(null, "public", "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            for (String t : TABLES) {
                assertTrue(tables.contains(t), "missing table " + t + " in " + tables);
            }
        }
    }
}
