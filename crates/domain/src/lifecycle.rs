//! The one function that applies an action to a work order: [`apply`] checks the action
//! against the transition table, the actor's jurisdiction, the claimant, the whitelist and the
//! payload's texts and dates, and returns the order's new state (status, claimant, running
//! clock, rectification, notice, override, outcome) with the events it produced. The desk's
//! store, the bulk loader, the demo generator and the hub all call it, so none of them can
//! apply an action differently.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::action::{EvidenceRef, OrderAction};
use crate::calendar::WorkingCalendar;
use crate::catalog::{ClockPolicy, ResponseTime, Violation};
use crate::clock::{Clock, ClockOwner, Due};
use crate::handling::HandlingMethod;
use crate::interception::InterceptionOutcome;
use crate::jurisdiction::Divisions;
use crate::text::{self, TextField};
use crate::whitelist::{WhitelistKind, MAX_DAYS_AHEAD};
use crate::work_order::{next_status, ActionKind, Role, Status, TransitionError};

pub mod history;

/// How a closed order ended, for the figures: a violation confirmed, or a clue found groundless.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Outcome {
    /// 违法属实，整改到位
    Confirmed,
    /// 核查无违法
    Groundless,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Confirmed => "confirmed",
            Outcome::Groundless => "groundless",
        }
    }

    pub fn from_code(code: &str) -> Option<Outcome> {
        [Outcome::Confirmed, Outcome::Groundless]
            .into_iter()
            .find(|o| o.code() == code)
    }
}

/// What the rules know of a work order between actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderState {
    pub status: Status,
    pub county_code: String,
    pub claimed_by: Option<String>,
    /// The violation's response time, which starts the handling clock again on reassignment.
    pub response: ResponseTime,
    /// The officer's handling deadline, from detection (or from reassignment).
    pub handling_due: Due,
    /// The clock running now; None once the order is finished.
    pub clock: Option<Clock>,
    pub rectification_requirement: Option<String>,
    pub rectification_due: Option<NaiveDate>,
    pub rectifications: u32,
    /// The authority notified (抄告) whose feedback is awaited or was received.
    pub notice_authority: Option<String>,
    /// The day the authority's feedback is due.
    pub feedback_due: Option<NaiveDate>,
    /// A supervisor's written order to intercept a whitelisted vehicle.
    pub interception_override: Option<String>,
    pub outcome: Option<Outcome>,
    pub transfer_to: Option<String>,
}

impl OrderState {
    /// A new order for a clue of `violation` detected at `detected` in `county_code`.
    pub fn open(
        violation: &Violation,
        detected: NaiveDateTime,
        county_code: &str,
        calendar: &WorkingCalendar,
    ) -> OrderState {
        let handling_due = Due::response(violation.response, detected, calendar);
        OrderState {
            status: Status::Pending,
            county_code: county_code.to_string(),
            claimed_by: None,
            response: violation.response,
            handling_due,
            clock: Some(Clock {
                owner: ClockOwner::Officer,
                due: handling_due,
            }),
            rectification_requirement: None,
            rectification_due: None,
            rectifications: 0,
            notice_authority: None,
            feedback_due: None,
            interception_override: None,
            outcome: None,
            transfer_to: None,
        }
    }
}

/// Who acts.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub role: Role,
    pub name: &'a str,
    /// The county whose desk this is (a supervisor's jurisdiction is that county's city).
    pub county_code: &'a str,
}

/// What else the rules need: the time, the calendar, the catalog's clocks, the vehicle.
#[derive(Debug, Clone, Copy)]
pub struct Situation<'a> {
    pub now: NaiveDateTime,
    pub calendar: &'a WorkingCalendar,
    pub clocks: ClockPolicy,
    pub plate: &'a str,
    /// The vehicle's whitelist entry in force now, if any.
    pub whitelist: Option<WhitelistKind>,
}

/// What an applied action produced besides the new state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderEvent {
    StatusChanged {
        from: Status,
        to: Status,
    },
    ClockStarted(Clock),
    ClockStopped,
    Intercepted {
        outcome: InterceptionOutcome,
        /// The vehicle was whitelisted and a supervisor's written override allowed it.
        overridden: bool,
    },
    Closed(Outcome),
    Reassigned {
        from: String,
        to: String,
    },
}

/// An action that was applied: the action as kept (texts trimmed, evidence listed once), the
/// new state and the events.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub action: OrderAction,
    pub state: OrderState,
    pub events: Vec<OrderEvent>,
}

/// The city a county belongs to, by the division table (a code not in it stands for itself).
fn city_of(county: &str) -> &str {
    Divisions::embedded()
        .county(county)
        .map(|(city, _)| city.code.as_str())
        .unwrap_or(county)
}

