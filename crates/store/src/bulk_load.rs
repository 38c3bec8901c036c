//! Bulk load of pulled orders: a first sync brings a county's tens of thousands of orders, and
//! putting them one by one into `work_order` with its twenty secondary indexes and the search
//! index's triggers costs SQLite itself some 12 s per 90 000 rows (docs/benchmarks.md). For
//! such a pull the indexes and the search triggers are dropped first ([`Store::begin_bulk_load`])
//! and built once at the end ([`Store::finish_bulk_load`]: sorted index builds and one search
//! index rebuild). The dropped definitions are kept in the cache itself, in the transaction
//! that drops them, so a desk killed in between gets them back when it next opens the cache
//! ([`Store::open`] finishes a load it finds begun). Each pulled page still commits with its
//! checkpoint; only the indexes wait. The per-status counts are kept by their triggers all along.
//!
//! A load begun on an empty cache (a first sync) also skips, for an order it has not written
//! yet, the lookups that can only miss: its row, its unsent actions and a kept copy. And it
//! keeps the vehicles and drivers it makes by their keys ([`FreshLoad`]): only the pull writes
//! those rows, so what it made is all there is.
//!
//! The finishing step has two parts that need not wait for each other: the B-tree indexes,
//! which only a connection to the cache can build, and the search index, whose build (about a
//! third of the step) is cut up text. So the search index is built on a second core, in a file
//! of its own beside the cache ([`build_search_aside`]), while the indexes are built, and its
//! tables are then copied into the cache in the finishing transaction. The copy is FTS5's own
//! tables of a table defined by the same statement over the same rows, so it is the index a
//! rebuild in place would have made (tested with FTS5's integrity check).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::thread;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::db::{BUSY_TIMEOUT, CACHE_SIZE};
use crate::{files, Store, StoreError};

/// What a bulk load begun on an empty cache knows without asking the cache.
#[derive(Debug, Default)]
pub(crate) struct FreshLoad {
    /// The orders it has written.
    pub orders: HashSet<String>,
    /// The vehicles it has made or linked, by plate: id and enterprise.
    pub vehicles: HashMap<String, (i64, Option<i64>)>,
    /// The drivers it has made, by (enterprise, name, phone).
    pub drivers: HashMap<(i64, String, String), i64>,
}

/// The setting that holds the dropped definitions, as JSON `[[name, sql], ...]`, while a bulk
/// load is under way.
const DEFERRED_KEY: &str = "bulk_load.deferred";

/// How many pages of write-ahead log the loading connection lets gather before it copies them
/// into the cache: 64 MiB (docs/benchmarks.md, "First sync"). The finishing commit, on a
/// connection with the usual threshold, copies the rest.
const LOAD_CHECKPOINT_PAGES: i64 = 16_384;
/// SQLite's default threshold, which the loading connection gets back.
const USUAL_CHECKPOINT_PAGES: i64 = 1_000;

/// The secondary indexes of `work_order` (its unique ones stay: the apply looks orders up by
/// number) and the triggers that keep the search index.
const DEFERRABLE: &str = "SELECT name, sql FROM sqlite_master
    WHERE tbl_name = 'work_order' AND sql IS NOT NULL
      AND ((type = 'index' AND sql NOT LIKE 'CREATE UNIQUE%')
        OR (type = 'trigger' AND name LIKE 'wo\\_fts\\_%' ESCAPE '\\'))
    ORDER BY type, name";

