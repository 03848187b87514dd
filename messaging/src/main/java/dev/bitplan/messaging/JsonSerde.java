package dev.bitplan.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bitplan.contracts.json.Json;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

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

    /** Serialises any record; used by producers, which send several message types. */
    public static Serializer<Object> serializer() {
        return (topic, value) -> value == null ? null : write(value);
    }

    public static <T> Deserializer<T> deserializer(Class<T> type) {
        return (topic, bytes) -> bytes == null ? null : read(bytes, type);
    }
}
