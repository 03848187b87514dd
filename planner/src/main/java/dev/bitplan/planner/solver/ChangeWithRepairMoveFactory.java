package dev.bitplan.planner.solver;

import dev.bitplan.planner.domain.BudgetLimits;
import dev.bitplan.planner.domain.LayerDecision;
import dev.bitplan.planner.domain.LayerPlan;
import dev.bitplan.planner.domain.OptionChoice;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.optaplanner.core.api.score.director.ScoreDirector;
import org.optaplanner.core.impl.heuristic.selector.move.factory.MoveIteratorFactory;

/**
 * The knapsack neighbourhood: change one random decision, then keep the plan within budget in the
 * same move. If a budget is exceeded, other decisions step down, least extra cost per useful unit
 * saved first; then, while room is left, others step up, largest cost saving first.
 *
 * <p>Why: upgrading one large layer (say to float) can need ten small layers downgraded at once;
 * single or paired change moves only get there through many worse plans in a row. Pair terms are
 * not looked at here; the score judges the finished move.
 */
public final class ChangeWithRepairMoveFactory implements MoveIteratorFactory<LayerPlan, MultiChangeMove> {

    @Override
    public long getSize(ScoreDirector<LayerPlan> scoreDirector) {
        return scoreDirector.getWorkingSolution().getDecisions().stream().mapToLong(d -> d.getOptions().size() - 1).sum();
    }

    @Override
    public Iterator<MultiChangeMove> createOriginalMoveIterator(ScoreDirector<LayerPlan> scoreDirector) {
        throw new UnsupportedOperationException("only random selection is supported");
    }

    @Override
    public Iterator<MultiChangeMove> createRandomMoveIterator(ScoreDirector<LayerPlan> scoreDirector, Random random) {
        // The working plan does not change while one step's moves are tried: snapshot it once.
        Snapshot snapshot = new Snapshot(scoreDirector.getWorkingSolution());
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return snapshot.movable.length > 0;
            }

