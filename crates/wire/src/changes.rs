//! Pulling: what changed on the hub after a checkpoint.

use casedesk_domain::WhitelistEntry;
use serde::{Deserialize, Serialize};

use crate::order::OrderStateWire;

/// `GET /api/v1/changes?after=SEQ&limit=N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct PullQuery {
    /// The checkpoint: the largest change sequence number already applied (0 at first).
    #[serde(default)]
    pub after: i64,
    /// Page size, at most [`crate::MAX_PULL_LIMIT`].
    #[serde(default)]
    pub limit: Option<u32>,
}

/// The facts of an order that no action changes (from the platform's clue).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderFacts {
    pub violation_code: String,
    pub plate: String,
    pub place: String,
    /// Beijing time, `YYYY-MM-DD HH:MM`.
    pub detected_at: String,
}

/// An order's full row as the hub knows it after the change numbered `seq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderChange {
    pub seq: i64,
    pub order_no: String,
    pub version: i64,
    pub facts: OrderFacts,
    pub state: OrderStateWire,
    pub updated_at: String,
}

/// A whitelist entry as the hub knows it after the change numbered `seq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WhitelistChange {
    pub seq: i64,
    /// The hub's id of the entry (a vehicle may have several over time).
    pub id: i64,
    pub version: i64,
    /// The jurisdiction that decided it (`41`, a city's 4 digits); it holds there and below.
    pub division: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub entry: WhitelistEntry,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "entity", rename_all = "snake_case")]
pub enum Change {
    WorkOrder(OrderChange),
    Whitelist(WhitelistChange),
}

impl Change {
    pub fn seq(&self) -> i64 {
        match self {
            Change::WorkOrder(o) => o.seq,
            Change::Whitelist(w) => w.seq,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullResponse {
    /// In ascending `seq`; each entity at most once per page, in its latest state.
    pub changes: Vec<Change>,
    /// The checkpoint to send as `after` next time (the last `seq` examined; unchanged when
    /// the page is empty).
    pub next_checkpoint: i64,
    /// Another page follows right away.
    pub has_more: bool,
}
