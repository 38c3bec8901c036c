//! The supervisor's attention list: work-order mutations the hub refused because another
//! officer holds the order (`claimed_by_other`, `not_claimant`). What the refused officer
//! recorded is kept here, on the hub, until a supervisor of the order's city (or the province)
//! resolves it with a note. docs/sync-protocol.md ("Attention list") describes the rules.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The longest resolution note the hub accepts, in characters.
pub const MAX_ATTENTION_NOTE_CHARS: usize = 500;

/// One refused mutation waiting for a supervisor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttentionItem {
    pub id: i64,
    pub order_no: String,
    /// The order's county (6 digits) when the mutation was refused.
    pub county_code: String,
    /// Who holds the order (the claimant) when the mutation was refused.
    pub holder: Option<String>,
    /// The officer whose mutation was refused, and the device it came from.
    pub username: String,
    pub device_id: String,
    pub mutation_id: String,
    /// The refused action's code (`claim`, `handle`, ...).
    pub action: String,
    /// The `OrderAction` JSON exactly as the officer recorded it (texts, dates, evidence).
    pub payload: serde_json::Value,
    /// When the officer recorded it on their desk, Beijing time.
    pub recorded_at: String,
    /// The hub's refusal code (`claimed_by_other` or `not_claimant`), its parameters (as in
    /// [`crate::Rejection`]; empty for an item stored before they were kept) and its reason.
    pub code: String,
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    pub message_zh: String,
    pub message_en: String,
    /// When the hub refused it, Beijing time.
    pub refused_at: String,
}

/// `GET /api/v1/attention`: the open items of the caller's jurisdiction, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttentionList {
    pub items: Vec<AttentionItem>,
}

/// `POST /api/v1/attention/{id}/resolve`: what the supervisor did about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResolveAttentionRequest {
    /// Required, at most [`MAX_ATTENTION_NOTE_CHARS`] characters.
    pub note: String,
    /// The desk the supervisor resolves it from (recorded in the audit row).
    pub device_id: String,
}

/// The answer to a resolve: the item is closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttentionResolved {
    pub id: i64,
    pub resolved_by: String,
    pub resolved_at: String,
    pub note: String,
}
