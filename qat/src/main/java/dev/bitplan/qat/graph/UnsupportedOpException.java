package dev.bitplan.qat.graph;

/** A model holds an operator (or an attribute of one) the DJL importer does not implement; names the op and the node. */
public final class UnsupportedOpException extends RuntimeException {

    private final String opType;

    public UnsupportedOpException(String opType, String node, String detail) {
        super("QAT cannot import ONNX op " + opType + " (node '" + node + "')" + (detail == null ? "" : ": " + detail));
        this.opType = opType;
    }

    public String opType() {
        return opType;
    }
}
