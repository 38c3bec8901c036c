//! Stopping and restarting an application's decision clock (暂停计时 / 恢复计时).
//!
//! While roads or bridges on the route are strengthened, or the route is assessed, the days do
//! not count towards the decision ([`super::deadline`]). The reviewer records when that began and,
//! later, the last day it lasted. One rule, [`apply_clock_action`], decides whether such an
//! action fits the pauses already recorded; the desk checks it before queueing the action and
//! the hub checks it again when the action arrives, so both keep the same list.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::deadline::{Pause, PauseReason};

/// The action code of a pause, as a pushed mutation names it.
pub const PAUSE_ACTION: &str = "permit_pause";
/// The action code of a resumption.
pub const RESUME_ACTION: &str = "permit_resume";

/// What a reviewer does to the decision clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "action", rename_all = "snake_case")]
#[ts(export)]
pub enum ClockAction {
    /// The clock stops from `from` (that day is not counted) for `reason`.
    Pause {
        reason: PauseReason,
        from: NaiveDate,
    },
    /// The open pause lasted until `until`, that day included; counting resumes the next day.
    Resume { until: NaiveDate },
}

impl ClockAction {
    /// The mutation's action code.
    pub fn code(&self) -> &'static str {
        match self {
            ClockAction::Pause { .. } => PAUSE_ACTION,
            ClockAction::Resume { .. } => RESUME_ACTION,
        }
    }

    /// Whether `code` is the action code of a clock action.
    pub fn is_code(code: &str) -> bool {
        code == PAUSE_ACTION || code == RESUME_ACTION
    }
}

/// Why a clock action does not fit.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ClockActionError {
    #[error("the decision clock runs only for a complete application that needs a permit")]
    NotRunning,
    #[error("the clock is already paused since {since}")]
    AlreadyPaused { since: NaiveDate },
    #[error("the clock is not paused; there is nothing to resume")]
    NotPaused,
    #[error("a pause cannot begin ({from}) before the application arrived ({received})")]
    BeforeReceipt {
        from: NaiveDate,
        received: NaiveDate,
    },
    #[error("a pause cannot begin ({from}) before the end of the last one ({until})")]
    OverlapsEarlier { from: NaiveDate, until: NaiveDate },
    #[error("a pause cannot end ({until}) before it begins ({from})")]
    EndsBeforeItBegins { from: NaiveDate, until: NaiveDate },
    #[error("{date} is in the future (today is {today})")]
    InTheFuture { date: NaiveDate, today: NaiveDate },
}

impl ClockActionError {
    /// A stable code for refusals and message catalogues.
    pub fn code(&self) -> &'static str {
        match self {
            ClockActionError::NotRunning => "permit_clock_not_running",
            ClockActionError::AlreadyPaused { .. } => "permit_clock_already_paused",
            ClockActionError::NotPaused => "permit_clock_not_paused",
            ClockActionError::BeforeReceipt { .. } => "permit_pause_before_receipt",
            ClockActionError::OverlapsEarlier { .. } => "permit_pause_overlaps_earlier",
            ClockActionError::EndsBeforeItBegins { .. } => "permit_pause_ends_before_it_begins",
            ClockActionError::InTheFuture { .. } => "permit_clock_date_in_future",
        }
    }
}

/// The open pause, if the clock is stopped now.
pub fn open_pause(pauses: &[Pause]) -> Option<&Pause> {
    pauses.iter().find(|p| p.until.is_none())
}

