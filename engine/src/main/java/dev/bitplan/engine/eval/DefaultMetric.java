package dev.bitplan.engine.eval;

import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.engine.metrics.TokenMask;
import dev.bitplan.engine.onnx.OnnxModel;

/** The metric a search or evaluation scores by when the user names none. */
public final class DefaultMetric {

    private DefaultMetric() {
    }

    /**
     * {@link Metric#SENTENCE_COSINE} for a token model (an {@code attention_mask} input and a first output of rank 3,
     * [batch, tokens, hidden]); else {@link Metric#ACCURACY} when the samples have labels; else
     * {@link Metric#AGREEMENT} (top-1 against the FP32 model).
     */
    public static Metric of(OnnxModel model, SampleSet samples) {
        boolean tokenInput = model.realInputs().stream().anyMatch(v -> v.getName().equals(TokenMask.INPUT));
        boolean tokenOutput = OnnxModel.declaredShape(model.outputs().get(0)).length == 3;
        if (tokenInput && tokenOutput) {
            return Metric.SENTENCE_COSINE;
        }
        return samples.labels() != null ? Metric.ACCURACY : Metric.AGREEMENT;
    }
}
