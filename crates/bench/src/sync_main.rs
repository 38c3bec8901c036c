//! `casedesk-sync-bench`: the sync's figures, one line per figure as `NAME VALUE UNIT`. The hub
//! runs in this process on loopback (as the sync tests start it), on SQLite (a file in a
//! temporary folder, or `--hub-db`) or on PostgreSQL (`--hub-db postgres://...`); the desks are
//! the real `Desk` (first sync, push) or the real `HubClient` (the load generator).
//!
//! - `first-sync`: an empty desk's first sync of a county with `--orders` work orders, then a
//!   plain SQLite insert of the same rows (read back from the desk's cache) in the same run.
//! - `push`: `--mutations` claims queued at the desk, then the sync that sends them.
//! - `load`: `--desks` concurrent desks pulling and pushing for `--seconds`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use casedesk_app::{Desk, TokenStoreKind, CACHE_FILE};
use casedesk_bench::{figure, percentile};
use casedesk_domain::{Catalog, OrderAction, OrderState, WorkingCalendar};
use casedesk_hub::storage::{self, HubStore, SeedOrder};
use casedesk_hub::{app, HubConfig};
use casedesk_sync::HubClient;
use casedesk_wire::{
    Change, DriverFacts, EnterpriseFacts, Entity, Mutation, MutationResult, OrderFacts,
};
use chrono::{Duration as Days, NaiveDate};
use clap::{Parser, Subcommand};

const PASSWORD: &str = casedesk_hub::demo::DEMO_PASSWORD;
/// The county the first sync and the push pull (zhang.wei's); a tenth of the seeded orders go
/// to 获嘉县, so the hub's jurisdiction filter has rows to skip.
const COUNTY: &str = "410783";
const OTHER_COUNTY: &str = "410724";

#[derive(Parser)]
#[command(
    name = "casedesk-sync-bench",
    about = "CaseDesk sync figures: NAME VALUE UNIT"
)]
struct Args {
    /// The hub's database: a SQLite file (kept and reused: seeding is skipped when it already
    /// holds the orders) or a `postgres://` URL. Default: a new SQLite file in a temporary folder.
    #[arg(long, global = true)]
    hub_db: Option<String>,
    #[command(subcommand)]
    what: What,
}

#[derive(Subcommand)]
enum What {
    /// An empty desk's first sync of a county, and a plain SQLite insert of the same rows.
    FirstSync {
        /// Work orders of the county (another tenth go to another county).
        #[arg(long, default_value_t = 100_000)]
        orders: u64,
        /// First syncs to time, each into a new empty desk.
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// Claims queued at the desk, then one sync sending them (and pulling their result back).
    Push {
        #[arg(long, default_value_t = 1000)]
        mutations: usize,
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// Concurrent desks against the hub: each pulls its jurisdiction's pages and pushes claims.
    Load {
        #[arg(long, default_value_t = 500)]
        desks: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Work orders on the hub (a tenth of them in 获嘉县).
        #[arg(long, default_value_t = 5_000)]
        orders: u64,
        /// Each desk waits this long after each answer (0: back to back, the hub's saturation).
        #[arg(long, default_value_t = 0)]
        interval_ms: u64,
        /// Every desk starts from an empty cache (checkpoint 0), so the run is 500 first syncs
        /// at once; by default each starts caught up, as a desk that synced yesterday, and
        /// pulls what the others change.
        #[arg(long)]
        from_zero: bool,
    },
}

fn en(e: &casedesk_app::AppError) -> String {
    e.text(casedesk_app::Lang::En)
}

fn fail(msg: String) -> ! {
    eprintln!("casedesk-sync-bench: {msg}");
    std::process::exit(1)
}

struct Hub {
    base: String,
    store: Arc<dyn HubStore>,
    rt: tokio::runtime::Runtime,
    _dir: Option<tempfile::TempDir>,
}

fn start_hub(db: Option<&str>) -> Hub {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| fail(format!("runtime: {e}")));
    let (dir, db) = match db {
        Some(db) => (None, db.to_string()),
        None => {
            let dir = tempfile::tempdir().unwrap_or_else(|e| fail(format!("temp dir: {e}")));
            let db = dir.path().join("hub.db").display().to_string();
            (Some(dir), db)
        }
    };
    let (store, addr) = rt.block_on(async {
        let store = storage::open(&db)
            .await
            .unwrap_or_else(|e| fail(format!("open the hub's store {db}: {e}")));
        casedesk_hub::demo::fill_open_orders(&*store)
            .await
            .unwrap_or_else(|e| fail(format!("demo users: {e}")));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| fail(format!("bind loopback: {e}")));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| fail(format!("address: {e}")));
        let service = app(store.clone(), HubConfig::default())
            .into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, service).await;
        });
        (store, addr)
    });
    Hub {
        base: format!("http://{addr}"),
        store,
        rt,
        _dir: dir,
    }
}

