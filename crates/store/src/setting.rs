//! Key-value settings of this desk: device id, the signed-in officer, the jurisdiction.

use rusqlite::OptionalExtension;

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

    /// This installation's device id, created once (UUIDv7) and kept.
    pub fn device_id(&self) -> Result<String, StoreError> {
        if let Some(id) = self.setting("device_id")? {
            return Ok(id);
        }
        let id = uuid::Uuid::now_v7().to_string();
        self.set_setting("device_id", &id)?;
        Ok(id)
    }
}
