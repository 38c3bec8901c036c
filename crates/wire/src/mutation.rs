//! Pushing: the desk's outbox rows as mutations, and the hub's answer for each.

use casedesk_domain::permit::{ClockAction, Review};
use casedesk_domain::whitelist::WhitelistAction;
use casedesk_domain::OrderAction;
use serde::{Deserialize, Serialize};

use crate::Rejection;

/// What a mutation is about: a work order (keyed by its number), a vehicle's whitelist entry
/// (keyed by its plate) or a permit application (keyed by its id: its review), as in the desk's
/// outbox (`entity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    WorkOrder,
    Whitelist,
    PermitApplication,
}

impl Entity {
    pub fn code(self) -> &'static str {
        match self {
            Entity::WorkOrder => "work_order",
            Entity::Whitelist => "whitelist",
            Entity::PermitApplication => "permit_application",
        }
    }

    pub fn from_code(code: &str) -> Option<Entity> {
        [
            Entity::WorkOrder,
            Entity::Whitelist,
            Entity::PermitApplication,
        ]
        .into_iter()
        .find(|e| e.code() == code)
    }
}

/// The action code of a permit application's review (its payload: the domain's `Review`).
pub const REVIEW_ACTION: &str = "permit_review";

/// One outbox row of a desk, sent as it was queued.
///
/// The payload travels as raw JSON rather than as a typed action so that one unreadable payload
/// is rejected on its own (with a reason the desk shows) instead of failing the whole batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mutation {
    /// UUIDv7 made by the desk when the action was recorded; the hub applies each id at most once.
    pub mutation_id: String,
    pub device_id: String,
    pub entity: Entity,
    /// The order's number or the vehicle's plate.
    pub entity_key: String,
    /// The action's code (`claim`, `spot_check_pass`, `whitelist_approve`, ...): `OrderAction`'s
    /// kind or `WhitelistAction`'s code; it must agree with the payload.
    pub action: String,
    /// The `OrderAction` or `WhitelistAction` JSON, exactly as the desk applied it.
    pub payload: serde_json::Value,
    /// The entity's version the desk saw when it acted (advisory: the hub re-checks the action
    /// against its own state with the shared rules instead of refusing a stale version).
    pub base_version: i64,
    /// When the desk recorded it, Beijing time, `YYYY-MM-DD HH:MM`.
    pub created_at: String,
}

/// Why a payload could not be read as the action its mutation names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayloadError {
    /// The JSON is not an action of the mutation's entity.
    Unreadable(String),
    /// The payload's action is not the one the mutation's `action` code names.
    CodeMismatch { code: String, payload: String },
    /// An order mutation whose entity is `whitelist`, or the reverse.
    WrongEntity,
}

impl Mutation {
    /// The payload read as `T`, for a mutation of `entity` whose `action` code is the one
    /// `code_of` gives for the payload.
    fn payload_as<T: serde::de::DeserializeOwned>(
        &self,
        entity: Entity,
        code_of: impl Fn(&T) -> &'static str,
    ) -> Result<T, PayloadError> {
        if self.entity != entity {
            return Err(PayloadError::WrongEntity);
        }
        let action: T = serde_json::from_value(self.payload.clone())
            .map_err(|e| PayloadError::Unreadable(e.to_string()))?;
        let code = code_of(&action);
        if code != self.action {
            return Err(PayloadError::CodeMismatch {
                code: self.action.clone(),
                payload: code.to_string(),
            });
        }
        Ok(action)
    }

    /// The payload as a work-order action, checked against `entity` and `action`.
    pub fn order_action(&self) -> Result<OrderAction, PayloadError> {
        self.payload_as(Entity::WorkOrder, |a: &OrderAction| a.kind().code())
    }

    /// The payload as a permit application's review, checked against `entity` and `action`.
    pub fn review(&self) -> Result<Review, PayloadError> {
        // The code is fixed: a wrong one is refused as such, whatever the payload.
        if self.entity == Entity::PermitApplication && self.action != REVIEW_ACTION {
            return Err(PayloadError::CodeMismatch {
                code: self.action.clone(),
                payload: REVIEW_ACTION.to_string(),
            });
        }
        self.payload_as(Entity::PermitApplication, |_: &Review| REVIEW_ACTION)
    }

