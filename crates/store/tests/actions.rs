//! Actions on real SQLite files: each writes its change, event and outbox row together; refused
//! actions change nothing; interceptions are counted and propose the whitelist.

mod common;

use casedesk_domain::action::{EvidenceRef, OrderAction};
use casedesk_domain::whitelist::{WhitelistAction, WhitelistError};
use casedesk_domain::{
    ClockOwner, HandlingMethod, InterceptionOutcome, Role, Status, TransitionError, WhitelistKind,
    WhitelistStatus,
};
use casedesk_store::{Store, StoreError, WhitelistStoreError};
use chrono::{NaiveDate, NaiveDateTime};
use common::{at, calendar, fill, now, officer, rules, supervisor};

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
    store.apply_action(id, &officer(ME), a, now(), &rules(), "device-1")
}

fn act_at(
    store: &mut Store,
    id: i64,
    who: casedesk_domain::lifecycle::Actor<'_>,
    a: &OrderAction,
    when: NaiveDateTime,
) -> Result<casedesk_store::ActionOutcome, StoreError> {
    store.apply_action(id, &who, a, when, &rules(), "device-1")
}

fn intercept(outcome: InterceptionOutcome) -> OrderAction {
    OrderAction::Intercept {
        outcome,
        notes: String::new(),
    }
}

#[test]
fn a_full_officer_flow_is_recorded_with_outbox_rows() {
    let (_dir, mut store) = open();
    let id = store.resolve_order("GD20261124000003").expect("resolve");
    let evidence = EvidenceRef {
        hash: "a".repeat(64),
        file_name: "培训签到表.pdf".into(),
        size: 1234,
        mime: "application/pdf".into(),
    };
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
        // The same file twice in one record is kept, and sent, once.
        OrderAction::RecordRectification {
            description: "已完成培训".into(),
            evidence: vec![evidence.clone(), evidence.clone()],
        },
        OrderAction::SubmitForSpotCheck,
    ];
    let mut version = 1;
    for a in &steps {
        let out = act(&mut store, id, a).expect("applied");
        assert_eq!(out.version, version + 1);
        version = out.version;
    }
    let rec = store.order(id, now(), calendar()).expect("order");
    assert_eq!(rec.row.status, Status::Submitted);
    assert_eq!(rec.row.claimed_by.as_deref(), Some(ME));
    assert_eq!(rec.row.clock_owner, Some(ClockOwner::Supervisor));
    assert_eq!(
        rec.state.rectification_requirement.as_deref(),
        Some("企业开展安全教育")
    );
    assert_eq!(rec.state.rectifications, 1);
    let tl = store.timeline(id).expect("timeline");
    assert_eq!(tl.len(), 5);
    assert_eq!(tl[1].method, Some(HandlingMethod::PhoneWarning));
    assert_eq!(tl[3].evidence.len(), 1);
    let outbox = store.outbox().expect("outbox");
    assert_eq!(outbox.len(), 5, "one mutation per action");
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
    assert_eq!(
        outbox[3].payload.matches(&"a".repeat(64)).count(),
        1,
        "the outbox lists the file once, like the cache"
    );
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
    let before = store.order(id, now(), calendar()).expect("order");
    let fine = OrderAction::Handle {
        method: HandlingMethod::Fine,
        result: "罚款".into(),
        notes: "".into(),
    };
    assert!(matches!(
        act(&mut store, id, &fine),
        Err(StoreError::Refused(TransitionError::NotAllowed { .. }))
    ));
    act(&mut store, id, &OrderAction::Claim).expect("claim");
    act(&mut store, id, &fine).expect("handle");
    let past = OrderAction::RequireRectification {
        requirement: "整改".into(),
        deadline: NaiveDate::from_ymd_opt(2026, 11, 1).expect("d"),
    };
    assert!(matches!(
        act(&mut store, id, &past),
        Err(StoreError::Refused(TransitionError::DateInPast { .. }))
    ));
    // Another officer cannot record work on my order; an officer of another county nothing.
    let err = act_at(
        &mut store,
        id,
        officer("李娜"),
        &OrderAction::SubmitForSpotCheck,
        now(),
    )
    .expect_err("not claimant");
    assert!(matches!(
        err,
        StoreError::Refused(TransitionError::NotClaimant { .. })
    ));
    let stranger = casedesk_domain::lifecycle::Actor {
        role: Role::CountyOfficer,
        name: "赵敏",
        county_code: "410724",
    };
    let other = store.resolve_order("GD20261124000006").expect("resolve");
    assert!(matches!(
        act_at(&mut store, other, stranger, &OrderAction::Claim, now()),
        Err(StoreError::Refused(
            TransitionError::OutsideJurisdiction { .. }
        ))
    ));
    let after = store.order(id, now(), calendar()).expect("order");
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
fn an_unlicensed_van_gets_an_order_with_an_hour_clock_and_is_intercepted() {
    let (_dir, mut store) = open();
    let id = store
        .resolve_order("GD20261124000019")
        .expect("the unlicensed van's order");
    let rec = store
        .order(id, at("2026-11-24 09:00"), calendar())
        .expect("order");
    assert!(!rec.row.licensed);
    assert!(rec.enterprise.is_none());
    assert_eq!(rec.vehicle_owner.as_deref(), Some("刘某"));
    assert!(matches!(
        rec.row.time_left,
        Some(casedesk_domain::TimeLeft::Minutes(_))
    ));
    act(&mut store, id, &OrderAction::Claim).expect("claim");
    act(
        &mut store,
        id,
        &intercept(InterceptionOutcome::ViolationFound),
    )
    .expect("intercepted");
    let list = store
        .interceptions_of(&rec.row.plate)
        .expect("interceptions");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].outcome, InterceptionOutcome::ViolationFound);
    assert_eq!(
        store.running_alarm_count().expect("count") as usize,
        store.running_alarm_count().expect("again") as usize
    );
}

