package dev.bitplan.engine.data;

import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.InvalidInputException.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads and writes one array in numpy's .npy format (versions 1.0, 2.0 and 3.0 on read; 1.0 on write). */
final class Npy {

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** Far above any real header (numpy itself refuses over 10,000 bytes) yet small enough to read whole. */
    private static final int MAX_HEADER_BYTES = 1 << 20;
    /** Java arrays are indexed by int, and a few slots are reserved by the VM. */
    private static final long MAX_VALUES = Integer.MAX_VALUE - 8;
    private static final int CHUNK = 1 << 16; // a multiple of every element width

    private Npy() {
    }

    /**
     * Reads one .npy from {@code in}, which must then be at its end. {@code what} names the array in
     * messages, e.g. "array 'x' in 'data.npz'". The data's declared size is checked against what the
     * stream may still deliver before anything is allocated for it.
     */
    static NdArray read(LimitedInputStream in, String name, String what) throws IOException {
        NpyHeader header = readHeader(in, what);
        long dataBytes = dataBytes(in, header, what);
        long count = dataBytes / header.dtype().bytes();
        if (count > MAX_VALUES) {
            throw new InvalidInputException(Problem.UNUSABLE, what + " has " + count + " values, more than "
                    + MAX_VALUES + " that one array can hold here; split it into several files");
        }
        chargeWidening(in, header, count, dataBytes);
        Values values = new Values(header.dtype(), (int) count);
        int width = header.dtype().bytes();
        copyData(in, header, dataBytes, what, (buf, length, offset) -> values.decode(
                ByteBuffer.wrap(buf, 0, length).order(header.order()), (int) (offset / width), length / width));
        return values.toArray(name, header.shape());
    }

    /**
     * Reads one .npy from {@code in} as {@link #read} does, with the same checks and the same count against the
     * stream's limit, but passes its data bytes to {@code out} as stored (byte order and width unchanged) instead of
     * holding them: an array of any size streams through a 64 KiB buffer.
     */
    static NpyHeader copy(LimitedInputStream in, String what, OutputStream out) throws IOException {
        NpyHeader header = readHeader(in, what);
        long dataBytes = dataBytes(in, header, what);
        chargeWidening(in, header, dataBytes / header.dtype().bytes(), dataBytes);
        copyData(in, header, dataBytes, what, (buf, length, offset) -> out.write(buf, 0, length));
        return header;
    }

    /** {@code bytes}, stored in {@code order} as a .npy stores them, as an array of {@code shape}. */
    static NdArray decode(String name, DType dtype, ByteOrder order, long[] shape, ByteBuffer bytes) {
        Values values = new Values(dtype, Math.toIntExact(NdArray.elementCount(shape)));
        values.decode(bytes.order(order), 0, values.length);
        return values.toArray(name, shape);
    }

    private static NpyHeader readHeader(LimitedInputStream in, String what) throws IOException {
        byte[] start = new byte[MAGIC.length + 2];
        int got = readUpTo(in, start, 0, start.length);
        if (got == 0) {
            throw new InvalidInputException(Problem.CORRUPT, what + " is empty (0 bytes); save it again with np.save");
        }
        if (!startsWithMagic(start, got)) {
            throw new InvalidInputException(Problem.WRONG_FORMAT, what + " is not a .npy array "
                    + "(it does not start with \\x93NUMPY); save it with np.save or np.savez");
        }
        if (got < start.length) {
            throw cutShort(what, "its .npy preamble", start.length, got);
        }
        int major = start[6];
        int minor = start[7];
        if (major < 1 || major > 3 || minor != 0) {
            throw new InvalidInputException(Problem.WRONG_FORMAT, what + " uses .npy format version " + major + "."
                    + minor + "; BitPlan reads versions 1.0, 2.0 and 3.0");
        }
        // version 1.0 stores the header length in 2 bytes, 2.0 and 3.0 in 4 bytes; both little-endian
        byte[] lenBytes = new byte[major == 1 ? 2 : 4];
        readFully(in, lenBytes, what, "its .npy header length");
        long headerLen = major == 1
                ? ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFFL
                : ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
        if (headerLen > MAX_HEADER_BYTES) {
            throw new InvalidInputException(Problem.CORRUPT, what + " claims a .npy header of " + headerLen
                    + " bytes; real headers are a few hundred bytes, so the file is damaged");
        }
        byte[] headerBytes = new byte[(int) headerLen];
        readFully(in, headerBytes, what, "its .npy header");
        // versions 1.0 and 2.0 encode the header in latin-1, 3.0 in utf-8
        String headerText = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return NpyHeader.parse(headerText, what);
    }

