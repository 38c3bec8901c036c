//! Saved filters (常用筛选): the inbox's query kept under a name, listed, applied and deleted from
//! the window and the CLI; the one applied last is restored when the window starts.

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::inbox::InboxFilter;
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SavedFilter {
    pub name: String,
    /// The query as saved, on its first page.
    pub query: InboxFilter,
    pub created_at: String,
    pub updated_at: String,
    /// The filter applied last (restored at start).
    pub in_use: bool,
}

const COLUMNS: &str = "name, query, created_at, updated_at, \
    used > 0 AND used = (SELECT max(used) FROM saved_filter)";

fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<(SavedFilter, String)> {
    let json: String = r.get(1)?;
    Ok((
        SavedFilter {
            name: r.get(0)?,
            query: InboxFilter::default(),
            created_at: r.get(2)?,
            updated_at: r.get(3)?,
            in_use: r.get(4)?,
        },
        json,
    ))
}

fn parse((mut f, json): (SavedFilter, String)) -> Result<SavedFilter, StoreError> {
    f.query = serde_json::from_str(&json)
        .map_err(|e| StoreError::Corrupt(format!("saved filter {}: {e}", f.name)))?;
    Ok(f)
}

impl Store {
    /// Every saved filter, by name.
    pub fn saved_filters(&self) -> Result<Vec<SavedFilter>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM saved_filter ORDER BY name"))?;
        let rows: Vec<(SavedFilter, String)> =
            stmt.query_map([], read)?.collect::<Result<_, _>>()?;
        rows.into_iter().map(parse).collect()
    }

    pub fn saved_filter(&self, name: &str) -> Result<SavedFilter, StoreError> {
        let row = self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM saved_filter WHERE name = ?1"),
                [name],
                read,
            )
            .optional()?
            .ok_or_else(|| StoreError::FilterNotFound(name.to_string()))?;
        parse(row)
    }

    /// Saves `query` under `name` (replacing a filter of that name), on its first page, and
    /// makes it the filter in use. `name` is checked by the caller.
    pub fn save_filter(
        &self,
        name: &str,
        query: &InboxFilter,
        now: &str,
    ) -> Result<SavedFilter, StoreError> {
        let query = InboxFilter {
            page: 1,
            ..query.clone()
        };
        let json = serde_json::to_string(&query).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.conn.execute(
            "INSERT INTO saved_filter(name, query, created_at, updated_at, used)
             VALUES (?1, ?2, ?3, ?3, (SELECT coalesce(max(used), 0) + 1 FROM saved_filter))
             ON CONFLICT(name) DO UPDATE SET query = excluded.query,
                 updated_at = excluded.updated_at, used = excluded.used",
            rusqlite::params![name, json, now],
        )?;
        self.saved_filter(name)
    }

    /// Marks the filter applied now (restored at the next start), or, with `None`, that no
    /// saved filter is in use (the user set the filters by hand).
    pub fn use_filter(&self, name: Option<&str>) -> Result<Option<SavedFilter>, StoreError> {
        match name {
            None => {
                self.conn.execute("UPDATE saved_filter SET used = 0", [])?;
                Ok(None)
            }
            Some(name) => {
                let n = self.conn.execute(
                    "UPDATE saved_filter
                        SET used = (SELECT coalesce(max(used), 0) + 1 FROM saved_filter)
                      WHERE name = ?1",
                    [name],
                )?;
                if n == 0 {
                    return Err(StoreError::FilterNotFound(name.to_string()));
                }
                self.saved_filter(name).map(Some)
            }
        }
    }

    /// The filter applied last, if one is in use.
    pub fn filter_in_use(&self) -> Result<Option<SavedFilter>, StoreError> {
        let row = self
            .conn
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM saved_filter WHERE used > 0 ORDER BY used DESC LIMIT 1"
                ),
                [],
                read,
            )
            .optional()?;
        row.map(parse).transpose()
    }

    /// Deletes the filter named `name`; an unknown name is an error.
    pub fn delete_filter(&self, name: &str) -> Result<(), StoreError> {
        let n = self
            .conn
            .execute("DELETE FROM saved_filter WHERE name = ?1", [name])?;
        if n == 0 {
            return Err(StoreError::FilterNotFound(name.to_string()));
        }
        Ok(())
    }
}
