package dev.bitplan.qat.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bitplan.engine.quant.BlockLayout;
import dev.bitplan.engine.quant.QuantizedWeight;
import java.util.Arrays;

/** The engine's weight scales as an array that broadcasts over the weight: a scalar, one per channel, or one per value. */
final class WeightScales {

    private WeightScales() {
    }

    static NDArray of(NDManager manager, QuantizedWeight q) {
        long[] dims = q.dims();
        if (q.blockWise()) {
            BlockLayout layout = new BlockLayout(dims, q.axis(), q.blockSize());
            float[] full = new float[q.values().length];
            for (int i = 0; i < full.length; i++) {
                full[i] = q.scales()[layout.scaleOf(i)];
            }
            return manager.create(full, new Shape(dims));
        }
        if (q.perChannel()) {
            long[] shape = new long[dims.length];
            Arrays.fill(shape, 1);
            shape[q.axis()] = q.scales().length;
            return manager.create(q.scales(), new Shape(shape));
        }
        return manager.create(q.scales()[0]);
    }
}
