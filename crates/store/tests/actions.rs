//! Actions on real SQLite files: each writes its change, event and outbox row together; refused
//! actions change nothing.

mod common;

use casedesk_domain::action::{EvidenceRef, OrderAction};
use casedesk_domain::{HandlingMethod, Role, Status, TransitionError};
use casedesk_store::{Store, StoreError};
use chrono::NaiveDate;
use common::{calendar, fill, today};

const ME: &str = "张伟";

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("cache.sqlite")).expect("open");
    fill(&mut store, 20);
    (dir, store)
}

fn act(
    store: &mut Store,
    id: i64,
    a: &OrderAction,
) -> Result<casedesk_store::ActionOutcome, StoreError> {
    store.apply_action(
        id,
        ME,
        Role::CountyOfficer,
        a,
        today(),
        "2026-11-24 09:00",
        "device-1",
    )
}

#[test]
fn a_full_officer_flow_is_recorded_with_outbox_rows() {
    let (_dir, mut store) = open();
    let id = store.resolve_order("GD20261124000003").expect("resolve");
    let steps = [
        OrderAction::Claim,
        OrderAction::Handle {
            method: HandlingMethod::PhoneWarning,
            result: "已电话提醒驾驶员".into(),
            notes: "".into(),
        },
        OrderAction::RequireRectification {
            requirement: "企业开展安全教育".into(),
            deadline: NaiveDate::from_ymd_opt(2026, 12, 1).expect("d"),
        },
        OrderAction::RecordRectification {
            description: "已完成培训".into(),
            evidence: vec![EvidenceRef {
                hash: "a".repeat(64),
                file_name: "培训签到表.pdf".into(),
                size: 1234,
                mime: "application/pdf".into(),
            }],
        },
        OrderAction::SubmitForSpotCheck,
    ];
    let mut version = 1;
    for a in &steps {
        let out = act(&mut store, id, a).expect("applied");
        assert_eq!(out.version, version + 1);
        version = out.version;
    }
    let rec = store.order(id, today(), &calendar()).expect("order");
    assert_eq!(rec.row.status, Status::Submitted);
    assert_eq!(rec.row.claimed_by.as_deref(), Some(ME));
    assert_eq!(
        rec.rectification_requirement.as_deref(),
        Some("企业开展安全教育")
    );
    assert_eq!(rec.rectifications, 1);
    let tl = store.timeline(id).expect("timeline");
    assert_eq!(tl.len(), 5);
    assert_eq!(tl[1].method, Some(HandlingMethod::PhoneWarning));
    assert_eq!(tl[3].evidence.len(), 1);
    let outbox = store.outbox().expect("outbox");
    assert_eq!(outbox.len(), 5);
    assert_eq!(
        outbox.iter().map(|o| o.base_version).collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 5]
    );
    assert!(
        outbox
            .windows(2)
            .all(|w| w[0].mutation_id < w[1].mutation_id),
        "UUIDv7 ids sort in order"
    );
    assert!(outbox[1].payload.contains("phone_warning"));
}

#[test]
fn a_file_attached_twice_is_one_file_in_the_cache_and_the_outbox() {
    let (dir, mut store) = open();
    let id = store.resolve_order("GD20261124000003").expect("resolve");
    act(&mut store, id, &OrderAction::Claim).expect("claim");
    let handle = OrderAction::Handle {
        method: HandlingMethod::Education,
        result: "已教育".into(),
        notes: "".into(),
    };
    act(&mut store, id, &handle).expect("handle");
    let file = |c: char, name: &str| EvidenceRef {
        hash: c.to_string().repeat(64),
        file_name: name.into(),
        size: 10,
        mime: "image/png".into(),
    };
    act(
        &mut store,
        id,
        &OrderAction::RecordRectification {
            description: "已整改".into(),
            evidence: vec![
                file('a', "前.png"),
                file('b', "后.png"),
                file('a', "前-副本.png"),
            ],
        },
    )
    .expect("recorded");
    let names = |files: &[casedesk_store::EvidenceRow]| -> Vec<String> {
        files.iter().map(|f| f.file_name.clone()).collect()
    };
    let tl = store.timeline(id).expect("timeline");
    assert_eq!(names(&tl[2].evidence), ["前.png", "后.png"]);
    let sent: OrderAction =
        serde_json::from_str(&store.outbox().expect("outbox")[2].payload).expect("payload");
    let OrderAction::RecordRectification { evidence, .. } = sent else {
        panic!("not a rectification: {sent:?}");
    };
    let sent_names: Vec<&str> = evidence.iter().map(|e| e.file_name.as_str()).collect();
    assert_eq!(sent_names, ["前.png", "后.png"]);
    let raw = rusqlite::Connection::open(dir.path().join("cache.sqlite")).expect("raw");
    let rows: i64 = raw
        .query_row("SELECT count(*) FROM evidence", [], |r| r.get(0))
        .expect("count");
    assert_eq!(rows, 2);
}