impl Store {
    /// Drops `work_order`'s secondary indexes and search triggers until
    /// [`Store::finish_bulk_load`]. Does nothing when a bulk load is already under way.
    pub fn begin_bulk_load(&mut self) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if deferred(&tx)?.is_some() {
            return Ok(());
        }
        let empty: bool = tx.query_row(
            "SELECT NOT EXISTS(SELECT 1 FROM work_order) AND NOT EXISTS(SELECT 1 FROM sync_deferred)",
            [],
            |r| r.get(0),
        )?;
        let objects: Vec<(String, String)> = tx
            .prepare(DEFERRABLE)?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let json = serde_json::to_string(&objects)
            .map_err(|e| StoreError::Corrupt(format!("bulk load definitions: {e}")))?;
        tx.execute(
            "INSERT INTO setting(key, value) VALUES (?1, ?2)",
            [DEFERRED_KEY, &json],
        )?;
        for (name, sql) in &objects {
            let kind = if sql.starts_with("CREATE TRIGGER") {
                "TRIGGER"
            } else {
                "INDEX"
            };
            tx.execute_batch(&format!("DROP {kind} \"{name}\""))?;
        }
        tx.commit()?;
        self.fresh_load = empty.then(FreshLoad::default);
        // Pulled pages can be pulled again: a power cut may cost the last ones (with their
        // checkpoint, atomically), never the officer's own actions, which other connections
        // write and fsync (docs/decisions.md, "A bulk load is not fsynced page by page").
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        // A pulled page writes some 5 MiB; at SQLite's usual threshold (1 000 pages, 4 MiB) every
        // commit would copy the log back into the cache, the same hot pages again and again.
        self.conn
            .pragma_update(None, "wal_autocheckpoint", LOAD_CHECKPOINT_PAGES)?;
        Ok(())
    }

    /// Builds again what [`Store::begin_bulk_load`] dropped and rebuilds the search index, in
    /// one transaction. Returns whether a bulk load was under way.
    pub fn finish_bulk_load(&mut self) -> Result<bool, StoreError> {
        self.fresh_load = None;
        // The finishing commit is not fsynced either: it holds only what can be built again
        // (lost to a power cut, the definitions are still saved and `Store::open` builds
        // them). FULL again after it, for everything the officer writes.
        let finished = finish(&self.conn, self.path());
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        self.conn
            .pragma_update(None, "wal_autocheckpoint", USUAL_CHECKPOINT_PAGES)?;
        Ok(finished?.is_some())
    }

    /// Whether a bulk load is under way (its indexes are not there).
    pub fn bulk_loading(&self) -> Result<bool, StoreError> {
        Ok(deferred(&self.conn)?.is_some())
    }
}

/// How the search index of a finished load was built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SearchBuilt {
    /// On a second core, beside the cache, and copied in.
    Aside,
    /// In the cache, after the indexes: the build aside failed.
    InPlace,
}

/// The search index's FTS5 table in the cache.
const SEARCH_TABLE: &str = "work_order_fts";

/// [`Store::finish_bulk_load`] for the cache at `path` whose connection is `conn`, also run by
/// [`Store::open`]. Reads without a lock first: the usual open finds nothing to do and must not
/// wait for another process's write. Returns how the search index was built, or `None` when no
/// load was under way.
///
/// The finishing transaction runs on a connection of its own: FTS5 keeps an index's layout
/// cached per connection, and one that has searched before would read the copied tables through
/// its stale layout (SQLite then reports the file as malformed). Every other connection sees
/// another connection's commit and reads the layout again.
pub(crate) fn finish(conn: &Connection, path: &Path) -> Result<Option<SearchBuilt>, StoreError> {
    let build = build_path(path);
    if deferred(conn)?.is_none() {
        // A desk killed between the finishing commit and the file's removal left it.
        remove_build_file(&build);
        return Ok(None);
    }
    let mut aside: Aside = None;
    let finished = finish_with(path, &build, &mut aside);
    // Whatever happened, the build is over before its file goes.
    built_aside(&mut aside);
    remove_build_file(&build);
    finished
}

type Aside = Option<thread::JoinHandle<Result<(), StoreError>>>;

/// Whether the build aside succeeded (waiting for it).
fn built_aside(aside: &mut Aside) -> bool {
    matches!(aside.take().map(thread::JoinHandle::join), Some(Ok(Ok(()))))
}

