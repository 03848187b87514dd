package dev.bitplan.search;

import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.search.Candidate;
import dev.bitplan.contracts.search.CandidateKind;
import dev.bitplan.contracts.search.CandidateProposal;
import dev.bitplan.contracts.search.SearchProfile;
import dev.bitplan.contracts.search.SearchReport;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.qdq.ExportedModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.planner.PlanProblem;
import dev.bitplan.planner.PlanSolution;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole search in one process, as {@code bitplan search} runs it: a {@link SearchSession}'s profile, every
 * proposal measured in turn, and the report put together by {@link ReportAssembler}. The service runs the same
 * three steps in a search worker, evaluators and the api.
 */
public final class PlanSearch {

    private final SearchRequest request;
    private final RuntimeOptions runtime;
    private final ProgressListener progress;
    private final Map<String, ExportedModel> exports = new LinkedHashMap<>();
    private SearchSession session;

    public PlanSearch(SearchRequest request, RuntimeOptions runtime, ProgressListener progress) {
        this.request = request;
        this.runtime = runtime;
        this.progress = progress;
    }

    /** The solver's problem of the last run (layer sizes and latencies, sensitivity costs, the user's budgets). */
    public PlanProblem problem() {
        return session.problem();
    }

    /** Bytes of the model outside its layers: whole-model size = this + the problem's layer sizes. */
    public long fixedBytes() {
        return session.cost().remainderBytes();
    }

    /** The simulated metric of any plan on the last run's validation samples. */
    public double evaluate(QuantPlan plan) {
        return session.evaluate(plan);
    }

    /** A solver's per-layer labels as a plan. */
    public QuantPlan plan(PlanSolution solution) {
        return QuantPlan.of(ProblemBuilder.choices(solution.choice(), session.sensitivity()));
    }

    /**
     * Measures a plan found elsewhere (a baseline solver's, say) as the last run measured its candidates: metric, as
     * deployed, modelled and file size, measured latency (no latency estimate: 0).
     */
    public Candidate measure(String id, QuantPlan plan) {
        return session.measure(new CandidateProposal(id, CandidateKind.SOLVER, plan, 0, 0)).candidate();
    }

    /** The deployable model of a candidate of the last run, by candidate id. */
    public ExportedModel exported(String candidateId) {
        return exports.get(candidateId);
    }

    public SearchReport run() {
        session = new SearchSession(request, runtime, progress);
        SearchProfile profile = session.profile(Map.of(), s -> { });
        long t = System.nanoTime();
        List<Candidate> measured = new ArrayList<>();
        for (CandidateProposal p : profile.proposals()) {
            MeasuredCandidate m = session.measure(p);
            exports.put(p.id(), m.exported());
            measured.add(m.candidate());
            progress.progress("candidates", measured.size(), profile.proposals().size());
        }
        SearchReport report = ReportAssembler.assemble(profile, measured);
        Map<String, Long> stages = new LinkedHashMap<>(report.stageMillis());
        stages.put("evaluation", (System.nanoTime() - t) / 1_000_000);
        return new SearchReport(report.schemaVersion(), report.metricName(), report.inputs(), report.settings(), report.fp32(),
                report.budgets(), report.layers(), report.pairs(), report.candidates(), report.recommended(), report.recommendation(),
                report.notes(), stages);
    }
}
