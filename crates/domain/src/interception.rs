//! Interceptions (布控拦截) and their outcomes. The whitelist rule counts the clean ones.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum InterceptionOutcome {
    /// 拦截到车辆，发现违法行为
    ViolationFound,
    /// 拦截到车辆，未发现违法行为
    NothingFound,
    /// 未拦截到车辆
    VehicleNotFound,
}

impl InterceptionOutcome {
    pub const ALL: [InterceptionOutcome; 3] = [
        InterceptionOutcome::ViolationFound,
        InterceptionOutcome::NothingFound,
        InterceptionOutcome::VehicleNotFound,
    ];

    pub fn code(self) -> &'static str {
        match self {
            InterceptionOutcome::ViolationFound => "violation_found",
            InterceptionOutcome::NothingFound => "nothing_found",
            InterceptionOutcome::VehicleNotFound => "vehicle_not_found",
        }
    }

    pub fn from_code(code: &str) -> Option<InterceptionOutcome> {
        InterceptionOutcome::ALL
            .into_iter()
            .find(|o| o.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            InterceptionOutcome::ViolationFound => "拦截到车辆，发现违法行为",
            InterceptionOutcome::NothingFound => "拦截到车辆，未发现违法行为",
            InterceptionOutcome::VehicleNotFound => "未拦截到车辆",
        }
    }
}
