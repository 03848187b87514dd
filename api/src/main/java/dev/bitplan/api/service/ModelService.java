package dev.bitplan.api.service;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.bitplan.api.config.ApiConfig;
import dev.bitplan.api.persistence.BlobStore;
import dev.bitplan.api.persistence.ModelEntity;
import dev.bitplan.api.persistence.ModelVersionEntity;
import dev.bitplan.api.service.ModelFileCheck.ValidatedModel;
import dev.bitplan.api.service.Views.ModelSummary;
import dev.bitplan.api.service.Views.ModelVersionView;
import dev.bitplan.api.service.Views.ModelView;
import dev.bitplan.api.service.problems.ConflictException;
import dev.bitplan.api.service.problems.InvalidRequestException;
import dev.bitplan.api.service.problems.ResourceNotFoundException;
import dev.bitplan.contracts.blob.Sha256;
import dev.bitplan.contracts.json.Json;
import dev.bitplan.contracts.report.ModelInspection.LayerInfo;
import dev.bitplan.contracts.report.ModelInspection.TensorSpec;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Models and their versions: validated with the engine first, then stored once per content. */
@ApplicationScoped
public class ModelService {

    public static final String MEDIA_TYPE = "application/onnx";
    private static final TypeReference<List<TensorSpec>> SPECS = new TypeReference<>() {
    };

    @Inject
    ApiConfig config;

    @Inject
    BlobStore blobs;

    @Inject
    EntityManager em;

    public ModelVersionView create(String tenantId, String name, Uploads upload) {
        String n = Names.require("name", name);
        requireWithinLimit(upload);
        if (QuarkusTransaction.requiringNew().call(() -> ModelEntity.byName(tenantId, n)) != null) {
            throw new ConflictException("name", "a model named '" + n + "' exists already; add a version with POST /api/models/"
                    + n + "/versions");
        }
        ValidatedModel valid = ModelFileCheck.check(upload.file(), upload.fileName());
        return QuarkusTransaction.requiringNew().call(() -> {
            if (ModelEntity.byName(tenantId, n) != null) {
                throw new ConflictException("name", "a model named '" + n + "' exists already");
            }
            ModelEntity m = new ModelEntity();
            m.id = UUID.randomUUID().toString();
            m.tenantId = tenantId;
            m.name = n;
            m.createdAt = Instant.now();
            m.persist();
            return storeVersion(m, 1, upload, valid);
        });
    }

    /** A version of a model, and whether this upload made it ({@code created}) or found it with the same bytes. */
    public record StoredVersion(ModelVersionView version, boolean created) {
    }

    /**
     * Adds the upload as the model's next version, unless a version has these very bytes (same sha256): then that
     * version is the answer, so that "a new version" always means new content (what the nightly re-search watches).
     */
    public StoredVersion addVersion(String tenantId, String name, Uploads upload) {
        requireWithinLimit(upload);
        ModelEntity found = model(tenantId, name); // 404 before the work of validating
        String sha256 = Sha256.of(upload.file());
        ModelVersionEntity same = QuarkusTransaction.requiringNew().call(() -> ModelVersionEntity.withContent(found.id, sha256));
        if (same != null) {
            return new StoredVersion(view(found, same), false);
        }
        ValidatedModel valid = ModelFileCheck.check(upload.file(), upload.fileName());
        return QuarkusTransaction.requiringNew().call(() -> {
            ModelEntity m = model(tenantId, name);
            em.createNativeQuery("SELECT 1 FROM models WHERE id = ?1 FOR UPDATE").setParameter(1, m.id).getResultList();
            ModelVersionEntity raced = ModelVersionEntity.withContent(m.id, sha256); // the same bytes uploaded at the same time
            if (raced != null) {
                return new StoredVersion(view(m, raced), false);
            }
            ModelVersionEntity latest = ModelVersionEntity.latest(m.id);
            return new StoredVersion(storeVersion(m, latest == null ? 1 : latest.version + 1, upload, valid), true);
        });
    }

