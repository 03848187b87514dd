package dev.bitplan.engine.calib;

import dev.bitplan.engine.InvalidInputException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ActivationQuantParamsTest {

    @Test
    void handWorkedSignedRangeAt8Bits() {
        ActivationQuantParams p = ActivationQuantParams.of(new ActivationRange(-1, 3), 8);
        assertEquals(4f / 255, p.scale(), 1e-9);
        assertEquals(64, p.zeroPoint()); // rint(1 / (4/255)) = rint(63.75)
        assertEquals(255, p.qmax());
        assertEquals(0f, p.fakeQuantize(0.0));
    }

    @Test
    void fourBitsUseLevelsZeroToFifteen() {
        ActivationQuantParams p = ActivationQuantParams.of(new ActivationRange(-1, 2), 4);
        assertEquals(15, p.qmax());
        assertEquals(0.2f, p.scale(), 1e-7);
        assertEquals(5, p.zeroPoint());
        assertEquals(0, p.quantize(-100));
        assertEquals(15, p.quantize(100));
        assertEquals(-1f, p.dequantize(0), 1e-6);
        assertEquals(2f, p.dequantize(15), 1e-6);
    }

    @Test
    void zeroIsExactlyRepresentableForAnyRange() {
        double[][] ranges = {{-1, 3}, {-0.37, 5.11}, {-7.3, 0.01}, {-1e-3, 123.456}, {0, 6}, {-2, 0}};
        for (double[] r : ranges) {
            for (int bits : new int[] {4, 8}) {
                ActivationQuantParams p = ActivationQuantParams.of(new ActivationRange(r[0], r[1]), bits);
                assertEquals(0f, p.dequantize(p.quantize(0.0)), "range " + r[0] + ".." + r[1] + " @" + bits);
                assertEquals(p.zeroPoint(), p.quantize(0.0));
            }
        }
    }

    @Test
    void allPositiveRangeIsWidenedToIncludeZero() {
        ActivationQuantParams p = ActivationQuantParams.of(new ActivationRange(2, 6), 8);
        assertEquals(0, p.zeroPoint());
        assertEquals(6f / 255, p.scale(), 1e-9);
        assertEquals(new ActivationRange(0, 6), new ActivationRange(2, 6).includingZero());
        assertEquals(new ActivationRange(-4, 0), new ActivationRange(-4, -1).includingZero());
    }

    @Test
    void allNegativeRangePutsZeroAtTheTop() {
        ActivationQuantParams p = ActivationQuantParams.of(new ActivationRange(-3, -1), 8);
        assertEquals(255, p.zeroPoint());
        assertEquals(0f, p.fakeQuantize(0));
    }

    @Test
    void degenerateZeroRangeGetsUnitScaleAndZeroPointZero() {
        ActivationQuantParams p = ActivationQuantParams.of(ActivationRange.ZERO, 8);
        assertEquals(1f, p.scale());
        assertEquals(0, p.zeroPoint());
        assertEquals(0f, p.fakeQuantize(0));
    }

    @Test
    void zeroPointRoundsHalfToEven() {
        // -min/scale = 2.5 exactly: [-2.5, 12.5] over 15 levels has scale 1.
        assertEquals(2, ActivationQuantParams.of(new ActivationRange(-2.5, 12.5), 4).zeroPoint());
        assertEquals(4, ActivationQuantParams.of(new ActivationRange(-3.5, 11.5), 4).zeroPoint());
    }

    @Test
    void rejectsBadBitsAndRanges() {
        assertThrows(InvalidInputException.class, () -> ActivationQuantParams.of(ActivationRange.ZERO, 0));
        assertThrows(InvalidInputException.class, () -> ActivationQuantParams.of(ActivationRange.ZERO, 17));
        assertThrows(IllegalArgumentException.class, () -> new ActivationRange(1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ActivationRange(Double.NaN, 0));
    }
}
