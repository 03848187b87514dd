package dev.bitplan.cli;

import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --method} and the QAT flags of {@code evaluate} and {@code search}. */
final class QatFlags {

    @Option(names = "--method", defaultValue = "ptq", description = "ptq (default), or qat: PTQ, then a short quantization-aware "
            + "training distilled from the FP32 model on --train-data, scored the same way")
    String method;

    @Option(names = "--train-data", description = "NPZ the QAT fine-tuning reads (labels not needed); required with --method qat")
    Path trainData;

    @Option(names = "--qat-epochs", description = "QAT budget in epochs over --train-data (evaluate's default: 1)")
    Double qatEpochs;

    @Option(names = "--qat-steps", description = "QAT budget in optimizer steps instead of epochs (search's default: 100 per candidate)")
    Integer qatSteps;

    @Option(names = "--qat-learn-ranges", description = "learn the scales of static 8-bit activations while training (LSQ) and "
            + "score and export the tuned model with them, instead of calibrating it again; dynamic and 4-bit activations keep theirs")
    boolean learnRanges;

    /** Whether QAT runs; a bad --method or a missing --train-data fails here, before any work. */
    boolean qat() {
        return switch (method.trim().toLowerCase(Locale.ROOT)) {
            case "ptq" -> {
                if (learnRanges) {
                    throw new CommandFailure("--qat-learn-ranges is a QAT option; add --method qat --train-data T.npz", 2);
                }
                yield false;
            }
            case "qat" -> {
                if (trainData == null) {
                    throw new CommandFailure("--method qat needs --train-data: the NPZ the short fine-tuning reads (labels not needed)", 2);
                }
                if (qatSteps != null && qatEpochs != null) {
                    throw new CommandFailure("give --qat-steps or --qat-epochs, not both", 2);
                }
                yield true;
            }
            default -> throw new CommandFailure("unknown --method '" + method + "'; use ptq or qat", 2);
        };
    }
}
