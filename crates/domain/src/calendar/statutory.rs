//! The statutory public holidays of 全国年节及纪念日放假办法 (as revised in 2024, in force from
//! 2025), used as a provisional calendar for a year whose State Council notice is not loaded.
//!
//! Days off: New Year's Day (1 Jan), Spring Festival 4 days (lunar New Year's Eve to the third day
//! of the first lunar month), Qingming (the day of the Qingming solar term), Labour Day (1–2 May),
//! Dragon Boat (5th day of the 5th lunar month), Mid-Autumn (15th day of the 8th lunar month) and
//! National Day (1–3 Oct). The notice adds bridging days and make-up working days; the statute
//! alone has neither, so weekends simply stay off.
//!
//! The lunar dates come from [`LUNAR`], a table for [`FIRST_YEAR`]..=[`LAST_YEAR`] rather than an
//! ephemeris: four dates a year are cheaper to check than an astronomical algorithm is to trust.
//! Every row was computed under the rules of GB/T 33661-2017 (农历的编算和颁行: Beijing time, the
//! day of the new moon starts a month, the winter solstice falls in the 11th month, in a 13-month
//! year the first month without a major solar term is the leap month) from two independent
//! ephemerides (JPL DE421 up to 2052; VSOP87/ELP-based PyEphem for the whole range), and agreed
//! date for date with the widely used 1900–2099 lunar month table (as in the `lunardate`
//! package) and with the 寿星天文历 algorithm (`sxtwl`, `lunar-python`). The closest call is
//! 春节 2027: its new moon is at 23:56 Beijing time on 6 February. Far ahead, the slowing of the
//! Earth's rotation is only extrapolated, so the two rows within minutes of midnight after 2060
//! (清明 2071, 中秋 2089) could still move a day. The tests below check known dates and that every
//! row is lunar-consistent, so a typo cannot slip in. Outside the table only the fixed-date days
//! are known. `scripts/lunar_table.py` recomputes and cross-checks the table.

use chrono::{Datelike, Duration, NaiveDate};

/// First and last year the lunar table covers.
pub const FIRST_YEAR: i32 = 2024;
pub const LAST_YEAR: i32 = 2099;

/// One year's movable holidays: (year, 春节 = first day of the first lunar month (month, day),
/// 端午 (month, day), 中秋 (month, day), day of April of 清明).
type Row = (i32, (u32, u32), (u32, u32), (u32, u32), u32);

