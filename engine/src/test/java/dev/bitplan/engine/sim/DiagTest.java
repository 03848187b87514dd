package dev.bitplan.engine.sim;

import dev.bitplan.contracts.plan.*;
import dev.bitplan.engine.eval.*;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.testmodels.TestModels;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiagTest {
    static double basic(PreparedModel model, QuantizationOptions opts, byte[] b) {
        PlanEvaluator e = new PlanEvaluator(model, SampleSets.images(1, 64), SampleSets.images(2, 64), opts, Metric.SQNR, new RuntimeOptions(1, false), ProgressListener.NONE);
        return e.score(b, "x");
    }
    @Test
    void diag() {
        for (var opts : new QuantizationOptions[]{QuantizationOptions.defaults(), QuantizationOptions.defaults().withActivationMode(ActivationMode.WEIGHT_ONLY)}) {
            PreparedModel model = PreparedModel.of(new OnnxModel(TestModels.smallCnn(13)));
            PlanEvaluator eval = new PlanEvaluator(model, SampleSets.images(1, 64), SampleSets.images(2, 64), opts, Metric.SQNR, new RuntimeOptions(1, true), ProgressListener.NONE);
            for (var l : model.layers()) {
                var plan = QuantPlan.of(Map.of(l.name(), LayerChoice.of(8, 8)));
                System.out.println(opts.activationMode() + " " + l.name() + " " + l.pattern() + " sim=" + eval.evaluate(plan) + " dep=" + eval.score(eval.export(plan).bytes(), "d") + " depBasic=" + basic(model, opts, eval.export(plan).bytes()) + " simBasic=" + basic(model, opts, eval.exportSimulation(plan).toByteArray()));
            }
        }
        PreparedModel model = PreparedModel.of(new OnnxModel(TestModels.transformerLike(13, false)));
        PlanEvaluator eval = new PlanEvaluator(model, SampleSets.tokens(3, 48), SampleSets.tokens(4, 48), QuantizationOptions.defaults(), Metric.SQNR, new RuntimeOptions(1, true), ProgressListener.NONE);
        for (var l : model.layers()) {
            var plan = QuantPlan.of(Map.of(l.name(), LayerChoice.of(8, 8)));
            System.out.println("T " + l.name() + " " + l.pattern() + " sim=" + eval.evaluate(plan) + " dep=" + eval.score(eval.export(plan).bytes(), "d"));
        }
    }
}
