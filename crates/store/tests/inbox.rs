//! Inbox filters, search and plans on a real SQLite file.

mod common;

use casedesk_domain::action::OrderAction;
use casedesk_domain::{ClockOwner, Role, Status, TimeLeft};
use casedesk_store::inbox::{InboxContext, SELECTIVE_LIMIT};
use casedesk_store::{DueFilter, InboxFilter, SortKey, Store};
use common::{calendar, fill, now, officer, rules};

fn setup(n: usize) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("cache.sqlite")).expect("open");
    fill(&mut store, n);
    (dir, store)
}

#[test]
fn filters_sort_and_page() {
    let (_dir, mut store) = setup(60);
    let ctx = InboxContext {
        me: "张伟",
        role: Role::CountyOfficer,
        now: now(),
        calendar: calendar(),
    };
    let id = store.resolve_order("GD20261124000007").expect("resolve");
    store
        .apply_action(
            id,
            &officer("张伟"),
            &OrderAction::Claim,
            now(),
            &rules(),
            "d",
        )
        .expect("claim");

    let all = store
        .list_inbox(
            &InboxFilter {
                page_size: 25,
                ..Default::default()
            },
            &ctx,
        )
        .expect("page");
    assert_eq!(all.rows.len(), 25);
    assert!(all.has_more);
    // Minutes-clocks (in-trip alarms) first, then by due moment.
    let key = |r: &casedesk_store::InboxRow| {
        (
            !matches!(r.time_left, Some(TimeLeft::Minutes(_))),
            r.due_at.clone(),
        )
    };
    assert!(
        all.rows.windows(2).all(|w| key(&w[0]) <= key(&w[1])),
        "sorted by clock"
    );
    assert!(matches!(all.rows[0].time_left, Some(TimeLeft::Minutes(_))));
    let last = store
        .list_inbox(
            &InboxFilter {
                page_size: 25,
                page: 3,
                ..Default::default()
            },
            &ctx,
        )
        .expect("page 3");
    assert_eq!(last.rows.len(), 10);
    assert!(!last.has_more);

    let mine = InboxFilter {
        mine: true,
        ..Default::default()
    };
    let rows = store.list_inbox(&mine, &ctx).expect("mine").rows;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status, Status::Claimed);
    let claimed = InboxFilter {
        status: vec![Status::Claimed],
        ..Default::default()
    };
    assert_eq!(store.count_inbox(&claimed, &ctx).expect("count").total, 1);

    let desc = InboxFilter {
        sort: SortKey::DetectedAt,
        descending: true,
        ..Default::default()
    };
    let rows = store.list_inbox(&desc, &ctx).expect("desc").rows;
    assert!(rows
        .windows(2)
        .all(|w| w[0].detected_at >= w[1].detected_at));

    let today_due = InboxFilter {
        due: Some(DueFilter::Today),
        ..Default::default()
    };
    let rows = store.list_inbox(&today_due, &ctx).expect("today").rows;
    assert!(!rows.is_empty());
    for r in rows {
        let due = r.due_at.expect("running clock");
        assert!(
            ("2026-11-24 09:00".."2026-11-24 23:59:59").contains(&due.as_str()),
            "{due}"
        );
        assert!(matches!(
            r.time_left,
            Some(TimeLeft::WorkingDays(0) | TimeLeft::Minutes(0..))
        ));
    }
    let overdue = InboxFilter {
        due: Some(DueFilter::Overdue),
        ..Default::default()
    };
    let rows = store.list_inbox(&overdue, &ctx).expect("overdue").rows;
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| {
        r.due_at.as_deref() < Some("2026-11-24 09:00")
            && matches!(
                r.time_left,
                Some(TimeLeft::WorkingDays(..0) | TimeLeft::Minutes(..0))
            )
            && r.clock_owner == Some(ClockOwner::Officer)
    }));
    let week = InboxFilter {
        due: Some(DueFilter::ThisWeek),
        ..Default::default()
    };
    assert!(store
        .list_inbox(&week, &ctx)
        .expect("week")
        .rows
        .iter()
        .all(|r| ("2026-11-24 09:00"..="2026-11-29 23:59")
            .contains(&r.due_at.as_deref().unwrap_or_default())));

    let open = InboxFilter {
        open_only: true,
        ..Default::default()
    };
    let (_, plan) = store.explain_inbox(&open, &ctx).expect("plan");
    assert!(
        plan.contains("wo_open_due") && !plan.contains("TEMP B-TREE"),
        "{plan}"
    );

    let cat1 = InboxFilter {
        clue_category: Some(1),
        ..Default::default()
    };
    assert!(store
        .list_inbox(&cat1, &ctx)
        .expect("cat")
        .rows
        .iter()
        .all(|r| r.clue_category == 1));
}