/// The pauses after `action`, for an application received on `received_on`, as of `today`.
/// Pauses never overlap, at most one is open (the last), and no date lies in the future: what is
/// recorded is what happened.
pub fn apply_clock_action(
    pauses: &[Pause],
    action: ClockAction,
    received_on: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<Pause>, ClockActionError> {
    let mut after = pauses.to_vec();
    match action {
        ClockAction::Pause { reason, from } => {
            if let Some(open) = open_pause(pauses) {
                return Err(ClockActionError::AlreadyPaused { since: open.from });
            }
            if from > today {
                return Err(ClockActionError::InTheFuture { date: from, today });
            }
            if from < received_on {
                return Err(ClockActionError::BeforeReceipt {
                    from,
                    received: received_on,
                });
            }
            if let Some(until) = pauses.iter().filter_map(|p| p.until).max() {
                if from <= until {
                    return Err(ClockActionError::OverlapsEarlier { from, until });
                }
            }
            after.push(Pause {
                reason,
                from,
                until: None,
            });
        }
        ClockAction::Resume { until } => {
            let Some(open) = after.iter_mut().find(|p| p.until.is_none()) else {
                return Err(ClockActionError::NotPaused);
            };
            if until > today {
                return Err(ClockActionError::InTheFuture { date: until, today });
            }
            if until < open.from {
                return Err(ClockActionError::EndsBeforeItBegins {
                    from: open.from,
                    until,
                });
            }
            open.until = Some(until);
        }
    }
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::WorkingCalendar;
    use crate::permit::decision_clock;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    const RECEIVED: &str = "2026-11-02";

    fn pause(from: &str) -> ClockAction {
        ClockAction::Pause {
            reason: PauseReason::Reinforcement,
            from: d(from),
        }
    }

    fn resume(until: &str) -> ClockAction {
        ClockAction::Resume { until: d(until) }
    }

    #[test]
    fn a_pause_and_its_end_move_the_due_date() {
        let cal = WorkingCalendar::embedded();
        let today = d("2026-11-10");
        let p = apply_clock_action(&[], pause("2026-11-04"), d(RECEIVED), today).expect("pause");
        assert_eq!(open_pause(&p).map(|o| o.from), Some(d("2026-11-04")));
        let open = decision_clock(&cal, d(RECEIVED), 5, &p).expect("clock");
        assert_eq!(open.due, None, "unknown while paused");
        let p = apply_clock_action(&p, resume("2026-11-10"), d(RECEIVED), today).expect("resume");
        assert_eq!(open_pause(&p), None);
        // Without the pause due Mon 9 Nov; Wed 4 to Tue 10 Nov not counted: due Mon 16.
        let closed = decision_clock(&cal, d(RECEIVED), 5, &p).expect("clock");
        assert_eq!(closed.due, Some(d("2026-11-16")));
        // A second pause after the first.
        let p = apply_clock_action(&p, pause("2026-11-12"), d(RECEIVED), d("2026-11-12"))
            .expect("again");
        assert_eq!(p.len(), 2);
    }

    #[test]
    fn actions_that_do_not_fit_are_refused_with_their_reason() {
        let received = d(RECEIVED);
        let today = d("2026-11-10");
        let open = apply_clock_action(&[], pause("2026-11-04"), received, today).expect("pause");
        let code = |r: Result<Vec<Pause>, ClockActionError>| r.map_err(|e| e.code());
        assert_eq!(
            code(apply_clock_action(
                &open,
                pause("2026-11-05"),
                received,
                today
            )),
            Err("permit_clock_already_paused")
        );
        assert_eq!(
            code(apply_clock_action(
                &[],
                resume("2026-11-05"),
                received,
                today
            )),
            Err("permit_clock_not_paused")
        );
        assert_eq!(
            code(apply_clock_action(
                &[],
                pause("2026-11-01"),
                received,
                today
            )),
            Err("permit_pause_before_receipt")
        );
        assert_eq!(
            code(apply_clock_action(
                &[],
                pause("2026-11-11"),
                received,
                today
            )),
            Err("permit_clock_date_in_future")
        );
        assert_eq!(
            code(apply_clock_action(
                &open,
                resume("2026-11-03"),
                received,
                today
            )),
            Err("permit_pause_ends_before_it_begins")
        );
        assert_eq!(
            code(apply_clock_action(
                &open,
                resume("2026-11-11"),
                received,
                today
            )),
            Err("permit_clock_date_in_future")
        );
        let closed =
            apply_clock_action(&open, resume("2026-11-06"), received, today).expect("resume");
        assert_eq!(
            code(apply_clock_action(
                &closed,
                pause("2026-11-06"),
                received,
                today
            )),
            Err("permit_pause_overlaps_earlier")
        );
        // A pause of one day, begun and ended on the same day, is a pause.
        let one = apply_clock_action(&[], pause("2026-11-04"), received, today)
            .and_then(|p| apply_clock_action(&p, resume("2026-11-04"), received, today))
            .expect("one day");
        assert_eq!(one[0].until, Some(d("2026-11-04")));
    }

    #[test]
    fn actions_read_back_from_their_json() {
        let json = serde_json::to_value(pause("2026-11-04")).expect("json");
        assert_eq!(json["action"], "pause");
        assert_eq!(json["reason"], "reinforcement");
        let back: ClockAction = serde_json::from_value(json).expect("back");
        assert_eq!(back.code(), PAUSE_ACTION);
        assert!(ClockAction::is_code(RESUME_ACTION));
        assert!(!ClockAction::is_code("permit_review"));
    }
}
