//! The DTOs the window and the CLI receive. Field names and shapes are the UI contract
//! (`docs/ui-contract.md`); ts-rs keeps the TypeScript side identical.

use casedesk_domain::{ActionKind, ClueSource, Role};
use casedesk_store::order::{EnterpriseRecord, TimelineEvent};
use casedesk_store::InboxRow;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct OrderDetail {
    pub row: InboxRow,
    pub source: ClueSource,
    pub driver_name: String,
    pub driver_phone: String,
    /// Why the vehicle is whitelisted (Chinese), when it is.
    pub vehicle_whitelist_reason: Option<String>,
    pub enterprise: EnterpriseRecord,
    pub rectification_requirement: Option<String>,
    pub rectification_deadline: Option<String>,
    pub transfer_to: Option<String>,
    #[ts(type = "number")]
    pub version: i64,
    pub timeline: Vec<TimelineEvent>,
    pub allowed_actions: Vec<ActionKind>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DeskStatus {
    pub user_name: String,
    pub role: Role,
    pub county_code: String,
    pub county_name: String,
    pub city_name: String,
    #[ts(type = "number")]
    pub order_count: u64,
    #[ts(type = "number")]
    pub unsent: u64,
    pub today: String,
    pub data_dir: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DemoSummary {
    #[ts(type = "number")]
    pub orders: u64,
    #[ts(type = "number")]
    pub enterprises: u64,
    #[ts(type = "number")]
    pub vehicles: u64,
    #[ts(type = "number")]
    pub millis: u64,
}
