-- Schema 4: sync with the hub.
--
-- sync_state: the one hub this cache syncs with, who signed in, and the pull checkpoint (the
-- largest change number of the hub applied here), advanced in the same transaction as the page
-- it ends. Tokens are not here: they live in the OS keyring (docs/sync-protocol.md).
CREATE TABLE sync_state (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    hub_url       TEXT NOT NULL,
    username      TEXT NOT NULL,
    role          TEXT NOT NULL,
    jurisdiction  TEXT NOT NULL,
    checkpoint    INTEGER NOT NULL DEFAULT 0 CHECK (checkpoint >= 0),
    last_sync_at  TEXT
) STRICT;

-- A mutation the hub refused stays in the outbox with the hub's reason (never dropped) and no
-- longer holds up the queue: only rows with refused_at NULL are pushed.
ALTER TABLE outbox ADD COLUMN refused_code TEXT;
ALTER TABLE outbox ADD COLUMN refused_zh TEXT;
ALTER TABLE outbox ADD COLUMN refused_en TEXT;
ALTER TABLE outbox ADD COLUMN refused_at TEXT;
-- "Does this order (or plate) still have unsent mutations?", asked for every pulled row.
CREATE INDEX outbox_unsent ON outbox(entity, entity_key) WHERE refused_at IS NULL;

-- Entries pulled from the hub carry its id; local proposals have none until the hub sends one.
ALTER TABLE whitelist ADD COLUMN hub_id INTEGER;
CREATE UNIQUE INDEX whitelist_hub_id ON whitelist(hub_id) WHERE hub_id IS NOT NULL;

-- A pulled row that was not applied because its order (or plate) had unsent mutations: kept
-- here, newest per entity, and applied by a later pull once those mutations are answered, so
-- the hub's state is not lost when a refused mutation means the hub row never changes again.
CREATE TABLE sync_deferred (
    entity     TEXT NOT NULL CHECK (entity IN ('work_order', 'whitelist')),
    entity_key TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    change     TEXT NOT NULL,
    PRIMARY KEY (entity, entity_key)
) STRICT;
