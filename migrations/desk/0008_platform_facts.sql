-- Schema 8: enterprises the provincial platform reports with an alarm, reaching the desk with
-- a pulled order (docs/sync-protocol.md, "Pull").
--
-- Such an enterprise comes with its name, industry and, when the platform has them, its unified
-- social credit identifier (统一社会信用代码, credit_id) and its credit score; an enterprise the
-- platform does not grade has no score and so no red/yellow/green code. The table is rebuilt
-- because SQLite cannot drop NOT NULL by ALTER; ids are kept, so vehicles, drivers and orders
-- keep pointing at their rows (foreign keys are off while migrations run and checked in full
-- before the commit: crates/store/src/db.rs).

CREATE TABLE enterprise_v7 (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    industry     TEXT NOT NULL,
    county_code  TEXT NOT NULL,
    credit_score INTEGER,
    credit_code  TEXT CHECK (credit_code IN ('red', 'yellow', 'green')),
    credit_id    TEXT,
    CHECK ((credit_score IS NULL) = (credit_code IS NULL))
) STRICT;
INSERT INTO enterprise_v7(id, name, industry, county_code, credit_score, credit_code)
    SELECT id, name, industry, county_code, credit_score, credit_code FROM enterprise;
DROP TABLE enterprise;
ALTER TABLE enterprise_v7 RENAME TO enterprise;

-- A pulled order finds its enterprise by credit id, else by name.
CREATE UNIQUE INDEX enterprise_credit_id ON enterprise(credit_id) WHERE credit_id IS NOT NULL;
CREATE INDEX enterprise_name ON enterprise(name);
-- And its driver among the enterprise's.
CREATE INDEX driver_enterprise ON driver(enterprise_id, name);
