//! The regulated industries (两客一危一货) a work order, enterprise or violation belongs to.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Industry {
    /// 班线客运
    ScheduledCoach,
    /// 旅游包车
    CharterCoach,
    /// 危险货物运输
    Hazmat,
    /// 普通货运
    GeneralFreight,
}

impl Industry {
    pub const ALL: [Industry; 4] = [
        Industry::ScheduledCoach,
        Industry::CharterCoach,
        Industry::Hazmat,
        Industry::GeneralFreight,
    ];

    /// The stable code stored in databases and sent on the wire.
    pub fn code(self) -> &'static str {
        match self {
            Industry::ScheduledCoach => "scheduled_coach",
            Industry::CharterCoach => "charter_coach",
            Industry::Hazmat => "hazmat",
            Industry::GeneralFreight => "general_freight",
        }
    }

    pub fn from_code(code: &str) -> Option<Industry> {
        Industry::ALL.into_iter().find(|i| i.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Industry::ScheduledCoach => "班线客运",
            Industry::CharterCoach => "旅游包车",
            Industry::Hazmat => "危险货物运输",
            Industry::GeneralFreight => "普通货运",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for i in Industry::ALL {
            assert_eq!(Industry::from_code(i.code()), Some(i));
        }
        assert_eq!(Industry::from_code("taxi"), None);
    }
}
