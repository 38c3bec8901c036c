//! Opening the cache: pragmas, migrations, and the refusal of newer schemas.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;

use crate::error::StoreError;

/// Migrations in order; the schema version is the number of migrations applied.
const MIGRATIONS: &[&str] = &[include_str!("../../../migrations/desk/0001_init.sql")];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the cache file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let mut conn = Connection::open(path).map_err(open_err)?;
        conn.busy_timeout(Duration::from_millis(2000))
            .map_err(open_err)?;
        // WAL: readers never block the writer.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(StoreError::from)?;
        // FULL: the WAL is fsynced at every commit, so what the officer was told is saved
        // survives a power cut too (NORMAL may lose the last commits, see docs/decisions.md).
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrate(&mut conn, path)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// A second, read-only connection to a cache this build has already opened (and migrated)
    /// with [`Store::open`]. Queries on it never wait for, nor hold up, the writer.
    pub fn open_reader(path: &Path) -> Result<Store, StoreError> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(open_err)?;
        conn.busy_timeout(Duration::from_millis(2000))
            .map_err(open_err)?;
        let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if found != SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                path: path.to_path_buf(),
                found,
                known: SCHEMA_VERSION,
            });
        }
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version recorded in the file.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found,
            known: SCHEMA_VERSION,
        });
    }
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    // All pending migrations and the new version number commit together or not at all.
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = i as i64 + 1;
        tx.execute_batch(sql)
            .map_err(|source| StoreError::Migration { version, source })?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_an_empty_file_and_reopens_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("cache.sqlite");
        let store = Store::open(&path).expect("open new");
        assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
        let mode: String = store
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .expect("mode");
        assert_eq!(mode, "wal");
        let fk: i64 = store
            .conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .expect("fk");
        assert_eq!(fk, 1);
        let sync: i64 = store
            .conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .expect("synchronous");
        assert_eq!(sync, 2, "FULL: every commit is fsynced");
        drop(store);
        Store::open(&path).expect("reopen");
    }

    #[test]
    fn a_reader_sees_commits_and_cannot_write() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("cache.sqlite");
        let writer = Store::open(&path).expect("open");
        let reader = Store::open_reader(&path).expect("reader");
        writer.set_setting("k", "v1").expect("write");
        assert_eq!(reader.setting("k").expect("read").as_deref(), Some("v1"));
        assert!(reader.set_setting("k", "v2").is_err(), "read-only");
        assert_eq!(writer.setting("k").expect("read").as_deref(), Some("v1"));
    }

    #[test]
    fn refuses_a_newer_schema_and_leaves_it_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("cache.sqlite");
        {
            let conn = Connection::open(&path).expect("raw open");
            conn.execute_batch("CREATE TABLE future(x); PRAGMA user_version = 99;")
                .expect("future schema");
        }
        let err = Store::open(&path).err().expect("refused");
        assert!(matches!(err, StoreError::NewerSchema { found: 99, .. }));
        assert!(err.to_string().contains("newer CaseDesk"));
        let conn = Connection::open(&path).expect("raw reopen");
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .expect("version");
        assert_eq!(v, 99, "the newer file is untouched");
    }

    #[test]
    fn a_failed_migration_changes_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("cache.sqlite");
        {
            // A table in the way makes migration 1 fail half-way.
            let conn = Connection::open(&path).expect("raw open");
            conn.execute_batch("CREATE TABLE draft(x);")
                .expect("obstacle");
        }
        assert!(matches!(
            Store::open(&path),
            Err(StoreError::Migration { version: 1, .. })
        ));
        let conn = Connection::open(&path).expect("raw reopen");
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name IN ('setting', 'work_order')",
                [],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(tables, 0, "no half-applied schema");
    }
}