            @Override
            public MultiChangeMove next() {
                int target = snapshot.movable[random.nextInt(snapshot.movable.length)];
                List<OptionChoice> options = snapshot.decisions[target].getOptions();
                return snapshot.build(target, options.get(random.nextInt(options.size())));
            }
        };
    }

    /** The plan at the start of a step: decisions, their options, totals per budgeted dimension. */
    static final class Snapshot {

        private final LayerDecision[] decisions;
        private final OptionChoice[] current;
        private final int[] movable;
        private final int[] dims;
        private final long[] limits;
        private final long[] totals;

        Snapshot(LayerPlan plan) {
            decisions = plan.getDecisions().toArray(LayerDecision[]::new);
            current = new OptionChoice[decisions.length];
            List<Integer> canMove = new ArrayList<>();
            for (int i = 0; i < decisions.length; i++) {
                current[i] = decisions[i].getOption();
                if (decisions[i].getOptions().size() > 1) {
                    canMove.add(i);
                }
            }
            movable = canMove.stream().mapToInt(Integer::intValue).toArray();
            BudgetLimits b = plan.getBudget();
            List<long[]> given = new ArrayList<>(); // {dimension, limit}
            if (b.maxSizeBytes() != null) {
                given.add(new long[] {0, b.maxSizeBytes()});
            }
            if (b.maxLatencyNanos() != null) {
                given.add(new long[] {1, b.maxLatencyNanos()});
            }
            if (b.maxBops() != null) {
                given.add(new long[] {2, b.maxBops()});
            }
            dims = given.stream().mapToInt(g -> (int) g[0]).toArray();
            limits = given.stream().mapToLong(g -> g[1]).toArray();
            totals = new long[dims.length];
            for (OptionChoice o : current) {
                for (int k = 0; k < dims.length; k++) {
                    totals[k] += value(o, dims[k]);
                }
            }
        }

        MultiChangeMove build(int target, OptionChoice to) {
            OptionChoice[] next = current.clone();
            long[] sums = totals.clone();
            set(next, sums, target, to);
            repair(next, sums, target);
            fill(next, sums, target);
            List<LayerDecision> changed = new ArrayList<>();
            List<OptionChoice> values = new ArrayList<>();
            for (int i = 0; i < next.length; i++) {
                if (next[i] != current[i]) {
                    changed.add(decisions[i]);
                    values.add(next[i]);
                }
            }
            return new MultiChangeMove(changed, values);
        }

        /** While a budget is exceeded, step down the decision with the least extra cost per useful unit saved. */
        private void repair(OptionChoice[] next, long[] sums, int target) {
            int over;
            while ((over = firstExceeded(sums)) >= 0) {
                int dim = dims[over];
                long deficit = sums[over] - limits[over];
                int bestDecision = -1;
                OptionChoice bestOption = null;
                double bestRatio = Double.POSITIVE_INFINITY;
                for (int i = 0; i < next.length; i++) {
                    if (i == target) {
                        continue;
                    }
                    OptionChoice from = next[i];
                    for (OptionChoice o : decisions[i].getOptions()) {
                        long saved = value(from, dim) - value(o, dim);
                        if (saved <= 0 || grows(from, o)) {
                            continue;
                        }
                        // Only the saving up to the deficit counts, so one step that just covers it
                        // can beat a better-looking ratio that overshoots by a lot.
                        double ratio = (double) (o.scaledCost() - from.scaledCost()) / Math.min(saved, deficit);
                        if (ratio < bestRatio) {
                            bestRatio = ratio;
                            bestDecision = i;
                            bestOption = o;
                        }
                    }
                }
                if (bestDecision < 0) {
                    return; // cannot be repaired: the score will judge the move
                }
                set(next, sums, bestDecision, bestOption);
            }
        }

        /** While some step up fits every budget, take the one that saves the most cost. */
        private void fill(OptionChoice[] next, long[] sums, int target) {
            if (firstExceeded(sums) >= 0) {
                return;
            }
            while (true) {
                int bestDecision = -1;
                OptionChoice bestOption = null;
                long bestSaving = 0;
                for (int i = 0; i < next.length; i++) {
                    if (i == target) {
                        continue;
                    }
                    OptionChoice from = next[i];
                    for (OptionChoice o : decisions[i].getOptions()) {
                        long saving = from.scaledCost() - o.scaledCost();
                        if (saving > bestSaving && fits(sums, from, o)) {
                            bestSaving = saving;
                            bestDecision = i;
                            bestOption = o;
                        }
                    }
                }
                if (bestDecision < 0) {
                    return;
                }
                set(next, sums, bestDecision, bestOption);
            }
        }

        private void set(OptionChoice[] next, long[] sums, int i, OptionChoice o) {
            for (int k = 0; k < dims.length; k++) {
                sums[k] += value(o, dims[k]) - value(next[i], dims[k]);
            }
            next[i] = o;
        }

        private int firstExceeded(long[] sums) {
            for (int k = 0; k < dims.length; k++) {
                if (sums[k] > limits[k]) {
                    return k;
                }
            }
            return -1;
        }

        private boolean grows(OptionChoice from, OptionChoice to) {
            for (int dim : dims) {
                if (value(to, dim) > value(from, dim)) {
                    return true;
                }
            }
            return false;
        }

        private boolean fits(long[] sums, OptionChoice from, OptionChoice to) {
            for (int k = 0; k < dims.length; k++) {
                if (sums[k] - value(from, dims[k]) + value(to, dims[k]) > limits[k]) {
                    return false;
                }
            }
            return true;
        }

        private static long value(OptionChoice o, int dim) {
            return switch (dim) {
                case 0 -> o.sizeBytes();
                case 1 -> o.latencyNanos();
                default -> o.bops();
            };
        }
    }
}
