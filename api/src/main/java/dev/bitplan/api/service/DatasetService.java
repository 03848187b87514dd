package dev.bitplan.api.service;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.bitplan.api.config.ApiConfig;
import dev.bitplan.api.persistence.BlobStore;
import dev.bitplan.api.persistence.DatasetEntity;
import dev.bitplan.api.service.DatasetFileCheck.ValidatedDataset;
import dev.bitplan.api.service.Views.ArrayInfo;
import dev.bitplan.api.service.Views.DatasetView;
import dev.bitplan.api.service.problems.InvalidRequestException;
import dev.bitplan.api.service.problems.ResourceNotFoundException;
import dev.bitplan.contracts.config.ConfigKeys;
import dev.bitplan.contracts.json.Json;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** NPZ datasets: validated with the engine, stored once per content. */
@ApplicationScoped
public class DatasetService {

    public static final String MEDIA_TYPE = "application/x-npz";
    private static final TypeReference<List<ArrayInfo>> ARRAYS = new TypeReference<>() {
    };

    @Inject
    ApiConfig config;

    @Inject
    BlobStore blobs;

    public DatasetView upload(String tenantId, String name, Uploads upload) {
        String n = Names.require("name", name);
        upload.requireAtMost(config.limits().datasetBytes(), ConfigKeys.LIMITS_DATASET_BYTES);
        ValidatedDataset valid = DatasetFileCheck.check(upload.file(), upload.fileName(), config.limits().datasetBytes());
        return QuarkusTransaction.requiringNew().call(() -> {
            BlobStore.BlobInfo blob = blobs.store(upload.file(), MEDIA_TYPE);
            DatasetEntity d = new DatasetEntity();
            d.id = UUID.randomUUID().toString();
            d.tenantId = tenantId;
            d.name = n;
            d.blobSha256 = blob.sha256();
            d.fileName = upload.fileName();
            d.sizeBytes = blob.sizeBytes();
            d.samples = valid.samples();
            d.arrays = Json.write(valid.arrays());
            d.hasLabels = valid.hasLabels();
            d.createdAt = Instant.now();
            d.persist();
            return view(d);
        });
    }

    @Transactional
    public DatasetView get(String tenantId, String id) {
        return view(require(tenantId, id, "id"));
    }

    @Transactional
    public List<DatasetView> list(String tenantId) {
        return DatasetEntity.<DatasetEntity>list("tenantId = ?1 order by createdAt", tenantId).stream().map(DatasetService::view).toList();
    }

    /** The tenant's dataset, or 404 naming {@code field}. */
    public static DatasetEntity require(String tenantId, String id, String field) {
        DatasetEntity d = DatasetEntity.ofTenant(tenantId, id);
        if (d == null) {
            throw id == null
                    ? new InvalidRequestException(field, "'" + field + "' is missing; upload a dataset with POST /api/datasets")
                    : new ResourceNotFoundException(field, "dataset", id);
        }
        return d;
    }

    public static List<ArrayInfo> arrays(DatasetEntity d) {
        try {
            return Json.mapper().readValue(d.arrays, ARRAYS);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored arrays of dataset " + d.id + " do not parse", e);
        }
    }

    static DatasetView view(DatasetEntity d) {
        return new DatasetView(d.id, d.name, d.blobSha256, d.sizeBytes, d.samples, arrays(d), d.hasLabels, d.createdAt);
    }
}
