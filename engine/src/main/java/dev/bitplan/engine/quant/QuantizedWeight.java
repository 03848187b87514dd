package dev.bitplan.engine.quant;

/**
 * Integer weights with their scales: symmetric (zero point 0), narrow range [-qmax, qmax].
 *
 * @param values     integer values in C order, each in [-qmax, qmax]
 * @param scales     one scale per output channel, a single scale (per-tensor), or, block-wise, one per (block, column)
 *                   in C order, shaped like the weight with {@code axis} divided by {@code blockSize}
 * @param axis       the channel axis the scales run along, -1 for per-tensor, or the blocked axis when block-wise
 *                   (what DequantizeLinear's {@code axis} attribute says in either case)
 * @param dims       the weight's shape
 * @param bits       4 or 8
 * @param blockSize  consecutive values along {@code axis} that share a scale when block-wise; 0 otherwise
 */
public record QuantizedWeight(byte[] values, float[] scales, int axis, long[] dims, int bits, int blockSize) {

    /** Per-channel or per-tensor weights (not block-wise). */
    public QuantizedWeight(byte[] values, float[] scales, int axis, long[] dims, int bits) {
        this(values, scales, axis, dims, bits, 0);
    }

    public boolean perChannel() {
        return axis >= 0 && !blockWise();
    }

    public boolean blockWise() {
        return blockSize > 0;
    }

    /** The shape of the scale tensor DequantizeLinear reads: [] per tensor, [C] per channel, blocked like the weight. */
    public long[] scaleDims() {
        if (blockWise()) {
            long[] d = dims.clone();
            d[axis] = dims[axis] / blockSize;
            return d;
        }
        return perChannel() ? new long[] {scales.length} : new long[0];
    }

    /** x^ = s * q, computed in float32 exactly as ONNX DequantizeLinear does (per tensor, per axis or blocked). */
    public float[] dequantize() {
        float[] out = new float[values.length];
        if (blockWise()) {
            BlockLayout layout = new BlockLayout(dims, axis, blockSize);
            for (int i = 0; i < out.length; i++) {
                out[i] = values[i] * scales[layout.scaleOf(i)];
            }
            return out;
        }
        if (!perChannel()) {
            for (int i = 0; i < out.length; i++) {
                out[i] = values[i] * scales[0];
            }
            return out;
        }
        ChannelLayout layout = new ChannelLayout(dims, axis);
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i] * scales[layout.channelOf(i)];
        }
        return out;
    }
}
