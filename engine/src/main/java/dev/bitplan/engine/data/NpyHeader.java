package dev.bitplan.engine.data;

import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.InvalidInputException.Problem;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The dict at the start of a .npy file: element type, byte order and shape (C order only). */
record NpyHeader(DType dtype, boolean bigEndian, long[] shape) {

    private static final String SUPPORTED = "float32, float64, int8, uint8, int32, int64, bool";

    /**
     * Parses the header dict. {@code what} names the array for messages, e.g. "array 'x' in 'data.npz'".
     */
    static NpyHeader parse(String text, String what) {
        Object parsed;
        try {
            parsed = PyLiteral.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(Problem.CORRUPT, what + " has a damaged .npy header ("
                    + e.getMessage() + "): " + abbreviate(text));
        }
        if (!(parsed instanceof Map<?, ?> dict)
                || !dict.containsKey("descr") || !dict.containsKey("fortran_order") || !dict.containsKey("shape")) {
            throw new InvalidInputException(Problem.CORRUPT, what
                    + " has a .npy header without 'descr', 'fortran_order' and 'shape': " + abbreviate(text));
        }
        Object descr = dict.get("descr");
        if (!(descr instanceof String code)) {
            // a list of (name, type) pairs: a structured (record) array
            throw new InvalidInputException(Problem.UNUSABLE, what + " has a structured dtype with named fields "
                    + abbreviate(String.valueOf(descr)) + "; save each field as its own numeric array");
        }
        if (Boolean.TRUE.equals(dict.get("fortran_order"))) {
            throw new InvalidInputException(Problem.UNUSABLE, what
                    + " is in Fortran order; save it with np.ascontiguousarray(a) so it is in C order");
        }
        if (!Boolean.FALSE.equals(dict.get("fortran_order"))) {
            throw new InvalidInputException(Problem.CORRUPT, what + " has a .npy header whose 'fortran_order' is "
                    + dict.get("fortran_order") + " instead of True or False");
        }
        long[] shape = shape(dict.get("shape"), what);
        return new NpyHeader(dtypeOf(code, what), code.startsWith(">"), shape);
    }

    /** The byte order the data is stored in. */
    ByteOrder order() {
        return bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    /** The header dict numpy writes for this type and shape, without padding. */
    static String format(DType dtype, long[] shape) {
        String dims = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
        String tuple = shape.length == 1 ? "(" + dims + ",)" : "(" + dims + ")";
        return "{'descr': '" + descr(dtype) + "', 'fortran_order': False, 'shape': " + tuple + ", }";
    }

    /** numpy's little-endian descriptor, '|' for one-byte types as numpy writes them. */
    static String descr(DType dtype) {
        return (dtype.bytes() == 1 ? "|" : "<") + dtype.numpyCode();
    }

    private static long[] shape(Object value, String what) {
        if (!(value instanceof List<?> dims)) {
            throw new InvalidInputException(Problem.CORRUPT, what + " has a .npy header whose 'shape' is "
                    + value + " instead of a tuple of integers");
        }
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long d) || d < 0) {
                throw new InvalidInputException(Problem.CORRUPT, what + " has a .npy header with an invalid shape "
                        + dims);
            }
            shape[i] = d;
        }
        return shape;
    }

    private static DType dtypeOf(String descr, String what) {
        if (descr.length() < 2 || "<>|=".indexOf(descr.charAt(0)) < 0) {
            throw new InvalidInputException(Problem.CORRUPT, what + " has an invalid dtype descriptor '" + descr + "'");
        }
        String code = descr.substring(1);
        if (code.startsWith("O")) {
            throw new InvalidInputException(Problem.UNUSABLE, what + " holds Python objects (dtype=object); "
                    + "save it with a numeric dtype, e.g. np.asarray(a, dtype=np.float32)");
        }
        for (DType t : DType.values()) {
            if (t.numpyCode().equals(code)) {
                if (t.bytes() > 1 && descr.charAt(0) == '|') {
                    break; // multi-byte type without byte order: not something numpy writes
                }
                return t;
            }
        }
        throw new InvalidInputException(Problem.UNUSABLE, what + " has dtype " + typeName(code) + " ('" + descr
                + "'), which BitPlan does not read; supported: " + SUPPORTED
                + ". Convert it, e.g. a.astype(np.float32) or a.astype(np.int64)");
    }

    /** numpy's name for a type code, for messages: 'u2' becomes uint16, 'U5' a unicode string. */
    private static String typeName(String code) {
        String kind = code.substring(0, 1);
        String size = code.substring(1);
        String family = switch (kind) {
            case "f" -> "float";
            case "i" -> "int";
            case "u" -> "uint";
            case "c" -> "complex";
            case "b" -> "bool";
            case "U" -> "unicode string";
            case "S" -> "byte string";
            case "V" -> "raw bytes (void)";
            case "M" -> "datetime64";
            case "m" -> "timedelta64";
            default -> "'" + code + "'";
        };
        if ("fiucb".contains(kind) && size.chars().allMatch(Character::isDigit) && !size.isEmpty()) {
            return family + (Integer.parseInt(size) * 8);
        }
        return family;
    }

    private static String abbreviate(String s) {
        String t = s.strip();
        return t.length() <= 120 ? t : t.substring(0, 117) + "...";
    }
}
