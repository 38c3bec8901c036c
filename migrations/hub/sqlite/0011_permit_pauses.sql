-- CaseDesk hub, schema 11 (SQLite): the pauses of a permit application's decision clock
-- (暂停计时: road or bridge reinforcement, technical assessment).
-- The twin is migrations/hub/postgres/0011_permit_pauses.sql: keep the two in step.
--
-- pauses is a JSON array of casedesk-domain's Pause ({reason, from, until}), oldest first, the
-- last one open (until null) while the clock is stopped. It changes only through pushed
-- mutations (entity permit_application, actions permit_pause and permit_resume) checked with
-- the domain's apply_clock_action, and each change moves the row's version and change number
-- so every desk of the jurisdiction pulls it.
ALTER TABLE permit_applications ADD COLUMN pauses TEXT NOT NULL DEFAULT '[]';
