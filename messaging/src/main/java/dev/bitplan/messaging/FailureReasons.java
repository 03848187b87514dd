package dev.bitplan.messaging;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/** How to tell a user about a worker's failure, in the names they uploaded. */
public final class FailureReasons {

    private FailureReasons() {
    }

    /**
     * The failure in words a user can act on: the first user-facing error in the cause chain, with the cached
     * files' paths and hashes replaced by what the user called them.
     *
     * @param names      cache path or sha256 -> display name (e.g. {@code model 'resnet.onnx'})
     * @param userError  the domain's errors about the user's input (the engine's refusals, infeasible budgets)
     */
    public static String describe(Throwable error, int attempts, Map<String, String> names, Predicate<Throwable> userError) {
        Throwable user = firstInChain(error,
                t -> userError.test(t) || t instanceof IllegalArgumentException || t instanceof PermanentFailure);
        String message = rename(reason(user != null ? user : error), names);
        return user != null ? message : "gave up after " + attempts + " tr" + (attempts == 1 ? "y" : "ies") + ": " + message
                + " (a worker-side problem; submitting the job again may work)";
    }

    /** Display names of a job's files, keyed by their cache path and their sha256 (the engine names files either way). */
    public static Map<String, String> names(Map<String, String> shaToName, java.util.function.Function<String, String> cachePath) {
        Map<String, String> out = new LinkedHashMap<>();
        shaToName.forEach((sha, name) -> {
            if (sha != null) {
                out.put(cachePath.apply(sha), name);
                out.put(sha, name);
            }
        });
        return out;
    }

    private static String rename(String message, Map<String, String> names) {
        String m = message;
        for (Map.Entry<String, String> e : names.entrySet()) {
            m = m.replace(e.getKey(), e.getValue());
        }
        return m;
    }

    /** The first error in the cause chain (the error itself included) that matches, or null. */
    static Throwable firstInChain(Throwable error, Predicate<Throwable> test) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (test.test(t)) {
                return t;
            }
        }
        return null;
    }

    /** The error's own message, with its type when the message alone says too little. */
    static String reason(Throwable t) {
        return text(t);
    }

    /**
     * An error in words for a message: its own message, its type when it has none (so a text never ends in
     * "null"), and the type before the message of an I/O error, whose message alone ("Connection reset") says little.
     */
    public static String text(Throwable t) {
        if (t == null) {
            return "no reason given";
        }
        String m = t.getMessage();
        String type = t.getClass().getSimpleName();
        return m == null || m.isBlank() ? type : t instanceof java.io.IOException ? type + ": " + m : m;
    }
}
