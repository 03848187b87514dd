package dev.bitplan.cli;

import picocli.CommandLine.Command;

/** {@code bitplan bench}: benchmarks that print figures and record them in docs/BENCHMARKS.md. */
@Command(name = "bench", description = "Run a benchmark, print its figures and record them in docs/BENCHMARKS.md.",
        subcommands = {EngineBenchmark.class, PtqBenchmark.class, EncoderBenchmark.class, ExportBenchmark.class, SearchBenchmark.class, SensitivityBenchmark.class, SyntheticMlpCommand.class, SolverBenchmark.class, JobsBenchmark.class})
final class BenchCommand {
}
