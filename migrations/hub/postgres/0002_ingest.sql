-- CaseDesk hub, schema 2 (PostgreSQL): orders ingested from the provincial platform. The
-- SQLite twin is migrations/hub/sqlite/0002_ingest.sql: keep the two in step.
--
-- alarm_id is the platform's alarm (record) id, the dedupe key: the same alarm posted twice
-- finds its order here and makes no second one. NULL for orders not from the platform (the
-- demo's); a unique index allows any number of NULLs in both engines.
-- enterprise and driver are the platform's facts as JSON (casedesk-wire's EnterpriseFacts and
-- DriverFacts), NULL when not reported; they travel with the order to the desks.
ALTER TABLE work_orders ADD COLUMN alarm_id TEXT;
ALTER TABLE work_orders ADD COLUMN enterprise TEXT;
ALTER TABLE work_orders ADD COLUMN driver TEXT;
CREATE UNIQUE INDEX work_orders_alarm ON work_orders(alarm_id);
