package dev.bitplan.engine.data;

import dev.bitplan.engine.InvalidInputException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;

/**
 * Counts the bytes actually read through it and fails once they pass a limit. Wrapped around the
 * inflated side of a zip, this bounds what a zip bomb can make us decompress, whatever the archive claims.
 */
final class LimitedInputStream extends FilterInputStream {

    private final long limit;
    private final Supplier<InvalidInputException> overLimit;
    private long count;

    LimitedInputStream(InputStream in, long limit, Supplier<InvalidInputException> overLimit) {
        super(in);
        this.limit = limit;
        this.overLimit = overLimit;
    }

    /** Bytes read so far. */
    long count() {
        return count;
    }

    /**
     * Counts bytes that were not read but will be held: an array of small integers is read at 1-4 bytes per
     * value and held at 8, so the limit bounds the memory a file takes, not only what is inflated.
     */
    void charge(long bytes) {
        add(bytes);
    }

    /** Bytes that may still be read before the limit is hit. */
    long remaining() {
        return limit - count;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            add(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        // never ask for more than one byte past the limit, so a bomb is never inflated further
        int n = super.read(b, off, (int) allowed(len));
        if (n > 0) {
            add(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(allowed(n));
        add(skipped);
        return skipped;
    }

    /** Not supported: the count must only move forward. */
    @Override
    public boolean markSupported() {
        return false;
    }

    /** Leaves the underlying stream open: the caller owns it (e.g. a ZipInputStream between entries). */
    @Override
    public void close() {
    }

    /** Throws the over-limit error now if {@code bytes} more would not fit, before anything is allocated for them. */
    void requireRoom(long bytes) {
        if (bytes > remaining()) {
            throw overLimit.get();
        }
    }

    /** How much of a request to pass on: all of it, or one byte past the limit so that passing it is noticed. */
    private long allowed(long requested) {
        return requested <= remaining() ? requested : remaining() + 1;
    }

    private void add(long n) {
        count += n;
        if (count > limit) {
            throw overLimit.get();
        }
    }
}
