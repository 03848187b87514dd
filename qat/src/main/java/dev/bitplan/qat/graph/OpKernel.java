package dev.bitplan.qat.graph;

import ai.djl.ndarray.NDList;

/** One ONNX operator as DJL NDArray operations: differentiable wherever PyTorch's own ops are. */
@FunctionalInterface
interface OpKernel {

    /** The node's outputs, in the order the node lists them. */
    NDList apply(NodeContext ctx);
}
