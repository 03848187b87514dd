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
        NpyHeader header = NpyHeader.parse(headerText, what);
        return readData(in, name, what, header);
    }

    private static NdArray readData(LimitedInputStream in, String name, String what, NpyHeader header)
            throws IOException {
        DType dtype = header.dtype();
        long[] shape = header.shape();
        long count;
        long dataBytes;
        try {
            count = NdArray.elementCount(shape);
            dataBytes = Math.multiplyExact(count, dtype.bytes());
        } catch (ArithmeticException e) {
            throw new InvalidInputException(Problem.CORRUPT, what + " declares an impossible shape "
                    + Arrays.toString(shape));
        }
        in.requireRoom(dataBytes);
        if (count > MAX_VALUES) {
            throw new InvalidInputException(Problem.UNUSABLE, what + " has " + count + " values, more than "
                    + MAX_VALUES + " that one array can hold here; split it into several files");
        }
        int n = (int) count;
        long heldBytes = count * (dtype == DType.FLOAT32 ? 4 : 8); // integers and bools are held as long
        if (heldBytes > dataBytes) {
            in.charge(heldBytes - dataBytes);
        }
        float[] floats = dtype == DType.FLOAT32 ? new float[n] : null;
        double[] doubles = dtype == DType.FLOAT64 ? new double[n] : null;
        long[] longs = dtype.isFloating() ? null : new long[n];

        ByteOrder order = header.bigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        byte[] buf = new byte[CHUNK];
        long done = 0;
        while (done < dataBytes) {
            int want = (int) Math.min(CHUNK, dataBytes - done);
            int got = readUpTo(in, buf, 0, want);
            if (got < want) {
                throw new InvalidInputException(Problem.CORRUPT, what + " is cut short: shape "
                        + Arrays.toString(shape) + " of " + dtype.name().toLowerCase() + " needs " + dataBytes
                        + " bytes of data but only " + (done + got) + " are present");
            }
            int at = (int) (done / dtype.bytes());
            decode(ByteBuffer.wrap(buf, 0, want).order(order), dtype, at, want / dtype.bytes(), floats, doubles, longs);
            done += want;
        }
        if (in.read() >= 0) {
            throw new InvalidInputException(Problem.CORRUPT, what + " has more bytes than its header's shape "
                    + Arrays.toString(shape) + " of " + dtype.name().toLowerCase() + " accounts for ("
                    + dataBytes + " bytes of data); the file is damaged");
        }
        if (floats != null) {
            return NdArray.ofFloats(name, shape, floats);
        }
        return doubles != null ? NdArray.ofDoubles(name, shape, doubles) : NdArray.ofLongs(name, dtype, shape, longs);
    }

    private static void decode(ByteBuffer bb, DType dtype, int at, int n, float[] floats, double[] doubles,
            long[] longs) {
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
