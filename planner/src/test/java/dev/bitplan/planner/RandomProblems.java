package dev.bitplan.planner;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded random problems shaped like real models: per layer 8-bit and 4-bit weights, sometimes an
 * unfused 8-bit variant and a float option; 4-bit halves the bytes and costs 4-30x the 8-bit
 * sensitivity, float quadruples them and costs almost nothing. All costs are positive.
 */
public final class RandomProblems {

    private RandomProblems() {
    }

    /** Layers only, no budget. */
    public static List<PlanLayer> layers(int count, long seed) {
        Random r = new Random(seed);
        List<PlanLayer> layers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long params = (long) Math.exp(Math.log(1_000) + r.nextDouble() * Math.log(2_000)); // 1k .. 2M
            long macs = params * (1 + r.nextInt(196));
            long channels = 16 + r.nextInt(496);
            double sensitivity = Math.exp(Math.log(1e-4) + r.nextDouble() * Math.log(1e3)); // 1e-4 .. 1e-1
            double ms = macs / 2e9 * (0.8 + 0.4 * r.nextDouble());
            List<PlanOption> options = new ArrayList<>();
            long w8 = params + 4 * channels;
            long w4 = (params + 1) / 2 + 4 * channels;
            double c8 = sensitivity * (0.5 + r.nextDouble());
            options.add(new PlanOption("w8a8", w8, ms, macs * 64, c8));
            options.add(new PlanOption("w4a8", w4, ms * 0.9, macs * 32, c8 * (4 + 26 * r.nextDouble())));
            if (r.nextDouble() < 0.4) {
                options.add(new PlanOption("w8a8-unfused", w8 + 4 * channels, ms * 1.3, macs * 64, c8 * 0.8));
            }
            if (r.nextDouble() < 0.6) {
                options.add(new PlanOption("float", 4 * params, ms * 2.5, macs * 1024, c8 * 0.02));
            }
            layers.add(new PlanLayer("layer" + i, options));
        }
        return layers;
    }

    /** Size budget halfway between the all-smallest and the all-largest plan. */
    public static PlanProblem halfwaySize(int count, long seed) {
        List<PlanLayer> layers = layers(count, seed);
        long min = 0;
        long max = 0;
        for (PlanLayer l : layers) {
            min += l.options().stream().mapToLong(PlanOption::sizeBytes).min().orElseThrow();
            max += l.options().stream().mapToLong(PlanOption::sizeBytes).max().orElseThrow();
        }
        return new PlanProblem(layers, Budgets.size(min + (max - min) / 2));
    }

    /**
     * A small problem for brute force: {@code count} layers with three options each (w8a8, w4a8,
     * float) and a random size budget between the all-smallest and the all-largest plan.
     */
    public static PlanProblem small(int count, Random r) {
        List<PlanLayer> layers = new ArrayList<>();
        long min = 0;
        long max = 0;
        for (int i = 0; i < count; i++) {
            long params = 100 + r.nextInt(5_000);
            double c8 = 0.001 + 0.05 * r.nextDouble();
            double ms = 0.01 + r.nextDouble();
            long macs = params * (1 + r.nextInt(50));
            layers.add(new PlanLayer("l" + i, List.of(
                    new PlanOption("w8a8", params, ms, macs * 64, c8),
                    new PlanOption("w4a8", (params + 1) / 2, ms * 0.9, macs * 32, c8 * (2 + 20 * r.nextDouble())),
                    new PlanOption("float", 4 * params, ms * 2.5, macs * 1024, c8 * 0.05 * r.nextDouble()))));
            min += (params + 1) / 2;
            max += 4 * params;
        }
        return new PlanProblem(layers, Budgets.size(min + (long) (r.nextDouble() * (max - min))));
    }
}
