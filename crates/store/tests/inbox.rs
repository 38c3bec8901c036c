//! Inbox filters, search and plans on a real SQLite file.

mod common;

use casedesk_domain::action::OrderAction;
use casedesk_domain::{ClockOwner, Status, TimeLeft};
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
        status: Some(Status::Claimed),
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
        now: now(),
        calendar: calendar(),
    };
    let q = |t: &str| InboxFilter {
        status: Some(Status::Pending),
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
                status: Some(Status::Pending),
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
}

/// The per-status counts the triggers keep agree with the rows, after loading and after actions
/// that move orders between states; a plate-prefix term searches plates only.
#[test]
fn status_counts_follow_actions_and_plate_prefixes_search_plates() {
    let (_dir, mut store) = setup(60);
    let ctx = InboxContext {
        me: "张伟",
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
                    status,
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
            status,
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
