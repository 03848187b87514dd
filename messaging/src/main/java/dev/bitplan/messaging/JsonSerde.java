package dev.bitplan.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bitplan.contracts.json.Json;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;

/** Message values as the contracts' JSON (compact). A value that does not parse is reported, not retried. */
public final class JsonSerde {

    private static final ObjectMapper COMPACT = Json.mapper().copy()
            .disable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);

    private JsonSerde() {
    }

    public static byte[] write(Object value) {
        try {
            return COMPACT.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new SerializationException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    public static <T> T read(byte[] bytes, Class<T> type) {
        try {
            return COMPACT.readValue(bytes, type);
        } catch (IOException e) {
            throw new SerializationException("not a valid " + type.getSimpleName() + " message: " + e.getMessage(), e);
        }
    }
}
