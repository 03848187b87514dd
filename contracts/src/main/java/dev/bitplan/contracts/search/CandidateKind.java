package dev.bitplan.contracts.search;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Where a candidate comes from: one of the three reference plans every search measures, or the solver. */
public enum CandidateKind {
    /** The float model as given: the reference every other candidate is compared with. */
    BASELINE_FP32("baseline-fp32"),
    /** Every layer at 8-bit weights. */
    BASELINE_INT8("baseline-int8"),
    /** Every layer at the lowest weight bits the search space allows. */
    BASELINE_INT4("baseline-int4"),
    /** A plan the solver chose for one budget of the sweep. */
    SOLVER("solver");

    private final String json;

    CandidateKind(String json) {
        this.json = json;
    }

    /** The name in JSON, reports, tables and the database: {@code baseline-fp32}, ..., {@code solver}. */
    @JsonValue
    public String json() {
        return json;
    }

    @JsonCreator
    public static CandidateKind fromJson(String value) {
        return Arrays.stream(values()).filter(k -> k.json.equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown candidate kind '" + value + "'; use "
                        + Arrays.stream(values()).map(CandidateKind::json).collect(Collectors.joining(", "))));
    }

    @Override
    public String toString() {
        return json;
    }
}
