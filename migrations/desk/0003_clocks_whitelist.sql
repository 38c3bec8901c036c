-- Schema 3: a clock per state, vehicles without an enterprise, interceptions, the whitelist.
--
-- work_order and vehicle are rebuilt because an order (and a vehicle) may now have no licensed
-- enterprise, which SQLite cannot allow by ALTER. Ids are kept, so events, evidence, the outbox
-- and the trigram index (external content, by rowid) stay valid; foreign keys are off while
-- migrations run and checked in full before the commit (crates/store/src/db.rs). The old single deadline becomes the running clock: owner, rank (0 = minutes on the
-- clock, 1 = working days, 2 = finished) and due moment as 'YYYY-MM-DD HH:MM' (a working-day
-- deadline is due at 23:59 of its day), the one sortable form for both kinds.

CREATE TABLE vehicle_v3 (
    id            INTEGER PRIMARY KEY,
    plate         TEXT NOT NULL UNIQUE,
    -- NULL for a vehicle with no licensed enterprise (suspected illegal operation).
    enterprise_id INTEGER REFERENCES enterprise(id),
    industry      TEXT,
    owner_name    TEXT,
    dishonest     INTEGER NOT NULL DEFAULT 0 CHECK (dishonest IN (0, 1))
) STRICT;
INSERT INTO vehicle_v3(id, plate, enterprise_id, industry)
    SELECT id, plate, enterprise_id, industry FROM vehicle;

-- Whitelist entries: proposed by the interception rule or added by a supervisor, each with its
-- kind, reason, dates and decisions. Dates are 'YYYY-MM-DD'.
CREATE TABLE whitelist (
    id              INTEGER PRIMARY KEY,
    plate           TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('repeated_clean_interception', 'enterprise_self_use', 'large_event_rental')),
    status          TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'declined', 'revoked')),
    reason          TEXT NOT NULL,
    event_name      TEXT,
    valid_from      TEXT NOT NULL,
    valid_until     TEXT,
    decided_by      TEXT,
    decision_reason TEXT,
    revoked_by      TEXT,
    revoke_reason   TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX whitelist_plate ON whitelist(plate, status);
-- Vehicles whitelisted under schema 1 keep their entry, approved; when it began is not known,
-- so it counts from the start of the records.
INSERT INTO whitelist(plate, kind, status, reason, valid_from, decided_by, decision_reason, created_at, updated_at)
    SELECT plate,
           CASE whitelist_reason WHEN 'repeated_fruitless_interception' THEN 'repeated_clean_interception'
                ELSE whitelist_reason END,
           'approved', '升级前已列入白名单', '2000-01-01', '系统迁移', '升级前已列入白名单',
           strftime('%Y-%m-%d %H:%M', 'now', '+8 hours'), strftime('%Y-%m-%d %H:%M', 'now', '+8 hours')
    FROM vehicle WHERE whitelist_reason IS NOT NULL;

CREATE TABLE work_order_v3 (
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
    -- NULL when the vehicle has no licensed enterprise; enterprise_name is then ''.
    enterprise_id             INTEGER REFERENCES enterprise(id),
    enterprise_name           TEXT NOT NULL,
    driver_id                 INTEGER REFERENCES driver(id),
    county_code               TEXT NOT NULL,
    place                     TEXT NOT NULL,
    detected_at               TEXT NOT NULL,
    -- The violation's response time, kept to restart the handling clock on reassignment.
    response_minutes          INTEGER,
    response_days             INTEGER,
    handling_due              TEXT NOT NULL,
    -- The running clock.
    clock_owner               TEXT CHECK (clock_owner IN ('officer', 'enterprise', 'supervisor', 'authority')),
    clock_rank                INTEGER NOT NULL CHECK (clock_rank IN (0, 1, 2)),
    due_at                    TEXT,
    claimed_by                TEXT,
    rectification_requirement TEXT,
    rectification_deadline    TEXT,
    rectifications            INTEGER NOT NULL DEFAULT 0,
    notice_authority          TEXT,
    feedback_due              TEXT,
    interception_override     TEXT,
    outcome                   TEXT CHECK (outcome IN ('confirmed', 'groundless')),
    transfer_to               TEXT,
    version                   INTEGER NOT NULL DEFAULT 1,
    updated_at                TEXT NOT NULL,
    CHECK ((clock_rank = 2) = (clock_owner IS NULL) AND (clock_owner IS NULL) = (due_at IS NULL))
) STRICT;

-- Old orders: the handling deadline was a working day; the running clock follows the status.
INSERT INTO work_order_v3(id, order_no, status, industry, violation_code, violation_name,
        clue_category, source, plate, vehicle_id, enterprise_id, enterprise_name, driver_id,
        county_code, place, detected_at, response_minutes, response_days, handling_due,
        clock_owner, clock_rank, due_at, claimed_by, rectification_requirement,
        rectification_deadline, rectifications, outcome, transfer_to, version, updated_at)
    SELECT id, order_no,
           CASE WHEN status = 'rectifying' AND rectifications > 0 THEN 'rectified' ELSE status END,
           industry, violation_code, violation_name, clue_category, source, plate,
           vehicle_id, enterprise_id, enterprise_name, driver_id, county_code, place,
           detected_at, NULL, 5, deadline || ' 23:59',
           CASE WHEN status IN ('closed', 'transferred') THEN NULL
                WHEN status = 'rectifying' AND rectifications = 0 THEN 'enterprise'
                WHEN status IN ('submitted', 'returned') THEN 'supervisor'
                ELSE 'officer' END,
           CASE WHEN status IN ('closed', 'transferred') THEN 2 ELSE 1 END,
           CASE WHEN status IN ('closed', 'transferred') THEN NULL
                WHEN status = 'rectifying' AND rectifications = 0
                     THEN coalesce(rectification_deadline, deadline) || ' 23:59'
                ELSE deadline || ' 23:59' END,
           claimed_by, rectification_requirement, rectification_deadline, rectifications,
           CASE WHEN status = 'closed' THEN 'confirmed' END, transfer_to, version, updated_at
    FROM work_order;

