//! One work order: its record, its timeline, and the actions that change it.
//!
//! Every action runs in one IMMEDIATE transaction that re-reads the order, asks the domain's
//! [`decide`], updates the order, appends its event (and evidence rows), and writes the outbox
//! mutation. A crash at any point leaves either all of it or none of it.

use std::borrow::Cow;

use casedesk_domain::action::{decide, OrderAction, OrderFacts};
use casedesk_domain::whitelist::WhitelistReason;
use casedesk_domain::{
    ClueSource, CreditCode, EvidenceRef, HandlingMethod, Industry, Role, Status, WorkingCalendar,
};
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::inbox::{county_name, read_row, InboxRow, ROW_COLUMNS, ROW_FROM};
use crate::{Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum EventKind {
    Created,
    Claimed,
    Handled,
    RectificationRequired,
    RectificationRecorded,
    SubmittedForSpotCheck,
    Returned,
    Transferred,
    SpotCheckPassed,
    SpotCheckFailed,
}

impl EventKind {
    pub(crate) fn of(action: &OrderAction) -> EventKind {
        match action {
            OrderAction::Claim => EventKind::Claimed,
            OrderAction::Handle { .. } => EventKind::Handled,
            OrderAction::RequireRectification { .. } => EventKind::RectificationRequired,
            OrderAction::RecordRectification { .. } => EventKind::RectificationRecorded,
            OrderAction::SubmitForSpotCheck => EventKind::SubmittedForSpotCheck,
            OrderAction::Return { .. } => EventKind::Returned,
            OrderAction::Transfer { .. } => EventKind::Transferred,
            OrderAction::SpotCheck { passed: true, .. } => EventKind::SpotCheckPassed,
            OrderAction::SpotCheck { passed: false, .. } => EventKind::SpotCheckFailed,
        }
    }

    pub(crate) fn code(self) -> &'static str {
        match self {
            EventKind::Created => "created",
            EventKind::Claimed => "claimed",
            EventKind::Handled => "handled",
            EventKind::RectificationRequired => "rectification_required",
            EventKind::RectificationRecorded => "rectification_recorded",
            EventKind::SubmittedForSpotCheck => "submitted_for_spot_check",
            EventKind::Returned => "returned",
            EventKind::Transferred => "transferred",
            EventKind::SpotCheckPassed => "spot_check_passed",
            EventKind::SpotCheckFailed => "spot_check_failed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "Evidence")]
pub struct EvidenceRow {
    pub hash: String,
    pub file_name: String,
    #[ts(type = "number")]
    pub size: u64,
    pub mime: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, rename = "TimelineEntry")]
pub struct TimelineEvent {
    #[ts(type = "number")]
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub kind: EventKind,
    pub method: Option<HandlingMethod>,
    pub result: Option<String>,
    pub notes: Option<String>,
    pub reason: Option<String>,
    pub requirement: Option<String>,
    pub deadline: Option<String>,
    pub to_unit: Option<String>,
    pub evidence: Vec<EvidenceRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, rename = "Enterprise")]
pub struct EnterpriseRecord {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub industry: Industry,
    pub credit_code: CreditCode,
    pub credit_score: u32,
    pub county_name: String,
}

/// Everything the cache knows about one order (the timeline is read separately).
#[derive(Debug, Clone, PartialEq)]
pub struct OrderRecord {
    pub row: InboxRow,
    pub source: ClueSource,
    pub driver_name: String,
    pub driver_phone: String,
    pub whitelist_reason: Option<WhitelistReason>,
    pub enterprise: EnterpriseRecord,
    pub rectification_requirement: Option<String>,
    pub rectification_deadline: Option<String>,
    pub rectifications: u32,
    pub transfer_to: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionOutcome {
    pub status: Status,
    pub version: i64,
    pub event_id: i64,
    pub mutation_id: String,
}

/// The order's columns that the rules look at.
struct FactsRow {
    status: String,
    claimed_by: Option<String>,
    plate: String,
    whitelist: Option<String>,
    rectification_required: bool,
    rectifications: u32,
    version: i64,
    order_no: String,
}

/// Reads what the rules need to decide an action on order `id`.
fn read_facts(conn: &rusqlite::Connection, id: i64) -> Result<FactsRow, StoreError> {
    conn.query_row(
        "SELECT wo.status, wo.claimed_by, wo.plate, v.whitelist_reason,
                wo.rectification_requirement IS NOT NULL, wo.rectifications, wo.version,
                wo.order_no
         FROM work_order wo LEFT JOIN vehicle v ON v.id = wo.vehicle_id WHERE wo.id = ?1",
        [id],
        |r| {
            Ok(FactsRow {
                status: r.get(0)?,
                claimed_by: r.get(1)?,
                plate: r.get(2)?,
                whitelist: r.get(3)?,
                rectification_required: r.get(4)?,
                rectifications: r.get(5)?,
                version: r.get(6)?,
                order_no: r.get(7)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| StoreError::OrderNotFound(id.to_string()))
}

impl FactsRow {
    /// The domain's decision on `action` for this order.
    fn decide(
        &self,
        role: Role,
        actor: &str,
        action: &OrderAction,
        today: NaiveDate,
    ) -> Result<Status, StoreError> {
        let facts = OrderFacts {
            status: Status::from_code(&self.status).ok_or_else(|| corrupt("status"))?,
            claimed_by: self.claimed_by.as_deref(),
            plate: &self.plate,
            whitelist_reason: self
                .whitelist
                .as_deref()
                .and_then(WhitelistReason::from_code)
                .map(|r| r.name_zh()),
            rectification_required: self.rectification_required,
            rectifications_recorded: self.rectifications,
        };
        Ok(decide(&facts, role, actor, action, today)?)
    }
}

/// The action with each evidence file once (first occurrence kept, in order). Evidence rows are
/// keyed by event and hash, so the same bytes attached twice would be one row in the cache but
/// two files in the event and the outbox payload.
fn one_of_each_file(action: &OrderAction) -> Cow<'_, OrderAction> {
    let OrderAction::RecordRectification {
        description,
        evidence,
    } = action
    else {
        return Cow::Borrowed(action);
    };
    let mut once: Vec<EvidenceRef> = Vec::with_capacity(evidence.len());
    for e in evidence {
        if !once.iter().any(|f| f.hash == e.hash) {
            once.push(e.clone());
        }
    }
    if once.len() == evidence.len() {
        return Cow::Borrowed(action);
    }
    Cow::Owned(OrderAction::RecordRectification {
        description: description.clone(),
        evidence: once,
    })
}

fn bad(what: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("bad {what}: {value}").into(),
    )
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

impl Store {
    /// Finds an order's id by its number (工单号) or by its numeric id.
    pub fn resolve_order(&self, key: &str) -> Result<i64, StoreError> {
        let by_no: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM work_order WHERE order_no = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = by_no {
            return Ok(id);
        }
        if let Ok(id) = key.parse::<i64>() {
            let exists: Option<i64> = self
                .conn
                .query_row("SELECT id FROM work_order WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()?;
            if let Some(id) = exists {
                return Ok(id);
            }
        }
        Err(StoreError::OrderNotFound(key.to_string()))
    }

    pub fn order(
        &self,
        id: i64,
        today: NaiveDate,
        calendar: &WorkingCalendar,
    ) -> Result<OrderRecord, StoreError> {
        let row = self
            .conn
            .prepare_cached(&format!(
                "SELECT {ROW_COLUMNS} FROM {ROW_FROM} WHERE wo.id = ?1"
            ))?
            .query_row([id], |r| read_row(r, today, calendar))
            .optional()?
            .ok_or_else(|| StoreError::OrderNotFound(id.to_string()))?;
        let sql =
            "SELECT wo.source, coalesce(d.name, ''), coalesce(d.phone, ''), v.whitelist_reason,
                e.id, e.name, e.industry, e.credit_code, e.credit_score, e.county_code,
                wo.rectification_requirement, wo.rectification_deadline, wo.rectifications,
                wo.transfer_to, wo.version
            FROM work_order wo JOIN enterprise e ON e.id = wo.enterprise_id
            LEFT JOIN vehicle v ON v.id = wo.vehicle_id
            LEFT JOIN driver d ON d.id = wo.driver_id
            WHERE wo.id = ?1";
        let record = self.conn.query_row(sql, [id], |r| {
            let source: String = r.get(0)?;
            let wl: Option<String> = r.get(3)?;
            let industry: String = r.get(6)?;
            let credit: String = r.get(7)?;
            let county: String = r.get(9)?;
            Ok(OrderRecord {
                row,
                source: ClueSource::from_code(&source).ok_or_else(|| bad("source", &source))?,
                driver_name: r.get(1)?,
                driver_phone: r.get(2)?,
                whitelist_reason: wl.as_deref().and_then(WhitelistReason::from_code),
                enterprise: EnterpriseRecord {
                    id: r.get(4)?,
                    name: r.get(5)?,
                    industry: Industry::from_code(&industry)
                        .ok_or_else(|| bad("industry", &industry))?,
                    credit_code: CreditCode::from_code(&credit)
                        .ok_or_else(|| bad("credit code", &credit))?,
                    credit_score: r.get(8)?,
                    county_name: county_name(&county),
                },
                rectification_requirement: r.get(10)?,
                rectification_deadline: r.get(11)?,
                rectifications: r.get(12)?,
                transfer_to: r.get(13)?,
                version: r.get(14)?,
            })
        })?;
        Ok(record)
    }

    /// The order's events, oldest first, with their evidence.
    pub fn timeline(&self, id: i64) -> Result<Vec<TimelineEvent>, StoreError> {
        let mut ev_stmt = self.conn.prepare_cached(
            "SELECT hash, file_name, size, mime FROM evidence WHERE event_id = ?1 ORDER BY rowid",
        )?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, at, actor, kind, payload FROM event WHERE order_id = ?1 ORDER BY id",
        )?;
        let raw: Vec<(i64, String, String, String, String)> = stmt
            .query_map([id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(raw.len());
        for (event_id, at, actor, _kind, payload) in raw {
            let action: OrderAction = serde_json::from_str(&payload)
                .map_err(|e| StoreError::Corrupt(format!("event {event_id}: {e}")))?;
            let evidence = ev_stmt
                .query_map([event_id], |r| {
                    Ok(EvidenceRow {
                        hash: r.get(0)?,
                        file_name: r.get(1)?,
                        size: r.get::<_, i64>(2)? as u64,
                        mime: r.get(3)?,
                    })
                })?
                .collect::<Result<_, _>>()?;
            let mut e = TimelineEvent {
                id: event_id,
                at,
                actor,
                kind: EventKind::of(&action),
                method: None,
                result: None,
                notes: None,
                reason: None,
                requirement: None,
                deadline: None,
                to_unit: None,
                evidence,
            };
            match action {
                OrderAction::Claim | OrderAction::SubmitForSpotCheck => {}
                OrderAction::Handle {
                    method,
                    result,
                    notes,
                } => {
                    e.method = Some(method);
                    e.result = Some(result);
                    e.notes = Some(notes).filter(|n| !n.is_empty());
                }
                OrderAction::RequireRectification {
                    requirement,
                    deadline,
                } => {
                    e.requirement = Some(requirement);
                    e.deadline = Some(deadline.to_string());
                }
                OrderAction::RecordRectification { description, .. } => {
                    e.notes = Some(description);
                }
                OrderAction::Return { reason } => e.reason = Some(reason),
                OrderAction::Transfer { to_unit, reason } => {
                    e.to_unit = Some(to_unit);
                    e.reason = Some(reason);
                }
                OrderAction::SpotCheck { notes, .. } => {
                    e.notes = Some(notes).filter(|n| !n.is_empty())
                }
            }
            out.push(e);
        }
        Ok(out)
    }

    /// Decides an action on the order as it is now, without applying it: for work with side
    /// effects (copying evidence files) that should not be done for a refused action.
    pub fn check_action(
        &self,
        id: i64,
        actor: &str,
        role: Role,
        action: &OrderAction,
        today: NaiveDate,
    ) -> Result<Status, StoreError> {
        read_facts(&self.conn, id)?.decide(role, actor, action, today)
    }

    /// Applies one user action with its event and outbox mutation, atomically.
    #[allow(clippy::too_many_arguments)]
    pub fn apply_action(
        &mut self,
        id: i64,
        actor: &str,
        role: Role,
        action: &OrderAction,
        today: NaiveDate,
        now: &str,
        device_id: &str,
    ) -> Result<ActionOutcome, StoreError> {
        let action = &*one_of_each_file(action);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let facts = read_facts(&tx, id)?;
        let to = facts.decide(role, actor, action, today)?;
        let FactsRow {
            version, order_no, ..
        } = facts;

        let changed = match action {
            OrderAction::Claim => tx.execute(
                "UPDATE work_order SET status = ?1, claimed_by = ?2, version = version + 1, updated_at = ?3
                 WHERE id = ?4 AND version = ?5",
                params![to.code(), actor, now, id, version],
            )?,
            OrderAction::RequireRectification { requirement, deadline } => tx.execute(
                "UPDATE work_order SET status = ?1, rectification_requirement = ?2,
                    rectification_deadline = ?3, version = version + 1, updated_at = ?4
                 WHERE id = ?5 AND version = ?6",
                params![to.code(), requirement, deadline.to_string(), now, id, version],
            )?,
            OrderAction::RecordRectification { .. } => tx.execute(
                "UPDATE work_order SET status = ?1, rectifications = rectifications + 1,
                    version = version + 1, updated_at = ?2
                 WHERE id = ?3 AND version = ?4",
                params![to.code(), now, id, version],
            )?,
            OrderAction::Transfer { to_unit, .. } => tx.execute(
                "UPDATE work_order SET status = ?1, transfer_to = ?2, version = version + 1, updated_at = ?3
                 WHERE id = ?4 AND version = ?5",
                params![to.code(), to_unit, now, id, version],
            )?,
            _ => tx.execute(
                "UPDATE work_order SET status = ?1, version = version + 1, updated_at = ?2
                 WHERE id = ?3 AND version = ?4",
                params![to.code(), now, id, version],
            )?,
        };
        if changed != 1 {
            return Err(corrupt("order changed during the action"));
        }
        let payload =
            serde_json::to_string(action).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        tx.execute(
            "INSERT INTO event(order_id, at, actor, kind, payload) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, now, actor, EventKind::of(action).code(), payload],
        )?;
        let event_id = tx.last_insert_rowid();
        if let OrderAction::RecordRectification { evidence, .. } = action {
            for f in evidence {
                tx.execute(
                    "INSERT INTO evidence(event_id, hash, file_name, size, mime)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![event_id, f.hash, f.file_name, f.size as i64, f.mime],
                )?;
            }
        }
        let mutation_id = uuid::Uuid::now_v7().to_string();
        tx.execute(
            "INSERT INTO outbox(mutation_id, device_id, order_id, order_no, action, payload, base_version, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![mutation_id, device_id, id, order_no, action.kind().code(), payload, version, now],
        )?;
        tx.commit()?;
        Ok(ActionOutcome {
            status: to,
            version: version + 1,
            event_id,
            mutation_id,
        })
    }
}
