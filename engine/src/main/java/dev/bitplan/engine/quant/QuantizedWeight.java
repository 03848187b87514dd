package dev.bitplan.engine.quant;

/**
 * Integer weights with their scales: symmetric (zero point 0), narrow range [-qmax, qmax].
 *
 * @param values  integer values in C order, each in [-qmax, qmax]
 * @param scales  one scale per output channel, or a single scale (per-tensor)
 * @param axis    the channel axis the scales run along, or -1 for per-tensor
 * @param dims    the weight's shape
 * @param bits    4 or 8
 */
public record QuantizedWeight(byte[] values, float[] scales, int axis, long[] dims, int bits) {

    public boolean perChannel() {
        return axis >= 0;
    }

    /** x^ = s * q, computed in float32 exactly as ONNX DequantizeLinear does. */
    public float[] dequantize() {
        float[] out = new float[values.length];
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
