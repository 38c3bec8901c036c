//! Actions on a work order with their payloads, and the rule that decides each one.
//!
//! An [`OrderAction`] is what an officer did; serialized, it is the payload of an outbox
//! mutation, so the hub can re-decide it with the same [`decide`] the desk used.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::handling::HandlingMethod;
use crate::work_order::{needs_claimant, next_status, ActionKind, Role, Status, TransitionError};

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
        notes: String,
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
        reason: String,
    },
    Transfer {
        to_unit: String,
        reason: String,
    },
    SpotCheck {
        passed: bool,
        notes: String,
    },
}

impl OrderAction {
    pub fn kind(&self) -> ActionKind {
        match self {
            OrderAction::Claim => ActionKind::Claim,
            OrderAction::Handle { .. } => ActionKind::Handle,
            OrderAction::RequireRectification { .. } => ActionKind::RequireRectification,
            OrderAction::RecordRectification { .. } => ActionKind::RecordRectification,
            OrderAction::SubmitForSpotCheck => ActionKind::SubmitForSpotCheck,
            OrderAction::Return { .. } => ActionKind::Return,
            OrderAction::Transfer { .. } => ActionKind::Transfer,
            OrderAction::SpotCheck { passed: true, .. } => ActionKind::SpotCheckPass,
            OrderAction::SpotCheck { passed: false, .. } => ActionKind::SpotCheckFail,
        }
    }
}

/// What the rules need to know about the order and the person acting.
#[derive(Debug, Clone)]
pub struct OrderFacts<'a> {
    pub status: Status,
    pub claimed_by: Option<&'a str>,
    pub plate: &'a str,
    /// Chinese text of the whitelist reason, when the vehicle is whitelisted.
    pub whitelist_reason: Option<&'a str>,
    pub rectification_required: bool,
    pub rectifications_recorded: u32,
}

fn non_empty(field: &'static str, value: &str) -> Result<(), TransitionError> {
    if value.trim().is_empty() {
        Err(TransitionError::Empty { field })
    } else {
        Ok(())
    }
}

/// Decides an action: the state it leads to, or the typed reason it is refused.
pub fn decide(
    facts: &OrderFacts<'_>,
    role: Role,
    actor: &str,
    action: &OrderAction,
    today: NaiveDate,
) -> Result<Status, TransitionError> {
    let kind = action.kind();
    let to = next_status(role, facts.status, kind)?;
    if needs_claimant(kind) {
        if let Some(claimant) = facts.claimed_by {
            if claimant != actor {
                return Err(TransitionError::NotClaimant {
                    claimant: claimant.to_string(),
                    actor: actor.to_string(),
                });
            }
        }
    }
    match action {
        OrderAction::Handle { method, result, .. } => {
            if *method == HandlingMethod::Interception {
                if let Some(reason) = facts.whitelist_reason {
                    return Err(TransitionError::Whitelisted {
                        plate: facts.plate.to_string(),
                        reason: reason.to_string(),
                    });
                }
            }
            non_empty("result", result)?;
        }
        OrderAction::RequireRectification {
            requirement,
            deadline,
        } => {
            non_empty("requirement", requirement)?;
            if *deadline < today {
                return Err(TransitionError::DeadlineInPast {
                    deadline: deadline.to_string(),
                    today: today.to_string(),
                });
            }
        }
        OrderAction::RecordRectification { description, .. } => {
            non_empty("description", description)?;
        }
        OrderAction::SubmitForSpotCheck => {
            if facts.rectification_required && facts.rectifications_recorded == 0 {
                return Err(TransitionError::NoRectificationRecorded);
            }
        }
        OrderAction::Return { reason } | OrderAction::Transfer { reason, .. } => {
            if reason.trim().is_empty() {
                return Err(TransitionError::ReasonRequired { action: kind });
            }
            if let OrderAction::Transfer { to_unit, .. } = action {
                non_empty("to_unit", to_unit)?;
            }
        }
        OrderAction::Claim | OrderAction::SpotCheck { .. } => {}
    }
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).expect("date")
    }

    fn facts(status: Status) -> OrderFacts<'static> {
        OrderFacts {
            status,
            claimed_by: Some("张伟"),
            plate: "豫G12345",
            whitelist_reason: None,
            rectification_required: false,
            rectifications_recorded: 0,
        }
    }

    fn handle(method: HandlingMethod) -> OrderAction {
        OrderAction::Handle {
            method,
            result: "已联系驾驶员".into(),
            notes: String::new(),
        }
    }

    #[test]
    fn interception_of_a_whitelisted_vehicle_is_refused_with_the_reason() {
        let mut f = facts(Status::Claimed);
        f.whitelist_reason = Some("企业自用车辆");
        let err = decide(
            &f,
            Role::CountyOfficer,
            "张伟",
            &handle(HandlingMethod::Interception),
            today(),
        )
        .expect_err("refused");
        assert!(
            matches!(err, TransitionError::Whitelisted { ref reason, .. } if reason == "企业自用车辆")
        );
        assert_eq!(
            decide(
                &f,
                Role::CountyOfficer,
                "张伟",
                &handle(HandlingMethod::PhoneWarning),
                today()
            ),
            Ok(Status::Handled)
        );
    }

    #[test]
    fn only_the_claimant_handles() {
        let f = facts(Status::Claimed);
        assert!(matches!(
            decide(
                &f,
                Role::CountyOfficer,
                "李强",
                &handle(HandlingMethod::Fine),
                today()
            ),
            Err(TransitionError::NotClaimant { .. })
        ));
    }

    #[test]
    fn a_past_rectification_deadline_is_refused() {
        let f = facts(Status::Handled);
        let past = OrderAction::RequireRectification {
            requirement: "更换监控设备".into(),
            deadline: NaiveDate::from_ymd_opt(2026, 11, 23).expect("date"),
        };
        assert!(matches!(
            decide(&f, Role::CountyOfficer, "张伟", &past, today()),
            Err(TransitionError::DeadlineInPast { .. })
        ));
        let same_day = OrderAction::RequireRectification {
            requirement: "更换监控设备".into(),
            deadline: today(),
        };
        assert_eq!(
            decide(&f, Role::CountyOfficer, "张伟", &same_day, today()),
            Ok(Status::Rectifying)
        );
    }

    #[test]
    fn reasons_and_texts_are_required() {
        let f = facts(Status::Claimed);
        let blank = OrderAction::Return {
            reason: "  ".into(),
        };
        assert_eq!(
            decide(&f, Role::CountyOfficer, "张伟", &blank, today()),
            Err(TransitionError::ReasonRequired {
                action: ActionKind::Return
            })
        );
        let no_result = OrderAction::Handle {
            method: HandlingMethod::Education,
            result: String::new(),
            notes: String::new(),
        };
        assert_eq!(
            decide(&f, Role::CountyOfficer, "张伟", &no_result, today()),
            Err(TransitionError::Empty { field: "result" })
        );
    }

    #[test]
    fn submission_needs_a_recorded_rectification_when_one_was_required() {
        let mut f = facts(Status::Rectifying);
        f.rectification_required = true;
        assert_eq!(
            decide(
                &f,
                Role::CountyOfficer,
                "张伟",
                &OrderAction::SubmitForSpotCheck,
                today()
            ),
            Err(TransitionError::NoRectificationRecorded)
        );
        f.rectifications_recorded = 1;
        assert_eq!(
            decide(
                &f,
                Role::CountyOfficer,
                "张伟",
                &OrderAction::SubmitForSpotCheck,
                today()
            ),
            Ok(Status::Submitted)
        );
    }

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
}
