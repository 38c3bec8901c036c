//! What the generator hands its sink: reference rows and orders with their histories. The
//! desk's bulk loader stores them as they are; the hub keeps the orders' replayed states.

use casedesk_domain::{
    replay, Catalog, HistoryStep, Industry, Replayed, TransitionError, Violation, WorkingCalendar,
};
use chrono::NaiveDateTime;

pub struct NewEnterprise {
    pub id: i64,
    pub name: String,
    pub industry: Industry,
    pub county_code: String,
    pub credit_score: u32,
}

pub struct NewVehicle {
    pub id: i64,
    pub plate: String,
    /// None for a vehicle with no licensed enterprise.
    pub enterprise_id: Option<i64>,
    pub industry: Option<Industry>,
    pub owner_name: Option<String>,
    pub dishonest: bool,
}

pub struct NewDriver {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub enterprise_id: i64,
}

/// An order as detected, and the actions that brought it to its state (replayed through the
/// domain's [`casedesk_domain::replay`] by whoever stores it).
pub struct NewOrder {
    pub order_no: String,
    pub violation_code: String,
    pub plate: String,
    pub vehicle_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    /// Empty when there is no licensed enterprise.
    pub enterprise_name: String,
    pub driver_id: Option<i64>,
    pub county_code: String,
    pub place: String,
    pub detected_at: NaiveDateTime,
    pub history: Vec<HistoryStep>,
}

/// Why a generated order could not be replayed (a catalog or rules the generator did not expect).
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("unknown violation {0}")]
    UnknownViolation(String),
    #[error("order {order_no}: {source}")]
    Refused {
        order_no: String,
        source: TransitionError,
    },
}

impl NewOrder {
    /// The order's violation, and its history replayed through the rules from its detection.
    pub fn replay<'c>(
        &self,
        catalog: &'c Catalog,
        calendar: &WorkingCalendar,
    ) -> Result<(&'c Violation, Replayed), ReplayError> {
        let violation = catalog
            .get(&self.violation_code)
            .ok_or_else(|| ReplayError::UnknownViolation(self.violation_code.clone()))?;
        let replayed = replay(
            violation,
            self.detected_at,
            &self.county_code,
            &self.plate,
            &self.history,
            calendar,
            catalog.clocks(),
        )
        .map_err(|source| ReplayError::Refused {
            order_no: self.order_no.clone(),
            source,
        })?;
        Ok((violation, replayed))
    }
}
