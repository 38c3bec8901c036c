//! 批量认领、退回、转办: each checked order is acted on in its own transaction; a refused one is
//! reported with its reason and does not undo the others.

use casedesk_app::{BatchAction, ErrorCode, Lang, Profile, MAX_BATCH};
use casedesk_domain::{ReturnReason, Role, Status};
mod common;

use common::demo_desk_with_pending;

#[test]
fn a_batch_claims_each_order_alone_and_reports_refusals() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut desk, pending) = demo_desk_with_pending(dir.path(), 300, 7, 3);

    // A colleague claims the second one first.
    let me = desk.profile().clone();
    desk.set_profile(Profile {
        user_name: "李娜".into(),
        role: Role::CountyOfficer,
        county_code: me.county_code.clone(),
    })
    .expect("colleague");
    desk.claim(pending[1]).expect("colleague claims");
    desk.set_profile(me).expect("back");
    let unsent = desk.status().expect("status").unsent;

    let ids = [pending[0], pending[1], pending[2], pending[0], 999_999];
    let items = desk
        .act_on_orders(&ids, &BatchAction::Claim)
        .expect("batch");
    assert_eq!(
        items.iter().map(|i| i.id).collect::<Vec<_>>(),
        [pending[0], pending[1], pending[2], 999_999],
        "in the order given, duplicates once"
    );
    for i in [0, 2] {
        let row = items[i].row.as_ref().expect("claimed");
        assert_eq!(row.status, Status::Claimed);
        assert_eq!(row.claimed_by.as_deref(), Some("张伟"));
        assert!(items[i].error.is_none());
        assert!(items[i].order_no.starts_with("GD"));
    }
    let refused = items[1].error.as_ref().expect("refused");
    assert!(items[1].row.is_none());
    assert!(
        items[1].order_no.starts_with("GD"),
        "a refused row still names its order"
    );
    assert!(!refused.text(Lang::Zh).is_empty() && !refused.text(Lang::En).is_empty());
    // Names come from the catalogues: "Claimed" in English is the catalogue's word, quoted.
    assert!(
        !refused.text(Lang::Zh).contains("Claimed")
            && refused.text(Lang::En).contains("\"Claimed\"")
            && !refused.text(Lang::En).contains("CountyOfficer"),
        "no Rust names in messages: {refused:?}"
    );
    let missing = items[3].error.as_ref().expect("unknown order");
    assert_eq!(missing.code, ErrorCode::NotFound);
    assert_eq!(items[3].order_no, "");
    // Two claims, two outbox rows: the refusal wrote nothing and undid nothing.
    assert_eq!(desk.status().expect("status").unsent, unsent + 2);
    let colleague = desk.order(pending[1]).expect("order");
    assert_eq!(colleague.row.claimed_by.as_deref(), Some("李娜"));

    let too_many: Vec<i64> = (0..=MAX_BATCH as i64).collect();
    assert_eq!(
        desk.act_on_orders(&too_many, &BatchAction::Claim)
            .expect_err("too many")
            .code,
        ErrorCode::InvalidInput
    );
}

#[test]
fn a_batch_return_takes_one_reason_and_refuses_what_may_not_be_returned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut desk, ids) = demo_desk_with_pending(dir.path(), 300, 7, 3);
    // "Other" says nothing by itself: without its text, every order is refused and none changes.
    let bare = BatchAction::Return {
        reason_code: ReturnReason::Other,
        reason: "  ".into(),
    };
    let items = desk.act_on_orders(&ids, &bare).expect("batch");
    assert!(items
        .iter()
        .all(|i| i.error.as_ref().map(|e| e.code) == Some(ErrorCode::InvalidInput)));
    assert!(ids
        .iter()
        .all(|&id| desk.order(id).expect("order").row.status == Status::Pending));

    // The third is already returned: refused; the first two are returned with the reason kept.
    let not_ours = BatchAction::Return {
        reason_code: ReturnReason::NotOurCounty,
        reason: String::new(),
    };
    desk.act_on_orders(&ids[2..], &not_ours).expect("first");
    let items = desk.act_on_orders(&ids, &not_ours).expect("batch");
    assert!(items[0].error.is_none() && items[1].error.is_none());
    assert_eq!(
        items[0].row.as_ref().map(|r| r.status),
        Some(Status::Returned)
    );
    assert_eq!(
        items[2].error.as_ref().map(|e| e.code),
        Some(ErrorCode::RefusedTransition)
    );
    let timeline = desk.order(ids[0]).expect("order").timeline;
    assert_eq!(
        timeline.last().and_then(|e| e.reason_code),
        Some(ReturnReason::NotOurCounty)
    );
}

#[test]
fn a_batch_transfer_sends_each_order_to_the_unit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut desk, all) = demo_desk_with_pending(dir.path(), 300, 7, 3);
    let (ids, rest) = all.split_at(2);
    let unsent = desk.status().expect("status").unsent;
    let to = BatchAction::Transfer {
        to_unit: "长垣市应急管理局".into(),
        reason: "涉及危化品储存".into(),
    };
    let items = desk.act_on_orders(ids, &to).expect("batch");
    for (item, &id) in items.iter().zip(ids) {
        assert!(item.error.is_none(), "{:?}", item.error);
        let d = desk.order(id).expect("order");
        assert_eq!(d.row.status, Status::Transferred);
        assert_eq!(d.transfer_to.as_deref(), Some("长垣市应急管理局"));
    }
    assert_eq!(desk.status().expect("status").unsent, unsent + 2);
    // Without a unit, nothing is transferred.
    let nowhere = BatchAction::Transfer {
        to_unit: String::new(),
        reason: "x".into(),
    };
    let items = desk.act_on_orders(rest, &nowhere).expect("batch");
    assert_eq!(
        items[0].error.as_ref().map(|e| e.code),
        Some(ErrorCode::InvalidInput)
    );
    assert_eq!(
        desk.order(rest[0]).expect("order").row.status,
        Status::Pending
    );
}
