//! The application services end to end on a real data folder: demo data, the officer's flow,
//! evidence files, bad input.

use std::path::PathBuf;

use casedesk_app::{Clock, Desk, ErrorCode, HandlingMethod, InboxFilter};
use casedesk_domain::{ActionKind, Status};
use chrono::NaiveDate;

fn clock() -> Clock {
    Clock::Fixed(
        NaiveDate::from_ymd_opt(2026, 11, 24)
            .and_then(|d| d.and_hms_opt(9, 30, 0))
            .expect("time"),
    )
}

fn desk_with_demo(dir: &std::path::Path, orders: u64) -> Desk {
    let mut desk = Desk::open_with_clock(dir, clock()).expect("open");
    let summary = desk.load_demo(orders, 7).expect("demo");
    assert_eq!(summary.orders, orders);
    desk
}

fn first_pending(desk: &Desk) -> i64 {
    let q = InboxFilter {
        status: Some(Status::Pending),
        ..Default::default()
    };
    desk.list_inbox(&q)
        .expect("inbox")
        .rows
        .iter()
        .find(|r| !r.whitelisted)
        .expect("a pending order")
        .id
}

#[test]
fn demo_data_is_realistic_and_loads_only_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut desk = desk_with_demo(dir.path(), 2000);
    let status = desk.status().expect("status");
    assert_eq!(status.order_count, 2000);
    assert_eq!(status.county_name, "长垣市");
    assert_eq!(status.city_name, "新乡市");
    assert_eq!(status.unsent, 0);
    let page = desk
        .list_inbox(&InboxFilter {
            page_size: 200,
            ..Default::default()
        })
        .expect("inbox");
    for r in &page.rows {
        assert!(
            casedesk_domain::plate::is_valid_plate(&r.plate),
            "{}",
            r.plate
        );
        assert_eq!(r.county_name, "长垣市");
    }
    let statuses: std::collections::HashSet<_> = page.rows.iter().map(|r| r.status).collect();
    assert!(statuses.len() >= 4, "a spread of states: {statuses:?}");
    let err = desk.load_demo(10, 1).expect_err("not into a full cache");
    assert_eq!(err.code, ErrorCode::InvalidInput);
    // A closed demo order shows the history that closed it.
    let closed = desk
        .list_inbox(&InboxFilter {
            status: Some(Status::Closed),
            ..Default::default()
        })
        .expect("closed");
    let detail = desk.order(closed.rows[0].id).expect("detail");
    assert!(detail.timeline.len() >= 5);
    assert!(detail.allowed_actions.is_empty());
}

#[test]
fn an_officer_claims_handles_and_rectifies_with_a_photo_and_it_survives_reopening() {
    let dir = tempfile::tempdir().expect("tempdir");
    let photo = dir.path().join("整改照片.png");
    std::fs::write(&photo, b"\x89PNG\r\n\x1a\n...pixels...").expect("photo");
    let id;
    {
        let mut desk = desk_with_demo(&dir.path().join("data"), 300);
        id = first_pending(&desk);
        let d = desk.claim(id).expect("claim");
        assert_eq!(d.row.status, Status::Claimed);
        assert!(d.allowed_actions.contains(&ActionKind::Handle));
        desk.handle(
            id,
            HandlingMethod::PhoneWarning,
            "已电话警示驾驶员",
            "驾驶员表示立即整改",
        )
        .expect("handle");
        // The same photo chosen twice is one file of the record, in the cache and the outbox.
        let d = desk
            .record_rectification(id, "企业已更换监控终端", &[photo.clone(), photo.clone()])
            .expect("rectify");
        assert_eq!(d.row.status, Status::Rectifying);
        let files = &d.timeline.last().expect("entry").evidence;
        assert_eq!(files.len(), 1);
        let sent = &desk.outbox().expect("outbox")[2].payload;
        assert_eq!(sent.matches("整改照片.png").count(), 1, "{sent}");
        let hash = &files[0].hash;
        assert!(desk.evidence_path(hash).exists());
    }
    let desk = Desk::open_with_clock(&dir.path().join("data"), clock()).expect("reopen");
    let d = desk.order(id).expect("detail");
    assert_eq!(d.row.status, Status::Rectifying);
    assert_eq!(d.row.claimed_by.as_deref(), Some("张伟"));
    let kinds: Vec<_> = d.timeline.iter().map(|t| format!("{:?}", t.kind)).collect();
    assert_eq!(kinds, ["Claimed", "Handled", "RectificationRecorded"]);
    assert_eq!(d.timeline[2].evidence[0].file_name, "整改照片.png");
    assert_eq!(desk.outbox().expect("outbox").len(), 3);
    let mine = desk
        .list_inbox(&InboxFilter {
            mine: true,
            status: Some(Status::Rectifying),
            ..Default::default()
        })
        .expect("mine");
    assert!(mine.rows.iter().any(|r| r.id == id));
}

