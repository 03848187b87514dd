package dev.bitplan.api.config;

import org.eclipse.microprofile.config.spi.Converter;

/** Reads a value of only blanks as unset (null), as MicroProfile Config already reads an empty one. */
public class BlankIsUnset implements Converter<String> {

    @Override
    public String convert(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
