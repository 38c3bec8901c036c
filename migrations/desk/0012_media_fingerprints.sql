-- Schema 12 (the permit desk's media checks): the fingerprints of the photos and videos of
-- permit applications, to warn when a file was already submitted with another application.
-- Derived from the files themselves (recomputable), so kept locally without outbox rows.
-- Keyed by the file's SHA-256 and the application: the same bytes sent with two applications
-- are two rows, which is what the duplicate check looks for. application_id is plain text
-- (no foreign key yet: the application tables come with the hub's permit sync).
-- hashes: 64-bit perceptual hashes, 8 bytes big-endian each (a photo's picture and crop
-- views, or a video's sampled frames).
CREATE TABLE media_fingerprints (
    sha256         TEXT NOT NULL,
    application_id TEXT NOT NULL,
    material       TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('photo', 'video')),
    hashes         BLOB NOT NULL,
    recorded_at    TEXT NOT NULL,
    PRIMARY KEY (sha256, application_id)
) STRICT;
CREATE INDEX media_fingerprints_application ON media_fingerprints(application_id);
