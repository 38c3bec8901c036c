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

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::{Store, StoreError};

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
        Ok(())
    }

    /// Builds again what [`Store::begin_bulk_load`] dropped and rebuilds the search index, in
    /// one transaction. Returns whether a bulk load was under way.
    pub fn finish_bulk_load(&mut self) -> Result<bool, StoreError> {
        self.fresh_load = None;
        // The finishing commit is not fsynced either: it holds only what can be built again
        // (lost to a power cut, the definitions are still saved and `Store::open` builds
        // them). FULL again after it, for everything the officer writes.
        let finished = finish(&mut self.conn);
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        finished
    }

    /// Whether a bulk load is under way (its indexes are not there).
    pub fn bulk_loading(&self) -> Result<bool, StoreError> {
        Ok(deferred(&self.conn)?.is_some())
    }
}

/// [`Store::finish_bulk_load`] on a bare connection, for [`Store::open`]. Reads without a lock
/// first: the usual open finds nothing to do and must not wait for another process's write.
pub(crate) fn finish(conn: &mut Connection) -> Result<bool, StoreError> {
    if deferred(conn)?.is_none() {
        return Ok(false);
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Another connection may have finished it while this one waited for the lock.
    let Some(json) = deferred(&tx)? else {
        return Ok(false);
    };
    let objects: Vec<(String, String)> = serde_json::from_str(&json)
        .map_err(|e| StoreError::Corrupt(format!("bulk load definitions: {e}")))?;
    for (_, sql) in &objects {
        tx.execute_batch(sql)?;
    }
    tx.execute_batch("INSERT INTO work_order_fts(work_order_fts) VALUES ('rebuild')")?;
    tx.execute("DELETE FROM setting WHERE key = ?1", [DEFERRED_KEY])?;
    tx.commit()?;
    Ok(true)
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
        let catalog = Catalog::embedded();
        if bulk {
            store.begin_bulk_load().expect("begin");
        }
        let changes = varied_changes();
        let mut after = 0;
        for chunk in changes.chunks(50) {
            let next = after + chunk.len() as i64;
            store
                .apply_pull_page(after, &page(chunk.to_vec(), next), catalog)
                .expect("page");
            after = next;
        }
        if bulk {
            assert!(store.finish_bulk_load().expect("finish"));
        }
    }

    #[test]
    fn a_bulk_load_makes_the_same_cache_and_schema_as_a_row_by_row_pull() {
        let (_a, mut bulk) = signed_in();
        let before = schema(&bulk);
        assert!(before.len() > 15, "{before:?}");
        bulk.begin_bulk_load().expect("begin");
        assert!(bulk.bulk_loading().expect("state"));
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
        assert_eq!(schema(&bulk), before);
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
        let found: i64 = reopened
            .conn
            .query_row(
                "SELECT count(*) FROM work_order_fts WHERE work_order_fts MATCH '\"GD0042\"'",
                [],
                |r| r.get(0),
            )
            .expect("search");
        assert_eq!(
            found, 1,
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
