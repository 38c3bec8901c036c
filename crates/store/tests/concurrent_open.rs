//! Several processes opening one new, empty cache at the same moment (the window and a CLI
//! started together, a double launch): every one of them opens it, the schema is migrated once,
//! and they all use the same device id, the one the cache keeps.
//!
//! The children are this same test binary, re-run with CASEDESK_OPEN_CHILD set; they wait for a
//! common start time so that their opens overlap.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use casedesk_store::{Store, SCHEMA_VERSION};

const CHILDREN: usize = 6;
const ROUNDS: usize = 4;

fn now_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_millis()
}

#[test]
fn open_child() {
    let Ok(path) = std::env::var("CASEDESK_OPEN_CHILD") else {
        return; // Only does work when re-run by `processes_opening_a_new_cache_at_once_agree`.
    };
    let start: u128 = std::env::var("CASEDESK_OPEN_AT")
        .expect("start time")
        .parse()
        .expect("number");
    while now_ms() < start {
        std::thread::sleep(Duration::from_micros(200));
    }
    let result = Store::open(Path::new(&path)).and_then(|store| {
        let version = store.schema_version()?;
        let device = store.device_id()?;
        Ok((version, device))
    });
    match result {
        // On a line of its own: libtest has already printed "test open_child ... ".
        Ok((version, device)) => println!("\nopened {version} {device}"),
        Err(e) => println!("\nfailed {e}"),
    }
}

#[test]
fn processes_opening_a_new_cache_at_once_agree() {
    for round in 0..ROUNDS {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("cache.sqlite");
        // Far enough ahead that every child has started and waits for it.
        let start = now_ms() + 500;
        let children: Vec<Child> = (0..CHILDREN)
            .map(|_| {
                Command::new(std::env::current_exe().expect("exe"))
                    .args(["open_child", "--exact", "--nocapture", "--test-threads=1"])
                    .env("CASEDESK_OPEN_CHILD", &path)
                    .env("CASEDESK_OPEN_AT", start.to_string())
                    .stdout(Stdio::piped())
                    .spawn()
                    .expect("spawn child")
            })
            .collect();
        // Every child runs to its end before we judge, so none is cut off mid-open.
        let reports: Vec<String> = children
            .into_iter()
            .map(|child| {
                let out = child.wait_with_output().expect("child ran");
                assert!(out.status.success(), "round {round}: a child crashed");
                let text = String::from_utf8_lossy(&out.stdout).into_owned();
                text.lines()
                    .find(|l| l.starts_with("opened ") || l.starts_with("failed "))
                    .unwrap_or_else(|| panic!("round {round}: a child said nothing: {text}"))
                    .to_string()
            })
            .collect();
        let failed: Vec<&String> = reports
            .iter()
            .filter(|r| r.starts_with("failed "))
            .collect();
        assert!(failed.is_empty(), "round {round}: {failed:?}");
        let mut devices = Vec::new();
        for report in &reports {
            let rest = report.trim_start_matches("opened ");
            let (version, device) = rest.split_once(' ').expect("version and device id");
            assert_eq!(version, SCHEMA_VERSION.to_string(), "round {round}");
            devices.push(device.to_string());
        }
        devices.dedup();
        assert_eq!(
            devices.len(),
            1,
            "round {round}: one device id: {devices:?}"
        );

        let conn = rusqlite::Connection::open(&path).expect("raw open");
        let kept: Vec<String> = conn
            .prepare("SELECT value FROM setting WHERE key = 'device_id'")
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(
            kept, devices,
            "round {round}: the id they use is the one kept"
        );
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .expect("version");
        assert_eq!(version, SCHEMA_VERSION);
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("check");
        assert_eq!(ok, "ok");
    }
}
