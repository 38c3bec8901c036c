//! Where each evidence file stands on its way to the hub (schema 7): the hub's upload id and
//! the offset it last confirmed, per file, order and hub, so a sync cut short continues from
//! there after a restart; and which files the hub holds already, so they are not sent again.

use rusqlite::{params, OptionalExtension};

use crate::{Store, StoreError};

/// One file's upload to one hub for one order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRow {
    pub hash: String,
    pub order_no: String,
    pub size: u64,
    /// The hub's upload id; None until it gave one (or after it forgot a discarded one).
    pub upload_id: Option<String>,
    /// The offset the hub last confirmed.
    pub sent: u64,
    /// When the hub had the whole file for the order.
    pub done_at: Option<String>,
}

impl Store {
    pub fn evidence_upload(
        &self,
        hash: &str,
        order_no: &str,
        hub_url: &str,
    ) -> Result<Option<UploadRow>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT hash, order_no, size, upload_id, sent, done_at FROM evidence_upload
                 WHERE hash = ?1 AND order_no = ?2 AND hub_url = ?3",
                params![hash, order_no, hub_url],
                |r| {
                    Ok(UploadRow {
                        hash: r.get(0)?,
                        order_no: r.get(1)?,
                        size: r.get::<_, i64>(2)? as u64,
                        upload_id: r.get(3)?,
                        sent: r.get::<_, i64>(4)? as u64,
                        done_at: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    /// Records the hub's upload id (or None to begin again) and the offset it holds.
    pub fn set_evidence_upload(
        &self,
        hub_url: &str,
        hash: &str,
        order_no: &str,
        size: u64,
        upload_id: Option<&str>,
        sent: u64,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO evidence_upload(hash, order_no, hub_url, size, upload_id, sent)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(hash, order_no, hub_url) DO UPDATE SET
                 size = excluded.size, upload_id = excluded.upload_id, sent = excluded.sent",
            params![hash, order_no, hub_url, size as i64, upload_id, sent as i64],
        )?;
        Ok(())
    }

    /// The hub holds the whole file for the order.
    pub fn finish_evidence_upload(
        &self,
        hub_url: &str,
        hash: &str,
        order_no: &str,
        size: u64,
        at: &str,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO evidence_upload(hash, order_no, hub_url, size, sent, done_at)
             VALUES (?1, ?2, ?3, ?4, ?4, ?5)
             ON CONFLICT(hash, order_no, hub_url) DO UPDATE SET
                 sent = excluded.size, done_at = excluded.done_at",
            params![hash, order_no, hub_url, size as i64, at],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upload_row_keeps_its_id_and_offset_until_done() {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::open(&dir.path().join("c.sqlite")).expect("store");
        let hub = "http://127.0.0.1:8740";
        assert_eq!(store.evidence_upload("h", "GD1", hub).expect("read"), None);
        store
            .set_evidence_upload(hub, "h", "GD1", 100, Some("u1"), 40)
            .expect("set");
        let row = store.evidence_upload("h", "GD1", hub).expect("read");
        assert_eq!(
            row.map(|r| (r.upload_id, r.sent, r.done_at)),
            Some((Some("u1".to_string()), 40, None))
        );
        assert_eq!(
            store
                .evidence_upload("h", "GD1", "http://other")
                .expect("read"),
            None,
            "another hub starts from nothing"
        );
        store
            .finish_evidence_upload(hub, "h", "GD1", 100, "2026-11-30 10:00")
            .expect("finish");
        let row = store
            .evidence_upload("h", "GD1", hub)
            .expect("read")
            .expect("row");
        assert_eq!(
            (row.sent, row.done_at.as_deref()),
            (100, Some("2026-11-30 10:00"))
        );
    }
}
