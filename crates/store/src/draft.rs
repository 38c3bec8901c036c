//! Form drafts: what an officer typed survives a closed drawer, a restart or a crash.

use rusqlite::OptionalExtension;

use crate::{Store, StoreError};

impl Store {
    pub fn save_draft(&self, key: &str, value: &str, now: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO draft(key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            [key, value, now],
        )?;
        Ok(())
    }

    pub fn load_draft(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM draft WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn clear_draft(&self, key: &str) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM draft WHERE key = ?1", [key])?;
        Ok(())
    }
}