#[rustfmt::skip]
const LUNAR: [Row; (LAST_YEAR - FIRST_YEAR + 1) as usize] = [
    (2024, (2, 10), (6, 10), (9, 17), 4),
    (2025, (1, 29), (5, 31), (10, 6), 4),
    (2026, (2, 17), (6, 19), (9, 25), 5),
    (2027, (2, 6), (6, 9), (9, 15), 5),
    (2028, (1, 26), (5, 28), (10, 3), 4),
    (2029, (2, 13), (6, 16), (9, 22), 4),
    (2030, (2, 3), (6, 5), (9, 12), 5),
    (2031, (1, 23), (6, 24), (10, 1), 5),
    (2032, (2, 11), (6, 12), (9, 19), 4),
    (2033, (1, 31), (6, 1), (9, 8), 4),
    (2034, (2, 19), (6, 20), (9, 27), 5),
    (2035, (2, 8), (6, 10), (9, 16), 5),
    (2036, (1, 28), (5, 30), (10, 4), 4),
    (2037, (2, 15), (6, 18), (9, 24), 4),
    (2038, (2, 4), (6, 7), (9, 13), 5),
    (2039, (1, 24), (5, 27), (10, 2), 5),
    (2040, (2, 12), (6, 14), (9, 20), 4),
    (2041, (2, 1), (6, 3), (9, 10), 4),
    (2042, (1, 22), (6, 22), (9, 28), 4),
    (2043, (2, 10), (6, 11), (9, 17), 5),
    (2044, (1, 30), (5, 31), (10, 5), 4),
    (2045, (2, 17), (6, 19), (9, 25), 4),
    (2046, (2, 6), (6, 8), (9, 15), 4),
    (2047, (1, 26), (5, 29), (10, 4), 5),
    (2048, (2, 14), (6, 15), (9, 22), 4),
    (2049, (2, 2), (6, 4), (9, 11), 4),
    (2050, (1, 23), (6, 23), (9, 30), 4),
    (2051, (2, 11), (6, 13), (9, 19), 5),
    (2052, (2, 1), (6, 1), (9, 7), 4),
    (2053, (2, 19), (6, 20), (9, 26), 4),
    (2054, (2, 8), (6, 10), (9, 16), 4),
    (2055, (1, 28), (5, 30), (10, 5), 5),
    (2056, (2, 15), (6, 17), (9, 24), 4),
    (2057, (2, 4), (6, 6), (9, 13), 4),
    (2058, (1, 24), (6, 25), (10, 2), 4),
    (2059, (2, 12), (6, 14), (9, 21), 5),
    (2060, (2, 2), (6, 3), (9, 9), 4),
    (2061, (1, 21), (6, 22), (9, 28), 4),
    (2062, (2, 9), (6, 11), (9, 17), 4),
    (2063, (1, 29), (6, 1), (10, 6), 5),
    (2064, (2, 17), (6, 19), (9, 25), 4),
    (2065, (2, 5), (6, 8), (9, 15), 4),
    (2066, (1, 26), (5, 28), (10, 3), 4),
    (2067, (2, 14), (6, 16), (9, 23), 5),
    (2068, (2, 3), (6, 4), (9, 11), 4),
    (2069, (1, 23), (6, 23), (9, 29), 4),
    (2070, (2, 11), (6, 13), (9, 19), 4),
    (2071, (1, 31), (6, 2), (9, 8), 5),
    (2072, (2, 19), (6, 20), (9, 26), 4),
    (2073, (2, 7), (6, 10), (9, 16), 4),
    (2074, (1, 27), (5, 30), (10, 5), 4),
    (2075, (2, 15), (6, 17), (9, 24), 4),
    (2076, (2, 5), (6, 6), (9, 12), 4),
    (2077, (1, 24), (6, 24), (10, 1), 4),
    (2078, (2, 12), (6, 14), (9, 20), 4),
    (2079, (2, 2), (6, 4), (9, 10), 4),
    (2080, (1, 22), (6, 22), (9, 28), 4),
    (2081, (2, 9), (6, 11), (9, 17), 4),
    (2082, (1, 29), (6, 1), (10, 6), 4),
    (2083, (2, 17), (6, 19), (9, 26), 4),
    (2084, (2, 6), (6, 7), (9, 14), 4),
    (2085, (1, 26), (5, 27), (10, 3), 4),
    (2086, (2, 14), (6, 15), (9, 22), 4),
    (2087, (2, 3), (6, 5), (9, 11), 4),
    (2088, (1, 24), (6, 23), (9, 29), 4),
    (2089, (2, 10), (6, 13), (9, 18), 4),
    (2090, (1, 30), (6, 2), (9, 8), 4),
    (2091, (2, 18), (6, 21), (9, 27), 4),
    (2092, (2, 7), (6, 9), (9, 16), 4),
    (2093, (1, 27), (5, 29), (10, 5), 4),
    (2094, (2, 15), (6, 17), (9, 24), 4),
    (2095, (2, 5), (6, 6), (9, 13), 4),
    (2096, (1, 25), (6, 24), (9, 30), 4),
    (2097, (2, 12), (6, 14), (9, 20), 4),
    (2098, (2, 1), (6, 4), (9, 9), 4),
    (2099, (1, 21), (6, 23), (9, 29), 4),
];

pub const NEW_YEAR: &str = "元旦";
pub const SPRING_FESTIVAL: &str = "春节";
pub const QINGMING: &str = "清明节";
pub const LABOUR_DAY: &str = "劳动节";
pub const DRAGON_BOAT: &str = "端午节";
pub const MID_AUTUMN: &str = "中秋节";
pub const NATIONAL_DAY: &str = "国庆节";

fn ymd(year: i32, (month, day): (u32, u32)) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

