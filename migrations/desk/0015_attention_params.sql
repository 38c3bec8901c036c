-- Schema 15: an attention item keeps its refusal's parameters (a JSON object of strings, as the
-- hub sent them) beside the code, so the reason is worded from this desk's catalogue in its
-- user's language. The list is replaced whole by each sync, so the old rows get '{}' only
-- until the next one.
ALTER TABLE attention_items ADD COLUMN params TEXT NOT NULL DEFAULT '{}';
