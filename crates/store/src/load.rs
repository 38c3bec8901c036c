//! Bulk loading of reference data and orders in one transaction: the demo generator and (later)
//! the first sync use it. Rows loaded this way come from elsewhere, so they write no outbox.

use casedesk_domain::action::OrderAction;
use casedesk_domain::lifecycle::{apply, Actor, OrderState, Situation};
use casedesk_domain::{CreditCode, Industry, Role, WhitelistEntry, WhitelistKind};
use chrono::NaiveDateTime;
use rusqlite::{params, Transaction};

use crate::order::{insert_order, write_event, NewOrderRow, Rules, StateColumns};
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

/// One past action of an order's history, by whom and when.
pub struct HistoryStep {
    pub at: NaiveDateTime,
    pub role: Role,
    pub actor: String,
    /// The actor's desk county (a supervisor's jurisdiction is its city).
    pub county_code: String,
    pub action: OrderAction,
    /// The vehicle's whitelist entry in force at that moment.
    pub whitelist: Option<WhitelistKind>,
}

/// An order as detected, and the actions that brought it to its state: the loader replays
/// them through the domain's `apply`, so a loaded order is exactly what the desk would have
/// made of them.
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
        let violation = rules.catalog.get(&o.violation_code).ok_or_else(|| {
            StoreError::Corrupt(format!("unknown violation {}", o.violation_code))
        })?;
        let mut state = OrderState::open(violation, o.detected_at, &o.county_code, rules.calendar);
        let mut applied_steps = Vec::with_capacity(o.history.len());
        for step in &o.history {
            let actor = Actor {
                role: step.role,
                name: &step.actor,
                county_code: &step.county_code,
            };
            let sit = Situation {
                now: step.at,
                calendar: rules.calendar,
                clocks: rules.catalog.clocks(),
                plate: &o.plate,
                whitelist: step.whitelist,
            };
            let applied = apply(&state, &actor, &step.action, &sit)?;
            state = applied.state.clone();
            applied_steps.push((step, applied));
        }
        let text = |t: NaiveDateTime| t.format("%Y-%m-%d %H:%M").to_string();
        let detected = text(o.detected_at);
        let updated_at = o
            .history
            .last()
            .map(|s| text(s.at))
            .unwrap_or_else(|| detected.clone());
        let c = StateColumns::of(&state);
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
                version: 1 + o.history.len() as i64,
                updated_at: &updated_at,
            },
            &c,
        )?;
        for (step, applied) in &applied_steps {
            write_event(&self.tx, id, &o.plate, &text(step.at), &step.actor, applied)?;
        }
        Ok(id)
    }

    pub fn commit(self) -> Result<(), StoreError> {
        self.tx.commit()?;
        Ok(())
    }
}