#[test]
fn search_finds_plates_enterprises_violations_and_places() {
    let (_dir, store) = setup(60);
    let ctx = InboxContext {
        me: "张伟",
        role: Role::CountyOfficer,
        now: now(),
        calendar: calendar(),
    };
    let search = |t: &str| InboxFilter {
        search: Some(t.into()),
        ..Default::default()
    };
    // A full plate, typed loosely.
    let rows = store
        .list_inbox(&search("豫g·00012"), &ctx)
        .expect("plate")
        .rows;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].plate, "豫G00012");
    // Short prefix (below trigram length).
    assert_eq!(
        store
            .count_inbox(&search("豫G"), &ctx)
            .expect("prefix")
            .total,
        60
    );
    // Enterprise name.
    let rows = store
        .list_inbox(&search("宏运物流"), &ctx)
        .expect("enterprise")
        .rows;
    assert_eq!(
        rows.len(),
        29,
        "every other vehicle but the unlicensed last one"
    );
    assert!(rows.iter().all(|r| r.enterprise_name.contains("宏运物流")));
    // A two-character violation type goes through the catalog.
    let rows = store
        .list_inbox(&search("超速"), &ctx)
        .expect("violation")
        .rows;
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.violation_name.contains("超速")));
    // Place.
    assert!(
        store
            .count_inbox(&search("京港澳"), &ctx)
            .expect("place")
            .total
            == 60
    );
    // A place as written, its space kept: only a plate loses its separators.
    let rows = store
        .list_inbox(&search("京港澳高速 K612"), &ctx)
        .expect("place with a space")
        .rows;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].place, "G4京港澳高速 K612+303");
    assert_eq!(
        store
            .count_inbox(&search("K612+303"), &ctx)
            .expect("place with a plus")
            .total,
        1
    );
    // An order number, whole (in any case, with separators) or in part.
    for typed in ["GD20261124000017", "gd 2026-1124-000017", "4000017"] {
        let rows = store
            .list_inbox(&search(typed), &ctx)
            .expect("order no")
            .rows;
        assert_eq!(rows.len(), 1, "{typed}");
        assert_eq!(rows[0].order_no, "GD20261124000017", "{typed}");
    }
    assert_eq!(
        store
            .count_inbox(&search("GD2026112400001"), &ctx)
            .expect("order no prefix")
            .total,
        10
    );
    assert_eq!(
        store.count_inbox(&search("GD"), &ctx).expect("GD").total,
        60
    );
    // The driver, by name (two characters) and by phone (whole or in part).
    let rows = store
        .list_inbox(&search("李娜"), &ctx)
        .expect("driver")
        .rows;
    assert_eq!(rows.len(), 29);
    assert!(rows
        .iter()
        .all(|r| r.enterprise_name == "新乡市宏运物流有限公司"));
    for typed in ["13900000002", "0000002"] {
        assert_eq!(
            store
                .count_inbox(&search(typed), &ctx)
                .expect("phone")
                .total,
            29,
            "{typed}"
        );
    }
    // Nothing, and quotes in the term are harmless.
    assert_eq!(
        store
            .count_inbox(&search("不存在的企业\""), &ctx)
            .expect("none")
            .total,
        0
    );
}