/// The finishing transaction, with the search index built aside (`aside` is its build, which
/// the caller waits for on every way out).
fn finish_with(
    path: &Path,
    build: &Path,
    aside: &mut Aside,
) -> Result<Option<SearchBuilt>, StoreError> {
    let mut conn = Connection::open(path).map_err(|source| StoreError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "cache_size", CACHE_SIZE)?;
    // As the pulled pages: what it writes can be built again (the definitions stay saved until
    // this transaction commits).
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Another connection may have finished it while this one waited for the lock.
    let Some(json) = deferred(&tx)? else {
        return Ok(None);
    };
    // Begun under this transaction's lock, so the build reads the orders as they stay until it
    // commits: nobody else can write them in between. Where the file cannot be made, the index
    // is built in place.
    *aside = new_build_file(build).ok().map(|()| {
        let (cache, build) = (path.to_path_buf(), build.to_path_buf());
        thread::spawn(move || build_search_aside(&cache, &build))
    });
    let objects: Vec<(String, String)> = serde_json::from_str(&json)
        .map_err(|e| StoreError::Corrupt(format!("bulk load definitions: {e}")))?;
    for (_, sql) in &objects {
        tx.execute_batch(sql)?;
    }
    let built = if built_aside(aside) && copied(build, &tx)? {
        SearchBuilt::Aside
    } else {
        // Whatever stopped it (a full disk, a panic), the same index is built here.
        tx.execute_batch(&format!(
            "INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}) VALUES ('rebuild')"
        ))?;
        SearchBuilt::InPlace
    };
    tx.execute("DELETE FROM setting WHERE key = ?1", [DEFERRED_KEY])?;
    tx.commit()?;
    Ok(Some(built))
}

/// Copies the index built aside into the cache; a copy that fails half way is undone whole.
fn copied(build: &Path, conn: &Connection) -> Result<bool, StoreError> {
    conn.execute_batch("SAVEPOINT search_copy")?;
    let ok = copy_search_tables(build, conn).is_ok();
    if !ok {
        conn.execute_batch("ROLLBACK TO search_copy")?;
    }
    conn.execute_batch("RELEASE search_copy")?;
    Ok(ok)
}

/// The build file beside the cache `path`.
fn build_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".search-build");
    PathBuf::from(name)
}

/// The build file holds plates, names and phone numbers: it goes as soon as it is copied.
fn remove_build_file(build: &Path) {
    for suffix in ["", "-journal"] {
        let mut name = build.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}

/// An empty owner-only build file at `build`, in place of one a killed finish left.
fn new_build_file(build: &Path) -> Result<(), StoreError> {
    remove_build_file(build);
    files::create_new_private(build)
        .map(drop)
        .map_err(|source| StoreError::Access {
            path: build.to_path_buf(),
            source,
        })
}

/// Builds the search index of the cache at `cache` in the file `build`: a copy of the indexed
/// columns under the same table name, the FTS5 table made by the cache's own statement over
/// them, and one rebuild. It is written without a journal: a failed build is simply not used.
fn build_search_aside(cache: &Path, build: &Path) -> Result<(), StoreError> {
    let conn = Connection::open(build).map_err(|source| StoreError::Open {
        path: build.to_path_buf(),
        source,
    })?;
    conn.pragma_update(None, "journal_mode", "OFF")?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    conn.pragma_update(None, "cache_size", CACHE_SIZE)?;
    conn.execute("ATTACH ?1 AS cache", [cache.display().to_string()])?;
    let create: String = conn.query_row(
        "SELECT sql FROM cache.sqlite_master WHERE type = 'table' AND name = ?1",
        [SEARCH_TABLE],
        |r| r.get(0),
    )?;
    let columns: Vec<String> = conn
        .prepare(&format!(
            "SELECT name FROM pragma_table_info('{SEARCH_TABLE}', 'cache')"
        ))?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let columns = columns
        .iter()
        .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(", ");
    conn.execute_batch(&format!(
        "BEGIN;
         CREATE TABLE main.work_order(id INTEGER PRIMARY KEY, {columns});
         INSERT INTO main.work_order SELECT id, {columns} FROM cache.work_order;
         COMMIT;
         DETACH cache;"
    ))?;
    conn.execute_batch(&format!(
        "BEGIN;
         {create};
         INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}) VALUES ('rebuild');
         COMMIT;"
    ))?;
    Ok(())
}

