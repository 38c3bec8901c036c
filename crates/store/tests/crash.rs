//! Crash safety: a child process applying a batch of actions is killed with SIGKILL part-way.
//! Every action it reported as committed must be intact with its event and outbox row, and
//! nothing may be half-written.
//!
//! The child is this same test binary, re-run with CASEDESK_CRASH_CHILD set.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use casedesk_domain::action::OrderAction;
use casedesk_domain::HandlingMethod;
use casedesk_store::Store;
use common::{fill, now, officer, rules};

const ORDERS: usize = 400;

#[test]
fn crash_child() {
    let Ok(path) = std::env::var("CASEDESK_CRASH_CHILD") else {
        return; // Only does work when re-run as the child of `sigkill_mid_batch_loses_nothing`.
    };
    let mut store = Store::open(std::path::Path::new(&path)).expect("child open");
    let mut n = 0;
    for i in 0..ORDERS {
        let id = store
            .resolve_order(&format!("GD20261124{:06}", i))
            .expect("resolve");
        for a in [
            OrderAction::Claim,
            OrderAction::Handle {
                method: HandlingMethod::Education,
                result: "已教育".into(),
                notes: "崩溃测试".into(),
            },
        ] {
            store
                .apply_action(id, &officer("张伟"), &a, now(), &rules(), "crash")
                .expect("apply");
            n += 1;
            println!("committed {n}");
        }
    }
}

#[test]
fn sigkill_mid_batch_loses_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cache.sqlite");
    fill(&mut Store::open(&path).expect("open"), ORDERS);

    let mut child = Command::new(std::env::current_exe().expect("exe"))
        .args(["crash_child", "--exact", "--nocapture", "--test-threads=1"])
        .env("CASEDESK_CRASH_CHILD", &path)
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn child");
    let stdout = child.stdout.take().expect("stdout");
    let mut reported = 0u64;
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("line");
        if let Some(n) = line.strip_prefix("committed ") {
            reported = n.parse().expect("number");
            if reported >= 150 {
                break;
            }
        }
    }
    child.kill().expect("SIGKILL"); // std sends SIGKILL on Unix
    child.wait().expect("reap");
    assert!(reported >= 150, "the child got far enough before the kill");

    let store = Store::open(&path).expect("reopen after crash");
    let conn = rusqlite::Connection::open(&path).expect("raw");
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("check");
    assert_eq!(ok, "ok");
    let outbox = store.outbox_len().expect("outbox");
    let events: i64 = conn
        .query_row("SELECT count(*) FROM event", [], |r| r.get(0))
        .expect("events");
    let versions: i64 = conn
        .query_row(
            "SELECT coalesce(sum(version - 1), 0) FROM work_order",
            [],
            |r| r.get(0),
        )
        .expect("versions");
    assert!(
        outbox >= reported,
        "every reported commit is there: {outbox} < {reported}"
    );
    assert_eq!(outbox as i64, events, "each action has its event");
    assert_eq!(
        outbox as i64, versions,
        "each action bumped exactly one version"
    );
    // Per order: status agrees with the actions recorded for it.
    let mismatched: i64 = conn
        .query_row(
            "SELECT count(*) FROM work_order wo WHERE
               (SELECT count(*) FROM outbox o WHERE o.order_id = wo.id) != wo.version - 1
               OR (wo.version = 1 AND wo.status != 'pending')
               OR (wo.version = 2 AND (wo.status != 'claimed' OR wo.claimed_by IS NULL))
               OR (wo.version = 3 AND wo.status != 'handled')",
            [],
            |r| r.get(0),
        )
        .expect("mismatch");
    assert_eq!(mismatched, 0);
}
