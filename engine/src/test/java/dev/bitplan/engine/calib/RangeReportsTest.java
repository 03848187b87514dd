package dev.bitplan.engine.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.search.TensorRangeReport;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RangeReportsTest {

    @Test
    void aTensorWithAFewOutliersShowsWhatEachMethodClips() {
        float[] values = new float[100_000];
        Random random = new Random(3);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < 5; i++) {
            values[i * 1000] = 60f; // one hidden dimension with huge values, as in BERT's residual stream
        }
        TensorStatistics stats = new TensorStatistics();
        stats.accept(values);
        TensorRangeReport r = RangeReports.of("t", stats, 99.99);

        assertEquals(values.length, r.count());
        assertEquals(60.0, r.max(), 1e-6);
        assertEquals(RangeReports.BINS, r.histogram().size());
        assertEquals(values.length, r.histogram().stream().mapToLong(Long::longValue).sum(), "every value in some bin");
        assertEquals(5L, r.histogram().get(RangeReports.BINS - 1), "the outliers sit alone in the top bin");
        assertEquals(0.0, r.clipping().get("MINMAX").clippedShare(), "min-max clips nothing");
        TensorRangeReport.Clip p = r.clipping().get("PERCENTILE");
        assertTrue(p.max() < 60, "the 99.99th percentile cuts the outliers: " + p);
        assertTrue(p.clippedShare() >= 5.0 / values.length && p.clippedShare() < 0.001, "it clips them and little else: " + p);
    }
}
