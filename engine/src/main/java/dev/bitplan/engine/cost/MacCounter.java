package dev.bitplan.engine.cost;

import dev.bitplan.engine.layers.Layer;

/**
 * Multiply-accumulates of a layer for one sample, from the shapes of its input and output in a run at
 * batch size 1. Whole tensors are counted, not "all axes but the first", because a transformer export
 * may reshape [batch, seq, d] to [batch * seq, d] before a MatMul.
 */
public final class MacCounter {

    private MacCounter() {
    }

    /** Shapes from a batch-1 run. */
    public static long macs(Layer layer, long[] inputShape, long[] outputShape) {
        long[] w = layer.weightDims();
        long params = layer.params();
        return switch (layer.kind()) {
            // each output value sums C/g x k_h x k_w products
            case CONV -> elements(outputShape) * (params / w[0]);
            // each input value is scattered into M/g x k_h x k_w outputs
            case CONV_TRANSPOSE -> elements(inputShape) * (params / w[0]);
            // each output value sums K products
            case GEMM, MATMUL -> elements(outputShape) * (params / layer.outputChannels());
            case GATHER -> 0;
        };
    }

    private static long elements(long[] shape) {
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            n *= shape[i];
        }
        return n;
    }
}
