-- CaseDesk hub, schema 6 (sqlite; twin: migrations/hub/postgres/0006_interceptions.sql): interceptions, for the whitelist
-- proposal rule. A coach intercepted twice or more with nothing illegal found, no violation and
-- no open entry is proposed for the whitelist (经2次及以上拦截未发现违法行为的客车). Each desk saw
-- only its own interceptions; the hub sees every desk's, so it proposes, in the transaction that
-- applies the interception that reaches the count, and the proposal reaches the supervisors
-- with the next pull.
CREATE TABLE interceptions (
    id       INTEGER PRIMARY KEY,
    plate    TEXT NOT NULL,
    order_no TEXT NOT NULL REFERENCES work_orders(order_no),
    outcome  TEXT NOT NULL,
    at       TEXT NOT NULL
) STRICT;

CREATE INDEX interceptions_plate ON interceptions(plate);