fn lunar_row(year: i32) -> Option<&'static Row> {
    let i = usize::try_from(year.checked_sub(FIRST_YEAR)?).ok()?;
    LUNAR.get(i)
}

/// The statutory days off of `year`, in date order, each with its festival. Outside
/// [`FIRST_YEAR`]..=[`LAST_YEAR`] only New Year's Day, Labour Day and National Day are known.
pub fn holidays(year: i32) -> Vec<(NaiveDate, &'static str)> {
    let mut dates: Vec<NaiveDate> = [(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)]
        .into_iter()
        .filter_map(|md| ymd(year, md))
        .collect();
    if let Some(&(_, spring, dragon, mid_autumn, qingming)) = lunar_row(year) {
        if let Some(first) = ymd(year, spring) {
            dates.extend((-1..=2).map(|offset| first + Duration::days(offset)));
        }
        dates.extend(
            [(4, qingming), dragon, mid_autumn]
                .into_iter()
                .filter_map(|md| ymd(year, md)),
        );
    }
    dates.sort();
    // Mid-Autumn can fall on 1-3 October (e.g. 2028-10-03): one day off, named for both.
    dates.dedup();
    dates
        .into_iter()
        .filter_map(|d| holiday_on(d).map(|name| (d, name)))
        .collect()
}

