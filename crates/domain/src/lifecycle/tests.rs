//! Tests of [`apply`]: the scenarios the issue names, and a property test whose invariants are
//! written from the rules' meaning, not from the transition table.

use super::*;
use crate::catalog::Catalog;
use crate::return_reason::ReturnReason;
use proptest::prelude::*;

const CHANGYUAN: &str = "410783"; // 长垣市, 新乡
const HUOJIA: &str = "410724"; // 获嘉县, 新乡
const XINZHENG: &str = "410184"; // 新郑市, 郑州

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("test time")
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

fn officer(name: &'static str) -> Actor<'static> {
    Actor {
        role: Role::CountyOfficer,
        name,
        county_code: CHANGYUAN,
    }
}

fn supervisor() -> Actor<'static> {
    Actor {
        role: Role::Supervisor,
        name: "王主任",
        county_code: CHANGYUAN,
    }
}

struct World {
    calendar: WorkingCalendar,
    clocks: ClockPolicy,
    now: NaiveDateTime,
    whitelist: Option<WhitelistKind>,
}

impl World {
    fn new(now: &str) -> World {
        World {
            calendar: WorkingCalendar::embedded(),
            clocks: Catalog::embedded().clocks(),
            now: at(now),
            whitelist: None,
        }
    }

    fn sit(&self) -> Situation<'_> {
        Situation {
            now: self.now,
            calendar: &self.calendar,
            clocks: self.clocks,
            plate: "豫G12345",
            whitelist: self.whitelist,
        }
    }

    fn order(&self, code: &str) -> OrderState {
        let v = Catalog::embedded().get(code).expect("catalog entry");
        OrderState::open(v, self.now, CHANGYUAN, &self.calendar)
    }

    fn step(&self, s: &OrderState, who: Actor<'_>, a: OrderAction) -> OrderState {
        apply(s, &who, &a, &self.sit())
            .unwrap_or_else(|e| panic!("{a:?} by {} refused: {e}", who.name))
            .state
    }
}

fn handle() -> OrderAction {
    OrderAction::Handle {
        method: HandlingMethod::PhoneWarning,
        result: "已电话警示驾驶员".into(),
        notes: String::new(),
    }
}

fn rectify() -> OrderAction {
    OrderAction::RecordRectification {
        description: "已更换监控设备".into(),
        evidence: vec![],
    }
}

fn fail() -> OrderAction {
    OrderAction::SpotCheck {
        passed: false,
        notes: "整改照片不清晰".into(),
    }
}

fn owner(s: &OrderState) -> Option<ClockOwner> {
    s.clock.map(|c| c.owner)
}

#[test]
fn a_suspected_illegal_operation_alarm_on_friday_night_runs_two_hours_on_the_clock() {
    let w = World::new("2026-11-27 23:10");
    let s = w.order("FF-001");
    assert_eq!(owner(&s), Some(ClockOwner::Officer));
    assert_eq!(
        s.clock.map(|c| c.due),
        Some(Due::At(at("2026-11-28 01:10")))
    );
    // An after-the-fact clue detected at the same moment counts working days: due Monday+.
    let s = w.order("KY-013");
    assert_eq!(s.clock.map(|c| c.due.counts_minutes()), Some(false));
    assert!(s.clock.map(|c| c.due.date()) > Some(day("2026-11-30")));
}

