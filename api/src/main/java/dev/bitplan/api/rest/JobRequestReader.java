package dev.bitplan.api.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.bitplan.api.service.JobRequest;
import dev.bitplan.api.service.problems.InvalidRequestException;
import dev.bitplan.contracts.json.Json;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the body of {@code POST /api/jobs} with the contracts' strict mapping and names the field at fault:
 * an unknown field, a value of the wrong type, or a record check that failed ("maxSizeBytes must be > 0").
 */
public final class JobRequestReader {

    // "maxSizeBytes must be ...", "unknown metric 'x'", "give maxSizeBytes or maxSizeRatio, not both"
    private static final Pattern LEADING_FIELD = Pattern.compile("^([a-zA-Z]+) must be");
    private static final Pattern UNKNOWN_VALUE = Pattern.compile("^unknown ([a-zA-Z]+) '");
    private static final Pattern EITHER = Pattern.compile("^give ([a-zA-Z]+) or ([a-zA-Z]+), not both");

    private JobRequestReader() {
    }

    public static JobRequest read(String body) {
        return read(body, JobRequest.class, "the job", "{\"model\":\"name\" or \"modelVersionId\":\"...\", \"datasetId\":\"...\", \"spec\":{...}}");
    }

    /**
     * Any request body read the same strict way.
     *
     * @param what     how messages name the body ("the job")
     * @param example  a JSON example for an empty body's message
     */
    public static <T> T read(String body, Class<T> type, String what, String example) {
        if (body == null || body.isBlank()) {
            throw new InvalidRequestException(null, "the request body is empty; send " + what + " as JSON: " + example);
        }
        JsonNode tree;
        try {
            tree = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException(null, "malformed JSON body: " + firstLine(e.getOriginalMessage()));
        }
        if (!tree.isObject()) {
            throw new InvalidRequestException(null, what + " must be a JSON object, got "
                    + tree.getNodeType().name().toLowerCase());
        }
        try {
            return Json.mapper().treeToValue(tree, type);
        } catch (UnrecognizedPropertyException e) {
            String field = path(e);
            throw new InvalidRequestException(field, "unknown field '" + field + "'; known fields here: "
                    + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")));
        } catch (InvalidFormatException e) {
            if (e.getTargetType() != null && e.getTargetType().isEnum()) {
                // Jackson's own message names the Java enum class; say what the user can send instead
                String field = path(e);
                String allowed = Arrays.stream(e.getTargetType().getEnumConstants()).map(Object::toString)
                        .collect(Collectors.joining(", "));
                throw new InvalidRequestException(field, field + ": '" + e.getValue() + "' is not one of " + allowed);
            }
            String field = path(e);
            throw new InvalidRequestException(field, (field == null ? "" : field + ": ") + rootMessage(e));
        } catch (JsonMappingException e) {
            String message = rootMessage(e);
            String field = fieldOf(path(e), message);
            throw new InvalidRequestException(field, (field == null ? "" : field + ": ") + message);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException(null, "malformed JSON body: " + firstLine(e.getOriginalMessage()));
        }
    }

    /** The dotted path of the value being read, e.g. {@code spec.budgets.maxSizeBytes}. */
    static String path(JsonMappingException e) {
        String p = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
        return p.isEmpty() ? null : p;
    }

    /** A record check names its own field in its message; append it to the path of the record. */
    static String fieldOf(String path, String message) {
        String prefix = path == null ? "" : path + ".";
        for (Pattern p : new Pattern[] {LEADING_FIELD, UNKNOWN_VALUE, EITHER}) {
            Matcher m = p.matcher(message);
            if (m.find()) {
                String name = m.group(p == EITHER ? 2 : 1);
                return path != null && (path.equals(name) || path.endsWith("." + name)) ? path : prefix + name;
            }
        }
        return path;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t instanceof JsonProcessingException j ? j.getOriginalMessage() : t.getMessage();
        return firstLine(m == null ? e.getMessage() : m);
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl > 0 ? s.substring(0, nl) : s;
    }
}
