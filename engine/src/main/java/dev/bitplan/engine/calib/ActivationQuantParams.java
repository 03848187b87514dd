package dev.bitplan.engine.calib;

import dev.bitplan.engine.InvalidInputException;

/**
 * Per-tensor affine (asymmetric, unsigned) quantization parameters of an activation:
 * {@code q = clamp(rint(x / scale) + zeroPoint, 0, 2^bits - 1)} and {@code x' = (q - zeroPoint) * scale}.
 *
 * @param scale     the float step between two adjacent levels, positive
 * @param zeroPoint the level that represents 0.0 exactly, in [0, 2^bits - 1]
 * @param bits      the bit width, 1 to 16
 */
public record ActivationQuantParams(float scale, int zeroPoint, int bits) {

    public static final int MAX_BITS = 16;

    public ActivationQuantParams {
        checkBits(bits);
        if (!(scale > 0) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be positive and finite, got " + scale);
        }
        if (zeroPoint < 0 || zeroPoint > qmax(bits)) {
            throw new IllegalArgumentException("zero point " + zeroPoint + " outside [0, " + qmax(bits) + "]");
        }
    }

    /**
     * The parameters that map {@code range} (first widened to include 0) onto [0, 2^bits - 1]:
     * {@code scale = (max - min) / qmax} and {@code zeroPoint = rint(-min / scale)} clamped to [0, qmax]
     * (round half to even, as numpy and ONNX Runtime do).
     *
     * <p>A range too narrow for a normal float scale (in practice the all-zero range [0, 0]) gets
     * {@code scale = 1, zeroPoint = 0}, the same convention as ONNX Runtime's {@code compute_scale_zp}: zero
     * stays exact and a consumer never divides by a zero or denormal scale.
     */
    public static ActivationQuantParams of(ActivationRange range, int bits) {
        checkBits(bits);
        ActivationRange r = range.includingZero();
        int qmax = qmax(bits);
        float scale = (float) (r.width() / qmax);
        if (!(scale >= Float.MIN_NORMAL)) {
            return new ActivationQuantParams(1f, 0, bits);
        }
        long zero = (long) Math.rint(-r.min() / scale);
        return new ActivationQuantParams(scale, (int) Math.max(0, Math.min(qmax, zero)), bits);
    }

    /** The largest level, 2^bits - 1 (255 for 8 bits, 15 for 4 bits). */
    public static int qmax(int bits) {
        checkBits(bits);
        return (1 << bits) - 1;
    }

    public int qmax() {
        return qmax(bits);
    }

    /** The level {@code x} is stored as; values outside the representable range saturate. */
    public int quantize(double x) {
        double q = Math.rint(x / scale) + zeroPoint;
        return (int) Math.max(0, Math.min(qmax(), q));
    }

    /** The float a level stands for; level {@code zeroPoint} gives exactly 0. */
    public float dequantize(int q) {
        return (q - zeroPoint) * scale;
    }

    /** {@code dequantize(quantize(x))}: what {@code x} becomes after a quantize/dequantize round trip. */
    public float fakeQuantize(double x) {
        return dequantize(quantize(x));
    }

    /** The float interval the levels actually cover; can differ slightly from the requested range because
     *  the zero point is rounded to an integer. */
    public ActivationRange representableRange() {
        return new ActivationRange(dequantize(0), dequantize(qmax()));
    }

    static void checkBits(int bits) {
        if (bits < 1 || bits > MAX_BITS) {
            throw new InvalidInputException(InvalidInputException.Problem.BAD_REQUEST,
                    "activation bits must be between 1 and " + MAX_BITS + ", got " + bits);
        }
    }
}
