package dev.bitplan.api.rest;

import dev.bitplan.api.auth.Caller;
import dev.bitplan.api.service.DatasetService;
import dev.bitplan.api.service.Views.DatasetView;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** NPZ datasets: multipart upload ({@code file}, {@code name}), list, get. */
@Path("/api/datasets")
@Produces(MediaType.APPLICATION_JSON)
public class DatasetResource {

    @Inject
    DatasetService datasets;

    @Inject
    Caller caller;

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Response upload(@RestForm("file") FileUpload file, @RestForm("name") String name) {
        DatasetView d = datasets.upload(caller.tenantId(), name, ModelResource.upload(file));
        return Response.created(URI.create("/api/datasets/" + d.id())).entity(d).build();
    }

    @GET
    public List<DatasetView> list() {
        return datasets.list(caller.tenantId());
    }

    @GET
    @Path("/{id}")
    public DatasetView get(@PathParam("id") String id) {
        return datasets.get(caller.tenantId(), id);
    }
}
