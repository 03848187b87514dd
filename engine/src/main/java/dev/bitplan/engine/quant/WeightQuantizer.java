package dev.bitplan.engine.quant;

import dev.bitplan.contracts.plan.WeightClipping;

/**
 * Quantizes weights symmetrically to signed narrow range ([-127, 127] at 8 bits, [-7, 7] at 4), per
 * output channel, per tensor or block-wise. Narrow range keeps the zero point at 0 and the grid symmetric.
 * Scale = clip / qmax, where clip is max |w| or, with {@link WeightClipping#MSE}, the clip on a grid
 * of 0.50..1.00 x max |w| that gives the smallest squared error.
 */
public final class WeightQuantizer {

    /** Clip candidates for the MSE search, as fractions of max |w|. */
    private static final int MSE_STEPS = 50;
    private static final double MSE_LOWEST = 0.5;

    private WeightQuantizer() {
    }

    public static int qmax(int bits) {
        return (1 << (bits - 1)) - 1;
    }

    /**
     * @param w        weight values, C order
     * @param dims     weight shape
     * @param axis     output-channel axis, used when {@code perChannel}
     */
    public static QuantizedWeight quantize(float[] w, long[] dims, int axis, int bits, boolean perChannel, WeightClipping clipping) {
        int qmax = qmax(bits);
        if (!perChannel) {
            float scale = scaleFor(w, 0, w.length, 1, qmax, clipping);
            byte[] q = new byte[w.length];
            for (int i = 0; i < w.length; i++) {
                q[i] = quantizeValue(w[i], scale, qmax);
            }
            return new QuantizedWeight(q, new float[] {scale}, -1, dims.clone(), bits);
        }
        ChannelLayout layout = new ChannelLayout(dims, axis);
        int channels = layout.channels();
        float[][] perChannelValues = gatherChannels(w, layout);
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            float[] v = perChannelValues[c];
            scales[c] = scaleFor(v, 0, v.length, 1, qmax, clipping);
        }
        byte[] q = new byte[w.length];
        for (int i = 0; i < w.length; i++) {
            q[i] = quantizeValue(w[i], scales[layout.channelOf(i)], qmax);
        }
        return new QuantizedWeight(q, scales, axis, dims.clone(), bits);
    }

    /**
     * Block-wise: one scale per {@code blockSize} consecutive values along {@code axis} and per position of the other
     * axes; for a MatMul weight [K, N] blocked along K (axis 0), a scale per (block of K rows, output column), the
     * layout ONNX Runtime's MatMulNBits reads. The axis length must be a multiple of the block size.
     */
    public static QuantizedWeight quantizeBlockWise(float[] w, long[] dims, int axis, int blockSize, int bits,
                                                    WeightClipping clipping) {
        int qmax = qmax(bits);
        BlockLayout layout = new BlockLayout(dims, axis, blockSize);
        float[][] blocks = new float[layout.scaleCount()][blockSize];
        int[] fill = new int[blocks.length];
        for (int i = 0; i < w.length; i++) {
            int b = layout.scaleOf(i);
            blocks[b][fill[b]++] = w[i];
        }
        float[] scales = new float[blocks.length];
        for (int b = 0; b < blocks.length; b++) {
            scales[b] = scaleFor(blocks[b], 0, blockSize, 1, qmax, clipping);
        }
        byte[] q = new byte[w.length];
        for (int i = 0; i < w.length; i++) {
            q[i] = quantizeValue(w[i], scales[layout.scaleOf(i)], qmax);
        }
        return new QuantizedWeight(q, scales, axis, dims.clone(), bits, blockSize);
    }

    /** q = clip(round_half_even(w / s), -qmax, qmax), computed in float32 like ONNX QuantizeLinear. */
    public static byte quantizeValue(float w, float scale, int qmax) {
        float r = (float) Math.rint(w / scale);
        return (byte) Math.max(-qmax, Math.min(qmax, r));
    }

    private static float scaleFor(float[] v, int from, int to, int step, int qmax, WeightClipping clipping) {
        float maxAbs = 0f;
        for (int i = from; i < to; i += step) {
            maxAbs = Math.max(maxAbs, Math.abs(v[i]));
        }
        if (maxAbs == 0f) {
            return 1f; // an all-zero channel: any positive scale represents it exactly
        }
        if (clipping == WeightClipping.MAX_ABS) {
            return maxAbs / qmax;
        }
        float best = maxAbs / qmax;
        double bestErr = Double.MAX_VALUE;
        for (int k = 0; k <= MSE_STEPS; k++) {
            double fraction = 1.0 - (1.0 - MSE_LOWEST) * k / MSE_STEPS;
            float scale = (float) (maxAbs * fraction / qmax);
            double err = 0;
            for (int i = from; i < to; i += step) {
                float d = v[i] - quantizeValue(v[i], scale, qmax) * scale;
                err += (double) d * d;
            }
            if (err < bestErr) {
                bestErr = err;
                best = scale;
            }
        }
        return best;
    }

    private static float[][] gatherChannels(float[] w, ChannelLayout layout) {
        int channels = layout.channels();
        int perChannel = w.length / channels;
        float[][] out = new float[channels][perChannel];
        int[] fill = new int[channels];
        for (int i = 0; i < w.length; i++) {
            int c = layout.channelOf(i);
            out[c][fill[c]++] = w[i];
        }
        return out;
    }
}
