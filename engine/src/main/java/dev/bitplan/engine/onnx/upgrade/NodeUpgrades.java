package dev.bitplan.engine.onnx.upgrade;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.InvalidInputException.Problem;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.onnx.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What each operator needs to read the same at {@link OpsetUpgrade#TARGET} as at the model's older opset, in two steps
 * (to 13 by {@link #upgrade}, from 13 on by {@link #upgradeFrom13}), one rule per
 * change in the ONNX changelog that an inference graph can meet. Each rule is the smallest rewrite that keeps the
 * numbers: attributes that became inputs turn into constant inputs, legacy attributes with their default go, and ops
 * that were replaced (Upsample) or changed meaning (Softmax's axis) are spelled in today's terms.
 */
final class NodeUpgrades {

    /** Reductions whose axes became an input at 18 (ReduceSum's did at 13). */
    static final Set<String> REDUCTIONS_18 = Set.of("ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMax",
            "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSumSquare");

    /** Ops whose changes between opset 7 and 13 do not alter an inference graph's meaning (new types, looser checks). */
    static final Set<String> UNCHANGED = Set.of("Abs", "Add", "And", "ArgMax", "ArgMin", "AveragePool", "Cast", "Ceil", "Concat",
            "Constant", "ConstantOfShape", "Conv", "ConvTranspose", "Cos", "CumSum", "DepthToSpace", "Div", "Einsum", "Elu", "Equal",
            "Erf", "Exp", "Expand", "Flatten", "Floor", "Gather", "GatherElements", "GatherND", "Gemm", "GlobalAveragePool",
            "GlobalMaxPool", "Greater", "HardSigmoid", "Identity", "InstanceNormalization", "IsNaN", "LRN", "LeakyRelu", "Less", "Log",
            "MatMul", "Max", "MaxPool", "Mean", "Min", "Mod", "Mul", "Neg", "NonZero", "Not", "OneHot", "Or", "PRelu", "Pow", "Range",
            "Reciprocal", "ReduceL2", "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd", "Relu", "Reshape", "ScatterND", "Selu",
            "Shape", "Sigmoid", "Sign", "Sin", "Size", "Softplus", "SpaceToDepth", "Sqrt", "Sub", "Sum", "Tanh", "Tile", "Transpose",
            "Where",
            // integer ops from opset 10 / 11: later versions add per-axis, block-wise and float8 forms only, so a model
            // quantized at opset 10 - 12 (ONNX Runtime's dynamic quantizer writes 11) means the same at 21
            "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "MatMulInteger", "ConvInteger", "QLinearConv",
            "QLinearMatMul");

    private final UpgradeGraph graph;
    private final RankLookup ranks;

    NodeUpgrades(UpgradeGraph graph, RankLookup ranks) {
        this.graph = graph;
        this.ranks = ranks;
    }

    /**
     * The node at {@link OpsetUpgrade#TARGET} from a graph at opset 13 to 20 ({@code from}). Between 13 and 21 almost
     * every change only adds types (bfloat16, float8, int4) or optional inputs with a neutral default; the changes
     * an inference graph can meet are the reductions' axes becoming an input (18), Split needing its output count
     * when no sizes are given (18) and GroupNormalization's scale and bias becoming per channel (21).
     */
    NodeProto upgradeFrom13(NodeProto node, int from) {
        String op = node.getOpType();
        if (from < 18 && REDUCTIONS_18.contains(op)) {
            return axesAsInput(node);
        }
        if (from < 18 && op.equals("Split") && (node.getInputCount() < 2 || node.getInput(1).isEmpty())) {
            // Split-18 wants the count of equal parts said when no sizes are given: the outputs it has
            return node.toBuilder().addAttribute(UpgradeGraph.intAttr("num_outputs", node.getOutputCount())).build();
        }
        if (from < 21 && op.equals("GroupNormalization")) {
            throw new InvalidInputException(Problem.UNUSABLE, "node " + OnnxModel.nodeName(node) + " is a GroupNormalization at opset "
                    + from + ", whose scale and bias are per group; from opset 21 they are per channel and BitPlan does not "
                    + "rewrite them: re-export the model at opset 21");
        }
        return node;
    }

    /** The node's replacement at opset 13 (itself when nothing changed); {@code from} is the model's opset, below 13. */
    List<NodeProto> upgrade(NodeProto node, int from) {
        String op = node.getOpType();
        return switch (op) {
            case "Clip" -> from < 11 ? List.of(clipBoundsAsInputs(node)) : List.of(node);
            case "Pad" -> from < 11 ? List.of(padsAsInputs(node)) : List.of(node);
            case "Slice" -> from < 10 ? List.of(sliceAsInputs(node)) : List.of(node);
            case "Squeeze", "Unsqueeze", "ReduceSum" -> List.of(axesAsInput(node));
            case "Split" -> List.of(splitAsInput(node));
            case "TopK" -> from < 10 ? List.of(kAsInput(node)) : List.of(node);
            case "BatchNormalization" -> List.of(batchNormWithoutLegacy(node));
            case "Dropout" -> List.of(dropoutAsIdentity(node));
            case "Upsample" -> List.of(upsampleAsResize(node));
            case "Resize" -> from < 11 ? List.of(resizeTenAsEleven(node)) : List.of(node);
            case "Softmax", "LogSoftmax", "Hardmax" -> softmaxOnLastAxis(node);
            case "Gemm" -> from < 11 ? List.of(gemmWithoutZeroBias(node)) : List.of(node);
            default -> {
                if (!UNCHANGED.contains(op)) {
                    throw new InvalidInputException(Problem.UNUSABLE, "node " + OnnxModel.nodeName(node) + " is a " + op + " at opset "
                            + from + ", which BitPlan cannot upgrade to opset " + OpsetUpgrade.PER_CHANNEL
                            + "; re-export the model at opset " + OpsetUpgrade.PER_CHANNEL + " or newer");
                }
                yield List.of(node);
            }
        };
    }

    /** Clip-6: min / max attributes (default -inf / +inf) -> Clip-11: optional inputs. */
    private NodeProto clipBoundsAsInputs(NodeProto n) {
        float lo = OnnxModel.floatAttribute(n, "min", Float.NEGATIVE_INFINITY);
        float hi = OnnxModel.floatAttribute(n, "max", Float.POSITIVE_INFINITY);
        return UpgradeGraph.withoutAttributes(n, "min", "max")
                .addInput(graph.floatScalar(n.getInput(0) + "_min", lo)).addInput(graph.floatScalar(n.getInput(0) + "_max", hi)).build();
    }

    /** Pad-2: pads / value attributes -> Pad-11: pads and constant_value inputs; mode stays an attribute. */
    private NodeProto padsAsInputs(NodeProto n) {
        long[] pads = OnnxModel.intsAttribute(n, "pads");
        if (pads == null) {
            pads = OnnxModel.intsAttribute(n, "paddings"); // Pad-1's name
        }
        float value = OnnxModel.floatAttribute(n, "value", 0f);
        return UpgradeGraph.withoutAttributes(n, "pads", "paddings", "value").addInput(graph.int64s(n.getInput(0) + "_pads", pads))
                .addInput(graph.floatScalar(n.getInput(0) + "_value", value)).build();
    }

    /** Slice-1: starts / ends / axes attributes -> Slice-10: inputs. */
    private NodeProto sliceAsInputs(NodeProto n) {
        NodeProto.Builder b = UpgradeGraph.withoutAttributes(n, "starts", "ends", "axes")
                .addInput(graph.int64s(n.getInput(0) + "_starts", OnnxModel.intsAttribute(n, "starts")))
                .addInput(graph.int64s(n.getInput(0) + "_ends", OnnxModel.intsAttribute(n, "ends")));
        long[] axes = OnnxModel.intsAttribute(n, "axes");
        if (axes != null) {
            b.addInput(graph.int64s(n.getInput(0) + "_axes", axes));
        }
        return b.build();
    }

    /** Squeeze / Unsqueeze / ReduceSum before 13, the other reductions before 18: an axes attribute -> an optional axes input. */
    private NodeProto axesAsInput(NodeProto n) {
        long[] axes = OnnxModel.intsAttribute(n, "axes");
        if (axes == null) {
            return n;
        }
        return UpgradeGraph.withoutAttributes(n, "axes").addInput(graph.int64s(n.getInput(0) + "_axes", axes)).build();
    }

    /** Split before 13: a split attribute -> an optional split input. */
    private NodeProto splitAsInput(NodeProto n) {
        long[] split = OnnxModel.intsAttribute(n, "split");
        if (split == null) {
            return n;
        }
        return UpgradeGraph.withoutAttributes(n, "split").addInput(graph.int64s(n.getInput(0) + "_split", split)).build();
    }

    /** TopK-1: a k attribute -> TopK-10: a k input of shape [1]. */
    private NodeProto kAsInput(NodeProto n) {
        return UpgradeGraph.withoutAttributes(n, "k").addInput(graph.int64s(n.getInput(0) + "_k", OnnxModel.intAttribute(n, "k", 1))).build();
    }

    /**
     * BatchNormalization before 9: {@code spatial} (1, the default, is today's only behaviour) and, before 7,
     * {@code is_test} / {@code consumed_inputs}. Inference only: per-activation statistics (spatial 0) are refused.
     */
    private NodeProto batchNormWithoutLegacy(NodeProto n) {
        if (OnnxModel.intAttribute(n, "spatial", 1) != 1) {
            throw new InvalidInputException(Problem.UNUSABLE, "BatchNormalization " + OnnxModel.nodeName(n)
                    + " has spatial=0 (statistics per activation), which no opset after 8 can express; re-export with spatial=1");
        }
        return UpgradeGraph.withoutAttributes(n, "spatial", "is_test", "consumed_inputs").build();
    }

    /** Dropout at inference is the identity; only its first output may be read (its mask has no inference meaning). */
    private NodeProto dropoutAsIdentity(NodeProto n) {
        if (n.getOutputCount() > 1 && !n.getOutput(1).isEmpty() && graph.isRead(n.getOutput(1))) {
            throw new InvalidInputException(Problem.UNUSABLE, "Dropout " + OnnxModel.nodeName(n) + " has its mask read by the graph; "
                    + "BitPlan quantizes inference graphs: export the model in eval mode");
        }
        return NodeProto.newBuilder().setName(n.getName()).setOpType("Identity").addInput(n.getInput(0)).addOutput(n.getOutput(0)).build();
    }

    /** Upsample (deprecated at 10) -> Resize-11 with the coordinate rule Upsample used: asymmetric, nearest rounding down. */
    private NodeProto upsampleAsResize(NodeProto n) {
        String scales = n.getInputCount() > 1 ? n.getInput(1) : null;
        if (scales == null) { // Upsample-7: scales as an attribute
            AttributeProto a = OnnxModel.attribute(n, "scales").orElseThrow(() -> new InvalidInputException(Problem.UNUSABLE,
                    "Upsample " + OnnxModel.nodeName(n) + " has no scales"));
            float[] values = new float[a.getFloatsCount()];
            for (int i = 0; i < values.length; i++) {
                values[i] = a.getFloats(i);
            }
            scales = graph.fresh(n.getInput(0) + "_scales");
            graph.addedInitializers().add(Tensors.floatTensor(scales, new long[] {values.length}, values));
        }
        return resize(n, scales);
    }

    /** Resize-10 (X, scales) -> Resize-11 (X, roi, scales) with Resize-10's coordinate rule, which 11 no longer assumes. */
    private NodeProto resizeTenAsEleven(NodeProto n) {
        return resize(n, n.getInput(1));
    }

    private NodeProto resize(NodeProto n, String scales) {
        String mode = OnnxModel.attribute(n, "mode").map(a -> a.getS().toStringUtf8()).orElse("nearest");
        return NodeProto.newBuilder().setName(n.getName()).setOpType("Resize").addInput(n.getInput(0)).addInput("").addInput(scales)
                .addOutput(n.getOutput(0)).addAttribute(UpgradeGraph.stringAttr("mode", mode))
                .addAttribute(UpgradeGraph.stringAttr("coordinate_transformation_mode", "asymmetric"))
                .addAttribute(UpgradeGraph.stringAttr("nearest_mode", "floor")).build();
    }

    /**
     * Softmax, LogSoftmax and Hardmax before 13 flatten their input to 2-D at {@code axis} (default 1) and normalise the
     * second dimension; from 13 they normalise {@code axis} alone (default -1). The same where {@code axis} is the last
     * one; elsewhere the old meaning is spelled out:
     * <pre>
     *   x -> Softmax(axis=1) -> y          x -> Flatten(axis=1) -> Softmax(axis=-1) -> Reshape(Shape(x)) -> y
     * </pre>
     */
    private List<NodeProto> softmaxOnLastAxis(NodeProto n) {
        long axis = OnnxModel.intAttribute(n, "axis", 1);
        OptionalInt rank = axis == -1 ? OptionalInt.empty() : ranks.rank(n.getInput(0));
        boolean last = axis == -1 || rank.isPresent() && (axis < 0 ? axis + rank.getAsInt() : axis) == rank.getAsInt() - 1;
        if (last) {
            return List.of(UpgradeGraph.withoutAttributes(n, "axis").addAttribute(UpgradeGraph.intAttr("axis", -1)).build());
        }
        String x = n.getInput(0);
        String flat = graph.fresh(x + "_2d");
        String normalised = graph.fresh(x + "_2d_" + n.getOpType());
        String shape = graph.fresh(x + "_shape");
        List<NodeProto> out = new ArrayList<>();
        out.add(NodeProto.newBuilder().setName(graph.fresh(n.getName() + "_flatten")).setOpType("Flatten").addInput(x).addOutput(flat)
                .addAttribute(UpgradeGraph.intAttr("axis", axis)).build());
        out.add(UpgradeGraph.withoutAttributes(n, "axis").clearInput().addInput(flat).clearOutput().addOutput(normalised)
                .addAttribute(UpgradeGraph.intAttr("axis", -1)).build());
        out.add(NodeProto.newBuilder().setName(graph.fresh(n.getName() + "_shape")).setOpType("Shape").addInput(x).addOutput(shape).build());
        out.add(NodeProto.newBuilder().setName(graph.fresh(n.getName() + "_reshape")).setOpType("Reshape").addInput(normalised)
                .addInput(shape).addOutput(n.getOutput(0)).build());
        return out;
    }

    /** Gemm before 11 needs a C input; an exporter that kept the bias apart passes zeros, which today may be left out. */
    private NodeProto gemmWithoutZeroBias(NodeProto n) {
        if (n.getInputCount() < 3) {
            return n;
        }
        TensorProto c = graph.initializer(n.getInput(2)).orElse(null);
        if (c == null || !Tensors.isFloat(c)) {
            return n;
        }
        for (float v : Tensors.floats(c)) {
            if (v != 0f) {
                return n;
            }
        }
        NodeProto.Builder b = n.toBuilder().clearInput().addInput(n.getInput(0)).addInput(n.getInput(1));
        return b.build();
    }

    /** The rank of a tensor where the upgrade can tell it; Softmax's rule needs it. */
    @FunctionalInterface
    interface RankLookup {
        OptionalInt rank(String tensor);
    }
}