#[test]
fn each_state_runs_its_own_clock_owned_by_whoever_must_act() {
    let mut w = World::new("2026-11-24 09:00");
    let s = w.order("KY-013");
    let s = w.step(&s, officer("张伟"), OrderAction::Claim);
    let s = w.step(&s, officer("张伟"), handle());
    assert_eq!(owner(&s), Some(ClockOwner::Officer));
    let s = w.step(
        &s,
        officer("张伟"),
        OrderAction::RequireRectification {
            requirement: "更换动态监控设备".into(),
            deadline: day("2026-12-08"),
        },
    );
    // Inside the enterprise's 14 days the order is not the officer's lateness.
    assert_eq!(
        s.clock,
        Some(Clock {
            owner: ClockOwner::Enterprise,
            due: Due::Day(day("2026-12-08"))
        })
    );
    w.now = at("2026-12-01 10:00");
    let s = w.step(&s, officer("张伟"), rectify());
    assert_eq!(owner(&s), Some(ClockOwner::Officer));
    assert_eq!(
        s.clock.map(|c| c.due),
        Some(Due::Day(day("2026-12-04"))),
        "3 working days to submit"
    );
    let s = w.step(&s, officer("张伟"), OrderAction::SubmitForSpotCheck);
    assert_eq!(
        s.clock,
        Some(Clock {
            owner: ClockOwner::Supervisor,
            due: Due::Day(day("2026-12-08"))
        })
    );
    let s = w.step(&s, supervisor(), fail());
    assert_eq!(s.status, Status::Rework);
    assert_eq!(
        s.clock,
        Some(Clock {
            owner: ClockOwner::Officer,
            due: Due::Day(day("2026-12-08"))
        }),
        "a new deadline"
    );
    let s = w.step(&s, officer("张伟"), rectify());
    let s = w.step(&s, officer("张伟"), OrderAction::SubmitForSpotCheck);
    let s = w.step(
        &s,
        supervisor(),
        OrderAction::SpotCheck {
            passed: true,
            notes: String::new(),
        },
    );
    assert_eq!(s.status, Status::Closed);
    assert_eq!(s.clock, None);
    assert_eq!(s.outcome, Some(Outcome::Confirmed));
}

#[test]
fn a_failed_spot_check_cannot_be_submitted_again_without_a_new_rectification() {
    let w = World::new("2026-11-24 09:00");
    let s = w.order("KY-013");
    let s = w.step(&s, officer("张伟"), OrderAction::Claim);
    let s = w.step(&s, officer("张伟"), handle());
    let s = w.step(&s, officer("张伟"), rectify());
    let s = w.step(&s, officer("张伟"), OrderAction::SubmitForSpotCheck);
    let s = w.step(&s, supervisor(), fail());
    let again = apply(
        &s,
        &officer("张伟"),
        &OrderAction::SubmitForSpotCheck,
        &w.sit(),
    );
    assert_eq!(
        again.map(|a| a.state.status),
        Err(TransitionError::NoRectificationRecorded)
    );
    // Recording another handling does not open the way either.
    let s = w.step(&s, officer("张伟"), handle());
    assert_eq!(s.status, Status::Rework);
    assert!(apply(
        &s,
        &officer("张伟"),
        &OrderAction::SubmitForSpotCheck,
        &w.sit()
    )
    .is_err());
    let s = w.step(&s, officer("张伟"), rectify());
    assert_eq!(
        w.step(&s, officer("张伟"), OrderAction::SubmitForSpotCheck)
            .status,
        Status::Submitted
    );
    // A failed spot check must say why.
    let s = w.step(&s, officer("张伟"), OrderAction::SubmitForSpotCheck);
    let blank = OrderAction::SpotCheck {
        passed: false,
        notes: " ".into(),
    };
    assert!(matches!(
        apply(&s, &supervisor(), &blank, &w.sit()),
        Err(TransitionError::Text(_))
    ));
}

#[test]
fn interception_of_a_whitelisted_vehicle_needs_a_supervisors_written_override() {
    let mut w = World::new("2026-11-24 09:00");
    w.whitelist = Some(WhitelistKind::RepeatedCleanInterception);
    let s = w.order("FF-001");
    let s = w.step(&s, officer("张伟"), OrderAction::Claim);
    let intercept = OrderAction::Intercept {
        outcome: InterceptionOutcome::NothingFound,
        notes: String::new(),
    };
    let refused = apply(&s, &officer("张伟"), &intercept, &w.sit()).expect_err("refused");
    assert!(matches!(
        refused,
        TransitionError::Whitelisted {
            kind: WhitelistKind::RepeatedCleanInterception,
            ..
        }
    ));
    // An officer cannot override; a supervisor must give a reason.
    let override_ = OrderAction::OverrideWhitelist {
        reason: "群众举报该车非法营运，需现场核查".into(),
    };
    assert!(apply(&s, &officer("张伟"), &override_, &w.sit()).is_err());
    assert!(apply(
        &s,
        &supervisor(),
        &OrderAction::OverrideWhitelist { reason: "".into() },
        &w.sit()
    )
    .is_err());
    let s = w.step(&s, supervisor(), override_);
    assert_eq!(s.status, Status::Claimed, "the override changes no state");
    assert_eq!(
        s.interception_override.as_deref(),
        Some("群众举报该车非法营运，需现场核查")
    );
    let done = apply(&s, &officer("张伟"), &intercept, &w.sit()).expect("allowed now");
    assert!(done.events.contains(&OrderEvent::Intercepted {
        outcome: InterceptionOutcome::NothingFound,
        overridden: true
    }));
    // Without a whitelist there is nothing to override.
    w.whitelist = None;
    assert!(matches!(
        apply(
            &s,
            &supervisor(),
            &OrderAction::OverrideWhitelist { reason: "x".into() },
            &w.sit()
        ),
        Err(TransitionError::NotWhitelisted { .. })
    ));
}

