//! The permit desk's two clocks, counted in working days on [`WorkingCalendar`].
//!
//! - The one-time notice (一次性告知): materials that are incomplete get one notice listing every
//!   missing item, on the spot or within 5 days of receipt (行政许可法 article 32(4)); a notice
//!   not given in time means the application counts as accepted from the day it arrived. The 5
//!   days are working days: article 82 of the same law counts every time limit of the law in
//!   working days, without statutory holidays (docs/decisions.md).
//! - The decision (作出许可决定): within the class's working days from acceptance (article 15 of
//!   2016 No. 62, in [`super::class`]); the time spent on strengthening or rebuilding roads and
//!   bridges (article 15) and on technical assessment (DOMAIN.md; 行政许可法 article 45 leaves
//!   out the time of 检测、鉴定、专家评审) is not counted ([`Pause`]).
//!
//! As everywhere in CaseDesk, the start day itself is not counted: a limit of 2 working days from
//! a Monday acceptance falls due on Wednesday.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::calendar::WorkingCalendar;

/// Working days within which an incomplete application gets its one-time notice.
pub const NOTICE_WORKING_DAYS: u32 = 5;

/// Why the decision clock stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PauseReason {
    /// 技术评估 (route and bridge assessment).
    TechnicalAssessment,
    /// 加固、改造 of roads or bridges.
    Reinforcement,
}

impl PauseReason {
    pub const ALL: [PauseReason; 2] =
        [PauseReason::Reinforcement, PauseReason::TechnicalAssessment];

    pub fn from_code(code: &str) -> Option<PauseReason> {
        PauseReason::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            PauseReason::TechnicalAssessment => "technical_assessment",
            PauseReason::Reinforcement => "reinforcement",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            PauseReason::TechnicalAssessment => "技术评估",
            PauseReason::Reinforcement => "加固改造",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            PauseReason::TechnicalAssessment => "technical assessment",
            PauseReason::Reinforcement => "road or bridge reinforcement",
        }
    }
}

/// A period whose days are not counted, both ends included; `until: None` while it is still
/// running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Pause {
    pub reason: PauseReason,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

impl Pause {
    fn covers(&self, d: NaiveDate) -> bool {
        d >= self.from && self.until.is_none_or(|u| d <= u)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DeadlineError {
    #[error("a pause cannot end ({until}) before it begins ({from})")]
    PauseEndsBeforeItBegins { from: NaiveDate, until: NaiveDate },
    #[error("a pause cannot begin ({from}) before the application was accepted ({accepted})")]
    PauseBeforeAcceptance {
        from: NaiveDate,
        accepted: NaiveDate,
    },
    #[error("the notice ({notice}) cannot be dated before the application arrived ({received})")]
    NoticeBeforeReceipt {
        notice: NaiveDate,
        received: NaiveDate,
    },
    #[error("the corrected materials ({corrected}) cannot come before the notice ({notice})")]
    CorrectionBeforeNotice {
        corrected: NaiveDate,
        notice: NaiveDate,
    },
}

impl DeadlineError {
    pub fn code(&self) -> &'static str {
        match self {
            DeadlineError::PauseEndsBeforeItBegins { .. } => "permit_pause_ends_before_it_begins",
            DeadlineError::PauseBeforeAcceptance { .. } => "permit_pause_before_acceptance",
            DeadlineError::NoticeBeforeReceipt { .. } => "permit_notice_before_receipt",
            DeadlineError::CorrectionBeforeNotice { .. } => "permit_correction_before_notice",
        }
    }
}

/// The decision clock of one application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionClock {
    pub accepted_on: NaiveDate,
    pub limit_days: u32,
    /// The due date; `None` while a pause is still running (it is not known yet).
    pub due: Option<NaiveDate>,
    /// Working days inside pauses that were not counted (up to the due date, or so far).
    pub paused_working_days: u32,
}

fn check_pauses(accepted_on: NaiveDate, pauses: &[Pause]) -> Result<(), DeadlineError> {
    for p in pauses {
        if let Some(until) = p.until {
            if until < p.from {
                return Err(DeadlineError::PauseEndsBeforeItBegins {
                    from: p.from,
                    until,
                });
            }
        }
        if p.from < accepted_on {
            return Err(DeadlineError::PauseBeforeAcceptance {
                from: p.from,
                accepted: accepted_on,
            });
        }
    }
    Ok(())
}

