-- CaseDesk hub, schema 9 (PostgreSQL): an attention item keeps its refusal's parameters (a JSON object
-- of strings, casedesk-wire's Rejection params) beside the code, so a supervisor's desk words
-- the reason from its own catalogue. Items stored before have none: their desks show the hub's
-- texts. The twin is migrations/hub/sqlite/0009_attention_params.sql.
ALTER TABLE attention_items ADD COLUMN params TEXT NOT NULL DEFAULT '{}';