DROP TABLE work_order;
ALTER TABLE work_order_v3 RENAME TO work_order;
DROP TABLE vehicle;
ALTER TABLE vehicle_v3 RENAME TO vehicle;

-- One index per inbox filter, each ending in the clock's sort key, so a filtered first page
-- is an index walk: minutes-clocks first, then by due moment.
CREATE INDEX wo_status_due      ON work_order(status, clock_rank, due_at);
CREATE INDEX wo_status_detected ON work_order(status, detected_at);
CREATE INDEX wo_industry_due    ON work_order(industry, clock_rank, due_at);
CREATE INDEX wo_industry_detected ON work_order(industry, detected_at);
CREATE INDEX wo_violation_due   ON work_order(violation_code, clock_rank, due_at);
CREATE INDEX wo_category_due    ON work_order(clue_category, clock_rank, due_at);
CREATE INDEX wo_claimed_due     ON work_order(claimed_by, clock_rank, due_at);
CREATE INDEX wo_claimed_detected ON work_order(claimed_by, detected_at);
CREATE INDEX wo_due             ON work_order(clock_rank, due_at);
CREATE INDEX wo_detected        ON work_order(detected_at);
-- The default view hides finished orders, which are most of an old cache.
CREATE INDEX wo_open_due        ON work_order(clock_rank, due_at) WHERE status NOT IN ('closed', 'transferred');
CREATE INDEX wo_open_detected   ON work_order(detected_at) WHERE status NOT IN ('closed', 'transferred');
-- 已逾期 / 今日到期: open orders by due moment alone, whatever their clock's unit.
CREATE INDEX wo_open_due_at     ON work_order(due_at) WHERE clock_rank < 2;
-- Plate prefixes shorter than a trigram (豫A) search by range on this index, which also holds
-- the status, so counting them reads no row.
CREATE INDEX wo_plate           ON work_order(plate, status);
CREATE INDEX wo_vehicle         ON work_order(vehicle_id);

-- Orders per status, kept by triggers: the inbox's count of a status (or of the open orders)
-- without a search or another filter is a sum of a few rows, exact, instead of a walk over a
-- hundred thousand index entries.
CREATE TABLE status_count (
    status TEXT PRIMARY KEY,
    n      INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO status_count(status, n) SELECT status, count(*) FROM work_order GROUP BY status;
CREATE TRIGGER wo_count_insert AFTER INSERT ON work_order BEGIN
    INSERT INTO status_count(status, n) VALUES (new.status, 1)
        ON CONFLICT(status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER wo_count_delete AFTER DELETE ON work_order BEGIN
    UPDATE status_count SET n = n - 1 WHERE status = old.status;
END;
CREATE TRIGGER wo_count_update AFTER UPDATE OF status ON work_order
    WHEN old.status IS NOT new.status BEGIN
    UPDATE status_count SET n = n - 1 WHERE status = old.status;
    INSERT INTO status_count(status, n) VALUES (new.status, 1)
        ON CONFLICT(status) DO UPDATE SET n = n + 1;
END;

-- The trigram index keeps its rows (same rowids); only its triggers went with the old table.
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

-- Interceptions with their outcome; the vehicle's page lists them and the whitelist rule
-- counts the clean ones.
CREATE TABLE interception (
    id         INTEGER PRIMARY KEY,
    order_id   INTEGER NOT NULL REFERENCES work_order(id),
    event_id   INTEGER NOT NULL REFERENCES event(id),
    plate      TEXT NOT NULL,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    outcome    TEXT NOT NULL CHECK (outcome IN ('violation_found', 'nothing_found', 'vehicle_not_found')),
    overridden INTEGER NOT NULL CHECK (overridden IN (0, 1))
) STRICT;
CREATE INDEX interception_plate ON interception(plate, at);

-- The outbox carries whitelist decisions too: a mutation names its entity and key (an order's
-- number, a vehicle's plate). Sequence numbers are never reused (AUTOINCREMENT), and the
-- rebuilt table continues from the highest number ever handed out.
CREATE TABLE outbox_v3 (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    mutation_id  TEXT NOT NULL UNIQUE,
    device_id    TEXT NOT NULL,
    entity       TEXT NOT NULL CHECK (entity IN ('work_order', 'whitelist')),
    entity_key   TEXT NOT NULL,
    order_id     INTEGER REFERENCES work_order(id),
    action       TEXT NOT NULL,
    payload      TEXT NOT NULL,
    base_version INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    CHECK ((entity = 'work_order') = (order_id IS NOT NULL))
) STRICT;
INSERT INTO outbox_v3(seq, mutation_id, device_id, entity, entity_key, order_id, action, payload, base_version, created_at)
    SELECT seq, mutation_id, device_id, 'work_order', order_no, order_id, action, payload, base_version, created_at
    FROM outbox;
DELETE FROM sqlite_sequence WHERE name = 'outbox_v3';
INSERT INTO sqlite_sequence(name, seq)
    SELECT 'outbox_v3', max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0),
                            coalesce((SELECT max(seq) FROM outbox), 0));
DROP TABLE outbox;
ALTER TABLE outbox_v3 RENAME TO outbox;
