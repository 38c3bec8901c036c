-- CaseDesk hub, schema 4 (SQLite): the supervisor's attention list. The PostgreSQL twin is
-- migrations/hub/postgres/0004_attention.sql. A work-order mutation refused because another
-- officer holds the order (claimed_by_other, not_claimant) is written here in the same
-- transaction as its stored refusal, with what the officer recorded, and stays open until a
-- supervisor of the order's city or the province resolves it (resolved_at set, audited).
CREATE TABLE attention_items (
    id              INTEGER PRIMARY KEY,
    order_no        TEXT NOT NULL REFERENCES work_orders(order_no),
    county_code     TEXT NOT NULL,
    city_code       TEXT NOT NULL,
    holder          TEXT,
    username        TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    -- One item per mutation id: only the first decision of a mutation records one.
    mutation_id     TEXT NOT NULL UNIQUE,
    action          TEXT NOT NULL,
    payload         TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    code            TEXT NOT NULL,
    message_zh      TEXT NOT NULL,
    message_en      TEXT NOT NULL,
    refused_at      TEXT NOT NULL,
    resolved_at     TEXT,
    resolved_by     TEXT,
    resolution_note TEXT
) STRICT;

CREATE INDEX attention_items_open_city ON attention_items(city_code) WHERE resolved_at IS NULL;