/// Replaces the cache's search index tables with the ones built aside in the file `build`,
/// read on a connection of its own (attached, it would be locked by the finishing
/// transaction while the build writes it).
fn copy_search_tables(build: &Path, conn: &Connection) -> Result<(), StoreError> {
    let from = Connection::open_with_flags(build, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|source| StoreError::Open {
            path: build.to_path_buf(),
            source,
        })?;
    let tables: Vec<String> = from
        .prepare(&format!(
            "SELECT name FROM sqlite_master
              WHERE type = 'table' AND name LIKE '{SEARCH_TABLE}\\_%' ESCAPE '\\'"
        ))?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for t in &tables {
        conn.execute(&format!("DELETE FROM main.\"{t}\""), [])?;
        let mut read = from.prepare(&format!("SELECT * FROM \"{t}\""))?;
        let marks = vec!["?"; read.column_count()].join(", ");
        let mut write = conn.prepare(&format!("INSERT INTO main.\"{t}\" VALUES ({marks})"))?;
        let mut rows = read.query([])?;
        while let Some(row) = rows.next()? {
            let values = (0..row.as_ref().column_count())
                .map(|i| row.get::<_, rusqlite::types::Value>(i))
                .collect::<Result<Vec<_>, _>>()?;
            write.execute(rusqlite::params_from_iter(values))?;
        }
    }
    Ok(())
}

fn deferred(conn: &Connection) -> Result<Option<String>, StoreError> {
    let table: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'setting')",
        [],
        |r| r.get(0),
    )?;
    if !table {
        return Ok(None);
    }
    Ok(conn
        .query_row(
            "SELECT value FROM setting WHERE key = ?1",
            [DEFERRED_KEY],
            |r| r.get(0),
        )
        .optional()?)
}

#[cfg(test)]
mod tests {
    use casedesk_domain::Catalog;

    use super::*;
    use crate::sync::tests::{claim, order_change, page, pulled_tables, signed_in, varied_changes};

    /// The cache's schema objects on `work_order`: what a bulk load must give back.
    fn schema(store: &Store) -> Vec<(String, String)> {
        store
            .conn
            .prepare(
                "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'work_order'
                 AND sql IS NOT NULL ORDER BY name",
            )
            .expect("query")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("read")
    }

    /// Applies the varied changes in pages of 50, with or without a bulk load around them.
    fn pull_in_pages(store: &mut Store, bulk: bool) {
        if bulk {
            store.begin_bulk_load().expect("begin");
        }
        apply_varied(store);
        if bulk {
            assert!(store.finish_bulk_load().expect("finish"));
        }
    }

    fn apply_varied(store: &mut Store) {
        let catalog = Catalog::embedded();
        let changes = varied_changes();
        let mut after = 0;
        for chunk in changes.chunks(50) {
            let next = after + chunk.len() as i64;
            store
                .apply_pull_page(after, &page(chunk.to_vec(), next), catalog)
                .expect("page");
            after = next;
        }
    }

    /// The orders the search index finds for `term` (a phrase).
    fn search_count(store: &Store, term: &str) -> i64 {
        store
            .conn
            .query_row(
                "SELECT count(*) FROM work_order_fts WHERE work_order_fts MATCH ?1",
                [format!("\"{term}\"")],
                |r| r.get(0),
            )
            .expect("search")
    }

    /// FTS5's own check that the search index holds exactly the orders' indexed columns.
    fn assert_search_index_sound(store: &Store) {
        store
            .conn
            .execute_batch("INSERT INTO work_order_fts(work_order_fts) VALUES ('integrity-check')")
            .expect("the search index matches the orders");
    }

    /// What a row-by-row pull of the varied changes leaves in the cache.
    fn pulled_row_by_row() -> Vec<String> {
        let (_dir, mut plain) = signed_in();
        pull_in_pages(&mut plain, false);
        pulled_tables(&plain)
    }