#[test]
fn a_groundless_clue_is_closed_by_the_officer_as_handled_not_as_a_violation() {
    let w = World::new("2026-11-24 09:00");
    let s = w.order("KY-009");
    let s = w.step(&s, officer("张伟"), OrderAction::Claim);
    let s = w.step(
        &s,
        officer("张伟"),
        OrderAction::CloseGroundless {
            finding: "核查为单位通勤，未收费".into(),
        },
    );
    assert_eq!(s.status, Status::Closed);
    assert_eq!(s.outcome, Some(Outcome::Groundless));
    assert_eq!(s.clock, None);
}

#[test]
fn a_notice_waits_for_the_authoritys_feedback_on_its_own_clock() {
    let w = World::new("2026-11-24 09:00");
    let s = w.order("KY-011");
    let s = w.step(&s, officer("张伟"), OrderAction::Claim);
    let applied = apply(
        &s,
        &officer("张伟"),
        &OrderAction::NotifyAuthority {
            authority: "郑州市交通运输综合执法支队".into(),
            content: "该车异地经营，请核查".into(),
            feedback_due: None,
        },
        &w.sit(),
    )
    .expect("notified");
    let s = applied.state;
    assert_eq!(s.status, Status::AwaitingFeedback);
    assert_eq!(owner(&s), Some(ClockOwner::Authority));
    assert_eq!(
        s.clock.map(|c| c.due),
        Some(Due::Day(day("2026-12-08"))),
        "10 working days"
    );
    assert!(matches!(
        applied.action,
        OrderAction::NotifyAuthority {
            feedback_due: Some(_),
            ..
        }
    ));
    let s = w.step(
        &s,
        officer("张伟"),
        OrderAction::RecordFeedback {
            feedback: "已立案查处".into(),
        },
    );
    assert_eq!(s.status, Status::Handled);
    assert_eq!(owner(&s), Some(ClockOwner::Officer));
}

#[test]
fn a_supervisor_reassigns_a_returned_order_within_the_city_and_its_clock_starts_again() {
    let mut w = World::new("2026-11-24 09:00");
    let s = w.order("FF-001");
    let s = w.step(
        &s,
        officer("张伟"),
        OrderAction::Return {
            reason_code: ReturnReason::NotOurCounty,
            reason: String::new(),
        },
    );
    assert_eq!(owner(&s), Some(ClockOwner::Supervisor));
    w.now = at("2026-11-25 15:00");
    let reassign = |county: &str| OrderAction::Reassign {
        county_code: county.into(),
        reason: "车辆在获嘉县境内".into(),
    };
    assert!(matches!(
        apply(&s, &supervisor(), &reassign(XINZHENG), &w.sit()),
        Err(TransitionError::OutsideJurisdiction { .. })
    ));
    assert!(matches!(
        apply(&s, &supervisor(), &reassign("999999"), &w.sit()),
        Err(TransitionError::UnknownCounty { .. })
    ));
    let s = w.step(&s, supervisor(), reassign(HUOJIA));
    assert_eq!(
        (s.status, s.county_code.as_str(), s.claimed_by.as_ref()),
        (Status::Pending, HUOJIA, None)
    );
    assert_eq!(
        s.clock.map(|c| c.due),
        Some(Due::At(at("2026-11-25 17:00")))
    );
    // Now it is 获嘉's order, not 长垣's.
    assert!(matches!(
        apply(&s, &officer("张伟"), &OrderAction::Claim, &w.sit()),
        Err(TransitionError::OutsideJurisdiction { .. })
    ));
    // "Other" needs words; listed reasons do not.
    let other = OrderAction::Return {
        reason_code: ReturnReason::Other,
        reason: " ".into(),
    };
    assert!(apply(&w.order("FF-001"), &officer("张伟"), &other, &w.sit()).is_err());
}

