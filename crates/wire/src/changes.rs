//! Pulling: what changed on the hub after a checkpoint.

use casedesk_domain::{Industry, WhitelistEntry};
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
    /// The vehicle's enterprise as the platform reported it; None for a vehicle with no
    /// licensed enterprise (suspected illegal operation) or when the platform did not say.
    #[serde(default)]
    pub enterprise: Option<EnterpriseFacts>,
    /// The driver, when the platform knows who drove.
    #[serde(default)]
    pub driver: Option<DriverFacts>,
}

/// An enterprise as the provincial platform reports it with an alarm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnterpriseFacts {
    pub name: String,
    /// 统一社会信用代码 (18 characters), the enterprise's stable key when given.
    #[serde(default)]
    pub credit_id: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "scheduled_coach"))]
    pub industry: Industry,
    /// The platform's safety-credit score (1000-point scale), when it grades this enterprise;
    /// the red/yellow/green code follows from it by the domain's thresholds.
    #[serde(default)]
    pub credit_score: Option<u32>,
}

/// The driver of the vehicle at the time of the alarm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DriverFacts {
    pub name: String,
    /// Empty when unknown.
    #[serde(default)]
    pub phone: String,
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
// Nearly every change is an order; boxing it would cost an allocation per change of a page for
// the sake of the rarer whitelist entry.
#[allow(clippy::large_enum_variant)]
pub enum Change {
    WorkOrder(OrderChange),
    Whitelist(WhitelistChange),
    /// A permit application (大件运输申报) of a service point within the jurisdiction.
    Application(Box<crate::permit::ApplicationChange>),
    /// A service point's permit day: its commitment, and once closed its seed and draw.
    PermitDay(Box<crate::permit::PermitDay>),
    /// A dishonest-enterprise list entry (失信企业库) that holds within the jurisdiction.
    Dishonest(Box<crate::permit::DishonestEntry>),
    /// An order left the caller's jurisdiction (a supervisor reassigned it to a county the
    /// caller does not cover): the desk drops it from its cache.
    Departure(OrderDeparture),
}

impl Change {
    pub fn seq(&self) -> i64 {
        match self {
            Change::WorkOrder(o) => o.seq,
            Change::Whitelist(w) => w.seq,
            Change::Application(a) => a.seq,
            Change::PermitDay(d) => d.seq,
            Change::Dishonest(d) => d.seq,
            Change::Departure(d) => d.seq,
        }
    }
}

/// An order that left the caller's jurisdiction at change `seq`. Only its number travels: where
/// it went is no business of the county it left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderDeparture {
    pub seq: i64,
    pub order_no: String,
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
