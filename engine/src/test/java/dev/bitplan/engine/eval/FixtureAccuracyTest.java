package dev.bitplan.engine.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.contracts.plan.Simulation;
import dev.bitplan.engine.Fixtures;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.qdq.ExportedModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import org.junit.jupiter.api.Test;

/**
 * The trained fixture CNNs on real data: the FP32 accuracy the fixture README states, uniform 8-bit PTQ
 * within 0.5 points of it, and the exported QDQ model agreeing with the simulation, as scored (integer kernels)
 * and as fake quantization.
 */
class FixtureAccuracyTest {

    /** |deployed - simulated| allowed: integer kernels round bias and requantization slightly differently. */
    static final double DEPLOYED_TOLERANCE = 0.002;

    private static PlanEvaluator evaluator(String model, String data, String calib) {
        return evaluator(model, data, calib, Simulation.INTEGER);
    }

    private static PlanEvaluator evaluator(String model, String data, String calib, Simulation simulation) {
        OnnxModel loaded = ModelLoader.load(Fixtures.file(model));
        EvaluationSamples samples = EvaluationSamples.load(loaded, Fixtures.file(data), Fixtures.file(calib), 512, 7);
        return new PlanEvaluator(PreparedModel.of(loaded), samples.calibration(), samples.validation(),
                QuantizationOptions.defaults().withSimulation(simulation), Metric.ACCURACY, RuntimeOptions.defaults(), ProgressListener.NONE);
    }

    /** The exported model against the fake-quant simulation (the default scoring runs the export's own graph). */
    private static void assertExportAgreesWithFakeQuant(String model, String data, String calib, PlanEvaluator eval) {
        double fake = evaluator(model, data, calib, Simulation.FAKE_QUANT).evaluate(QuantPlan.uniform(8, 8));
        double deployed = eval.score(eval.export(QuantPlan.uniform(8, 8)).bytes(), "deployed");
        assertEquals(fake, deployed, DEPLOYED_TOLERANCE, "exported QDQ model vs fake-quant simulation");
    }

    @Test
    void mnistResnet8() {
        PlanEvaluator eval = evaluator("mnist/resnet8_bn.onnx", "mnist/mnist_test.npz", "mnist/mnist_calib.npz");
        assertEquals(10, eval.model().layers().size());
        assertEquals(0.9885, eval.fp32Metric(), 1e-9, "FP32 top-1 stated in the fixture README");
        double int8 = eval.evaluate(QuantPlan.uniform(8, 8));
        assertTrue(int8 >= eval.fp32Metric() - 0.005, "W8A8 " + int8);
        ExportedModel exported = eval.export(QuantPlan.uniform(8, 8));
        double deployed = eval.score(exported.bytes(), "deployed");
        assertEquals(int8, deployed, DEPLOYED_TOLERANCE, "exported QDQ model vs simulation");
        assertExportAgreesWithFakeQuant("mnist/resnet8_bn.onnx", "mnist/mnist_test.npz", "mnist/mnist_calib.npz", eval);
    }

    @Test
    void fashionMnistResnet8() {
        PlanEvaluator eval = evaluator("fashion/resnet8_fmnist.onnx", "fashion/fmnist_test.npz", "fashion/fmnist_calib.npz");
        assertEquals(0.9319, eval.fp32Metric(), 1e-9, "FP32 top-1 stated in the fixture README");
        double int8 = eval.evaluate(QuantPlan.uniform(8, 8));
        assertTrue(int8 >= eval.fp32Metric() - 0.005, "W8A8 " + int8);
        double int4 = eval.evaluate(QuantPlan.uniform(4, 8));
        assertTrue(int4 < int8, "all-4-bit weights cost accuracy on Fashion-MNIST: " + int4);
        assertTrue(int4 > 0.85, "but not a collapse: " + int4);
        ExportedModel exported = eval.export(QuantPlan.uniform(8, 8));
        assertEquals(int8, eval.score(exported.bytes(), "deployed"), DEPLOYED_TOLERANCE, "exported QDQ model vs simulation");
        assertExportAgreesWithFakeQuant("fashion/resnet8_fmnist.onnx", "fashion/fmnist_test.npz", "fashion/fmnist_calib.npz", eval);

        // the file meets a size budget: 4-bit weights packed two a byte (opset 21), as deployed with the scored accuracy
        ExportedModel exported4 = eval.export(QuantPlan.uniform(4, 8));
        double fileRatio = (double) exported4.sizeBytes() / exported.sizeBytes();
        assertTrue(fileRatio < 0.60, "all-4-bit export " + exported4.sizeBytes() + " bytes against all-8-bit " + exported.sizeBytes());
        assertEquals(21, ModelLoader.parse(exported4.bytes(), "w4.onnx").opset());
        assertEquals(int4, eval.score(exported4.bytes(), "deployed"), DEPLOYED_TOLERANCE, "packed int4 export vs scored");
        System.out.printf("fmnist fp32 %.4f w8a8 %.4f w4a8 %.4f; files w8 %,d w4 %,d (%.3f)%n", eval.fp32Metric(), int8, int4,
                exported.sizeBytes(), exported4.sizeBytes(), fileRatio);
    }
}