    /// The payload as a pause or resumption of a permit application's decision clock, checked
    /// against `entity` and `action`.
    pub fn clock_action(&self) -> Result<ClockAction, PayloadError> {
        self.payload_as(Entity::PermitApplication, ClockAction::code)
    }

    /// The payload as a whitelist decision, checked against `entity` and `action`.
    pub fn whitelist_action(&self) -> Result<WhitelistAction, PayloadError> {
        self.payload_as(Entity::Whitelist, WhitelistAction::code)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushRequest {
    pub mutations: Vec<Mutation>,
}

/// The hub's answer to one mutation, in the order they were sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum MutationResult {
    /// Applied now; the entity is at `new_version`.
    Applied {
        mutation_id: String,
        new_version: i64,
    },
    /// This mutation id was applied before (a retry after a lost answer); nothing changed now.
    AlreadyApplied { mutation_id: String, version: i64 },
    /// Refused by the rules; final: the same id is answered with the same refusal again.
    Rejected {
        mutation_id: String,
        #[serde(flatten)]
        rejection: Rejection,
    },
}

impl MutationResult {
    pub fn mutation_id(&self) -> &str {
        match self {
            MutationResult::Applied { mutation_id, .. }
            | MutationResult::AlreadyApplied { mutation_id, .. }
            | MutationResult::Rejected { mutation_id, .. } => mutation_id,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResponse {
    /// One per mutation sent, in the same order.
    pub results: Vec<MutationResult>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim() -> Mutation {
        Mutation {
            mutation_id: "0193a0c0-0000-7000-8000-000000000001".into(),
            device_id: "dev".into(),
            entity: Entity::WorkOrder,
            entity_key: "GD1".into(),
            action: "claim".into(),
            payload: serde_json::json!({"action": "claim"}),
            base_version: 1,
            created_at: "2026-11-29 09:00".into(),
        }
    }

    #[test]
    fn an_outbox_payload_reads_as_its_action() {
        assert_eq!(claim().order_action(), Ok(OrderAction::Claim));
        let mut m = claim();
        m.action = "handle".into();
        assert!(matches!(
            m.order_action(),
            Err(PayloadError::CodeMismatch { .. })
        ));
        assert_eq!(claim().whitelist_action(), Err(PayloadError::WrongEntity));
        assert_eq!(claim().review(), Err(PayloadError::WrongEntity));
    }

    #[test]
    fn a_review_payload_reads_and_entities_read_back() {
        let mut m = claim();
        m.entity = Entity::PermitApplication;
        m.action = REVIEW_ACTION.into();
        m.payload = serde_json::json!({"verdict": "more_material",
            "items": [{"item": "plates_match", "ticked": false, "remark": "挂车号牌不清"}],
            "notes": [{"sha256": "ab", "at_ms": 1500, "text": "看这里"}]});
        let r = m.review().expect("review");
        assert_eq!(r.verdict, casedesk_domain::permit::Verdict::MoreMaterial);
        assert_eq!(r.notes[0].at_ms, Some(1500));
        m.action = "claim".into();
        assert!(matches!(m.review(), Err(PayloadError::CodeMismatch { .. })));
        m.action = "permit_pause".into();
        m.payload =
            serde_json::json!({"action": "pause", "reason": "reinforcement", "from": "2026-11-04"});
        assert!(matches!(m.clock_action(), Ok(ClockAction::Pause { .. })));
        m.action = "permit_resume".into();
        assert!(matches!(
            m.clock_action(),
            Err(PayloadError::CodeMismatch { .. })
        ));
        for e in [
            Entity::WorkOrder,
            Entity::Whitelist,
            Entity::PermitApplication,
        ] {
            assert_eq!(Entity::from_code(e.code()), Some(e));
        }
    }

    #[test]
    fn results_are_tagged_and_flatten_the_rejection() {
        let r = MutationResult::Rejected {
            mutation_id: "m".into(),
            rejection: Rejection::new(
                crate::RejectionCode::ClaimedByOther,
                [("order_no", "GD1".into()), ("holder", "张伟".into())],
                "工单已被 张伟 认领".into(),
                "claimed by 张伟".into(),
            ),
        };
        let json = serde_json::to_value(&r).expect("json");
        assert_eq!(json["result"], "rejected");
        assert_eq!(json["code"], "claimed_by_other");
        assert_eq!(json["params"]["holder"], "张伟");
        let back: MutationResult = serde_json::from_value(json).expect("parse");
        assert_eq!(back, r);
    }
}
