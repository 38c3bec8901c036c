-- Schema 10 (the supervisor's attention list): the hub's open attention items of this
-- supervisor's jurisdiction, as the last sync fetched them (the whole list is replaced each
-- sync; resolving one online removes it). Work-order mutations another officer's claim refused,
-- with what that officer recorded (payload, the action's JSON).
CREATE TABLE attention_items (
    id          INTEGER PRIMARY KEY,
    order_no    TEXT NOT NULL,
    county_code TEXT NOT NULL,
    holder      TEXT,
    username    TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    mutation_id TEXT NOT NULL,
    action      TEXT NOT NULL,
    payload     TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    code        TEXT NOT NULL,
    message_zh  TEXT NOT NULL,
    message_en  TEXT NOT NULL,
    refused_at  TEXT NOT NULL
) STRICT;
