//! The supervisor's attention list as this desk last fetched it from the hub: refused
//! work-order mutations of other officers (another officer holds the order), with what they
//! recorded. The hub is the authority; a sync replaces the whole list, a resolution removes
//! one item.

use std::collections::BTreeMap;

use casedesk_domain::action::OrderAction;
use casedesk_wire::AttentionItem;
use rusqlite::{params, Row, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Store, StoreError};

/// One item of the attention list as the desk shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Attention {
    /// The hub's id of the item.
    #[ts(type = "number")]
    pub id: i64,
    pub order_no: String,
    pub county_code: String,
    /// Who holds the order.
    pub holder: Option<String>,
    /// The officer whose action was refused, and their device.
    pub username: String,
    pub device_id: String,
    pub mutation_id: String,
    /// The refused action's code (`claim`, `handle`, ...).
    pub action: String,
    /// The texts the officer wrote in it (result, notes, reasons...), in the action's order.
    pub recorded: Vec<String>,
    /// The action as recorded, JSON, for copying into a note.
    pub payload: String,
    pub recorded_at: String,
    /// The refusal's code and parameters (worded from the desk's catalogue), and the hub's
    /// texts for a code this desk does not know.
    pub code: String,
    pub params: BTreeMap<String, String>,
    pub message_zh: String,
    pub message_en: String,
    pub refused_at: String,
}

/// The free texts an officer writes into an action (empty ones left out).
fn recorded_texts(action: &OrderAction) -> Vec<String> {
    let texts: Vec<&str> = match action {
        OrderAction::Claim | OrderAction::SubmitForSpotCheck => vec![],
        OrderAction::Handle { result, notes, .. } => vec![result, notes],
        OrderAction::Intercept { notes, .. } | OrderAction::SpotCheck { notes, .. } => {
            vec![notes]
        }
        OrderAction::NotifyAuthority {
            authority, content, ..
        } => vec![authority, content],
        OrderAction::RecordFeedback { feedback } => vec![feedback],
        OrderAction::CloseGroundless { finding } => vec![finding],
        OrderAction::RequireRectification { requirement, .. } => vec![requirement],
        OrderAction::RecordRectification { description, .. } => vec![description],
        OrderAction::Return { reason, .. }
        | OrderAction::Reassign { reason, .. }
        | OrderAction::OverrideWhitelist { reason } => vec![reason],
        OrderAction::Transfer { to_unit, reason } => vec![to_unit, reason],
    };
    texts
        .into_iter()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

const COLUMNS: &str = "id, order_no, county_code, holder, username, device_id, mutation_id, \
     action, payload, recorded_at, code, message_zh, message_en, refused_at, params";

fn read(r: &Row<'_>) -> rusqlite::Result<Attention> {
    let payload: String = r.get(8)?;
    // A payload this build cannot read still shows; only its texts are not picked out.
    let recorded = serde_json::from_str::<OrderAction>(&payload)
        .map(|a| recorded_texts(&a))
        .unwrap_or_default();
    Ok(Attention {
        id: r.get(0)?,
        order_no: r.get(1)?,
        county_code: r.get(2)?,
        holder: r.get(3)?,
        username: r.get(4)?,
        device_id: r.get(5)?,
        mutation_id: r.get(6)?,
        action: r.get(7)?,
        recorded,
        payload,
        recorded_at: r.get(9)?,
        code: r.get(10)?,
        message_zh: r.get(11)?,
        message_en: r.get(12)?,
        refused_at: r.get(13)?,
        // Written by this desk from the hub's map; an unreadable one leaves the hub's texts.
        params: serde_json::from_str(&r.get::<_, String>(14)?).unwrap_or_default(),
    })
}

impl Store {
    /// Replaces the kept list with the hub's, in one transaction.
    pub fn replace_attention(&mut self, items: &[AttentionItem]) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM attention_items", [])?;
        {
            let mut insert = tx.prepare_cached(&format!(
                "INSERT INTO attention_items({COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
            ))?;
            for a in items {
                insert.execute(params![
                    a.id,
                    a.order_no,
                    a.county_code,
                    a.holder,
                    a.username,
                    a.device_id,
                    a.mutation_id,
                    a.action,
                    a.payload.to_string(),
                    a.recorded_at,
                    a.code,
                    a.message_zh,
                    a.message_en,
                    a.refused_at,
                    serde_json::to_string(&a.params)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The kept list, oldest refusal first.
    pub fn attention(&self) -> Result<Vec<Attention>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM attention_items ORDER BY id"
        ))?;
        let rows = stmt.query_map([], read)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Whether the kept list holds item `id`.
    pub fn has_attention(&self, id: i64) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM attention_items WHERE id = ?1")?
            .exists([id])?)
    }

    /// Forgets item `id` (resolved on the hub).
    pub fn remove_attention(&mut self, id: i64) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM attention_items WHERE id = ?1", [id])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_texts_an_officer_wrote() {
        let handle = OrderAction::Handle {
            method: casedesk_domain::HandlingMethod::Education,
            result: "已约谈".into(),
            notes: " ".into(),
        };
        assert_eq!(recorded_texts(&handle), vec!["已约谈".to_string()]);
        assert!(recorded_texts(&OrderAction::Claim).is_empty());
    }
}