fn order_no(i: u64) -> String {
    format!("GDB{i:08}")
}

/// The `i`th seeded order: violations in catalog turn, detection over the last 90 days, 5 000
/// plates, and for a third of them an enterprise (one of 1 500, by credit id) with its driver.
fn seeded_order(i: u64, now: NaiveDate) -> SeedOrder {
    let catalog = Catalog::embedded();
    let violations = catalog.all();
    let v = &violations[(i as usize * 7) % violations.len()];
    let county = if i % 10 == 9 { OTHER_COUNTY } else { COUNTY };
    let detected = (now - Days::days((i % 90) as i64))
        .and_hms_opt(8 + (i % 12) as u32, (i % 60) as u32, 0)
        .unwrap_or_default();
    let letters = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    let plate_no = i % 5_000;
    let letter = letters
        .chars()
        .nth((plate_no % letters.len() as u64) as usize)
        .unwrap_or('A');
    let (enterprise, driver) = if i.is_multiple_of(3) {
        let e = (i / 3) % 1_500;
        (
            Some(EnterpriseFacts {
                name: format!("长垣市第{e}运输有限公司"),
                credit_id: Some(format!("91410783MA{e:08}")),
                industry: v.industry,
                credit_score: Some(600 + (e % 400) as u32),
            }),
            Some(DriverFacts {
                name: format!("司机{}", e % 97),
                phone: format!("139{:08}", e),
            }),
        )
    } else {
        (None, None)
    };
    let facts = OrderFacts {
        violation_code: v.code.clone(),
        plate: format!("豫G{letter}{plate_no:04}"),
        place: [
            "G4京港澳高速K600",
            "S308长垣段",
            "G230新乡段",
            "长垣市蒲西街道",
        ][(i % 4) as usize]
            .to_string(),
        detected_at: detected.format("%Y-%m-%d %H:%M").to_string(),
        enterprise,
        driver,
    };
    let state = OrderState::open(v, detected, county, &WorkingCalendar::embedded());
    SeedOrder {
        order_no: order_no(i),
        facts,
        state,
        version: 1,
    }
}

/// Gives the hub `total` orders (none when the last one is there already), in transactions of
/// 5 000 through the store's `insert_orders` (the same rows `insert_order` makes).
fn seed(hub: &Hub, total: u64) {
    let store = hub.store.clone();
    hub.rt.block_on(async move {
        if total == 0
            || store
                .order(&order_no(total - 1))
                .await
                .unwrap_or_else(|e| fail(e.to_string()))
                .is_some()
        {
            return;
        }
        if store
            .order(&order_no(0))
            .await
            .unwrap_or_else(|e| fail(e.to_string()))
            .is_some()
        {
            fail(
                "the hub database holds another number of seeded orders; use another --hub-db"
                    .into(),
            );
        }
        let today = chrono::Local::now().date_naive();
        let at = chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string();
        let t = Instant::now();
        let mut i = 0;
        while i < total {
            let chunk: Vec<_> = (i..(i + 5_000).min(total))
                .map(|j| seeded_order(j, today))
                .collect();
            i += chunk.len() as u64;
            store
                .insert_orders(chunk, "bench", &at)
                .await
                .unwrap_or_else(|e| fail(format!("seed: {e}")));
        }
        figure(
            "hub_seed_rate",
            total as f64 / t.elapsed().as_secs_f64(),
            "orders/s",
        );
    });
}