/// Whether `d` counts on the decision clock: a working day outside every pause.
fn counts(cal: &WorkingCalendar, pauses: &[Pause], d: NaiveDate) -> bool {
    cal.is_working_day(d) && !pauses.iter().any(|p| p.covers(d))
}

/// The due date of a decision: `limit_days` counted working days after `accepted_on`, the
/// working days inside pauses not counted. While a pause is open and the limit is not used up
/// before it, the due date is unknown (`None`).
pub fn decision_clock(
    cal: &WorkingCalendar,
    accepted_on: NaiveDate,
    limit_days: u32,
    pauses: &[Pause],
) -> Result<DecisionClock, DeadlineError> {
    check_pauses(accepted_on, pauses)?;
    let open_from = pauses
        .iter()
        .filter(|p| p.until.is_none())
        .map(|p| p.from)
        .min();
    let mut d = accepted_on;
    let mut left = limit_days;
    let mut paused = 0;
    while left > 0 {
        d += Duration::days(1);
        if open_from.is_some_and(|from| d >= from) {
            // The clock stopped at an open pause before the limit ran out.
            return Ok(DecisionClock {
                accepted_on,
                limit_days,
                due: None,
                paused_working_days: paused,
            });
        }
        if counts(cal, pauses, d) {
            left -= 1;
        } else if cal.is_working_day(d) {
            paused += 1;
        }
    }
    Ok(DecisionClock {
        accepted_on,
        limit_days,
        due: Some(d),
        paused_working_days: paused,
    })
}

impl DecisionClock {
    /// Counted working days from `today` to the due date: the calendar's
    /// [`WorkingCalendar::working_days_left`] (0 when due today or on the next working day after
    /// a day off, negative when overdue) less the paused working days in between, so the figure
    /// stands still while reinforcement is under way. `None` while the due date is unknown.
    pub fn days_left(
        &self,
        cal: &WorkingCalendar,
        pauses: &[Pause],
        today: NaiveDate,
    ) -> Option<i64> {
        let due = self.due?;
        let (from, to) = if due >= today {
            (today, due)
        } else {
            (due, today)
        };
        let mut paused: i64 = 0;
        let mut d = from;
        while d < to {
            d += Duration::days(1);
            if cal.is_working_day(d) && !counts(cal, pauses, d) {
                paused += 1;
            }
        }
        let left = cal.working_days_left(today, due);
        Some(if due >= today {
            left - paused
        } else {
            left + paused
        })
    }
}

/// The last day for the one-time notice: 5 working days after receipt.
pub fn notice_due(cal: &WorkingCalendar, received_on: NaiveDate) -> NaiveDate {
    cal.add_working_days(received_on, NOTICE_WORKING_DAYS)
}

/// What happened to the materials after receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Intake {
    /// Complete and in legal form on receipt.
    Complete,
    /// Incomplete, and no notice given yet.
    Incomplete,
    /// The one-time notice was given on `on`; the carrier completed the materials on
    /// `corrected_on`, if it has.
    NoticeGiven {
        on: NaiveDate,
        corrected_on: Option<NaiveDate>,
    },
}

/// Where acceptance stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Acceptance {
    /// Accepted on `on`. `deemed` when it is accepted by law because the notice was late or
    /// never given: then `on` is the day the application arrived.
    Accepted { on: NaiveDate, deemed: bool },
    /// Incomplete, the notice still due by `notice_due`.
    NoticeDue { notice_due: NaiveDate },
    /// The notice was given in time; waiting for the corrected materials.
    AwaitingCorrection { notice_given_on: NaiveDate },
}

