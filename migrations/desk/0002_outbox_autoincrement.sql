-- CaseDesk offline cache, schema 2: outbox sequence numbers are never reused.
-- With a plain INTEGER PRIMARY KEY, removing the newest rows once they are sent lets the next
-- row take a number already handed out; the hub's checkpoints count on seq only growing.
-- AUTOINCREMENT keeps the largest seq ever used in sqlite_sequence. The table is rebuilt (SQLite
-- cannot alter a key) with its rows and their numbers.

CREATE TABLE outbox_new (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    mutation_id  TEXT NOT NULL UNIQUE,
    device_id    TEXT NOT NULL,
    order_id     INTEGER NOT NULL REFERENCES work_order(id),
    order_no     TEXT NOT NULL,
    action       TEXT NOT NULL,
    payload      TEXT NOT NULL,
    base_version INTEGER NOT NULL,
    created_at   TEXT NOT NULL
) STRICT;

INSERT INTO outbox_new(seq, mutation_id, device_id, order_id, order_no, action, payload,
                       base_version, created_at)
SELECT seq, mutation_id, device_id, order_id, order_no, action, payload, base_version, created_at
FROM outbox ORDER BY seq;

DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
