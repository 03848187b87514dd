package dev.bitplan.search;

import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.contracts.search.SearchBudgets;
import dev.bitplan.contracts.search.SearchSpace;
import dev.bitplan.engine.cost.CostModel;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.eval.ShapeProbe;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.planner.PlanProblem;
import java.nio.file.Path;

/**
 * Whether any plan of the search space can meet a size or BOPs budget, decided from the model alone (sizes
 * from the weights, MACs from one synthetic sample) so a service can refuse an impossible job at submit time.
 * Latency budgets need the measured latency table and are checked by the search itself.
 */
public final class Feasibility {

    private Feasibility() {
    }

    /** @throws dev.bitplan.engine.InvalidInputException (UNUSABLE) naming the budget and the smallest possible plan */
    public static void check(Path model, SearchSpace space, QuantizationOptions quantization, SearchBudgets budgets) {
        if (budgets.maxSizeBytes() == null && budgets.maxSizeRatio() == null && budgets.maxBops() == null) {
            return;
        }
        OnnxModel loaded = ModelLoader.load(model);
        PreparedModel prepared = PreparedModel.of(loaded).requireLayers();
        CostModel cost = new CostModel(prepared.folded(), prepared.layers(),
                ShapeProbe.macs(prepared, ShapeProbe.syntheticSample(prepared.folded())), quantization.perChannel(),
                quantization.weightBlockSize());
        check(prepared, cost, space, quantization, budgets);
    }

    static void check(PreparedModel model, CostModel cost, SearchSpace space, QuantizationOptions quantization, SearchBudgets budgets) {
        Long sizeLimit = budgets.sizeLimit(cost.fp32Bytes());
        BudgetSweep.checkFeasible(new PlanProblem(ProblemBuilder.sizesOnly(model.layers(), space, cost, quantization.activationMode()),
                ProblemBuilder.layerBudgets(sizeLimit, null, budgets.maxBops(), cost, null)), cost.remainderBytes(), 0);
    }
}
