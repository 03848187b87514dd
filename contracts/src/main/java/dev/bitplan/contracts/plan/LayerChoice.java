package dev.bitplan.contracts.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The option picked for one layer: weight bits, activation (input) bits, fusion mode and, optionally, how its input
 * is quantized; or float. In JSON: {@code {"weightBits":4,"activationBits":8,"fusion":"FUSED"}},
 * {@code {"weightBits":8,"activation":"DYNAMIC"}} or {@code {"float":true}}.
 *
 * @param activation {@code STATIC}, {@code DYNAMIC} or {@code WEIGHT_ONLY} for this layer; null (and {@code AUTO})
 *                   means the job's activation mode ({@link QuantizationOptions#activationMode()})
 * @param blockSize  this layer's 4-bit weights block-wise with blocks of 32 or 128 (weight-only, ONNX Runtime's
 *                   MatMulNBits), or 0 for per-channel / per-tensor scales even where the job asks for blocks; null
 *                   means the job's granularity ({@link QuantizationOptions#weightBlockSize()}). In JSON
 *                   {@code {"weightBits":4,"blockSize":32}}.
 * @param smoothed   whether this MatMul layer reads its LayerNorm's SmoothQuant-smoothed output (the LayerNorm's
 *                   per-channel outliers moved into this layer's weight rows) or the output as it is; null means the
 *                   job's setting (smoothed wherever {@link QuantizationOptions#smoothQuant()} is on). Only layers that
 *                   read a LayerNorm SmoothQuant can fold into, and quantize their input, are smoothed. In JSON
 *                   {@code {"weightBits":8,"smoothed":true}}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LayerChoice(Integer weightBits, Integer activationBits, FusionMode fusion,
                          @JsonProperty("float") Boolean floatLayer, ActivationMode activation, Integer blockSize,
                          Boolean smoothed) {

    public static final LayerChoice FLOAT = new LayerChoice(null, null, null, true);

    public LayerChoice(Integer weightBits, Integer activationBits, FusionMode fusion, Boolean floatLayer) {
        this(weightBits, activationBits, fusion, floatLayer, null, null, null);
    }

    public LayerChoice(Integer weightBits, Integer activationBits, FusionMode fusion, Boolean floatLayer, ActivationMode activation) {
        this(weightBits, activationBits, fusion, floatLayer, activation, null, null);
    }

    public LayerChoice(Integer weightBits, Integer activationBits, FusionMode fusion, Boolean floatLayer, ActivationMode activation,
                       Integer blockSize) {
        this(weightBits, activationBits, fusion, floatLayer, activation, blockSize, null);
    }

    public LayerChoice {
        boolean isFloat = Boolean.TRUE.equals(floatLayer);
        if (isFloat) {
            if (weightBits != null || activationBits != null) {
                throw new IllegalArgumentException("a float layer has no weightBits / activationBits");
            }
            if (activation != null && activation != ActivationMode.AUTO) {
                throw new IllegalArgumentException("a float layer has no activation mode");
            }
            if (blockSize != null && blockSize != 0) {
                throw new IllegalArgumentException("a float layer has no blockSize");
            }
            if (Boolean.TRUE.equals(smoothed)) {
                throw new IllegalArgumentException("a float layer is not smoothed: SmoothQuant eases the quantization of a layer's input");
            }
            floatLayer = true;
            fusion = null;
            activation = null;
            blockSize = null;
            smoothed = null;
        } else {
            if (weightBits == null) {
                throw new IllegalArgumentException("weightBits is required unless the layer is float");
            }
            checkBits("weightBits", weightBits);
            activationBits = activationBits == null ? 8 : activationBits;
            checkBits("activationBits", activationBits);
            fusion = fusion == null ? FusionMode.FUSED : fusion;
            floatLayer = null;
            activation = activation == ActivationMode.AUTO ? null : activation;
            if (activation == ActivationMode.DYNAMIC && activationBits != 8) {
                throw new IllegalArgumentException("dynamic activations are 8-bit (DynamicQuantizeLinear), got activationBits "
                        + activationBits);
            }
            if (blockSize != null && blockSize != 0) {
                if (!QuantizationOptions.BLOCK_SIZES.contains(blockSize)) {
                    throw new IllegalArgumentException("blockSize must be 32 or 128 (or 0: no blocks), got " + blockSize);
                }
                if (weightBits != 4) {
                    throw new IllegalArgumentException("block-wise weights are 4-bit (ONNX Runtime's MatMulNBits), got weightBits "
                            + weightBits + " with blockSize " + blockSize);
                }
                if (activation != null && activation != ActivationMode.WEIGHT_ONLY) {
                    throw new IllegalArgumentException("a block-wise layer is weight-only (MatMulNBits reads float inputs), got activation "
                            + activation);
                }
            }
            boolean weightOnly = activation == ActivationMode.WEIGHT_ONLY || (blockSize != null && blockSize != 0);
            if (Boolean.TRUE.equals(smoothed) && weightOnly) {
                throw new IllegalArgumentException("a weight-only layer is not smoothed: SmoothQuant eases the quantization of a "
                        + "layer's input, and this layer's input stays float");
            }
        }
    }

    public static LayerChoice of(int weightBits, int activationBits) {
        return new LayerChoice(weightBits, activationBits, FusionMode.FUSED, null);
    }

    public static LayerChoice of(int weightBits, int activationBits, FusionMode fusion) {
        return new LayerChoice(weightBits, activationBits, fusion, null);
    }

    /** This choice with its input quantized as {@code mode} (null: as the job says). */
    public LayerChoice withActivation(ActivationMode mode) {
        return new LayerChoice(weightBits, activationBits, fusion, floatLayer, mode, blockSize, smoothed);
    }

    /** This choice with its weights in blocks of {@code size} (0: never block-wise; null: as the job says). */
    public LayerChoice withBlockSize(Integer size) {
        return new LayerChoice(weightBits, activationBits, fusion, floatLayer, activation, size, smoothed);
    }

    /** This choice reading its LayerNorm's smoothed output (true), the output as it is (false), or as the job says (null). */
    public LayerChoice withSmoothed(Boolean value) {
        return new LayerChoice(weightBits, activationBits, fusion, floatLayer, activation, blockSize, value);
    }

    /** Whether this layer is smoothed under a job whose default is {@code jobSmooths} (not yet whether it can be). */
    public boolean smoothedUnder(boolean jobSmooths) {
        return smoothed != null ? smoothed : jobSmooths;
    }

    /** The block size this layer's weights take under a job whose default is {@code jobBlockSize} (0: not block-wise). */
    public int blockSizeUnder(int jobBlockSize) {
        return blockSize != null ? blockSize : jobBlockSize;
    }

    private static void checkBits(String field, int bits) {
        if (bits != 4 && bits != 8) {
            throw new IllegalArgumentException(field + " must be 4 or 8, got " + bits);
        }
    }

    @JsonIgnore
    public boolean isFloat() {
        return floatLayer != null && floatLayer;
    }

    /**
     * A short label such as {@code w4a8} or {@code float}, with the fusion mode when it is not the default and the
     * activation mode when the layer sets one ({@code w8a8-dynamic}, {@code w8-weight-only}), and {@code -smooth} or
     * {@code -no-smooth} when it sets SmoothQuant.
     */
    @JsonIgnore
    public String label() {
        if (isFloat()) {
            return "float";
        }
        boolean blocks = blockSize != null && blockSize > 0; // block-wise layers are weight-only, whatever activation says
        String base = activation == ActivationMode.WEIGHT_ONLY || blocks ? "w" + weightBits : "w" + weightBits + "a" + activationBits;
        if (fusion != FusionMode.FUSED) {
            base += "-" + fusion.name().toLowerCase();
        }
        if (blocks) {
            return base + "-block" + blockSize;
        }
        String withMode = activation == null ? base : base + "-" + activation.name().toLowerCase().replace('_', '-');
        String withBlocks = blockSize == null ? withMode : withMode + "-no-blocks";
        return smoothed == null ? withBlocks : withBlocks + (smoothed ? "-smooth" : "-no-smooth");
    }
}
