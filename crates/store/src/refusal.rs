//! What the officer does with an action the hub refused. The refused mutation stays in the
//! outbox for good (it is never sent again); the officer may dismiss it (放弃), which keeps the
//! row with who dismissed it and when and, for a work order, writes the dismissal on the order's
//! timeline; or do it again (重做), which decides the same action afresh on the order as it is
//! now (the hub's state, after a pull) and, when the rules allow it, records it as a new
//! mutation in the same transaction that marks the old one redone.

use std::collections::BTreeMap;

use casedesk_domain::action::OrderAction;
use casedesk_domain::lifecycle::Actor;
use chrono::NaiveDateTime;
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::order::{apply_in, ActionOutcome, EventKind, Rules};
use crate::{Store, StoreError};

/// A dismissed refusal as its order's timeline shows it: the action and the hub's reason, as a
/// code with its parameters (worded from the desk's catalogue) and the hub's own texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DismissedRefusal {
    pub action: String,
    pub code: String,
    /// Empty for a dismissal recorded before parameters travelled: the hub's texts are shown.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    pub message_zh: String,
    pub message_en: String,
}

/// The refused row `seq`, still waiting for a decision.
struct Waiting {
    entity: String,
    order_id: Option<i64>,
    payload: String,
    note: DismissedRefusal,
}

fn waiting(conn: &rusqlite::Connection, seq: i64) -> Result<Waiting, StoreError> {
    conn.prepare_cached(
        "SELECT entity, order_id, payload, action, refused_code, refused_zh, refused_en,
             refused_params
         FROM outbox WHERE seq = ?1 AND refused_at IS NOT NULL AND resolution IS NULL",
    )?
    .query_row([seq], |r| {
        Ok(Waiting {
            entity: r.get(0)?,
            order_id: r.get(1)?,
            payload: r.get(2)?,
            note: DismissedRefusal {
                action: r.get(3)?,
                code: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                message_zh: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                message_en: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                params: r
                    .get::<_, Option<String>>(7)?
                    .and_then(|j| serde_json::from_str(&j).ok())
                    .unwrap_or_default(),
            },
        })
    })
    .optional()?
    .ok_or(StoreError::RefusalNotFound(seq))
}

fn mark(
    conn: &rusqlite::Connection,
    seq: i64,
    resolution: &str,
    by: &str,
    at: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE outbox SET resolution = ?2, resolved_by = ?3, resolved_at = ?4 WHERE seq = ?1",
    )?
    .execute(params![seq, resolution, by, at])?;
    Ok(())
}

impl Store {
    /// 放弃: the refused action `seq` leaves the refusal list, kept with who dismissed it and
    /// when; a work order's timeline records the dismissal with the hub's reason.
    pub fn dismiss_refusal(
        &mut self,
        seq: i64,
        by: &str,
        now: NaiveDateTime,
    ) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let w = waiting(&tx, seq)?;
        let at = now.format("%Y-%m-%d %H:%M").to_string();
        mark(&tx, seq, "dismissed", by, &at)?;
        if let Some(order_id) = w.order_id.filter(|_| w.entity == "work_order") {
            let payload =
                serde_json::to_string(&w.note).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            tx.prepare_cached(
                "INSERT INTO event(order_id, at, actor, kind, payload) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                order_id,
                at,
                by,
                EventKind::RefusalDismissed.code(),
                payload
            ])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// 重做: the refused work-order action `seq` decided again on the order as it is now; when
    /// the rules allow it, it is recorded (state, event, a new mutation) and the refused row is
    /// marked redone, in one transaction. Refused again by the rules: nothing changes.
    pub fn redo_refusal(
        &mut self,
        seq: i64,
        actor: &Actor<'_>,
        now: NaiveDateTime,
        rules: &Rules<'_>,
        device_id: &str,
    ) -> Result<(i64, ActionOutcome), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let w = waiting(&tx, seq)?;
        let (Some(order_id), "work_order") = (w.order_id, w.entity.as_str()) else {
            return Err(StoreError::NotRedoable(seq));
        };
        let action: OrderAction = serde_json::from_str(&w.payload)
            .map_err(|e| StoreError::Corrupt(format!("outbox row {seq}: {e}")))?;
        let outcome = apply_in(&tx, order_id, actor, &action, now, rules, device_id)?;
        mark(
            &tx,
            seq,
            "redone",
            actor.name,
            &now.format("%Y-%m-%d %H:%M").to_string(),
        )?;
        tx.commit()?;
        Ok((order_id, outcome))
    }
}