#[test]
fn two_clean_interceptions_propose_a_coach_and_approval_refuses_the_next() {
    let (_dir, mut store) = open();
    // 豫G00002's order (vehicle 3) twice: two orders about the same coach.
    let plate = "豫G00002";
    let first = store.resolve_order("GD20261124000002").expect("resolve");
    act(&mut store, first, &OrderAction::Claim).expect("claim");
    let out = act(
        &mut store,
        first,
        &intercept(InterceptionOutcome::NothingFound),
    )
    .expect("1st");
    assert!(!out.whitelist_proposed, "not after one");
    let out = act(
        &mut store,
        first,
        &intercept(InterceptionOutcome::NothingFound),
    )
    .expect("2nd");
    assert!(
        out.whitelist_proposed,
        "proposed after exactly two clean interceptions"
    );
    let entries = store.whitelist_of(plate, now().date()).expect("entries");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].entry.status, WhitelistStatus::Proposed);
    assert!(!entries[0].in_force);
    // A third clean interception does not propose it twice.
    assert!(
        !act(
            &mut store,
            first,
            &intercept(InterceptionOutcome::NothingFound)
        )
        .expect("3rd")
        .whitelist_proposed
    );

    // Officers cannot decide; the supervisor approves with a reason, which goes to the outbox.
    let approve = WhitelistAction::Approve {
        reason: "核实无违法失信记录".into(),
    };
    assert!(matches!(
        store.decide_whitelist(plate, Role::CountyOfficer, ME, &approve, now(), "device-1"),
        Err(WhitelistStoreError::Refused(WhitelistError::NotSupervisor))
    ));
    let before = store.outbox_len().expect("len");
    let row = store
        .decide_whitelist(
            plate,
            Role::Supervisor,
            "王主任",
            &approve,
            now(),
            "device-1",
        )
        .expect("approved");
    assert!(row.in_force);
    let outbox = store.outbox().expect("outbox");
    assert_eq!(outbox.len() as u64, before + 1);
    let last = outbox.last().expect("row");
    assert_eq!(
        (
            last.entity.as_str(),
            last.entity_key.as_str(),
            last.action.as_str()
        ),
        ("whitelist", plate, "whitelist_approve")
    );

    // The next interception of that coach is refused with the reason, until a supervisor
    // orders it in writing.
    let rec = store.order(first, now(), calendar()).expect("order");
    assert!(rec.row.whitelisted);
    assert_eq!(
        rec.whitelist,
        Some(WhitelistKind::RepeatedCleanInterception)
    );
    assert!(matches!(
        act(
            &mut store,
            first,
            &intercept(InterceptionOutcome::NothingFound)
        ),
        Err(StoreError::Refused(TransitionError::Whitelisted {
            kind: WhitelistKind::RepeatedCleanInterception,
            ..
        }))
    ));
    act_at(
        &mut store,
        first,
        supervisor(),
        &OrderAction::OverrideWhitelist {
            reason: "举报称该车站外揽客".into(),
        },
        now(),
    )
    .expect("override");
    act(
        &mut store,
        first,
        &intercept(InterceptionOutcome::ViolationFound),
    )
    .expect("ordered interception");
    let list = store.interceptions_of(plate).expect("list");
    assert_eq!(list.len(), 4);
    assert!(
        list[0].overridden,
        "the ordered interception is marked as such"
    );
    // Revoking ends it.
    store
        .decide_whitelist(
            plate,
            Role::Supervisor,
            "王主任",
            &WhitelistAction::Revoke {
                reason: "发现站外揽客".into(),
            },
            now(),
            "d",
        )
        .expect("revoked");
    assert!(
        !store
            .order(first, now(), calendar())
            .expect("order")
            .row
            .whitelisted
    );
}

#[test]
fn an_event_rental_is_whitelisted_for_its_dates_only() {
    let (_dir, mut store) = open();
    let plate = "豫G00004";
    let add = WhitelistAction::Add {
        kind: WhitelistKind::LargeEventRental,
        reason: "马拉松接驳".into(),
        event_name: Some("2026新乡马拉松".into()),
        valid_from: NaiveDate::from_ymd_opt(2026, 11, 25).expect("d"),
        valid_until: Some(NaiveDate::from_ymd_opt(2026, 11, 26).expect("d")),
    };
    store
        .decide_whitelist(plate, Role::Supervisor, "王主任", &add, now(), "d")
        .expect("added");
    let id = store.resolve_order("GD20261124000004").expect("resolve");
    act(&mut store, id, &OrderAction::Claim).expect("claim");
    let during = at("2026-11-25 10:00");
    assert!(
        store
            .order(id, during, calendar())
            .expect("o")
            .row
            .whitelisted
    );
    assert!(act_at(
        &mut store,
        id,
        officer(ME),
        &intercept(InterceptionOutcome::NothingFound),
        during
    )
    .is_err());
    let after = at("2026-11-27 10:00");
    assert!(
        !store
            .order(id, after, calendar())
            .expect("o")
            .row
            .whitelisted
    );
    act_at(
        &mut store,
        id,
        officer(ME),
        &intercept(InterceptionOutcome::NothingFound),
        after,
    )
    .expect("the event is over");
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
