package dev.bitplan.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The values of {@code --weight-granularity}: how many weights share a scale. A block size maps to
 * {@code QuantizationOptions.weightBlockSize}; layers that cannot be block-wise keep per-channel scales.
 */
enum WeightGranularity {
    PER_CHANNEL("per-channel", 0),
    PER_TENSOR("per-tensor", 0),
    BLOCK_32("block-32", 32),
    BLOCK_128("block-128", 128);

    private final String flag;
    private final int blockSize;

    WeightGranularity(String flag, int blockSize) {
        this.flag = flag;
        this.blockSize = blockSize;
    }

    int blockSize() {
        return blockSize;
    }

    String flag() {
        return flag;
    }

    static WeightGranularity parse(String s) {
        String wanted = s.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(g -> g.flag.equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--weight-granularity must be "
                        + Arrays.stream(values()).map(g -> g.flag).collect(Collectors.joining(", ")) + ", got '" + s + "'"));
    }
}
