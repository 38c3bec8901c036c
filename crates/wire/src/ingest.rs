//! Ingest: the provincial platform's alarms and violations (suspected illegal operation
//! included) posted to the hub, each answered on its own: a new work order, the order an
//! earlier copy of the same alarm made, or a refusal with its reason.

use casedesk_domain::WhitelistKind;
use serde::{Deserialize, Serialize};

/// The most records one `POST /api/v1/ingest` may carry.
pub const MAX_INGEST_BATCH: usize = 500;

/// One alarm as the platform sends it. Every field is text as received (a missing one is
/// empty), so that a record with a bad value is refused on its own with a reason instead of
/// failing the whole batch; the hub checks each field (docs/sync-protocol.md, "Ingest").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct IngestRecord {
    /// The platform's alarm (record) id: the same id sent again makes no second order.
    pub alarm_id: String,
    /// A code of the violation catalog (`KY-001` ...).
    pub violation_code: String,
    pub plate: String,
    /// Beijing time, `YYYY-MM-DD HH:MM` (seconds, if given, are dropped).
    pub detected_at: String,
    pub place: String,
    /// The county's 6-digit division code: the order belongs to that county.
    pub county_code: String,
    /// Empty for a vehicle with no licensed enterprise; the other enterprise fields then stay empty.
    pub enterprise_name: String,
    /// 统一社会信用代码, 18 characters, or empty.
    pub enterprise_credit_id: String,
    /// `scheduled_coach`, `charter_coach`, `hazmat`, `general_freight`, or empty (the
    /// violation's industry).
    pub enterprise_industry: String,
    /// 0 to 1000, or empty.
    pub enterprise_credit_score: String,
    pub driver_name: String,
    pub driver_phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IngestRequest {
    pub records: Vec<IngestRecord>,
}

/// The answer for one record, in the order sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum IngestResult {
    /// A new work order, open in its county with the catalog's clock.
    Created {
        alarm_id: String,
        order_no: String,
        county_code: String,
        /// The vehicle's whitelist entry in force where the order is, if any: the order exists,
        /// but an interception needs a supervisor's written override (the domain's rule).
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
        whitelisted: Option<WhitelistKind>,
    },
    /// The alarm was ingested before; nothing changed.
    Duplicate { alarm_id: String, order_no: String },
    /// Refused with its reason; nothing changed for this record.
    Rejected {
        alarm_id: String,
        /// The CSV line of the record (`casedesk-hub ingest`), absent for JSON.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        line: Option<u64>,
        code: String,
        message_zh: String,
        message_en: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IngestResponse {
    pub results: Vec<IngestResult>,
}
