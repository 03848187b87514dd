package dev.bitplan.engine.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.plan.WeightClipping;
import dev.bitplan.engine.testmodels.TestData;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Symmetric narrow-range weight quantization: rounding, range, scales per channel / tensor / block, MSE clipping. */
class WeightQuantizerTest {

    private static final WeightClipping MAX = WeightClipping.MAX_ABS;

    @Test
    void qmaxIsNarrowRange() {
        assertEquals(127, WeightQuantizer.qmax(8));
        assertEquals(7, WeightQuantizer.qmax(4));
    }

    @Test
    void halfwayValuesRoundToEven() {
        float s = 0.25f; // w / s is exact for these w
        assertEquals(0, WeightQuantizer.quantizeValue(0.5f * s, s, 127));
        assertEquals(2, WeightQuantizer.quantizeValue(1.5f * s, s, 127));
        assertEquals(2, WeightQuantizer.quantizeValue(2.5f * s, s, 127));
        assertEquals(-2, WeightQuantizer.quantizeValue(-2.5f * s, s, 127));
        assertEquals(4, WeightQuantizer.quantizeValue(3.5f * s, s, 127));
        assertEquals(0, WeightQuantizer.quantizeValue(-0.5f * s, s, 127), "-0.5 rounds to (minus) zero");
    }

