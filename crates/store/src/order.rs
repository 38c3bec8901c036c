//! One work order: its record, its timeline, and the actions that change it.
//!
//! Every action runs in one IMMEDIATE transaction that re-reads the order's state, asks the
//! domain's [`apply`] for the new state and its events, writes the state's columns, appends the
//! event (and evidence rows, and the interception with its outcome), proposes the vehicle for
//! the whitelist when the rule says so, and writes the outbox mutation. A crash at any point
//! leaves either all of it or none of it.

use casedesk_domain::action::OrderAction;
use casedesk_domain::lifecycle::{apply, Actor, OrderEvent, OrderState, Outcome, Situation};
use casedesk_domain::whitelist::{self, VehicleRecord};
use casedesk_domain::withdrawal::{withdraw_claim, LatestClaim};
use casedesk_domain::{
    Catalog, Clock, ClockOwner, ClueSource, CreditCode, Due, HandlingMethod, Industry,
    InterceptionOutcome, ResponseTime, ReturnReason, Status, Violation, WhitelistKind,
    WorkingCalendar,
};
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::inbox::{county_name, read_row, InboxRow, ROW_COLUMNS, ROW_FROM};
use crate::refusal::DismissedRefusal;
use crate::{Store, StoreError};

/// The rule data actions are decided with: the working calendar and the catalog (its clocks,
/// and each violation's response time).
#[derive(Clone, Copy)]
pub struct Rules<'a> {
    pub calendar: &'a WorkingCalendar,
    pub catalog: &'a Catalog,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum EventKind {
    Created,
    Claimed,
    Handled,
    Intercepted,
    AuthorityNotified,
    FeedbackRecorded,
    ClosedGroundless,
    RectificationRequired,
    RectificationRecorded,
    SubmittedForSpotCheck,
    Returned,
    Transferred,
    SpotCheckPassed,
    SpotCheckFailed,
    Reassigned,
    WhitelistOverridden,
    /// 撤销认领: a claim taken back before it left the desk (not an action: never sent).
    ClaimWithdrawn,
    /// 放弃: an action the hub refused, dismissed by the officer (not an action: never sent).
    RefusalDismissed,
}

