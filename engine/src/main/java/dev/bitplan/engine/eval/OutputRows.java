package dev.bitplan.engine.eval;

/**
 * The first output of every sample, gathered from batches that may arrive in any order into one samples x width
 * array in selection order. Outputs of trimmed token runs ({@link SequenceBuckets}) are padded back to the full token
 * length with zeros, so every row has the layout of the padded data and per-token metrics can mask the padding.
 */
final class OutputRows {

    private final int samples;
    private final int tokens;
    private float[] rows;
    private int width;

    /** @param tokens  the padded token length when the output has a token axis (axis 1) and runs are trimmed, else 0 */
    OutputRows(int samples, int tokens) {
        this.samples = samples;
        this.tokens = tokens;
    }

    /**
     * @param positions  positions in the selection of the batch's source (null: the selection itself)
     * @param offset     the batch's first sample within {@code positions}
     * @param length     the trimmed token length of the batch (ignored without a token axis)
     */
    synchronized void put(int[] positions, int offset, int count, int length, float[] data) {
        int perSample = data.length / count;
        int rowWidth = tokens > 0 ? perSample / length * tokens : perSample;
        if (rows == null) {
            width = rowWidth;
            rows = new float[width * samples];
        } else if (rowWidth != width) {
            throw new IllegalStateException("the model's output changed width between batches: " + width + " then " + rowWidth);
        }
        for (int k = 0; k < count; k++) {
            int row = positions == null ? offset + k : positions[offset + k];
            System.arraycopy(data, k * perSample, rows, row * width, perSample);
        }
    }

    float[] rows() {
        return rows;
    }
}
