//! Opening the cache: pragmas, migrations, the device id, and the refusal of newer schemas.
//! Several processes may open one cache at once (the window and the CLI, a double launch), even
//! a new, empty one: the first to take the write lock migrates, the others find nothing to do.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::error::StoreError;
use crate::{bulk_load, files};

/// Migrations in order; the schema version is the number of migrations applied.
const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/desk/0001_init.sql"),
    include_str!("../../../migrations/desk/0002_outbox_autoincrement.sql"),
    include_str!("../../../migrations/desk/0003_clocks_whitelist.sql"),
    include_str!("../../../migrations/desk/0004_sync.sql"),
    include_str!("../../../migrations/desk/0005_search.sql"),
    include_str!("../../../migrations/desk/0006_saved_filters.sql"),
    include_str!("../../../migrations/desk/0007_refusal_resolution.sql"),
    include_str!("../../../migrations/desk/0008_platform_facts.sql"),
    include_str!("../../../migrations/desk/0009_evidence_uploads.sql"),
    include_str!("../../../migrations/desk/0010_attention.sql"),
    include_str!("../../../migrations/desk/0011_evidence_hash.sql"),
    include_str!("../../../migrations/desk/0012_media_fingerprints.sql"),
    include_str!("../../../migrations/desk/0013_refusal_params.sql"),
    include_str!("../../../migrations/desk/0014_permits.sql"),
    include_str!("../../../migrations/desk/0015_attention_params.sql"),
    include_str!("../../../migrations/desk/0016_permit_material_files.sql"),
    include_str!("../../../migrations/desk/0017_permit_reviews.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The setting that names this installation in every outbox row.
pub(crate) const DEVICE_ID_KEY: &str = "device_id";

/// How long one statement waits for another process's lock.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_millis(2000);
/// The page cache of a connection that writes orders and their indexes: 64 MiB (`cache_size` in KiB when
/// negative; SQLite's default is 2 MiB). A pulled page updates some twenty indexes and the
/// search index, and with the default their pages are read and written again and again once a
/// county's orders outgrow it.
pub(crate) const CACHE_SIZE: i64 = -65_536;
/// How long opening keeps retrying while other processes switch the journal mode or migrate.
const OPEN_WAIT: Duration = Duration::from_secs(5);

pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
    /// During a bulk load begun on an empty cache, what it has written so far (`bulk_load`).
    pub(crate) fresh_load: Option<crate::bulk_load::FreshLoad>,
}

impl Store {
    /// Opens (creating if needed) the cache file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let private = |p: &Path, source| StoreError::Access {
            path: p.to_path_buf(),
            source,
        };
        // Created owner-only before SQLite sees it: SQLite gives -wal and -shm the same mode.
        files::ensure_private_file(path).map_err(|e| private(path, e))?;
        let mut conn = Connection::open(path).map_err(open_err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
        let deadline = Instant::now() + OPEN_WAIT;
        // WAL: readers never block the writer.
        retry_busy(deadline, || {
            let mode: String =
                conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
            if mode.eq_ignore_ascii_case("wal") {
                Ok(())
            } else {
                Err(StoreError::NotWal {
                    path: path.to_path_buf(),
                    mode,
                })
            }
        })?;
        // FULL: the WAL is fsynced at every commit, so what the officer was told is saved
        // survives a power cut too (NORMAL may lose the last commits, see docs/decisions.md).
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "cache_size", CACHE_SIZE)?;
        // Before the migrations: the definitions a killed bulk load kept are this schema's.
        retry_busy(deadline, || bulk_load::finish(&conn, path).map(drop))?;
        retry_busy(deadline, || prepare(&mut conn, path))?;
        // They exist now; a cache of an earlier version may have them world-readable.
        for suffix in ["-wal", "-shm"] {
            let mut side = path.as_os_str().to_owned();
            side.push(suffix);
            let side = PathBuf::from(side);
            files::restrict_if_present(&side).map_err(|e| private(&side, e))?;
        }
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            fresh_load: None,
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
            fresh_load: None,
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

/// Runs `step` again while another process holds a lock it needs (past the busy timeout, or
/// where SQLite reports busy without waiting, as when switching to WAL), until `deadline`.
fn retry_busy<T>(
    deadline: Instant,
    mut step: impl FnMut() -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    loop {
        match step() {
            Err(StoreError::Locked) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            r => return r,
        }
    }
}

fn user_version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Migrates and creates the device id if needed.
fn prepare(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let newer = |found| StoreError::NewerSchema {
        path: path.to_path_buf(),
        found,
        known: SCHEMA_VERSION,
    };
    // Already done (the usual start): no write lock, so opening never waits behind another
    // process's long write. Both facts only ever become true, so reading them unlocked is safe.
    let found = user_version(conn)?;
    if found > SCHEMA_VERSION {
        return Err(newer(found));
    }
    if found == SCHEMA_VERSION && device_id_of(conn)?.is_some() {
        return Ok(());
    }
    // Tables are rebuilt by some migrations (SQLite cannot alter a column's constraints):
    // foreign keys are off while they run, as SQLite's documentation prescribes (the pragma is
    // a no-op inside a transaction), and checked in full before the commit.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let result = migrate_locked(conn, newer);
    conn.pragma_update(None, "foreign_keys", "ON")?;
    result
}

