package dev.bitplan.search;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.bitplan.contracts.plan.ActivationMode;
import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.contracts.search.LayerSensitivity;
import dev.bitplan.contracts.search.PairSensitivity;
import dev.bitplan.contracts.search.SearchSpace;
import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.eval.PlanEvaluator;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.eval.Quantizer;
import dev.bitplan.engine.eval.SampleSet;
import dev.bitplan.engine.latency.LatencyTable;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.Tensors;
import dev.bitplan.engine.runtime.BatchRunner;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.sensitivity.SensitivityAnalyzer;
import dev.bitplan.planner.Budgets;
import dev.bitplan.planner.PlanLayer;
import dev.bitplan.planner.PlanProblem;
import dev.bitplan.planner.PlanSolution;
import dev.bitplan.planner.solver.OptaPlanSolver;
import dev.bitplan.planner.solver.SolverSettings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * On a 10-layer model every 4/8-bit plan (1,024) can be measured: the solver's plan, found from per-layer
 * sensitivities alone, must rank among the best few of the plans that fit the same budget.
 */
class EnumerationTest {

    private static final int LAYERS = 10;
    private static final int WIDTH = 16;

    @Test
    void solverPlanIsAmongTheBestMeasuredPlans() {
        PreparedModel model = PreparedModel.of(ModelLoader.parse(mlp(LAYERS, 3).toByteArray(), "mlp10.onnx"));
        SampleSet calibration = samples(1, 256);
        // static activations, as when this test was written: the subject is the solver, not the activation mode
        Quantizer quantizer = new Quantizer(model, calibration, QuantizationOptions.defaults().withActivationMode(ActivationMode.STATIC),
                new RuntimeOptions(1, true), ProgressListener.NONE);
        PlanEvaluator sensitivityEval = new PlanEvaluator(quantizer, samples(2, 256), Metric.SQNR);
        PlanEvaluator validation = new PlanEvaluator(quantizer, samples(3, 512), Metric.SQNR);
        SearchSpace space = new SearchSpace(List.of(4, 8), List.of(8), false, false, false);
        SensitivityAnalyzer analyzer = new SensitivityAnalyzer(sensitivityEval, space, ProgressListener.NONE);
        List<LayerSensitivity> sensitivity = analyzer.layers(Map.of(), s -> { });
        List<PairSensitivity> pairs = analyzer.pairs(sensitivity);
        List<Layer> layers = model.layers();
        Map<String, Map<String, Double>> zeros = new LinkedHashMap<>();
        layers.forEach(l -> zeros.put(l.name(), Map.of("w4a8", 1.0, "w8a8", 1.0, "float", 1.0))); // no latency budget: any positive figure
        List<PlanLayer> planLayers = ProblemBuilder.layers(layers, sensitivity, quantizer.cost(), new LatencyTable(zeros, 0, 1),
                quantizer.options().activationMode());

        // measure every plan once
        List<QuantPlan> all = new ArrayList<>();
        List<Double> metric = new ArrayList<>();
        List<Long> size = new ArrayList<>();
        for (int mask = 0; mask < (1 << LAYERS); mask++) {
            Map<String, LayerChoice> choice = new LinkedHashMap<>();
            for (int i = 0; i < LAYERS; i++) {
                choice.put(layers.get(i).name(), LayerChoice.of((mask >> i & 1) == 1 ? 4 : 8, 8));
            }
            QuantPlan plan = QuantPlan.of(choice);
            all.add(plan);
            metric.add(validation.evaluate(plan));
            size.add(quantizer.cost().sizeBytes(plan));
        }
        long min = size.stream().min(Long::compare).orElseThrow();
        long max = size.stream().max(Long::compare).orElseThrow();
        int best = 0;
        StringBuilder log = new StringBuilder();
        for (double f : new double[] {0.25, 0.5, 0.75}) {
            long budget = min + Math.round(f * (max - min));
            PlanProblem problem = new PlanProblem(planLayers, ProblemBuilder.pairs(pairs), List.of(),
                    new Budgets(budget - quantizer.cost().remainderBytes(), null, null));
            PlanSolution solution = new OptaPlanSolver(SolverSettings.reproducible(5)).solve(problem);
            QuantPlan solved = QuantPlan.of(ProblemBuilder.choices(solution.choice(), sensitivity));
            double solvedMetric = metric.get(all.indexOf(solved));
            List<Double> feasible = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                if (size.get(i) <= budget) {
                    feasible.add(metric.get(i));
                }
            }
            feasible.sort(Comparator.reverseOrder());
            int rank = 1 + (int) feasible.stream().filter(m -> m > solvedMetric + 1e-9).count();
            best += rank == 1 ? 1 : 0;
            log.append(String.format("budget %d%%: solver plan %.2f dB, rank %d of %d feasible plans (best %.2f dB)%n",
                    Math.round(100 * f), solvedMetric, rank, feasible.size(), feasible.get(0)));
            assertTrue(rank <= Math.max(5, feasible.size() / 50), "solver plan ranks " + rank + " of " + feasible.size() + "\n" + log);
        }
        System.out.print(log);
        System.out.printf("solver plan was the best measured plan at %d of 3 budgets%n", best);
    }

    private static SampleSet samples(long seed, int n) {
        Random r = new Random(seed);
        float[] x = new float[n * WIDTH];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return new SampleSet(Map.of("input", NdArray.ofFloats("input", new long[] {n, WIDTH}, x)), null, BatchRunner.range(n));
    }

    /** A chain of MatMul + bias Add + Relu layers of width 16 with seeded He-scaled weights (the last one without Relu). */
    static ModelProto mlp(int layers, long seed) {
        Random r = new Random(seed);
        GraphProto.Builder g = GraphProto.newBuilder().setName("mlp");
        g.addInput(value("input"));
        String x = "input";
        for (int i = 0; i < layers; i++) {
            float[] w = new float[WIDTH * WIDTH];
            float[] b = new float[WIDTH];
            for (int k = 0; k < w.length; k++) {
                w[k] = (float) (r.nextGaussian() * Math.sqrt(2.0 / WIDTH) * (k % WIDTH == i ? 3 : 1)); // a few outlier columns
            }
            for (int k = 0; k < b.length; k++) {
                b[k] = (float) (0.1 * r.nextGaussian());
            }
            g.addInitializer(Tensors.floatTensor("w" + i, new long[] {WIDTH, WIDTH}, w));
            g.addInitializer(Tensors.floatTensor("b" + i, new long[] {WIDTH}, b));
            g.addNode(NodeProto.newBuilder().setName("/l" + i + "/MatMul").setOpType("MatMul").addInput(x).addInput("w" + i).addOutput("mm" + i));
            String out = i == layers - 1 ? "output" : "add" + i;
            g.addNode(NodeProto.newBuilder().setName("/l" + i + "/Add").setOpType("Add").addInput("mm" + i).addInput("b" + i).addOutput(out));
            if (i < layers - 1) {
                g.addNode(NodeProto.newBuilder().setName("/l" + i + "/Relu").setOpType("Relu").addInput(out).addOutput("relu" + i));
                x = "relu" + i;
            }
        }
        g.addOutput(value("output"));
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("bitplan-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g).build();
    }

    private static ValueInfoProto value(String name) {
        TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(Tensors.FLOAT)
                .setShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(WIDTH)));
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(t)).build();
    }
}
