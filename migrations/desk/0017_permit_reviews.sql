-- Schema 17: the review of a permit application at this desk (审核), before and after its
-- verdict. draft is casedesk-domain's ReviewDraft as JSON (the checklist marks with remarks and
-- the notes pinned to a time of a material), kept as the reviewer works so nothing is lost on a
-- crash. Once a verdict is given here, verdict, decided_by, decided_at and the mutation_id of the
-- outbox row that carries it to the hub are set in the same transaction as that row, and the
-- draft is no longer edited. The hub's decided review arrives with the pulled application
-- (permit_applications.change) and wins over what is here.
CREATE TABLE permit_reviews (
    application_id TEXT PRIMARY KEY,
    draft          TEXT NOT NULL,
    verdict        TEXT,
    decided_by     TEXT,
    decided_at     TEXT,
    mutation_id    TEXT,
    updated_at     TEXT NOT NULL
) STRICT;

-- The outbox carries permit reviews too (entity permit_application, keyed by the application's
-- id). SQLite cannot change a CHECK by ALTER, so the table is rebuilt with every column it has
-- gathered since schema 3; rows and sequence numbers are kept (AUTOINCREMENT continues from the
-- highest number ever handed out).
CREATE TABLE outbox_v15 (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    mutation_id    TEXT NOT NULL UNIQUE,
    device_id      TEXT NOT NULL,
    entity         TEXT NOT NULL CHECK (entity IN ('work_order', 'whitelist', 'permit_application')),
    entity_key     TEXT NOT NULL,
    order_id       INTEGER REFERENCES work_order(id),
    action         TEXT NOT NULL,
    payload        TEXT NOT NULL,
    base_version   INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    refused_code   TEXT,
    refused_zh     TEXT,
    refused_en     TEXT,
    refused_at     TEXT,
    resolution     TEXT CHECK (resolution IN ('dismissed', 'redone')),
    resolved_by    TEXT,
    resolved_at    TEXT,
    refused_params TEXT,
    CHECK ((entity = 'work_order') = (order_id IS NOT NULL))
) STRICT;
INSERT INTO outbox_v15(seq, mutation_id, device_id, entity, entity_key, order_id, action, payload,
        base_version, created_at, refused_code, refused_zh, refused_en, refused_at, resolution,
        resolved_by, resolved_at, refused_params)
    SELECT seq, mutation_id, device_id, entity, entity_key, order_id, action, payload,
        base_version, created_at, refused_code, refused_zh, refused_en, refused_at, resolution,
        resolved_by, resolved_at, refused_params
    FROM outbox;
DELETE FROM sqlite_sequence WHERE name = 'outbox_v15';
INSERT INTO sqlite_sequence(name, seq)
    SELECT 'outbox_v15', max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0),
                             coalesce((SELECT max(seq) FROM outbox), 0));
DROP TABLE outbox;
ALTER TABLE outbox_v15 RENAME TO outbox;
CREATE INDEX outbox_unsent ON outbox(entity, entity_key) WHERE refused_at IS NULL;
