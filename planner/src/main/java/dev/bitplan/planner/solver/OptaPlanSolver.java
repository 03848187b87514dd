package dev.bitplan.planner.solver;

import dev.bitplan.planner.PlanProblem;
import dev.bitplan.planner.PlanSolution;
import dev.bitplan.planner.PlanSolver;
import dev.bitplan.planner.domain.LayerDecision;
import dev.bitplan.planner.domain.LayerPlan;
import dev.bitplan.planner.internal.BudgetCheck;
import dev.bitplan.planner.internal.DecisionGroups;
import org.optaplanner.core.api.solver.SolverFactory;
import org.optaplanner.core.config.constructionheuristic.ConstructionHeuristicPhaseConfig;
import org.optaplanner.core.config.constructionheuristic.ConstructionHeuristicType;
import org.optaplanner.core.config.heuristic.selector.move.MoveSelectorConfig;
import org.optaplanner.core.config.heuristic.selector.move.composite.CartesianProductMoveSelectorConfig;
import org.optaplanner.core.config.heuristic.selector.move.composite.UnionMoveSelectorConfig;
import org.optaplanner.core.config.heuristic.selector.move.factory.MoveIteratorFactoryConfig;
import org.optaplanner.core.config.heuristic.selector.move.generic.ChangeMoveSelectorConfig;
import org.optaplanner.core.config.localsearch.LocalSearchPhaseConfig;
import org.optaplanner.core.config.localsearch.decider.acceptor.LocalSearchAcceptorConfig;
import org.optaplanner.core.config.localsearch.decider.forager.LocalSearchForagerConfig;
import org.optaplanner.core.config.solver.EnvironmentMode;
import org.optaplanner.core.config.solver.SolverConfig;
import org.optaplanner.core.config.solver.termination.TerminationConfig;

/**
 * The OptaPlanner solver (Bavet constraint streams), seeded and reproducible: one planning entity
 * per decision (layer or tie group), a first-fit construction heuristic, then late-acceptance
 * local search over single changes, pairs of changes and change-with-repair moves. Handles pair
 * interactions, ties and any combination of budgets.
 */
public final class OptaPlanSolver implements PlanSolver {

    /** Late acceptance compares with the score this many steps back. */
    private static final int LATE_ACCEPTANCE_SIZE = 400;

    /** Share of change-with-repair moves: they are slower to build than plain changes (tuned, see tests). */
    private static final double REPAIR_MOVE_WEIGHT = 0.3;

    private final SolverSettings settings;

    public OptaPlanSolver() {
        this(SolverSettings.defaults());
    }

    public OptaPlanSolver(SolverSettings settings) {
        this.settings = settings;
    }

    @Override
    public PlanSolution solve(PlanProblem problem) {
        long start = System.nanoTime();
        DecisionGroups groups = DecisionGroups.of(problem);
        BudgetCheck.requireReachable(groups, problem.budgets());
        if (groups.groups().stream().allMatch(g -> g.options().size() == 1)) {
            // Nothing to choose; local search would only wait for its time limit.
            return PlanSolution.evaluate(problem, groups.expand(new int[groups.groups().size()]), "optaplanner",
                    (System.nanoTime() - start) / 1_000_000);
        }
        SolverFactory<LayerPlan> factory = SolverFactory.create(config(settings, groups.groups().size()));
        LayerPlan solved = factory.buildSolver().solve(LayerPlanMapper.toPlan(groups, problem.budgets()));
        long millis = (System.nanoTime() - start) / 1_000_000;
        return PlanSolution.evaluate(problem, LayerPlanMapper.choice(solved), "optaplanner", millis);
    }

    /** The solver configuration, built in code (no XML); the work budget scales with the decisions. */
    static SolverConfig config(SolverSettings settings, int decisions) {
        return new SolverConfig()
                .withSolutionClass(LayerPlan.class)
                .withEntityClasses(LayerDecision.class)
                .withConstraintProviderClass(PlanConstraintProvider.class)
                .withEnvironmentMode(EnvironmentMode.REPRODUCIBLE)
                .withRandomSeed(settings.randomSeed())
                .withTerminationConfig(new TerminationConfig().withSpentLimit(settings.timeLimit()))
                .withPhases(
                        new ConstructionHeuristicPhaseConfig()
                                .withConstructionHeuristicType(ConstructionHeuristicType.FIRST_FIT),
                        new LocalSearchPhaseConfig()
                                .withMoveSelectorConfig(moves())
                                .withAcceptorConfig(new LocalSearchAcceptorConfig()
                                        .withLateAcceptanceSize(LATE_ACCEPTANCE_SIZE))
                                .withForagerConfig(new LocalSearchForagerConfig().withAcceptedCountLimit(1))
                                .withTerminationConfig(new TerminationConfig()
                                        .withScoreCalculationCountLimit((long) settings.evaluationsPerDecision()
                                                * Math.max(1, decisions))
                                        .withUnimprovedSpentLimit(settings.unimprovedTimeLimit())));
    }

    /** Single changes, two changes at once (swap budget between two layers), change-with-repair. */
    private static MoveSelectorConfig moves() {
        return new UnionMoveSelectorConfig().withMoveSelectors(
                new ChangeMoveSelectorConfig().withFixedProbabilityWeight(1.0),
                new CartesianProductMoveSelectorConfig()
                        .withMoveSelectors(new ChangeMoveSelectorConfig(), new ChangeMoveSelectorConfig())
                        .withFixedProbabilityWeight(1.0),
                new MoveIteratorFactoryConfig()
                        .withMoveIteratorFactoryClass(ChangeWithRepairMoveFactory.class)
                        .withFixedProbabilityWeight(REPAIR_MOVE_WEIGHT));
    }
}
