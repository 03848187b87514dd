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
    private final CandidateTuner tuner;
    private final Map<String, ExportedModel> exports = new LinkedHashMap<>();
    private SearchSession session;

    public PlanSearch(SearchRequest request, RuntimeOptions runtime, ProgressListener progress) {
        this(request, runtime, progress, null);
    }

    /**
     * A search that fine-tunes ({@code bitplan search --method qat}): the solver plans with PTQ sensitivity, every proposal
     * is measured with PTQ, then the quantized candidates on the PTQ front are fine-tuned by {@code tuner} and the report's
     * front and recommendation judge their tuned metric.
     */
    public PlanSearch(SearchRequest request, RuntimeOptions runtime, ProgressListener progress, CandidateTuner tuner) {
        this.request = request;
        this.runtime = runtime;
        this.progress = progress;
        this.tuner = tuner;
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
        MeasuredCandidate m = session.measure(new CandidateProposal(id, CandidateKind.SOLVER, plan, 0, 0));
        exports.put(id, m.exported());
        return m.candidate();
    }

    /** Batch-1 latencies (ms) of candidates measured so far, by id, timed together ({@link SearchSession#retimedTogether}). */
    public Map<String, Double> latenciesTogether(List<Candidate> candidates) {
        List<MeasuredCandidate> ms = candidates.stream().map(c -> new MeasuredCandidate(c, exports.get(c.id()))).toList();
        Map<String, Double> out = new LinkedHashMap<>();
        session.retimedTogether(ms).forEach(c -> out.put(c.id(), c.latencyMs()));
        return out;
    }

    /** The deployable model of a candidate of the last run, by candidate id. */
    public ExportedModel exported(String candidateId) {
        return exports.get(candidateId);
    }

    public SearchReport run() {
        session = new SearchSession(request, runtime, progress);
        SearchProfile profile = session.profile(Map.of(), s -> { });
        long t = System.nanoTime();
        List<MeasuredCandidate> measured = new ArrayList<>();
        for (CandidateProposal p : profile.proposals()) {
            MeasuredCandidate m = session.measure(p);
            exports.put(p.id(), m.exported());
            measured.add(m);
            progress.progress("candidates", measured.size(), profile.proposals().size());
        }
        Map<String, Long> stages = new LinkedHashMap<>(profile.stageMillis());
        stages.put("evaluation", (System.nanoTime() - t) / 1_000_000);
        List<Candidate> candidates = measured.stream().map(MeasuredCandidate::candidate).toList();
        if (tuner != null) {
            t = System.nanoTime();
            candidates = tuneFront(profile, candidates);
            stages.put("qat", (System.nanoTime() - t) / 1_000_000);
        }
        // in one process every candidate is at hand (tuned where QAT ran): time them again together, so that their
        // latencies compare
        t = System.nanoTime();
        progress.progress("latency, all candidates together", 0, 1);
        candidates = session.retimedTogether(candidates.stream().map(c -> new MeasuredCandidate(c, exports.get(c.id()))).toList());
        progress.progress("latency, all candidates together", 1, 1);
        stages.put("latency-together", (System.nanoTime() - t) / 1_000_000);
        SearchReport report = ReportAssembler.assemble(profile, candidates);
        return new SearchReport(report.schemaVersion(), report.metricName(), report.inputs(), report.settings(), report.fp32(),
                report.budgets(), report.layers(), report.pairs(), report.candidates(), report.recommended(), report.recommendation(),
                report.notes(), stages);
    }

    /** The quantized candidates on the PTQ front fine-tuned (their exports replaced by the tuned ones), the rest marked why not. */
    private List<Candidate> tuneFront(SearchProfile profile, List<Candidate> ptq) {
        List<Candidate> ptqFront = ReportAssembler.assemble(profile, ptq).candidates().stream()
                .filter(c -> c.onFront() && c.kind() != CandidateKind.BASELINE_FP32).toList();
        Map<String, Candidate> byId = new LinkedHashMap<>();
        ptq.forEach(c -> byId.put(c.id(), c));
        List<Candidate> out = new ArrayList<>();
        int done = 0;
        for (CandidateProposal p : profile.proposals()) {
            Candidate c = byId.get(p.id());
            if (p.fp32()) {
                out.add(c);
            } else if (ptqFront.stream().noneMatch(f -> f.id().equals(p.id()))) {
                out.add(c.notTuned("not on the PTQ front"));
            } else {
                MeasuredCandidate tuned = tuner.tune(session, p, new MeasuredCandidate(c, exports.get(p.id())), progress);
                exports.put(p.id(), tuned.exported());
                out.add(tuned.candidate());
                progress.progress("qat candidates", ++done, ptqFront.size());
            }
        }
        return out;
    }
}
