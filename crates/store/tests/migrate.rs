//! A cache written by the first release (schema 1) opens under this one: orders keep their ids,
//! history and search, the single deadline becomes the running clock of the right owner, a
//! whitelisted vehicle keeps an entry, enterprises keep their scores, and the outbox goes on
//! numbering after its last row.

mod common;

use casedesk_domain::{ClockOwner, Role, Status};
use casedesk_store::inbox::InboxContext;
use casedesk_store::{InboxFilter, Store};
use common::{calendar, now, officer, rules};
use rusqlite::Connection;

const SCHEMA_1: &str = include_str!("../../../migrations/desk/0001_init.sql");

fn schema_1_cache(path: &std::path::Path) {
    let conn = Connection::open(path).expect("raw open");
    conn.execute_batch(SCHEMA_1).expect("schema 1");
    conn.execute_batch(
        "PRAGMA user_version = 1;
         INSERT INTO enterprise VALUES (1, '长垣市顺达汽车运输有限公司', 'scheduled_coach', '410783', 950, 'green');
         INSERT INTO vehicle VALUES (1, '豫G12345', 1, 'scheduled_coach', 'enterprise_self_use');
         INSERT INTO vehicle VALUES (2, '豫G54321', 1, 'scheduled_coach', NULL);
         INSERT INTO driver VALUES (1, '赵师傅', '13712345678', 1);
         INSERT INTO work_order(id, order_no, status, industry, violation_code, violation_name,
            clue_category, source, plate, vehicle_id, enterprise_id, enterprise_name, driver_id, county_code,
            place, detected_at, deadline, claimed_by, rectification_requirement,
            rectification_deadline, rectifications, version, updated_at) VALUES
           (1, 'GD1', 'pending', 'scheduled_coach', 'KY-013', '经营许可证逾期且运营', 3, 'after_fact',
            '豫G12345', 1, 1, '长垣市顺达汽车运输有限公司', 1, '410783', 'G4京港澳高速K600',
            '2026-11-20 08:00', '2026-12-04', NULL, NULL, NULL, 0, 1, '2026-11-20 08:00'),
           (2, 'GD2', 'rectifying', 'scheduled_coach', 'KY-013', '经营许可证逾期且运营', 3, 'after_fact',
            '豫G54321', 2, 1, '长垣市顺达汽车运输有限公司', NULL, '410783', 'G4京港澳高速K601',
            '2026-11-10 08:00', '2026-11-24', '张伟', '更换设备', '2026-12-08', 0, 4, '2026-11-12 08:00'),
           (3, 'GD3', 'closed', 'scheduled_coach', 'KY-013', '经营许可证逾期且运营', 3, 'after_fact',
            '豫G54321', 2, 1, '长垣市顺达汽车运输有限公司', NULL, '410783', 'G4京港澳高速K602',
            '2026-10-10 08:00', '2026-10-24', '张伟', NULL, NULL, 1, 6, '2026-10-20 08:00');
         INSERT INTO event(order_id, at, actor, kind, payload) VALUES
           (2, '2026-11-11 08:00', '张伟', 'returned', '{\"action\":\"return\",\"reason\":\"旧版退回\"}');
         INSERT INTO outbox(seq, mutation_id, device_id, order_id, order_no, action, payload, base_version, created_at)
           VALUES (7, 'm-7', 'dev', 2, 'GD2', 'claim', '{\"action\":\"claim\"}', 1, '2026-11-11 08:00');",
    )
    .expect("schema 1 rows");
}

#[test]
fn a_schema_1_cache_migrates_with_its_orders_clocks_whitelist_and_outbox() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cache.sqlite");
    schema_1_cache(&path);
    let mut store = Store::open(&path).expect("migrated");

    let pending = store.order(1, now(), calendar()).expect("GD1");
    assert_eq!(pending.row.status, Status::Pending);
    assert_eq!(pending.row.clock_owner, Some(ClockOwner::Officer));
    assert_eq!(pending.row.due_at.as_deref(), Some("2026-12-04 23:59"));
    assert!(
        pending.row.whitelisted,
        "the schema-1 whitelist reason became an entry"
    );

    // Schema 8 rebuilt the enterprise table: the score and code stay, the driver too.
    let e = pending.enterprise.clone().expect("enterprise");
    assert_eq!(
        (e.id, e.credit_score, e.credit_code, e.credit_id),
        (1, Some(950), Some(casedesk_domain::CreditCode::Green), None)
    );
    assert_eq!(pending.driver_name, "赵师傅");

    let rectifying = store.order(2, now(), calendar()).expect("GD2");
    assert_eq!(
        rectifying.row.clock_owner,
        Some(ClockOwner::Enterprise),
        "inside its rectification period the order is the enterprise's"
    );
    assert_eq!(rectifying.row.due_at.as_deref(), Some("2026-12-08 23:59"));
    let timeline = store.timeline(2).expect("old events still read");
    assert_eq!(timeline[0].reason.as_deref(), Some("旧版退回"));

    let closed = store.order(3, now(), calendar()).expect("GD3");
    assert_eq!(closed.row.clock_owner, None);
    assert_eq!(closed.row.time_left, None);

    // Search still finds the rows (same rowids in the trigram index).
    let ctx = InboxContext {
        me: "张伟",
        role: Role::CountyOfficer,
        now: now(),
        calendar: calendar(),
    };
    let found = store
        .list_inbox(
            &InboxFilter {
                search: Some("京港澳高速K601".into()),
                ..Default::default()
            },
            &ctx,
        )
        .expect("search");
    assert_eq!(found.rows.len(), 1);
    // Schema 5 indexed the order number and the driver (copied from the driver table).
    for (term, no) in [("赵师傅", "GD1"), ("3712345", "GD1"), ("GD3", "GD3")] {
        let found = store
            .list_inbox(
                &InboxFilter {
                    search: Some(term.into()),
                    ..Default::default()
                },
                &ctx,
            )
            .expect("search");
        let nos: Vec<&str> = found.rows.iter().map(|r| r.order_no.as_str()).collect();
        assert_eq!(nos, [no], "{term}");
    }

    // The outbox goes on after its highest number.
    let out = store
        .apply_action(
            1,
            &officer("张伟"),
            &casedesk_domain::OrderAction::Claim,
            now(),
            &rules(),
            "dev",
        )
        .expect("claim after migration");
    let seqs: Vec<i64> = store
        .outbox()
        .expect("outbox")
        .iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(seqs, vec![7, 8]);
    assert_eq!(out.version, 2);
}
