package dev.bitplan.contracts.search;

import java.util.List;
import java.util.Map;

/**
 * What the measuring half of a search found, everything a report needs except the measured candidates: the
 * search worker sends it, evaluators measure the proposals, and the report is put together from both.
 *
 * @param fp32               the float model's figures; its latency is measured with the FP32 candidate, 0 until then
 * @param latencyOverheadMs  the latency table's share of non-layer ops
 * @param stageMillis        wall time of calibration, sensitivity, latency and solve
 */
public record SearchProfile(String metricName, SearchReport.Inputs inputs, SearchReport.Settings settings, SearchReport.Fp32 fp32,
                            SearchBudgets budgets, List<LayerReport> layers, List<PairSensitivity> pairs,
                            List<CandidateProposal> proposals, double latencyOverheadMs, Map<String, Long> stageMillis) {
}
