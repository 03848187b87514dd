package dev.bitplan.engine.sensitivity;

import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.eval.Quantizer;
import dev.bitplan.engine.eval.SampleSet;
import dev.bitplan.engine.eval.SequenceBuckets;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.layers.LayerKind;
import dev.bitplan.engine.latency.SingleLayerModel;
import dev.bitplan.engine.onnx.GraphOutputs;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.qdq.PlanRewriter;
import dev.bitplan.engine.qdq.WeightDataType;
import dev.bitplan.engine.runtime.OrtModel;
import dev.bitplan.engine.runtime.TensorValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The cheap first pass of {@code fast} sensitivity: each layer run alone, quantized at each of its options, on its own
 * FP32 input captured from a pass of the float model, and its output compared with the FP32 output: the relative
 * squared error {@code sum((q - f)^2) / sum(f^2)}. One FP32 pass per {@link #LAYERS_PER_PASS} layers (their inputs
 * and outputs held in memory meanwhile) and one small single-layer model per option, scored in the form plans are
 * scored in ({@link Quantizer#scoringForm()}): a fraction of one whole-model pass per option.
 * <p>
 * The error is local: it does not say how much of it reaches the model's output (a residual stream dilutes it, a
 * classifier head does not), which is why fast sensitivity still measures the highest-ranked layers on the whole
 * model. A Gather whose indices the model computes cannot be run alone (ONNX Runtime here returns float tensors
 * only) and is left out, so that it is measured on the whole model.
 */
public final class LocalErrorProbe {

    /** Samples the probe reads at most: errors of per-layer outputs settle on far fewer samples than a metric. */
    public static final int MAX_SAMPLES = 64;
    /** Layers whose activations one FP32 pass captures: bounds the memory held to that many layers' inputs and outputs. */
    static final int LAYERS_PER_PASS = 16;
    private static final int BATCH = 64;

    private final Quantizer quantizer;
    private final List<Map<String, NdArray>> batches;
    private final ProgressListener progress;

    /** @param samples  the first {@link #MAX_SAMPLES} of them are read, in sequence-length buckets for a token model */
    public LocalErrorProbe(Quantizer quantizer, SampleSet samples, ProgressListener progress) {
        this.quantizer = quantizer;
        this.progress = progress;
        this.batches = batches(samples);
    }

    /**
     * The relative output error of every non-float option of every layer that can run alone.
     *
     * @return layer name -> option label -> relative squared error, in the order given; layers that cannot run alone are absent
     */
    public Map<String, Map<String, Double>> measure(List<Layer> layers, Function<Layer, List<LayerChoice>> options) {
        OnnxModel folded = quantizer.model().folded();
        Set<String> graphInputs = new HashSet<>();
        folded.realInputs().forEach(v -> graphInputs.add(v.getName()));
        // passes cover fixed runs of the model's layers whichever of them are asked for, so that a resumed analysis
        // captures each layer's activations from the very same graph and finds the very same errors
        List<Layer> runnable = quantizer.model().layers().stream()
                .filter(l -> l.kind() != LayerKind.GATHER || graphInputs.contains(SingleLayerModel.activationInput(folded, l)))
                .toList();
        Set<String> wanted = new HashSet<>();
        layers.forEach(l -> wanted.add(l.name()));
        long total = runnable.stream().filter(l -> wanted.contains(l.name())).count();
        Set<String> integerRead = PlanRewriter.integerReadOutputs(folded, quantizer.model().layers());
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (int from = 0; from < runnable.size(); from += LAYERS_PER_PASS) {
            List<Layer> chunk = runnable.subList(from, Math.min(runnable.size(), from + LAYERS_PER_PASS));
            if (chunk.stream().noneMatch(l -> wanted.contains(l.name()))) {
                continue;
            }
            List<Map<String, TensorValue>> captured = capture(folded, chunk, graphInputs);
            for (Layer layer : chunk) {
                if (wanted.contains(layer.name())) {
                    out.put(layer.name(), errors(folded, layer, options.apply(layer), captured, integerRead));
                    progress.progress("sensitivity: layers alone", out.size(), (int) total);
                }
            }
        }
        return out;
    }

    /** Per batch, the FP32 values of the chunk's layer inputs (those the model computes) and group outputs. */
    private List<Map<String, TensorValue>> capture(OnnxModel folded, List<Layer> chunk, Set<String> graphInputs) {
        Set<String> wanted = new LinkedHashSet<>();
        for (Layer l : chunk) {
            String in = SingleLayerModel.activationInput(folded, l);
            if (!graphInputs.contains(in)) {
                wanted.add(in);
            }
            wanted.add(l.groupOutput());
        }
        List<Map<String, TensorValue>> out = new ArrayList<>();
        try (OrtModel fp32 = OrtModel.load(GraphOutputs.withOutputs(folded, wanted).toByteArray(), quantizer.runtime().forSimulation())) {
            for (Map<String, NdArray> batch : batches) {
                out.add(fp32.run(batch, wanted));
            }
        }
        return out;
    }

    private Map<String, Double> errors(OnnxModel folded, Layer layer, List<LayerChoice> choices, List<Map<String, TensorValue>> captured,
                                       Set<String> integerRead) {
        String in = SingleLayerModel.activationInput(folded, layer);
        int rank = captured.get(0).containsKey(in) ? captured.get(0).get(in).shape().length : batches.get(0).get(in).rank();
        SingleLayerModel alone = SingleLayerModel.extractForAnyShape(folded, layer, rank, integerRead);
        // the layer's inputs and the energy of its FP32 output, the same for every option
        List<NdArray> inputs = new ArrayList<>();
        double energy = 0;
        for (int b = 0; b < batches.size(); b++) {
            TensorValue captIn = captured.get(b).get(in);
            inputs.add(captIn != null ? NdArray.ofFloats(in, captIn.shape(), captIn.data()) : batches.get(b).get(in));
            for (float v : captured.get(b).get(layer.groupOutput()).data()) {
                energy += (double) v * v;
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (LayerChoice choice : choices) {
            if (choice.isFloat()) {
                continue;
            }
            byte[] bytes = alone.build(choice, quantizer.options(), quantizer.weights(), quantizer.activations(), quantizer.scoringForm(),
                    WeightDataType.forHost()).toByteArray();
            double err = 0;
            try (OrtModel q = OrtModel.load(bytes, quantizer.scoringRuntime())) {
                for (int b = 0; b < batches.size(); b++) {
                    float[] quantized = q.run(Map.of(in, inputs.get(b)), Set.of(layer.groupOutput())).get(layer.groupOutput()).data();
                    float[] reference = captured.get(b).get(layer.groupOutput()).data();
                    for (int i = 0; i < reference.length; i++) {
                        double d = (double) quantized[i] - reference[i];
                        err += d * d;
                    }
                }
            }
            out.put(choice.label(), err / Math.max(energy, Double.MIN_NORMAL));
        }
        return out;
    }

    /**
     * The probe's batches: the first {@link #MAX_SAMPLES} samples, in sequence-length buckets (trimmed, as scoring runs
     * them) for a token model, each cut to what the model's fixed batch allows.
     */
    private List<Map<String, NdArray>> batches(SampleSet samples) {
        SampleSet first = new SampleSet(samples.inputs(), samples.labels(),
                Arrays.copyOf(samples.indices(), Math.min(MAX_SAMPLES, samples.size())));
        List<Map<String, NdArray>> groups = new ArrayList<>();
        SequenceBuckets.of(first).ifPresentOrElse(s -> s.buckets().forEach(b -> groups.add(b.inputs())), () -> {
            Map<String, NdArray> selected = new LinkedHashMap<>();
            first.inputs().forEach((k, v) -> selected.put(k, v.selectSamples(first.indices())));
            groups.add(selected);
        });
        int limit = BATCH;
        for (var input : quantizer.model().folded().realInputs()) {
            long[] shape = OnnxModel.declaredShape(input);
            if (shape.length > 0 && shape[0] > 0) {
                limit = (int) Math.min(limit, shape[0]); // a fixed batch (of 1, say)
            }
        }
        List<Map<String, NdArray>> out = new ArrayList<>();
        for (Map<String, NdArray> g : groups) {
            int n = g.values().iterator().next().sampleCount();
            for (int from = 0; from < n; from += limit) {
                int[] idx = new int[Math.min(limit, n - from)];
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = from + i;
                }
                Map<String, NdArray> part = new LinkedHashMap<>();
                g.forEach((k, v) -> part.put(k, idx.length == n ? v : v.selectSamples(idx)));
                out.add(part);
            }
        }
        return out;
    }
}
