package dev.bitplan.engine.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.plan.ActivationMode;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.engine.Fixtures;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * BGE-small-en-v1.5 (a 12-layer BERT encoder from Maven Central) on real sentences: uniform 8-bit keeps the sentence
 * embeddings, by the metric a user of an embedding model reads (mean-pooled over real tokens, cosine against FP32).
 * A smaller run than the benchmark's (128 calibration and 192 validation sentences) to keep CI short.
 */
class BgeSmallTest {

    private static PreparedModel model;
    private static EvaluationSamples samples;

    @BeforeAll
    static void load() {
        OnnxModel loaded = ModelLoader.load(Fixtures.model(Fixtures.BGE_SMALL));
        model = PreparedModel.of(loaded);
        EvaluationSamples all = EvaluationSamples.load(loaded, Fixtures.file("text/license_text_64.npz"), null, 128, 0);
        SampleSet v = all.validation();
        samples = new EvaluationSamples(all.calibration(), new SampleSet(v.inputs(), v.labels(), Arrays.copyOf(v.indices(), 192)));
        assertEquals(Metric.SENTENCE_COSINE, DefaultMetric.of(model.folded(), samples.validation()), "the default for an encoder");
    }

    @ParameterizedTest
    @EnumSource(value = ActivationMode.class, names = {"STATIC", "DYNAMIC"})
    void uniformEightBitKeepsTheSentenceEmbeddings(ActivationMode mode) {
        PlanEvaluator e = new PlanEvaluator(model, samples.calibration(), samples.validation(),
                QuantizationOptions.defaults().withActivationMode(mode), Metric.SENTENCE_COSINE, RuntimeOptions.defaults(),
                ProgressListener.NONE);
        double cosine = e.evaluate(QuantPlan.uniform(8, 8));
        // before outputs read by LayerNorm stayed float and padding stayed out of the statistics: 0.92 (all positions)
        assertTrue(cosine >= 0.995, mode + " W8A8 sentence cosine " + cosine);
    }
}
