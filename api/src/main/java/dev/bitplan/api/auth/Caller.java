package dev.bitplan.api.auth;

import dev.bitplan.api.service.problems.UnauthenticatedException;
import jakarta.enterprise.context.RequestScoped;

/** Who is calling, as the {@link AuthFilter} found out: a tenant, the admin, or a worker. */
@RequestScoped
public class Caller {

    private String tenantId;

    void tenant(String id) {
        this.tenantId = id;
    }

    /** The calling tenant; every query of tenant data is scoped by it. */
    public String tenantId() {
        if (tenantId == null) {
            throw new UnauthenticatedException("this endpoint needs a tenant's API token");
        }
        return tenantId;
    }
}
