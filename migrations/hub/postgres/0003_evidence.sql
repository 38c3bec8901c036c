-- CaseDesk hub, schema 2 (PostgreSQL): evidence files. The SQLite twin is
-- migrations/hub/sqlite/0002_evidence.sql. The bytes live in the object store (a folder
-- beside the database, or an S3 bucket) under their SHA-256; these tables hold everything
-- else, so any hub instance on this database can continue an upload another one began.

-- Stored files, one per hash. file_name and mime are the first uploader's label and type.
CREATE TABLE evidence (
    sha256    TEXT PRIMARY KEY,
    size      BIGINT NOT NULL,
    mime      TEXT NOT NULL,
    file_name TEXT NOT NULL,
    stored_at TEXT NOT NULL,
    stored_by TEXT NOT NULL
);

-- Which orders a file is evidence for: a download is allowed to whoever sees one of them.
CREATE TABLE evidence_orders (
    sha256   TEXT NOT NULL REFERENCES evidence(sha256),
    order_no TEXT NOT NULL REFERENCES work_orders(order_no),
    PRIMARY KEY (sha256, order_no)
);

-- Uploads under way (and finished ones, complete = 1, so a desk that lost the last answer
-- learns the outcome). upload_offset is the authority: a chunk counts once its row is here.
CREATE TABLE evidence_uploads (
    upload_id     TEXT PRIMARY KEY,
    sha256        TEXT NOT NULL,
    size          BIGINT NOT NULL,
    mime          TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    order_no      TEXT NOT NULL REFERENCES work_orders(order_no),
    user_id       BIGINT NOT NULL REFERENCES users(id),
    device_id     TEXT NOT NULL,
    upload_offset BIGINT NOT NULL DEFAULT 0,
    complete      BIGINT NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
    created_at    TEXT NOT NULL
);

-- The received chunks of an upload, each an object of its own (object_key) until the upload
-- completes and they are joined under the hash.
CREATE TABLE evidence_upload_chunks (
    upload_id    TEXT NOT NULL REFERENCES evidence_uploads(upload_id) ON DELETE CASCADE,
    start_offset BIGINT NOT NULL,
    len          BIGINT NOT NULL,
    object_key   TEXT NOT NULL,
    PRIMARY KEY (upload_id, start_offset)
);
