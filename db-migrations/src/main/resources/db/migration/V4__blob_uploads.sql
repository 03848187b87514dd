-- Uploads of content-addressed files in progress (workers' exported models). A worker sends a file in 1 MiB
-- chunks, each stored as it arrives, so an interrupted upload resumes where it stopped; the api checks the whole
-- file's sha256 before it moves the chunks into blob_chunks, so blobs only ever holds complete, verified files.
CREATE TABLE blob_uploads (
    sha256      char(64) PRIMARY KEY,
    size_bytes  bigint NOT NULL,
    media_type  text NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE blob_upload_chunks (
    sha256  char(64) NOT NULL REFERENCES blob_uploads (sha256) ON DELETE CASCADE,
    seq     integer NOT NULL,
    data    bytea NOT NULL,
    PRIMARY KEY (sha256, seq)
);
