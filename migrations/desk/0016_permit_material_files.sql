-- Schema 16 (remote review of permit applications): the materials this desk holds. A file is
-- downloaded from the hub by its SHA-256 into the evidence store (a download cut short waits in
-- evidence/partial/<sha256> and continues with a Range request); only bytes that matched their
-- hash get a row here. `inspection` is casedesk-media's reading of the file as JSON (kind,
-- metadata, findings: no EXIF, cuts), or `inspection_error` (an AppError as JSON) when the file
-- does not decode. Derived from the hub's files, so no outbox rows: the fingerprints of photos
-- and videos go to media_fingerprints under the hub's application id.
CREATE TABLE permit_material_files (
    sha256           TEXT PRIMARY KEY,
    size             INTEGER NOT NULL,
    mime             TEXT NOT NULL,
    held_at          TEXT NOT NULL,
    inspection       TEXT,
    inspection_error TEXT
) STRICT;
