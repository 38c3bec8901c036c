//! Working days (工作日): Monday to Friday, minus public holidays, plus the make-up working days
//! (调休上班) the State Council announces each year.
//!
//! The calendar is data: `assets/calendar/holidays.json` is embedded, and an administrator can
//! extend it with a file of the same shape (e.g. next year's notice) without a new release. A
//! year is *covered* when a loaded file says it carries that year's notice (its `years` list).
//! For a year that is not covered, the statutory days of 全国年节及纪念日放假办法 still hold and
//! are applied as *provisional* ([`statutory`]), so a deadline in a year whose notice is not out
//! yet never counts 春节 as working days; the UI can mark such a deadline as provisional.

pub mod statutory;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::Deserialize;
use thiserror::Error;

const EMBEDDED: &str = include_str!("../../../assets/calendar/holidays.json");

/// Name given to a listed day off that has none in its file.
const UNNAMED_HOLIDAY: &str = "节假日";

#[derive(Debug, Error)]
pub enum CalendarError {
    #[error("calendar file is not valid JSON of the expected shape: {0}")]
    Parse(#[from] serde_json::Error),
    #[error("calendar date {0:?} is not a YYYY-MM-DD date")]
    BadDate(String),
    #[error("{0} is listed both as a holiday and as a make-up working day")]
    Contradiction(NaiveDate),
    #[error("the calendar says it carries the notice for {0} but lists no holiday in {0}")]
    YearWithoutHolidays(i32),
}

#[derive(Deserialize)]
struct DatedName {
    date: String,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct CalendarFile {
    /// The years whose notice the file carries. Older files have none: the years of their
    /// holidays are taken instead.
    #[serde(default)]
    years: Option<BTreeSet<i32>>,
    #[serde(default)]
    holidays: Vec<DatedName>,
    #[serde(default)]
    workdays: Vec<DatedName>,
}

#[derive(Debug, Clone, Default)]
pub struct WorkingCalendar {
    /// Days off of the loaded notices, with their festival.
    holidays: BTreeMap<NaiveDate, String>,
    /// Make-up working days of the loaded notices.
    workdays: BTreeMap<NaiveDate, String>,
    /// Years whose notice is loaded; the others get the provisional statutory days.
    years: BTreeSet<i32>,
}

fn parse_dates(items: &[DatedName]) -> Result<BTreeMap<NaiveDate, String>, CalendarError> {
    items
        .iter()
        .map(|d| {
            let date = NaiveDate::parse_from_str(&d.date, "%Y-%m-%d")
                .map_err(|_| CalendarError::BadDate(d.date.clone()))?;
            let name = d.name.as_deref().unwrap_or(UNNAMED_HOLIDAY).to_string();
            Ok((date, name))
        })
        .collect()
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
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

    /// Adds the holidays, make-up working days and covered years of another calendar file. A
    /// year it covers no longer gets provisional days: its notice replaces them entirely. A file
    /// that is refused changes nothing.
    pub fn extend_from_json(&mut self, json: &str) -> Result<(), CalendarError> {
        let file: CalendarFile = serde_json::from_str(json)?;
        let holidays = parse_dates(&file.holidays)?;
        let workdays = parse_dates(&file.workdays)?;
        let years = file
            .years
            .unwrap_or_else(|| holidays.keys().map(|d| d.year()).collect());
        let mut merged_h = self.holidays.clone();
        merged_h.extend(holidays);
        let mut merged_w = self.workdays.clone();
        merged_w.extend(workdays);
        if let Some(d) = merged_h.keys().find(|d| merged_w.contains_key(d)) {
            return Err(CalendarError::Contradiction(*d));
        }
        // A year marked covered with no holiday would silently make 春节 a working week.
        let lists_holiday_in = |y: i32| match (
            NaiveDate::from_ymd_opt(y, 1, 1),
            NaiveDate::from_ymd_opt(y, 12, 31),
        ) {
            (Some(first), Some(last)) => merged_h.range(first..=last).next().is_some(),
            _ => false,
        };
        if let Some(y) = years.iter().find(|&&y| !lists_holiday_in(y)) {
            return Err(CalendarError::YearWithoutHolidays(*y));
        }
        self.holidays = merged_h;
        self.workdays = merged_w;
        self.years.extend(years);
        Ok(())
    }

    /// Whether `d` is a working day: by the notice where its year's notice is loaded, else by the
    /// provisional statutory days. A date a loaded notice lists is decided by it in any case.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.workdays.contains_key(&d) {
            return true;
        }
        if self.holidays.contains_key(&d) {
            return false;
        }
        if self.is_provisional(d) && statutory::holiday_on(d).is_some() {
            return false;
        }
        !is_weekend(d)
    }

