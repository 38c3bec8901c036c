//! Bulk loading of reference data and orders in one transaction: the demo generator and (later)
//! the first sync use it. Rows loaded this way come from elsewhere, so they write no outbox.

use casedesk_domain::action::OrderAction;
use casedesk_domain::lifecycle::{apply, Actor, OrderState, Situation};
use casedesk_domain::{CreditCode, Industry, Role, WhitelistEntry, WhitelistKind};
use chrono::NaiveDateTime;
use rusqlite::{params, Transaction};

use crate::order::{write_event, Rules, StateColumns};
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
        self.tx
            .prepare_cached(
                "INSERT INTO work_order(order_no, status, industry, violation_code, violation_name,
                    clue_category, source, plate, vehicle_id, enterprise_id, enterprise_name,
                    driver_id, county_code, place, detected_at, response_minutes, response_days,
                    handling_due, clock_owner, clock_rank, due_at, claimed_by,
                    rectification_requirement, rectification_deadline, rectifications,
                    notice_authority, feedback_due, interception_override, outcome, transfer_to,
                    version, updated_at, driver_name, driver_phone)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                    ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32,
                    coalesce((SELECT name FROM driver WHERE id = ?12), ''),
                    coalesce((SELECT phone FROM driver WHERE id = ?12), ''))",
            )?
            .execute(params![
                o.order_no,
                c.status,
                violation.industry.code(),
                violation.code,
                violation.name,
                violation.clue_category,
                violation.source.code(),
                o.plate,
                o.vehicle_id,
                o.enterprise_id,
                o.enterprise_name,
                o.driver_id,
                c.county_code,
                o.place,
                detected,
                c.response_minutes,
                c.response_days,
                c.handling_due,
                c.clock_owner,
                c.clock_rank,
                c.due_at,
                c.claimed_by,
                c.rectification_requirement,
                c.rectification_deadline,
                c.rectifications,
                c.notice_authority,
                c.feedback_due,
                c.interception_override,
                c.outcome,
                c.transfer_to,
                1 + o.history.len() as i64,
                updated_at,
            ])?;
        let id = self.tx.last_insert_rowid();
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
