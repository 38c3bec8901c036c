//! Whitelist entries and interceptions in the cache: a vehicle's page (its entries and
//! interceptions), the supervisor's list of proposals, and a supervisor's decision written with
//! its outbox mutation in one transaction.

use casedesk_domain::whitelist::{self, WhitelistAction, WhitelistError};
use casedesk_domain::{InterceptionOutcome, Role, WhitelistEntry, WhitelistKind, WhitelistStatus};
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use ts_rs::TS;

use crate::{Store, StoreError};

/// A whitelist entry as the cache keeps it, with its id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WhitelistRow {
    #[ts(type = "number")]
    pub id: i64,
    pub entry: WhitelistEntry,
    pub created_at: String,
    pub updated_at: String,
    /// In force on the day it was read.
    pub in_force: bool,
}

/// One interception of a vehicle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InterceptionRow {
    #[ts(type = "number")]
    pub order_id: i64,
    pub order_no: String,
    pub at: String,
    pub actor: String,
    pub outcome: InterceptionOutcome,
    /// The vehicle was whitelisted and a supervisor had ordered the interception in writing.
    pub overridden: bool,
}

#[derive(Debug, Error)]
pub enum WhitelistStoreError {
    #[error(transparent)]
    Refused(#[from] WhitelistError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for WhitelistStoreError {
    fn from(e: rusqlite::Error) -> Self {
        WhitelistStoreError::Store(e.into())
    }
}

const ENTRY_COLUMNS: &str =
    "id, plate, kind, status, reason, event_name, valid_from, valid_until, \
    decided_by, decision_reason, revoked_by, revoke_reason, created_at, updated_at";

fn day(text: &str) -> rusqlite::Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("bad date {text}").into(),
        )
    })
}

fn read_entry(r: &rusqlite::Row<'_>, today: NaiveDate) -> rusqlite::Result<WhitelistRow> {
    let bad = |what: &str, v: &str| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("bad {what}: {v}").into(),
        )
    };
    let kind: String = r.get(2)?;
    let status: String = r.get(3)?;
    let from: String = r.get(6)?;
    let until: Option<String> = r.get(7)?;
    let entry = WhitelistEntry {
        plate: r.get(1)?,
        kind: WhitelistKind::from_code(&kind).ok_or_else(|| bad("kind", &kind))?,
        status: WhitelistStatus::from_code(&status).ok_or_else(|| bad("status", &status))?,
        reason: r.get(4)?,
        event_name: r.get(5)?,
        valid_from: day(&from)?,
        valid_until: until.as_deref().map(day).transpose()?,
        decided_by: r.get(8)?,
        decision_reason: r.get(9)?,
        revoked_by: r.get(10)?,
        revoke_reason: r.get(11)?,
    };
    Ok(WhitelistRow {
        id: r.get(0)?,
        in_force: entry.in_force(today),
        entry,
        created_at: r.get(12)?,
        updated_at: r.get(13)?,
    })
}

/// Adds an entry (a proposal, a supervisor's addition, or one pulled from the hub with the
/// hub's id); returns its id.
pub(crate) fn insert_entry(
    conn: &Connection,
    e: &WhitelistEntry,
    now: &str,
    hub_id: Option<i64>,
) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO whitelist(plate, kind, status, reason, event_name, valid_from, valid_until,
            decided_by, decision_reason, revoked_by, revoke_reason, created_at, updated_at,
            hub_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13)",
    )?
    .execute(params![
        e.plate,
        e.kind.code(),
        e.status.code(),
        e.reason,
        e.event_name,
        e.valid_from.to_string(),
        e.valid_until.map(|d| d.to_string()),
        e.decided_by,
        e.decision_reason,
        e.revoked_by,
        e.revoke_reason,
        now,
        hub_id
    ])?;
    Ok(conn.last_insert_rowid())
}

/// The vehicle's current entry: the newest that is proposed, or approved and not yet ended.
fn current_entry(
    conn: &Connection,
    plate: &str,
    today: NaiveDate,
) -> Result<Option<WhitelistRow>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM whitelist
             WHERE plate = ?1 AND (status = 'proposed'
                OR (status = 'approved' AND (valid_until IS NULL OR valid_until >= ?2)))
             ORDER BY id DESC LIMIT 1"
        ))?
        .query_row(params![plate, today.to_string()], |r| read_entry(r, today))
        .optional()?)
}

