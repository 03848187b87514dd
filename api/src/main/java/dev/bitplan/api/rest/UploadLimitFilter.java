package dev.bitplan.api.rest;

import dev.bitplan.api.config.ApiConfig;
import dev.bitplan.api.service.ModelSizeLimit;
import dev.bitplan.contracts.config.ConfigKeys;
import dev.bitplan.contracts.json.Json;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Refuses an upload whose declared Content-Length is over its limit before a byte of the body is read: the
 * client gets a 413 problem naming the limit at once, even if the body never comes.
 */
@ApplicationScoped
public class UploadLimitFilter {

    /** Room for the multipart framing and the form's other fields around the file. */
    static final long MULTIPART_ALLOWANCE = 1 << 20;

    @Inject
    ApiConfig config;

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::check);
    }

    private void check(RoutingContext ctx) {
        if (ctx.request().method() != HttpMethod.POST) {
            ctx.next();
            return;
        }
        String path = ctx.normalizedPath();
        boolean model = path.startsWith("/api/models");
        boolean dataset = path.startsWith("/api/datasets");
        String declared = ctx.request().getHeader("Content-Length");
        if (!(model || dataset) || declared == null) {
            ctx.next();
            return;
        }
        long length;
        try {
            length = Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            ctx.next();
            return;
        }
        long limit = model ? ModelSizeLimit.effective(config.limits().modelBytes()) : config.limits().datasetBytes();
        if (length <= limit + MULTIPART_ALLOWANCE) {
            ctx.next();
            return;
        }
        String key = model ? ConfigKeys.LIMITS_MODEL_BYTES : ConfigKeys.LIMITS_DATASET_BYTES;
        Problem p = Problem.of(413, "Payload too large", "the upload declares " + length + " bytes, over the "
                + (model ? "model" : "dataset") + " limit of " + limit + " bytes (" + key + ")"
                + (model && length > ModelSizeLimit.PROTOBUF_BYTES ? "; " + ModelSizeLimit.EXTERNAL_DATA_NOTE : ""), "file");
        ctx.response().setStatusCode(413).putHeader("Content-Type", Problem.MEDIA_TYPE).putHeader("Connection", "close")
                .end(Json.write(p)).onComplete(done -> ctx.request().connection().close());
    }
}
