//! Actions on a work order with their payloads.
//!
//! An [`OrderAction`] is what someone did; serialized, it is the timeline event's payload and
//! the outbox mutation's payload, so the hub can re-apply it with the same
//! [`crate::lifecycle::apply`] the desk used.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::handling::HandlingMethod;
use crate::interception::InterceptionOutcome;
use crate::return_reason::ReturnReason;
use crate::work_order::ActionKind;

/// A file attached as evidence, referenced by the SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceRef {
    pub hash: String,
    pub file_name: String,
    pub size: u64,
    pub mime: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum OrderAction {
    Claim,
    Handle {
        method: HandlingMethod,
        result: String,
        #[serde(default)]
        notes: String,
    },
    Intercept {
        outcome: InterceptionOutcome,
        #[serde(default)]
        notes: String,
    },
    NotifyAuthority {
        authority: String,
        content: String,
        /// The day the feedback is due; the catalog's default when not given.
        #[serde(default)]
        feedback_due: Option<NaiveDate>,
    },
    RecordFeedback {
        feedback: String,
    },
    CloseGroundless {
        finding: String,
    },
    RequireRectification {
        requirement: String,
        deadline: NaiveDate,
    },
    RecordRectification {
        description: String,
        evidence: Vec<EvidenceRef>,
    },
    SubmitForSpotCheck,
    Return {
        #[serde(default)]
        reason_code: ReturnReason,
        /// Required for "other", an optional note otherwise.
        #[serde(default)]
        reason: String,
    },
    Transfer {
        to_unit: String,
        reason: String,
    },
    SpotCheck {
        passed: bool,
        #[serde(default)]
        notes: String,
    },
    Reassign {
        county_code: String,
        reason: String,
    },
    OverrideWhitelist {
        reason: String,
    },
}

impl OrderAction {
    pub fn kind(&self) -> ActionKind {
        match self {
            OrderAction::Claim => ActionKind::Claim,
            OrderAction::Handle { .. } => ActionKind::Handle,
            OrderAction::Intercept { .. } => ActionKind::Intercept,
            OrderAction::NotifyAuthority { .. } => ActionKind::NotifyAuthority,
            OrderAction::RecordFeedback { .. } => ActionKind::RecordFeedback,
            OrderAction::CloseGroundless { .. } => ActionKind::CloseGroundless,
            OrderAction::RequireRectification { .. } => ActionKind::RequireRectification,
            OrderAction::RecordRectification { .. } => ActionKind::RecordRectification,
            OrderAction::SubmitForSpotCheck => ActionKind::SubmitForSpotCheck,
            OrderAction::Return { .. } => ActionKind::Return,
            OrderAction::Transfer { .. } => ActionKind::Transfer,
            OrderAction::SpotCheck { passed: true, .. } => ActionKind::SpotCheckPass,
            OrderAction::SpotCheck { passed: false, .. } => ActionKind::SpotCheckFail,
            OrderAction::Reassign { .. } => ActionKind::Reassign,
            OrderAction::OverrideWhitelist { .. } => ActionKind::OverrideWhitelist,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_round_trip_as_json() {
        let a = OrderAction::Transfer {
            to_unit: "长垣市应急管理局".into(),
            reason: "涉及危化品储存".into(),
        };
        let json = serde_json::to_string(&a).expect("serialize");
        assert!(json.contains("\"action\":\"transfer\""));
        assert_eq!(
            serde_json::from_str::<OrderAction>(&json).expect("parse"),
            a
        );
    }

    #[test]
    fn returns_recorded_before_the_reason_list_still_read() {
        let old = r#"{"action":"return","reason":"非本辖区"}"#;
        assert_eq!(
            serde_json::from_str::<OrderAction>(old).expect("parse"),
            OrderAction::Return {
                reason_code: ReturnReason::Other,
                reason: "非本辖区".into()
            }
        );
    }
}
