package dev.bitplan.api.rest;

import dev.bitplan.api.service.problems.InvalidRequestException;
import dev.bitplan.contracts.job.JobState;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The query parameters of the job list: a state by name, and a page; bad values are 400s that name the parameter. */
final class JobListFilter {

    static final int MAX_LIMIT = 500;

    private JobListFilter() {
    }

    static JobState state(String name) {
        try {
            return JobState.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("state", "unknown job state '" + name + "'; use one of " + Arrays.toString(JobState.values()));
        }
    }

    static <T> List<T> page(List<T> all, Integer offset, Integer limit) {
        int from = offset == null ? 0 : offset;
        int count = limit == null ? all.size() : limit;
        if (from < 0) {
            throw new InvalidRequestException("offset", "offset must be >= 0, got " + from);
        }
        if (limit != null && (count < 1 || count > MAX_LIMIT)) {
            throw new InvalidRequestException("limit", "limit must be in [1, " + MAX_LIMIT + "], got " + count);
        }
        return from >= all.size() ? List.of() : all.subList(from, Math.min(all.size(), from + count));
    }
}
