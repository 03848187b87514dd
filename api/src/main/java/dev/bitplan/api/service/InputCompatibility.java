package dev.bitplan.api.service;

import dev.bitplan.api.service.Views.ArrayInfo;
import dev.bitplan.api.service.problems.UnprocessableRequestException;
import dev.bitplan.contracts.report.ModelInspection.TensorSpec;
import dev.bitplan.engine.data.Dataset;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Whether a dataset can feed a model, from what was recorded at upload (names, dtypes, shapes), by the engine's
 * rules ({@link Dataset}): one array per input named like it (or {@code input} for a single input), samples of the
 * input's shape with the first axis counting samples, no floats for integer inputs. Answers 422 naming the field.
 */
public final class InputCompatibility {

    private InputCompatibility() {
    }

    public static void check(List<TensorSpec> inputs, List<ArrayInfo> arrays, String field) {
        for (TensorSpec input : inputs) {
            ArrayInfo array = find(arrays, input.name())
                    .or(() -> inputs.size() == 1 ? find(arrays, Dataset.SINGLE_INPUT_ARRAY) : Optional.empty())
                    .orElseThrow(() -> new UnprocessableRequestException(field, "the dataset has no array for model input '"
                            + input.name() + "' " + input.shape() + ": it holds " + names(arrays)
                            + "; name the array '" + input.name() + "'" + (inputs.size() == 1 ? " (or 'input')" : "")));
            List<Long> expected = input.shape().subList(Math.min(1, input.shape().size()), input.shape().size());
            List<Long> sample = array.shape().isEmpty() ? List.of() : array.shape().subList(1, array.shape().size());
            boolean fits = !array.shape().isEmpty() && sample.size() == expected.size();
            for (int d = 0; fits && d < sample.size(); d++) {
                fits = expected.get(d) < 0 || expected.get(d).equals(sample.get(d));
            }
            if (!fits) {
                throw new UnprocessableRequestException(field, "array '" + array.name() + "' has shape " + array.shape()
                        + " (samples of shape " + sample + ") but model input '" + input.name() + "' expects samples of shape "
                        + expected + " (input shape " + input.shape() + ", first axis counting samples)");
            }
            if (!floating(input.elementType()) && floating(array.dtype())) {
                throw new UnprocessableRequestException(field, "array '" + array.name() + "' holds " + array.dtype()
                        + " but model input '" + input.name() + "' takes " + input.elementType()
                        + "; save it with an integer dtype");
            }
        }
    }

    private static Optional<ArrayInfo> find(List<ArrayInfo> arrays, String name) {
        return arrays.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    private static boolean floating(String dtype) {
        return dtype.startsWith("float");
    }

    private static String names(List<ArrayInfo> arrays) {
        return arrays.stream().map(a -> "'" + a.name() + "' " + a.shape()).collect(Collectors.joining(", "));
    }
}
