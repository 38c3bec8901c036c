//! Bulk loading of reference data and orders in one transaction: the demo generator and (later)
//! the first sync use it. Rows loaded this way come from elsewhere, so they write no outbox.

use casedesk_domain::action::OrderAction;
use casedesk_domain::whitelist::WhitelistReason;
use casedesk_domain::{ClueSource, CreditCode, Industry, Status};
use rusqlite::{params, Transaction};

use crate::{Store, StoreError};

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
    pub enterprise_id: i64,
    pub industry: Industry,
    pub whitelist_reason: Option<WhitelistReason>,
}

pub struct NewDriver {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub enterprise_id: i64,
}

pub struct NewOrder {
    pub order_no: String,
    pub status: Status,
    pub industry: Industry,
    pub violation_code: String,
    pub violation_name: String,
    pub clue_category: u8,
    pub source: ClueSource,
    pub plate: String,
    pub vehicle_id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub driver_id: i64,
    pub county_code: String,
    pub place: String,
    pub detected_at: String,
    pub deadline: String,
    pub claimed_by: Option<String>,
    pub transfer_to: Option<String>,
    /// Past actions that brought the order to its state: (at, actor, action).
    pub history: Vec<(String, String, OrderAction)>,
}

/// An open bulk load; nothing is visible until [`Loader::commit`].
pub struct Loader<'a> {
    tx: Transaction<'a>,
}

impl Store {
    pub fn loader(&mut self) -> Result<Loader<'_>, StoreError> {
        Ok(Loader {
            tx: self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?,
        })
    }
}

impl Loader<'_> {
    pub fn enterprise(&self, e: &NewEnterprise) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO enterprise(id, name, industry, county_code, credit_score, credit_code)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                e.id,
                e.name,
                e.industry.code(),
                e.county_code,
                e.credit_score,
                CreditCode::from_score(e.credit_score).code()
            ])?;
        Ok(())
    }

    pub fn vehicle(&self, v: &NewVehicle) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO vehicle(id, plate, enterprise_id, industry, whitelist_reason)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                v.id,
                v.plate,
                v.enterprise_id,
                v.industry.code(),
                v.whitelist_reason.map(|r| r.code())
            ])?;
        Ok(())
    }

    pub fn driver(&self, d: &NewDriver) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO driver(id, name, phone, enterprise_id) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![d.id, d.name, d.phone, d.enterprise_id])?;
        Ok(())
    }

    pub fn order(&self, o: &NewOrder) -> Result<i64, StoreError> {
        let mut rectifications = 0u32;
        let mut requirement: Option<(String, String)> = None;
        for (_, _, a) in &o.history {
            match a {
                OrderAction::RecordRectification { .. } => rectifications += 1,
                OrderAction::RequireRectification {
                    requirement: r,
                    deadline,
                } => requirement = Some((r.clone(), deadline.to_string())),
                _ => {}
            }
        }
        let updated_at = o
            .history
            .last()
            .map(|(at, _, _)| at.clone())
            .unwrap_or_else(|| o.detected_at.clone());
        self.tx
            .prepare_cached(
                "INSERT INTO work_order(order_no, status, industry, violation_code, violation_name,
                    clue_category, source, plate, vehicle_id, enterprise_id, enterprise_name, driver_id,
                    county_code, place, detected_at, deadline, claimed_by, rectification_requirement,
                    rectification_deadline, rectifications, transfer_to, version, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                    ?18, ?19, ?20, ?21, ?22, ?23)",
            )?
            .execute(params![
                o.order_no,
                o.status.code(),
                o.industry.code(),
                o.violation_code,
                o.violation_name,
                o.clue_category,
                o.source.code(),
                o.plate,
                o.vehicle_id,
                o.enterprise_id,
                o.enterprise_name,
                o.driver_id,
                o.county_code,
                o.place,
                o.detected_at,
                o.deadline,
                o.claimed_by,
                requirement.as_ref().map(|r| &r.0),
                requirement.as_ref().map(|r| &r.1),
                rectifications,
                o.transfer_to,
                1 + o.history.len() as i64,
                updated_at,
            ])?;
        let id = self.tx.last_insert_rowid();
        for (at, actor, action) in &o.history {
            let kind = crate::order::EventKind::of(action).code();
            let payload =
                serde_json::to_string(action).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            self.tx
                .prepare_cached(
                    "INSERT INTO event(order_id, at, actor, kind, payload) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![id, at, actor, kind, payload])?;
        }
        Ok(id)
    }

    pub fn commit(self) -> Result<(), StoreError> {
        self.tx.commit()?;
        Ok(())
    }
}