fn within(actor: &Actor<'_>, county: &str) -> bool {
    match actor.role {
        Role::Supervisor => city_of(actor.county_code) == city_of(county),
        _ => actor.county_code == county,
    }
}

/// A date chosen by the user: not before today, not beyond two years ahead.
fn chosen_date(date: NaiveDate, today: NaiveDate) -> Result<NaiveDate, TransitionError> {
    if date < today {
        return Err(TransitionError::DateInPast {
            date: date.to_string(),
            today: today.to_string(),
        });
    }
    let latest = today + Duration::days(MAX_DAYS_AHEAD);
    if date > latest {
        return Err(TransitionError::DateTooFar {
            date: date.to_string(),
            latest: latest.to_string(),
        });
    }
    Ok(date)
}

/// The evidence listed once per hash, in the order first given.
fn distinct(evidence: &[EvidenceRef]) -> Vec<EvidenceRef> {
    let mut out: Vec<EvidenceRef> = Vec::with_capacity(evidence.len());
    for e in evidence {
        if !out.iter().any(|o| o.hash == e.hash) {
            out.push(e.clone());
        }
    }
    out
}

/// Checks `action` by `actor` on `state` and returns what it leads to.
pub fn apply(
    state: &OrderState,
    actor: &Actor<'_>,
    action: &OrderAction,
    sit: &Situation<'_>,
) -> Result<Applied, TransitionError> {
    let kind = action.kind();
    let today = sit.now.date();
    if kind == ActionKind::SubmitForSpotCheck
        && matches!(state.status, Status::Rectifying | Status::Rework)
        && actor.role == Role::CountyOfficer
    {
        return Err(TransitionError::NoRectificationRecorded);
    }
    let to = next_status(actor.role, state.status, kind)?;
    if !within(actor, &state.county_code) {
        return Err(TransitionError::OutsideJurisdiction {
            order_county: state.county_code.clone(),
            actor_county: actor.county_code.to_string(),
        });
    }
    if actor.role == Role::CountyOfficer {
        if let Some(claimant) = &state.claimed_by {
            if claimant != actor.name {
                return Err(TransitionError::NotClaimant {
                    claimant: claimant.clone(),
                    actor: actor.name.to_string(),
                });
            }
        }
    }

    let mut next = state.clone();
    next.status = to;
    let mut events = Vec::new();
    let kept = match action {
        OrderAction::Claim => {
            next.claimed_by = Some(actor.name.to_string());
            OrderAction::Claim
        }
        OrderAction::Handle {
            method,
            result,
            notes,
        } => {
            if !method.recorded_by_handle() {
                return Err(TransitionError::MethodHasOwnAction {
                    method: if *method == HandlingMethod::Interception {
                        "interception"
                    } else {
                        "notice"
                    },
                });
            }
            OrderAction::Handle {
                method: *method,
                result: text::required(TextField::Result, result)?,
                notes: text::optional(TextField::Notes, notes)?,
            }
        }
        OrderAction::Intercept { outcome, notes } => {
            if let Some(kind) = sit.whitelist {
                if state.interception_override.is_none() {
                    return Err(TransitionError::Whitelisted {
                        plate: sit.plate.to_string(),
                        kind,
                    });
                }
            }
            events.push(OrderEvent::Intercepted {
                outcome: *outcome,
                overridden: sit.whitelist.is_some(),
            });
            OrderAction::Intercept {
                outcome: *outcome,
                notes: text::optional(TextField::Notes, notes)?,
            }
        }
        OrderAction::NotifyAuthority {
            authority,
            content,
            feedback_due,
        } => {
            let authority = text::required(TextField::Authority, authority)?;
            let content = text::required(TextField::Content, content)?;
            let due = match feedback_due {
                Some(d) => chosen_date(*d, today)?,
                None => Due::working_days(today, sit.clocks.feedback_days, sit.calendar).date(),
            };
            next.notice_authority = Some(authority.clone());
            next.feedback_due = Some(due);
            OrderAction::NotifyAuthority {
                authority,
                content,
                feedback_due: Some(due),
            }
        }
        OrderAction::RecordFeedback { feedback } => OrderAction::RecordFeedback {
            feedback: text::required(TextField::Feedback, feedback)?,
        },
        OrderAction::CloseGroundless { finding } => {
            next.outcome = Some(Outcome::Groundless);
            events.push(OrderEvent::Closed(Outcome::Groundless));
            OrderAction::CloseGroundless {
                finding: text::required(TextField::Finding, finding)?,
            }
        }
        OrderAction::RequireRectification {
            requirement,
            deadline,
        } => {
            let requirement = text::required(TextField::Requirement, requirement)?;
            let deadline = chosen_date(*deadline, today)?;
            next.rectification_requirement = Some(requirement.clone());
            next.rectification_due = Some(deadline);
            OrderAction::RequireRectification {
                requirement,
                deadline,
            }
        }
        OrderAction::RecordRectification {
            description,
            evidence,
        } => {
            next.rectifications += 1;
            OrderAction::RecordRectification {
                description: text::required(TextField::Description, description)?,
                evidence: distinct(evidence),
            }
        }
        OrderAction::SubmitForSpotCheck => OrderAction::SubmitForSpotCheck,
        OrderAction::Return {
            reason_code,
            reason,
        } => {
            let reason = if reason_code.needs_text() {
                text::required(TextField::Reason, reason)?
            } else {
                text::optional(TextField::Reason, reason)?
            };
            OrderAction::Return {
                reason_code: *reason_code,
                reason,
            }
        }
        OrderAction::Transfer { to_unit, reason } => {
            let to_unit = text::required(TextField::ToUnit, to_unit)?;
            next.transfer_to = Some(to_unit.clone());
            OrderAction::Transfer {
                to_unit,
                reason: text::required(TextField::Reason, reason)?,
            }
        }
        OrderAction::SpotCheck { passed, notes } => {
            let notes = if *passed {
                next.outcome = Some(Outcome::Confirmed);
                events.push(OrderEvent::Closed(Outcome::Confirmed));
                text::optional(TextField::Notes, notes)?
            } else {
                // A failed check says why, so the officer knows what to rework.
                text::required(TextField::Reason, notes)?
            };
            OrderAction::SpotCheck {
                passed: *passed,
                notes,
            }
        }
        OrderAction::Reassign {
            county_code,
            reason,
        } => {
            let county_code = county_code.trim().to_string();
            if Divisions::embedded().county(&county_code).is_none() {
                return Err(TransitionError::UnknownCounty { code: county_code });
            }
            if !within(actor, &county_code) {
                return Err(TransitionError::OutsideJurisdiction {
                    order_county: county_code,
                    actor_county: actor.county_code.to_string(),
                });
            }
            let reason = text::required(TextField::Reason, reason)?;
            events.push(OrderEvent::Reassigned {
                from: state.county_code.clone(),
                to: county_code.clone(),
            });
            next.county_code = county_code.clone();
            next.claimed_by = None;
            next.handling_due = Due::response(state.response, sit.now, sit.calendar);
            OrderAction::Reassign {
                county_code,
                reason,
            }
        }
        OrderAction::OverrideWhitelist { reason } => {
            if sit.whitelist.is_none() {
                return Err(TransitionError::NotWhitelisted {
                    plate: sit.plate.to_string(),
                });
            }
            let reason = text::required(TextField::Reason, reason)?;
            next.interception_override = Some(reason.clone());
            OrderAction::OverrideWhitelist { reason }
        }
    };

    let restarts = to != state.status || kind == ActionKind::Reassign;
    if restarts {
        events.insert(
            0,
            OrderEvent::StatusChanged {
                from: state.status,
                to,
            },
        );
        next.clock = clock_on_entering(&next, sit);
        events.push(match next.clock {
            Some(c) => OrderEvent::ClockStarted(c),
            None => OrderEvent::ClockStopped,
        });
    }
    Ok(Applied {
        action: kept,
        state: next,
        events,
    })
}

