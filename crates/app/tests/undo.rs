//! 撤销认领: a claim still unsent can be taken back once, restoring the order as it was; a claim
//! followed by anything else stands.

use casedesk_app::{Desk, ErrorCode, InboxFilter, Profile};
use casedesk_domain::{HandlingMethod, Role, Status};
use casedesk_store::EventKind;
mod common;

use common::demo_desk_with_pending;

fn desk(dir: &std::path::Path) -> (Desk, i64) {
    let (desk, pending) = demo_desk_with_pending(dir, 200, 3, 1);
    (desk, pending[0])
}

fn pending_count(desk: &Desk) -> u64 {
    desk.count_inbox(&InboxFilter {
        status: vec![Status::Pending],
        ..Default::default()
    })
    .expect("count")
    .total
}

#[test]
fn undo_restores_the_order_its_clock_and_the_counts_and_keeps_both_in_the_trail() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut desk, id) = desk(dir.path());
    let before = desk.order(id).expect("order");
    let (pending, unsent) = (pending_count(&desk), desk.status().expect("status").unsent);

    let claimed = desk.claim(id).expect("claim");
    assert_eq!(claimed.row.status, Status::Claimed);
    assert_eq!(pending_count(&desk), pending - 1);
    assert_eq!(desk.status().expect("status").unsent, unsent + 1);

    let undone = desk.undo_claim(id).expect("undo");
    assert_eq!(undone.row.status, Status::Pending);
    assert_eq!(undone.row.claimed_by, None);
    assert_eq!(undone.row.due_at, before.row.due_at, "the same clock runs");
    assert_eq!(undone.row.clock_owner, before.row.clock_owner);
    assert_eq!(undone.row.time_left, before.row.time_left);
    assert_eq!(
        undone.version, before.version,
        "the hub's version, as before"
    );
    assert!(undone
        .allowed_actions
        .contains(&casedesk_domain::ActionKind::Claim));
    assert_eq!(pending_count(&desk), pending);
    assert_eq!(
        desk.status().expect("status").unsent,
        unsent,
        "the claim is never sent"
    );
    assert!(desk
        .outbox()
        .expect("outbox")
        .iter()
        .all(|m| m.entity_key != before.row.order_no));
    let kinds: Vec<EventKind> = undone.timeline.iter().map(|e| e.kind).collect();
    assert_eq!(
        &kinds[kinds.len() - 2..],
        [EventKind::Claimed, EventKind::ClaimWithdrawn]
    );
    assert_eq!(
        undone.timeline.last().map(|e| e.actor.as_str()),
        Some("张伟")
    );

    // Once undone there is nothing to undo; claiming again works and can be undone again.
    let again = desk.undo_claim(id).expect_err("nothing to undo");
    assert_eq!(again.code, ErrorCode::RefusedTransition);
    assert!(
        again
            .text(casedesk_app::Lang::Zh)
            .contains("没有您可以撤销的认领"),
        "{}",
        again.text(casedesk_app::Lang::Zh)
    );
    desk.claim(id).expect("claim again");
    desk.undo_claim(id).expect("undo again");
}

#[test]
fn a_claim_followed_by_another_action_or_by_a_colleague_stands() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut desk, id) = desk(dir.path());
    desk.claim(id).expect("claim");
    desk.handle(id, HandlingMethod::PhoneWarning, "已电话警示", "")
        .expect("handle");
    let unsent = desk.status().expect("status").unsent;
    let err = desk.undo_claim(id).expect_err("handled since");
    assert_eq!(err.code, ErrorCode::RefusedTransition);
    assert!(
        err.text(casedesk_app::Lang::Zh).contains("新的办理记录"),
        "{}",
        err.text(casedesk_app::Lang::Zh)
    );
    assert!(
        !err.text(casedesk_app::Lang::En).contains("ChangedSince"),
        "{}",
        err.text(casedesk_app::Lang::En)
    );
    let d = desk.order(id).expect("order");
    assert_eq!(d.row.status, Status::Handled, "nothing changed");
    assert_eq!(desk.status().expect("status").unsent, unsent);

    // A colleague's claim is not mine to undo.
    let other = desk
        .list_inbox(&InboxFilter {
            status: vec![Status::Pending],
            ..Default::default()
        })
        .expect("inbox")
        .rows[0]
        .id;
    let me = desk.profile().clone();
    desk.set_profile(Profile {
        user_name: "李娜".into(),
        role: Role::CountyOfficer,
        county_code: me.county_code.clone(),
    })
    .expect("colleague");
    desk.claim(other).expect("colleague claims");
    desk.set_profile(me).expect("back");
    assert_eq!(
        desk.undo_claim(other).expect_err("not mine").code,
        ErrorCode::RefusedTransition
    );
    assert_eq!(
        desk.order(other).expect("order").row.claimed_by.as_deref(),
        Some("李娜")
    );
}