    /// True when `d`'s year has no loaded notice, so whether it is a working day is provisional.
    pub fn is_provisional(&self, d: NaiveDate) -> bool {
        !self.years.contains(&d.year())
    }

    /// The festival `d` is a day off for (from the notice, or provisional), if any. `None` for a
    /// working day and for an ordinary weekend.
    pub fn holiday_name(&self, d: NaiveDate) -> Option<&str> {
        if self.workdays.contains_key(&d) {
            return None;
        }
        if let Some(name) = self.holidays.get(&d) {
            return Some(name);
        }
        if self.is_provisional(d) {
            return statutory::holiday_on(d);
        }
        None
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

    /// `d` itself if it is a working day, else the next one: a deadline computed onto a
    /// non-working day moves to the next working day.
    pub fn next_working_day_on_or_after(&self, d: NaiveDate) -> NaiveDate {
        let mut d = d;
        while !self.is_working_day(d) {
            d += Duration::days(1);
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

    /// The years without a loaded notice among the days counted between `start` and `end`
    /// (the later date included, the earlier not; either order).
    pub fn provisional_years(&self, start: NaiveDate, end: NaiveDate) -> BTreeSet<i32> {
        let (from, to) = if start <= end {
            (start, end)
        } else {
            (end, start)
        };
        if from == to {
            return BTreeSet::new();
        }
        // The first counted day is the one after `from`: 31 Dec does not drag its year in.
        let first_year = (from + Duration::days(1)).year();
        (first_year..=to.year())
            .filter(|y| !self.years.contains(y))
            .collect()
    }

    /// Whether a deadline counted from `start` to `end` crossed a year without a loaded notice,
    /// so it rests on provisional holidays and may move when that year's notice comes out.
    pub fn deadline_is_provisional(&self, start: NaiveDate, end: NaiveDate) -> bool {
        !self.provisional_years(start, end).is_empty()
    }

    /// Years whose State Council notice is loaded (embedded or from the administrator's file).
    pub fn covered_years(&self) -> BTreeSet<i32> {
        self.years.clone()
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

    /// A 2027 notice in the shape the State Council would publish it (dates made up for the
    /// test: Spring Festival 2027-02-05..11 off, Sunday 2027-02-14 a make-up working day).
    const NOTICE_2027: &str = r#"{
        "years": [2027],
        "holidays": [
            {"date": "2027-01-01", "name": "元旦"},
            {"date": "2027-02-05", "name": "春节"}, {"date": "2027-02-06", "name": "春节"},
            {"date": "2027-02-07", "name": "春节"}, {"date": "2027-02-08", "name": "春节"},
            {"date": "2027-02-09", "name": "春节"}, {"date": "2027-02-10", "name": "春节"},
            {"date": "2027-02-11", "name": "春节"}
        ],
        "workdays": [{"date": "2027-02-14", "name": "春节调休上班"}]
    }"#;

    #[test]
    fn a_year_without_a_notice_gets_the_statutory_days_provisionally() {
        let cal = WorkingCalendar::embedded();
        assert_eq!(cal.covered_years(), BTreeSet::from([2024, 2025, 2026]));
        // New Year's Day 2027 is a Friday: never a working day, notice or not.
        assert!(!cal.is_working_day(d("2027-01-01")));
        assert_eq!(cal.holiday_name(d("2027-01-01")), Some("元旦"));
        // Spring Festival 2027: New Year's Eve (Fri 5 Feb) to the third day (Mon 8 Feb).
        for day in ["2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08"] {
            assert!(!cal.is_working_day(d(day)), "{day} is off");
            assert_eq!(cal.holiday_name(d(day)), Some("春节"));
        }
        assert!(cal.is_working_day(d("2027-02-04")));
        assert!(
            cal.is_working_day(d("2027-02-09")),
            "the statute stops at the third day"
        );
        // No make-up working days: the weekends around stay off.
        assert!(!cal.is_working_day(d("2027-01-31")));
        assert!(!cal.is_working_day(d("2027-02-13")));
        assert_eq!(
            cal.holiday_name(d("2027-02-13")),
            None,
            "an ordinary Saturday"
        );
        for day in ["2027-10-01", "2027-10-02", "2027-10-03"] {
            assert!(!cal.is_working_day(d(day)), "{day} is off");
        }
        assert!(cal.is_working_day(d("2027-10-04")));
        for day in [
            "2027-04-05",
            "2027-05-01",
            "2027-05-02",
            "2027-06-09",
            "2027-09-15",
        ] {
            assert!(!cal.is_working_day(d(day)), "{day} is off");
        }
        assert!(cal.is_working_day(d("2027-05-03")));
    }

    #[test]
    fn provisional_is_by_year_and_its_boundaries_are_exact() {
        let cal = WorkingCalendar::embedded();
        assert!(!cal.is_provisional(d("2026-12-31")));
        assert!(cal.is_provisional(d("2027-01-01")));
        assert!(!cal.is_provisional(d("2024-01-01")));
        assert!(cal.is_provisional(d("2023-12-31")));
        // Covered 2026 is decided by its notice alone: its statutory days are the notice's.
        assert!(
            cal.is_working_day(d("2026-12-31")),
            "a Thursday in a covered year"
        );
        assert_eq!(
            cal.holiday_name(d("2026-02-14")),
            None,
            "a make-up working day"
        );
        assert_eq!(cal.holiday_name(d("2026-02-16")), Some("春节"));
        // The counted span is (start, end]: from 31 Dec 2026 it enters 2027 at once.
        assert!(!cal.deadline_is_provisional(d("2026-11-24"), d("2026-12-31")));
        assert!(cal.deadline_is_provisional(d("2026-12-31"), d("2027-01-04")));
        assert!(
            cal.deadline_is_provisional(d("2027-01-04"), d("2026-12-31")),
            "either order"
        );
        assert!(
            !cal.deadline_is_provisional(d("2027-01-04"), d("2027-01-04")),
            "nothing counted"
        );
        assert_eq!(
            cal.provisional_years(d("2026-06-01"), d("2028-03-01")),
            BTreeSet::from([2027, 2028])
        );
    }

    #[test]
    fn the_statutory_days_are_off_in_the_loaded_notices_of_2025_and_2026() {
        // Cross-checks the lunar table against the official notices of the years under the
        // 2024 revision (2024 still had the old 3-day Spring Festival without New Year's Eve).
        let cal = WorkingCalendar::embedded();
        for year in [2025, 2026] {
            for (day, name) in statutory::holidays(year) {
                assert!(
                    !cal.is_working_day(day),
                    "{day} ({name}) is off in the notice"
                );
                assert!(cal.holiday_name(day).is_some(), "{day} ({name})");
            }
        }
    }

    #[test]
    fn deadlines_count_over_provisional_holidays() {
        let cal = WorkingCalendar::embedded();
        // Thu 31 Dec 2026 + 1: Fri 1 Jan 2027 is New Year's Day, so Mon 4 Jan.
        assert_eq!(cal.add_working_days(d("2026-12-31"), 1), d("2027-01-04"));
        // Thu 4 Feb 2027 + 1: Fri 5 (Eve) to Mon 8 (third day) are off, so Tue 9 Feb.
        assert_eq!(cal.add_working_days(d("2027-02-04"), 1), d("2027-02-09"));
        assert_eq!(cal.add_working_days(d("2027-02-04"), 2), d("2027-02-10"));
        // Thu 30 Sep 2027 + 1: 1-3 Oct off (Fri-Sun), Mon 4 Oct.
        assert_eq!(cal.add_working_days(d("2027-09-30"), 1), d("2027-10-04"));
        assert_eq!(cal.working_days_left(d("2027-02-04"), d("2027-02-09")), 1);
    }

    #[test]
    fn a_deadline_on_a_day_off_moves_to_the_next_working_day() {
        let cal = WorkingCalendar::embedded();
        assert_eq!(
            cal.next_working_day_on_or_after(d("2026-11-24")),
            d("2026-11-24")
        );
        assert_eq!(
            cal.next_working_day_on_or_after(d("2026-11-28")),
            d("2026-11-30")
        );
        // Into the 2026 Spring Festival: Tue 24 Feb is the first working day after it.
        assert_eq!(
            cal.next_working_day_on_or_after(d("2026-02-15")),
            d("2026-02-24")
        );
        // A make-up Saturday is a working day.
        assert_eq!(
            cal.next_working_day_on_or_after(d("2026-02-14")),
            d("2026-02-14")
        );
        // Provisional 2027: Sat 6 Feb (Spring Festival) moves to Tue 9 Feb.
        assert_eq!(
            cal.next_working_day_on_or_after(d("2027-02-06")),
            d("2027-02-09")
        );
    }

    #[test]
    fn a_loaded_notice_replaces_the_provisional_days_of_its_year() {
        let mut cal = WorkingCalendar::embedded();
        cal.extend_from_json(NOTICE_2027).expect("valid notice");
        assert!(cal.covered_years().contains(&2027));
        assert!(!cal.is_provisional(d("2027-06-09")));
        assert!(!cal.deadline_is_provisional(d("2026-12-31"), d("2027-12-31")));
        // The notice's days off and its make-up Sunday.
        assert!(!cal.is_working_day(d("2027-02-11")));
        assert!(cal.is_working_day(d("2027-02-14")));
        assert_eq!(cal.add_working_days(d("2027-02-04"), 1), d("2027-02-12"));
        assert_eq!(cal.add_working_days(d("2027-02-12"), 1), d("2027-02-14"));
        // Statutory days this (test) notice does not list are no longer off: the notice rules.
        assert!(cal.is_working_day(d("2027-06-09")));
        assert_eq!(cal.holiday_name(d("2027-06-09")), None);
        // 2028 is still provisional.
        assert!(cal.is_provisional(d("2028-01-03")));
        assert!(
            !cal.is_working_day(d("2028-01-26")),
            "春节 2028 (provisional)"
        );
    }

    #[test]
    fn coverage_is_what_the_file_says_or_else_the_years_of_its_holidays() {
        // Without `years`, an older-style file covers the years of its holidays.
        let mut cal = WorkingCalendar::embedded();
        cal.extend_from_json(r#"{"holidays":[{"date":"2028-01-01","name":"元旦"}]}"#)
            .expect("valid");
        assert!(cal.covered_years().contains(&2028));
        assert!(!cal.covered_years().contains(&2027));
        // Make-up working days alone do not make a year covered.
        let mut cal = WorkingCalendar::embedded();
        cal.extend_from_json(r#"{"workdays":[{"date":"2027-02-14","name":"春节调休上班"}]}"#)
            .expect("valid");
        assert!(cal.is_provisional(d("2027-02-14")));
        assert!(
            cal.is_working_day(d("2027-02-14")),
            "a listed date is decided by its file"
        );
        // An explicit list wins, and a covered year must list its holidays.
        let mut cal = WorkingCalendar::embedded();
        assert!(matches!(
            cal.extend_from_json(
                r#"{"years":[2027,2028],"holidays":[{"date":"2027-01-01","name":"元旦"}]}"#
            ),
            Err(CalendarError::YearWithoutHolidays(2028))
        ));
        assert!(
            cal.is_provisional(d("2027-01-01")),
            "a refused file changed nothing"
        );
        assert!(matches!(
            cal.extend_from_json(r#"{"years":"2027"}"#),
            Err(CalendarError::Parse(_))
        ));
        // `years: []` covers nothing: its dates count, the year stays provisional.
        cal.extend_from_json(r#"{"years":[],"holidays":[{"date":"2027-03-08","name":"x"}]}"#)
            .expect("valid");
        assert!(cal.is_provisional(d("2027-03-08")));
        assert!(!cal.is_working_day(d("2027-03-08")));
        assert_eq!(cal.holiday_name(d("2027-03-08")), Some("x"));
        assert!(
            !cal.is_working_day(d("2027-02-08")),
            "provisional days remain"
        );
    }
}