    #[test]
    fn the_search_index_built_aside_is_the_one_a_rebuild_makes_and_its_file_goes() {
        let (dir, mut store) = signed_in();
        // This connection reads the (empty) index before the load: it must not go on reading
        // that index's layout once the built one is copied in.
        assert_eq!(search_count(&store, "运输公司"), 0);
        store.begin_bulk_load().expect("begin");
        apply_varied(&mut store);
        let built = finish(&store.conn, store.path()).expect("finish");
        assert_eq!(built, Some(SearchBuilt::Aside));
        assert_search_index_sound(&store);
        assert_eq!(pulled_tables(&store), pulled_row_by_row());
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("search-build"))
            .collect();
        assert!(left.is_empty(), "build files left: {left:?}");
        assert_eq!(finish(&store.conn, store.path()).expect("again"), None);
    }

    #[test]
    fn a_build_file_left_by_a_killed_desk_is_removed_on_open() {
        let (dir, store) = signed_in();
        drop(store);
        let left = dir.path().join("cache.sqlite.search-build");
        std::fs::write(&left, "豫G00001 张三 13903730000").expect("left");
        Store::open(&dir.path().join("cache.sqlite")).expect("open");
        assert!(!left.exists());
    }

    #[test]
    fn when_the_build_aside_fails_the_search_index_is_rebuilt_in_place() {
        let (dir, mut store) = signed_in();
        // A folder where the build file would go: it cannot be made.
        std::fs::create_dir(dir.path().join("cache.sqlite.search-build")).expect("folder");
        store.begin_bulk_load().expect("begin");
        apply_varied(&mut store);
        let built = finish(&store.conn, store.path()).expect("finish");
        assert_eq!(built, Some(SearchBuilt::InPlace));
        assert!(!store.bulk_loading().expect("state"));
        assert_search_index_sound(&store);
        assert_eq!(pulled_tables(&store), pulled_row_by_row());
    }

    #[test]
    fn a_bulk_load_makes_the_same_cache_and_schema_as_a_row_by_row_pull() {
        let (_a, mut bulk) = signed_in();
        let before = schema(&bulk);
        assert!(before.len() > 15, "{before:?}");
        bulk.begin_bulk_load().expect("begin");
        assert!(bulk.bulk_loading().expect("state"));
        let checkpoint = |s: &Store| -> i64 {
            s.conn
                .pragma_query_value(None, "wal_autocheckpoint", |r| r.get(0))
                .expect("pragma")
        };
        assert_eq!(checkpoint(&bulk), LOAD_CHECKPOINT_PAGES);
        let during = schema(&bulk);
        assert!(
            during.iter().all(|(n, _)| !n.starts_with("wo_fts_")),
            "{during:?}"
        );
        assert!(during.len() < 6, "indexes left during the load: {during:?}");
        // Beginning twice keeps the first saved definitions.
        bulk.begin_bulk_load().expect("begin again");
        bulk.finish_bulk_load().expect("finish");
        pull_in_pages(&mut bulk, true);
        assert!(!bulk.bulk_loading().expect("state"));
        assert_eq!(
            checkpoint(&bulk),
            USUAL_CHECKPOINT_PAGES,
            "the officer's writes as before"
        );
        assert_eq!(schema(&bulk), before);
        assert_search_index_sound(&bulk);
        let (_b, mut plain) = signed_in();
        pull_in_pages(&mut plain, false);
        let (a, b) = (pulled_tables(&bulk), pulled_tables(&plain));
        assert!(a.len() > 300, "{} rows", a.len());
        assert_eq!(a, b, "the search index was rebuilt from every pulled order");
        let count = |s: &Store| -> Vec<(String, i64)> {
            s.conn
                .prepare("SELECT status, n FROM status_count WHERE n > 0 ORDER BY status")
                .expect("query")
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .expect("rows")
                .collect::<Result<_, _>>()
                .expect("read")
        };
        assert_eq!(count(&bulk), count(&plain));
        assert!(
            !bulk.finish_bulk_load().expect("finish"),
            "nothing left to do"
        );
    }

    #[test]
    fn an_order_acted_on_during_a_load_is_kept_aside_whether_or_not_the_load_began_empty() {
        let catalog = Catalog::embedded();
        let code = catalog.all()[0].code.clone();
        // A first load: GD1 arrives, the officer claims it before the next page, whose newer
        // GD1 must not overwrite the unsent claim.
        let (_a, mut first) = signed_in();
        first.begin_bulk_load().expect("begin");
        first
            .apply_pull_page(0, &page(vec![order_change(1, "GD1", &code)], 1), catalog)
            .expect("page 1");
        claim(&mut first, "GD1");
        newer_gd1_and_gd2_keep_the_claimed_one_aside(&mut first, catalog, &code);
        assert!(first.finish_bulk_load().expect("finish"));
        assert_eq!(first.deferred_len().expect("kept"), 1);

        // A load into a cache that has orders (a catch-up): the same.
        let (_b, mut later) = signed_in();
        later
            .apply_pull_page(0, &page(vec![order_change(1, "GD1", &code)], 1), catalog)
            .expect("earlier sync");
        claim(&mut later, "GD1");
        later.begin_bulk_load().expect("begin");
        newer_gd1_and_gd2_keep_the_claimed_one_aside(&mut later, catalog, &code);
        assert!(later.finish_bulk_load().expect("finish"));
    }

    /// The page after the officer claimed GD1: a newer GD1 (kept aside) and a new GD2 (written).
    fn newer_gd1_and_gd2_keep_the_claimed_one_aside(
        store: &mut Store,
        catalog: &Catalog,
        code: &str,
    ) {
        let next = page(
            vec![order_change(2, "GD1", code), order_change(3, "GD2", code)],
            3,
        );
        let t = store.apply_pull_page(1, &next, catalog).expect("page 2");
        assert_eq!((t.orders, t.deferred), (1, 1), "{t:?}");
    }

    #[test]
    fn a_page_refused_during_a_first_load_leaves_nothing_remembered() {
        let catalog = Catalog::embedded();
        let code = catalog.all()[0].code.clone();
        let (_a, mut store) = signed_in();
        store.begin_bulk_load().expect("begin");
        // GD1 makes its vehicle, then GD2 is refused: the page is rolled back whole.
        let bad = page(
            vec![
                order_change(1, "GD1", &code),
                order_change(2, "GD2", "NO-SUCH"),
            ],
            2,
        );
        assert!(store.apply_pull_page(0, &bad, catalog).is_err());
        let good = page(vec![order_change(1, "GD1", &code)], 1);
        store
            .apply_pull_page(0, &good, catalog)
            .expect("the page again");
        assert!(store.finish_bulk_load().expect("finish"));
        let linked: (String, i64) = store
            .conn
            .query_row(
                "SELECT v.plate, count(*) FROM work_order o JOIN vehicle v ON v.id = o.vehicle_id",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("the order and its vehicle");
        assert_eq!(linked.1, 1, "the order points at a vehicle the cache holds");
    }

    #[test]
    fn a_desk_killed_during_a_bulk_load_gets_its_indexes_back_on_open() {
        let (dir, mut store) = signed_in();
        let before = schema(&store);
        store.begin_bulk_load().expect("begin");
        let changes = varied_changes();
        store
            .apply_pull_page(0, &page(changes[..100].to_vec(), 100), Catalog::embedded())
            .expect("page");
        // Dropped without finishing, as a killed process leaves it.
        drop(store);
        let reopened = Store::open(&dir.path().join("cache.sqlite")).expect("open");
        assert!(!reopened.bulk_loading().expect("state"));
        assert_eq!(schema(&reopened), before);
        assert_search_index_sound(&reopened);
        assert_eq!(
            search_count(&reopened, "GD0042"),
            1,
            "the search index holds the rows pulled before the kill"
        );
        let plan: String = reopened
            .conn
            .query_row(
                "EXPLAIN QUERY PLAN SELECT id FROM work_order WHERE plate = '豫G00001'",
                [],
                |r| r.get(3),
            )
            .expect("plan");
        assert!(plan.contains("wo_plate"), "{plan}");
    }
}
