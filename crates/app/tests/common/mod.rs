//! Shared by the app's batch and undo tests: a desk at a fixed moment (2026-11-24 09:30) filled
//! with demo data, and the first pending orders of its inbox.

use casedesk_app::{Clock, Desk, InboxFilter};
use casedesk_domain::Status;
use chrono::NaiveDate;

/// A desk in `dir` with `orders` demo orders from `seed`, and the ids of its first `n` pending
/// orders (exactly `n`, or the test fails here).
pub fn demo_desk_with_pending(
    dir: &std::path::Path,
    orders: u64,
    seed: u64,
    n: usize,
) -> (Desk, Vec<i64>) {
    let at = NaiveDate::from_ymd_opt(2026, 11, 24)
        .and_then(|d| d.and_hms_opt(9, 30, 0))
        .expect("time");
    let mut desk = Desk::open_with_clock(dir, Clock::Fixed(at)).expect("open");
    desk.load_demo(orders, seed).expect("demo");
    let pending: Vec<i64> = desk
        .list_inbox(&InboxFilter {
            status: vec![Status::Pending],
            ..Default::default()
        })
        .expect("inbox")
        .rows
        .iter()
        .map(|r| r.id)
        .take(n)
        .collect();
    assert_eq!(pending.len(), n);
    (desk, pending)
}