#[test]
fn search_plans_never_run_match_per_row() {
    // More rows than the selective limit, all sharing 京港澳 (broad) and each with its own plate.
    let (_dir, store) = setup(SELECTIVE_LIMIT + 500);
    let ctx = InboxContext {
        me: "张伟",
        role: Role::CountyOfficer,
        now: now(),
        calendar: calendar(),
    };
    let q = |t: &str| InboxFilter {
        status: vec![Status::Pending],
        search: Some(t.into()),
        ..Default::default()
    };

    let (by_rowid, plan) = store.explain_inbox(&q("豫G01234"), &ctx).expect("plan");
    assert!(by_rowid, "a plate is selective");
    assert!(
        !plan.contains("wo_status"),
        "selective search must not walk the status index:\n{plan}"
    );
    assert!(
        !plan.contains("work_order_fts"),
        "MATCH ran once as a probe, not in the query:\n{plan}"
    );

    let (by_rowid, plan) = store.explain_inbox(&q("京港澳"), &ctx).expect("plan");
    assert!(!by_rowid, "a term in every row is broad");
    assert!(
        plan.contains("wo_status_due"),
        "broad search walks the sort index:\n{plan}"
    );
    assert!(
        !plan.contains("TEMP B-TREE"),
        "no sort of all matches:\n{plan}"
    );
    let page = store.list_inbox(&q("京港澳"), &ctx).expect("broad page");
    assert_eq!(page.rows.len(), 50);
    let count = store.count_inbox(&q("京港澳"), &ctx).expect("broad count");
    assert_eq!(count.total, SELECTIVE_LIMIT as u64 + 500);
    assert!(!count.capped);

    let (_, plan) = store
        .explain_inbox(
            &InboxFilter {
                status: vec![Status::Pending],
                ..Default::default()
            },
            &ctx,
        )
        .expect("plan");
    assert!(
        plan.contains("wo_status_due") && !plan.contains("TEMP B-TREE"),
        "{plan}"
    );

    // A whole order number is fetched by rowid (from the number's unique index).
    let (by_rowid, plan) = store
        .explain_inbox(&q("GD20261124001234"), &ctx)
        .expect("plan");
    assert!(by_rowid, "an order number is selective");
    assert!(!plan.contains("wo_status"), "{plan}");
    // A prefix of more numbers than the rowid probe takes (a day's), under a filter: the
    // number's range, each row tested and the few left sorted, not a walk of the whole filter.
    let (by_rowid, plan) = store.explain_inbox(&q("GD2026"), &ctx).expect("plan");
    assert!(!by_rowid, "GD2026 is more than the probe takes");
    assert!(
        plan.contains("sqlite_autoindex_work_order") && !plan.contains("wo_status"),
        "a day's numbers under a filter read the number's range:\n{plan}"
    );
    assert_eq!(
        store
            .list_inbox(&q("GD2026"), &ctx)
            .expect("page")
            .rows
            .len(),
        50
    );
    assert_eq!(
        store.count_inbox(&q("GD2026"), &ctx).expect("count").total,
        SELECTIVE_LIMIT as u64 + 500
    );
    // Without a filter, matches are dense enough to walk the sort index and stop at 50.
    let unfiltered = InboxFilter {
        search: Some("GD2026".into()),
        ..Default::default()
    };
    let (_, plan) = store.explain_inbox(&unfiltered, &ctx).expect("plan");
    assert!(
        plan.contains("wo_due") && !plan.contains("TEMP B-TREE"),
        "unfiltered number prefix walks the sort index:\n{plan}"
    );
    assert_eq!(
        store
            .list_inbox(&unfiltered, &ctx)
            .expect("page")
            .rows
            .len(),
        50
    );
    // Digits in every order number are broad: no MATCH per row either.
    let (by_rowid, plan) = store.explain_inbox(&q("0000"), &ctx).expect("plan");
    assert!(!by_rowid);
    assert!(
        plan.contains("wo_status_due") && !plan.contains("work_order_fts"),
        "{plan}"
    );
    assert_eq!(
        store.list_inbox(&q("0000"), &ctx).expect("page").rows.len(),
        50
    );

    // Several statuses holding few orders (all of these 2 500 are pending): IN on the status
    // index, the matches sorted; with a broad term, still no MATCH per row.
    let several = |t: Option<&str>| InboxFilter {
        status: vec![Status::Pending, Status::Submitted],
        search: t.map(Into::into),
        ..Default::default()
    };
    let (_, plan) = store.explain_inbox(&several(None), &ctx).expect("plan");
    assert!(plan.contains("SEARCH wo USING INDEX wo_status"), "{plan}");
    let (by_rowid, plan) = store
        .explain_inbox(&several(Some("京港澳")), &ctx)
        .expect("plan");
    assert!(!by_rowid);
    assert!(!plan.contains("work_order_fts"), "{plan}");
    let page = store
        .list_inbox(&several(Some("京港澳")), &ctx)
        .expect("page");
    assert_eq!(page.rows.len(), 50);
    assert_eq!(
        store
            .count_inbox(&several(None), &ctx)
            .expect("count")
            .total,
        SELECTIVE_LIMIT as u64 + 500
    );
    // A plate is still fetched by rowid, the statuses tested on its rows.
    let (by_rowid, plan) = store
        .explain_inbox(&several(Some("豫G01234")), &ctx)
        .expect("plan");
    assert!(by_rowid);
    assert!(!plan.contains("wo_status"), "{plan}");
}

