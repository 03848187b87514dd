package dev.bitplan.search;

import dev.bitplan.contracts.search.Candidate;
import dev.bitplan.contracts.search.CandidateKind;
import dev.bitplan.contracts.search.CandidateProposal;
import dev.bitplan.contracts.search.SearchProfile;
import dev.bitplan.contracts.search.SearchReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Puts a report together from the search's profile and its measured candidates, wherever they were measured:
 * marks the Pareto front, checks every budget, picks the recommendation. The same code serves the in-process
 * search and the service, so both give the same report for the same measurements.
 */
public final class ReportAssembler {

    private ReportAssembler() {
    }

    /**
     * @param measured one candidate per proposal of the profile, in any order (the report keeps the proposals' order)
     * @throws IllegalArgumentException when a proposal has no measurement or a measurement no proposal
     */
    public static SearchReport assemble(SearchProfile profile, List<Candidate> measured) {
        Map<String, Candidate> byId = new LinkedHashMap<>();
        measured.forEach(c -> byId.put(c.id(), c));
        List<Candidate> ordered = new ArrayList<>();
        for (CandidateProposal p : profile.proposals()) {
            Candidate c = byId.remove(p.id());
            if (c == null) {
                throw new IllegalArgumentException("candidate " + p.id() + " has not been measured");
            }
            ordered.add(c);
        }
        if (!byId.isEmpty()) {
            throw new IllegalArgumentException("measured candidates the search did not propose: " + byId.keySet());
        }
        List<Candidate> marked = markFront(ordered);
        Recommendation rec = Recommendation.pick(marked, profile.budgets(), profile.fp32().metric(), profile.fp32().budgetBaseBytes());
        double fp32Latency = ordered.stream().filter(c -> c.kind() == CandidateKind.BASELINE_FP32).findFirst()
                .map(Candidate::latencyMs).orElse(profile.fp32().latencyMs());
        SearchReport.Fp32 fp32 = new SearchReport.Fp32(profile.fp32().metric(), profile.fp32().sizeBytes(), fp32Latency, profile.fp32().bops(),
                profile.fp32().fileBytes());
        return new SearchReport(SearchReport.SCHEMA_VERSION, profile.metricName(), profile.inputs(), profile.settings(), fp32,
                profile.budgets(), profile.layers(), profile.pairs(), rec.candidates(), rec.recommended(), rec.reason(),
                notes(profile, rec.candidates()), profile.stageMillis());
    }

    private static List<Candidate> markFront(List<Candidate> candidates) {
        List<ParetoFront.Point> points = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            points.add(new ParetoFront.Point(i, c.metric(), c.budgetBytes(), c.budgetLatencyMs()));
        }
        Set<Integer> front = new LinkedHashSet<>(ParetoFront.front(points));
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            out.add(c.marked(front.contains(i), c.withinBudgets()));
        }
        return out;
    }

    private static List<String> notes(SearchProfile profile, List<Candidate> candidates) {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT,
                "latency estimate = %.3f ms for non-layer ops (measured FP32 minus its layers) + the layers' table entries "
                        + "(each single-layer entry pays its own input Q/DQ, which chained quantized layers share)", profile.latencyOverheadMs()));
        out.add(LatencyCorrection.fit(candidates).describe());
        long predicted = profile.layers().stream().filter(l -> l.options().stream().anyMatch(o -> o.sensitivity() != null && o.sensitivity().predicted())).count();
        if (predicted > 0) {
            out.add(String.format(Locale.ROOT, "fast sensitivity: %d of %d layers measured on the whole model (those whose own output "
                    + "error ranked highest); the divergence of the other %d is predicted from their own output error "
                    + "(options marked predicted)", profile.layers().size() - predicted, profile.layers().size(), predicted));
        }
        qatNote(candidates).ifPresent(out::add);
        return out;
    }

    /** In a QAT search: which candidates were fine-tuned, which metric the front judged, and why others were not tuned. */
    private static Optional<String> qatNote(List<Candidate> candidates) {
        List<Candidate> inQat = candidates.stream().filter(c -> c.ptqMetric() != null).toList();
        if (inQat.isEmpty()) {
            return Optional.empty();
        }
        long tuned = inQat.stream().filter(c -> c.qatMetric() != null).count();
        String skipped = inQat.stream().filter(c -> c.qatMetric() == null && c.qat() != null && c.qat().skipped() != null)
                .map(c -> c.id() + " (" + c.qat().skipped() + ")").collect(Collectors.joining("; "));
        return Optional.of(String.format(Locale.ROOT, "QAT: %d of %d quantized candidates fine-tuned; their metric is the "
                + "fine-tuned model's (ptqMetric beside it) and the front and the recommendation judge it%s", tuned, inQat.size(),
                skipped.isEmpty() ? "" : "; not fine-tuned: " + skipped));
    }
}
