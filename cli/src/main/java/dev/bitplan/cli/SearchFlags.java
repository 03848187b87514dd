package dev.bitplan.cli;

import dev.bitplan.contracts.job.JobSpec;
import dev.bitplan.contracts.plan.ActivationMode;
import dev.bitplan.contracts.job.Method;
import dev.bitplan.contracts.search.SearchBudgets;
import dev.bitplan.contracts.search.SearchSpace;
import dev.bitplan.contracts.search.SensitivityDepth;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Budgets, search space and sweep flags of {@code search} and {@code submit}. Both turn their flags into one
 * {@link JobSpec} here, so a local search and a submitted job with the same flags cannot drift apart.
 */
final class SearchFlags {

    @Option(names = "--max-size-ratio", description = "size budget as a fraction of the FP32 size")
    Double maxSizeRatio;

    @Option(names = "--max-size-bytes", description = "size budget in bytes")
    Long maxSizeBytes;

    @Option(names = "--max-latency-ms", description = "latency budget (batch 1, estimated from the latency table)")
    Double maxLatencyMs;

    @Option(names = "--max-bops", description = "bit-operations budget")
    Long maxBops;

    @Option(names = "--min-metric", description = "metric floor")
    Double minMetric;

    @Option(names = "--max-drop", description = "largest metric drop from FP32 allowed")
    Double maxDrop;

    @Option(names = "--weight-bits", split = ",", defaultValue = "4,8", description = "weight bits to choose from (default 4,8)")
    List<Integer> weightBits;

    @Option(names = "--activation-bits", split = ",", defaultValue = "8", description = "activation bits to choose from (default 8)")
    List<Integer> activationBits;

    @Option(names = "--activation-modes", split = ",",
            description = "how each layer's input may be quantized, chosen per layer by the search: static, dynamic, none "
                    + "(weight-only), e.g. static,dynamic,none (default: every layer as --activations says)")
    List<String> activationModes;

    @Option(names = "--block-choices", split = ",",
            description = "also offer 4-bit block-wise weights of these block sizes (32, 128) as per-layer options the solver "
                    + "picks between (MatMul layers and embeddings blocks fit; weight-only, run as MatMulNBits), beside the "
                    + "granularity of --weight-granularity; 0 offers per-channel where that is block-wise")
    List<Integer> blockChoices;

    @Option(names = "--smooth-choices", description = "let each MatMul layer that reads a LayerNorm choose SmoothQuant or not "
            + "(the LayerNorm's outlier channels moved into that layer's weights; alpha from --smoothquant, 0.5 if not given): "
            + "every such option is offered both ways and measured")
    boolean smoothChoices;

    @Option(names = "--allow-float", description = "let layers stay float")
    boolean allowFloat;

    @Option(names = "--fused-only", description = "do not search fusion modes: every layer fully fused")
    boolean fusedOnly;

    @Option(names = "--tie-add-inputs", description = "layers whose outputs meet in an Add take the same option")
    boolean tieAddInputs;

    @Option(names = "--candidates", defaultValue = "8", description = "size budgets in the Pareto sweep (default 8)")
    int candidates;

    @Option(names = "--sensitivity-samples", defaultValue = "256", description = "samples for sensitivity (default 256)")
    int sensitivitySamples;

    @Option(names = "--sensitivity", defaultValue = "fast", converter = DepthConverter.class,
            description = "sensitivity depth: fast (every layer alone on its FP32 input, then the whole model only for the "
                    + "layers that rank most sensitive) or full (every option on the whole model; slower) (default fast)")
    SensitivityDepth sensitivity;

    @Option(names = "--latency-runs", defaultValue = "30", description = "timed batch-1 runs per latency figure")
    int latencyRuns;

    @Option(names = "--latency-batch", defaultValue = "0", description = "also measure the latency table at this batch size")
    int latencyBatch;

    /** The job these flags describe, with the quantization flags beside them; the records' checks name bad values. */
    JobSpec spec(QuantizationFlags quant, Method method) {
        SearchBudgets budgets = new SearchBudgets(maxSizeBytes, maxSizeRatio, maxLatencyMs, maxBops, minMetric, maxDrop);
        List<ActivationMode> modes = activationModes == null ? List.of()
                : activationModes.stream().map(m -> QuantizationFlags.parseActivationMode(m, "--activation-modes", false)).toList();
        SearchSpace space = new SearchSpace(weightBits, activationBits, allowFloat, !fusedOnly, tieAddInputs, modes, blockChoices,
                smoothChoices);
        return new JobSpec(method, quant.metric, budgets, space, quant.quantizationOptions(), candidates, quant.seed,
                quant.calibrationSamples, sensitivitySamples, latencyRuns, latencyBatch, sensitivity);
    }

    /** Parses fast / full, naming the choices when neither. */
    static final class DepthConverter implements picocli.CommandLine.ITypeConverter<SensitivityDepth> {
        @Override
        public SensitivityDepth convert(String value) {
            return SensitivityDepth.parse(value);
        }
    }
}
