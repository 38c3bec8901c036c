//! `casedesk-bench`: measures the figures the foundation promises and prints one line per figure
//! as `NAME VALUE UNIT`. Run it in release (`cargo run --release -p casedesk-bench`); the
//! start-up figure needs a display (run under `xvfb-run`) and `--app` naming a built app
//! (`--baseline` adds the minimal Tauri window of `../shared/baselines`, launched alternately).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use casedesk_app::{Clock, Desk, InboxFilter, NaiveDate};
use casedesk_bench::{figure, percentile};
use casedesk_domain::Status;
use clap::Parser;

#[derive(Parser)]
#[command(
    name = "casedesk-bench",
    about = "CaseDesk performance figures: NAME VALUE UNIT"
)]
struct Args {
    /// Work orders in the benchmark cache.
    #[arg(long, default_value_t = 1_000_000)]
    orders: u64,
    /// Data folder for the cache; reused when it already holds the same number of orders.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Repetitions per query figure.
    #[arg(long, default_value_t = 200)]
    reps: usize,
    /// A built app binary (frontend embedded) to time from launch to painted inbox.
    #[arg(long)]
    app: Option<PathBuf>,
    /// Launches of the app to time.
    #[arg(long, default_value_t = 8)]
    launches: usize,
    /// The minimal Tauri window of `../shared/baselines/tauri-minimal`, built in release: launched
    /// alternately with the app, both timed from their `main` to their second animation frame
    /// after the first rows, for the ratio of the two.
    #[arg(long)]
    baseline: Option<PathBuf>,
    /// Skip the inbox query figures (for a quick claim figure).
    #[arg(long)]
    no_inbox: bool,
    /// Skip the Excel export figure.
    #[arg(long)]
    no_export: bool,
    /// Claims to time, each on a different pending order.
    #[arg(long, default_value_t = 500)]
    claims: usize,
}

fn fail(msg: String) -> ! {
    eprintln!("casedesk-bench: {msg}");
    std::process::exit(1)
}

