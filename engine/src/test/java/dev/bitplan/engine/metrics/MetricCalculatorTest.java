package dev.bitplan.engine.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.InvalidInputException.Problem;
import org.junit.jupiter.api.Test;

/** The four plan metrics on examples small enough to work out by hand. */
class MetricCalculatorTest {

    // three samples, three classes; argmax of each row: 2, 0, 1
    private static final float[] OUTPUTS = {
        0.1f, 0.2f, 0.7f,
        0.9f, 0.05f, 0.05f,
        0.3f, 0.4f, 0.3f};

    @Test
    void accuracyCountsArgmaxHitsOnLabels() {
        assertEquals(2.0 / 3, MetricCalculator.score(Metric.ACCURACY, OUTPUTS, null, new long[] {2, 0, 2}, 3), 1e-12);
        assertEquals(1.0, MetricCalculator.score(Metric.ACCURACY, OUTPUTS, null, new long[] {2, 0, 1}, 3));
        assertEquals(0.0, MetricCalculator.score(Metric.ACCURACY, OUTPUTS, null, new long[] {0, 1, 0}, 3));
    }

    @Test
    void accuracyWithoutLabelsIsABadRequestNamingLabels() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> MetricCalculator.score(Metric.ACCURACY, OUTPUTS, OUTPUTS, null, 3));
        assertEquals(Problem.BAD_REQUEST, e.problem());
        assertTrue(e.getMessage().contains("'labels'"), e.getMessage());
        assertTrue(e.getMessage().contains("agreement"), "suggests the metric that needs no labels: " + e.getMessage());
    }

    @Test
    void agreementComparesArgmaxWithTheReferenceAndNeedsNoLabels() {
        float[] reference = {
            0f, 0f, 1f,   // 2: same
            0f, 1f, 0f,   // 1: differs from 0
            0f, 2f, 1f};  // 1: same
        assertEquals(2.0 / 3, MetricCalculator.score(Metric.AGREEMENT, OUTPUTS, reference, null, 3), 1e-12);
        assertEquals(1.0, MetricCalculator.score(Metric.AGREEMENT, OUTPUTS, OUTPUTS, null, 3));
    }

    @Test
    void argmaxTakesTheFirstOfEqualMaxima() {
        assertEquals(1, MetricCalculator.argmax(new float[] {9f, 0f, 5f, 5f, 1f}, 1, 4), "row starting at 1: {0, 5, 5, 1}");
        assertEquals(0, MetricCalculator.argmax(new float[] {3f, 3f}, 0, 2));
    }

    @Test
    void cosineIsTheMeanOfPerSampleCosines() {
        float[] out = {1f, 0f, /* */ 1f, 1f, /* */ 3f, 4f};
        float[] ref = {0f, 1f, /* */ 2f, 2f, /* */ 4f, 3f};
        // 0, 1 and 24/25
        assertEquals((0 + 1 + 24.0 / 25) / 3, MetricCalculator.score(Metric.COSINE, out, ref, null, 2), 1e-9);
    }

    @Test
    void cosineOfZeroVectors() {
        assertEquals(1.0, MetricCalculator.score(Metric.COSINE, new float[] {0f, 0f}, new float[] {0f, 0f}, null, 2));
        assertEquals(0.0, MetricCalculator.score(Metric.COSINE, new float[] {0f, 0f}, new float[] {1f, 0f}, null, 2));
    }

    @Test
    void sqnrIsSignalOverNoiseInDecibels() {
        // signal 3^2 + 4^2 = 25, noise 0.5^2 = 0.25: ratio 100 = 20 dB
        float[] ref = {3f, 4f};
        float[] out = {3f, 4.5f};
        assertEquals(20.0, MetricCalculator.score(Metric.SQNR, out, ref, null, 2), 1e-9);
        // over all samples at once: signal 50, noise 0.25 + 0.25 -> 20 dB again
        assertEquals(20.0, MetricCalculator.score(Metric.SQNR, new float[] {3f, 4.5f, 3.5f, 4f},
                new float[] {3f, 4f, 3f, 4f}, null, 2), 1e-9);
        // 10x less noise amplitude = +20 dB
        assertEquals(40.0, MetricCalculator.score(Metric.SQNR, new float[] {3f, 4.05f}, ref, null, 2), 1e-3);
    }

    @Test
    void sqnrOfIdenticalOutputsIsCappedAt200() {
        float[] ref = {0.25f, -1f, 7f, 3f};
        assertEquals(200.0, MetricCalculator.MAX_SQNR_DB);
        assertEquals(MetricCalculator.MAX_SQNR_DB, MetricCalculator.score(Metric.SQNR, ref.clone(), ref, null, 2));
        float[] almost = ref.clone();
        almost[2] = Math.nextUp(almost[2]);
        double tiny = MetricCalculator.score(Metric.SQNR, almost, ref, null, 2);
        assertTrue(tiny > 100 && tiny <= MetricCalculator.MAX_SQNR_DB, "one ulp of noise: " + tiny);
    }

    /**
     * MAX_SQNR_DB exists "so JSON stays finite", but a reference that is all zeros (signal 0) with any noise
     * gives 10 log10(0) = -Infinity, which is not a JSON number (Jackson writes the string "-Infinity" by default).
     */
    @Test
    void sqnrStaysFiniteForAnAllZeroReference() {
        double sqnr = MetricCalculator.score(Metric.SQNR, new float[] {0.5f, 0f}, new float[] {0f, 0f}, null, 2);
        assertTrue(Double.isFinite(sqnr), "SQNR " + sqnr);
    }
}