/// The festival whose statutory day off `d` is, if any. Cheap: no allocation, a table look-up.
pub fn holiday_on(d: NaiveDate) -> Option<&'static str> {
    let (m, day) = (d.month(), d.day());
    let fixed = match (m, day) {
        (1, 1) => Some(NEW_YEAR),
        (5, 1 | 2) => Some(LABOUR_DAY),
        (10, 1..=3) => Some(NATIONAL_DAY),
        _ => None,
    };
    let Some(&(year, spring, dragon, mid_autumn, qingming)) = lunar_row(d.year()) else {
        return fixed;
    };
    if (m, day) == mid_autumn {
        // Mid-Autumn on 1–3 October shares the day with National Day, as the notices name it.
        return Some(if fixed.is_some() {
            "国庆节、中秋节"
        } else {
            MID_AUTUMN
        });
    }
    if fixed.is_some() {
        return fixed;
    }
    if (m, day) == dragon {
        return Some(DRAGON_BOAT);
    }
    if (m, day) == (4, qingming) {
        return Some(QINGMING);
    }
    // New Year's Eve is the day before the first day, whether it is the 29th or the 30th.
    let first = ymd(year, spring)?;
    let offset = (d - first).num_days();
    (-1..=2).contains(&offset).then_some(SPRING_FESTIVAL)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    fn row(year: i32) -> Row {
        *lunar_row(year).expect("year in the table")
    }

    fn date(year: i32, md: (u32, u32)) -> NaiveDate {
        ymd(year, md).expect("valid table date")
    }

    #[test]
    fn known_dates_match() {
        // Official notices (the embedded calendar) for 2024-2026, then published lunar dates.
        let spring = [
            (2024, "2024-02-10"),
            (2025, "2025-01-29"),
            (2026, "2026-02-17"),
            (2027, "2027-02-06"),
            (2028, "2028-01-26"),
            (2029, "2029-02-13"),
            (2030, "2030-02-03"),
            // After 2033's leap eleventh month (the "2033 problem" of older algorithms).
            (2034, "2034-02-19"),
        ];
        for (year, first) in spring {
            assert_eq!(date(year, row(year).1), d(first), "春节 {year}");
        }
        let dragon = [
            (2024, "2024-06-10"),
            (2025, "2025-05-31"),
            (2026, "2026-06-19"),
        ];
        for (year, day) in dragon.into_iter().chain([(2027, "2027-06-09")]) {
            assert_eq!(date(year, row(year).2), d(day), "端午 {year}");
        }
        let mid = [
            (2024, "2024-09-17"),
            (2025, "2025-10-06"),
            (2026, "2026-09-25"),
        ];
        for (year, day) in mid.into_iter().chain([(2027, "2027-09-15")]) {
            assert_eq!(date(year, row(year).3), d(day), "中秋 {year}");
        }
        for (year, day) in [(2024, 4), (2025, 4), (2026, 5), (2027, 5), (2028, 4)] {
            assert_eq!(row(year).4, day, "清明 {year}");
        }
    }

    #[test]
    fn every_row_is_lunar_consistent() {
        // A lunar month has 29 or 30 days, so k months span 29k..=30k days: a typo in any date
        // breaks one of these spans.
        let months = |from: NaiveDate, to: NaiveDate| -> Option<i64> {
            let days = (to - from).num_days();
            (1..=13).find(|k| (29 * k..=30 * k).contains(&days))
        };
        for (i, &(year, spring, dragon, mid, qingming)) in LUNAR.iter().enumerate() {
            assert_eq!(year, FIRST_YEAR + i as i32, "rows are consecutive years");
            let first = date(year, spring);
            assert!(
                (d(&format!("{year}-01-21"))..=d(&format!("{year}-02-20"))).contains(&first),
                "春节 {year} between 21 Jan and 20 Feb"
            );
            assert!((4..=5).contains(&qingming), "清明 {year}");
            // Day 5 of month 5 and day 15 of month 8, counted from the first day of month 1,
            // with at most one leap month in between.
            let to_dragon = months(first, date(year, dragon) - Duration::days(4));
            let to_mid = months(first, date(year, mid) - Duration::days(14));
            assert!(
                matches!(to_dragon, Some(4 | 5)),
                "端午 {year}: {to_dragon:?}"
            );
            assert!(matches!(to_mid, Some(7 | 8)), "中秋 {year}: {to_mid:?}");
            assert!(to_mid
                .zip(to_dragon)
                .is_some_and(|(m, dr)| m - dr == 3 || (m == 8 && dr == 4)));
            if let Some(next) = lunar_row(year + 1) {
                let to_next = months(first, date(year + 1, next.1));
                assert!(
                    matches!(to_next, Some(12 | 13)),
                    "春节 {year}->{}",
                    year + 1
                );
            }
        }
    }

    #[test]
    fn a_year_has_thirteen_statutory_days_off() {
        for year in FIRST_YEAR..=LAST_YEAR {
            let days = holidays(year);
            let (_, _, _, mid, _) = row(year);
            // Mid-Autumn on 1-3 October shares a day with National Day.
            let expected = if mid.0 == 10 && mid.1 <= 3 { 12 } else { 13 };
            assert_eq!(days.len(), expected, "{year}: {days:?}");
            for (day, name) in &days {
                assert_eq!(day.year(), year);
                assert_eq!(holiday_on(*day), Some(*name));
            }
        }
        let y2027: Vec<_> = holidays(2027)
            .into_iter()
            .map(|(d, _)| d.to_string())
            .collect();
        assert_eq!(
            y2027,
            [
                "2027-01-01",
                "2027-02-05",
                "2027-02-06",
                "2027-02-07",
                "2027-02-08",
                "2027-04-05",
                "2027-05-01",
                "2027-05-02",
                "2027-06-09",
                "2027-09-15",
                "2027-10-01",
                "2027-10-02",
                "2027-10-03",
            ]
        );
        assert_eq!(holiday_on(d("2028-10-03")), Some("国庆节、中秋节"));
        assert_eq!(
            holiday_on(d("2027-02-05")),
            Some(SPRING_FESTIVAL),
            "New Year's Eve"
        );
        assert_eq!(
            holiday_on(d("2027-02-09")),
            None,
            "the fourth day is not statutory"
        );
        assert_eq!(holiday_on(d("2027-05-03")), None);
    }

    #[test]
    fn outside_the_table_only_fixed_dates_are_known() {
        assert_eq!(holidays(2100).len(), 6);
        assert_eq!(holidays(2023).len(), 6);
        assert_eq!(holiday_on(d("2100-01-01")), Some(NEW_YEAR));
        assert_eq!(holiday_on(d("2100-10-03")), Some(NATIONAL_DAY));
        assert_eq!(holiday_on(d("2100-10-04")), None);
    }
}