    /** The data's size in bytes, checked against what the stream may still deliver. */
    private static long dataBytes(LimitedInputStream in, NpyHeader header, String what) {
        long dataBytes;
        try {
            dataBytes = Math.multiplyExact(NdArray.elementCount(header.shape()), header.dtype().bytes());
        } catch (ArithmeticException e) {
            throw new InvalidInputException(Problem.CORRUPT, what + " declares an impossible shape "
                    + Arrays.toString(header.shape()));
        }
        in.requireRoom(dataBytes);
        return dataBytes;
    }

    /** Integers and bools are held as long: the limit counts them at 8 bytes a value, however they are stored. */
    private static void chargeWidening(LimitedInputStream in, NpyHeader header, long count, long dataBytes) {
        long heldBytes = count * (header.dtype() == DType.FLOAT32 ? 4 : 8);
        if (heldBytes > dataBytes) {
            in.charge(heldBytes - dataBytes);
        }
    }

    /** What is done with each chunk of an array's data bytes, {@code offset} bytes into the data. */
    @FunctionalInterface
    private interface DataChunks {
        void accept(byte[] buf, int length, long offset) throws IOException;
    }

    /** Hands the data on in chunks; it must be exactly as long as the header's shape says. */
    private static void copyData(LimitedInputStream in, NpyHeader header, long dataBytes, String what, DataChunks chunks)
            throws IOException {
        byte[] buf = new byte[CHUNK];
        long done = 0;
        while (done < dataBytes) {
            int want = (int) Math.min(CHUNK, dataBytes - done);
            int got = readUpTo(in, buf, 0, want);
            if (got < want) {
                throw new InvalidInputException(Problem.CORRUPT, what + " is cut short: shape "
                        + Arrays.toString(header.shape()) + " of " + header.dtype().name().toLowerCase() + " needs "
                        + dataBytes + " bytes of data but only " + (done + got) + " are present");
            }
            chunks.accept(buf, want, done);
            done += want;
        }
        if (in.read() >= 0) {
            throw new InvalidInputException(Problem.CORRUPT, what + " has more bytes than its header's shape "
                    + Arrays.toString(header.shape()) + " of " + header.dtype().name().toLowerCase() + " accounts for ("
                    + dataBytes + " bytes of data); the file is damaged");
        }
    }

    /** An array's values as held: float[] for float32, double[] for float64, long[] for integers and bool. */
    private static final class Values {
        private final DType dtype;
        private final int length;
        private final float[] floats;
        private final double[] doubles;
        private final long[] longs;

        Values(DType dtype, int length) {
            this.dtype = dtype;
            this.length = length;
            this.floats = dtype == DType.FLOAT32 ? new float[length] : null;
            this.doubles = dtype == DType.FLOAT64 ? new double[length] : null;
            this.longs = dtype.isFloating() ? null : new long[length];
        }

