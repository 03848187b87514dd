package dev.bitplan.api.service;

import dev.bitplan.contracts.config.ConfigKeys;

/**
 * How large a model the api takes: {@link ConfigKeys#LIMITS_MODEL_BYTES}, and never over 2 GB, protobuf's limit for
 * one message: a larger ONNX model keeps its weights in external data files, which is out of BitPlan's scope.
 */
public final class ModelSizeLimit {

    /** The largest protobuf message, hence the largest self-contained ONNX file. */
    public static final long PROTOBUF_BYTES = Integer.MAX_VALUE;

    /** Why a model over 2 GB is refused, whatever the configured limit. */
    public static final String EXTERNAL_DATA_NOTE = "an ONNX model over 2 GB (2147483647 bytes) keeps its weights in external data "
            + "files, which BitPlan does not support (out of scope); save the model with every tensor inside one .onnx file of at most 2 GB";

    private ModelSizeLimit() {
    }

    /** The configured limit, capped at {@link #PROTOBUF_BYTES}. */
    public static long effective(long configured) {
        return Math.min(configured, PROTOBUF_BYTES);
    }

    /** Why {@code size} bytes is refused; null when it is within the limit. */
    public static String refusal(String subject, long size, long configured) {
        if (size > PROTOBUF_BYTES) {
            return subject + " has " + size + " bytes, over the model limit of " + effective(configured) + " bytes ("
                    + ConfigKeys.LIMITS_MODEL_BYTES + "): " + EXTERNAL_DATA_NOTE;
        }
        if (size > configured) {
            return subject + " has " + size + " bytes, over the model limit of " + configured + " bytes (" + ConfigKeys.LIMITS_MODEL_BYTES + ")";
        }
        return null;
    }
}
