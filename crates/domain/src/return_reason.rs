//! Why an officer returns a work order (退回原因): chosen from a list so returns can be counted.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReturnReason {
    /// 非本辖区
    NotOurCounty,
    /// 重复工单
    Duplicate,
    /// 车辆信息有误
    WrongVehicle,
    /// 违法类型有误
    WrongViolation,
    /// 其他（须说明）. Returns recorded before the list existed read as this.
    #[default]
    Other,
}

impl ReturnReason {
    pub const ALL: [ReturnReason; 5] = [
        ReturnReason::NotOurCounty,
        ReturnReason::Duplicate,
        ReturnReason::WrongVehicle,
        ReturnReason::WrongViolation,
        ReturnReason::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReturnReason::NotOurCounty => "not_our_county",
            ReturnReason::Duplicate => "duplicate",
            ReturnReason::WrongVehicle => "wrong_vehicle",
            ReturnReason::WrongViolation => "wrong_violation",
            ReturnReason::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<ReturnReason> {
        ReturnReason::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Whether the reason must be put in words: "other" says nothing by itself.
    pub fn needs_text(self) -> bool {
        self == ReturnReason::Other
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ReturnReason::NotOurCounty => "非本辖区",
            ReturnReason::Duplicate => "重复工单",
            ReturnReason::WrongVehicle => "车辆信息有误",
            ReturnReason::WrongViolation => "违法类型有误",
            ReturnReason::Other => "其他",
        }
    }
}
