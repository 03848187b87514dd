package dev.bitplan.api.service;

import dev.bitplan.api.service.problems.InvalidRequestException;
import dev.bitplan.api.service.problems.UploadTooLargeException;
import java.nio.file.Path;

/** A file the client uploaded, spooled to disk by Quarkus, and the limit it must stay within. */
public record Uploads(Path file, String fileName, long size) {

    public static Uploads of(Path file, String fileName, long size, String field) {
        if (file == null) {
            throw new InvalidRequestException(field, "the multipart form has no '" + field + "' part; send the file as '"
                    + field + "'");
        }
        return new Uploads(file, fileName == null || fileName.isBlank() ? "upload" : fileName, size);
    }

    public void requireAtMost(long limit, String limitKey) {
        if (size > limit) {
            throw new UploadTooLargeException("file", fileName + " has " + size + " bytes, over the limit of " + limit
                    + " bytes (" + limitKey + ")");
        }
    }
}
