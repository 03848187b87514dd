package dev.bitplan.api.service;

import dev.bitplan.api.persistence.ModelEntity;
import dev.bitplan.api.persistence.ModelWatchEntity;
import dev.bitplan.api.service.problems.ResourceNotFoundException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.UUID;

/** A model's watch settings for the nightly re-search: read and replaced whole, checked field by field. */
@ApplicationScoped
public class WatchService {

    /**
     * The body of {@code PUT /api/models/{name}/watch}; null fields take their defaults.
     *
     * @param enabled       whether nightly runs look at the model at all (default true)
     * @param onNewVersion  re-search when a version newer than the last search's appears (default true)
     * @param sourceUri     {@code file://} or {@code http(s)://}: polled each night, its new bytes become a new version
     * @param webhookUrl    {@code http(s)://}: receives a JSON POST when a nightly job regresses
     */
    public record WatchSettings(Boolean enabled, Boolean onNewVersion, String sourceUri, String webhookUrl) {
    }

    /** A watch as the API shows it; {@code watched} false: the model has none (the defaults are shown). */
    public record WatchView(String model, boolean watched, boolean enabled, boolean onNewVersion, String sourceUri, String webhookUrl,
                            Instant sourceCheckedAt, Instant lastRunAt, String lastJobId) {
    }

    @Transactional
    public WatchView get(String tenantId, String name) {
        ModelEntity m = model(tenantId, name);
        ModelWatchEntity w = ModelWatchEntity.ofModel(m.id);
        return w == null ? new WatchView(m.name, false, false, true, null, null, null, null, null) : view(m, w);
    }

    @Transactional
    public WatchView put(String tenantId, String name, WatchSettings settings) {
        ModelEntity m = model(tenantId, name);
        String source = WatchUris.source("sourceUri", settings.sourceUri());
        String webhook = WatchUris.webhook("webhookUrl", settings.webhookUrl());
        ModelWatchEntity w = ModelWatchEntity.ofModel(m.id);
        Instant now = Instant.now();
        if (w == null) {
            w = new ModelWatchEntity();
            w.id = UUID.randomUUID().toString();
            w.tenantId = tenantId;
            w.modelId = m.id;
            w.createdAt = now;
        }
        if (!java.util.Objects.equals(w.sourceUri, source)) {
            // another source: what was seen of the old one says nothing about the new one
            w.sourceEtag = null;
            w.sourceLastModified = null;
            w.sourceSha256 = null;
        }
        w.enabled = settings.enabled() == null || settings.enabled();
        w.onNewVersion = settings.onNewVersion() == null || settings.onNewVersion();
        w.sourceUri = source;
        w.webhookUrl = webhook;
        w.updatedAt = now;
        w.persist();
        return view(m, w);
    }

    private static WatchView view(ModelEntity m, ModelWatchEntity w) {
        return new WatchView(m.name, true, w.enabled, w.onNewVersion, w.sourceUri, w.webhookUrl, w.sourceCheckedAt, w.lastRunAt, w.lastJobId);
    }

    static ModelEntity model(String tenantId, String name) {
        ModelEntity m = ModelEntity.byName(tenantId, name);
        if (m == null) {
            throw new ResourceNotFoundException("name", "model", name);
        }
        return m;
    }
}
