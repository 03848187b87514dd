package dev.bitplan.engine.quant;

/**
 * Maps a flat C-order index of a tensor to the index of its scale under blocked quantization along one axis, as ONNX
 * DequantizeLinear (opset 21, {@code block_size}) reads it: the scale tensor is shaped like the tensor with that axis
 * divided by the block size, and value {@code (.., i, ..)} takes scale {@code (.., i / blockSize, ..)}.
 */
public record BlockLayout(int outer, int length, int inner, int blockSize) {

    public BlockLayout(long[] dims, int axis, int blockSize) {
        this(Math.toIntExact(product(dims, 0, axis)), (int) dims[axis], Math.toIntExact(product(dims, axis + 1, dims.length)),
                blockSize);
        if (dims[axis] % blockSize != 0) {
            throw new IllegalArgumentException("axis " + axis + " of length " + dims[axis] + " is not a multiple of block size " + blockSize);
        }
    }

    private static long product(long[] dims, int from, int to) {
        long n = 1;
        for (int i = from; i < to; i++) {
            n *= dims[i];
        }
        return n;
    }

    public int blocks() {
        return length / blockSize;
    }

    /** How many scales the tensor has: one per block and per position of the other axes. */
    public int scaleCount() {
        return outer * blocks() * inner;
    }

    public int scaleOf(int flatIndex) {
        int o = flatIndex / (length * inner);
        int along = (flatIndex / inner) % length;
        int in = flatIndex % inner;
        return (o * blocks() + along / blockSize) * inner + in;
    }
}
