//! Crash safety: a child process works through a fixed sequence of steps (draft saves, claims,
//! handlings, rectifications with an evidence file) and is killed with SIGKILL part-way, again
//! and again, each time resuming where the cache says it stopped. After every kill:
//!
//! - every step the child reported as committed is in the cache, and the steps in the cache are
//!   exactly a prefix of the sequence: nothing reported is lost, nothing is half-kept;
//! - each action has its event and outbox row, and the order's state agrees with them;
//! - every evidence row has its file, with the right hash; no partial file is in the store, and
//!   nothing is left in the store's tmp/ once it is reopened.
//!
//! The child says "begin N" before and "commit N" after each commit, and "import N" before
//! copying an evidence file, so the test knows where each kill landed; it asserts that some
//! kills fell between a begin and its commit and some in the middle of a copy.
//!
//! The child is this same test binary, re-run with CASEDESK_CRASH_CHILD set.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use casedesk_domain::action::OrderAction;
use casedesk_domain::HandlingMethod;
use casedesk_store::evidence::DEFAULT_MAX_BYTES;
use casedesk_store::{EvidenceStore, Store};
use common::{fill, now, officer, rules};

const ORDERS: u64 = 40;
/// Per order: save a draft, claim, handle, record a rectification with a photo, update the draft.
const STEPS: u64 = 5;
const DRAFT_TYPED: &str = "{\"description\":\"已更换监控\"}";
const DRAFT_SENT: &str = "{\"description\":\"\"}";
/// Large enough that a copy (hashed, fsynced) takes a while in a debug build.
const PHOTO_BYTES: usize = 1 << 20;

fn order_no(i: u64) -> String {
    format!("GD20261124{i:06}")
}

fn draft_key(i: u64) -> String {
    format!("rectify/{}", order_no(i))
}

fn photo(dir: &Path, i: u64) -> PathBuf {
    dir.join("photos").join(format!("{i}.png"))
}

/// A photo per order with bytes of its own (a PNG header, then noise seeded by the order).
fn write_photos(dir: &Path) {
    fs::create_dir_all(dir.join("photos")).expect("photos dir");
    for i in 0..ORDERS {
        let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut x = 0x9E37_79B9_7F4A_7C15u64 ^ (i + 1);
        while bytes.len() < PHOTO_BYTES {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            bytes.extend_from_slice(&x.to_le_bytes());
        }
        fs::write(photo(dir, i), bytes).expect("photo");
    }
}

/// How far the cache says order `i` has got: which of its steps are done.
fn done_steps(store: &Store, i: u64) -> [bool; STEPS as usize] {
    let id = store.resolve_order(&order_no(i)).expect("resolve");
    let actions = store.timeline(id).expect("timeline").len();
    let draft = store.load_draft(&draft_key(i)).expect("draft");
    [
        draft.is_some(),
        actions >= 1,
        actions >= 2,
        actions >= 3,
        draft.as_deref() == Some(DRAFT_SENT),
    ]
}

fn say(what: &str, n: u64) {
    let mut out = std::io::stdout().lock();
    // On a line of its own: libtest may have printed "test crash_child ... " first.
    writeln!(out, "\n{what} {n}").expect("stdout");
    out.flush().expect("flush");
}

#[test]
fn crash_child() {
    let Ok(dir) = std::env::var("CASEDESK_CRASH_CHILD") else {
        return; // Only does work when re-run by `sigkill_loses_no_reported_commit`.
    };
    let dir = PathBuf::from(dir);
    let mut store = Store::open(&dir.join("cache.sqlite")).expect("child open");
    let evidence =
        EvidenceStore::open(dir.join("evidence"), DEFAULT_MAX_BYTES).expect("evidence store");
    let device = store.device_id().expect("device id");
    let now_text = "2026-11-24 09:00";
    for i in 0..ORDERS {
        let id = store.resolve_order(&order_no(i)).expect("resolve");
        let done = done_steps(&store, i);
        for k in 0..STEPS {
            let n = i * STEPS + k;
            if done[k as usize] {
                continue;
            }
            let action = match k {
                0 | 4 => {
                    let text = if k == 0 { DRAFT_TYPED } else { DRAFT_SENT };
                    say("begin", n);
                    store
                        .save_draft(&draft_key(i), text, now_text)
                        .expect("draft");
                    say("commit", n);
                    continue;
                }
                1 => OrderAction::Claim,
                2 => OrderAction::Handle {
                    method: HandlingMethod::Education,
                    result: "已教育".into(),
                    notes: "崩溃测试".into(),
                },
                _ => {
                    say("import", n);
                    let evidence = evidence.import_all(&[photo(&dir, i)]).expect("import");
                    OrderAction::RecordRectification {
                        description: "已更换监控".into(),
                        evidence,
                    }
                }
            };
            say("begin", n);
            store
                .apply_action(id, &officer("张伟"), &action, now(), &rules(), &device)
                .expect("apply");
            say("commit", n);
        }
    }
    say("done", ORDERS * STEPS);
}

