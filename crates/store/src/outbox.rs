//! The outbox: mutations written beside each change, waiting for the sync client to send them.

use casedesk_domain::ActionKind;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OutboxEntry {
    #[ts(type = "number")]
    pub seq: i64,
    pub mutation_id: String,
    pub action: ActionKind,
    pub order_no: String,
    pub created_at: String,
    #[ts(type = "number")]
    pub base_version: i64,
    /// The action's JSON, exactly as it will be sent.
    #[ts(skip)]
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub payload: String,
}

impl Store {
    /// Mutations waiting to be sent, oldest first.
    pub fn outbox(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, mutation_id, action, order_no, created_at, base_version, payload
             FROM outbox ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            let action: String = r.get(2)?;
            Ok((
                r.get(0)?,
                r.get(1)?,
                action,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, mutation_id, action, order_no, created_at, base_version, payload): (
                i64,
                String,
                String,
                String,
                String,
                i64,
                String,
            ) = row?;
            out.push(OutboxEntry {
                seq,
                mutation_id,
                action: ActionKind::from_code(&action)
                    .ok_or_else(|| StoreError::Corrupt(format!("outbox action {action}")))?,
                order_no,
                created_at,
                base_version,
                payload,
            });
        }
        Ok(out)
    }

    pub fn outbox_len(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?;
        Ok(n as u64)
    }
}
