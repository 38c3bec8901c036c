//! The application services end to end on a real data folder: demo data, the officer's flow,
//! evidence files, bad input.

use std::path::PathBuf;

use casedesk_app::{Clock, Desk, ErrorCode, HandlingMethod, InboxFilter, Lang, Profile};
use casedesk_domain::{
    ActionKind, ClockOwner, InterceptionOutcome, ReturnReason, Role, Status, TimeLeft,
    WhitelistStatus,
};
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
        status: vec![Status::Pending],
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
            page_size: 500,
            sort: casedesk_app::SortKey::DetectedAt,
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
    // Places a local believes: a street of 长垣 or a kilometre post on a highway crossing 新乡,
    // and both kinds occur.
    let highways = ["G4京港澳高速 K", "S26台辉高速 K", "G107国道 K"];
    let on_highway = |p: &str| highways.iter().any(|h| p.starts_with(h));
    for r in &page.rows {
        assert!(
            on_highway(&r.place)
                || ["长垣市宏力大道", "长垣市山海大道"].contains(&r.place.as_str()),
            "{} is not a road of 长垣",
            r.place
        );
    }
    assert!(page.rows.iter().any(|r| on_highway(&r.place)));
    assert!(page.rows.iter().any(|r| !on_highway(&r.place)));
    // Most enterprises are green, as in the province (98 % of coach and hazmat enterprises).
    let codes: std::collections::HashMap<_, _> = page
        .rows
        .iter()
        .filter(|r| !r.enterprise_name.is_empty())
        .map(|r| (r.enterprise_name.clone(), r.credit_code))
        .collect();
    let green = codes
        .values()
        .filter(|c| matches!(c, Some(casedesk_domain::CreditCode::Green)))
        .count();
    assert!(
        green * 100 >= codes.len() * 85,
        "{green} of {} enterprises green",
        codes.len()
    );
    let err = desk.load_demo(10, 1).expect_err("not into a full cache");
    assert_eq!(err.code, ErrorCode::InvalidInput);
    // A closed demo order shows the history that closed it.
    let closed = desk
        .list_inbox(&InboxFilter {
            status: vec![Status::Closed],
            ..Default::default()
        })
        .expect("closed");
    let detail = desk.order(closed.rows[0].id).expect("detail");
    assert!(detail.timeline.len() >= 3);
    assert!(detail.allowed_actions.is_empty());
    // No history entry lies in the future of the generation time, and the demo has
    // suspected illegal operation by unlicensed vehicles on a clock counted in minutes.
    let all = desk
        .list_inbox(&InboxFilter {
            page_size: 500,
            search: Some("疑似非法营运".into()),
            ..Default::default()
        })
        .expect("illegal operation");
    assert!(all.rows.iter().any(|r| !r.licensed));
    assert!(all
        .rows
        .iter()
        .any(|r| matches!(r.time_left, Some(TimeLeft::Minutes(_)))));
    for r in page.rows.iter().chain(&all.rows) {
        for e in desk.order(r.id).expect("detail").timeline {
            assert!(
                e.at.as_str() <= "2026-11-24 09:30",
                "{} at {}",
                r.order_no,
                e.at
            );
        }
    }
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
        assert_eq!(d.row.status, Status::Rectified);
        let files = &d.timeline.last().expect("entry").evidence;
        assert_eq!(files.len(), 1);
        let sent = &desk.outbox().expect("outbox")[2].payload;
        assert_eq!(sent.matches("整改照片.png").count(), 1, "{sent}");
        let hash = &files[0].hash;
        assert!(desk.evidence_path(hash).exists());
    }
    let desk = Desk::open_with_clock(&dir.path().join("data"), clock()).expect("reopen");
    let d = desk.order(id).expect("detail");
    assert_eq!(d.row.status, Status::Rectified);
    assert_eq!(d.row.claimed_by.as_deref(), Some("张伟"));
    let kinds: Vec<_> = d.timeline.iter().map(|t| format!("{:?}", t.kind)).collect();
    assert_eq!(kinds, ["Claimed", "Handled", "RectificationRecorded"]);
    assert_eq!(d.timeline[2].evidence[0].file_name, "整改照片.png");
    assert_eq!(desk.outbox().expect("outbox").len(), 3);
    let mine = desk
        .list_inbox(&InboxFilter {
            mine: true,
            status: vec![Status::Rectified],
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
    assert!(err.text(Lang::Zh).contains("无法读取"));

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
    assert!(err.text(Lang::Zh).contains("早于今天"));
    let err = desk
        .require_rectification(id, "整改", "明天")
        .expect_err("not a date");
    assert_eq!(err.code, ErrorCode::InvalidInput);

    let err = desk.claim(id).expect_err("refused transition");
    assert_eq!(err.code, ErrorCode::RefusedTransition);
    assert!(err.text(Lang::Zh).contains("已处置"));

    let err = desk
        .return_order(id, ReturnReason::Other, " ")
        .expect_err("refused");
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
        status: vec![Status::Pending],
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
    let kind = d.whitelist.expect("whitelist shown");
    let err = desk
        .intercept(row.id, InterceptionOutcome::NothingFound, "")
        .expect_err("refused");
    assert_eq!(err.code, ErrorCode::Whitelisted);
    // The kind is named from the catalogue, as the window names it, in either language.
    let named = |lang| casedesk_app::message::Catalogue::get(lang).param(&kind.into());
    assert!(err
        .text(Lang::Zh)
        .contains(&format!("（{}）", named(Lang::Zh))));
    assert!(err
        .text(Lang::En)
        .contains(&format!("({})", named(Lang::En))));
    assert!(!err.text(Lang::En).contains("Whitelisted"), "no Rust names");
    // The supervisor of the city orders it in writing; then it is recorded.
    desk.set_profile(Profile {
        user_name: "王主任".into(),
        role: Role::Supervisor,
        county_code: "410783".into(),
    })
    .expect("supervisor");
    assert!(desk
        .order(row.id)
        .expect("detail")
        .allowed_actions
        .contains(&ActionKind::OverrideWhitelist));
    desk.override_whitelist(row.id, "群众举报，需现场核查")
        .expect("override");
    desk.set_profile(Profile::default()).expect("officer");
    let d = desk
        .intercept(row.id, InterceptionOutcome::ViolationFound, "")
        .expect("intercepted");
    assert_eq!(
        d.interception_override.as_deref(),
        Some("群众举报，需现场核查")
    );
    assert!(d.vehicle.interceptions[0].overridden);
}

#[test]
fn a_supervisor_spot_checks_reassigns_and_decides_the_whitelist() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut desk = desk_with_demo(dir.path(), 1500);
    let submitted = desk
        .list_inbox(&InboxFilter {
            status: vec![Status::Submitted],
            ..Default::default()
        })
        .expect("submitted")
        .rows;
    assert!(
        submitted.len() >= 2,
        "the demo has orders waiting for a spot check"
    );
    assert!(submitted
        .iter()
        .all(|r| r.clock_owner == Some(ClockOwner::Supervisor)));
    // Officers cannot spot-check.
    let err = desk
        .spot_check(submitted[0].id, true, "")
        .expect_err("officer");
    assert_eq!(err.code, ErrorCode::RefusedTransition);
    assert!(
        !err.text(Lang::En).contains("CountyOfficer"),
        "{}",
        err.text(Lang::En)
    );
    desk.set_profile(Profile {
        user_name: "王主任".into(),
        role: Role::Supervisor,
        county_code: "410783".into(),
    })
    .expect("supervisor");
    let passed = desk
        .spot_check(submitted[0].id, true, "整改到位")
        .expect("pass");
    assert_eq!(passed.row.status, Status::Closed);
    let err = desk
        .spot_check(submitted[1].id, false, "")
        .expect_err("a reason is required");
    assert_eq!(err.code, ErrorCode::InvalidInput);
    let failed = desk
        .spot_check(submitted[1].id, false, "整改照片与车辆不符")
        .expect("fail");
    assert_eq!(failed.row.status, Status::Rework);
    assert_eq!(failed.row.clock_owner, Some(ClockOwner::Officer));

    // A returned order is reassigned to another county of the city.
    let returned = desk
        .list_inbox(&InboxFilter {
            status: vec![Status::Returned],
            ..Default::default()
        })
        .expect("returned")
        .rows;
    let r = returned.first().expect("the demo has returned orders");
    let d = desk
        .reassign(r.id, "410724", "车辆常驻获嘉县")
        .expect("reassign");
    assert_eq!(d.row.status, Status::Pending);
    assert_eq!(d.row.county_name, "获嘉县");
    let err = desk
        .reassign(r.id, "410184", "x")
        .expect_err("already reassigned");
    assert_eq!(err.code, ErrorCode::RefusedTransition);

    // Whitelist: add an event rental; a declined proposal needs one first.
    let row = desk
        .add_whitelist(
            "豫G12345",
            casedesk_domain::WhitelistKind::LargeEventRental,
            "博览会接驳",
            Some("2026新乡博览会"),
            Some("2026-11-25"),
            Some("2026-11-27"),
        )
        .expect("added");
    assert_eq!(row.entry.status, WhitelistStatus::Approved);
    assert!(!row.in_force, "begins tomorrow");
    let err = desk
        .approve_whitelist("豫G12345", "x")
        .expect_err("no proposal");
    assert_eq!(err.code, ErrorCode::RefusedTransition);
    desk.revoke_whitelist("豫G12345", "活动取消")
        .expect("revoked");
    let outbox = desk.outbox().expect("outbox");
    assert_eq!(outbox.iter().filter(|o| o.entity == "whitelist").count(), 2);
    // An empty user name is refused.
    let err = desk
        .set_profile(Profile {
            user_name: " \u{200B}".into(),
            ..Profile::default()
        })
        .expect_err("empty name");
    assert_eq!(err.code, ErrorCode::InvalidInput);
}

#[test]
fn an_administrators_catalog_file_changes_the_clocks_and_a_bad_one_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("catalog.json"),
        r#"{"violations":[{"code":"FF-001","name":"疑似非法营运（无道路运输证车辆载客）","industry":"charter_coach",
           "clue_category":1,"path":"intervention","source":"in_trip","response_minutes":45,
           "suspected_illegal_operation":true}]}"#,
    )
    .expect("write");
    let desk = Desk::open_with_clock(dir.path(), clock()).expect("open");
    let ff = desk
        .catalog()
        .into_iter()
        .find(|v| v.code == "FF-001")
        .expect("entry");
    assert_eq!(ff.response, casedesk_domain::ResponseTime::Minutes(45));
    drop(desk);
    std::fs::write(dir.path().join("catalog.json"), "{").expect("write");
    let err = Desk::open_with_clock(dir.path(), clock())
        .err()
        .expect("refused");
    assert!(err.text(Lang::Zh).contains("catalog.json"));
}

#[test]
fn the_inbox_reader_answers_like_the_desk_and_sees_new_actions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut desk = desk_with_demo(dir.path(), 500);
    let reader = desk.inbox_reader().expect("reader");
    let q = InboxFilter {
        status: vec![Status::Pending],
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