/// Orders of `COUNTY` among `total` seeded, with the demo's 12.
fn county_orders(total: u64) -> u64 {
    (0..total).filter(|i| i % 10 != 9).count() as u64 + 12
}

fn desk(dir: &Path, hub: &Hub) -> Desk {
    let mut d = Desk::open(dir).unwrap_or_else(|e| fail(format!("open desk: {}", en(&e))));
    d.set_token_store(TokenStoreKind::File);
    d.login(&hub.base, "zhang.wei", PASSWORD)
        .unwrap_or_else(|e| fail(format!("login: {}", en(&e))));
    d
}

fn first_sync(hub: &Hub, total: u64, runs: usize) {
    seed(hub, total);
    let expected = county_orders(total);
    pull_only(hub, expected);
    let mut last_dir: Option<tempfile::TempDir> = None;
    let mut best = f64::MAX;
    for run in 0..runs {
        let dir = tempfile::tempdir().unwrap_or_else(|e| fail(e.to_string()));
        let mut d = desk(dir.path(), hub);
        let t = Instant::now();
        let r = d
            .sync()
            .unwrap_or_else(|e| fail(format!("sync: {}", en(&e))));
        let secs = t.elapsed().as_secs_f64();
        if r.pulled_orders != expected {
            fail(format!(
                "pulled {} orders, expected {expected}",
                r.pulled_orders
            ));
        }
        figure(&format!("first_sync_run{}_seconds", run + 1), secs, "s");
        best = best.min(secs);
        drop(d);
        last_dir = Some(dir);
    }
    figure("first_sync_orders", expected as f64, "orders");
    figure("first_sync_best_seconds", best, "s");
    let sync_rate = expected as f64 / best;
    figure("first_sync_rate", sync_rate, "orders/s");
    if let Some(dir) = last_dir {
        let plain = insert_rates(&dir.path().join(CACHE_FILE));
        figure("first_sync_vs_plain", sync_rate / plain, "ratio");
    }
}

/// The hub's side and the wire alone: every page of the county fetched and decoded with the
/// desk's page size, nothing applied.
fn pull_only(hub: &Hub, expected: u64) {
    let base = hub.base.clone();
    let (secs, n) = hub.rt.block_on(async move {
        let mut c = HubClient::new(&base).unwrap_or_else(|e| fail(e.to_string()));
        c.login("zhang.wei", PASSWORD, "bench-pull")
            .await
            .unwrap_or_else(|e| fail(format!("login: {e}")));
        let t = Instant::now();
        let (mut after, mut n) = (0, 0u64);
        loop {
            let page = c
                .pull(after, Some(casedesk_wire::MAX_PULL_LIMIT))
                .await
                .unwrap_or_else(|e| fail(format!("pull: {e}")));
            n += page.changes.len() as u64;
            after = page.next_checkpoint.max(after);
            if !page.has_more {
                break;
            }
        }
        (t.elapsed().as_secs_f64(), n)
    });
    if n != expected {
        fail(format!("the hub sent {n} changes, expected {expected}"));
    }
    figure("pull_only_seconds", secs, "s");
}

type Rows = Vec<Vec<rusqlite::types::Value>>;