/// Acceptance of an application received on `received_on`, as of `today`.
pub fn acceptance(
    cal: &WorkingCalendar,
    received_on: NaiveDate,
    intake: Intake,
    today: NaiveDate,
) -> Result<Acceptance, DeadlineError> {
    let due = notice_due(cal, received_on);
    let deemed = Acceptance::Accepted {
        on: received_on,
        deemed: true,
    };
    Ok(match intake {
        Intake::Complete => Acceptance::Accepted {
            on: received_on,
            deemed: false,
        },
        Intake::Incomplete if today > due => deemed,
        Intake::Incomplete => Acceptance::NoticeDue { notice_due: due },
        Intake::NoticeGiven { on, corrected_on } => {
            if on < received_on {
                return Err(DeadlineError::NoticeBeforeReceipt {
                    notice: on,
                    received: received_on,
                });
            }
            if let Some(c) = corrected_on {
                if c < on {
                    return Err(DeadlineError::CorrectionBeforeNotice {
                        corrected: c,
                        notice: on,
                    });
                }
            }
            match corrected_on {
                _ if on > due => deemed,
                Some(c) => Acceptance::Accepted {
                    on: c,
                    deemed: false,
                },
                None => Acceptance::AwaitingCorrection {
                    notice_given_on: on,
                },
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn a_decision_is_due_after_the_weekend() {
        let cal = WorkingCalendar::embedded();
        // Accepted Thursday 26 Nov 2026, class I within the province: Fri 27, Mon 30.
        let c = decision_clock(&cal, d("2026-11-26"), 2, &[]).expect("clock");
        assert_eq!(c.due, Some(d("2026-11-30")));
        assert_eq!(c.paused_working_days, 0);
        // Accepted on a Saturday: the count starts on Monday.
        let c = decision_clock(&cal, d("2026-11-28"), 1, &[]).expect("clock");
        assert_eq!(c.due, Some(d("2026-11-30")));
    }

    #[test]
    fn the_national_day_holiday_is_not_counted() {
        let cal = WorkingCalendar::embedded();
        // 2026: 1-7 Oct off, Sat 10 Oct a make-up working day (国办发明电〔2025〕7号).
        assert!(!cal.is_working_day(d("2026-10-07")));
        // Accepted Wed 30 Sep, class II within the province (5): 8, 9, 10 (Sat, make-up), 12, 13.
        let c = decision_clock(&cal, d("2026-09-30"), 5, &[]).expect("clock");
        assert_eq!(c.due, Some(d("2026-10-13")));
    }

    #[test]
    fn the_spring_festival_is_not_counted() {
        let cal = WorkingCalendar::embedded();
        // Accepted Fri 13 Feb 2026, class III within the province (15): Sat 14 Feb is a make-up
        // day (1), the festival runs to Mon 23, then 24-27 Feb (5), Sat 28 (6), 2-6 Mar (11),
        // 9-12 Mar (15).
        let c = decision_clock(&cal, d("2026-02-13"), 15, &[]).expect("clock");
        assert_eq!(c.due, Some(d("2026-03-12")));
    }

    #[test]
    fn a_closed_pause_moves_the_due_date_by_its_working_days() {
        let cal = WorkingCalendar::embedded();
        // Accepted Mon 2 Nov 2026, class II (5): due Mon 9 Nov without pause.
        let plain = decision_clock(&cal, d("2026-11-02"), 5, &[]).expect("clock");
        assert_eq!(plain.due, Some(d("2026-11-09")));
        // Bridge reinforcement Wed 4 to Tue 10 Nov: 5 working days not counted.
        let pause = Pause {
            reason: PauseReason::Reinforcement,
            from: d("2026-11-04"),
            until: Some(d("2026-11-10")),
        };
        let c = decision_clock(&cal, d("2026-11-02"), 5, &[pause]).expect("clock");
        // Counted: Tue 3, then Wed 11, Thu 12, Fri 13, Mon 16.
        assert_eq!(c.due, Some(d("2026-11-16")));
        assert_eq!(c.paused_working_days, 5);
        // While paused, days left stand still; after it they run again.
        let left_before = c.days_left(&cal, &[pause], d("2026-11-04"));
        let left_during = c.days_left(&cal, &[pause], d("2026-11-09"));
        assert_eq!(left_before, Some(4));
        assert_eq!(left_during, left_before);
        assert_eq!(c.days_left(&cal, &[pause], d("2026-11-16")), Some(0));
        assert_eq!(c.days_left(&cal, &[pause], d("2026-11-18")), Some(-2));
        // On the Sunday before, Monday's due date is due now, as for every other deadline.
        assert_eq!(c.days_left(&cal, &[pause], d("2026-11-15")), Some(0));
        assert_eq!(c.days_left(&cal, &[pause], d("2026-11-13")), Some(1));
    }

    #[test]
    fn an_open_pause_leaves_the_due_date_unknown() {
        let cal = WorkingCalendar::embedded();
        let open = Pause {
            reason: PauseReason::TechnicalAssessment,
            from: d("2026-11-04"),
            until: None,
        };
        let c = decision_clock(&cal, d("2026-11-02"), 5, &[open]).expect("clock");
        assert_eq!(c.due, None);
        assert_eq!(c.days_left(&cal, &[open], d("2026-11-05")), None);
        // A pause opened after the limit ran out does not change the due date.
        let late = Pause {
            from: d("2026-11-20"),
            ..open
        };
        let c = decision_clock(&cal, d("2026-11-02"), 5, &[late]).expect("clock");
        assert_eq!(c.due, Some(d("2026-11-09")));
    }

    #[test]
    fn impossible_pauses_are_refused() {
        let cal = WorkingCalendar::embedded();
        let backwards = Pause {
            reason: PauseReason::Reinforcement,
            from: d("2026-11-10"),
            until: Some(d("2026-11-04")),
        };
        assert_eq!(
            decision_clock(&cal, d("2026-11-02"), 5, &[backwards]).map_err(|e| e.code()),
            Err("permit_pause_ends_before_it_begins")
        );
        let early = Pause {
            reason: PauseReason::Reinforcement,
            from: d("2026-10-30"),
            until: None,
        };
        assert!(matches!(
            decision_clock(&cal, d("2026-11-02"), 5, &[early]),
            Err(DeadlineError::PauseBeforeAcceptance { .. })
        ));
    }

    #[test]
    fn the_notice_is_due_five_working_days_after_receipt() {
        let cal = WorkingCalendar::embedded();
        // Received Thu 26 Nov 2026: Fri 27, Mon 30, Tue 1, Wed 2, Thu 3 Dec.
        assert_eq!(notice_due(&cal, d("2026-11-26")), d("2026-12-03"));
        // Received Wed 30 Sep 2026, before National Day: 8, 9, 10 (make-up), 12, 13 Oct.
        assert_eq!(notice_due(&cal, d("2026-09-30")), d("2026-10-13"));
    }

    #[test]
    fn a_late_notice_means_accepted_from_the_day_of_receipt() {
        let cal = WorkingCalendar::embedded();
        let received = d("2026-11-26");
        let accepted = |intake, today| acceptance(&cal, received, intake, d(today));
        assert_eq!(
            accepted(Intake::Complete, "2026-11-26"),
            Ok(Acceptance::Accepted {
                on: received,
                deemed: false
            })
        );
        assert_eq!(
            accepted(Intake::Incomplete, "2026-12-03"),
            Ok(Acceptance::NoticeDue {
                notice_due: d("2026-12-03")
            })
        );
        assert_eq!(
            accepted(Intake::Incomplete, "2026-12-04"),
            Ok(Acceptance::Accepted {
                on: received,
                deemed: true
            })
        );
        let on_time = Intake::NoticeGiven {
            on: d("2026-12-03"),
            corrected_on: None,
        };
        assert_eq!(
            accepted(on_time, "2026-12-20"),
            Ok(Acceptance::AwaitingCorrection {
                notice_given_on: d("2026-12-03")
            })
        );
        let corrected = Intake::NoticeGiven {
            on: d("2026-12-03"),
            corrected_on: Some(d("2026-12-08")),
        };
        assert_eq!(
            accepted(corrected, "2026-12-20"),
            Ok(Acceptance::Accepted {
                on: d("2026-12-08"),
                deemed: false
            })
        );
        let late = Intake::NoticeGiven {
            on: d("2026-12-04"),
            corrected_on: Some(d("2026-12-08")),
        };
        assert_eq!(
            accepted(late, "2026-12-20"),
            Ok(Acceptance::Accepted {
                on: received,
                deemed: true
            })
        );
        let before = Intake::NoticeGiven {
            on: d("2026-11-25"),
            corrected_on: None,
        };
        assert_eq!(
            accepted(before, "2026-12-20").map_err(|e| e.code()),
            Err("permit_notice_before_receipt")
        );
    }
}
