package dev.bitplan.api.dashboard;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The dashboard's pages. They hold no data: each page's script reads it from the REST API with the tenant's token,
 * which the browser keeps for the session, so a page shows exactly what that token may see and nothing the API does
 * not already check.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class DashboardPages {

    /** Where ECharts is served from its webjar (the version is the pom's {@code echarts.version}). */
    static final String ECHARTS = "/webjars/echarts/5.3.1/dist/echarts.min.js";

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance jobs(String echarts);

        static native TemplateInstance job(String echarts, String jobId);

        static native TemplateInstance model(String echarts, String name);

        static native TemplateInstance submit(String echarts);
    }

    @GET
    public TemplateInstance jobs() {
        return Templates.jobs(ECHARTS);
    }

    @GET
    @Path("jobs/{id}")
    public TemplateInstance job(@PathParam("id") String id) {
        return Templates.job(ECHARTS, id);
    }

    @GET
    @Path("submit")
    public TemplateInstance submit() {
        return Templates.submit(ECHARTS);
    }

    @GET
    @Path("models/{name}")
    public TemplateInstance model(@PathParam("name") String name) {
        return Templates.model(ECHARTS, name);
    }
}
