//! Random action sequences by random people through the store, on a real SQLite file: at the
//! end, every applied action left exactly one event and one outbox mutation, every refused one
//! left nothing, and each order's version counts its applied actions.

mod common;

use casedesk_domain::action::OrderAction;
use casedesk_domain::lifecycle::Actor;
use casedesk_domain::{HandlingMethod, InterceptionOutcome, ReturnReason, Role};
use casedesk_store::Store;
use chrono::{Duration, NaiveDate};
use common::{fill, now, rules, CHANGYUAN};
use proptest::prelude::*;

const ORDERS: usize = 6;

fn people() -> Vec<Actor<'static>> {
    vec![
        Actor {
            role: Role::CountyOfficer,
            name: "张伟",
            county_code: CHANGYUAN,
        },
        Actor {
            role: Role::CountyOfficer,
            name: "李强",
            county_code: CHANGYUAN,
        },
        Actor {
            role: Role::CountyOfficer,
            name: "赵敏",
            county_code: "410724",
        },
        Actor {
            role: Role::Supervisor,
            name: "王主任",
            county_code: CHANGYUAN,
        },
    ]
}

fn any_action() -> impl Strategy<Value = OrderAction> {
    let text = prop::sample::select(vec!["", "已处理"]);
    prop_oneof![
        Just(OrderAction::Claim),
        text.clone().prop_map(|t| OrderAction::Handle {
            method: HandlingMethod::PhoneWarning,
            result: t.into(),
            notes: String::new()
        }),
        prop::sample::select(InterceptionOutcome::ALL.to_vec()).prop_map(|o| {
            OrderAction::Intercept {
                outcome: o,
                notes: String::new(),
            }
        }),
        (0i64..20).prop_map(|d| OrderAction::RequireRectification {
            requirement: "整改".into(),
            deadline: NaiveDate::from_ymd_opt(2026, 11, 20).expect("d") + Duration::days(d),
        }),
        text.clone().prop_map(|t| OrderAction::RecordRectification {
            description: t.into(),
            evidence: vec![]
        }),
        Just(OrderAction::SubmitForSpotCheck),
        prop::sample::select(ReturnReason::ALL.to_vec()).prop_map(|r| OrderAction::Return {
            reason_code: r,
            reason: String::new()
        }),
        (any::<bool>(), text.clone()).prop_map(|(p, t)| OrderAction::SpotCheck {
            passed: p,
            notes: t.into()
        }),
        Just(OrderAction::Reassign {
            county_code: CHANGYUAN.into(),
            reason: "改派".into()
        }),
        text.prop_map(|t| OrderAction::CloseGroundless { finding: t.into() }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn one_event_and_one_mutation_per_applied_action(
        steps in prop::collection::vec((0..ORDERS, 0usize..4, any_action()), 1..40),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(&dir.path().join("cache.sqlite")).expect("open");
        fill(&mut store, ORDERS);
        let who = people();
        let mut applied = [0i64; ORDERS];
        for (order, person, action) in &steps {
            let id = store.resolve_order(&format!("GD20261124{:06}", order)).expect("resolve");
            let before = store.outbox_len().expect("len");
            match store.apply_action(id, &who[*person], action, now(), &rules(), "d") {
                Ok(out) => {
                    applied[*order] += 1;
                    prop_assert_eq!(out.version, 1 + applied[*order]);
                    prop_assert_eq!(store.outbox_len().expect("len"), before + 1);
                }
                Err(_) => prop_assert_eq!(store.outbox_len().expect("len"), before),
            }
        }
        let outbox = store.outbox().expect("outbox");
        prop_assert_eq!(outbox.len() as i64, applied.iter().sum::<i64>());
        for (order, n) in applied.iter().enumerate() {
            let id = store.resolve_order(&format!("GD20261124{:06}", order)).expect("resolve");
            let timeline = store.timeline(id).expect("timeline");
            prop_assert_eq!(timeline.len() as i64, *n);
            let rec = store.order(id, now(), common::calendar()).expect("order");
            prop_assert_eq!(rec.version, 1 + n);
            let sent = outbox.iter().filter(|o| o.entity_key == rec.row.order_no).count() as i64;
            prop_assert_eq!(sent, *n);
        }
    }
}