impl EventKind {
    pub(crate) fn of(action: &OrderAction) -> EventKind {
        match action {
            OrderAction::Claim => EventKind::Claimed,
            OrderAction::Handle { .. } => EventKind::Handled,
            OrderAction::Intercept { .. } => EventKind::Intercepted,
            OrderAction::NotifyAuthority { .. } => EventKind::AuthorityNotified,
            OrderAction::RecordFeedback { .. } => EventKind::FeedbackRecorded,
            OrderAction::CloseGroundless { .. } => EventKind::ClosedGroundless,
            OrderAction::RequireRectification { .. } => EventKind::RectificationRequired,
            OrderAction::RecordRectification { .. } => EventKind::RectificationRecorded,
            OrderAction::SubmitForSpotCheck => EventKind::SubmittedForSpotCheck,
            OrderAction::Return { .. } => EventKind::Returned,
            OrderAction::Transfer { .. } => EventKind::Transferred,
            OrderAction::SpotCheck { passed: true, .. } => EventKind::SpotCheckPassed,
            OrderAction::SpotCheck { passed: false, .. } => EventKind::SpotCheckFailed,
            OrderAction::Reassign { .. } => EventKind::Reassigned,
            OrderAction::OverrideWhitelist { .. } => EventKind::WhitelistOverridden,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            EventKind::Created => "created",
            EventKind::Claimed => "claimed",
            EventKind::Handled => "handled",
            EventKind::Intercepted => "intercepted",
            EventKind::AuthorityNotified => "authority_notified",
            EventKind::FeedbackRecorded => "feedback_recorded",
            EventKind::ClosedGroundless => "closed_groundless",
            EventKind::RectificationRequired => "rectification_required",
            EventKind::RectificationRecorded => "rectification_recorded",
            EventKind::SubmittedForSpotCheck => "submitted_for_spot_check",
            EventKind::Returned => "returned",
            EventKind::Transferred => "transferred",
            EventKind::SpotCheckPassed => "spot_check_passed",
            EventKind::SpotCheckFailed => "spot_check_failed",
            EventKind::Reassigned => "reassigned",
            EventKind::WhitelistOverridden => "whitelist_overridden",
            EventKind::ClaimWithdrawn => "claim_withdrawn",
            EventKind::RefusalDismissed => "refusal_dismissed",
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

/// One entry of an order's timeline: who did what when, with the action's own fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, rename = "TimelineEntry")]
pub struct TimelineEvent {
    #[ts(type = "number")]
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub kind: EventKind,
    pub method: Option<HandlingMethod>,
    pub interception: Option<InterceptionOutcome>,
    pub result: Option<String>,
    /// Free text: handling notes, rectification, feedback, finding, spot-check notes.
    pub notes: Option<String>,
    pub reason_code: Option<ReturnReason>,
    pub reason: Option<String>,
    pub requirement: Option<String>,
    /// A rectification or feedback deadline set by the action.
    pub deadline: Option<String>,
    /// Transfer: the unit; notice: the authority; reassignment: the county.
    pub to_unit: Option<String>,
    pub evidence: Vec<EvidenceRow>,
    /// A dismissed refusal: the action and the hub's reason.
    pub refusal: Option<DismissedRefusal>,
}

impl TimelineEvent {
    /// An entry with no field of its own besides who did it when.
    fn bare(id: i64, at: String, actor: String, kind: EventKind) -> TimelineEvent {
        TimelineEvent {
            id,
            at,
            actor,
            kind,
            method: None,
            interception: None,
            result: None,
            notes: None,
            reason_code: None,
            reason: None,
            requirement: None,
            deadline: None,
            to_unit: None,
            evidence: Vec::new(),
            refusal: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, rename = "Enterprise")]
pub struct EnterpriseRecord {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub industry: Industry,
    /// None for an enterprise the platform does not grade (reported with an alarm, no score).
    pub credit_code: Option<CreditCode>,
    pub credit_score: Option<u32>,
    /// 统一社会信用代码, when known.
    pub credit_id: Option<String>,
    pub county_name: String,
}

/// Everything the cache knows about one order (the timeline is read separately).
#[derive(Debug, Clone, PartialEq)]
pub struct OrderRecord {
    pub row: InboxRow,
    pub source: ClueSource,
    pub driver_name: String,
    pub driver_phone: String,
    /// The vehicle's whitelist entry in force today, if any.
    pub whitelist: Option<WhitelistKind>,
    /// None when the vehicle has no licensed enterprise.
    pub enterprise: Option<EnterpriseRecord>,
    /// The owner of an unlicensed vehicle, when known.
    pub vehicle_owner: Option<String>,
    pub state: OrderState,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionOutcome {
    pub status: Status,
    pub version: i64,
    pub event_id: i64,
    pub mutation_id: String,
    /// The vehicle was proposed for the whitelist by this action.
    pub whitelist_proposed: bool,
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

pub(crate) const STATE_COLUMNS: &str = "wo.status, wo.county_code, wo.claimed_by, \
    wo.response_minutes, wo.response_days, wo.handling_due, wo.clock_owner, wo.clock_rank, \
    wo.due_at, wo.rectification_requirement, wo.rectification_deadline, wo.rectifications, \
    wo.notice_authority, wo.feedback_due, wo.interception_override, wo.outcome, wo.transfer_to";

fn parse_day(text: Option<String>) -> rusqlite::Result<Option<NaiveDate>> {
    text.map(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|_| bad("date", &t)))
        .transpose()
}

/// Reads [`STATE_COLUMNS`] starting at column `at`.
pub(crate) fn read_state(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<OrderState> {
    let status: String = r.get(at)?;
    let minutes: Option<u32> = r.get(at + 3)?;
    let days: Option<u32> = r.get(at + 4)?;
    let response = match (minutes, days) {
        (Some(m), _) => ResponseTime::Minutes(m),
        (None, Some(d)) => ResponseTime::WorkingDays(d),
        (None, None) => return Err(bad("response time", "none")),
    };
    let handling: String = r.get(at + 5)?;
    let handling_due = Due::parse(&handling, response_in_minutes(response))
        .ok_or_else(|| bad("handling due", &handling))?;
    let owner: Option<String> = r.get(at + 6)?;
    let rank: i64 = r.get(at + 7)?;
    let due: Option<String> = r.get(at + 8)?;
    let clock = match (owner, due) {
        (Some(o), Some(d)) => Some(Clock {
            owner: ClockOwner::from_code(&o).ok_or_else(|| bad("clock owner", &o))?,
            due: Due::parse(&d, rank == 0).ok_or_else(|| bad("due", &d))?,
        }),
        _ => None,
    };
    let outcome: Option<String> = r.get(at + 15)?;
    Ok(OrderState {
        status: Status::from_code(&status).ok_or_else(|| bad("status", &status))?,
        county_code: r.get(at + 1)?,
        claimed_by: r.get(at + 2)?,
        response,
        handling_due,
        clock,
        rectification_requirement: r.get(at + 9)?,
        rectification_due: parse_day(r.get(at + 10)?)?,
        rectifications: r.get(at + 11)?,
        notice_authority: r.get(at + 12)?,
        feedback_due: parse_day(r.get(at + 13)?)?,
        interception_override: r.get(at + 14)?,
        outcome: outcome
            .map(|o| Outcome::from_code(&o).ok_or_else(|| bad("outcome", &o)))
            .transpose()?,
        transfer_to: r.get(at + 16)?,
    })
}

fn response_in_minutes(r: ResponseTime) -> bool {
    matches!(r, ResponseTime::Minutes(_))
}

/// The columns a state is written to, in the order of [`write_state`]'s parameters.
pub(crate) struct StateColumns {
    pub status: &'static str,
    pub county_code: String,
    pub claimed_by: Option<String>,
    pub response_minutes: Option<u32>,
    pub response_days: Option<u32>,
    pub handling_due: String,
    pub clock_owner: Option<&'static str>,
    pub clock_rank: i64,
    pub due_at: Option<String>,
    pub rectification_requirement: Option<String>,
    pub rectification_deadline: Option<String>,
    pub rectifications: u32,
    pub notice_authority: Option<String>,
    pub feedback_due: Option<String>,
    pub interception_override: Option<String>,
    pub outcome: Option<&'static str>,
    pub transfer_to: Option<String>,
}

impl StateColumns {
    pub(crate) fn of(s: &OrderState) -> StateColumns {
        let (response_minutes, response_days) = match s.response {
            ResponseTime::Minutes(m) => (Some(m), None),
            ResponseTime::WorkingDays(d) => (None, Some(d)),
        };
        StateColumns {
            status: s.status.code(),
            county_code: s.county_code.clone(),
            claimed_by: s.claimed_by.clone(),
            response_minutes,
            response_days,
            handling_due: s.handling_due.text(),
            clock_owner: s.clock.map(|c| c.owner.code()),
            clock_rank: match s.clock {
                Some(c) if c.due.counts_minutes() => 0,
                Some(_) => 1,
                None => 2,
            },
            due_at: s.clock.map(|c| c.due.text()),
            rectification_requirement: s.rectification_requirement.clone(),
            rectification_deadline: s.rectification_due.map(|d| d.to_string()),
            rectifications: s.rectifications,
            notice_authority: s.notice_authority.clone(),
            feedback_due: s.feedback_due.map(|d| d.to_string()),
            interception_override: s.interception_override.clone(),
            outcome: s.outcome.map(|o| o.code()),
            transfer_to: s.transfer_to.clone(),
        }
    }
}

/// A new order's row besides its state: what the bulk loader and a pull both insert.
pub(crate) struct NewOrderRow<'a> {
    pub order_no: &'a str,
    pub violation: &'a Violation,
    pub plate: &'a str,
    pub vehicle_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    /// Empty when there is no licensed enterprise.
    pub enterprise_name: &'a str,
    pub driver_id: Option<i64>,
    /// The driver's name and phone copied onto the order (the search index reads them there);
    /// None takes them from the `driver` row.
    pub driver: Option<(&'a str, &'a str)>,
    pub place: &'a str,
    /// `YYYY-MM-DD HH:MM`.
    pub detected_at: &'a str,
    pub version: i64,
    pub updated_at: &'a str,
}

/// Inserts a new order with its state columns; returns its id.
/// One lookup per file the window opens: by the `evidence_hash` index (schema 11).
const EVIDENCE_MIME: &str = "SELECT mime FROM evidence WHERE hash = ?1 LIMIT 1";

pub(crate) fn insert_order(
    conn: &Connection,
    o: &NewOrderRow<'_>,
    c: &StateColumns,
) -> Result<i64, StoreError> {
    let v = o.violation;
    conn.prepare_cached(
        "INSERT INTO work_order(order_no, status, industry, violation_code, violation_name,
            clue_category, source, plate, vehicle_id, enterprise_id, enterprise_name,
            driver_id, county_code, place, detected_at, response_minutes, response_days,
            handling_due, clock_owner, clock_rank, due_at, claimed_by,
            rectification_requirement, rectification_deadline, rectifications,
            notice_authority, feedback_due, interception_override, outcome, transfer_to,
            version, updated_at, driver_name, driver_phone)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
            ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32,
            coalesce(?33, (SELECT name FROM driver WHERE id = ?12), ''),
            coalesce(?34, (SELECT phone FROM driver WHERE id = ?12), ''))",
    )?
    .execute(params![
        o.order_no,
        c.status,
        v.industry.code(),
        v.code,
        v.name,
        v.clue_category,
        v.source.code(),
        o.plate,
        o.vehicle_id,
        o.enterprise_id,
        o.enterprise_name,
        o.driver_id,
        c.county_code,
        o.place,
        o.detected_at,
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
        o.version,
        o.updated_at,
        o.driver.map(|d| d.0),
        o.driver.map(|d| d.1),
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Which order a state is written to.
pub(crate) enum OrderKey<'a> {
    Id(i64),
    OrderNo(&'a str),
}

/// Writes an order's state columns: after a local action (`version` None: one more) or as the
/// hub sent it (its version). Returns how many rows changed (0: no such order).
pub(crate) fn write_state(
    conn: &Connection,
    key: OrderKey<'_>,
    c: &StateColumns,
    version: Option<i64>,
    updated_at: &str,
) -> Result<usize, StoreError> {
    let (column, key_value): (&str, rusqlite::types::Value) = match key {
        OrderKey::Id(id) => ("id", id.into()),
        OrderKey::OrderNo(no) => ("order_no", no.to_string().into()),
    };
    Ok(conn
        .prepare_cached(&format!(
            "UPDATE work_order SET status = ?1, county_code = ?2, claimed_by = ?3,
                response_minutes = ?4, response_days = ?5, handling_due = ?6, clock_owner = ?7,
                clock_rank = ?8, due_at = ?9, rectification_requirement = ?10,
                rectification_deadline = ?11, rectifications = ?12, notice_authority = ?13,
                feedback_due = ?14, interception_override = ?15, outcome = ?16, transfer_to = ?17,
                version = coalesce(?18, version + 1), updated_at = ?19
             WHERE {column} = ?20"
        ))?
        .execute(params![
            c.status,
            c.county_code,
            c.claimed_by,
            c.response_minutes,
            c.response_days,
            c.handling_due,
            c.clock_owner,
            c.clock_rank,
            c.due_at,
            c.rectification_requirement,
            c.rectification_deadline,
            c.rectifications,
            c.notice_authority,
            c.feedback_due,
            c.interception_override,
            c.outcome,
            c.transfer_to,
            version,
            updated_at,
            key_value
        ])?)
}

/// What the rules need about order `id`: its state, and the vehicle.
struct Facts {
    state: OrderState,
    plate: String,
    order_no: String,
    version: i64,
    vehicle_id: Option<i64>,
}

fn read_facts(conn: &Connection, id: i64) -> Result<Facts, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {STATE_COLUMNS}, wo.plate, wo.order_no, wo.version, wo.vehicle_id
         FROM work_order wo WHERE wo.id = ?1"
    ))?
    .query_row([id], |r| {
        Ok(Facts {
            state: read_state(r, 0)?,
            plate: r.get(17)?,
            order_no: r.get(18)?,
            version: r.get(19)?,
            vehicle_id: r.get(20)?,
        })
    })
    .optional()?
    .ok_or_else(|| StoreError::OrderNotFound(id.to_string()))
}

/// The kind of the vehicle's whitelist entry in force on `day`, if any.
pub(crate) fn whitelist_in_force(
    conn: &Connection,
    plate: &str,
    day: NaiveDate,
) -> Result<Option<WhitelistKind>, StoreError> {
    let day = day.to_string();
    let kind: Option<String> = conn
        .prepare_cached(
            "SELECT kind FROM whitelist WHERE plate = ?1 AND status = 'approved'
               AND valid_from <= ?2 AND (valid_until IS NULL OR valid_until >= ?2)
             ORDER BY id DESC LIMIT 1",
        )?
        .query_row(params![plate, day], |r| r.get(0))
        .optional()?;
    kind.map(|k| WhitelistKind::from_code(&k).ok_or_else(|| corrupt("whitelist kind")))
        .transpose()
}

impl Facts {
    fn situation<'a>(
        &'a self,
        conn: &Connection,
        now: NaiveDateTime,
        rules: &Rules<'a>,
    ) -> Result<Situation<'a>, StoreError> {
        Ok(Situation {
            now,
            calendar: rules.calendar,
            clocks: rules.catalog.clocks(),
            plate: &self.plate,
            whitelist: whitelist_in_force(conn, &self.plate, now.date())?,
        })
    }
}

/// The vehicle's record as the whitelist rule reads it.
fn vehicle_record(
    conn: &Connection,
    vehicle_id: i64,
    plate: &str,
) -> Result<VehicleRecord, StoreError> {
    let (industry, dishonest): (Option<String>, bool) = conn
        .prepare_cached(
            "SELECT CASE WHEN v.enterprise_id IS NULL THEN NULL ELSE v.industry END,
                    v.dishonest
             FROM vehicle v WHERE v.id = ?1",
        )?
        .query_row([vehicle_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let (clean, found): (u32, u32) = conn
        .prepare_cached(
            "SELECT coalesce(sum(outcome = 'nothing_found'), 0), coalesce(sum(outcome = 'violation_found'), 0)
             FROM interception WHERE plate = ?1",
        )?
        .query_row([plate], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let confirmed: u32 = conn
        .prepare_cached(
            "SELECT count(*) FROM work_order WHERE vehicle_id = ?1 AND outcome = 'confirmed'",
        )?
        .query_row([vehicle_id], |r| r.get(0))?;
    let has_open_entry: bool = conn
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM whitelist WHERE plate = ?1 AND status IN ('proposed', 'approved'))",
        )?
        .query_row([plate], |r| r.get(0))?;
    Ok(VehicleRecord {
        industry: industry.as_deref().and_then(Industry::from_code),
        clean_interceptions: clean,
        violations: found + confirmed,
        dishonest,
        has_open_entry,
    })
}

/// Appends an applied action's event, with its evidence rows and its interception (outcome);
/// returns the event's id. Live actions and the bulk loader's replayed histories both write
/// their events here.
pub(crate) fn write_event(
    conn: &Connection,
    order_id: i64,
    plate: &str,
    at: &str,
    actor: &str,
    applied: &casedesk_domain::Applied,
) -> Result<i64, StoreError> {
    let payload =
        serde_json::to_string(&applied.action).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    conn.prepare_cached(
        "INSERT INTO event(order_id, at, actor, kind, payload) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        order_id,
        at,
        actor,
        EventKind::of(&applied.action).code(),
        payload
    ])?;
    let event_id = conn.last_insert_rowid();
    if let OrderAction::RecordRectification { evidence, .. } = &applied.action {
        for f in evidence {
            conn.prepare_cached(
                "INSERT INTO evidence(event_id, hash, file_name, size, mime) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![event_id, f.hash, f.file_name, f.size as i64, f.mime])?;
        }
    }
    for e in &applied.events {
        if let OrderEvent::Intercepted {
            outcome,
            overridden,
        } = e
        {
            conn.prepare_cached(
                "INSERT INTO interception(order_id, event_id, plate, at, actor, outcome, overridden)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                order_id,
                event_id,
                plate,
                at,
                actor,
                outcome.code(),
                overridden
            ])?;
        }
    }
    Ok(event_id)
}

/// Writes what an applied action produced: the state, the event with its evidence and
/// interception, and a whitelist proposal when the rule makes one. Returns the event's id and
/// whether a proposal was made.
pub(crate) fn record_applied(
    conn: &Connection,
    id: i64,
    facts_plate: &str,
    vehicle_id: Option<i64>,
    applied: &casedesk_domain::Applied,
    actor: &str,
    now: NaiveDateTime,
) -> Result<(i64, bool), StoreError> {
    let at = now.format("%Y-%m-%d %H:%M").to_string();
    let changed = write_state(
        conn,
        OrderKey::Id(id),
        &StateColumns::of(&applied.state),
        None,
        &at,
    )?;
    if changed != 1 {
        return Err(corrupt("order vanished during the action"));
    }
    let event_id = write_event(conn, id, facts_plate, &at, actor, applied)?;
    let mut proposed = false;
    let clean = applied.events.iter().any(|e| {
        matches!(
            e,
            OrderEvent::Intercepted {
                outcome: InterceptionOutcome::NothingFound,
                ..
            }
        )
    });
    if let (true, Some(vid)) = (clean, vehicle_id) {
        let record = vehicle_record(conn, vid, facts_plate)?;
        if let Some(p) = whitelist::proposal(facts_plate, &record, now.date()) {
            crate::whitelist::insert_entry(conn, &p, &at, None)?;
            proposed = true;
        }
    }
    Ok((event_id, proposed))
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
        now: NaiveDateTime,
        calendar: &WorkingCalendar,
    ) -> Result<OrderRecord, StoreError> {
        let row = self
            .conn
            .prepare_cached(&format!(
                "SELECT {ROW_COLUMNS} FROM {ROW_FROM} WHERE wo.id = ?1"
            ))?
            .query_row([id], |r| read_row(r, now, calendar))
            .optional()?
            .ok_or_else(|| StoreError::OrderNotFound(id.to_string()))?;
        let sql = format!(
            "SELECT wo.source, wo.driver_name, wo.driver_phone, v.owner_name,
                e.id, e.name, e.industry, e.credit_code, e.credit_score, e.county_code,
                wo.version, e.credit_id, {STATE_COLUMNS}
            FROM work_order wo LEFT JOIN enterprise e ON e.id = wo.enterprise_id
            LEFT JOIN vehicle v ON v.id = wo.vehicle_id
            WHERE wo.id = ?1"
        );
        let (mut record, plate) = self.conn.query_row(&sql, [id], |r| {
            let source: String = r.get(0)?;
            let enterprise_id: Option<i64> = r.get(4)?;
            let enterprise = match enterprise_id {
                None => None,
                Some(eid) => {
                    let industry: String = r.get(6)?;
                    let credit: Option<String> = r.get(7)?;
                    let county: String = r.get(9)?;
                    Some(EnterpriseRecord {
                        id: eid,
                        name: r.get(5)?,
                        industry: Industry::from_code(&industry)
                            .ok_or_else(|| bad("industry", &industry))?,
                        credit_code: credit
                            .map(|c| {
                                CreditCode::from_code(&c).ok_or_else(|| bad("credit code", &c))
                            })
                            .transpose()?,
                        credit_score: r.get(8)?,
                        credit_id: r.get(11)?,
                        county_name: county_name(&county),
                    })
                }
            };
            Ok((
                OrderRecord {
                    row: row.clone(),
                    source: ClueSource::from_code(&source).ok_or_else(|| bad("source", &source))?,
                    driver_name: r.get(1)?,
                    driver_phone: r.get(2)?,
                    whitelist: None,
                    enterprise,
                    vehicle_owner: r.get(3)?,
                    version: r.get(10)?,
                    state: read_state(r, 12)?,
                },
                row.plate.clone(),
            ))
        })?;
        record.whitelist = whitelist_in_force(&self.conn, &plate, now.date())?;
        record.row.whitelisted = record.whitelist.is_some();
        Ok(record)
    }

