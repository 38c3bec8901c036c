-- Schema 9 (evidence uploads): where each evidence file stands on its way to the hub, so a sync
-- interrupted mid-file (the app closed, the network cut) continues from the hub's offset after
-- a restart instead of from zero. One row per file, order and hub: the hub attaches a file to
-- each order it is evidence for. upload_id is the hub's (null until it gave one); sent is the
-- offset the hub last confirmed (HEAD asks again before continuing); done_at is set once the
-- hub holds the file for the order.

CREATE TABLE evidence_upload (
    hash      TEXT NOT NULL,
    order_no  TEXT NOT NULL,
    hub_url   TEXT NOT NULL,
    size      INTEGER NOT NULL,
    upload_id TEXT,
    sent      INTEGER NOT NULL DEFAULT 0,
    done_at   TEXT,
    PRIMARY KEY (hash, order_no, hub_url)
);
