package dev.bitplan.cli;

import dev.bitplan.engine.InvalidInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bitplan} command. Errors a user can fix print one line and exit 2; bugs keep their stack trace. */
@Command(name = "bitplan", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "bitplan 0.1.0",
        description = "Mixed-precision quantization search for ONNX models.",
        subcommands = {InspectCommand.class, EvaluateCommand.class, CompareCommand.class, SearchCommand.class, UpCommand.class, SubmitCommand.class,
                StatusCommand.class, FetchCommand.class, BenchCommand.class})
public final class BitPlanCli {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The command line with its error handling: user errors print one line (exit 2, or the failure's own code). */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new BitPlanCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof CommandFailure f) {
                cmd.getErr().println("error: " + f.getMessage());
                return f.exitCode();
            }
            if (e instanceof InvalidInputException || e instanceof IllegalArgumentException) {
                cmd.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
    }
}
