package dev.bitplan.engine.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.plan.FusionMode;
import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.engine.Fixtures;
import dev.bitplan.engine.eval.EvaluationSamples;
import dev.bitplan.engine.eval.PlanEvaluator;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.eval.SampleSet;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.qdq.SampleSets;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.testmodels.TestModels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Latency tables measured on the test models and the MNIST fixture; the additive estimate against the
 * measured end-to-end latency of the exported model. Timings on a small shared host are noisy, so the
 * assertions are sanity bounds and the figures are printed.
 */
class LatencyTableBuilderTest {

    private static final RuntimeOptions RT = new RuntimeOptions(1, true);
    private static final List<LayerChoice> OPTIONS = List.of(LayerChoice.FLOAT, LayerChoice.of(8, 8), LayerChoice.of(4, 8));

    @Test
    void smallCnnEveryLayerAndOptionHasALatency() {
        PreparedModel model = PreparedModel.of(new OnnxModel(TestModels.smallCnn(13)));
        SampleSet calib = SampleSets.images(1, 32);
        List<String> progress = new ArrayList<>();
        LatencyTableBuilder builder = new LatencyTableBuilder(model, SampleSets.images(2, 8).inputs(), QuantizationOptions.defaults(),
                LatencyTableBuilder.calibrate(model, calib, QuantizationOptions.defaults(), RT, ProgressListener.NONE))
                .runtime(RT).warmup(3).runs(11).progress((stage, done, total) -> progress.add(stage + " " + done + "/" + total));
        List<LayerChoice> withModes = new ArrayList<>(OPTIONS);
        withModes.add(LayerChoice.of(8, 8, FusionMode.FOLD_BN));
        withModes.add(LayerChoice.of(8, 8, FusionMode.UNFUSED));
        LatencyTable table = builder.build(withModes);
        assertEquals(TestModels.CNN_LAYERS, List.copyOf(table.entries().keySet()));
        assertAllPositive(table, model.layers());
        assertEquals(List.of("latency table 1/6", "latency table 2/6", "latency table 3/6", "latency table 4/6",
                "latency table 5/6", "latency table 6/6"), progress);
        // conv1 is Conv+BN+Relu: all three modes measured; the Gemm has only FUSED, under which its other modes are filed
        assertEquals(List.of("float", "w8a8", "w4a8", "w8a8-fold_bn", "w8a8-unfused"),
                List.copyOf(table.entries().get("/features/conv1/Conv").keySet()));
        assertEquals(List.of("float", "w8a8", "w4a8"), List.copyOf(table.entries().get("/classifier/Gemm").keySet()));
        assertEquals(table.millis("/classifier/Gemm", "w8a8"),
                table.millis(model.layer("/classifier/Gemm"), LayerChoice.of(8, 8, FusionMode.UNFUSED)));
        // by construction the all-float estimate is the measured FP32 latency
        double fp32Estimate = table.estimateMillis(QuantPlan.of(Map.of()), model.layers());
        double fp32 = builder.measureMillis(model.foldedBytes());
        System.out.printf("smallCnn fp32 estimate %.4f ms, re-measured %.4f ms, overhead %.4f ms%n", fp32Estimate, fp32,
                table.overheadMillis());
        assertTrue(fp32Estimate > 0 && fp32Estimate < 5 * fp32 && fp32 < 5 * fp32Estimate);
    }

    @Test
    void knownEntriesAreTakenAsTheyAreAndOnlyTheOthersAreTimed() {
        PreparedModel model = PreparedModel.of(new OnnxModel(TestModels.smallCnn(13)));
        QuantizationOptions options = QuantizationOptions.defaults();
        String first = model.layers().get(0).name();
        String second = model.layers().get(1).name();
        // a whole layer known (as a nightly job's unchanged layer is), one entry of another
        Map<String, Map<String, Double>> known = Map.of(first, Map.of("float", 123.0, "w8a8", 45.0, "w4a8", 67.0), second, Map.of("w4a8", 89.0));
        LatencyTableBuilder builder = new LatencyTableBuilder(model, SampleSets.images(2, 8).inputs(), options,
                LatencyTableBuilder.calibrate(model, SampleSets.images(1, 32), options, RT, ProgressListener.NONE))
                .runtime(RT).warmup(1).runs(3).passes(1).known(known);
        LatencyTable table = builder.build(OPTIONS);
        assertEquals(known.get(first), table.entries().get(first));
        assertEquals(89.0, table.millis(second, "w4a8"));
        assertTrue(table.millis(second, "w8a8") < 89.0, "timed, not taken: " + table.entries().get(second));
        assertEquals(4, builder.reusedEntries());
        assertAllPositive(table, model.layers());
    }

