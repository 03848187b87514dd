package dev.bitplan.planner.internal;

import dev.bitplan.planner.Budgets;
import dev.bitplan.planner.InfeasibleBudgetException;
import dev.bitplan.planner.internal.DecisionGroups.Group;
import dev.bitplan.planner.internal.DecisionGroups.GroupOption;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Rejects a budget that even the all-smallest plan misses, one dimension at a time (per group, the
 * smallest option in that dimension). Budgets that are each reachable but not together are left
 * to the solvers.
 */
public final class BudgetCheck {

    private BudgetCheck() {
    }

    /** Throws {@link InfeasibleBudgetException} naming the smallest reachable value. */
    public static void requireReachable(DecisionGroups groups, Budgets budgets) {
        if (budgets.maxSizeBytes() != null) {
            long min = sumOfMin(groups, GroupOption::sizeBytes);
            if (budgets.maxSizeBytes() < min) {
                throw new InfeasibleBudgetException(String.format(Locale.US,
                        "size budget %,d bytes is below the smallest possible plan (%,d bytes, every layer at its smallest option)",
                        budgets.maxSizeBytes(), min));
            }
        }
        if (budgets.maxLatencyMs() != null) {
            long min = sumOfMin(groups, GroupOption::latencyNanos);
            if (Units.latencyNanos(budgets.maxLatencyMs()) < min) {
                throw new InfeasibleBudgetException(String.format(Locale.US,
                        "latency budget %.4f ms is below the smallest possible plan (%.4f ms, every layer at its fastest option)",
                        budgets.maxLatencyMs(), sumOfMinMs(groups)));
            }
        }
        if (budgets.maxBops() != null) {
            long min = sumOfMin(groups, GroupOption::bops);
            if (budgets.maxBops() < min) {
                throw new InfeasibleBudgetException(String.format(Locale.US,
                        "BOPs budget %,d is below the smallest possible plan (%,d BOPs, every layer at its option with fewest BOPs)",
                        budgets.maxBops(), min));
            }
        }
    }

    /** Sum over groups of the smallest value of one dimension. */
    public static long sumOfMin(DecisionGroups groups, ToLongFunction<GroupOption> dim) {
        long sum = 0;
        for (Group g : groups.groups()) {
            sum += g.options().stream().mapToLong(dim).min().orElseThrow();
        }
        return sum;
    }

    /** Sum over groups of the largest value of one dimension. */
    public static long sumOfMax(DecisionGroups groups, ToLongFunction<GroupOption> dim) {
        long sum = 0;
        for (Group g : groups.groups()) {
            sum += g.options().stream().mapToLong(dim).max().orElseThrow();
        }
        return sum;
    }

    private static double sumOfMinMs(DecisionGroups groups) {
        ToDoubleFunction<GroupOption> ms = GroupOption::latencyMs;
        double sum = 0;
        for (Group g : groups.groups()) {
            sum += g.options().stream().mapToDouble(ms).min().orElseThrow();
        }
        return sum;
    }
}
