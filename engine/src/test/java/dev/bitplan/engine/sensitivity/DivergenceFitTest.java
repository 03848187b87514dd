package dev.bitplan.engine.sensitivity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class DivergenceFitTest {

    @Test
    void recoversTheExponentOfAPowerLaw() {
        // divergence ratio = error ratio^2, as KL of softmax outputs behaves for small logit errors
        List<double[]> ratios = List.of(new double[] {0.1, 0.01}, new double[] {0.01, 1e-4}, new double[] {0.5, 0.25});
        DivergenceFit fit = DivergenceFit.of(ratios);
        assertEquals(2, fit.exponent(), 1e-9);
        assertEquals(3, fit.points());
        assertEquals(0.3 * 0.0025, fit.predict(0.3, 0.2, 0.01), 1e-12, "the measured option's divergence scaled by (0.01 / 0.2)^2");
        assertEquals(0, fit.predict(0.3, 0.2, 0), "an option that does not err costs nothing");
        assertEquals(0, fit.predict(0, 0.2, 0.1), "nor does one of a layer whose coarsest option costs nothing");
    }

    @Test
    void withNothingToFitTheExponentIsOne() {
        DivergenceFit none = DivergenceFit.of(List.of(new double[] {0, 0.1}, new double[] {0.1, 0}, new double[] {1, 1}));
        assertEquals(0, none.points(), "non-positive ratios and the reference itself are left out");
        assertEquals(1, none.exponent());
        assertEquals(0.05, none.predict(0.1, 0.2, 0.1), 1e-12);
    }

    @Test
    void slopesAreHeldToAPlausibleRange() {
        assertEquals(4, DivergenceFit.of(List.<double[]>of(new double[] {0.5, 1e-9})).exponent());
        assertEquals(0.25, DivergenceFit.of(List.<double[]>of(new double[] {0.001, 0.9})).exponent());
    }

    @Test
    void rankCorrelation() {
        assertEquals(1, DivergenceFit.rankCorrelation(new double[] {1, 2, 3, 4}, new double[] {10, 20, 30, 400}), 1e-12);
        assertEquals(-1, DivergenceFit.rankCorrelation(new double[] {1, 2, 3, 4}, new double[] {4, 3, 2, 1}), 1e-12);
        assertEquals(0.8, DivergenceFit.rankCorrelation(new double[] {1, 2, 3, 4}, new double[] {1, 3, 2, 4}), 1e-12);
        assertEquals(1, DivergenceFit.rankCorrelation(new double[] {1, 1, 2}, new double[] {5, 5, 7}), 1e-12, "ties share a rank");
    }
}