/// Inserts `rows` into `table` with one prepared statement in one transaction; rows per second.
fn timed_insert(
    conn: &mut rusqlite::Connection,
    table: &str,
    rows: &Rows,
) -> rusqlite::Result<f64> {
    let cols = rows.first().map_or(0, Vec::len);
    let marks = vec!["?"; cols].join(",");
    let t = Instant::now();
    let tx = conn.transaction()?;
    {
        let mut ins = tx.prepare(&format!("INSERT INTO {table} VALUES ({marks})"))?;
        for row in rows {
            ins.execute(rusqlite::params_from_iter(row.iter()))?;
        }
    }
    tx.commit()?;
    Ok(rows.len() as f64 / t.elapsed().as_secs_f64())
}

/// SQLite alone on the desk's `work_order` rows, read back from the cache, each run one
/// prepared statement in one transaction on the cache's pragmas (WAL, FULL):
/// - `plain_insert_rate`: into a table of the same columns with no index and no trigger (the
///   issue's reference);
/// - `schema_insert_rate`: into a copy of the cache itself (every index, the status counts and
///   the search index kept by triggers): the ceiling for any row-by-row apply on this schema;
/// - `schema_insert_no_search_rate` and `search_rebuild_seconds`: the same without the search
///   triggers, and the search index rebuilt once afterwards.
fn insert_rates(cache: &Path) -> f64 {
    let run = || -> rusqlite::Result<f64> {
        let src = rusqlite::Connection::open(cache)?;
        let mut stmt = src.prepare("SELECT * FROM work_order ORDER BY id")?;
        let cols = stmt.column_count();
        let rows: Rows = stmt
            .query_map([], |r| {
                (0..cols).map(|i| r.get(i)).collect::<rusqlite::Result<_>>()
            })?
            .collect::<rusqlite::Result<_>>()?;
        drop(stmt);
        let dir =
            tempfile::tempdir().map_err(|e| rusqlite::Error::InvalidPath(e.to_string().into()))?;
        let open = |name: &str| -> rusqlite::Result<rusqlite::Connection> {
            let c = rusqlite::Connection::open(dir.path().join(name))?;
            c.pragma_update(None, "journal_mode", "WAL")?;
            c.pragma_update(None, "synchronous", "FULL")?;
            c.pragma_update(None, "cache_size", -65_536)?;
            Ok(c)
        };
        let mut plain = open("plain.sqlite")?;
        plain.execute("ATTACH ?1 AS c", [cache.display().to_string()])?;
        plain.execute_batch(
            "CREATE TABLE main.plain AS SELECT * FROM c.work_order WHERE 0; DETACH c;",
        )?;
        let plain_rate = timed_insert(&mut plain, "plain", &rows)?;
        figure("plain_insert_rate", plain_rate, "rows/s");
        let copy = dir.path().join("schema.sqlite");
        src.execute("VACUUM INTO ?1", [copy.display().to_string()])?;
        let mut schema = open("schema.sqlite")?;
        schema.execute_batch("DELETE FROM work_order")?;
        figure(
            "schema_insert_rate",
            timed_insert(&mut schema, "work_order", &rows)?,
            "rows/s",
        );
        schema.execute_batch(
            "DELETE FROM work_order;
             DROP TRIGGER wo_fts_insert; DROP TRIGGER wo_fts_delete; DROP TRIGGER wo_fts_update;
             INSERT INTO work_order_fts(work_order_fts) VALUES ('delete-all');",
        )?;
        figure(
            "schema_insert_no_search_rate",
            timed_insert(&mut schema, "work_order", &rows)?,
            "rows/s",
        );
        let t = Instant::now();
        schema.execute_batch("INSERT INTO work_order_fts(work_order_fts) VALUES ('rebuild')")?;
        figure("search_rebuild_seconds", t.elapsed().as_secs_f64(), "s");
        Ok(plain_rate)
    };
    run().unwrap_or_else(|e| fail(format!("SQLite alone: {e}")))
}

