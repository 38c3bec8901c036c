-- CaseDesk hub, schema 7 (SQLite): the permit desk (大件运输). The PostgreSQL twin is
-- migrations/hub/postgres/0007_permits.sql: keep the two in step.
--
-- A carrier's application, as checked (crates/wire/src/permit.rs). (carrier_credit_id,
-- carrier_reference) identifies a submission: the same one sent twice finds its row here.
-- service_point is the county division code of the permit service point; day is the service
-- point's permit day the application counts in (its reception date, or the next open day when
-- that one was closed). received_at has microseconds: the day's commitment precedes it.
CREATE TABLE permit_applications (
    application_id    TEXT PRIMARY KEY,
    carrier_credit_id TEXT NOT NULL,
    carrier_reference TEXT NOT NULL,
    service_point     TEXT NOT NULL,
    city_code         TEXT NOT NULL,
    day               TEXT NOT NULL,
    received_at       TEXT NOT NULL,
    first_application INTEGER NOT NULL CHECK (first_application IN (0, 1)),
    submission        TEXT NOT NULL,
    received_by       TEXT NOT NULL,
    version           INTEGER NOT NULL,
    seq               INTEGER NOT NULL UNIQUE,
    updated_at        TEXT NOT NULL,
    UNIQUE (carrier_credit_id, carrier_reference)
) STRICT;
CREATE INDEX permit_applications_point_seq ON permit_applications(service_point, seq);
CREATE INDEX permit_applications_city_seq ON permit_applications(city_code, seq);
CREATE INDEX permit_applications_day ON permit_applications(service_point, day);

-- An application's files, in the submission's order; the bytes are evidence, kept once by hash
-- (the evidence table and the object store), whichever application or order brought them.
CREATE TABLE permit_materials (
    application_id TEXT NOT NULL REFERENCES permit_applications(application_id),
    position       INTEGER NOT NULL,
    material       TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    sha256         TEXT NOT NULL REFERENCES evidence(sha256),
    PRIMARY KEY (application_id, position)
) STRICT;
CREATE INDEX permit_materials_sha256 ON permit_materials(sha256);

-- A service point's permit day: a fresh 32-byte seed from the OS, its SHA-256 published as the
-- commitment before the day's first application, the seed revealed (pulled) only once the day
-- is closed, with the draw and the candidates it was drawn from. seed is secret until then:
-- the pull sends it only when closed_at is set.
CREATE TABLE permit_days (
    service_point TEXT NOT NULL,
    city_code     TEXT NOT NULL,
    day           TEXT NOT NULL,
    seed          TEXT NOT NULL,
    commitment    TEXT NOT NULL,
    committed_at  TEXT NOT NULL,
    closed_at     TEXT,
    closed_by     TEXT,
    candidates    TEXT,
    draw          TEXT,
    version       INTEGER NOT NULL,
    seq           INTEGER NOT NULL UNIQUE,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (service_point, day)
) STRICT;
CREATE INDEX permit_days_point_seq ON permit_days(service_point, seq);
CREATE INDEX permit_days_city_seq ON permit_days(city_code, seq);

-- The dishonest-enterprise list (失信企业库): an entry per listing of a carrier (by credit id),
-- with the jurisdiction that listed it (it holds there and below), the domain's ListEntry as JSON
-- (behaviour, graded penalty, listing date, repair conditions, repair date). The hub dates the
-- listing and the repair (today), so a closed day's draw never changes afterwards.
CREATE TABLE dishonest_entries (
    id              INTEGER PRIMARY KEY,
    credit_id       TEXT NOT NULL,
    enterprise_name TEXT NOT NULL,
    division        TEXT NOT NULL,
    entry           TEXT NOT NULL,
    version         INTEGER NOT NULL,
    seq             INTEGER NOT NULL UNIQUE,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX dishonest_entries_credit ON dishonest_entries(credit_id);
