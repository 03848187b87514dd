-- Nightly re-search (issue 12): what each model watches, each layer's digest with its upstream graph, and what each
-- nightly job reused and found.

-- engine.layers.LayerDigests: the layer, its BN and activation and every node feeding it; equal digests of two versions
-- mean the layer sees the same inputs and computes the same function, so its stored sensitivity and latency are reused.
ALTER TABLE model_layers ADD COLUMN graph_digest char(64);

-- One watch per model (the V3 table, until now unread): re-search on a new version, optionally poll a source URI for
-- new bytes (ETag / Last-Modified kept to ask the server cheaply), and post regressions to a webhook.
ALTER TABLE schedules ALTER COLUMN cron DROP NOT NULL;  -- null: the api's bitplan.nightly.cron
ALTER TABLE schedules
    ADD COLUMN on_new_version        boolean NOT NULL DEFAULT true,
    ADD COLUMN source_uri            text,
    ADD COLUMN source_etag           text,
    ADD COLUMN source_last_modified  text,
    ADD COLUMN source_sha256         char(64),
    ADD COLUMN source_checked_at     timestamptz,
    ADD COLUMN webhook_url           text,
    ADD COLUMN updated_at            timestamptz NOT NULL DEFAULT now();
CREATE UNIQUE INDEX schedules_one_per_model ON schedules (model_id);

-- The jobs a nightly run submitted: which job's rows they reused, and the comparison once they are DONE.
CREATE TABLE nightly_jobs (
    job_id             text PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
    model_id           text NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    previous_job_id    text REFERENCES jobs (id) ON DELETE SET NULL,
    reused_layers      jsonb NOT NULL,   -- layer names whose sensitivity and latency rows came from previous_job_id
    remeasured_layers  jsonb NOT NULL,   -- the others: new digests, measured by the worker
    previous_metric    double precision, -- best metric within the budgets, previous job and this one
    metric             double precision,
    regression         boolean,          -- null until compared
    compared_at        timestamptz,
    webhook_url        text,             -- where a regression is posted (an outbox: sent after commit, by any api)
    webhook_body       jsonb,            -- the JSON posted
    webhook_status     text,             -- 'pending', 'sending', 'sent 204', 'failed: ...'; null when nothing is due
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX nightly_jobs_model ON nightly_jobs (model_id, created_at);