/// Where the child is killed: after it announces the `skip`-th event of this kind in its run.
#[derive(Clone, Copy)]
enum KillAt {
    /// Right after "begin N": between the announcement of a commit and its report.
    Begin(usize),
    /// During the copy of an evidence file: once its temporary file has appeared.
    Copy(usize),
}

/// The last event a child announced before it died, read to the end of its output.
#[derive(Debug, Default)]
struct Run {
    last: Option<(String, u64)>,
    partial_copy_left: bool,
}

/// Notes one line of the child's output; returns the event's kind if it is one.
fn note(line: &str, run: &mut Run, reported: &mut BTreeSet<u64>) -> Option<String> {
    let (what, n) = line.split_once(' ')?;
    let n: u64 = n.parse().ok()?;
    if !["begin", "commit", "import", "done"].contains(&what) {
        return None;
    }
    if what == "commit" {
        reported.insert(n);
    }
    run.last = Some((what.to_string(), n));
    Some(what.to_string())
}

fn run_and_kill(dir: &Path, at: KillAt, reported: &mut BTreeSet<u64>) -> Run {
    let mut child = Command::new(std::env::current_exe().expect("exe"))
        .args(["crash_child", "--exact", "--nocapture", "--test-threads=1"])
        .env("CASEDESK_CRASH_CHILD", dir)
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn child");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let tmp = dir.join("evidence/tmp");
    let mut run = Run::default();
    let (want, mut skip) = match at {
        KillAt::Begin(s) => ("begin", s),
        KillAt::Copy(s) => ("import", s),
    };
    let mut reached = false;
    for line in lines.by_ref() {
        let line = line.expect("line");
        let Some(what) = note(&line, &mut run, reported) else {
            continue;
        };
        assert_ne!(what, "done", "the child finished before it was killed");
        if what != want {
            continue;
        }
        if skip > 0 {
            skip -= 1;
            continue;
        }
        if matches!(at, KillAt::Copy(_)) {
            // The copy is under way once its temporary file exists.
            let t = Instant::now();
            while fs::read_dir(&tmp).map_or(0, |d| d.count()) == 0
                && t.elapsed() < Duration::from_secs(2)
            {
                std::thread::yield_now();
            }
        }
        reached = true;
        break;
    }
    child.kill().expect("SIGKILL"); // std sends SIGKILL on Unix
    let status = child.wait().expect("reap");
    assert!(
        reached,
        "the child stopped on its own ({status}) before its kill point"
    );
    // What the child wrote before it died, to its last word.
    for line in lines {
        note(&line.expect("line"), &mut run, reported);
    }
    run.partial_copy_left = fs::read_dir(&tmp).map_or(0, |d| d.count()) > 0;
    run
}