/// Times `f` `reps` times and prints its p50 and p95 in milliseconds.
fn timed(name: &str, reps: usize, mut f: impl FnMut(usize)) {
    let mut ms: Vec<f64> = (0..reps)
        .map(|i| {
            let t = Instant::now();
            f(i);
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    figure(&format!("{name}_p50"), percentile(&ms, 0.5), "ms");
    figure(&format!("{name}_p95"), percentile(&ms, 0.95), "ms");
}

/// A fixed moment, so every run sees the same deadlines.
fn clock() -> Clock {
    let at = NaiveDate::from_ymd_opt(2026, 11, 24).and_then(|d| d.and_hms_opt(9, 0, 0));
    Clock::Fixed(at.unwrap_or_else(|| fail("bad benchmark date".into())))
}

fn open_cache(dir: &Path, orders: u64) -> Desk {
    let mut desk = Desk::open_with_clock(dir, clock()).unwrap_or_else(|e| fail(e.to_string()));
    let have = desk
        .status()
        .unwrap_or_else(|e| fail(e.to_string()))
        .order_count;
    if have == 0 {
        let t = Instant::now();
        let s = desk
            .load_demo(orders, 2026)
            .unwrap_or_else(|e| fail(e.to_string()));
        let secs = t.elapsed().as_secs_f64();
        figure("demo_load_orders", s.orders as f64, "orders");
        figure("demo_load_rate", s.orders as f64 / secs, "orders/s");
    } else if have != orders {
        fail(format!(
            "{} holds {have} orders, not {orders}; use another --data",
            dir.display()
        ));
    }
    desk
}

fn main() {
    let args = Args::parse();
    let tmp;
    let dir = match &args.data {
        Some(d) => d.clone(),
        None => {
            tmp = tempfile::tempdir().unwrap_or_else(|e| fail(e.to_string()));
            tmp.path().to_path_buf()
        }
    };
    let mut desk = open_cache(&dir, args.orders);
    figure("cache_orders", args.orders as f64, "orders");

    // Terms: a selective one (a plate of the cache), a broad one (a road on many orders) and a
    // short one (a plate prefix below the trigram length).
    let pending = InboxFilter {
        status: vec![Status::Pending],
        ..Default::default()
    };
    // A plate with pending orders, so the plate case measures a search that finds rows; its
    // order's number (whole and its day, GD20261124…) and its driver's phone likewise.
    let first = desk
        .list_inbox(&pending)
        .unwrap_or_else(|e| fail(e.to_string()))
        .rows
        .into_iter()
        .next()
        .unwrap_or_else(|| fail("the cache has no pending orders; use a fresh --data".into()));
    let plate = first.plate.clone();
    let order_no = first.order_no.clone();
    let order_day: String = order_no.chars().take(10).collect();
    // An unlicensed vehicle's order has no driver: the phone comes from a licensed one.
    let phone = desk
        .list_inbox(&pending)
        .unwrap_or_else(|e| fail(e.to_string()))
        .rows
        .iter()
        .filter(|r| r.licensed)
        .map(|r| desk.order(r.id).map(|d| d.driver_phone))
        .find(|p| p.as_ref().map_or(true, |p| !p.is_empty()))
        .unwrap_or_else(|| fail("no pending order with a driver; use a fresh --data".into()))
        .unwrap_or_else(|e| fail(e.to_string()));
    let query = |search: Option<&str>| InboxFilter {
        search: search.map(str::to_string),
        ..pending.clone()
    };
    let cases = [
        ("inbox_status", query(None)),
        ("inbox_status_plate", query(Some(&plate))),
        ("inbox_status_broad_term", query(Some("京港澳"))),
        ("inbox_status_short_term", query(Some("豫A"))),
        ("inbox_status_enterprise", query(Some("危险货物运输"))),
        ("inbox_status_order_no", query(Some(&order_no))),
        ("inbox_status_order_no_day", query(Some(&order_day))),
        ("inbox_status_order_no_year", query(Some("GD2026"))),
        ("inbox_status_driver_phone", query(Some(&phone))),
        (
            "inbox_open_default",
            InboxFilter {
                open_only: true,
                ..Default::default()
            },
        ),
        (
            "inbox_page_20_open",
            InboxFilter {
                open_only: true,
                page: 20,
                ..Default::default()
            },
        ),
    ];
    for (name, q) in cases.iter().filter(|_| !args.no_inbox) {
        let n = desk.count_inbox(q).unwrap_or_else(|e| fail(e.to_string()));
        figure(
            &format!("{name}_matches"),
            n.total as f64,
            if n.capped { "orders+" } else { "orders" },
        );
        timed(name, args.reps, |_| {
            desk.list_inbox(q).unwrap_or_else(|e| fail(e.to_string()));
        });
        timed(&format!("{name}_count"), args.reps.min(50), |_| {
            desk.count_inbox(q).unwrap_or_else(|e| fail(e.to_string()));
        });
    }

    // 导出Excel of every order in the cache (the default view without 只看未办结), three times.
    if !args.no_export {
        let path = dir.join("bench-export.xlsx");
        let mut ms = Vec::new();
        let mut rows = 0;
        for _ in 0..3 {
            let t = Instant::now();
            rows = desk
                .export_xlsx(&InboxFilter::default(), &path, |_| {})
                .unwrap_or_else(|e| fail(e.to_string()))
                .rows;
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        ms.sort_by(f64::total_cmp);
        figure("export_xlsx_rows", rows as f64, "rows");
        figure("export_xlsx_median", percentile(&ms, 0.5), "ms");
        figure("export_xlsx_max", ms[ms.len() - 1], "ms");
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        figure("export_xlsx_size", size as f64 / 1_048_576.0, "MiB");
        let _ = std::fs::remove_file(&path);
    }

    // Claims: each on a different pending order, each with its outbox row, committed.
    let mut ids: Vec<i64> = Vec::new();
    for page in 1.. {
        let rows = desk
            .list_inbox(&InboxFilter {
                page,
                page_size: 500,
                ..pending.clone()
            })
            .unwrap_or_else(|e| fail(e.to_string()))
            .rows;
        let last_page = rows.len() < 500;
        ids.extend(rows.iter().map(|r| r.id));
        if last_page || ids.len() >= args.claims {
            break;
        }
    }
    ids.truncate(args.claims);
    if ids.is_empty() {
        eprintln!(
            "casedesk-bench: no pending orders left to claim; use a fresh --data for claim figures"
        );
    } else {
        let before = desk.status().unwrap_or_else(|e| fail(e.to_string())).unsent;
        timed("claim_with_outbox", ids.len(), |i| {
            desk.claim(ids[i]).unwrap_or_else(|e| fail(e.to_string()));
        });
        let after = desk.status().unwrap_or_else(|e| fail(e.to_string())).unsent;
        figure("claim_outbox_rows_written", (after - before) as f64, "rows");
    }

    // Spot checks by the city's supervisor: each closes (or sends back) a submitted order, with
    // its event, its clock and its outbox row, committed.
    let submitted: Vec<i64> = desk
        .list_inbox(&InboxFilter {
            status: vec![Status::Submitted],
            page_size: 500,
            ..Default::default()
        })
        .unwrap_or_else(|e| fail(e.to_string()))
        .rows
        .iter()
        .map(|r| r.id)
        .take(args.claims)
        .collect();
    if !submitted.is_empty() {
        let officer = desk.profile().clone();
        desk.set_profile(casedesk_app::Profile {
            user_name: "监管中心".into(),
            role: casedesk_domain::Role::Supervisor,
            county_code: officer.county_code.clone(),
        })
        .unwrap_or_else(|e| fail(e.to_string()));
        timed("spot_check_with_outbox", submitted.len(), |i| {
            desk.spot_check(submitted[i], i % 10 != 0, "整改复核")
                .unwrap_or_else(|e| fail(e.to_string()));
        });
        desk.set_profile(officer)
            .unwrap_or_else(|e| fail(e.to_string()));
    }

    if let Some(app) = &args.app {
        drop(desk);
        startup(app, args.baseline.as_deref(), &dir, args.launches);
    }
}

/// Launch to painted inbox: the page calls `frontend_ready` after its second animation frame with
/// rows, and the app writes its time since `main` to CASEDESK_STARTUP_FILE; we also time from
/// spawn to that file. With a baseline, each launch of the app follows one of the baseline, so
/// both meet the same machine state, and the two `main`-to-paint figures give the ratio.
fn startup(app: &Path, baseline: Option<&Path>, data: &Path, launches: usize) {
    let mut spawn_ms = Vec::new();
    let mut main_ms = Vec::new();
    let mut floor_ms = Vec::new();
    for i in 0..launches {
        if let Some(b) = baseline {
            floor_ms.push(baseline_launch(b));
        }
        let marker = data.join(format!("startup-{i}.txt"));
        let _ = std::fs::remove_file(&marker);
        let t = Instant::now();
        let mut child = Command::new(app)
            .env("CASEDESK_DATA", data)
            .env("CASEDESK_STARTUP_FILE", &marker)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| fail(format!("cannot start {}: {e}", app.display())));
        // The app writes the file in one call; an empty read means it is being written.
        let mut written = String::new();
        while written.trim().is_empty() && t.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_millis(5));
            written = std::fs::read_to_string(&marker).unwrap_or_default();
        }
        let elapsed = t.elapsed().as_secs_f64() * 1000.0;
        let _ = child.kill();
        let _ = child.wait();
        let since_main: f64 = written.trim().parse().unwrap_or_else(|_| {
            fail("the app did not paint its inbox within 60 s (is there a display?)".into())
        });
        spawn_ms.push(elapsed);
        main_ms.push(since_main);
    }
    for v in [&mut spawn_ms, &mut main_ms, &mut floor_ms] {
        v.sort_by(f64::total_cmp);
    }
    figure(
        "startup_to_painted_inbox_median",
        percentile(&spawn_ms, 0.5),
        "ms",
    );
    figure(
        "startup_to_painted_inbox_max",
        spawn_ms[spawn_ms.len() - 1],
        "ms",
    );
    figure(
        "startup_main_to_painted_inbox_median",
        percentile(&main_ms, 0.5),
        "ms",
    );
    if !floor_ms.is_empty() {
        let floor = percentile(&floor_ms, 0.5);
        figure("baseline_main_to_painted_median", floor, "ms");
        figure(
            "startup_ratio_to_baseline",
            percentile(&main_ms, 0.5) / floor,
            "x",
        );
    }
}

/// One launch of the minimal window: it prints `tauri_minimal_start_to_paint N ms` (time since its
/// `main`) from its second animation frame and exits.
fn baseline_launch(baseline: &Path) -> f64 {
    let out = Command::new(baseline)
        .stderr(Stdio::null())
        .output()
        .unwrap_or_else(|e| fail(format!("cannot start {}: {e}", baseline.display())));
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("tauri_minimal_start_to_paint "))
        .and_then(|rest| rest.trim_end_matches(" ms").trim().parse().ok())
        .unwrap_or_else(|| fail(format!("the baseline printed no start-up figure: {text}")))
}