/// The per-status counts the triggers keep agree with the rows, after loading and after actions
/// that move orders between states; a plate-prefix term searches plates only.
#[test]
fn status_counts_follow_actions_and_plate_prefixes_search_plates() {
    let (_dir, mut store) = setup(60);
    let ctx = InboxContext {
        me: "张伟",
        role: Role::CountyOfficer,
        now: now(),
        calendar: calendar(),
    };
    for no in ["GD20261124000003", "GD20261124000004", "GD20261124000005"] {
        let id = store.resolve_order(no).expect("resolve");
        store
            .apply_action(
                id,
                &officer("张伟"),
                &OrderAction::Claim,
                now(),
                &rules(),
                "d",
            )
            .expect("claim");
    }
    let listed = |store: &Store, status: Option<Status>, open_only: bool| {
        store
            .list_inbox(
                &InboxFilter {
                    status: status.into_iter().collect(),
                    open_only,
                    page_size: 500,
                    ..Default::default()
                },
                &ctx,
            )
            .expect("list")
            .rows
            .len() as u64
    };
    for (status, open_only) in [
        (Some(Status::Pending), false),
        (Some(Status::Claimed), false),
        (Some(Status::Closed), false),
        (None, true),
        (None, false),
    ] {
        let q = InboxFilter {
            status: status.into_iter().collect(),
            open_only,
            ..Default::default()
        };
        let counted = store.count_inbox(&q, &ctx).expect("count");
        assert_eq!(
            counted.total,
            listed(&store, status, open_only),
            "{status:?} {open_only}"
        );
        assert!(!counted.capped);
    }
    assert_eq!(listed(&store, Some(Status::Claimed), false), 3);
    // 豫G is a plate prefix: every order here has a 豫G plate; a place or a name with 豫G in it
    // would not count.
    let q = InboxFilter {
        search: Some("豫g".into()),
        ..Default::default()
    };
    assert_eq!(store.count_inbox(&q, &ctx).expect("count").total, 60);
}

/// Claims `no` as `who`; with `rectify`, also handles it and asks the enterprise to rectify, so
/// the enterprise's clock runs.
fn work_on(store: &mut Store, no: &str, who: &'static str, rectify: bool) {
    let id = store.resolve_order(no).expect("resolve");
    let mut steps = vec![OrderAction::Claim];
    if rectify {
        steps.push(OrderAction::Handle {
            method: casedesk_domain::HandlingMethod::PhoneWarning,
            result: "已电话警示".into(),
            notes: String::new(),
        });
        steps.push(OrderAction::RequireRectification {
            requirement: "开展安全教育".into(),
            deadline: chrono::NaiveDate::from_ymd_opt(2026, 12, 8).expect("d"),
        });
    }
    for step in steps {
        store
            .apply_action(id, &officer(who), &step, now(), &rules(), "d")
            .expect("action");
    }
}

#[test]
fn waiting_for_me_is_the_domains_rule_of_whose_turn_it_is() {
    let (_dir, mut store) = setup(40);
    work_on(&mut store, "GD20261124000003", "张伟", false);
    work_on(&mut store, "GD20261124000004", "李娜", false);
    work_on(&mut store, "GD20261124000005", "张伟", true);
    let all = |ctx: &InboxContext<'_>, waiting: bool| {
        store
            .list_inbox(
                &InboxFilter {
                    waiting_for_me: waiting,
                    page_size: 500,
                    ..Default::default()
                },
                ctx,
            )
            .expect("page")
            .rows
    };
    for (me, role) in [
        ("张伟", Role::CountyOfficer),
        ("李娜", Role::CountyOfficer),
        ("王主任", Role::Supervisor),
        ("前台", Role::DeskStaff),
    ] {
        let ctx = InboxContext {
            me,
            role,
            now: now(),
            calendar: calendar(),
        };
        let expected: Vec<i64> = all(&ctx, false)
            .iter()
            .filter(|r| role.waits_for(r.clock_owner, r.claimed_by.as_deref(), me))
            .map(|r| r.id)
            .collect();
        let got: Vec<i64> = all(&ctx, true).iter().map(|r| r.id).collect();
        assert_eq!(got, expected, "{me}");
        // Every row says whether it waits for the user, so the window colours the same
        // clocks the filter keeps, without a rule of its own.
        let marked: Vec<i64> = all(&ctx, false)
            .iter()
            .filter(|r| r.waits_for_me)
            .map(|r| r.id)
            .collect();
        assert_eq!(marked, expected, "{me}");
        let q = InboxFilter {
            waiting_for_me: true,
            ..Default::default()
        };
        assert_eq!(
            store.count_inbox(&q, &ctx).expect("count").total,
            expected.len() as u64
        );
        if role == Role::CountyOfficer {
            // The colleague's claim and the enterprise's clock are not mine; my claim is.
            assert_eq!(expected.len(), 40 - 2, "{me}");
        }
    }
}

