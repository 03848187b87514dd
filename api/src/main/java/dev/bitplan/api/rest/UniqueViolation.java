package dev.bitplan.api.rest;

import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A unique-constraint violation from PostgreSQL (SQLState 23505) as a 409. Creates check for a taken name
 * first; two requests for the same name at the same moment both pass that check, and the database refuses
 * the second insert at commit. Its caller gets the conflict the check would have given it.
 */
final class UniqueViolation {

    private static final String UNIQUE_VIOLATION = "23505";
    /** PostgreSQL's detail line, e.g. {@code Key (tenant_id, name)=(t1, resnet8) already exists.} */
    private static final Pattern KEY = Pattern.compile("Key \\(([^)]*)\\)=\\((.*)\\) already exists");

    private UniqueViolation() {
    }

    static Optional<Problem> of(Throwable e) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return Optional.of(problem(String.valueOf(sql.getMessage())));
            }
        }
        return Optional.empty();
    }

    private static Problem problem(String message) {
        String race = " (another request created it at the same moment)";
        Matcher m = KEY.matcher(message);
        if (!m.find()) {
            return Problem.of(409, "Conflict", "it exists already" + race, null);
        }
        // the last key column is the one the user named (the others scope it, e.g. tenant_id)
        String[] columns = m.group(1).split(", ");
        String[] values = m.group(2).split(", ", columns.length);
        String field = columns[columns.length - 1];
        String value = values.length == columns.length ? values[values.length - 1] : m.group(2);
        return Problem.of(409, "Conflict", field + " '" + value + "' exists already" + race, field);
    }
}
