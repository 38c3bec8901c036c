//! The outbox: mutations written beside each change, waiting for the sync client to send them.
//! A mutation is about a work order (its number) or a whitelist entry (the vehicle's plate).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OutboxEntry {
    #[ts(type = "number")]
    pub seq: i64,
    pub mutation_id: String,
    /// `work_order` or `whitelist`.
    pub entity: String,
    /// The order's number or the vehicle's plate.
    pub entity_key: String,
    /// The action's code (`claim`, `whitelist_approve`, ...).
    pub action: String,
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
            "SELECT seq, mutation_id, entity, entity_key, action, created_at, base_version, payload
             FROM outbox ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(OutboxEntry {
                seq: r.get(0)?,
                mutation_id: r.get(1)?,
                entity: r.get(2)?,
                entity_key: r.get(3)?,
                action: r.get(4)?,
                created_at: r.get(5)?,
                base_version: r.get(6)?,
                payload: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn outbox_len(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?;
        Ok(n as u64)
    }
}