    /** The tenant's models by name, with their latest version number and count of versions, in one query. */
    @Transactional
    public List<ModelSummary> list(String tenantId) {
        return em.createQuery("select m.name, coalesce(max(v.version), 0), count(v) from ModelEntity m "
                        + "left join ModelVersionEntity v on v.modelId = m.id where m.tenantId = :tenant "
                        + "group by m.id, m.name order by m.name", Object[].class)
                .setParameter("tenant", tenantId).getResultStream()
                .map(r -> new ModelSummary((String) r[0], ((Number) r[1]).intValue(), ((Number) r[2]).intValue())).toList();
    }

    @Transactional
    public ModelView get(String tenantId, String name) {
        ModelEntity m = model(tenantId, name);
        return new ModelView(m.name, ModelVersionEntity.ofModel(m.id).stream().map(v -> view(m, v)).toList());
    }

    /** The version a job names: by id, or by model name and number (default: latest). 404/422 name the field. */
    @Transactional
    public ModelVersionEntity resolve(String tenantId, String versionId, String name, Integer number) {
        if (versionId != null) {
            ModelVersionEntity v = ModelVersionEntity.findById(versionId);
            ModelEntity m = v == null ? null : ModelEntity.findById(v.modelId);
            if (m == null || !m.tenantId.equals(tenantId)) {
                throw new ResourceNotFoundException("modelVersionId", "model version", versionId);
            }
            return v;
        }
        if (name == null) {
            throw new InvalidRequestException("modelVersionId",
                    "name the model: 'modelVersionId', or 'model' (a name) with optional 'version'");
        }
        ModelEntity m = ModelEntity.byName(tenantId, name);
        if (m == null) {
            throw new ResourceNotFoundException("model", "model", name);
        }
        ModelVersionEntity v = number == null ? ModelVersionEntity.latest(m.id) : ModelVersionEntity.byNumber(m.id, number);
        if (v == null) {
            throw new ResourceNotFoundException("version", "version " + number + " of model", name);
        }
        return v;
    }

    public static List<TensorSpec> inputs(ModelVersionEntity v) {
        try {
            return Json.mapper().readValue(v.inputs, SPECS);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored inputs of model version " + v.id + " do not parse", e);
        }
    }

    public static ModelVersionView view(ModelEntity m, ModelVersionEntity v) {
        return new ModelVersionView(m.name, v.version, v.id, v.blobSha256, v.sizeBytes, v.layers, v.params, v.fp32Bytes,
                inputs(v), v.createdAt);
    }

    private ModelEntity model(String tenantId, String name) {
        ModelEntity m = ModelEntity.byName(tenantId, name);
        if (m == null) {
            throw new ResourceNotFoundException("name", "model", name);
        }
        return m;
    }

    private ModelVersionView storeVersion(ModelEntity m, int number, Uploads upload, ValidatedModel valid) {
        BlobStore.BlobInfo blob = blobs.store(upload.file(), MEDIA_TYPE);
        ModelVersionEntity v = new ModelVersionEntity();
        v.id = UUID.randomUUID().toString();
        v.modelId = m.id;
        v.version = number;
        v.blobSha256 = blob.sha256();
        v.fileName = upload.fileName();
        v.sizeBytes = blob.sizeBytes();
        v.layers = valid.inspection().layers().size();
        v.params = valid.inspection().layers().stream().mapToLong(LayerInfo::params).sum();
        v.fp32Bytes = valid.inspection().fp32Bytes();
        v.inputs = Json.write(valid.inspection().inputs());
        v.createdAt = Instant.now();
        v.persist();
        em.flush();
        for (LayerInfo l : valid.inspection().layers()) {
            em.createNativeQuery("INSERT INTO model_layers (model_version_id, layer_name, kind, pattern, params, macs, weights_sha256, "
                            + "graph_digest) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
                    .setParameter(1, v.id).setParameter(2, l.name()).setParameter(3, l.kind()).setParameter(4, l.pattern())
                    .setParameter(5, l.params()).setParameter(6, l.macs()).setParameter(7, valid.weightDigests().get(l.name()))
                    .setParameter(8, valid.graphDigests().get(l.name())).executeUpdate();
        }
        return view(m, v);
    }

    private void requireWithinLimit(Uploads upload) {
        String refusal = ModelSizeLimit.refusal(upload.fileName(), upload.size(), config.limits().modelBytes());
        if (refusal != null) {
            throw new dev.bitplan.api.service.problems.UploadTooLargeException("file", refusal);
        }
    }
}
