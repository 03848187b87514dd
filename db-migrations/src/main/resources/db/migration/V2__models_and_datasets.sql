-- Models, their versions and layers; datasets.

CREATE TABLE models (
    id          text PRIMARY KEY,
    tenant_id   text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, name)
);

CREATE TABLE model_versions (
    id           text PRIMARY KEY,
    model_id     text NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    version      integer NOT NULL,
    blob_sha256  char(64) NOT NULL REFERENCES blobs (sha256),
    file_name    text,
    size_bytes   bigint NOT NULL,
    layers       integer NOT NULL,
    params       bigint NOT NULL,
    fp32_bytes   bigint NOT NULL,
    inputs       jsonb NOT NULL,  -- [{"name","elementType","shape"}]
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (model_id, version)
);

-- One row per quantizable layer of a version; the weights digest lets the nightly re-search see what changed.
CREATE TABLE model_layers (
    model_version_id  text NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
    layer_name        text NOT NULL,
    kind              text NOT NULL,
    pattern           text,
    params            bigint NOT NULL,
    macs              bigint NOT NULL,
    weights_sha256    char(64),
    PRIMARY KEY (model_version_id, layer_name)
);

CREATE TABLE datasets (
    id           text PRIMARY KEY,
    tenant_id    text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name         text NOT NULL,
    blob_sha256  char(64) NOT NULL REFERENCES blobs (sha256),
    file_name    text,
    size_bytes   bigint NOT NULL,
    samples      integer NOT NULL,
    arrays       jsonb NOT NULL,  -- [{"name","dtype","shape"}]
    has_labels   boolean NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX datasets_tenant ON datasets (tenant_id);
