-- CaseDesk desk cache, schema 11: evidence rows by hash. The window serves a stored file only
-- when a record of this cache names its hash (Store::evidence_mime), once per file opened; the
-- primary key starts with the event, so that lookup scanned every evidence row.
CREATE INDEX evidence_hash ON evidence(hash);
