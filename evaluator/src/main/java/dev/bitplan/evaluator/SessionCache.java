package dev.bitplan.evaluator;

import dev.bitplan.contracts.job.JobSpec;
import dev.bitplan.contracts.json.Json;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.search.CandidateTuner;
import dev.bitplan.search.SearchSession;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The last few search sessions, by the files and spec they were built from, so the candidates of one job on
 * one evaluator load the model and calibrate once. Each session reports progress to whoever uses it now.
 */
final class SessionCache {

    /** What makes two candidates share a session: same files, same spec (hence same seed, splits, calibration, QAT budget). */
    record Key(String modelSha256, String dataSha256, String calibrationSha256, String trainSha256, String specJson) {
        static Key of(String model, String data, String calibration, String train, JobSpec spec) {
            return new Key(model, data, calibration, train, Json.write(spec));
        }
    }

    /** A session and the listener its progress goes to at the moment. */
    static final class Entry implements ProgressListener {
        private volatile ProgressListener current = ProgressListener.NONE;
        SearchSession session;
        /** The QAT step of a job with method qat (it holds the training set, spilled once per session); null otherwise. */
        CandidateTuner tuner;

        synchronized CandidateTuner tuner(Supplier<CandidateTuner> create) {
            if (tuner == null) {
                tuner = create.get();
            }
            return tuner;
        }

        void reportTo(ProgressListener listener) {
            current = listener == null ? ProgressListener.NONE : listener;
        }

        @Override
        public void progress(String stage, int done, int total) {
            current.progress(stage, done, total);
        }
    }

    private final int capacity;
    private final Map<Key, Entry> entries;

    SessionCache(int capacity) {
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(4, 0.75f, true); // access order: the eldest is the least recently used
    }

    /** The cached entry, or a new one whose session {@code create} builds (given the entry as its progress listener). */
    synchronized Entry get(Key key, Function<ProgressListener, SearchSession> create) {
        Entry e = entries.get(key);
        if (e == null) {
            e = new Entry();
            e.session = create.apply(e);
            entries.put(key, e);
            while (entries.size() > capacity) {
                Key eldest = entries.keySet().iterator().next();
                release(entries.remove(eldest));
            }
        }
        return e;
    }

    synchronized void evict(Key key) {
        release(entries.remove(key));
    }

    /**
     * SearchSession holds no native resources between calls: dropping it frees it. A QAT tuner holds its training set
     * spilled to disk, deleted here (the evaluator handles one candidate at a time, so no training reads it now).
     */
    private static void release(Entry e) {
        if (e != null && e.tuner != null) {
            e.tuner.close();
        }
    }

    synchronized int size() {
        return entries.size();
    }

}