    /// The MIME type the cache records for stored bytes, if any record names this hash: the
    /// window serves only bytes an order of this cache refers to.
    pub fn evidence_mime(&self, hash: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(EVIDENCE_MIME, [hash], |r| r.get(0))
            .optional()?)
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
        for (event_id, at, actor, kind, payload) in raw {
            if kind == EventKind::RefusalDismissed.code() {
                let note: DismissedRefusal = serde_json::from_str(&payload)
                    .map_err(|e| StoreError::Corrupt(format!("event {event_id}: {e}")))?;
                out.push(TimelineEvent {
                    refusal: Some(note),
                    ..TimelineEvent::bare(event_id, at, actor, EventKind::RefusalDismissed)
                });
                continue;
            }
            if kind == EventKind::ClaimWithdrawn.code() {
                out.push(TimelineEvent::bare(
                    event_id,
                    at,
                    actor,
                    EventKind::ClaimWithdrawn,
                ));
                continue;
            }
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
                evidence,
                ..TimelineEvent::bare(event_id, at, actor, EventKind::of(&action))
            };
            let text = |t: String| Some(t).filter(|t| !t.is_empty());
            match action {
                OrderAction::Claim | OrderAction::SubmitForSpotCheck => {}
                OrderAction::Handle {
                    method,
                    result,
                    notes,
                } => {
                    e.method = Some(method);
                    e.result = Some(result);
                    e.notes = text(notes);
                }
                OrderAction::Intercept { outcome, notes } => {
                    e.interception = Some(outcome);
                    e.notes = text(notes);
                }
                OrderAction::NotifyAuthority {
                    authority,
                    content,
                    feedback_due,
                } => {
                    e.to_unit = Some(authority);
                    e.notes = text(content);
                    e.deadline = feedback_due.map(|d| d.to_string());
                }
                OrderAction::RecordFeedback { feedback } => e.notes = text(feedback),
                OrderAction::CloseGroundless { finding } => e.notes = text(finding),
                OrderAction::RequireRectification {
                    requirement,
                    deadline,
                } => {
                    e.requirement = Some(requirement);
                    e.deadline = Some(deadline.to_string());
                }
                OrderAction::RecordRectification { description, .. } => e.notes = text(description),
                OrderAction::Return {
                    reason_code,
                    reason,
                } => {
                    e.reason_code = Some(reason_code);
                    e.reason = text(reason);
                }
                OrderAction::Transfer { to_unit, reason } => {
                    e.to_unit = Some(to_unit);
                    e.reason = Some(reason);
                }
                OrderAction::SpotCheck { notes, .. } => e.notes = text(notes),
                OrderAction::Reassign {
                    county_code,
                    reason,
                } => {
                    e.to_unit = Some(county_name(&county_code));
                    e.reason = Some(reason);
                }
                OrderAction::OverrideWhitelist { reason } => e.reason = Some(reason),
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
        actor: &Actor<'_>,
        action: &OrderAction,
        now: NaiveDateTime,
        rules: &Rules<'_>,
    ) -> Result<Status, StoreError> {
        let facts = read_facts(&self.conn, id)?;
        let sit = facts.situation(&self.conn, now, rules)?;
        Ok(apply(&facts.state, actor, action, &sit)?.state.status)
    }

