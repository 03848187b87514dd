package dev.bitplan.api.service;

import dev.bitplan.api.service.problems.InvalidRequestException;
import java.util.regex.Pattern;

/** Names of tenants, tokens, models and datasets: short, and safe in a URL path. */
final class Names {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private Names() {
    }

    static String require(String field, String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidRequestException(field, "'" + field + "' is missing; give a name such as 'resnet8'");
        }
        String n = name.trim();
        if (!SAFE.matcher(n).matches()) {
            throw new InvalidRequestException(field, "'" + field + "' must be 1-128 letters, digits, '.', '_' or '-', starting "
                    + "with a letter or digit; got '" + (n.length() > 40 ? n.substring(0, 40) + "..." : n) + "'");
        }
        return n;
    }
}