impl Store {
    /// Every whitelist entry of a vehicle, newest first.
    pub fn whitelist_of(
        &self,
        plate: &str,
        today: NaiveDate,
    ) -> Result<Vec<WhitelistRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM whitelist WHERE plate = ?1 ORDER BY id DESC"
        ))?;
        let rows = stmt.query_map([plate], |r| read_entry(r, today))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Whitelist entries with a given status (all when None) in the whitelist page's order:
    /// proposals first (they wait for a decision), then approved, declined and revoked entries,
    /// newest first within each. The page and its Excel export both list them so.
    ///
    /// `plate` keeps the entries whose plate contains it (normalized: `g·123` finds 豫G12345).
    pub fn whitelist_entries(
        &self,
        status: Option<WhitelistStatus>,
        plate: Option<&str>,
        today: NaiveDate,
        limit: u32,
    ) -> Result<Vec<WhitelistRow>, StoreError> {
        let plate = plate
            .map(casedesk_domain::plate::normalize)
            .filter(|p| !p.is_empty());
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM whitelist
             WHERE (?1 IS NULL OR status = ?1) AND (?3 IS NULL OR instr(plate, ?3) > 0)
             ORDER BY CASE status WHEN 'proposed' THEN 0 WHEN 'approved' THEN 1
                                  WHEN 'declined' THEN 2 ELSE 3 END,
                      created_at DESC, id DESC
             LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![status.map(|s| s.code()), limit, plate], |r| {
            read_entry(r, today)
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A vehicle's interceptions, newest first.
    pub fn interceptions_of(&self, plate: &str) -> Result<Vec<InterceptionRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.order_id, wo.order_no, i.at, i.actor, i.outcome, i.overridden
             FROM interception i JOIN work_order wo ON wo.id = i.order_id
             WHERE i.plate = ?1 ORDER BY i.at DESC, i.id DESC",
        )?;
        let rows = stmt.query_map([plate], |r| {
            let outcome: String = r.get(4)?;
            Ok(InterceptionRow {
                order_id: r.get(0)?,
                order_no: r.get(1)?,
                at: r.get(2)?,
                actor: r.get(3)?,
                outcome: InterceptionOutcome::from_code(&outcome).ok_or_else(|| {
                    rusqlite::Error::FromSqlConversionFailure(
                        4,
                        rusqlite::types::Type::Text,
                        format!("bad outcome {outcome}").into(),
                    )
                })?,
                overridden: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A supervisor's whitelist decision on a vehicle, written with its outbox mutation.
    pub fn decide_whitelist(
        &mut self,
        plate: &str,
        role: Role,
        actor: &str,
        action: &WhitelistAction,
        now: NaiveDateTime,
        device_id: &str,
    ) -> Result<WhitelistRow, WhitelistStoreError> {
        let today = now.date();
        let at = now.format("%Y-%m-%d %H:%M").to_string();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current = current_entry(&tx, plate, today)?;
        let entry = whitelist::decide(
            plate,
            current.as_ref().map(|c| &c.entry),
            role,
            actor,
            action,
            today,
        )?;
        let id = match (action, &current) {
            (WhitelistAction::Add { .. }, _) | (_, None) => insert_entry(&tx, &entry, &at, None)?,
            (_, Some(c)) => {
                tx.prepare_cached(
                    "UPDATE whitelist SET status = ?1, valid_from = ?2, decided_by = ?3,
                        decision_reason = ?4, revoked_by = ?5, revoke_reason = ?6, updated_at = ?7
                     WHERE id = ?8",
                )?
                .execute(params![
                    entry.status.code(),
                    entry.valid_from.to_string(),
                    entry.decided_by,
                    entry.decision_reason,
                    entry.revoked_by,
                    entry.revoke_reason,
                    at,
                    c.id
                ])?;
                c.id
            }
        };
        let payload =
            serde_json::to_string(action).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        tx.prepare_cached(
            "INSERT INTO outbox(mutation_id, device_id, entity, entity_key, order_id, action,
                payload, base_version, created_at)
             VALUES (?1, ?2, 'whitelist', ?3, NULL, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            uuid::Uuid::now_v7().to_string(),
            device_id,
            plate,
            action.code(),
            payload,
            // Entries carry no version: the hub re-decides each on the entry's status.
            0,
            at
        ])?;
        let row = tx
            .prepare_cached(&format!(
                "SELECT {ENTRY_COLUMNS} FROM whitelist WHERE id = ?1"
            ))?
            .query_row([id], |r| read_entry(r, today))?;
        tx.commit()?;
        Ok(row)
    }
}
