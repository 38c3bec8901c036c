//! 批量认领: each checked order is claimed in its own transaction; a refused one is reported with
//! its reason and does not undo the others.

use casedesk_app::{Clock, Desk, ErrorCode, InboxFilter, Profile, MAX_BATCH};
use casedesk_domain::{Role, Status};
use chrono::NaiveDate;

#[test]
fn a_batch_claims_each_order_alone_and_reports_refusals() {
    let dir = tempfile::tempdir().expect("tempdir");
    let at = NaiveDate::from_ymd_opt(2026, 11, 24)
        .and_then(|d| d.and_hms_opt(9, 30, 0))
        .expect("time");
    let mut desk = Desk::open_with_clock(dir.path(), Clock::Fixed(at)).expect("open");
    desk.load_demo(300, 7).expect("demo");
    let pending: Vec<i64> = desk
        .list_inbox(&InboxFilter {
            status: vec![Status::Pending],
            ..Default::default()
        })
        .expect("inbox")
        .rows
        .iter()
        .map(|r| r.id)
        .take(3)
        .collect();
    assert_eq!(pending.len(), 3);

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
    let items = desk.claim_batch(&ids).expect("batch");
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
    assert!(!refused.message_zh.is_empty() && !refused.message_en.is_empty());
    assert!(
        !refused.message_zh.contains("Claimed") && !refused.message_en.contains("Claimed"),
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
        desk.claim_batch(&too_many).expect_err("too many").code,
        ErrorCode::InvalidInput
    );
}
