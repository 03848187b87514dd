package dev.bitplan.cli;

import dev.bitplan.contracts.job.JobSpec;
import dev.bitplan.contracts.job.Method;
import dev.bitplan.contracts.search.SearchBudgets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The jobs of {@code bitplan bench jobs}: the MNIST and Fashion-MNIST fixtures in turn, two tenants in turn, a size
 * budget from {@link #SIZE_RATIOS} and a seed of its own each, so no job is a copy of another.
 */
final class LoadMix {

    /** A model with its evaluation and calibration data. */
    record Fixture(String name, Path model, Path data, Path calibration) {
    }

    /** One job to submit. */
    record Workload(int index, String tenant, Fixture fixture, JobSpec spec) {
    }

    static final double[] SIZE_RATIOS = {0.3, 0.4, 0.5, 0.6, 0.75};

    private LoadMix() {
    }

    /**
     * The fixtures of a repository: MNIST from its samples, Fashion-MNIST from the shared fixtures beside it when
     * present (the bench then says it ran MNIST only).
     */
    static List<Fixture> fixtures(Path repo, Path sharedFixtures) {
        List<Fixture> out = new ArrayList<>();
        Path mnist = repo.resolve("samples/mnist");
        out.add(new Fixture("mnist", mnist.resolve("resnet8_bn.onnx"), mnist.resolve("mnist_test.npz"), mnist.resolve("mnist_calib.npz")));
        Path fashion = sharedFixtures.resolve("fashion");
        if (Files.isRegularFile(fashion.resolve("resnet8_fmnist.onnx"))) {
            out.add(new Fixture("fashion", fashion.resolve("resnet8_fmnist.onnx"), fashion.resolve("fmnist_test.npz"),
                    fashion.resolve("fmnist_calib.npz")));
        }
        for (Fixture f : out) {
            for (Path p : List.of(f.model(), f.data(), f.calibration())) {
                if (!Files.isRegularFile(p)) {
                    throw new CommandFailure("the " + f.name() + " fixture file " + p + " is missing", 1);
                }
            }
        }
        return out;
    }

    /** {@code jobs} workloads: job i takes fixture i mod F, tenant i mod T, budget i mod 5 and seed i. */
    static List<Workload> of(int jobs, List<Fixture> fixtures, List<String> tenants) {
        List<Workload> out = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            double ratio = SIZE_RATIOS[i % SIZE_RATIOS.length];
            // small but real: a whole search with 4 candidates, each scored on the fixture's whole test set
            JobSpec spec = new JobSpec(Method.PTQ, null, new SearchBudgets(null, ratio, null, null, null, null), null, null,
                    4, (long) i, 256, 128, 10, null);
            out.add(new Workload(i, tenants.get(i % tenants.size()), fixtures.get(i % fixtures.size()), spec));
        }
        return out;
    }
}
