package dev.bitplan.api.service.problems;

/** An uploaded file over its configured size limit. */
public final class UploadTooLargeException extends ServiceException {

    public UploadTooLargeException(String field, String detail) {
        super(field, detail);
    }
}
