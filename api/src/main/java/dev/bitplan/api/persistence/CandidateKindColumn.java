package dev.bitplan.api.persistence;

import dev.bitplan.contracts.search.CandidateKind;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Stores a candidate's kind as its JSON name ({@code baseline-fp32}, ..., {@code solver}), as the column always held. */
@Converter
public class CandidateKindColumn implements AttributeConverter<CandidateKind, String> {

    @Override
    public String convertToDatabaseColumn(CandidateKind kind) {
        return kind == null ? null : kind.json();
    }

    @Override
    public CandidateKind convertToEntityAttribute(String column) {
        return column == null ? null : CandidateKind.fromJson(column);
    }
}
