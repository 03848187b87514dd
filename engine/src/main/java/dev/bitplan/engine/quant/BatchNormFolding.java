package dev.bitplan.engine.quant;

/**
 * Folds an inference-mode BatchNormalization into the preceding layer, in double precision:
 * {@code W' = W g / sqrt(v + e)} per output channel and {@code b' = (b - m) g / sqrt(v + e) + beta}.
 */
public final class BatchNormFolding {

    private BatchNormFolding() {
    }

    /** Folded weight and bias of one layer. */
    public record Folded(float[] weight, float[] bias) {
    }

    /**
     * @param weight  the layer's weight (C order) with output channels on {@code axis}
     * @param bias    the layer's bias, or null when it has none
     */
    public static Folded fold(float[] weight, long[] dims, int axis, float[] bias, float[] gamma, float[] beta,
                              float[] mean, float[] var, float epsilon) {
        int channels = (int) dims[axis];
        double[] factor = new double[channels];
        float[] newBias = new float[channels];
        for (int c = 0; c < channels; c++) {
            factor[c] = gamma[c] / Math.sqrt((double) var[c] + epsilon);
            double b = bias == null ? 0.0 : bias[c];
            newBias[c] = (float) ((b - mean[c]) * factor[c] + beta[c]);
        }
        ChannelLayout layout = new ChannelLayout(dims, axis);
        float[] w = new float[weight.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (weight[i] * factor[layout.channelOf(i)]);
        }
        return new Folded(w, newBias);
    }
}
