//! The permit materials this desk holds (schema 16): a row per file whose downloaded bytes
//! matched their hash, with what the media checks read from it; recorded together with the
//! file's fingerprints under each application that handed it in, in one transaction.

use rusqlite::{params, OptionalExtension, TransactionBehavior};

use crate::media_fingerprint::insert_fingerprints;
use crate::{MediaFingerprintRow, Store, StoreError};

/// A material file held at this desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaterialFileRow {
    pub sha256: String,
    pub size: u64,
    pub mime: String,
    pub held_at: String,
    /// casedesk-media's reading (JSON), when the file decoded.
    pub inspection: Option<String>,
    /// Why it could not be read (an AppError as JSON).
    pub inspection_error: Option<String>,
}

impl Store {
    /// Records a held file and its fingerprints (all or nothing).
    pub fn record_material_file(
        &mut self,
        row: &MaterialFileRow,
        fingerprints: &[MediaFingerprintRow],
    ) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.prepare_cached(
            "INSERT INTO permit_material_files
                 (sha256, size, mime, held_at, inspection, inspection_error)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(sha256) DO UPDATE SET size = excluded.size, mime = excluded.mime,
                 held_at = excluded.held_at, inspection = excluded.inspection,
                 inspection_error = excluded.inspection_error",
        )?
        .execute(params![
            row.sha256,
            row.size as i64,
            row.mime,
            row.held_at,
            row.inspection,
            row.inspection_error
        ])?;
        insert_fingerprints(&tx, fingerprints)?;
        tx.commit()?;
        Ok(())
    }

    /// The held file with this hash, if any.
    pub fn material_file(&self, sha256: &str) -> Result<Option<MaterialFileRow>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT sha256, size, mime, held_at, inspection, inspection_error
                 FROM permit_material_files WHERE sha256 = ?1",
            )?
            .query_row([sha256], |r| {
                Ok(MaterialFileRow {
                    sha256: r.get(0)?,
                    size: r.get::<_, i64>(1)? as u64,
                    mime: r.get(2)?,
                    held_at: r.get(3)?,
                    inspection: r.get(4)?,
                    inspection_error: r.get(5)?,
                })
            })
            .optional()?)
    }

    /// Whether `application_id` has a fingerprint recorded for the file `sha256`.
    pub fn has_fingerprint(&self, sha256: &str, application_id: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT 1 FROM media_fingerprints WHERE sha256 = ?1 AND application_id = ?2",
            )?
            .query_row([sha256, application_id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// The applications of day `since` (`YYYY-MM-DD`) or later, oldest first, with a material
    /// this desk does not hold, or a held photo or video not yet fingerprinted under them (the
    /// same bytes handed in with two applications are downloaded once, fingerprinted twice).
    pub fn applications_missing_materials(&self, since: &str) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.application_id FROM permit_applications a
             WHERE a.day >= ?1 AND EXISTS (
               SELECT 1 FROM json_each(a.change, '$.materials') m
               WHERE NOT EXISTS (SELECT 1 FROM permit_material_files f
                                 WHERE f.sha256 = m.value ->> '$.sha256')
                  OR (m.value ->> '$.mime' IN ('video/mp4', 'image/jpeg', 'image/png')
                      AND NOT EXISTS (SELECT 1 FROM media_fingerprints p
                                      WHERE p.sha256 = m.value ->> '$.sha256'
                                        AND p.application_id = a.application_id)))
             ORDER BY a.received_at, a.application_id",
        )?;
        let ids = stmt
            .query_map([since], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        Ok(ids)
    }

    /// The recorded type of a file the window may be served: an order's evidence or a held
    /// permit material. None for any other hash.
    pub fn served_mime(&self, hash: &str) -> Result<Option<String>, StoreError> {
        if let Some(m) = self.evidence_mime(hash)? {
            return Ok(Some(m));
        }
        Ok(self
            .conn
            .prepare_cached("SELECT mime FROM permit_material_files WHERE sha256 = ?1")?
            .query_row([hash], |r| r.get(0))
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_file_is_served_and_its_fingerprints_recorded_with_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(&dir.path().join("cache.db")).expect("open");
        let row = MaterialFileRow {
            sha256: "ab".repeat(32),
            size: 42,
            mime: "video/mp4".into(),
            held_at: "2026-11-30 09:00:00".into(),
            inspection: Some("{}".into()),
            inspection_error: None,
        };
        let fp = MediaFingerprintRow {
            sha256: row.sha256.clone(),
            application_id: "P-1".into(),
            material: "measurement_video".into(),
            file_name: "measurement.mp4".into(),
            kind: "video".into(),
            hashes: vec![1, 2],
            recorded_at: row.held_at.clone(),
        };
        assert_eq!(store.served_mime(&row.sha256).expect("mime"), None);
        store
            .record_material_file(&row, std::slice::from_ref(&fp))
            .expect("record");
        assert_eq!(
            store.material_file(&row.sha256).expect("row"),
            Some(row.clone())
        );
        assert_eq!(
            store.served_mime(&row.sha256).expect("mime").as_deref(),
            Some("video/mp4")
        );
        assert!(store.has_fingerprint(&row.sha256, "P-1").expect("fp"));
        assert!(!store.has_fingerprint(&row.sha256, "P-2").expect("fp"));
        // A bad fingerprint row refuses the file too.
        let mut bad = fp;
        bad.kind = "pdf".into();
        let other = MaterialFileRow {
            sha256: "cd".repeat(32),
            ..row
        };
        assert!(store.record_material_file(&other, &[bad]).is_err());
        assert_eq!(store.material_file(&other.sha256).expect("row"), None);
    }
}