#[test]
fn bad_input_gets_a_clear_error_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut desk = desk_with_demo(&dir.path().join("data"), 200);
    desk.set_evidence_limit(1024);
    let id = first_pending(&desk);
    desk.claim(id).expect("claim");
    desk.handle(id, HandlingMethod::Education, "已教育", "")
        .expect("handle");
    let before = desk.order(id).expect("before");
    let unsent = desk.status().expect("status").unsent;

    let missing = PathBuf::from("/nonexistent/photo.jpg");
    let err = desk
        .record_rectification(id, "整改", &[missing])
        .expect_err("unreadable");
    assert_eq!(err.code, ErrorCode::FileUnreadable);
    assert!(err.message_zh.contains("无法读取"));

    let huge = dir.path().join("big.pdf");
    std::fs::write(
        &huge,
        [b"%PDF-1.7\n".as_slice(), &vec![b'x'; 4096]].concat(),
    )
    .expect("big");
    let err = desk
        .record_rectification(id, "整改", &[huge])
        .expect_err("too large");
    assert_eq!(err.code, ErrorCode::FileTooLarge);

    let fake = dir.path().join("photo.jpg");
    std::fs::write(&fake, "not a jpeg").expect("fake");
    let err = desk
        .record_rectification(id, "整改", &[fake])
        .expect_err("mismatch");
    assert_eq!(err.code, ErrorCode::FileTypeMismatch);

    let err = desk
        .require_rectification(id, "整改", "2026-11-01")
        .expect_err("past");
    assert_eq!(err.code, ErrorCode::DeadlinePast);
    assert!(err.message_zh.contains("早于今天"));
    let err = desk
        .require_rectification(id, "整改", "明天")
        .expect_err("not a date");
    assert_eq!(err.code, ErrorCode::InvalidInput);

    let err = desk.claim(id).expect_err("refused transition");
    assert_eq!(err.code, ErrorCode::RefusedTransition);
    assert!(err.message_zh.contains("已处置"));

    let err = desk.return_order(id, " ").expect_err("refused");
    assert_eq!(
        err.code,
        ErrorCode::RefusedTransition,
        "handled orders cannot be returned"
    );
    let err = desk.order(99_999_999).expect_err("unknown");
    assert_eq!(err.code, ErrorCode::NotFound);

    let after = desk.order(id).expect("after");
    assert_eq!(after.version, before.version);
    assert_eq!(after.timeline.len(), before.timeline.len());
    assert_eq!(desk.status().expect("status").unsent, unsent);
    assert_eq!(
        std::fs::read_dir(dir.path().join("data/evidence/sha256"))
            .expect("store folder")
            .count(),
        0,
        "no file was stored"
    );
}

#[test]
fn whitelisted_vehicles_refuse_interception_through_the_service() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut desk = desk_with_demo(dir.path(), 3000);
    let q = InboxFilter {
        status: Some(Status::Pending),
        page_size: 500,
        ..Default::default()
    };
    let row = desk
        .list_inbox(&q)
        .expect("inbox")
        .rows
        .into_iter()
        .find(|r| r.whitelisted)
        .expect("a whitelisted vehicle");
    desk.claim(row.id).expect("claim");
    let d = desk.order(row.id).expect("detail");
    let reason = d.vehicle_whitelist_reason.expect("reason shown");
    let err = desk
        .handle(row.id, HandlingMethod::Interception, "布控", "")
        .expect_err("refused");
    assert_eq!(err.code, ErrorCode::Whitelisted);
    assert!(err.message_zh.contains(&reason));
}

#[test]
fn the_inbox_reader_answers_like_the_desk_and_sees_new_actions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut desk = desk_with_demo(dir.path(), 500);
    let reader = desk.inbox_reader().expect("reader");
    let q = InboxFilter {
        status: Some(Status::Pending),
        search: Some("豫".into()),
        ..Default::default()
    };
    assert_eq!(
        reader.list_inbox(&q).expect("reader page"),
        desk.list_inbox(&q).expect("desk page")
    );
    assert_eq!(
        reader.count_inbox(&q).expect("reader count"),
        desk.count_inbox(&q).expect("desk count")
    );
    let id = first_pending(&desk);
    desk.claim(id).expect("claim");
    let mine = InboxFilter {
        mine: true,
        ..Default::default()
    };
    assert!(reader
        .list_inbox(&mine)
        .expect("mine")
        .rows
        .iter()
        .any(|r| r.id == id));
}
