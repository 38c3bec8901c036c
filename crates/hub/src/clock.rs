//! Time on the hub: the rules read Beijing time (UTC+8, no daylight saving), as the desk does;
//! token expiry and rate limits count Unix seconds.

use chrono::{Duration, NaiveDateTime, Utc};

pub fn beijing_now() -> NaiveDateTime {
    Utc::now().naive_utc() + Duration::hours(8)
}

/// Beijing time as stored in audit rows and `updated_at`: `YYYY-MM-DD HH:MM:SS`.
pub fn stamp(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

pub fn unix_now() -> i64 {
    Utc::now().timestamp()
}
