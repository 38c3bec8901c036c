-- CaseDesk hub, schema 8 (SQLite): carriers' credit records for the permit desk. The twin is
-- migrations/hub/postgres/0008_carrier_credit.sql: keep the two in step.
--
-- The platform's record of a carrier (统一社会信用代码): its credit code (红黄绿码, none when it
-- has no score) and its administrative penalties (行政处罚) as casedesk-domain's
-- AdministrativePenalty JSON, each with its repair date. Replaced whole by each update
-- (administrators), audited as carrier_credit.
CREATE TABLE carrier_credit (
    credit_id       TEXT PRIMARY KEY,
    enterprise_name TEXT NOT NULL,
    credit_code     TEXT CHECK (credit_code IN ('red', 'yellow', 'green')),
    penalties       TEXT NOT NULL,
    version         INTEGER NOT NULL,
    updated_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;

-- The carrier's standing as it was when the application arrived (casedesk-wire's
-- CarrierStanding JSON; NULL: no record of the carrier then). The fast track and the draw's
-- on-top share are judged on it, so a later update never changes a day already drawn.
ALTER TABLE permit_applications ADD COLUMN carrier_standing TEXT;
