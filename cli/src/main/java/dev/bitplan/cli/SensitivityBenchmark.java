package dev.bitplan.cli;

import dev.bitplan.contracts.search.LayerSensitivity;
import dev.bitplan.contracts.search.OptionSensitivity;
import dev.bitplan.contracts.search.SearchBudgets;
import dev.bitplan.contracts.search.SearchSpace;
import dev.bitplan.contracts.search.SensitivityDepth;
import dev.bitplan.engine.sensitivity.DivergenceFit;
import dev.bitplan.engine.sensitivity.SensitivityAnalyzer;
import dev.bitplan.search.SearchRequest;
import dev.bitplan.search.SearchSession;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bitplan bench sensitivity}: what sensitivity analysis costs at each depth on one model (layers, whole-model
 * passes, seconds per stage), and, with both depths, how well fast depth ranks the options that full depth measures.
 */
@Command(name = "sensitivity", description = "Sensitivity analysis at fast and full depth on one model: whole-model passes and seconds per "
        + "stage, and how well the fast ranking agrees with full measurements; recorded in docs/BENCHMARKS.md.")
final class SensitivityBenchmark implements Callable<Integer> {

    @Mixin
    EngineOptions engine;

    @Option(names = "--sensitivity-samples", defaultValue = "256", description = "samples for sensitivity (default 256)")
    int sensitivitySamples;

    @Option(names = "--depths", split = ",", defaultValue = "fast,full", converter = SearchFlags.DepthConverter.class,
            description = "depths to run (default fast,full)")
    List<SensitivityDepth> depths;

    @Option(names = "--out", defaultValue = "docs/BENCHMARKS.md", description = "file to record the figures in")
    Path out;

    @Override
    public Integer call() {
        ProgressPrinter progress = new ProgressPrinter(System.err);
        Map<SensitivityDepth, SearchSession.SensitivityRun> runs = new LinkedHashMap<>();
        for (SensitivityDepth depth : depths) {
            SearchRequest request = new SearchRequest(engine.model, engine.data, engine.calibrationData, engine.quant.calibrationSamples,
                    sensitivitySamples, engine.quant.metric == null ? null : dev.bitplan.contracts.plan.Metric.parse(engine.quant.metric),
                    engine.quantizationOptions(), SearchSpace.defaults(), SearchBudgets.none(), 8, engine.quant.seed, 30, 0, depth);
            runs.put(depth, new SearchSession(request, engine.runtimeOptions(), progress).sensitivity(depth));
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "## Sensitivity cost: %s%n%n", engine.model.getFileName()));
        sb.append(String.format(Locale.ROOT, "`./bitplan bench sensitivity %s` on %s, %d cores; %d sensitivity samples; default search "
                + "space (weights 4 or 8 bits).%n%n", engine.flags(), LocalDate.now(), Runtime.getRuntime().availableProcessors(),
                sensitivitySamples));
        sb.append("| depth | layers | probed alone | on the model | every option on the model | model passes | pairs | probe s | layers s "
                + "| pairs s | total s |\n").append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        runs.forEach((depth, run) -> {
            SensitivityAnalyzer.Cost c = run.cost();
            sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d | %.1f | %.1f | %.1f | %.1f |%n", depth.id(), c.layers(),
                    c.probedLayers(), c.layersOnModel(), c.layersFully(), c.modelPasses(), c.pairs(), c.probeMillis() / 1000.0, c.layersMillis() / 1000.0,
                    c.pairsMillis() / 1000.0, (c.probeMillis() + c.layersMillis() + c.pairsMillis()) / 1000.0));
        });
        if (runs.containsKey(SensitivityDepth.FAST) && runs.containsKey(SensitivityDepth.FULL)) {
            sb.append('\n').append(agreement(runs.get(SensitivityDepth.FAST).layers(), runs.get(SensitivityDepth.FULL).layers()));
        }
        System.out.println(sb);
        BenchmarksFile.writeSection(out, "sensitivity:" + engine.model.getFileName(), sb.toString());
        System.err.println("recorded in " + out);
        return 0;
    }

    /**
     * How fast depth's divergences rank against full depth's: Spearman over every quantized option, over the predicted
     * ones alone, and how many of full depth's most sensitive layers fast depth measured at every option.
     */
    static String agreement(List<LayerSensitivity> fast, List<LayerSensitivity> full) {
        List<double[]> all = new ArrayList<>();
        List<double[]> predicted = new ArrayList<>();
        Set<String> fastOnModel = new HashSet<>();
        for (int i = 0; i < fast.size(); i++) {
            LayerSensitivity f = fast.get(i);
            if (f.options().stream().noneMatch(OptionSensitivity::predicted)) {
                fastOnModel.add(f.layer());
            }
            for (OptionSensitivity o : f.options()) {
                if (!o.choice().isFloat()) {
                    double[] pair = {o.divergence(), full.get(i).option(o.label()).divergence()};
                    all.add(pair);
                    if (o.predicted()) {
                        predicted.add(pair);
                    }
                }
            }
        }
        List<LayerSensitivity> byFull = new ArrayList<>(full);
        byFull.sort(Comparator.comparingDouble(SensitivityBenchmark::worst).reversed());
        int k = fastOnModel.size();
        long hits = byFull.subList(0, k).stream().filter(l -> fastOnModel.contains(l.layer())).count();
        return String.format(Locale.ROOT, "Fast against full: Spearman rank correlation of the option divergences %.3f over all %d "
                        + "quantized options, %.3f over the %d predicted ones; of full depth's %d most sensitive layers, fast depth "
                        + "measured every option of %d on the model.%n", rank(all), all.size(), rank(predicted), predicted.size(), k, hits);
    }

    private static double worst(LayerSensitivity l) {
        return l.options().stream().mapToDouble(OptionSensitivity::divergence).max().orElse(0);
    }

    private static double rank(List<double[]> pairs) {
        return DivergenceFit.rankCorrelation(pairs.stream().mapToDouble(p -> p[0]).toArray(), pairs.stream().mapToDouble(p -> p[1]).toArray());
    }
}
