package dev.bitplan.engine.data;

import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.InvalidInputException.Problem;

/**
 * How many samples each split of a dataset gets. {@code validation} may be {@link #REST}: every
 * sample not taken by calibration, sensitivity or training.
 */
public record SplitSizes(int calibration, int sensitivity, int validation, int training) {

    /** Validation size meaning "all remaining samples". */
    public static final int REST = -1;

    public SplitSizes {
        requireCount("calibration", calibration);
        requireCount("sensitivity", sensitivity);
        requireCount("training", training);
        if (validation != REST) {
            requireCount("validation", validation);
        }
    }

    /** Fixed calibration, sensitivity and training sizes; validation gets the rest. */
    public static SplitSizes restForValidation(int calibration, int sensitivity, int training) {
        return new SplitSizes(calibration, sensitivity, REST, training);
    }

    public boolean validationIsRest() {
        return validation == REST;
    }

    private static void requireCount(String split, int count) {
        if (count < 0) {
            throw new InvalidInputException(Problem.BAD_REQUEST, "the " + split + " split size must be 0 or more, got "
                    + count);
        }
    }
}
