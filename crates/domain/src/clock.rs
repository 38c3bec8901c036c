//! Clocks: whose turn it is on a work order, and until when.
//!
//! Every open state runs exactly one clock with its owner: the officer's handling deadline,
//! the enterprise's rectification deadline, the supervisor's spot-check or reassignment
//! deadline, another authority's feedback deadline. In-trip alarms and suspected illegal
//! operation count minutes on the clock ("剩余 1 小时 20 分"); everything else counts working
//! days and falls due at the end of its day.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::calendar::WorkingCalendar;
use crate::catalog::ResponseTime;

/// Who must act for the order to move on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ClockOwner {
    Officer,
    Enterprise,
    Supervisor,
    /// Another authority that received a notice (抄告).
    Authority,
}

impl ClockOwner {
    pub const ALL: [ClockOwner; 4] = [
        ClockOwner::Officer,
        ClockOwner::Enterprise,
        ClockOwner::Supervisor,
        ClockOwner::Authority,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ClockOwner::Officer => "officer",
            ClockOwner::Enterprise => "enterprise",
            ClockOwner::Supervisor => "supervisor",
            ClockOwner::Authority => "authority",
        }
    }

    pub fn from_code(code: &str) -> Option<ClockOwner> {
        ClockOwner::ALL.into_iter().find(|o| o.code() == code)
    }
}

/// When a clock falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "unit", content = "at")]
pub enum Due {
    /// A moment, for clocks counted in hours and minutes.
    At(NaiveDateTime),
    /// The end of a working day.
    Day(NaiveDate),
}

/// The one sortable text form of a due moment, as stored: `YYYY-MM-DD HH:MM`.
pub const DUE_FORMAT: &str = "%Y-%m-%d %H:%M";

impl Due {
    /// The last minute at which the clock is still not overdue.
    pub fn moment(self) -> NaiveDateTime {
        match self {
            Due::At(t) => t,
            Due::Day(d) => d.and_time(NaiveTime::from_hms_opt(23, 59, 0).unwrap_or_default()),
        }
    }

    pub fn counts_minutes(self) -> bool {
        matches!(self, Due::At(_))
    }

    pub fn date(self) -> NaiveDate {
        self.moment().date()
    }

    /// `YYYY-MM-DD HH:MM`; a working-day deadline reads as 23:59 of its day, so one text
    /// column sorts and compares both kinds.
    pub fn text(self) -> String {
        self.moment().format(DUE_FORMAT).to_string()
    }

    /// Reads the stored form back.
    pub fn parse(text: &str, counts_minutes: bool) -> Option<Due> {
        let t = NaiveDateTime::parse_from_str(text, DUE_FORMAT).ok()?;
        Some(if counts_minutes {
            Due::At(t)
        } else {
            Due::Day(t.date())
        })
    }

    /// The officer's response deadline for a clue detected at `detected`.
    pub fn response(response: ResponseTime, detected: NaiveDateTime, cal: &WorkingCalendar) -> Due {
        match response {
            ResponseTime::Minutes(m) => Due::At(detected + chrono::Duration::minutes(m.into())),
            ResponseTime::WorkingDays(n) => Due::Day(cal.add_working_days(detected.date(), n)),
        }
    }

    /// `n` working days after `from`.
    pub fn working_days(from: NaiveDate, n: u32, cal: &WorkingCalendar) -> Due {
        Due::Day(cal.add_working_days(from, n))
    }
}

/// The clock running on an open order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    pub owner: ClockOwner,
    pub due: Due,
}

/// How much time a clock has left, as the inbox shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "unit", content = "left")]
#[ts(export)]
pub enum TimeLeft {
    /// Minutes left; negative when overdue by that many ("超时 35 分钟").
    Minutes(#[ts(type = "number")] i64),
    /// Working days left: 0 = due today, negative = overdue by that many.
    WorkingDays(#[ts(type = "number")] i64),
}

impl Due {
    pub fn left(self, now: NaiveDateTime, cal: &WorkingCalendar) -> TimeLeft {
        match self {
            Due::At(t) => {
                let secs = (t - now).num_seconds();
                // Round towards "less time": 59 s left shows as 0 minutes, 1 s late as late.
                TimeLeft::Minutes(secs.div_euclid(60))
            }
            Due::Day(d) => TimeLeft::WorkingDays(cal.working_days_left(now.date(), d)),
        }
    }

    pub fn is_overdue(self, now: NaiveDateTime) -> bool {
        now > self.moment()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, DUE_FORMAT).expect("test time")
    }

    #[test]
    fn a_response_in_minutes_runs_across_midnight_weekends_and_holidays() {
        let cal = WorkingCalendar::embedded();
        // Friday night 23:10 + 2 hours: Saturday 01:10, not Monday.
        let due = Due::response(ResponseTime::Minutes(120), at("2026-11-27 23:10"), &cal);
        assert_eq!(due, Due::At(at("2026-11-28 01:10")));
        // New Year's Eve 2025 into the 2026 holiday.
        let due = Due::response(ResponseTime::Minutes(90), at("2025-12-31 23:00"), &cal);
        assert_eq!(due.text(), "2026-01-01 00:30");
        assert_eq!(
            due.left(at("2026-01-01 00:00"), &cal),
            TimeLeft::Minutes(30)
        );
        assert_eq!(
            due.left(at("2026-01-01 01:05"), &cal),
            TimeLeft::Minutes(-35)
        );
        assert!(due.is_overdue(at("2026-01-01 00:31")));
        assert!(!due.is_overdue(at("2026-01-01 00:30")));
    }

    #[test]
    fn a_response_in_working_days_skips_the_weekend_and_falls_due_at_day_end() {
        let cal = WorkingCalendar::embedded();
        let due = Due::response(ResponseTime::WorkingDays(1), at("2026-11-27 23:10"), &cal);
        assert_eq!(
            due,
            Due::Day(NaiveDate::from_ymd_opt(2026, 11, 30).expect("date"))
        );
        assert_eq!(due.text(), "2026-11-30 23:59");
        assert_eq!(Due::parse(&due.text(), false), Some(due));
        assert!(!due.is_overdue(at("2026-11-30 23:59")));
        assert!(due.is_overdue(at("2026-12-01 00:00")));
        assert_eq!(
            due.left(at("2026-11-28 10:00"), &cal),
            TimeLeft::WorkingDays(0)
        );
    }
}
