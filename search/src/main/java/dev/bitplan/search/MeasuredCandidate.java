package dev.bitplan.search;

import dev.bitplan.contracts.search.Candidate;
import dev.bitplan.engine.qdq.ExportedModel;

/**
 * A measured candidate and its deployable model (the BN-folded float model for the FP32 baseline). Its
 * {@code onFront} and {@code withinBudgets} flags are decided later, over all candidates, by {@link ReportAssembler}.
 */
public record MeasuredCandidate(Candidate candidate, ExportedModel exported) {
}
