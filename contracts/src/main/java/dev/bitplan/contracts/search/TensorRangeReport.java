package dev.bitplan.contracts.search;

import java.util.List;
import java.util.Map;

/**
 * What calibration saw of one activation tensor, for finding the layer whose outliers wreck a per-tensor scale:
 * its observed range, a histogram of its values, and the clipping range each calibration method would choose with
 * the share of values it would clip.
 *
 * @param tensor     the tensor's name in the model
 * @param count      values seen (over all calibration samples)
 * @param histogram  counts of values in {@code bins} equal bins over [{@code min}, {@code max}]
 * @param clipping   calibration method (MINMAX, PERCENTILE, ENTROPY, MSE) -> the range it picks at 8 bits
 */
public record TensorRangeReport(String tensor, long count, double min, double max, List<Long> histogram, Map<String, Clip> clipping) {

    /** A method's range and the share of values outside it (clipped). */
    public record Clip(double min, double max, double clippedShare) {
    }
}
