package dev.bitplan.engine.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * One array of an {@link NpzSpill}: its header, and its data as stored in the .npy (C order, its own width and byte
 * order) in a raw file, or nowhere when the spill was not asked to keep it. Rows are read with positioned reads, on
 * a channel of each call's own, so any number of threads may read at once, and an interrupted reader (whose channel
 * Java closes) harms no other; files of any size are read, nothing is mapped.
 *
 * @param order the byte order the data is stored in
 * @param file  the raw data file, or null when not kept
 */
public record SpilledArray(String name, DType dtype, ByteOrder order, long[] shape, Path file) implements ArrayInfo {

    /** A copy of {@code shape} is kept. */
    public SpilledArray {
        shape = shape.clone();
    }

    SpilledArray(String name, NpyHeader header, Path file) {
        this(name, header.dtype(), header.order(), header.shape(), file);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Whether the data was kept on disk (only then can rows be read). */
    public boolean kept() {
        return file != null;
    }

    /** Bytes of the data file: 0 when not kept. */
    public long bytesOnDisk() {
        return file == null ? 0 : NdArray.elementCount(shape) * dtype.bytes();
    }

    /** Bytes of one sample (a row of the first axis) as stored. */
    public long rowBytes() {
        return shape.length == 0 ? dtype.bytes()
                : NdArray.elementCount(Arrays.copyOfRange(shape, 1, shape.length)) * dtype.bytes();
    }

    /** Samples {@code from}.. {@code from + count - 1}, as a new array (in the stored element type). */
    public NdArray rows(int from, int count) {
        int[] indices = new int[count];
        Arrays.setAll(indices, i -> from + i);
        return rows(indices);
    }

    /**
     * The samples at {@code indices}, in that order, as a new array in the stored element type (integers widened to
     * long as {@link NdArray} holds them). Runs of consecutive indices are read in one call.
     */
    public NdArray rows(int[] indices) {
        if (file == null) {
            throw new IllegalStateException("array '" + name + "' was not kept on disk");
        }
        if (shape.length == 0) {
            throw new IllegalStateException("array '" + name + "' is a single value: it has no rows");
        }
        int samples = sampleCount();
        int rowBytes = Math.toIntExact(rowBytes());
        ByteBuffer bytes = ByteBuffer.allocate(Math.multiplyExact(indices.length, rowBytes));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            int i = 0;
            while (i < indices.length) {
                int run = i + 1;
                while (run < indices.length && indices[run] == indices[run - 1] + 1) {
                    run++;
                }
                if (indices[i] < 0 || indices[run - 1] >= samples) {
                    throw new IndexOutOfBoundsException("sample index " + (indices[i] < 0 ? indices[i] : indices[run - 1])
                            + " outside 0.." + (samples - 1) + " of '" + name + "'");
                }
                bytes.limit(run * rowBytes).position(i * rowBytes);
                long at = (long) indices[i] * rowBytes;
                while (bytes.hasRemaining()) {
                    int n = channel.read(bytes, at);
                    if (n < 0) {
                        throw new EOFException(file + " ends before sample " + indices[run - 1] + " of '" + name + "'");
                    }
                    at += n;
                }
                i = run;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spilled array '" + name + "' from " + file, e);
        }
        bytes.clear();
        long[] rowsShape = shape.clone();
        rowsShape[0] = indices.length;
        return Npy.decode(name, dtype, order, rowsShape, bytes);
    }

    @Override
    public String toString() {
        return name + ":" + dtype + Arrays.toString(shape) + (file == null ? " (not kept)" : " in " + file);
    }
}