#[test]
fn texts_and_dates_are_checked_and_kept_trimmed() {
    let w = World::new("2026-11-24 09:00");
    let s = w.step(&w.order("KY-013"), officer("张伟"), OrderAction::Claim);
    let s = w.step(&s, officer("张伟"), handle());
    let far = OrderAction::RequireRectification {
        requirement: "整改".into(),
        deadline: day("2029-01-01"),
    };
    assert!(matches!(
        apply(&s, &officer("张伟"), &far, &w.sit()),
        Err(TransitionError::DateTooFar { .. })
    ));
    let past = OrderAction::RequireRectification {
        requirement: "整改".into(),
        deadline: day("2026-11-23"),
    };
    assert!(matches!(
        apply(&s, &officer("张伟"), &past, &w.sit()),
        Err(TransitionError::DateInPast { .. })
    ));
    let ctrl = OrderAction::RequireRectification {
        requirement: "整改\u{1b}[31m".into(),
        deadline: day("2026-11-30"),
    };
    assert!(matches!(
        apply(&s, &officer("张伟"), &ctrl, &w.sit()),
        Err(TransitionError::Text(_))
    ));
    let dup = |h: &str| EvidenceRef {
        hash: h.repeat(64),
        file_name: "a.jpg".into(),
        size: 1,
        mime: "image/jpeg".into(),
    };
    let twice = OrderAction::RecordRectification {
        description: "  已整改 \u{200B}".into(),
        evidence: vec![dup("a"), dup("b"), dup("a")],
    };
    let kept = apply(&s, &officer("张伟"), &twice, &w.sit())
        .expect("ok")
        .action;
    assert_eq!(
        kept,
        OrderAction::RecordRectification {
            description: "已整改".into(),
            evidence: vec![dup("a"), dup("b")]
        }
    );
    let old_method = OrderAction::Handle {
        method: HandlingMethod::Interception,
        result: "x".into(),
        notes: String::new(),
    };
    assert!(matches!(
        apply(&s, &officer("张伟"), &old_method, &w.sit()),
        Err(TransitionError::MethodHasOwnAction { .. })
    ));
}

// ---- Property test -------------------------------------------------------------------------

/// Who may act in the random runs: two officers of the order's county, one of a neighbouring
/// county, a supervisor of the city and one of another city, and desk staff.
fn actors() -> Vec<Actor<'static>> {
    vec![
        officer("张伟"),
        officer("李强"),
        Actor {
            role: Role::CountyOfficer,
            name: "赵敏",
            county_code: HUOJIA,
        },
        supervisor(),
        Actor {
            role: Role::Supervisor,
            name: "钱处长",
            county_code: XINZHENG,
        },
        Actor {
            role: Role::DeskStaff,
            name: "孙丽",
            county_code: CHANGYUAN,
        },
    ]
}

