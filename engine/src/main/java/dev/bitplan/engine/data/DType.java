package dev.bitplan.engine.data;

/** Element types BitPlan reads from NPZ files, with their numpy descriptor and width in bytes. */
public enum DType {
    FLOAT32("f4", 4),
    FLOAT64("f8", 8),
    INT8("i1", 1),
    UINT8("u1", 1),
    INT32("i4", 4),
    INT64("i8", 8),
    BOOL("b1", 1);

    private final String numpyCode;
    private final int bytes;

    DType(String numpyCode, int bytes) {
        this.numpyCode = numpyCode;
        this.bytes = bytes;
    }

    /** numpy's type code without byte-order mark, e.g. {@code f4}. */
    public String numpyCode() {
        return numpyCode;
    }

    public int bytes() {
        return bytes;
    }

    public boolean isFloating() {
        return this == FLOAT32 || this == FLOAT64;
    }
}