fn push(hub: &Hub, mutations: usize, runs: usize) {
    // Enough pending orders for every run's claims.
    let total = ((mutations * runs) as u64 * 10 / 9) + 100;
    seed(hub, total);
    let dir = tempfile::tempdir().unwrap_or_else(|e| fail(e.to_string()));
    let mut d = desk(dir.path(), hub);
    d.sync()
        .unwrap_or_else(|e| fail(format!("first sync: {}", en(&e))));
    let cache = rusqlite::Connection::open(dir.path().join(CACHE_FILE))
        .unwrap_or_else(|e| fail(e.to_string()));
    for run in 0..runs {
        let ids: Vec<i64> = cache
            .prepare("SELECT id FROM work_order WHERE status = 'pending' AND order_no LIKE 'GDB%' ORDER BY id LIMIT ?1")
            .and_then(|mut s| {
                s.query_map([mutations as i64], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()
            })
            .unwrap_or_else(|e| fail(e.to_string()));
        if ids.len() < mutations {
            fail(format!("only {} pending orders to claim", ids.len()));
        }
        for id in ids {
            d.claim(id)
                .unwrap_or_else(|e| fail(format!("claim: {}", en(&e))));
        }
        let t = Instant::now();
        let r = d
            .sync()
            .unwrap_or_else(|e| fail(format!("sync: {}", en(&e))));
        let secs = t.elapsed().as_secs_f64();
        if r.pushed != mutations as u64 || r.unsent != 0 {
            fail(format!(
                "pushed {} of {mutations}, {} unsent",
                r.pushed, r.unsent
            ));
        }
        figure(
            &format!("push_run{}_mutations", run + 1),
            mutations as f64,
            "mutations",
        );
        figure(&format!("push_run{}_seconds", run + 1), secs, "s");
        figure(
            &format!("push_run{}_pulled_back", run + 1),
            r.pulled_orders as f64,
            "orders",
        );
    }
}

#[derive(Default)]
struct Sample {
    pull_ms: Vec<f64>,
    push_ms: Vec<f64>,
    /// Every request's start (s after the clock started) and latency (ms), to tell a slow
    /// start from slowness all along.
    timeline: Vec<(f64, f64)>,
    applied: u64,
    refused: u64,
    errors: u64,
}

/// One desk: pulls from its checkpoint (pages of 200) and, every other request, pushes a claim
/// of an order it has pulled (the hub decides it with the rules; a claim of an order someone
/// else holds is refused, which is part of the load).
/// Where a desk of the load starts: its checkpoint and the orders it has.
#[derive(Clone, Default)]
struct DeskStart {
    checkpoint: i64,
    known: Vec<String>,
}

/// A caught-up desk of `client`'s user: every page of its jurisdiction pulled.
async fn caught_up(client: &mut HubClient) -> DeskStart {
    let mut start = DeskStart::default();
    loop {
        let page = client
            .pull(start.checkpoint, Some(1000))
            .await
            .unwrap_or_else(|e| fail(format!("catching up: {e}")));
        for c in &page.changes {
            if let Change::WorkOrder(o) = c {
                start.known.push(o.order_no.clone());
            }
        }
        start.checkpoint = page.next_checkpoint.max(start.checkpoint);
        if !page.has_more {
            return start;
        }
    }
}

async fn one_desk(
    mut client: HubClient,
    n: usize,
    desks: usize,
    interval: Duration,
    (clock, until): (Instant, Instant),
    start: DeskStart,
) -> (Sample, HubClient) {
    let mut s = Sample::default();
    // The desks' first requests spread over one interval.
    tokio::time::sleep(interval.mul_f64(n as f64 / desks as f64)).await;
    let DeskStart {
        mut checkpoint,
        mut known,
    } = start;
    let mut turn = n;
    while Instant::now() < until {
        if turn != n {
            tokio::time::sleep(interval).await;
            // Only requests begun within the run count (the pause may have ended past it).
            if Instant::now() >= until {
                break;
            }
        }
        turn += 1;
        if turn.is_multiple_of(2) || known.is_empty() {
            let t = Instant::now();
            match client.pull(checkpoint, Some(200)).await {
                Ok(page) => {
                    s.pull_ms.push(t.elapsed().as_secs_f64() * 1000.0);
                    s.timeline.push((
                        t.duration_since(clock).as_secs_f64(),
                        t.elapsed().as_secs_f64() * 1000.0,
                    ));
                    for c in &page.changes {
                        if let Change::WorkOrder(o) = c {
                            known.push(o.order_no.clone());
                        }
                    }
                    checkpoint = page.next_checkpoint.max(checkpoint);
                }
                Err(_) => s.errors += 1,
            }
        } else {
            let key = known[(turn * 7919 + n * 104_729) % known.len()].clone();
            let m = Mutation {
                mutation_id: uuid::Uuid::now_v7().to_string(),
                device_id: format!("load-{n}"),
                entity: Entity::WorkOrder,
                entity_key: key,
                action: "claim".into(),
                payload: serde_json::to_value(OrderAction::Claim).unwrap_or_default(),
                base_version: 1,
                created_at: chrono::Local::now().format("%Y-%m-%d %H:%M").to_string(),
            };
            let t = Instant::now();
            match client.push(std::slice::from_ref(&m)).await {
                Ok(results) => {
                    s.push_ms.push(t.elapsed().as_secs_f64() * 1000.0);
                    s.timeline.push((
                        t.duration_since(clock).as_secs_f64(),
                        t.elapsed().as_secs_f64() * 1000.0,
                    ));
                    for r in results {
                        match r {
                            MutationResult::Rejected { .. } => s.refused += 1,
                            _ => s.applied += 1,
                        }
                    }
                }
                Err(_) => s.errors += 1,
            }
        }
    }
    // The client goes back to the caller, dropped once every desk is done: dropping a
    // client (its connection pool) on the load's one thread while other desks wait for
    // answers would add to their latency.
    (s, client)
}

fn load(hub: &Hub, desks: usize, seconds: u64, total: u64, interval: Duration, from_zero: bool) {
    seed(hub, total);
    // The load generator runs on its own runtime (one thread), the hub on its two workers.
    let gen = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| fail(e.to_string()));
    let users = ["zhang.wei", "li.na", "wang.fang", "zhao.lei", "sun.min"];
    let base = hub.base.clone();
    let sample = gen.block_on(async move {
        let (mut tokens, mut starts) = (Vec::new(), Vec::new());
        for u in users {
            let mut c = HubClient::new(&base).unwrap_or_else(|e| fail(e.to_string()));
            c.login(u, PASSWORD, &format!("load-{u}"))
                .await
                .unwrap_or_else(|e| fail(format!("login {u}: {e}")));
            starts.push(if from_zero {
                DeskStart::default()
            } else {
                caught_up(&mut c).await
            });
            tokens.push(
                c.tokens()
                    .cloned()
                    .unwrap_or_else(|| fail("no tokens".into())),
            );
        }
        // Every desk's client is made before the clock starts (making one takes a while).
        let clients: Vec<HubClient> = (0..desks)
            .map(|n| {
                HubClient::new(&base)
                    .unwrap_or_else(|e| fail(e.to_string()))
                    .with_tokens(tokens[n % tokens.len()].clone())
            })
            .collect();
        let until = Instant::now() + Duration::from_secs(seconds);
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for (n, client) in clients.into_iter().enumerate() {
            let start = starts[n % starts.len()].clone();
            tasks.spawn(one_desk(
                client,
                n,
                desks,
                interval,
                (started, until),
                start,
            ));
        }
        let mut all = Sample::default();
        let mut done = Vec::with_capacity(desks);
        while let Some(s) = tasks.join_next().await {
            let (s, client) = s.unwrap_or_else(|e| fail(format!("a desk stopped: {e}")));
            done.push(client);
            all.pull_ms.extend(s.pull_ms);
            all.push_ms.extend(s.push_ms);
            all.timeline.extend(s.timeline);
            all.applied += s.applied;
            all.refused += s.refused;
            all.errors += s.errors;
        }
        let secs = started.elapsed().as_secs_f64();
        drop(done);
        (all, secs)
    });
    let (mut s, secs) = sample;
    figure(
        "load_engine",
        if hub.store.engine() == "sqlite" {
            0.0
        } else {
            1.0
        },
        hub.store.engine(),
    );
    figure("load_desks", desks as f64, "desks");
    figure("load_interval", interval.as_secs_f64() * 1000.0, "ms");
    figure("load_from_zero", f64::from(u8::from(from_zero)), "bool");
    let n = s.pull_ms.len() + s.push_ms.len();
    figure("load_requests", n as f64, "requests");
    figure("load_throughput", n as f64 / secs, "requests/s");
    let mut both: Vec<f64> = s.pull_ms.iter().chain(&s.push_ms).copied().collect();
    both.sort_by(f64::total_cmp);
    s.pull_ms.sort_by(f64::total_cmp);
    s.push_ms.sort_by(f64::total_cmp);
    for (name, v) in [("all", &both), ("pull", &s.pull_ms), ("push", &s.push_ms)] {
        figure(&format!("load_{name}_p50"), percentile(v, 0.5), "ms");
        figure(&format!("load_{name}_p99"), percentile(v, 0.99), "ms");
    }
    // When the slow requests happen: p99 of the requests begun in each second of the run.
    let seconds_run = s.timeline.iter().map(|t| t.0 as usize).max().unwrap_or(0);
    for second in 0..=seconds_run {
        let mut v: Vec<f64> = s
            .timeline
            .iter()
            .filter(|t| t.0 as usize == second)
            .map(|t| t.1)
            .collect();
        v.sort_by(f64::total_cmp);
        figure(
            &format!("load_p99_second_{second}"),
            percentile(&v, 0.99),
            "ms",
        );
    }
    let mut steady: Vec<f64> = s
        .timeline
        .iter()
        .filter(|t| t.0 >= 1.0)
        .map(|t| t.1)
        .collect();
    steady.sort_by(f64::total_cmp);
    figure(
        "load_after_first_second_p50",
        percentile(&steady, 0.5),
        "ms",
    );
    figure(
        "load_after_first_second_p99",
        percentile(&steady, 0.99),
        "ms",
    );
    figure("load_claims_applied", s.applied as f64, "mutations");
    figure("load_claims_refused", s.refused as f64, "mutations");
    figure("load_errors", s.errors as f64, "requests");
}

