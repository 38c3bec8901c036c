-- Schema 7 (what became of a refused action): a mutation the hub refused stays in the outbox for
-- good; the officer may dismiss it (放弃, with a record) or do it again (重做, a new mutation).
-- `resolution` says which ('dismissed' / 'redone'), with who and when; NULL while it waits for
-- a decision. Resolved rows leave the refusal list but are never deleted.

ALTER TABLE outbox ADD COLUMN resolution TEXT CHECK (resolution IN ('dismissed', 'redone'));
ALTER TABLE outbox ADD COLUMN resolved_by TEXT;
ALTER TABLE outbox ADD COLUMN resolved_at TEXT;
