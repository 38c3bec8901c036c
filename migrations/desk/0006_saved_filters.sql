-- Schema 6 (saved filters): the inbox's filters kept under a name (常用筛选), for the window and
-- the CLI alike. `query` is the InboxQuery as JSON (page 1). `used` orders the applications:
-- the filter with the highest is the one in use, restored at start; 0 for none.

CREATE TABLE saved_filter (
    name       TEXT PRIMARY KEY,
    query      TEXT NOT NULL CHECK (json_valid(query)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    used       INTEGER NOT NULL DEFAULT 0
);
