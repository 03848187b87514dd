package dev.bitplan.api.rest;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The followers of each job and what each was last sent. The poller reads every followed job once per tick and
 * hands the views to {@link #deliver}, which sends each follower the view when it changed and ends the streams of a
 * job that ended (or is gone): one read per job, however many follow it.
 */
final class JobFanOut<V> {

    /** Where a follower's events go (an SSE stream's emitter). */
    interface Sink<V> {
        void emit(V view);

        void complete();
    }

    private static final class Follower<V> {
        final Sink<V> sink;
        V last;

        Follower(Sink<V> sink) {
            this.sink = sink;
        }
    }

    private final Predicate<V> terminal;
    private final Map<String, Set<Follower<V>>> byJob = new ConcurrentHashMap<>();

    JobFanOut(Predicate<V> terminal) {
        this.terminal = terminal;
    }

    /** Follows {@code jobId}; the returned action stops following (a client that went away). */
    Runnable add(String jobId, Sink<V> sink) {
        Follower<V> f = new Follower<>(sink);
        byJob.computeIfAbsent(jobId, k -> ConcurrentHashMap.newKeySet()).add(f);
        return () -> remove(jobId, f);
    }

    /** The jobs someone follows now. */
    Set<String> jobs() {
        return Set.copyOf(byJob.keySet());
    }

    int followers() {
        return byJob.values().stream().mapToInt(Set::size).sum();
    }

    /** Sends each follower of a job in {@code views} its view if it changed; a job missing from {@code views} is gone. */
    void deliver(Set<String> asked, Map<String, V> views) {
        for (String jobId : asked) {
            Set<Follower<V>> followers = byJob.get(jobId);
            if (followers == null) {
                continue;
            }
            V view = views.get(jobId);
            for (Follower<V> f : followers) {
                if (view != null && !view.equals(f.last)) {
                    f.sink.emit(view);
                    f.last = view;
                }
                if (view == null || terminal.test(view)) {
                    f.sink.complete();
                    remove(jobId, f);
                }
            }
        }
    }

    private void remove(String jobId, Follower<V> f) {
        byJob.computeIfPresent(jobId, (k, set) -> {
            set.remove(f);
            return set.isEmpty() ? null : set;
        });
    }
}
