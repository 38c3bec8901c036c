//! Key-value settings of this desk: device id, the signed-in officer, the jurisdiction.

use rusqlite::OptionalExtension;

use crate::db::device_id_of;
use crate::{Store, StoreError};

impl Store {
    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO setting(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// This installation's device id (UUIDv7), created with the cache by [`Store::open`] and
    /// never replaced.
    pub fn device_id(&self) -> Result<String, StoreError> {
        device_id_of(&self.conn)?
            .ok_or_else(|| StoreError::Corrupt("the cache has no device id".into()))
    }
}