    /// Applies one user action with its event and outbox mutation, atomically.
    pub fn apply_action(
        &mut self,
        id: i64,
        actor: &Actor<'_>,
        action: &OrderAction,
        now: NaiveDateTime,
        rules: &Rules<'_>,
        device_id: &str,
    ) -> Result<ActionOutcome, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let outcome = apply_in(&tx, id, actor, action, now, rules, device_id)?;
        tx.commit()?;
        Ok(outcome)
    }

    /// 撤销认领: takes back `actor`'s claim of order `id` while it waits unsent in the outbox and
    /// nothing else happened to the order since ([`withdraw_claim`] decides). In one transaction
    /// the order gets its state and version from before the claim, the claim's outbox row is
    /// removed (the hub never hears of it) and the withdrawal is recorded beside the claim.
    pub fn withdraw_claim(
        &mut self,
        id: i64,
        actor: &Actor<'_>,
        now: NaiveDateTime,
        rules: &Rules<'_>,
    ) -> Result<Status, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let facts = read_facts(&tx, id)?;
        let sit = facts.situation(&tx, now, rules)?;
        let claim: Option<(i64, String)> = tx
            .prepare_cached(
                "SELECT id, actor FROM event WHERE order_id = ?1 AND kind = 'claimed'
                 ORDER BY id DESC LIMIT 1",
            )?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let last_event: Option<(i64, String)> = tx
            .prepare_cached(
                "SELECT id, kind FROM event WHERE order_id = ?1 ORDER BY id DESC LIMIT 1",
            )?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        // A claim already withdrawn leaves nothing to undo.
        let claim = claim.filter(|_| {
            last_event.as_ref().map(|(_, kind)| kind.as_str())
                != Some(EventKind::ClaimWithdrawn.code())
        });
        // The claim's mutation: the order's newest one, if it is a claim still waiting.
        let waiting: Option<(String, i64)> = tx
            .prepare_cached(
                "SELECT mutation_id, base_version FROM outbox
                 WHERE seq = (SELECT max(seq) FROM outbox WHERE order_id = ?1)
                   AND action = 'claim' AND refused_at IS NULL",
            )?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let latest = claim.as_ref().map(|(event_id, claimant)| LatestClaim {
            claimant,
            // The claim is the last thing recorded, and no version came from the hub after it.
            is_latest: last_event.as_ref().map(|(last, _)| *last) == Some(*event_id)
                && waiting
                    .as_ref()
                    .is_none_or(|(_, base)| facts.version == base + 1),
            unsent: waiting.is_some(),
        });
        let before = withdraw_claim(&facts.state, actor, latest, &sit)?;
        let (Some((claim_event, _)), Some((mutation_id, base_version))) = (claim, waiting) else {
            return Err(corrupt("claim withdrawn without its claim"));
        };
        let at = now.format("%Y-%m-%d %H:%M").to_string();
        write_state(
            &tx,
            OrderKey::Id(id),
            &StateColumns::of(&before),
            Some(base_version),
            &at,
        )?;
        tx.prepare_cached("DELETE FROM outbox WHERE mutation_id = ?1")?
            .execute([&mutation_id])?;
        let payload = serde_json::json!({ "claim_event": claim_event, "mutation_id": mutation_id });
        tx.prepare_cached(
            "INSERT INTO event(order_id, at, actor, kind, payload) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            id,
            at,
            actor.name,
            EventKind::ClaimWithdrawn.code(),
            payload.to_string()
        ])?;
        tx.commit()?;
        Ok(before.status)
    }
}

