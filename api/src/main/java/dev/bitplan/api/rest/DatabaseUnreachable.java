package dev.bitplan.api.rest;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;

/**
 * PostgreSQL out of reach (SQLState class 08, connection exception: refused, broken, restarting) as a 503, not a 500.
 * The difference matters to workers: a 503 is an outage they wait out (their outage limit, minutes), while a 500
 * would count against the job's tries, so a database away for a few minutes would fail the jobs in flight.
 */
final class DatabaseUnreachable {

    private static final String CONNECTION_EXCEPTION_CLASS = "08";
    /** Seconds a client is told to wait before it asks again. */
    static final int RETRY_AFTER_SECONDS = 5;

    private DatabaseUnreachable() {
    }

    static Optional<Problem> of(Throwable e) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            boolean connection = t instanceof SQLTransientConnectionException
                    || t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith(CONNECTION_EXCEPTION_CLASS);
            if (connection) {
                return Optional.of(Problem.of(503, "Service unavailable", "the database is unreachable (" + t.getMessage()
                        + "); try again in a few seconds", null));
            }
        }
        return Optional.empty();
    }
}
