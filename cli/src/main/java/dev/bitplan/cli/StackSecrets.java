package dev.bitplan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;

/** The admin and internal tokens of one local stack, made on its first start and kept in {@code DATA/secrets.json} (mode 600). */
record StackSecrets(String adminToken, String internalToken) {

    static StackSecrets loadOrCreate(Path file) {
        JsonNode j = PrivateFiles.readJson(file);
        if (j != null && j.hasNonNull("adminToken") && j.hasNonNull("internalToken")) {
            return new StackSecrets(j.get("adminToken").asText(), j.get("internalToken").asText());
        }
        StackSecrets s = new StackSecrets(Secrets.newToken(), Secrets.newToken());
        PrivateFiles.writeJson(file, Map.of("adminToken", s.adminToken(), "internalToken", s.internalToken()));
        return s;
    }
}
