//! Red/yellow/green credit codes from an enterprise's 1000-point safety-credit score.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Score at or above which an enterprise is green (default, configurable per DOMAIN.md).
pub const GREEN_FROM: u32 = 900;
/// Score at or above which an enterprise is yellow; below is red.
pub const YELLOW_FROM: u32 = 800;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CreditCode {
    Red,
    Yellow,
    Green,
}

impl CreditCode {
    pub fn from_score(score: u32) -> CreditCode {
        if score >= GREEN_FROM {
            CreditCode::Green
        } else if score >= YELLOW_FROM {
            CreditCode::Yellow
        } else {
            CreditCode::Red
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            CreditCode::Red => "red",
            CreditCode::Yellow => "yellow",
            CreditCode::Green => "green",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            CreditCode::Red => "红码",
            CreditCode::Yellow => "黄码",
            CreditCode::Green => "绿码",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            CreditCode::Red => "red code",
            CreditCode::Yellow => "yellow code",
            CreditCode::Green => "green code",
        }
    }

    pub fn from_code(code: &str) -> Option<CreditCode> {
        [CreditCode::Red, CreditCode::Yellow, CreditCode::Green]
            .into_iter()
            .find(|c| c.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_put_boundaries_in_the_higher_code() {
        assert_eq!(CreditCode::from_score(1000), CreditCode::Green);
        assert_eq!(CreditCode::from_score(900), CreditCode::Green);
        assert_eq!(CreditCode::from_score(899), CreditCode::Yellow);
        assert_eq!(CreditCode::from_score(800), CreditCode::Yellow);
        assert_eq!(CreditCode::from_score(799), CreditCode::Red);
        assert_eq!(CreditCode::from_score(0), CreditCode::Red);
    }
}
