package dev.bitplan.planner.solver;

import java.time.Duration;
import java.util.Objects;

/**
 * How long and how reproducibly {@link OptaPlanSolver} searches.
 *
 * <p>Local search stops at whichever comes first: {@code evaluationsPerDecision} x decisions
 * score calculations (moves tried), {@code unimprovedTimeLimit} without a better plan, or
 * {@code timeLimit} for the whole solve. The evaluation count is the deterministic criterion: the
 * environment is REPRODUCIBLE, so a run it ends gives the same plan for the same input and seed
 * on any machine. The two time limits are guards for slow machines and very large models; a run
 * they end can differ from one machine to another.
 *
 * @param randomSeed             seed of the search
 * @param evaluationsPerDecision work budget of local search, per decision (layer or tie group)
 * @param unimprovedTimeLimit    stop local search after this long without a better plan
 * @param timeLimit              hard cap on the whole solve
 */
public record SolverSettings(long randomSeed, int evaluationsPerDecision, Duration unimprovedTimeLimit,
                             Duration timeLimit) {

    /** Default work: enough to match the exact optimum on 20-300 layer benchmarks (see tests). */
    public static final int DEFAULT_EVALUATIONS_PER_DECISION = 500;

    public SolverSettings {
        Objects.requireNonNull(unimprovedTimeLimit, "unimprovedTimeLimit");
        Objects.requireNonNull(timeLimit, "timeLimit");
        if (evaluationsPerDecision < 1) {
            throw new IllegalArgumentException("evaluationsPerDecision must be >= 1");
        }
    }

    /** Seed 0, 500 evaluations per decision, 1 s unimproved, 10 s cap. */
    public static SolverSettings defaults() {
        return new SolverSettings(0L, DEFAULT_EVALUATIONS_PER_DECISION, Duration.ofSeconds(1), Duration.ofSeconds(10));
    }

    /**
     * Only the work budget ends the search (time guards at one minute): the same input and seed
     * give the same plan however busy or cold the machine is.
     */
    public static SolverSettings reproducible(long seed) {
        return new SolverSettings(seed, DEFAULT_EVALUATIONS_PER_DECISION, Duration.ofMinutes(1), Duration.ofMinutes(1));
    }

    /** The same settings with another seed. */
    public SolverSettings withRandomSeed(long seed) {
        return new SolverSettings(seed, evaluationsPerDecision, unimprovedTimeLimit, timeLimit);
    }
}
