package dev.bitplan.engine.testmodels;

import java.util.Random;

/** Seeded random input data for the models in {@link TestModels}. */
public final class TestData {

    private TestData() {
    }

    /** {@code n} floats drawn from N(0, 1) with {@code new Random(seed)}. */
    public static float[] floats(long seed, int n) {
        Random random = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    /** {@code n} token ids drawn uniformly from [0, vocab) with {@code new Random(seed)}. */
    public static long[] tokens(long seed, int n, int vocab) {
        Random random = new Random(seed);
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextInt(vocab);
        }
        return v;
    }

    /** Number of elements of a shape, as an int (for sizing the arrays above). */
    public static int count(long... shape) {
        return Math.toIntExact(GraphBuilder.count(shape));
    }
}
