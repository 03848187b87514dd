package dev.bitplan.contracts.search;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a plan must satisfy; null fields are unconstrained. Size may be given in bytes or as a ratio of
 * the FP32 size; the metric floor as an absolute minimum or as a maximum drop from FP32.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SearchBudgets(Long maxSizeBytes, Double maxSizeRatio, Double maxLatencyMs, Long maxBops, Double minMetric,
                            Double maxDrop) {

    public SearchBudgets {
        positive("maxSizeBytes", maxSizeBytes);
        positive("maxSizeRatio", maxSizeRatio);
        positive("maxLatencyMs", maxLatencyMs);
        positive("maxBops", maxBops);
        if (maxSizeBytes != null && maxSizeRatio != null) {
            throw new IllegalArgumentException("give maxSizeBytes or maxSizeRatio, not both");
        }
        if (minMetric != null && maxDrop != null) {
            throw new IllegalArgumentException("give minMetric or maxDrop, not both");
        }
        if (maxDrop != null && maxDrop < 0) {
            throw new IllegalArgumentException("maxDrop must be >= 0, got " + maxDrop);
        }
    }

    public static SearchBudgets none() {
        return new SearchBudgets(null, null, null, null, null, null);
    }

    /** The size budget in bytes for a model of this FP32 size, or null. */
    public Long sizeLimit(long fp32Bytes) {
        if (maxSizeBytes != null) {
            return maxSizeBytes;
        }
        return maxSizeRatio == null ? null : (long) Math.floor(maxSizeRatio * fp32Bytes);
    }

    /** The metric floor for a model whose FP32 metric is this, or null. */
    public Double metricFloor(double fp32Metric) {
        if (minMetric != null) {
            return minMetric;
        }
        return maxDrop == null ? null : fp32Metric - maxDrop;
    }

    private static void positive(String field, Number v) {
        if (v != null && !(v.doubleValue() > 0)) {
            throw new IllegalArgumentException(field + " must be > 0, got " + v);
        }
    }
}
