//! An order's past replayed: the actions that brought an order from its detection to where it
//! is, each applied through [`apply`] in turn. The desk's bulk loader and the hub's demo both
//! replay generated histories with it, so a seeded order is exactly what the rules would have
//! made of those actions, and both sides agree on its state and version.

use chrono::NaiveDateTime;

use super::{apply, Actor, Applied, OrderState, Situation};
use crate::action::OrderAction;
use crate::calendar::WorkingCalendar;
use crate::catalog::{ClockPolicy, Violation};
use crate::whitelist::WhitelistKind;
use crate::work_order::{Role, TransitionError};

/// One past action of an order's history, by whom and when.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryStep {
    pub at: NaiveDateTime,
    pub role: Role,
    pub actor: String,
    /// The actor's desk county (a supervisor's jurisdiction is its city).
    pub county_code: String,
    pub action: OrderAction,
    /// The vehicle's whitelist entry in force at that moment.
    pub whitelist: Option<WhitelistKind>,
}

/// An order after its history: the state, and what each step produced (for the timeline).
#[derive(Debug, Clone)]
pub struct Replayed {
    pub state: OrderState,
    pub steps: Vec<Applied>,
}

impl Replayed {
    /// The order's version: 1 when it is made, one more per action applied.
    pub fn version(&self) -> i64 {
        1 + self.steps.len() as i64
    }
}

/// Opens the order of `violation` detected at `detected` in `county_code` and applies the
/// history's steps in order; the first step the rules refuse refuses the whole history.
pub fn replay(
    violation: &Violation,
    detected: NaiveDateTime,
    county_code: &str,
    plate: &str,
    history: &[HistoryStep],
    calendar: &WorkingCalendar,
    clocks: ClockPolicy,
) -> Result<Replayed, TransitionError> {
    let mut state = OrderState::open(violation, detected, county_code, calendar);
    let mut steps = Vec::with_capacity(history.len());
    for step in history {
        let actor = Actor {
            role: step.role,
            name: &step.actor,
            county_code: &step.county_code,
        };
        let sit = Situation {
            now: step.at,
            calendar,
            clocks,
            plate,
            whitelist: step.whitelist,
        };
        let applied = apply(&state, &actor, &step.action, &sit)?;
        state = applied.state.clone();
        steps.push(applied);
    }
    Ok(Replayed { state, steps })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::work_order::Status;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a time")
    }

    fn step(t: &str, action: OrderAction) -> HistoryStep {
        HistoryStep {
            at: at(t),
            role: Role::CountyOfficer,
            actor: "zhang.wei".into(),
            county_code: "410783".into(),
            action,
            whitelist: None,
        }
    }

    #[test]
    fn a_history_is_applied_in_order_and_counts_in_the_version() {
        let catalog = Catalog::embedded();
        let calendar = WorkingCalendar::embedded();
        let v = &catalog.all()[0];
        let detected = at("2026-11-20 09:00");
        let none = replay(
            v,
            detected,
            "410783",
            "豫G12345",
            &[],
            &calendar,
            catalog.clocks(),
        )
        .expect("nothing to refuse");
        assert_eq!(none.state.status, Status::Pending);
        assert_eq!(none.version(), 1);

        let history = [step("2026-11-20 09:30", OrderAction::Claim)];
        let r = replay(
            v,
            detected,
            "410783",
            "豫G12345",
            &history,
            &calendar,
            catalog.clocks(),
        )
        .expect("a claim of a pending order");
        assert_eq!(r.state.status, Status::Claimed);
        assert_eq!(r.state.claimed_by.as_deref(), Some("zhang.wei"));
        assert_eq!(r.version(), 2);
        assert_eq!(r.steps.len(), 1);
    }

    #[test]
    fn a_step_the_rules_refuse_refuses_the_history() {
        let catalog = Catalog::embedded();
        let calendar = WorkingCalendar::embedded();
        let v = &catalog.all()[0];
        let history = [
            step("2026-11-20 09:30", OrderAction::Claim),
            step("2026-11-20 09:40", OrderAction::Claim),
        ];
        let refused = replay(
            v,
            at("2026-11-20 09:00"),
            "410783",
            "豫G12345",
            &history,
            &calendar,
            catalog.clocks(),
        );
        assert!(refused.is_err(), "an order cannot be claimed twice");
    }
}
