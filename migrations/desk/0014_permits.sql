-- Schema 14 (the permit desk, 大件运输): the hub's applications and permit days of this desk's
-- jurisdiction, as pulled. Each row keeps the hub's change as JSON (casedesk-wire's
-- ApplicationChange, PermitDay: the submission, the materials' metadata and hashes; the
-- commitment, and once the day is closed its seed, candidates and draw) with the columns the
-- lists are read by. The hub's row always wins: nothing here is edited at the desk.
CREATE TABLE permit_applications (
    application_id TEXT PRIMARY KEY,
    service_point  TEXT NOT NULL,
    day            TEXT NOT NULL,
    received_at    TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    change         TEXT NOT NULL
) STRICT;
CREATE INDEX permit_applications_day ON permit_applications(day, service_point, received_at);

CREATE TABLE permit_days (
    service_point TEXT NOT NULL,
    day           TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    change        TEXT NOT NULL,
    PRIMARY KEY (service_point, day)
) STRICT;

-- The dishonest-enterprise list (失信企业库) entries that hold within the jurisdiction, as the
-- hub sent them (casedesk-wire's DishonestEntry): they decide the fast track and the draw's
-- on-top share at the desk as on the hub.
CREATE TABLE permit_dishonest (
    id        INTEGER PRIMARY KEY,
    credit_id TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    change    TEXT NOT NULL
) STRICT;
CREATE INDEX permit_dishonest_credit ON permit_dishonest(credit_id);
