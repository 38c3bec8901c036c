//! The DTOs the window and the CLI receive. Field names and shapes are the UI contract
//! (`docs/ui-contract.md`); ts-rs keeps the TypeScript side identical.

use casedesk_domain::{ActionKind, ClueSource, Outcome, Rights, Role, WhitelistKind};
use casedesk_store::order::{EnterpriseRecord, TimelineEvent};
use casedesk_store::{InboxRow, InterceptionRow, WhitelistRow};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct OrderDetail {
    pub row: InboxRow,
    pub source: ClueSource,
    pub driver_name: String,
    pub driver_phone: String,
    /// The kind of the vehicle's whitelist entry in force today, if any.
    pub whitelist: Option<WhitelistKind>,
    /// None when the vehicle has no licensed enterprise.
    pub enterprise: Option<EnterpriseRecord>,
    /// The owner of an unlicensed vehicle, when known.
    pub vehicle_owner: Option<String>,
    /// The officer's handling deadline, `YYYY-MM-DD HH:MM`.
    pub handling_due: String,
    pub rectification_requirement: Option<String>,
    pub rectification_deadline: Option<String>,
    pub notice_authority: Option<String>,
    pub feedback_due: Option<String>,
    /// A supervisor's written order to intercept this whitelisted vehicle.
    pub interception_override: Option<String>,
    pub outcome: Option<Outcome>,
    pub transfer_to: Option<String>,
    #[ts(type = "number")]
    pub version: i64,
    pub timeline: Vec<TimelineEvent>,
    pub allowed_actions: Vec<ActionKind>,
    pub vehicle: VehicleDetail,
}

/// A vehicle's page: its whitelist entries and interceptions, newest first.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct VehicleDetail {
    pub plate: String,
    pub whitelist: Vec<WhitelistRow>,
    pub interceptions: Vec<InterceptionRow>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DeskStatus {
    pub user_name: String,
    pub role: Role,
    /// What the role may do besides acting on orders: the window shows only those controls.
    pub rights: Rights,
    pub county_code: String,
    pub county_name: String,
    pub city_name: String,
    #[ts(type = "number")]
    pub order_count: u64,
    /// Open orders on a clock counted in minutes (in-trip alarms, suspected illegal operation).
    #[ts(type = "number")]
    pub running_alarms: u64,
    /// Outbox rows waiting to be sent (refused ones, kept with their reason, are not counted).
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
