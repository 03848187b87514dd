package dev.bitplan.engine.qdq;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The integer type 8-bit weights are written in (the {@code --weight-storage} option). Both encode the same values
 * (q in [-127, 127]): dequantization gives identical floats; they differ in which integer kernels ONNX Runtime picks.
 */
public enum WeightDataType {
    /** int8 with zero point 0: the natural form; exact where ORT has VNNI or ARM dot-product kernels. */
    INT8,
    /**
     * uint8 holding q + 128 with zero point 128. On x86 CPUs with AVX2 but no VNNI, ORT's u8s8 kernels add
     * pairs of u8 x s8 products in 16 bits and saturate (e.g. a white MNIST pixel, 255, times a weight of
     * 127, twice); its u8u8 kernels do not. Measured here: a ResNet-8 stem fell from 40.7 to 10.4 dB SQNR
     * with int8 weights and stayed at 40.7 dB with this form.
     */
    UINT8_SHIFTED;

    public static WeightDataType parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "int8" -> INT8;
            case "uint8" -> UINT8_SHIFTED;
            case "auto" -> forHost();
            default -> throw new IllegalArgumentException("unknown weight storage '" + s + "'; use auto, int8 or uint8");
        };
    }

    /** UINT8_SHIFTED on x86 without VNNI (where int8 would saturate), INT8 elsewhere. */
    public static WeightDataType forHost() {
        String arch = System.getProperty("os.arch", "");
        if (!(arch.equals("amd64") || arch.equals("x86_64"))) {
            return INT8;
        }
        try {
            String cpu = Files.readString(Path.of("/proc/cpuinfo"));
            return cpu.contains("avx512_vnni") || cpu.contains("avx_vnni") ? INT8 : UINT8_SHIFTED;
        } catch (IOException | RuntimeException e) {
            return UINT8_SHIFTED; // unknown x86: the form that is exact on every x86 CPU
        }
    }
}
