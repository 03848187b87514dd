package dev.bitplan.api.rest;

import dev.bitplan.api.auth.Caller;
import dev.bitplan.api.service.ModelHistoryService;
import dev.bitplan.api.service.ModelService;
import dev.bitplan.api.service.Uploads;
import dev.bitplan.api.service.Views.ModelSummary;
import dev.bitplan.api.service.Views.ModelVersionView;
import dev.bitplan.api.service.Views.ModelView;
import dev.bitplan.api.service.WatchService;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** Models and versions; uploads are multipart ({@code file}, {@code name}), spooled to disk by Quarkus. */
@Path("/api/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelResource {

    @Inject
    ModelService models;

    @Inject
    WatchService watches;

    @Inject
    ModelHistoryService history;

    @Inject
    Caller caller;

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Response create(@RestForm("file") FileUpload file, @RestForm("name") String name) {
        ModelVersionView v = models.create(caller.tenantId(), name, upload(file));
        return Response.created(URI.create("/api/models/" + v.name())).entity(v).build();
    }

    @POST
    @Path("/{name}/versions")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Response addVersion(@PathParam("name") String name, @RestForm("file") FileUpload file) {
        ModelService.StoredVersion stored = models.addVersion(caller.tenantId(), name, upload(file));
        ModelVersionView v = stored.version();
        // the same bytes as an existing version: that version, 200 rather than 201
        return (stored.created() ? Response.created(URI.create("/api/models/" + v.name())) : Response.ok()).entity(v).build();
    }

    @GET
    public List<ModelSummary> list() {
        return models.list(caller.tenantId());
    }

    @GET
    @Path("/{name}")
    public ModelView get(@PathParam("name") String name) {
        return models.get(caller.tenantId(), name);
    }

    @GET
    @Path("/{name}/watch")
    public WatchService.WatchView watch(@PathParam("name") String name) {
        return watches.get(caller.tenantId(), name);
    }

    /** Replaces the model's watch settings (the nightly re-search); 400 names a bad field. */
    @PUT
    @Path("/{name}/watch")
    @Consumes(MediaType.APPLICATION_JSON)
    public WatchService.WatchView watch(@PathParam("name") String name, String body) {
        return watches.put(caller.tenantId(), name, JobRequestReader.read(body, WatchService.WatchSettings.class, "the watch settings",
                "{\"onNewVersion\": true, \"sourceUri\": \"file:///models/m.onnx\", \"webhookUrl\": \"https://hooks.example/bitplan\"}"));
    }

    @GET
    @Path("/{name}/history")
    public ModelHistoryService.History history(@PathParam("name") String name) {
        return history.history(caller.tenantId(), name);
    }

    static Uploads upload(FileUpload file) {
        return file == null ? Uploads.of(null, null, 0, "file") : Uploads.of(file.uploadedFile(), file.fileName(), file.size(), "file");
    }
}
