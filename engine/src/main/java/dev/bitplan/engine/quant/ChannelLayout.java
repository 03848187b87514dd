package dev.bitplan.engine.quant;

/** Maps a flat C-order index of a tensor to its index along one axis (the output-channel axis). */
public record ChannelLayout(int channels, int inner) {

    public ChannelLayout(long[] dims, int axis) {
        this((int) dims[axis], innerSize(dims, axis));
    }

    private static int innerSize(long[] dims, int axis) {
        long inner = 1;
        for (int i = axis + 1; i < dims.length; i++) {
            inner *= dims[i];
        }
        return Math.toIntExact(inner);
    }

    public int channelOf(int flatIndex) {
        return (flatIndex / inner) % channels;
    }
}