#[test]
fn outbox_numbers_are_never_reused_after_rows_are_sent() {
    let (dir, mut store) = open();
    let mut seqs = Vec::new();
    for no in ["GD20261124000003", "GD20261124000004", "GD20261124000005"] {
        let id = store.resolve_order(no).expect("resolve");
        act(&mut store, id, &OrderAction::Claim).expect("claim");
    }
    seqs.extend(store.outbox().expect("outbox").iter().map(|o| o.seq));
    // The sync client removes what the hub acknowledged: here, everything.
    let raw = rusqlite::Connection::open(dir.path().join("cache.sqlite")).expect("raw");
    raw.execute("DELETE FROM outbox", []).expect("sent");
    assert_eq!(store.outbox_len().expect("len"), 0);
    let id = store.resolve_order("GD20261124000006").expect("resolve");
    act(&mut store, id, &OrderAction::Claim).expect("claim");
    let next = store.outbox().expect("outbox")[0].seq;
    let before = seqs.iter().max().copied().expect("rows before");
    assert!(next > before, "seq {next} reuses a number up to {before}");
}

#[test]
fn refused_actions_change_nothing() {
    let (_dir, mut store) = open();
    let id = store.resolve_order("GD20261124000005").expect("resolve");
    let before = store.order(id, today(), &calendar()).expect("order");
    // Handling before claiming is not in the table.
    let err = act(
        &mut store,
        id,
        &OrderAction::Handle {
            method: HandlingMethod::Fine,
            result: "x".into(),
            notes: "".into(),
        },
    )
    .expect_err("refused");
    assert!(matches!(
        err,
        StoreError::Refused(TransitionError::NotAllowed { .. })
    ));
    act(&mut store, id, &OrderAction::Claim).expect("claim");
    // A deadline in the past.
    let err = act(
        &mut store,
        id,
        &OrderAction::Handle {
            method: HandlingMethod::Fine,
            result: "罚款".into(),
            notes: "".into(),
        },
    )
    .and_then(|_| {
        act(
            &mut store,
            id,
            &OrderAction::RequireRectification {
                requirement: "整改".into(),
                deadline: NaiveDate::from_ymd_opt(2026, 11, 1).expect("d"),
            },
        )
    })
    .expect_err("past deadline");
    assert!(matches!(
        err,
        StoreError::Refused(TransitionError::DeadlineInPast { .. })
    ));
    // Another officer cannot record work on my order.
    let err = store
        .apply_action(
            id,
            "李娜",
            Role::CountyOfficer,
            &OrderAction::SubmitForSpotCheck,
            today(),
            "2026-11-24 10:00",
            "device-2",
        )
        .expect_err("not claimant");
    assert!(matches!(
        err,
        StoreError::Refused(TransitionError::NotClaimant { .. })
    ));
    let after = store.order(id, today(), &calendar()).expect("order");
    assert_eq!(
        after.version,
        before.version + 2,
        "only claim and handle applied"
    );
    assert_eq!(store.outbox_len().expect("len"), 2);
    assert_eq!(store.timeline(id).expect("timeline").len(), 2);
    assert!(matches!(
        store.resolve_order("GD-NOPE"),
        Err(StoreError::OrderNotFound(_))
    ));
}

#[test]
fn interception_of_a_whitelisted_vehicle_is_refused() {
    let (_dir, mut store) = open();
    let id = store.resolve_order("GD20261124000000").expect("resolve");
    let rec = store.order(id, today(), &calendar()).expect("order");
    assert!(rec.row.whitelisted);
    act(&mut store, id, &OrderAction::Claim).expect("claim");
    let err = act(
        &mut store,
        id,
        &OrderAction::Handle {
            method: HandlingMethod::Interception,
            result: "拦截".into(),
            notes: "".into(),
        },
    )
    .expect_err("whitelisted");
    match err {
        StoreError::Refused(TransitionError::Whitelisted { reason, plate }) => {
            assert_eq!(plate, "豫G00000");
            assert_eq!(reason, "企业自用车辆");
        }
        other => panic!("unexpected {other}"),
    }
    assert_eq!(store.outbox_len().expect("len"), 1);
}

#[test]
fn drafts_survive_reopening() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cache.sqlite");
    {
        let store = Store::open(&path).expect("open");
        store
            .save_draft("handle:7", r#"{"result":"已联系"}"#, "2026-11-24 09:00")
            .expect("save");
    }
    let store = Store::open(&path).expect("reopen");
    assert_eq!(
        store.load_draft("handle:7").expect("load").as_deref(),
        Some(r#"{"result":"已联系"}"#)
    );
    store.clear_draft("handle:7").expect("clear");
    assert_eq!(store.load_draft("handle:7").expect("load"), None);
}