/// Reopens the cache and the evidence store as the app would after a crash, and checks them.
/// Returns how many steps are done.
fn check_after_crash(dir: &Path, reported: &BTreeSet<u64>) -> u64 {
    let store = Store::open(&dir.join("cache.sqlite")).expect("reopen after crash");
    let evidence =
        EvidenceStore::open(dir.join("evidence"), DEFAULT_MAX_BYTES).expect("evidence reopen");
    let conn = rusqlite::Connection::open(dir.join("cache.sqlite")).expect("raw");
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("check");
    assert_eq!(ok, "ok");

    // The steps in the cache are a prefix of the sequence, covering every reported commit.
    let done: Vec<bool> = (0..ORDERS).flat_map(|i| done_steps(&store, i)).collect();
    let prefix = done.iter().take_while(|d| **d).count() as u64;
    let beyond: Vec<u64> = (prefix..ORDERS * STEPS)
        .filter(|n| done[*n as usize])
        .collect();
    assert!(
        beyond.is_empty(),
        "steps {beyond:?} kept after step {prefix} was lost"
    );
    let lost: Vec<&u64> = reported.iter().filter(|n| **n >= prefix).collect();
    assert!(lost.is_empty(), "reported commits {lost:?} were lost");

    // Each action has its event and outbox row and moved its order one version on.
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect(sql) };
    let outbox = count("SELECT count(*) FROM outbox");
    assert_eq!(outbox, count("SELECT count(*) FROM event"));
    assert_eq!(
        outbox,
        count("SELECT coalesce(sum(version - 1), 0) FROM work_order")
    );
    assert_eq!(
        count(
            "SELECT count(*) FROM work_order wo WHERE
               (SELECT count(*) FROM outbox o WHERE o.order_id = wo.id) != wo.version - 1
               OR (wo.version = 1 AND wo.status != 'pending')
               OR (wo.version = 2 AND (wo.status != 'claimed' OR wo.claimed_by IS NULL))
               OR (wo.version = 3 AND wo.status != 'handled')
               OR (wo.version = 4 AND (wo.status != 'rectified' OR wo.rectifications != 1))"
        ),
        0
    );
    // Each rectification has its one photo, and the photo's bytes are in the store.
    assert_eq!(
        count("SELECT count(*) FROM evidence"),
        count("SELECT count(*) FROM event WHERE kind = 'rectification_recorded'")
    );
    let hashes: Vec<(String, i64)> = conn
        .prepare("SELECT hash, size FROM evidence")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    for (hash, size) in &hashes {
        assert!(
            evidence.verify(hash).expect("stored file readable"),
            "{hash}"
        );
        let len = fs::metadata(evidence.path_of(hash)).expect("file").len();
        assert_eq!(len as i64, *size);
    }
    // No partial copy in the store (every file is named by its bytes), none left in tmp/.
    let mut stack = vec![dir.join("evidence/sha256")];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("read dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let name = p.file_name().and_then(|n| n.to_str()).expect("name");
                assert!(evidence.verify(name).expect("verify"), "partial {name}");
            }
        }
    }
    assert_eq!(
        fs::read_dir(dir.join("evidence/tmp")).expect("tmp").count(),
        0,
        "tmp/ is emptied on open"
    );
    prefix
}

#[test]
fn sigkill_loses_no_reported_commit() {
    let dir = tempfile::tempdir().expect("tempdir");
    fill(
        &mut Store::open(&dir.path().join("cache.sqlite")).expect("open"),
        ORDERS as usize,
    );
    write_photos(dir.path());

    let plan = [
        KillAt::Begin(3),
        KillAt::Copy(0),
        KillAt::Begin(6),
        KillAt::Copy(1),
        KillAt::Begin(1),
        KillAt::Begin(4),
        KillAt::Copy(0),
        KillAt::Begin(2),
        KillAt::Begin(5),
        KillAt::Copy(1),
    ];
    let mut reported = BTreeSet::new();
    let mut progress = 0;
    let (mut in_commit, mut in_copy, mut partial_copies) = (0, 0, 0);
    for at in plan {
        let run = run_and_kill(dir.path(), at, &mut reported);
        match run.last.as_ref().map(|(w, _)| w.as_str()) {
            Some("begin") => in_commit += 1,
            Some("import") => in_copy += 1,
            _ => {}
        }
        if run.partial_copy_left {
            partial_copies += 1;
        }
        let done = check_after_crash(dir.path(), &reported);
        assert!(
            done >= progress,
            "steps went backwards: {done} < {progress}"
        );
        progress = done;
    }
    eprintln!(
        "{} kills: {in_commit} between a begin and its commit, {in_copy} during a copy \
         ({partial_copies} left a partial copy in tmp/); {progress} steps done, {} reported",
        plan.len(),
        reported.len()
    );
    assert!(
        in_commit >= 1,
        "no kill landed between a begin and its commit"
    );
    assert!(in_copy >= 1, "no kill landed during an evidence copy");
    assert!(partial_copies >= 1, "no kill left a partial copy to clean");
    assert!(
        progress >= 20,
        "the children got through enough work: {progress}"
    );
}
