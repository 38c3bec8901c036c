//! Working days (工作日): Monday to Friday, minus public holidays, plus the make-up working days
//! (调休上班) the State Council announces each year.
//!
//! The calendar is data: `assets/calendar/holidays.json` is embedded, and an administrator can
//! extend it with a file of the same shape (e.g. next year's notice) without a new release.

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::Deserialize;
use thiserror::Error;

const EMBEDDED: &str = include_str!("../../../assets/calendar/holidays.json");

#[derive(Debug, Error)]
pub enum CalendarError {
    #[error("calendar file is not valid JSON of the expected shape: {0}")]
    Parse(#[from] serde_json::Error),
    #[error("calendar date {0:?} is not a YYYY-MM-DD date")]
    BadDate(String),
    #[error("{0} is listed both as a holiday and as a make-up working day")]
    Contradiction(NaiveDate),
}

#[derive(Deserialize)]
struct DatedName {
    date: String,
}

#[derive(Deserialize)]
struct CalendarFile {
    #[serde(default)]
    holidays: Vec<DatedName>,
    #[serde(default)]
    workdays: Vec<DatedName>,
}

#[derive(Debug, Clone, Default)]
pub struct WorkingCalendar {
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
}

fn parse_dates(items: &[DatedName]) -> Result<BTreeSet<NaiveDate>, CalendarError> {
    items
        .iter()
        .map(|d| {
            NaiveDate::parse_from_str(&d.date, "%Y-%m-%d")
                .map_err(|_| CalendarError::BadDate(d.date.clone()))
        })
        .collect()
}

impl WorkingCalendar {
    /// The calendar shipped with the app.
    pub fn embedded() -> WorkingCalendar {
        let mut cal = WorkingCalendar::default();
        // The embedded file is tested below; a broken one cannot ship.
        cal.extend_from_json(EMBEDDED)
            .expect("embedded holiday calendar is valid");
        cal
    }

    /// Adds the holidays and make-up working days of another calendar file.
    pub fn extend_from_json(&mut self, json: &str) -> Result<(), CalendarError> {
        let file: CalendarFile = serde_json::from_str(json)?;
        let holidays = parse_dates(&file.holidays)?;
        let workdays = parse_dates(&file.workdays)?;
        let mut merged_h = self.holidays.clone();
        merged_h.extend(holidays);
        let mut merged_w = self.workdays.clone();
        merged_w.extend(workdays);
        if let Some(d) = merged_h.intersection(&merged_w).next() {
            return Err(CalendarError::Contradiction(*d));
        }
        self.holidays = merged_h;
        self.workdays = merged_w;
        Ok(())
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.workdays.contains(&d) {
            return true;
        }
        if self.holidays.contains(&d) {
            return false;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The date `n` working days after `start` (the start day itself is not counted).
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            d += Duration::days(1);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days from `today` to `deadline`: 0 when due today (or on the next working day
    /// after a non-working today), positive when days remain, negative when overdue by that many.
    pub fn working_days_left(&self, today: NaiveDate, deadline: NaiveDate) -> i64 {
        let count = |from: NaiveDate, to: NaiveDate| -> i64 {
            let mut n = 0;
            let mut d = from;
            while d < to {
                d += Duration::days(1);
                if self.is_working_day(d) {
                    n += 1;
                }
            }
            n
        };
        if deadline >= today {
            let n = count(today, deadline);
            // A deadline on the next working day after a weekend "today" is due now.
            if !self.is_working_day(today) && n > 0 {
                n - 1
            } else {
                n
            }
        } else {
            -count(deadline, today)
        }
    }

    /// Years that have at least one listed holiday, so an administrator can see what is covered.
    pub fn covered_years(&self) -> BTreeSet<i32> {
        self.holidays.iter().map(|d| d.year()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn spring_festival_2026_is_off_and_its_make_up_saturdays_are_working() {
        let cal = WorkingCalendar::embedded();
        for day in ["2026-02-16", "2026-02-17", "2026-02-20", "2026-02-23"] {
            assert!(!cal.is_working_day(d(day)), "{day} is a holiday");
        }
        assert!(
            cal.is_working_day(d("2026-02-14")),
            "Saturday 14 Feb is a make-up day"
        );
        assert!(
            cal.is_working_day(d("2026-02-28")),
            "Saturday 28 Feb is a make-up day"
        );
        assert!(!cal.is_working_day(d("2026-03-01")), "an ordinary Sunday");
        assert!(cal.is_working_day(d("2026-03-02")));
        assert!(cal.covered_years().contains(&2026));
    }

    #[test]
    fn deadlines_skip_weekends_and_holidays() {
        let cal = WorkingCalendar::embedded();
        // Friday + 1 working day = Monday.
        assert_eq!(cal.add_working_days(d("2026-11-27"), 1), d("2026-11-30"));
        // Friday 13 Feb 2026 + 2: Sat 14 (make-up, working), then the holiday to Mon 23, Tue 24.
        assert_eq!(cal.add_working_days(d("2026-02-13"), 1), d("2026-02-14"));
        assert_eq!(cal.add_working_days(d("2026-02-13"), 2), d("2026-02-24"));
        assert_eq!(cal.add_working_days(d("2026-11-24"), 0), d("2026-11-24"));
    }

    #[test]
    fn days_left_counts_both_ways() {
        let cal = WorkingCalendar::embedded();
        assert_eq!(cal.working_days_left(d("2026-11-24"), d("2026-11-24")), 0);
        assert_eq!(cal.working_days_left(d("2026-11-24"), d("2026-11-26")), 2);
        assert_eq!(cal.working_days_left(d("2026-11-26"), d("2026-11-24")), -2);
        // Friday to Monday is one working day.
        assert_eq!(cal.working_days_left(d("2026-11-27"), d("2026-11-30")), 1);
        // On a Sunday, Monday's deadline is due now.
        assert_eq!(cal.working_days_left(d("2026-11-29"), d("2026-11-30")), 0);
    }

    #[test]
    fn an_administrator_can_extend_and_is_told_about_bad_files() {
        let mut cal = WorkingCalendar::embedded();
        cal.extend_from_json(r#"{"holidays":[{"date":"2027-01-01","name":"元旦"}],"workdays":[]}"#)
            .expect("valid extension");
        assert!(!cal.is_working_day(d("2027-01-01")));
        assert!(matches!(
            cal.extend_from_json(r#"{"holidays":[{"date":"2027-13-01","name":"x"}]}"#),
            Err(CalendarError::BadDate(_))
        ));
        assert!(matches!(
            cal.extend_from_json(r#"{"workdays":[{"date":"2027-01-01","name":"x"}]}"#),
            Err(CalendarError::Contradiction(_))
        ));
        assert!(matches!(
            cal.extend_from_json("{"),
            Err(CalendarError::Parse(_))
        ));
        assert!(matches!(
            cal.extend_from_json(r#"{"holidays":5}"#),
            Err(CalendarError::Parse(_))
        ));
        // A refused file changed nothing.
        assert!(!cal.is_working_day(d("2027-01-01")));
    }
}
