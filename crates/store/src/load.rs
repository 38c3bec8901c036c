//! Bulk loading of the demo generator's rows in one transaction. Rows loaded this way come from
//! elsewhere, so they write no outbox.

use casedesk_domain::{CreditCode, WhitelistEntry};
use chrono::NaiveDateTime;
use rusqlite::{params, Transaction};

use casedesk_demo::ReplayError;
pub use casedesk_demo::{NewDriver, NewEnterprise, NewOrder, NewVehicle};

use crate::order::{insert_order, write_event, NewOrderRow, Rules, StateColumns};
use crate::{Store, StoreError};

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
                "INSERT INTO vehicle(id, plate, enterprise_id, industry, owner_name, dishonest)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                v.id,
                v.plate,
                v.enterprise_id,
                v.industry.map(|i| i.code()),
                v.owner_name,
                v.dishonest
            ])?;
        Ok(())
    }

    pub fn whitelist(&self, e: &WhitelistEntry, created_at: &str) -> Result<i64, StoreError> {
        crate::whitelist::insert_entry(&self.tx, e, created_at, None)
    }

    pub fn driver(&self, d: &NewDriver) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO driver(id, name, phone, enterprise_id) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![d.id, d.name, d.phone, d.enterprise_id])?;
        Ok(())
    }

    /// Inserts an order after replaying its history; a step the rules refuse refuses the order.
    pub fn order(&self, o: &NewOrder, rules: &Rules<'_>) -> Result<i64, StoreError> {
        let (violation, replayed) =
            o.replay(rules.catalog, rules.calendar)
                .map_err(|e| match e {
                    ReplayError::UnknownViolation(code) => {
                        StoreError::Corrupt(format!("unknown violation {code}"))
                    }
                    ReplayError::Refused { source, .. } => source.into(),
                })?;
        let text = |t: NaiveDateTime| t.format("%Y-%m-%d %H:%M").to_string();
        let detected = text(o.detected_at);
        let updated_at = o
            .history
            .last()
            .map(|s| text(s.at))
            .unwrap_or_else(|| detected.clone());
        let c = StateColumns::of(&replayed.state);
        let id = insert_order(
            &self.tx,
            &NewOrderRow {
                order_no: &o.order_no,
                violation,
                plate: &o.plate,
                vehicle_id: o.vehicle_id,
                enterprise_id: o.enterprise_id,
                enterprise_name: &o.enterprise_name,
                driver_id: o.driver_id,
                driver: None,
                place: &o.place,
                detected_at: &detected,
                version: replayed.version(),
                updated_at: &updated_at,
            },
            &c,
        )?;
        for (step, applied) in o.history.iter().zip(&replayed.steps) {
            write_event(&self.tx, id, &o.plate, &text(step.at), &step.actor, applied)?;
        }
        Ok(id)
    }

    pub fn commit(self) -> Result<(), StoreError> {
        self.tx.commit()?;
        Ok(())
    }
}