fn main() {
    let args = Args::parse();
    if let Some(db) = &args.hub_db {
        if !db.starts_with("postgres") {
            if let Some(parent) = PathBuf::from(db).parent() {
                if !parent.as_os_str().is_empty() {
                    let _ = std::fs::create_dir_all(parent);
                }
            }
        }
    }
    let hub = start_hub(args.hub_db.as_deref());
    let (load_avg, _) = load_average();
    figure("load_average_1m_before", load_avg, "load");
    match args.what {
        What::FirstSync { orders, runs } => first_sync(&hub, orders, runs),
        What::Push { mutations, runs } => push(&hub, mutations, runs),
        What::Load {
            desks,
            seconds,
            orders,
            interval_ms,
            from_zero,
        } => load(
            &hub,
            desks,
            seconds,
            orders,
            Duration::from_millis(interval_ms),
            from_zero,
        ),
    }
    figure("load_average_1m_after", load_average().0, "load");
}

/// The machine's 1- and 5-minute load averages (Linux), to say under what load a figure was
/// taken.
fn load_average() -> (f64, f64) {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let mut it = text
        .split_whitespace()
        .map(|v| v.parse().unwrap_or(f64::NAN));
    (it.next().unwrap_or(f64::NAN), it.next().unwrap_or(f64::NAN))
}
