package dev.bitplan.cli;

import dev.bitplan.contracts.search.Candidate;
import dev.bitplan.contracts.search.SearchReport;
import java.io.PrintStream;
import java.util.Locale;

/** The result table of a search, the same whether the search ran here ({@code search}) or in the service ({@code submit}). */
final class ReportTable {

    private ReportTable() {
    }

    static void print(SearchReport r, PrintStream out) {
        long base = r.fp32().budgetBaseBytes();
        out.printf(Locale.ROOT, "%s: FP32 %.4f, %,d bytes (file %,d), %.3f ms%n%n", r.metricName(), r.fp32().metric(),
                r.fp32().sizeBytes(), base, r.fp32().latencyMs());
        // budgets judge the file and the measured latency; the modelled size and the estimate are what the solver planned with
        Tables t = new Tables("candidate", "kind", r.metricName(), "deployed", "modelled B", "file B", "file ratio", "latency ms",
                "est. ms", "front", "budgets");
        for (Candidate c : r.candidates()) {
            t.row(c.id() + (c.id().equals(r.recommended()) ? " *" : ""), c.kind().json(), String.format(Locale.ROOT, "%.4f", c.metric()),
                    c.deployedMetric() == null ? "" : String.format(Locale.ROOT, "%.4f", c.deployedMetric()),
                    String.format(Locale.ROOT, "%,d", c.sizeBytes()), String.format(Locale.ROOT, "%,d", c.budgetBytes()),
                    String.format(Locale.ROOT, "%.3f", (double) c.budgetBytes() / base),
                    c.latencyMs() == null ? "" : String.format(Locale.ROOT, "%.3f", c.latencyMs()),
                    String.format(Locale.ROOT, "%.3f", c.estimatedLatencyMs()),
                    c.onFront() ? "yes" : "", c.withinBudgets() ? "ok" : "missed");
        }
        t.print(out);
        out.println();
        for (Candidate c : r.candidates()) {
            if (c.qatMetric() != null) {
                out.printf(Locale.ROOT, "QAT %s: PTQ %.4f -> %.4f after %d steps (%.1f s%s)%n", c.id(), c.ptqMetric(), c.qatMetric(),
                        c.qat().steps(), c.qat().seconds(), c.qat().peakResidentBytes() == null ? ""
                                : String.format(Locale.ROOT, ", process at most %,d MiB resident", c.qat().peakResidentBytes() >> 20));
            } else if (c.qat() != null && c.qat().skipped() != null) {
                out.printf(Locale.ROOT, "QAT %s: not fine-tuned (%s); PTQ %.4f%n", c.id(), c.qat().skipped(), c.metric());
            }
        }
        out.println("recommended: " + r.recommendation());
        if (r.stageMillis() != null) {
            out.println("stages (ms): " + r.stageMillis());
        }
    }
}