#[test]
fn several_statuses_list_only_those() {
    let (_dir, mut store) = setup(40);
    work_on(&mut store, "GD20261124000003", "张伟", false);
    work_on(&mut store, "GD20261124000005", "张伟", true);
    let ctx = InboxContext {
        me: "张伟",
        role: Role::CountyOfficer,
        now: now(),
        calendar: calendar(),
    };
    let q = InboxFilter {
        status: vec![Status::Claimed, Status::Rectifying],
        ..Default::default()
    };
    let page = store.list_inbox(&q, &ctx).expect("page");
    let mut seen: Vec<Status> = page.rows.iter().map(|r| r.status).collect();
    seen.sort_by_key(|s| s.code());
    assert_eq!(seen, vec![Status::Claimed, Status::Rectifying]);
    // Exact from the per-status counts, and the same through the plan.
    assert_eq!(store.count_inbox(&q, &ctx).expect("count").total, 2);
    let searched = InboxFilter {
        search: Some("豫G".into()),
        ..q.clone()
    };
    assert_eq!(store.count_inbox(&searched, &ctx).expect("count").total, 2);
    let with_pending = InboxFilter {
        status: vec![Status::Pending, Status::Claimed],
        ..Default::default()
    };
    assert_eq!(
        store.count_inbox(&with_pending, &ctx).expect("count").total,
        39
    );
}

#[test]
fn saved_filters_are_kept_listed_used_and_deleted() {
    let (_dir, store) = setup(3);
    assert!(store.saved_filters().expect("none").is_empty());
    assert!(store.filter_in_use().expect("none").is_none());
    let overdue = InboxFilter {
        status: vec![Status::Pending, Status::Claimed],
        due: Some(DueFilter::Overdue),
        waiting_for_me: true,
        search: Some("豫G".into()),
        sort: SortKey::DetectedAt,
        descending: true,
        page: 7,
        ..Default::default()
    };
    let saved = store
        .save_filter("逾期待办", &overdue, "2026-11-24 09:00")
        .expect("save");
    assert_eq!(saved.query.page, 1, "saved on its first page");
    assert_eq!(
        InboxFilter {
            page: 7,
            ..saved.query.clone()
        },
        overdue
    );
    assert!(saved.in_use);
    store
        .save_filter("企业整改", &InboxFilter::default(), "2026-11-24 09:01")
        .expect("save");
    let names: Vec<String> = store
        .saved_filters()
        .expect("list")
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(names, vec!["企业整改", "逾期待办"]);
    assert_eq!(
        store.filter_in_use().expect("in use").map(|f| f.name),
        Some("企业整改".into())
    );
    store.use_filter(Some("逾期待办")).expect("use");
    assert_eq!(
        store.filter_in_use().expect("in use").map(|f| f.name),
        Some("逾期待办".into())
    );
    assert_eq!(
        store
            .saved_filters()
            .expect("list")
            .iter()
            .filter(|f| f.in_use)
            .count(),
        1
    );
    // Saving under the same name replaces it.
    store
        .save_filter("逾期待办", &InboxFilter::default(), "2026-11-24 10:00")
        .expect("replace");
    let replaced = store.saved_filter("逾期待办").expect("get");
    assert_eq!(replaced.query, InboxFilter::default());
    assert_eq!(replaced.created_at, "2026-11-24 09:00");
    assert_eq!(replaced.updated_at, "2026-11-24 10:00");
    store.use_filter(None).expect("by hand");
    assert!(store.filter_in_use().expect("none").is_none());
    assert!(matches!(
        store.use_filter(Some("不存在")),
        Err(casedesk_store::StoreError::FilterNotFound(_))
    ));
    assert!(matches!(
        store.delete_filter("不存在"),
        Err(casedesk_store::StoreError::FilterNotFound(_))
    ));
    store.delete_filter("逾期待办").expect("delete");
    assert_eq!(store.saved_filters().expect("list").len(), 1);
}

#[test]
fn saved_filters_survive_reopening_the_cache() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cache.sqlite");
    {
        let store = Store::open(&path).expect("open");
        store
            .save_filter(
                "待认领",
                &InboxFilter {
                    status: vec![Status::Pending],
                    ..Default::default()
                },
                "2026-11-24 09:00",
            )
            .expect("save");
    }
    let store = Store::open(&path).expect("reopen");
    let f = store.filter_in_use().expect("in use").expect("some");
    assert_eq!(f.name, "待认领");
    assert_eq!(f.query.status, vec![Status::Pending]);
}