/// The clock a state starts when the order enters it: whose turn it is, and until when.
pub(crate) fn clock_on_entering(next: &OrderState, sit: &Situation<'_>) -> Option<Clock> {
    let today = sit.now.date();
    let days = |n: u32| Due::working_days(today, n, sit.calendar);
    let (owner, due) = match next.status {
        Status::Pending | Status::Claimed => (ClockOwner::Officer, next.handling_due),
        // After handling, the officer has at least the catalog's days to close it out.
        Status::Handled => {
            let after = days(sit.clocks.submit_days);
            let due = if after.moment() > next.handling_due.moment() {
                after
            } else {
                next.handling_due
            };
            (ClockOwner::Officer, due)
        }
        Status::AwaitingFeedback => (
            ClockOwner::Authority,
            next.feedback_due
                .map(Due::Day)
                .unwrap_or_else(|| days(sit.clocks.feedback_days)),
        ),
        Status::Rectifying => (
            ClockOwner::Enterprise,
            Due::Day(next.rectification_due.unwrap_or(today)),
        ),
        Status::Rectified => (ClockOwner::Officer, days(sit.clocks.submit_days)),
        Status::Submitted => (ClockOwner::Supervisor, days(sit.clocks.spot_check_days)),
        Status::Rework => (ClockOwner::Officer, days(sit.clocks.rework_days)),
        Status::Returned => (ClockOwner::Supervisor, days(sit.clocks.reassign_days)),
        Status::Closed | Status::Transferred => return None,
    };
    Some(Clock { owner, due })
}

#[cfg(test)]
mod tests;