fn any_action() -> impl Strategy<Value = OrderAction> {
    let text = prop::sample::select(vec!["", " ", "已处理", "整改到位", "\u{200B}"]);
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
        text.clone().prop_map(|t| OrderAction::NotifyAuthority {
            authority: "市场监管局".into(),
            content: t.into(),
            feedback_due: None
        }),
        text.clone()
            .prop_map(|t| OrderAction::RecordFeedback { feedback: t.into() }),
        text.clone()
            .prop_map(|t| OrderAction::CloseGroundless { finding: t.into() }),
        (0i64..30).prop_map(|d| OrderAction::RequireRectification {
            requirement: "整改".into(),
            deadline: day("2026-11-20") + Duration::days(d),
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
        text.clone().prop_map(|t| OrderAction::Transfer {
            to_unit: "应急管理局".into(),
            reason: t.into()
        }),
        (any::<bool>(), text.clone()).prop_map(|(p, t)| OrderAction::SpotCheck {
            passed: p,
            notes: t.into()
        }),
        prop::sample::select(vec![CHANGYUAN, HUOJIA, XINZHENG]).prop_map(|c| {
            OrderAction::Reassign {
                county_code: c.into(),
                reason: "改派".into(),
            }
        }),
        text.prop_map(|t| OrderAction::OverrideWhitelist { reason: t.into() }),
    ]
}

/// Whose turn each open state is, from the meaning of the states (not from the code's table).
fn expected_owner(s: Status) -> Option<ClockOwner> {
    match s {
        Status::Pending
        | Status::Claimed
        | Status::Handled
        | Status::Rectified
        | Status::Rework => Some(ClockOwner::Officer),
        Status::Rectifying => Some(ClockOwner::Enterprise),
        Status::Submitted | Status::Returned => Some(ClockOwner::Supervisor),
        Status::AwaitingFeedback => Some(ClockOwner::Authority),
        Status::Closed | Status::Transferred => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_runs_keep_the_invariants(
        code in prop::sample::select(vec!["FF-001", "KY-013", "KY-011", "WH-009"]),
        steps in prop::collection::vec(
            (0usize..6, any_action(), any::<bool>(), 0i64..600),
            0..60,
        ),
    ) {
        let mut w = World::new("2026-11-24 09:00");
        let people = actors();
        let mut s = w.order(code);
        let mut owed = false;
        for (who, action, whitelisted, minutes) in steps {
            w.now += Duration::minutes(minutes);
            w.whitelist = whitelisted.then_some(WhitelistKind::EnterpriseSelfUse);
            let actor = people[who];
            let before = s.clone();
            match apply(&s, &actor, &action, &w.sit()) {
                Ok(applied) => {
                    // A finished order never changes again.
                    prop_assert!(!before.status.is_finished(), "{:?} changed a finished order", action);
                    // Only the claimant (among officers) acts on a claimed order.
                    if actor.role == Role::CountyOfficer {
                        if let Some(c) = &before.claimed_by {
                            prop_assert_eq!(c.as_str(), actor.name);
                        }
                        prop_assert_eq!(actor.county_code, before.county_code.as_str());
                    }
                    // Desk staff never act on work orders.
                    prop_assert!(actor.role != Role::DeskStaff);
                    // A whitelisted vehicle is never intercepted without a recorded override.
                    for e in &applied.events {
                        if let OrderEvent::Intercepted { overridden, .. } = e {
                            if w.whitelist.is_some() {
                                prop_assert!(*overridden);
                                prop_assert!(before.interception_override.is_some());
                            }
                        }
                    }
                    // Exactly one clock runs in every open state, owned by the right party.
                    prop_assert_eq!(applied.state.clock.map(|c| c.owner), expected_owner(applied.state.status));
                    // A deadline the rules computed in working days falls on a working day
                    // (the enterprise's and the authority's dates are chosen by the officer).
                    if let Some(Clock { owner: ClockOwner::Officer | ClockOwner::Supervisor, due: Due::Day(d) }) = applied.state.clock {
                        prop_assert!(w.calendar.is_working_day(d), "{} is not a working day", d);
                    }
                    // The rectification counter only grows; after a failed spot check or a
                    // requirement, nothing is submitted until a rectification is recorded.
                    prop_assert!(applied.state.rectifications >= before.rectifications);
                    match &applied.action {
                        OrderAction::SpotCheck { passed: false, .. }
                        | OrderAction::RequireRectification { .. } => owed = true,
                        OrderAction::RecordRectification { .. } => owed = false,
                        OrderAction::SubmitForSpotCheck => prop_assert!(!owed, "submitted without the owed rectification"),
                        _ => {}
                    }
                    s = applied.state;
                }
                Err(_) => {
                    // A refused action leaves the order as it was (apply takes it by reference,
                    // so this checks that nothing below relies on a half-applied state).
                    prop_assert_eq!(&s, &before);
                }
            }
            prop_assert_eq!(s.clock.map(|c| c.owner), expected_owner(s.status));
        }
    }
}