    @Test
    void halfwayValuesRoundToEvenThroughQuantize() {
        // max |w| = 127 * 0.25 makes the per-tensor scale exactly 0.25
        float[] w = {31.75f, 0.125f, 0.375f, 0.625f, -0.625f};
        QuantizedWeight q = WeightQuantizer.quantize(w, new long[] {5}, 0, 8, false, MAX);
        assertEquals(0.25f, q.scales()[0]);
        assertArrayEquals(new byte[] {127, 0, 2, 2, -2}, q.values());
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 8})
    void neverUsesTheExtraNegativeCode(int bits) {
        int qmax = WeightQuantizer.qmax(bits);
        assertEquals(-qmax, WeightQuantizer.quantizeValue(-1000f, 1f, qmax), "saturates at -qmax, not -qmax-1");
        assertEquals(qmax, WeightQuantizer.quantizeValue(1000f, 1f, qmax));
        // the most negative weight sets max |w|, so it maps to exactly -qmax
        float[] w = TestData.floats(5, 64);
        w[17] = -10f;
        QuantizedWeight q = WeightQuantizer.quantize(w, new long[] {4, 16}, 0, bits, true, MAX);
        for (byte v : q.values()) {
            assertTrue(v >= -qmax && v <= qmax, "value " + v + " outside [-" + qmax + ", " + qmax + "]");
        }
        assertEquals(-qmax, q.values()[17]);
        for (WeightClipping c : WeightClipping.values()) {
            QuantizedWeight t = WeightQuantizer.quantize(w, new long[] {4, 16}, 0, bits, false, c);
            for (byte v : t.values()) {
                assertTrue(v >= -qmax, c + ": " + v);
            }
        }
    }

    @Test
    void zeroIsExactlyRepresentable() {
        float[] w = {0f, 0.3f, -0.7f, 0f, 0f, 0f};
        QuantizedWeight q = WeightQuantizer.quantize(w, new long[] {2, 3}, 0, 4, true, MAX);
        float[] d = q.dequantize();
        assertEquals(0, q.values()[0]);
        assertEquals(0f, d[0]);
        for (int i = 3; i < 6; i++) {
            assertEquals(0, q.values()[i], "all-zero channel");
            assertEquals(0f, d[i]);
        }
        assertTrue(q.scales()[1] > 0, "an all-zero channel still gets a positive scale: " + q.scales()[1]);
    }

    @Test
    void perChannelScaleIsMaxAbsOverQmax() {
        float[] w = {0.5f, -1.27f, 0.3f, /* channel 1 */ 2f, -0.1f, 0.4f, /* channel 2 */ -0.02f, 0.012f, 0f};
        long[] dims = {3, 3};
        QuantizedWeight q8 = WeightQuantizer.quantize(w, dims, 0, 8, true, MAX);
        assertArrayEquals(new float[] {1.27f / 127, 2f / 127, 0.02f / 127}, q8.scales());
        assertEquals(0, q8.axis());
        assertTrue(q8.perChannel());
        assertArrayEquals(new byte[] {50, -127, 30, 127, -6, 25, -127, 76, 0}, q8.values());
        QuantizedWeight q4 = WeightQuantizer.quantize(w, dims, 0, 4, true, MAX);
        assertArrayEquals(new float[] {1.27f / 7, 2f / 7, 0.02f / 7}, q4.scales());
        assertArrayEquals(new byte[] {3, -7, 2, 7, 0, 1, -7, 4, 0}, q4.values()); // 0.012 * 7 / 0.02 = 4.2
        assertEquals(4, q4.bits());
    }

    @Test
    void perTensorUsesOneScaleForEveryChannel() {
        float[] w = {0.5f, -1.27f, 0.3f, 2f, -0.1f, 0.4f};
        QuantizedWeight q = WeightQuantizer.quantize(w, new long[] {2, 3}, 0, 8, false, MAX);
        assertEquals(1, q.scales().length);
        assertEquals(2f / 127, q.scales()[0]);
        assertEquals(-1, q.axis());
        assertFalse(q.perChannel());
        assertEquals(-81, q.values()[1], "-1.27 at the shared scale 2/127 is -80.6");
    }

    @Test
    void channelAxisOneScalesColumnsOfAMatMulWeight() {
        // MatMul weight [K=3, N=2]: output channels are columns
        float[] w = {1f, -8f, -2f, 4f, 0.5f, 2f};
        QuantizedWeight q = WeightQuantizer.quantize(w, new long[] {3, 2}, 1, 8, true, MAX);
        assertArrayEquals(new float[] {2f / 127, 8f / 127}, q.scales());
        assertArrayEquals(new byte[] {64, -127, -127, 64, 32, 32}, q.values());
        assertEquals(1, q.axis());
    }

    @Test
    void channelAxisOneOfAConvTransposeWeightSpansTheInnerKernel() {
        // ConvTranspose weight [Cin=2, Cout=3, 2]: channel c owns w[i][c][k] for every i, k
        long[] dims = {2, 3, 2};
        float[] w = new float[12];
        float[] channelMax = {1f, 3f, 0.5f};
        for (int i = 0; i < 2; i++) {
            for (int c = 0; c < 3; c++) {
                for (int k = 0; k < 2; k++) {
                    w[(i * 3 + c) * 2 + k] = channelMax[c] * (i == 1 && k == 1 ? -1f : 0.25f);
                }
            }
        }
        QuantizedWeight q = WeightQuantizer.quantize(w, dims, 1, 4, true, MAX);
        assertArrayEquals(new float[] {1f / 7, 3f / 7, 0.5f / 7}, q.scales());
        ChannelLayout layout = new ChannelLayout(dims, 1);
        for (int i = 0; i < w.length; i++) {
            int expected = w[i] < 0 ? -7 : 2; // 0.25 * 7 = 1.75
            assertEquals(expected, q.values()[i], "index " + i + " channel " + layout.channelOf(i));
        }
    }

    @Test
    void mseClippingBeatsMaxAbsOnAChannelWithAnOutlier() {
        Random r = new Random(3);
        int n = 256;
        float[] w = new float[2 * n];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextDouble() * 2 - 1);
        }
        w[7] = 1.6f; // channel 0: one outlier a bit above the bulk in [-1, 1]
        long[] dims = {2, n};
        QuantizedWeight max = WeightQuantizer.quantize(w, dims, 0, 4, true, WeightClipping.MAX_ABS);
        QuantizedWeight mse = WeightQuantizer.quantize(w, dims, 0, 4, true, WeightClipping.MSE);
        double[] errMax = channelErrors(w, max.dequantize(), n);
        double[] errMse = channelErrors(w, mse.dequantize(), n);
        assertTrue(errMse[0] < 0.9 * errMax[0], "MSE clipping cuts the outlier channel's error: " + errMse[0] + " vs " + errMax[0]);
        assertTrue(mse.scales()[0] < max.scales()[0], "by clipping below max |w|");
        assertTrue(mse.values()[7] == 7, "the outlier saturates at qmax");
        assertTrue(errMse[1] <= errMax[1], "never worse on the other channel");
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 8})
    void mseClippingIsNeverWorseOnAnyChannel(int bits) {
        long[] dims = {16, 3, 3, 3};
        float[] w = TestData.floats(11, 16 * 27);
        w[5] = 6f;
        w[27 * 3 + 2] = -4f;
        QuantizedWeight max = WeightQuantizer.quantize(w, dims, 0, bits, true, WeightClipping.MAX_ABS);
        QuantizedWeight mse = WeightQuantizer.quantize(w, dims, 0, bits, true, WeightClipping.MSE);
        double[] errMax = channelErrors(w, max.dequantize(), 27);
        double[] errMse = channelErrors(w, mse.dequantize(), 27);
        for (int c = 0; c < 16; c++) {
            assertTrue(errMse[c] <= errMax[c], "channel " + c + ": " + errMse[c] + " > " + errMax[c]);
            assertTrue(mse.scales()[c] <= max.scales()[c] && mse.scales()[c] >= 0.5f * max.scales()[c] * 0.999f,
                    "clip searched in 0.5..1.0 x max|w|");
        }
    }

    private static double[] channelErrors(float[] w, float[] d, int perChannel) {
        double[] err = new double[w.length / perChannel];
        for (int i = 0; i < w.length; i++) {
            double e = (double) w[i] - d[i];
            err[i / perChannel] += e * e;
        }
        return err;
    }

    @Test
    void dequantizeIsQTimesScaleInFloat() {
        long[] dims = {4, 2, 3};
        float[] w = TestData.floats(9, 24);
        for (boolean perChannel : new boolean[] {true, false}) {
            QuantizedWeight q = WeightQuantizer.quantize(w, dims, 0, 8, perChannel, MAX);
            float[] d = q.dequantize();
            for (int i = 0; i < w.length; i++) {
                float scale = q.scales()[perChannel ? i / 6 : 0];
                float expected = q.values()[i] * scale;
                assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(d[i]), "index " + i);
                assertTrue(Math.abs(w[i] - d[i]) <= scale / 2 * 1.0001f, "rounding error at most half a step");
            }
        }
    }

    @Test
    void blockWiseScalesRunPerBlockOfRowsAndColumnAndRoundHalfToEven() {
        // a MatMul weight [K = 4, N = 2] in blocks of 2 rows: scales [2, 2], one per (block, column)
        float[] w = {
            1.75f, 0.5f,
            -0.625f, -3.5f,
            0.875f, 0f,
            -0.4375f, 0f};
        QuantizedWeight q = WeightQuantizer.quantizeBlockWise(w, new long[] {4, 2}, 0, 2, 4, MAX);
        assertTrue(q.blockWise());
        assertFalse(q.perChannel());
        assertArrayEquals(new long[] {2, 2}, q.scaleDims());
        assertArrayEquals(new float[] {0.25f, 0.5f, 0.125f, 1f}, q.scales(), "max |w| / 7 per block; an all-zero block gets 1");
        // -0.625 / 0.25 = -2.5 -> -2 and -0.4375 / 0.125 = -3.5 -> -4: half to even, as QuantizeLinear
        assertArrayEquals(new byte[] {7, 1, -2, -7, 7, 0, -4, 0}, q.values());
        assertArrayEquals(new float[] {1.75f, 0.5f, -0.5f, -3.5f, 0.875f, 0f, -0.5f, 0f}, q.dequantize());
    }

    @Test
    void blockWiseDequantizeIsValueTimesItsBlocksScaleAndErrsAtMostHalfAStep() {
        int k = 64;
        int n = 8;
        float[] w = TestData.floats(5, k * n);
        w[3 * n + 2] = 40f; // one outlier: per channel it coarsens all of column 2, block-wise only rows 0-31 of it
        QuantizedWeight q = WeightQuantizer.quantizeBlockWise(w, new long[] {k, n}, 0, 32, 4, MAX);
        assertEquals(2 * n, q.scales().length);
        float[] d = q.dequantize();
        for (int i = 0; i < w.length; i++) {
            float scale = q.scales()[(i / n / 32) * n + i % n];
            assertEquals(q.values()[i] * scale, d[i], "x^ = q * s of its block, in float32, as DequantizeLinear");
            assertTrue(q.values()[i] >= -7 && q.values()[i] <= 7);
            assertTrue(Math.abs(w[i] - d[i]) <= scale / 2 * 1.0001f, "rounding error at most half a step");
        }
        float[] perChannel = WeightQuantizer.quantize(w, new long[] {k, n}, 1, 4, true, MAX).dequantize();
        double blockErr = 0;
        double channelErr = 0;
        for (int i = 32 * n; i < w.length; i++) { // rows 32-63, away from the outlier
            blockErr += Math.pow(w[i] - d[i], 2);
            channelErr += Math.pow(w[i] - perChannel[i], 2);
        }
        assertTrue(blockErr < channelErr / 4, "blocks keep the outlier's coarse scale to its own block: " + blockErr + " vs " + channelErr);
    }

    @Test
    void aBlockSizeThatDoesNotDivideTheAxisIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> WeightQuantizer.quantizeBlockWise(new float[48], new long[] {48, 1}, 0, 32, 4, MAX));
    }
}
