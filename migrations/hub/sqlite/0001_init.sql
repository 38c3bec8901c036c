-- CaseDesk hub, schema 1 (SQLite). The PostgreSQL twin is migrations/hub/postgres/0001_init.sql:
-- keep the two in step. Times the rules read are Beijing time text 'YYYY-MM-DD HH:MM:SS';
-- expiry and rate-limit times are Unix seconds, compared as numbers.

-- Counters handed out under the write lock: 'change' numbers every row change (the pull
-- checkpoint), 'audit' numbers the audit chain. Taking the next number inside the writing
-- transaction makes commits happen in number order, so a pull never skips a number that
-- commits later.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT;
INSERT INTO counters(name, value) VALUES ('change', 0), ('audit', 0);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    -- argon2id, PHC string (salt and parameters inside).
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    -- '41' the province, 4 digits a city, 6 a county.
    jurisdiction  TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    TEXT NOT NULL
) STRICT;

-- Tokens are random; only their SHA-256 is stored, so a copy of the database logs no one in.
CREATE TABLE access_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    device_id  TEXT NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX access_tokens_expiry ON access_tokens(expires_at);

-- Refresh tokens rotate: each use revokes the token and issues the next one of its family. A
-- revoked token presented again revokes the whole family (it was copied).
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    family     TEXT NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    device_id  TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked    INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
) STRICT;
CREATE INDEX refresh_tokens_family ON refresh_tokens(family);

-- Failed and successful logins, per user name and per client address: the rate limit counts
-- failures here, so every hub instance behind a balancer sees the same count.
CREATE TABLE login_attempts (
    id       INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    client   TEXT NOT NULL,
    at       INTEGER NOT NULL,
    ok       INTEGER NOT NULL CHECK (ok IN (0, 1))
) STRICT;
CREATE INDEX login_attempts_user ON login_attempts(username, at);
CREATE INDEX login_attempts_client ON login_attempts(client, at);

-- The hub's authoritative orders. state is the domain's OrderState as JSON (casedesk-wire's
-- OrderStateWire); status and claimed_by are copies for queries and reading by eye.
CREATE TABLE work_orders (
    order_no       TEXT PRIMARY KEY,
    violation_code TEXT NOT NULL,
    plate          TEXT NOT NULL,
    place          TEXT NOT NULL,
    detected_at    TEXT NOT NULL,
    county_code    TEXT NOT NULL,
    city_code      TEXT NOT NULL,
    status         TEXT NOT NULL,
    claimed_by     TEXT,
    state          TEXT NOT NULL,
    version        INTEGER NOT NULL,
    seq            INTEGER NOT NULL UNIQUE,
    updated_at     TEXT NOT NULL
) STRICT;
CREATE INDEX work_orders_county_seq ON work_orders(county_code, seq);
CREATE INDEX work_orders_city_seq ON work_orders(city_code, seq);
CREATE INDEX work_orders_plate ON work_orders(plate);

-- Whitelist entries, a history per vehicle; division is the deciding jurisdiction.
CREATE TABLE whitelist_entries (
    id         INTEGER PRIMARY KEY,
    plate      TEXT NOT NULL,
    division   TEXT NOT NULL,
    status     TEXT NOT NULL,
    entry      TEXT NOT NULL,
    version    INTEGER NOT NULL,
    seq        INTEGER NOT NULL UNIQUE,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX whitelist_entries_plate ON whitelist_entries(plate, id);

-- Every mutation decided, applied or rejected, with its answer: a retry gets the answer again
-- and changes nothing (at most once). digest guards against one id reused for another action.
CREATE TABLE applied_mutations (
    mutation_id TEXT PRIMARY KEY,
    digest      TEXT NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    device_id   TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_key  TEXT NOT NULL,
    action      TEXT NOT NULL,
    result      TEXT NOT NULL,
    at          TEXT NOT NULL
) STRICT;

-- Append-only, hash-chained: hash = SHA-256 over the row's fields and prev_hash
-- (crates/hub/src/audit.rs). `casedesk-hub audit verify` recomputes the chain.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    username    TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_key  TEXT NOT NULL,
    mutation_id TEXT,
    before      TEXT NOT NULL,
    after       TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
) STRICT;
