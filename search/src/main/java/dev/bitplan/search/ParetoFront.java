package dev.bitplan.search;

import java.util.ArrayList;
import java.util.List;

/** Non-dominated points over (metric up, size down, latency down). */
public final class ParetoFront {

    /** One point; {@code index} identifies it in the caller's list. */
    public record Point(int index, double metric, long sizeBytes, double latencyMs) {
    }

    private ParetoFront() {
    }

    /** Indices of the points no other point dominates (at least as good in all three, better in one). */
    public static List<Integer> front(List<Point> points) {
        List<Integer> out = new ArrayList<>();
        for (Point p : points) {
            boolean dominated = false;
            for (Point q : points) {
                if (q != p && dominates(q, p)) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) {
                out.add(p.index());
            }
        }
        return out;
    }

    static boolean dominates(Point a, Point b) {
        boolean noWorse = a.metric() >= b.metric() && a.sizeBytes() <= b.sizeBytes() && a.latencyMs() <= b.latencyMs();
        boolean better = a.metric() > b.metric() || a.sizeBytes() < b.sizeBytes() || a.latencyMs() < b.latencyMs();
        return noWorse && better;
    }
}
