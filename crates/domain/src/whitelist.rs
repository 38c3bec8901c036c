//! The interception whitelist (白名单): vehicles that are, in principle, not intercepted.
//!
//! DOMAIN.md: a coach intercepted two or more times with no violation found, an enterprise's
//! self-use vehicle, and a compliant vehicle rented for a large event.

use serde::{Deserialize, Serialize};

/// Interceptions without a finding after which a coach is whitelisted.
pub const FRUITLESS_INTERCEPTIONS: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WhitelistReason {
    RepeatedFruitlessInterception,
    EnterpriseSelfUse,
    LargeEventRental,
}

impl WhitelistReason {
    pub fn code(self) -> &'static str {
        match self {
            WhitelistReason::RepeatedFruitlessInterception => "repeated_fruitless_interception",
            WhitelistReason::EnterpriseSelfUse => "enterprise_self_use",
            WhitelistReason::LargeEventRental => "large_event_rental",
        }
    }

    pub fn from_code(code: &str) -> Option<WhitelistReason> {
        [
            WhitelistReason::RepeatedFruitlessInterception,
            WhitelistReason::EnterpriseSelfUse,
            WhitelistReason::LargeEventRental,
        ]
        .into_iter()
        .find(|r| r.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            WhitelistReason::RepeatedFruitlessInterception => "经2次及以上拦截未发现违法行为的客车",
            WhitelistReason::EnterpriseSelfUse => "企业自用车辆",
            WhitelistReason::LargeEventRental => "大型活动租用的合规车辆",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            WhitelistReason::RepeatedFruitlessInterception => {
                "coach intercepted twice or more with no violation found"
            }
            WhitelistReason::EnterpriseSelfUse => "enterprise self-use vehicle",
            WhitelistReason::LargeEventRental => "compliant vehicle rented for a large event",
        }
    }
}

/// Decides whether a vehicle is whitelisted from its record.
pub fn whitelist_reason(
    fruitless_interceptions: u32,
    is_coach: bool,
    self_use: bool,
    event_rental: bool,
) -> Option<WhitelistReason> {
    if is_coach && fruitless_interceptions >= FRUITLESS_INTERCEPTIONS {
        Some(WhitelistReason::RepeatedFruitlessInterception)
    } else if self_use {
        Some(WhitelistReason::EnterpriseSelfUse)
    } else if event_rental {
        Some(WhitelistReason::LargeEventRental)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_fruitless_interceptions_whitelist_a_coach_only() {
        assert_eq!(whitelist_reason(1, true, false, false), None);
        assert_eq!(
            whitelist_reason(2, true, false, false),
            Some(WhitelistReason::RepeatedFruitlessInterception)
        );
        assert_eq!(whitelist_reason(5, false, false, false), None);
        assert_eq!(
            whitelist_reason(0, false, true, false),
            Some(WhitelistReason::EnterpriseSelfUse)
        );
        assert_eq!(
            whitelist_reason(0, false, false, true),
            Some(WhitelistReason::LargeEventRental)
        );
    }

    #[test]
    fn codes_round_trip() {
        for r in [
            WhitelistReason::RepeatedFruitlessInterception,
            WhitelistReason::EnterpriseSelfUse,
            WhitelistReason::LargeEventRental,
        ] {
            assert_eq!(WhitelistReason::from_code(r.code()), Some(r));
        }
    }
}
