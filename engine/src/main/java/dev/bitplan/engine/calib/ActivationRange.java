package dev.bitplan.engine.calib;

/**
 * A closed float interval [min, max] that an activation tensor is quantized over.
 *
 * @param min lower bound, finite
 * @param max upper bound, finite, at least {@code min}
 */
public record ActivationRange(double min, double max) {

    /** The degenerate range of a tensor that only ever held zeros (or nothing). */
    public static final ActivationRange ZERO = new ActivationRange(0, 0);

    public ActivationRange {
        if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
            throw new IllegalArgumentException("invalid activation range [" + min + ", " + max + "]");
        }
        // Normalise -0.0 so that equality and printing do not depend on the sign of zero.
        min = min == 0 ? 0.0 : min;
        max = max == 0 ? 0.0 : max;
    }

    /** This range widened so that min <= 0 <= max; affine quantization needs zero to be exactly representable. */
    public ActivationRange includingZero() {
        return min <= 0 && max >= 0 ? this : new ActivationRange(Math.min(min, 0), Math.max(max, 0));
    }

    /** The intersection of this range with {@code other}, or {@link #ZERO} when they do not overlap. */
    public ActivationRange intersect(ActivationRange other) {
        double lo = Math.max(min, other.min);
        double hi = Math.min(max, other.max);
        return lo <= hi ? new ActivationRange(lo, hi) : ZERO;
    }

    /** This range with both ends multiplied by {@code factor} (a positive factor keeps zero inside). */
    public ActivationRange scaled(double factor) {
        return new ActivationRange(min * factor, max * factor);
    }

    public double width() {
        return max - min;
    }
}