fn migrate_locked(
    conn: &mut Connection,
    newer: impl Fn(i64) -> StoreError,
) -> Result<(), StoreError> {
    // The write lock first, then the version: whoever gets the lock migrates, and the others,
    // once they get it, read the new version and skip. Reading it before the lock let two
    // processes both run migration 1 ("table setting already exists").
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = user_version(&tx)?;
    if found > SCHEMA_VERSION {
        return Err(newer(found));
    }
    // All pending migrations and the new version number commit together or not at all.
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = i as i64 + 1;
        tx.execute_batch(sql)
            .map_err(|source| StoreError::Migration { version, source })?;
    }
    if found < SCHEMA_VERSION {
        let broken: Option<String> = tx
            .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
            .optional()?;
        if let Some(table) = broken {
            return Err(StoreError::Corrupt(format!(
                "migration left a dangling reference in {table}"
            )));
        }
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    }
    // Created in the same transaction by whoever comes first and never replaced, so every
    // process writes outbox rows under the one id the cache keeps.
    tx.execute(
        "INSERT INTO setting(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO NOTHING",
        [DEVICE_ID_KEY, &uuid::Uuid::now_v7().to_string()],
    )?;
    tx.commit()?;
    Ok(())
}

pub(crate) fn device_id_of(conn: &Connection) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT value FROM setting WHERE key = ?1",
            [DEVICE_ID_KEY],
            |r| r.get(0),
        )
        .optional()?)
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
    fn the_device_id_is_created_with_the_cache_and_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("cache.sqlite");
        let id = Store::open(&path)
            .expect("open")
            .device_id()
            .expect("created by open");
        assert_eq!(
            Store::open(&path).expect("reopen").device_id().ok(),
            Some(id.clone())
        );
        // A cache of an earlier build, migrated but without an id yet, gets one on open.
        Connection::open(&path)
            .expect("raw")
            .execute("DELETE FROM setting WHERE key = 'device_id'", [])
            .expect("forget the id");
        let new_id = Store::open(&path).expect("reopen").device_id().expect("id");
        assert_ne!(new_id, id);
    }

    #[test]
    fn migration_2_keeps_the_outbox_and_its_numbers() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("cache.sqlite");
        {
            // A schema-1 cache with unsent mutations (seq 3 was sent and removed).
            let conn = Connection::open(&path).expect("raw open");
            conn.execute_batch(MIGRATIONS[0]).expect("schema 1");
            conn.execute_batch(
                "INSERT INTO enterprise VALUES (1, '顺达', 'coach', '410783', 950, 'green');
                 INSERT INTO work_order(id, order_no, status, industry, violation_code,
                     violation_name, clue_category, source, plate, enterprise_id,
                     enterprise_name, county_code, place, detected_at, deadline, updated_at)
                 VALUES (1, 'GD1', 'claimed', 'coach', 'V1', '超速', 1, 'in_trip', '豫G00001',
                     1, '顺达', '410783', 'K600', '2026-11-24 08:00', '2026-11-30',
                     '2026-11-24 09:00');
                 INSERT INTO outbox VALUES
                     (1, 'm1', 'dev', 1, 'GD1', 'claim', '{}', 1, '2026-11-24 09:00'),
                     (2, 'm2', 'dev', 1, 'GD1', 'handle', '{}', 2, '2026-11-24 09:01'),
                     (4, 'm4', 'dev', 1, 'GD1', 'handle', '{}', 3, '2026-11-24 09:02');
                 PRAGMA user_version = 1;",
            )
            .expect("schema-1 rows");
        }
        let store = Store::open(&path).expect("migrate through 2 and 3");
        let kept: Vec<(i64, String)> = store
            .outbox()
            .expect("outbox")
            .into_iter()
            .map(|o| (o.seq, o.mutation_id))
            .collect();
        assert_eq!(kept, [(1, "m1".into()), (2, "m2".into()), (4, "m4".into())]);
        let sql: String = store
            .conn
            .query_row(
                "SELECT sql FROM sqlite_master WHERE name = 'outbox'",
                [],
                |r| r.get(0),
            )
            .expect("schema");
        assert!(sql.contains("AUTOINCREMENT"), "{sql}");
        // The newest row sent and removed: its number is not handed out again.
        store
            .conn
            .execute("DELETE FROM outbox WHERE seq = 4", [])
            .expect("send");
        store
            .conn
            .execute(
                "INSERT INTO outbox(mutation_id, device_id, entity, entity_key, order_id, action,
                     payload, base_version, created_at)
                 VALUES ('m5', 'dev', 'work_order', 'GD1', 1, 'submit_for_spot_check', '{}', 4,
                     '2026-11-24 09:03')",
                [],
            )
            .expect("next");
        let seq: i64 = store
            .conn
            .query_row("SELECT seq FROM outbox WHERE mutation_id = 'm5'", [], |r| {
                r.get(0)
            })
            .expect("seq");
        assert_eq!(seq, 5);
    }

    #[cfg(unix)]
    #[test]
    fn the_cache_is_readable_by_its_user_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("cache.sqlite");
        let store = Store::open(&path).expect("open new");
        store.set_setting("k", "v").expect("write");
        for f in ["cache.sqlite", "cache.sqlite-wal", "cache.sqlite-shm"] {
            assert_eq!(files::mode_of(&dir.path().join(f)), 0o600, "{f}");
        }
        drop(store);
        // A cache an earlier version left world-readable is closed when opened.
        for f in ["cache.sqlite", "cache.sqlite-wal", "cache.sqlite-shm"] {
            let p = dir.path().join(f);
            if p.exists() {
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644))
                    .expect("chmod");
            }
        }
        let store = Store::open(&path).expect("reopen");
        assert_eq!(store.setting("k").expect("read").as_deref(), Some("v"));
        for f in ["cache.sqlite", "cache.sqlite-wal", "cache.sqlite-shm"] {
            assert_eq!(files::mode_of(&dir.path().join(f)), 0o600, "{f}");
        }
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
