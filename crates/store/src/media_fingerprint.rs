//! The stored fingerprints of permit applications' photos and videos (schema 12): recorded
//! when an application's files are indexed, loaded whole to build the duplicate index.

use rusqlite::{params, TransactionBehavior};

use crate::{Store, StoreError};

/// One file of one application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaFingerprintRow {
    pub sha256: String,
    pub application_id: String,
    /// The material code (`measurement_video`, `watermarked_photos`, …).
    pub material: String,
    pub file_name: String,
    /// `photo` or `video`.
    pub kind: String,
    pub hashes: Vec<u64>,
    pub recorded_at: String,
}

fn pack(hashes: &[u64]) -> Vec<u8> {
    hashes.iter().flat_map(|h| h.to_be_bytes()).collect()
}

fn unpack(blob: &[u8]) -> Vec<u64> {
    blob.chunks_exact(8)
        .map(|c| {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            u64::from_be_bytes(b)
        })
        .collect()
}

/// Inserts fingerprint rows inside the caller's transaction; a file already recorded for the
/// same application is replaced.
pub(crate) fn insert_fingerprints(
    tx: &rusqlite::Transaction<'_>,
    rows: &[MediaFingerprintRow],
) -> Result<(), StoreError> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO media_fingerprints
           (sha256, application_id, material, file_name, kind, hashes, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(sha256, application_id) DO UPDATE SET
           material = excluded.material, file_name = excluded.file_name,
           kind = excluded.kind, hashes = excluded.hashes,
           recorded_at = excluded.recorded_at",
    )?;
    for r in rows {
        insert.execute(params![
            r.sha256,
            r.application_id,
            r.material,
            r.file_name,
            r.kind,
            pack(&r.hashes),
            r.recorded_at
        ])?;
    }
    Ok(())
}

impl Store {
    /// Records the fingerprints of one indexing in one transaction (all or none); a file
    /// already recorded for the same application is replaced.
    pub fn record_media_fingerprints(
        &mut self,
        rows: &[MediaFingerprintRow],
    ) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        insert_fingerprints(&tx, rows)?;
        tx.commit()?;
        Ok(())
    }

    /// Every stored fingerprint, in a stable order (application, file).
    pub fn media_fingerprints(&self) -> Result<Vec<MediaFingerprintRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT sha256, application_id, material, file_name, kind, hashes, recorded_at
             FROM media_fingerprints ORDER BY application_id, file_name, sha256",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(MediaFingerprintRow {
                    sha256: r.get(0)?,
                    application_id: r.get(1)?,
                    material: r.get(2)?,
                    file_name: r.get(3)?,
                    kind: r.get(4)?,
                    hashes: unpack(&r.get::<_, Vec<u8>>(5)?),
                    recorded_at: r.get(6)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(sha: &str, app: &str, hashes: Vec<u64>) -> MediaFingerprintRow {
        MediaFingerprintRow {
            sha256: sha.into(),
            application_id: app.into(),
            material: "watermarked_photos".into(),
            file_name: "front.jpg".into(),
            kind: "photo".into(),
            hashes,
            recorded_at: "2026-11-30T08:00:00+08:00".into(),
        }
    }

    #[test]
    fn fingerprints_round_trip_and_the_same_file_is_kept_per_application() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(&dir.path().join("cache.db")).expect("open");
        let a = row("aa", "HD-1", vec![u64::MAX, 1, 0x0123_4567_89ab_cdef]);
        let b = row("aa", "HD-2", vec![7]);
        store
            .record_media_fingerprints(&[a.clone(), b.clone()])
            .expect("record");
        // Indexing the same application again replaces, not duplicates.
        store
            .record_media_fingerprints(std::slice::from_ref(&a))
            .expect("again");
        assert_eq!(store.media_fingerprints().expect("load"), vec![a, b]);
    }

    #[test]
    fn a_refused_row_records_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(&dir.path().join("cache.db")).expect("open");
        let mut bad = row("bb", "HD-3", vec![1]);
        bad.kind = "pdf".into();
        assert!(store
            .record_media_fingerprints(&[row("aa", "HD-3", vec![1]), bad])
            .is_err());
        assert!(store.media_fingerprints().expect("load").is_empty());
    }
}