/// Applies one user action inside `tx`: decided by the domain on the order as it is, then its
/// state, event and outbox mutation written. The caller commits.
pub(crate) fn apply_in(
    tx: &Connection,
    id: i64,
    actor: &Actor<'_>,
    action: &OrderAction,
    now: NaiveDateTime,
    rules: &Rules<'_>,
    device_id: &str,
) -> Result<ActionOutcome, StoreError> {
    let facts = read_facts(tx, id)?;
    let sit = facts.situation(tx, now, rules)?;
    let applied = apply(&facts.state, actor, action, &sit)?;
    let (event_id, whitelist_proposed) = record_applied(
        tx,
        id,
        &facts.plate,
        facts.vehicle_id,
        &applied,
        actor.name,
        now,
    )?;
    let payload =
        serde_json::to_string(&applied.action).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mutation_id = uuid::Uuid::now_v7().to_string();
    tx.prepare_cached(
        "INSERT INTO outbox(mutation_id, device_id, entity, entity_key, order_id, action, payload,
            base_version, created_at)
         VALUES (?1, ?2, 'work_order', ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        mutation_id,
        device_id,
        facts.order_no,
        id,
        applied.action.kind().code(),
        payload,
        facts.version,
        now.format("%Y-%m-%d %H:%M").to_string()
    ])?;
    Ok(ActionOutcome {
        status: applied.state.status,
        version: facts.version + 1,
        event_id,
        mutation_id,
        whitelist_proposed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_evidence_of_a_hash_is_found_by_its_index() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("cache.sqlite")).expect("open");
        let plan: String = store
            .conn
            .query_row(
                &format!("EXPLAIN QUERY PLAN {EVIDENCE_MIME}"),
                ["ab"],
                |r| r.get(3),
            )
            .expect("plan");
        assert!(plan.contains("USING INDEX evidence_hash"), "{plan}");
    }
}
