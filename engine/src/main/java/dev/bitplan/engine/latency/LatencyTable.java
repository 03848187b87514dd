package dev.bitplan.engine.latency;

import dev.bitplan.contracts.plan.FusionMode;
import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.engine.layers.Layer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measured latency per layer and option: layer name -> option label ({@link LayerChoice#label()}) -> median
 * milliseconds of the layer's fusion group run alone ({@link SingleLayerModel}), at one batch size, on the
 * host that built it. Immutable.
 * <p>
 * The additive estimate of a plan is {@link #overheadMillis()} plus the sum of its layers' entries. The
 * entries cover the layers only: what lies between them (residual Adds, pooling, reshapes, the Q/DQ of
 * tensors that no layer owns) and the fixed cost of a model run are not in any entry. The overhead stands
 * for all of that: the measured end-to-end latency of the FP32 model minus the sum of the float entries,
 * so the estimate of the all-float plan is the measured FP32 latency by construction. It can be negative:
 * each entry includes the fixed cost of one run (and a quantized entry the quantize / dequantize of its
 * own input and output, which a chain of quantized layers shares), which the full model pays once.
 */
public final class LatencyTable {

    private final Map<String, Map<String, Double>> millis;
    private final double overheadMillis;
    private final int batch;

    /**
     * @param millis          layer name -> option label -> median ms (positive and finite)
     * @param overheadMillis  end-to-end FP32 latency minus the sum of the float entries (0 if not known)
     * @param batch           the batch size the entries were measured at
     */
    public LatencyTable(Map<String, Map<String, Double>> millis, double overheadMillis, int batch) {
        Map<String, Map<String, Double>> copy = new LinkedHashMap<>();
        millis.forEach((layer, byOption) -> {
            byOption.forEach((label, ms) -> {
                if (ms == null || !(ms > 0) || Double.isInfinite(ms)) {
                    throw new IllegalArgumentException("latency of " + layer + " / " + label + " must be positive and finite, got " + ms);
                }
            });
            copy.put(layer, Collections.unmodifiableMap(new LinkedHashMap<>(byOption)));
        });
        if (!Double.isFinite(overheadMillis)) {
            throw new IllegalArgumentException("overhead must be finite, got " + overheadMillis);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        this.millis = Collections.unmodifiableMap(copy);
        this.overheadMillis = overheadMillis;
        this.batch = batch;
    }

    /** All entries: layer name -> option label -> median ms, in the order measured. */
    public Map<String, Map<String, Double>> entries() {
        return millis;
    }

    /** What the layer entries leave out (see the class comment); may be negative. */
    public double overheadMillis() {
        return overheadMillis;
    }

    public int batch() {
        return batch;
    }

    /** This table with another overhead (e.g. measured later, or 0 to compare raw sums). */
    public LatencyTable withOverhead(double overhead) {
        return new LatencyTable(millis, overhead, batch);
    }

    public boolean contains(String layer, String label) {
        Map<String, Double> byOption = millis.get(layer);
        return byOption != null && byOption.containsKey(label);
    }

    /** The median ms of one layer at one option label; fails naming what the table holds when absent. */
    public double millis(String layer, String label) {
        Map<String, Double> byOption = millis.get(layer);
        if (byOption == null) {
            throw new IllegalArgumentException("the latency table has no layer '" + layer + "'; it has " + millis.keySet());
        }
        Double ms = byOption.get(label);
        if (ms == null) {
            throw new IllegalArgumentException("the latency table has no option '" + label + "' for layer '" + layer
                    + "'; it has " + byOption.keySet());
        }
        return ms;
    }

    /** The median ms of a layer at a choice; a fusion mode the layer does not offer counts as FUSED, as the rewrite does. */
    public double millis(Layer layer, LayerChoice choice) {
        return millis(layer.name(), labelFor(layer, choice));
    }

    /** Sum over {@code layers} of the entry for the plan's choice of each: the estimate without the overhead. */
    public double layerSumMillis(QuantPlan plan, List<Layer> layers) {
        double sum = 0;
        for (Layer l : layers) {
            sum += millis(l, plan.choiceFor(l.name()));
        }
        return sum;
    }

    /**
     * The additive latency estimate of a plan: {@link #overheadMillis()} plus, for each layer, the entry for
     * the plan's choice. Non-layer ops are not modelled one by one; they sit in the overhead as measured for
     * the FP32 model (see the class comment).
     */
    public double estimateMillis(QuantPlan plan, List<Layer> layers) {
        return overheadMillis + layerSumMillis(plan, layers);
    }

    /** The label under which a choice of this layer is measured: FUSED stands in for a mode the pattern lacks. */
    public static String labelFor(Layer layer, LayerChoice choice) {
        return measured(layer, choice).label();
    }

    /**
     * The choice whose one-layer model is timed for {@code choice}: FUSED for a mode the pattern lacks, and never
     * SmoothQuant, which runs the same kernel on other weights (the Mul that gives the LayerNorm's output back to its other
     * readers is one per LayerNorm, shared, and in the measured end-to-end latency).
     */
    public static LayerChoice measured(Layer layer, LayerChoice choice) {
        if (choice.isFloat()) {
            return choice;
        }
        LayerChoice plain = choice.withSmoothed(null);
        if (layer.fusionModes().contains(plain.fusion())) {
            return plain;
        }
        return LayerChoice.of(plain.weightBits(), plain.activationBits(), FusionMode.FUSED).withActivation(plain.activation());
    }

    @Override
    public String toString() {
        return "LatencyTable[batch " + batch + ", overhead " + overheadMillis + " ms, " + millis + "]";
    }
}
