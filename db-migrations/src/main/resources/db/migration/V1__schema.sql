-- BitPlan schema, version 1. Applied by the api at start (quarkus.flyway.migrate-at-start) and usable by the
-- Flyway CLI. Ids are text (UUIDs or "<jobId>:<proposal id>"); JSON that only the api reads back is jsonb.

-- Tenants and their API tokens. Tokens are stored as sha256 hex, never in plain text.
CREATE TABLE tenants (
    id          text PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_tokens (
    id            text PRIMARY KEY,
    tenant_id     text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name          text NOT NULL,
    token_sha256  char(64) NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz
);
CREATE INDEX api_tokens_tenant ON api_tokens (tenant_id);

-- Content-addressed files (models, datasets, exported candidates). The content lives in 1 MiB chunks so that
-- it is streamed in and out, never held whole in memory. A blob is shared by every row that names its hash.
CREATE TABLE blobs (
    sha256      char(64) PRIMARY KEY,
    size_bytes  bigint NOT NULL,
    media_type  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE blob_chunks (
    sha256  char(64) NOT NULL REFERENCES blobs (sha256) ON DELETE CASCADE,
    seq     integer NOT NULL,
    data    bytea NOT NULL,
    PRIMARY KEY (sha256, seq)
);
