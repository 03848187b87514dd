package dev.bitplan.qat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.bitplan.qat.graph.FakeQuant;
import org.junit.jupiter.api.Test;

/**
 * The straight-through estimator on the seed tutorial's 2x2 example: x = [1.5, -2.3], W = [[0.8, -0.5], [1.2, 0.3]],
 * b = [0.1, -0.2], s = 0.2 for both. Rounded half to even, x^ = [1.6, -2.4] (7.5 -> 8, -11.5 -> -12) and
 * W^ = [[0.8, -0.4], [1.2, 0.4]] (-2.5 -> -2, 1.5 -> 2), so y^ = W^ x^ + b = [2.34, 0.76]. For L = sum(y^), by hand:
 * dL/dW_ij = x^_j, dL/dx_j = sum_i W^_ij = [2.0, 0.0], dL/db = [1, 1], all passed straight through the rounding.
 */
class StraightThroughTest {

    private static final float[] X = {1.5f, -2.3f};
    private static final float[] W = {0.8f, -0.5f, 1.2f, 0.3f};
    private static final float[] B = {0.1f, -0.2f};

    private record Grads(float[] y, float[] dx, float[] dw, float[] db) {
    }

    private static Grads run(int qmax) {
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray x = m.create(X, new ai.djl.ndarray.types.Shape(2, 1));
            NDArray w = m.create(W, new ai.djl.ndarray.types.Shape(2, 2));
            NDArray b = m.create(B, new ai.djl.ndarray.types.Shape(2, 1));
            NDArray s = m.create(0.2f);
            x.setRequiresGradient(true);
            w.setRequiresGradient(true);
            b.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray y = FakeQuant.weight(w, s, qmax).matMul(FakeQuant.weight(x, s, qmax)).add(b);
                gc.backward(y.sum());
                return new Grads(y.toFloatArray(), x.getGradient().toFloatArray(), w.getGradient().toFloatArray(),
                        b.getGradient().toFloatArray());
            }
        }
    }

    @Test
    void eightBitPassesTheGradientStraightThrough() {
        Grads g = run(127);
        assertArrayEquals(new float[] {2.34f, 0.76f}, g.y(), 1e-6f);
        assertArrayEquals(new float[] {2.0f, 0.0f}, g.dx(), 1e-6f);
        assertArrayEquals(new float[] {1.6f, -2.4f, 1.6f, -2.4f}, g.dw(), 1e-6f);
        assertArrayEquals(new float[] {1f, 1f}, g.db(), 0f);
    }

    /**
     * At 4 bits the grid ends at +-7 s = +-1.4: x clips to [1.4, -1.4] (8 and -12 lie outside), so no gradient reaches x,
     * while W (inside the grid) still gets x^.
     */
    @Test
    void fourBitStopsTheGradientOutsideTheClipRange() {
        Grads g = run(7);
        // y^ = [0.8 * 1.4 + -0.4 * -1.4 + 0.1, 1.2 * 1.4 + 0.4 * -1.4 - 0.2]
        assertArrayEquals(new float[] {1.78f, 0.92f}, g.y(), 1e-6f);
        assertArrayEquals(new float[] {0f, 0f}, g.dx(), 0f);
        assertArrayEquals(new float[] {1.4f, -1.4f, 1.4f, -1.4f}, g.dw(), 1e-6f);
    }
}
