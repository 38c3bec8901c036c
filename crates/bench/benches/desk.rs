//! Criterion benchmarks of the desk's hot paths on a 100 000-order cache: an inbox first page
//! (status filter, with and without a search term) and a claim with its outbox row. The
//! million-order figures come from the `casedesk-bench` binary (docs/benchmarks.md).

use casedesk_app::{Clock, Desk, InboxFilter, NaiveDate};
use casedesk_domain::Status;
use criterion::{criterion_group, criterion_main, Criterion};

fn desk(dir: &std::path::Path) -> Desk {
    let at = NaiveDate::from_ymd_opt(2026, 11, 24)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .expect("date");
    let mut desk = Desk::open_with_clock(dir, Clock::Fixed(at)).expect("open");
    desk.load_demo(100_000, 2026).expect("demo");
    desk
}

fn inbox(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut desk = desk(dir.path());
    let pending = InboxFilter {
        status: vec![Status::Pending],
        ..Default::default()
    };
    let plate = desk.list_inbox(&pending).expect("page").rows[0]
        .plate
        .clone();
    c.bench_function("inbox_status_first_page", |b| {
        b.iter(|| desk.list_inbox(&pending).expect("page"))
    });
    let with_plate = InboxFilter {
        search: Some(plate),
        ..pending.clone()
    };
    c.bench_function("inbox_status_plate_first_page", |b| {
        b.iter(|| desk.list_inbox(&with_plate).expect("page"))
    });
    let broad = InboxFilter {
        search: Some("京港澳".into()),
        ..pending.clone()
    };
    c.bench_function("inbox_status_broad_term_first_page", |b| {
        b.iter(|| desk.list_inbox(&broad).expect("page"))
    });

    // Claim 2 000 orders once, then record a handling on them round-robin: one committed action
    // each time, with its event and outbox row, and no timeline grows long.
    let mut ids = Vec::new();
    for page in 1..=4 {
        let q = InboxFilter {
            page,
            page_size: 500,
            ..pending.clone()
        };
        ids.extend(
            desk.list_inbox(&q)
                .expect("ids")
                .rows
                .iter()
                .filter(|r| !r.whitelisted)
                .map(|r| r.id),
        );
    }
    for id in &ids {
        desk.claim(*id).expect("claim");
    }
    let mut turn = 0usize;
    c.bench_function("handle_one_action_with_outbox", |b| {
        b.iter(|| {
            let id = ids[turn % ids.len()];
            turn += 1;
            desk.handle(
                id,
                casedesk_app::HandlingMethod::PhoneWarning,
                "基准测试",
                "",
            )
            .expect("handle");
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = inbox
}
criterion_main!(benches);
