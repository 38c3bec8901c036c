//! Handling methods (处置方式) an officer records on a work order.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum HandlingMethod {
    /// 电话警示
    PhoneWarning,
    /// 布控拦截: refused for whitelisted vehicles.
    Interception,
    /// 行政处罚
    Fine,
    /// 教育约谈
    Education,
    /// 抄告: notice to another authority
    NoticeToAuthority,
}

impl HandlingMethod {
    pub const ALL: [HandlingMethod; 5] = [
        HandlingMethod::PhoneWarning,
        HandlingMethod::Interception,
        HandlingMethod::Fine,
        HandlingMethod::Education,
        HandlingMethod::NoticeToAuthority,
    ];

    /// Whether 处置 records this method: interceptions (with their outcome) and notices (with
    /// their feedback) are actions of their own; the two stay here so old events still read.
    pub fn recorded_by_handle(self) -> bool {
        !matches!(
            self,
            HandlingMethod::Interception | HandlingMethod::NoticeToAuthority
        )
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            HandlingMethod::PhoneWarning => "电话警示",
            HandlingMethod::Interception => "布控拦截",
            HandlingMethod::Fine => "行政处罚",
            HandlingMethod::Education => "教育约谈",
            HandlingMethod::NoticeToAuthority => "抄告",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            HandlingMethod::PhoneWarning => "phone warning",
            HandlingMethod::Interception => "interception",
            HandlingMethod::Fine => "fine",
            HandlingMethod::Education => "education",
            HandlingMethod::NoticeToAuthority => "notice to another authority",
        }
    }
}
