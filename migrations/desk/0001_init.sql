-- CaseDesk offline cache, schema 1.
-- Dates are text: 'YYYY-MM-DD' for days, 'YYYY-MM-DD HH:MM' for moments (Beijing time), so that
-- they sort as text and read plainly in a SQLite shell.

CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE enterprise (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    industry     TEXT NOT NULL,
    county_code  TEXT NOT NULL,
    credit_score INTEGER NOT NULL,
    credit_code  TEXT NOT NULL CHECK (credit_code IN ('red', 'yellow', 'green'))
) STRICT;

CREATE TABLE vehicle (
    id               INTEGER PRIMARY KEY,
    plate            TEXT NOT NULL UNIQUE,
    enterprise_id    INTEGER NOT NULL REFERENCES enterprise(id),
    industry         TEXT NOT NULL,
    whitelist_reason TEXT
) STRICT;

CREATE TABLE driver (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    phone         TEXT NOT NULL,
    enterprise_id INTEGER NOT NULL REFERENCES enterprise(id)
) STRICT;

CREATE TABLE work_order (
    id                        INTEGER PRIMARY KEY,
    order_no                  TEXT NOT NULL UNIQUE,
    status                    TEXT NOT NULL,
    industry                  TEXT NOT NULL,
    violation_code            TEXT NOT NULL,
    violation_name            TEXT NOT NULL,
    clue_category             INTEGER NOT NULL CHECK (clue_category BETWEEN 1 AND 3),
    source                    TEXT NOT NULL,
    plate                     TEXT NOT NULL,
    vehicle_id                INTEGER REFERENCES vehicle(id),
    enterprise_id             INTEGER NOT NULL REFERENCES enterprise(id),
    enterprise_name           TEXT NOT NULL,
    driver_id                 INTEGER REFERENCES driver(id),
    county_code               TEXT NOT NULL,
    place                     TEXT NOT NULL,
    detected_at               TEXT NOT NULL,
    deadline                  TEXT NOT NULL,
    claimed_by                TEXT,
    rectification_requirement TEXT,
    rectification_deadline    TEXT,
    rectifications            INTEGER NOT NULL DEFAULT 0,
    transfer_to               TEXT,
    version                   INTEGER NOT NULL DEFAULT 1,
    updated_at                TEXT NOT NULL
) STRICT;

-- One index per inbox filter, each ending in a sort key so a filtered first page is an index walk.
CREATE INDEX wo_status_deadline     ON work_order(status, deadline);
CREATE INDEX wo_status_detected     ON work_order(status, detected_at);
CREATE INDEX wo_industry_deadline   ON work_order(industry, deadline);
CREATE INDEX wo_industry_detected   ON work_order(industry, detected_at);
CREATE INDEX wo_violation_deadline  ON work_order(violation_code, deadline);
CREATE INDEX wo_category_deadline   ON work_order(clue_category, deadline);
CREATE INDEX wo_claimed_deadline    ON work_order(claimed_by, deadline);
CREATE INDEX wo_claimed_detected    ON work_order(claimed_by, detected_at);
CREATE INDEX wo_deadline            ON work_order(deadline);
-- The default view hides finished orders, which are most of an old cache.
CREATE INDEX wo_open_deadline       ON work_order(deadline) WHERE status NOT IN ('closed', 'transferred');
CREATE INDEX wo_open_detected       ON work_order(detected_at) WHERE status NOT IN ('closed', 'transferred');
CREATE INDEX wo_detected            ON work_order(detected_at);
-- Plate prefixes shorter than a trigram (豫A) search by range on this index.
CREATE INDEX wo_plate               ON work_order(plate);

-- Full-text search over plate, enterprise, violation type and place. Trigram: substring search
-- that works for Chinese without a word segmenter.
CREATE VIRTUAL TABLE work_order_fts USING fts5(
    plate, enterprise_name, violation_name, place,
    content = 'work_order', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER wo_fts_insert AFTER INSERT ON work_order BEGIN
    INSERT INTO work_order_fts(rowid, plate, enterprise_name, violation_name, place)
    VALUES (new.id, new.plate, new.enterprise_name, new.violation_name, new.place);
END;
CREATE TRIGGER wo_fts_delete AFTER DELETE ON work_order BEGIN
    INSERT INTO work_order_fts(work_order_fts, rowid, plate, enterprise_name, violation_name, place)
    VALUES ('delete', old.id, old.plate, old.enterprise_name, old.violation_name, old.place);
END;
CREATE TRIGGER wo_fts_update AFTER UPDATE OF plate, enterprise_name, violation_name, place ON work_order BEGIN
    INSERT INTO work_order_fts(work_order_fts, rowid, plate, enterprise_name, violation_name, place)
    VALUES ('delete', old.id, old.plate, old.enterprise_name, old.violation_name, old.place);
    INSERT INTO work_order_fts(rowid, plate, enterprise_name, violation_name, place)
    VALUES (new.id, new.plate, new.enterprise_name, new.violation_name, new.place);
END;

-- The timeline: every action on an order, append-only. Payload is the action's JSON.
CREATE TABLE event (
    id       INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES work_order(id),
    at       TEXT NOT NULL,
    actor    TEXT NOT NULL,
    kind     TEXT NOT NULL,
    payload  TEXT NOT NULL
) STRICT;
CREATE INDEX event_order ON event(order_id, id);

-- Evidence files attached to an event; the bytes live in the content-addressed store.
CREATE TABLE evidence (
    event_id  INTEGER NOT NULL REFERENCES event(id),
    hash      TEXT NOT NULL CHECK (length(hash) = 64),
    file_name TEXT NOT NULL,
    size      INTEGER NOT NULL,
    mime      TEXT NOT NULL,
    PRIMARY KEY (event_id, hash)
) STRICT;

-- Mutations waiting to be sent to the hub, written in the same transaction as the change.
CREATE TABLE outbox (
    seq          INTEGER PRIMARY KEY,
    mutation_id  TEXT NOT NULL UNIQUE,
    device_id    TEXT NOT NULL,
    order_id     INTEGER NOT NULL REFERENCES work_order(id),
    order_no     TEXT NOT NULL,
    action       TEXT NOT NULL,
    payload      TEXT NOT NULL,
    base_version INTEGER NOT NULL,
    created_at   TEXT NOT NULL
) STRICT;

-- Form drafts, so what was typed survives a closed drawer, a restart or a crash.
CREATE TABLE draft (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
