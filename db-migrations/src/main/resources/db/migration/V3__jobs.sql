-- Jobs and everything the workers report about them. The api is the only writer.

CREATE TABLE jobs (
    id                      text PRIMARY KEY,
    tenant_id               text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    model_version_id        text NOT NULL REFERENCES model_versions (id),
    dataset_id              text NOT NULL REFERENCES datasets (id),
    calibration_dataset_id  text REFERENCES datasets (id),
    spec                    jsonb NOT NULL,   -- contracts.job.JobSpec
    state                   text NOT NULL,    -- contracts.job.JobState
    stage                   text,
    progress_done           integer,
    progress_total          integer,
    stage_started_at        timestamptz,      -- with stage_start_done: the rate of progress for the ETA
    stage_start_done        integer,
    eta_seconds             bigint,
    error                   text,
    recommended             text,             -- candidate id ("<jobId>:<proposal id>")
    candidates_expected     integer,
    profile                 jsonb,            -- contracts.search.SearchProfile
    report                  jsonb,            -- contracts.search.SearchReport
    worker                  text,
    published_at            timestamptz,      -- SearchRequested sent; null: the relay sends it again
    created_at              timestamptz NOT NULL DEFAULT now(),
    started_at              timestamptz,
    updated_at              timestamptz NOT NULL DEFAULT now(),
    finished_at             timestamptz
);
CREATE INDEX jobs_tenant_created ON jobs (tenant_id, created_at DESC);
CREATE INDEX jobs_unpublished ON jobs (created_at) WHERE published_at IS NULL AND state = 'QUEUED';

CREATE TABLE job_events (
    id       bigserial PRIMARY KEY,
    job_id   text NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    at       timestamptz NOT NULL DEFAULT now(),
    type     text NOT NULL,
    state    text,
    stage    text,
    message  text,
    done     integer,
    total    integer,
    worker   text
);
CREATE INDEX job_events_job ON job_events (job_id, id);

-- Per-layer sensitivity as measured so far; upserted by (job, layer) so a resumed worker never doubles a row.
CREATE TABLE sensitivity (
    job_id       text NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    layer        text NOT NULL,
    result       jsonb NOT NULL,  -- contracts.search.LayerSensitivity
    measured_at  timestamptz NOT NULL DEFAULT now(),
    worker       text,
    PRIMARY KEY (job_id, layer)
);

CREATE TABLE latency_table (
    job_id        text NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    layer         text NOT NULL,
    option_label  text NOT NULL,
    millis        double precision NOT NULL,
    PRIMARY KEY (job_id, layer, option_label)
);

CREATE TABLE candidates (
    id                    text PRIMARY KEY,  -- "<jobId>:<proposal id>"
    job_id                text NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    proposal_id           text NOT NULL,
    kind                  text NOT NULL,
    plan                  jsonb,
    result                jsonb NOT NULL,    -- contracts.search.Candidate as measured
    metric                double precision NOT NULL,
    size_bytes            bigint NOT NULL,
    latency_ms            double precision,
    bops                  bigint NOT NULL,
    on_front              boolean NOT NULL DEFAULT false,
    within_budgets        boolean NOT NULL DEFAULT false,
    artifact_sha256       char(64) REFERENCES blobs (sha256),
    worker                text,
    created_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX candidates_job ON candidates (job_id);

-- Nightly re-search of models with a new version (a later issue reads these).
CREATE TABLE schedules (
    id           text PRIMARY KEY,
    tenant_id    text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    model_id     text NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    cron         text NOT NULL,
    spec         jsonb,
    enabled      boolean NOT NULL DEFAULT true,
    last_run_at  timestamptz,
    last_job_id  text REFERENCES jobs (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