    @Test
    void smallCnnAtBatchFour() {
        PreparedModel model = PreparedModel.of(new OnnxModel(TestModels.smallCnn(13)));
        QuantizationOptions options = QuantizationOptions.defaults();
        LatencyTableBuilder builder = new LatencyTableBuilder(model, SampleSets.images(2, 8).inputs(), options,
                LatencyTableBuilder.calibrate(model, SampleSets.images(1, 32), options, RT, ProgressListener.NONE))
                .runtime(RT).warmup(3).runs(11).batch(4);
        LatencyTable table = builder.build(OPTIONS);
        assertEquals(4, table.batch());
        assertAllPositive(table, model.layers());
    }

    @Test
    void transformerWithGatherEveryLayerAndOptionHasALatency() {
        PreparedModel model = PreparedModel.of(new OnnxModel(TestModels.transformerLike(13, false)));
        QuantizationOptions options = QuantizationOptions.defaults();
        LatencyTable table = new LatencyTableBuilder(model, SampleSets.tokens(4, 4).inputs(), options,
                LatencyTableBuilder.calibrate(model, SampleSets.tokens(3, 32), options, RT, ProgressListener.NONE))
                .runtime(RT).warmup(3).runs(11).build(OPTIONS);
        assertEquals(TestModels.TRANSFORMER_LAYERS, List.copyOf(table.entries().keySet()));
        assertAllPositive(table, model.layers());
        double w8 = table.estimateMillis(QuantPlan.uniform(8, 8), model.layers());
        assertTrue(Double.isFinite(w8), "estimate " + w8);
    }

    @Test
    void mnistEstimateAgainstMeasuredEndToEnd() {
        OnnxModel loaded = ModelLoader.load(Fixtures.file("mnist/resnet8_bn.onnx"));
        EvaluationSamples samples = EvaluationSamples.load(loaded, Fixtures.file("mnist/mnist_test.npz"),
                Fixtures.file("mnist/mnist_calib.npz"), 512, 7);
        QuantizationOptions options = QuantizationOptions.defaults();
        PreparedModel model = PreparedModel.of(loaded);
        PlanEvaluator eval = new PlanEvaluator(model, samples.calibration(), samples.validation(), options, Metric.ACCURACY, RT,
                ProgressListener.NONE);
        LatencyTableBuilder builder = new LatencyTableBuilder(model, samples.validation().inputs(), options,
                LatencyTableBuilder.calibrate(model, samples.calibration(), options, RT, ProgressListener.NONE))
                .runtime(RT).warmup(10).runs(30);
        LatencyTable table = builder.build(OPTIONS);
        assertAllPositive(table, model.layers());

        System.out.println("MNIST ResNet-8 latency table (batch 1, 1 thread, median of 30 runs, ms):");
        System.out.printf("  %-44s %-16s %9s %9s %9s%n", "layer", "pattern", "float", "w8a8", "w4a8");
        for (Layer l : model.layers()) {
            System.out.printf("  %-44s %-16s %9.4f %9.4f %9.4f%n", l.name(), l.pattern(), table.millis(l.name(), "float"),
                    table.millis(l.name(), "w8a8"), table.millis(l.name(), "w4a8"));
        }
        System.out.printf("  overhead (fp32 end-to-end - sum of float entries) %.4f ms%n", table.overheadMillis());

        double fp32 = eval.latencyMillis(model.foldedBytes(), 100);
        System.out.printf("MNIST float: estimate %.4f ms (the builder's own FP32 timing, by construction), "
                + "PlanEvaluator.latencyMillis %.4f ms%n", table.estimateMillis(QuantPlan.of(Map.of()), model.layers()), fp32);
        for (QuantPlan plan : List.of(QuantPlan.uniform(8, 8), QuantPlan.uniform(4, 8))) {
            double estimate = table.estimateMillis(plan, model.layers());
            double sum = table.layerSumMillis(plan, model.layers());
            byte[] exported = eval.export(plan).bytes();
            double measured = eval.latencyMillis(exported, 100);
            double again = builder.measureMillis(exported);
            String name = plan.defaultChoice().label();
            System.out.printf("MNIST %s: estimate %.4f ms (layers %.4f + overhead %.4f), measured end-to-end %.4f ms "
                    + "(PlanEvaluator.latencyMillis; builder re-measure %.4f), relative error %+.1f%%%n", name, estimate, sum,
                    table.overheadMillis(), measured, again, 100 * (estimate - measured) / measured);
            assertTrue(estimate > 0 && measured > 0, name + " estimate " + estimate + " measured " + measured);
            assertTrue(estimate < 5 * measured && measured < 5 * estimate, name + " estimate " + estimate + " vs measured " + measured);
        }
    }

    private static void assertAllPositive(LatencyTable table, List<Layer> layers) {
        for (Layer l : layers) {
            for (LayerChoice c : OPTIONS) {
                double ms = table.millis(l, c);
                assertTrue(ms > 0 && Double.isFinite(ms), l.name() + " " + c.label() + ": " + ms);
            }
        }
    }
}
