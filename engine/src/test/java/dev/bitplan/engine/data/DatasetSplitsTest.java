package dev.bitplan.engine.data;

import static dev.bitplan.engine.data.TestFiles.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.engine.InvalidInputException.Problem;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Splits are a pure function of (sample count, seed, sizes), disjoint where promised, and sized as asked. */
class DatasetSplitsTest {

    private static Set<Integer> set(int[] indices) {
        return Arrays.stream(indices).boxed().collect(Collectors.toSet());
    }

    private static boolean disjoint(int[] a, int[] b) {
        Set<Integer> s = set(a);
        return Arrays.stream(b).noneMatch(s::contains);
    }

    @Test
    void sizesAreAsAskedAndSetsDisjoint() {
        DatasetSplits s = DatasetSplits.of(2000, 7, new SplitSizes(256, 128, 500, 300));
        assertEquals(256, s.calibration().length);
        assertEquals(128, s.sensitivity().length);
        assertEquals(500, s.validation().length);
        assertEquals(300, s.training().length);
        int[][] all = {s.calibration(), s.sensitivity(), s.validation(), s.training()};
        for (int i = 0; i < all.length; i++) {
            assertEquals(all[i].length, set(all[i]).size(), "no index twice within a split");
            assertTrue(Arrays.stream(all[i]).allMatch(x -> x >= 0 && x < 2000));
            for (int j = i + 1; j < all.length; j++) {
                assertTrue(disjoint(all[i], all[j]), "splits " + i + " and " + j + " overlap");
            }
        }
    }

    @Test
    void sameSeedSameSplitsDifferentSeedDifferentSplits() {
        SplitSizes sizes = SplitSizes.restForValidation(100, 50, 0);
        DatasetSplits a = DatasetSplits.of(1000, 42, sizes);
        DatasetSplits b = DatasetSplits.of(1000, 42, sizes);
        DatasetSplits c = DatasetSplits.of(1000, 43, sizes);
        assertArrayEquals(a.calibration(), b.calibration());
        assertArrayEquals(a.sensitivity(), b.sensitivity());
        assertArrayEquals(a.validation(), b.validation());
        assertFalse(Arrays.equals(a.calibration(), c.calibration()));
        assertFalse(Arrays.equals(a.validation(), c.validation()));
    }

    @Test
    void splitsNeverChangeForAGivenSeed() {
        // pinned output, cross-checked against an independent Python rendering of java.util.Random's
        // specified algorithm (shuffled order [4, 6, 2, 1, 7, 9, 8, 5, 3, 0]): must hold on every JVM, forever
        DatasetSplits s = DatasetSplits.of(10, 42, new SplitSizes(3, 2, 4, 1));
        assertEquals("[2, 4, 6]", Arrays.toString(s.calibration()));
        assertEquals("[1, 7]", Arrays.toString(s.sensitivity()));
        assertEquals("[3, 5, 8, 9]", Arrays.toString(s.validation()));
        assertEquals("[0]", Arrays.toString(s.training()));
    }

    @Test
    void restGivesValidationEverythingLeft() {
        DatasetSplits s = DatasetSplits.of(100, 1, SplitSizes.restForValidation(10, 20, 30));
        assertEquals(40, s.validation().length);
        Set<Integer> union = new HashSet<>();
        for (int[] split : new int[][] {s.calibration(), s.sensitivity(), s.validation(), s.training()}) {
            union.addAll(set(split));
        }
        assertEquals(100, union.size());
    }

    @Test
    void shortOfSamplesTrainingReusesCalibrationButNeverValidation() {
        DatasetSplits s = DatasetSplits.of(100, 5, new SplitSizes(20, 10, 30, 60));
        assertEquals(60, s.training().length);
        assertEquals(60, set(s.training()).size());
        assertTrue(disjoint(s.training(), s.validation()));
        assertTrue(set(s.training()).containsAll(set(s.calibration())), "after the 40 unused, calibration is reused");
    }

    @Test
    void tooFewSamplesIsABadRequest() {
        assertRefused(Problem.BAD_REQUEST, () -> DatasetSplits.of(100, 1, new SplitSizes(60, 30, 20, 0)),
                "100 samples", "60 calibration", "30 sensitivity", "20 validation");
        assertRefused(Problem.BAD_REQUEST, () -> DatasetSplits.of(100, 1, SplitSizes.restForValidation(60, 40, 0)),
                "at least 1 left for validation");
        assertRefused(Problem.BAD_REQUEST, () -> DatasetSplits.of(100, 1, new SplitSizes(10, 10, 50, 51)),
                "51 training");
        assertRefused(Problem.BAD_REQUEST, () -> new SplitSizes(-5, 0, 0, 0), "calibration", "-5");
    }
}
