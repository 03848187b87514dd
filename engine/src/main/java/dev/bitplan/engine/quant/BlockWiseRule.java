package dev.bitplan.engine.quant;

import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.layers.LayerKind;
import java.util.Optional;

/**
 * Which layers take block-wise weights when the options ask for them, and why the others keep per-channel (or per-tensor)
 * scales. Block-wise weights exist to be run by ONNX Runtime's MatMulNBits, which its optimizer makes of
 * {@code DequantizeLinear(int4 constant [K, N], axis 0, block_size) -> MatMul}; so only a 4-bit MatMul with a 2-D weight
 * whose K is a multiple of the block size qualifies (no padding: ORT would pad K, but a padded block is not what the
 * file says), and only from opset 21, where DequantizeLinear has {@code block_size}.
 */
public final class BlockWiseRule {

    /** The axis blocked in a MatMul weight [K, N]: K, its input rows (what MatMulNBits reads). */
    public static final int BLOCKED_AXIS = 0;
    /** The axis blocked in an embedding table [V, H]: H, along each row (what GatherBlockQuantized reads). */
    public static final int GATHER_BLOCKED_AXIS = 1;

    private BlockWiseRule() {
    }

    /** Whether this layer at these weight bits is quantized block-wise under {@code blockSize} (0: block-wise is off). */
    public static boolean applies(Layer layer, int bits, int blockSize, int opset) {
        return blockSize > 0 && fallbackReason(layer, bits, blockSize, opset).isEmpty();
    }

    /**
     * Why a layer keeps per-channel (or per-tensor) scales although the options ask for blocks, in words for an export's
     * notes; empty when it is block-wise. Worded per cause, not per layer, so that notes group.
     */
    public static Optional<String> fallbackReason(Layer layer, int bits, int blockSize, int opset) {
        if (blockSize <= 0) {
            return Optional.empty();
        }
        if (layer.kind() != LayerKind.MATMUL && layer.kind() != LayerKind.GATHER) {
            return Optional.of("block-wise weights are for MatMul layers and embeddings (ONNX Runtime's MatMulNBits and "
                    + "GatherBlockQuantized): Conv, ConvTranspose and Gemm layers keep their per-channel or per-tensor scales");
        }
        if (bits != 4) {
            return Optional.of("block-wise weights are 4-bit (ONNX Runtime's MatMulNBits): 8-bit MatMul weights keep their "
                    + "per-channel or per-tensor scales");
        }
        if (opset < 21) {
            return Optional.of("block-wise weights need opset 21 (DequantizeLinear's block_size); this model is opset " + opset
                    + ", so 4-bit MatMul weights keep their per-channel or per-tensor scales");
        }
        long[] dims = layer.weightDims();
        if (layer.kind() == LayerKind.GATHER) {
            return dims[GATHER_BLOCKED_AXIS] % blockSize == 0 ? Optional.empty() : Optional.of("embedding " + layer.name()
                    + " has rows of " + dims[GATHER_BLOCKED_AXIS] + " values, not a multiple of block size " + blockSize
                    + ": it keeps a scale per row");
        }
        if (dims.length != 2) {
            return Optional.of("MatMul layer " + layer.name() + " has a " + dims.length
                    + "-D weight; block-wise weights are 2-D [K, N], so it keeps its per-channel or per-tensor scales");
        }
        if (dims[BLOCKED_AXIS] % blockSize != 0) {
            return Optional.of("MatMul layer " + layer.name() + " has K = " + dims[BLOCKED_AXIS] + ", not a multiple of block size "
                    + blockSize + ": it keeps its per-channel or per-tensor scales");
        }
        return Optional.empty();
    }

    /** The axis a block-wise layer's weight is blocked along ({@link #BLOCKED_AXIS} or {@link #GATHER_BLOCKED_AXIS}). */
    public static int blockedAxis(Layer layer) {
        return layer.kind() == LayerKind.GATHER ? GATHER_BLOCKED_AXIS : BLOCKED_AXIS;
    }
}