        /** Decodes {@code n} values from {@code bb} into positions {@code at}.. */
        void decode(ByteBuffer bb, int at, int n) {
            switch (dtype) {
                case FLOAT32 -> bb.asFloatBuffer().get(floats, at, n);
                case FLOAT64 -> bb.asDoubleBuffer().get(doubles, at, n);
                case INT64 -> bb.asLongBuffer().get(longs, at, n);
                case INT32 -> {
                    for (int i = 0; i < n; i++) {
                        longs[at + i] = bb.getInt();
                    }
                }
                case INT8 -> {
                    for (int i = 0; i < n; i++) {
                        longs[at + i] = bb.get();
                    }
                }
                case UINT8 -> {
                    for (int i = 0; i < n; i++) {
                        longs[at + i] = bb.get() & 0xFF;
                    }
                }
                case BOOL -> {
                    for (int i = 0; i < n; i++) {
                        longs[at + i] = bb.get() != 0 ? 1 : 0; // numpy treats any nonzero byte as True
                    }
                }
                default -> throw new IllegalStateException("no decoder for " + dtype);
            }
        }

        NdArray toArray(String name, long[] shape) {
            if (floats != null) {
                return NdArray.ofFloats(name, shape, floats);
            }
            return doubles != null ? NdArray.ofDoubles(name, shape, doubles) : NdArray.ofLongs(name, dtype, shape, longs);
        }
    }

    /** Writes {@code array} as a version 1.0 .npy, little-endian, header padded to 64 bytes like numpy. */
    static void write(NdArray array, OutputStream out) throws IOException {
        String dict = NpyHeader.format(array.dtype(), array.shape());
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1; // + '\n'
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        if (header.length() > 0xFFFF) {
            throw new IllegalArgumentException("array '" + array.name() + "' has too many dimensions for a .npy header");
        }
        out.write(MAGIC);
        out.write(new byte[] {1, 0, (byte) header.length(), (byte) (header.length() >>> 8)});
        out.write(header.getBytes(StandardCharsets.ISO_8859_1));
        writeData(array, out);
    }

    private static void writeData(NdArray array, OutputStream out) throws IOException {
        DType dtype = array.dtype();
        int n = array.length();
        float[] floats = dtype == DType.FLOAT32 ? array.toFloatArray() : null;
        double[] doubles = dtype == DType.FLOAT64 ? array.toDoubleArray() : null;
        long[] longs = dtype.isFloating() ? null : array.toLongArray();
        ByteBuffer bb = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        int perChunk = CHUNK / dtype.bytes();
        for (int at = 0; at < n; at += perChunk) {
            int m = Math.min(perChunk, n - at);
            bb.clear();
            for (int i = at; i < at + m; i++) {
                switch (dtype) {
                    case FLOAT32 -> bb.putFloat(floats[i]);
                    case FLOAT64 -> bb.putDouble(doubles[i]);
                    case INT64 -> bb.putLong(longs[i]);
                    case INT32 -> bb.putInt((int) longs[i]);
                    case INT8, UINT8 -> bb.put((byte) longs[i]);
                    case BOOL -> bb.put((byte) (longs[i] != 0 ? 1 : 0));
                    default -> throw new IllegalStateException("no encoder for " + dtype);
                }
            }
            out.write(bb.array(), 0, bb.position());
        }
    }

    static boolean startsWithMagic(byte[] bytes, int length) {
        for (int i = 0; i < Math.min(length, MAGIC.length); i++) {
            if (bytes[i] != MAGIC[i]) {
                return false;
            }
        }
        return length > 0;
    }

    /** Reads until {@code len} bytes or end of stream; returns how many arrived. */
    static int readUpTo(InputStream in, byte[] buf, int off, int len) throws IOException {
        int total = 0;
        while (total < len) {
            int n = in.read(buf, off + total, len - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private static void readFully(InputStream in, byte[] buf, String what, String part) throws IOException {
        int got = readUpTo(in, buf, 0, buf.length);
        if (got < buf.length) {
            throw cutShort(what, part, buf.length, got);
        }
    }

    private static InvalidInputException cutShort(String what, String part, long expected, long present) {
        return new InvalidInputException(Problem.CORRUPT, what + " is cut short: " + part + " needs " + expected
                + " bytes but only " + present + " are present");
    }
}
