package dev.bitplan.qat.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import java.util.Map;

/** Arithmetic, activations, comparisons and casts, element by element with ONNX (numpy) broadcasting. */
final class ElementwiseOps {

    private ElementwiseOps() {
    }

    static void register(Map<String, OpKernel> ops) {
        ops.put("Add", c -> one(c.in(0).add(c.in(1))));
        ops.put("Sub", c -> one(c.in(0).sub(c.in(1))));
        ops.put("Mul", c -> one(c.in(0).mul(c.in(1))));
        ops.put("Div", ElementwiseOps::div);
        ops.put("Pow", c -> one(c.in(0).pow(c.in(1))));
        ops.put("Sqrt", c -> one(c.in(0).sqrt()));
        ops.put("Exp", c -> one(c.in(0).exp()));
        ops.put("Log", c -> one(c.in(0).log()));
        ops.put("Neg", c -> one(c.in(0).neg()));
        ops.put("Abs", c -> one(c.in(0).abs()));
        ops.put("Reciprocal", c -> one(c.in(0).getManager().create(1f).div(c.in(0))));
        ops.put("Erf", c -> one(c.in(0).erf()));
        ops.put("Relu", c -> one(c.in(0).getNDArrayInternal().relu()));
        ops.put("Sigmoid", c -> one(c.in(0).getNDArrayInternal().sigmoid()));
        ops.put("Tanh", c -> one(c.in(0).tanh()));
        ops.put("Gelu", ElementwiseOps::gelu);
        ops.put("Clip", ElementwiseOps::clip);
        ops.put("Identity", c -> one(c.in(0)));
        ops.put("Dropout", c -> one(c.in(0))); // inference form: QAT fine-tunes without dropout
        ops.put("Equal", c -> one(c.in(0).eq(c.in(1))));
        ops.put("Less", c -> one(c.in(0).lt(c.in(1))));
        ops.put("Greater", c -> one(c.in(0).gt(c.in(1))));
        ops.put("Not", c -> one(c.in(0).logicalNot()));
        ops.put("Where", c -> one(NDArrays.where(bool(c.in(0)), c.in(1), c.in(2))));
        ops.put("Cast", ElementwiseOps::cast);
        ops.put("Softmax", c -> one(c.in(0).softmax(axis(c, c.in(0)))));
        ops.put("LogSoftmax", c -> one(c.in(0).logSoftmax(axis(c, c.in(0)))));
    }

    static NDList one(NDArray a) {
        return new NDList(a);
    }

    private static NDArray bool(NDArray a) {
        return a.getDataType() == DataType.BOOLEAN ? a : a.toType(DataType.BOOLEAN, false);
    }

    /** ONNX integer Div truncates; PyTorch's div is true division, so integers are cast back. */
    private static NDList div(NodeContext c) {
        NDArray a = c.in(0);
        NDArray out = a.div(c.in(1));
        if (a.getDataType().isInteger() && out.getDataType() != a.getDataType()) {
            out = out.toType(a.getDataType(), false);
        }
        return one(out);
    }

    private static NDList gelu(NodeContext c) {
        if (!"none".equals(c.stringAttr("approximate", "none"))) {
            throw c.unsupported("approximate=" + c.stringAttr("approximate", "none") + " (only the erf form)");
        }
        return one(c.in(0).getNDArrayInternal().gelu());
    }

    /** Clip's bounds are inputs from opset 11, attributes before; the gradient is zero outside them. */
    private static NDList clip(NodeContext c) {
        float lo = Float.NEGATIVE_INFINITY;
        float hi = Float.POSITIVE_INFINITY;
        if (c.opset() >= 11) {
            if (c.has(1)) {
                lo = c.in(1).toType(DataType.FLOAT32, false).getFloat();
            }
            if (c.has(2)) {
                hi = c.in(2).toType(DataType.FLOAT32, false).getFloat();
            }
        } else {
            lo = c.floatAttr("min", lo);
            hi = c.floatAttr("max", hi);
        }
        return one(c.in(0).clip(lo, hi));
    }

    private static NDList cast(NodeContext c) {
        DataType to = TensorConversion.dataType(c.intAttr("to", 0));
        if (to == null) {
            throw c.unsupported("cast to ONNX type " + c.intAttr("to", 0));
        }
        NDArray in = c.in(0);
        return one(in.getDataType() == to ? in : in.toType(to, false));
    }

    /** Softmax's axis; from opset 13 it is one axis (default -1), as after the engine's upgrade to opset 21. */
    private static int axis(NodeContext c, NDArray x) {
        int rank = x.getShape().dimension();
        long axis = c.intAttr("axis", c.opset() >= 13 ? -1 : 1);
        int a = (int) (axis < 0 ? axis + rank : axis);
        if (c.opset() < 13 && a != rank - 1) {
            throw c.unsupported("opset " + c.opset() + " softmax over flattened axes from " + a);
        }
        return a;
    }
}
