package dev.bitplan.api.service.problems;

/**
 * An id or name that names nothing the caller may see. Also the answer for another tenant's ids: their existence
 * is never revealed.
 */
public final class ResourceNotFoundException extends ServiceException {

    /** Detail {@code no <what> '<id>'}, e.g. {@code no model 'resnet8'}. */
    public ResourceNotFoundException(String field, String what, String id) {
        super(field, "no " + what + " '" + id + "'");
    }
}
