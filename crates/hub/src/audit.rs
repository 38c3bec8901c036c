//! The audit log is a hash chain: each row's hash is SHA-256 over its own fields and the
//! previous row's hash, so changing, removing or reordering a row breaks every link after it.
//! Verification walks the chain from the first row and names the first broken link; it also
//! compares the last id with the audit counter, so rows cut off the end are found too.

use sha2::{Digest, Sha256};

use crate::storage::{AuditRow, HubStore, StoreError};

/// The previous hash of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of row `id` with these fields after `prev_hash`. Each field is length-prefixed so
/// that no two different rows hash the same bytes.
#[allow(clippy::too_many_arguments)]
pub fn link_hash(
    id: i64,
    at: &str,
    username: &str,
    device_id: &str,
    action: &str,
    entity: &str,
    entity_key: &str,
    mutation_id: Option<&str>,
    before: &str,
    after: &str,
    prev_hash: &str,
) -> String {
    let mut h = Sha256::new();
    let id = id.to_string();
    for field in [
        id.as_str(),
        at,
        username,
        device_id,
        action,
        entity,
        entity_key,
        mutation_id.unwrap_or(""),
        before,
        after,
        prev_hash,
    ] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

fn row_hash(r: &AuditRow) -> String {
    link_hash(
        r.id,
        &r.at,
        &r.username,
        &r.device_id,
        &r.action,
        &r.entity,
        &r.entity_key,
        r.mutation_id.as_deref(),
        &r.before,
        &r.after,
        &r.prev_hash,
    )
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BrokenLink {
    /// The first row id at which the chain does not hold.
    pub id: i64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VerifyReport {
    pub rows: i64,
    pub first_broken: Option<BrokenLink>,
}

/// Walks the whole chain.
pub async fn verify(store: &dyn HubStore) -> Result<VerifyReport, StoreError> {
    let mut prev = GENESIS.to_string();
    let mut last = 0i64;
    let mut rows = 0i64;
    loop {
        let page = store.audit_rows(last, 1000).await?;
        if page.is_empty() {
            break;
        }
        for r in page {
            let broken = |reason: &str| {
                Ok(VerifyReport {
                    rows,
                    first_broken: Some(BrokenLink {
                        id: r.id.min(last + 1),
                        reason: reason.to_string(),
                    }),
                })
            };
            if r.id != last + 1 {
                return broken("row missing (ids are not consecutive)");
            }
            if r.prev_hash != prev {
                return broken("prev_hash is not the previous row's hash");
            }
            if row_hash(&r) != r.hash {
                return broken("the row's contents do not match its hash");
            }
            prev = r.hash;
            last = r.id;
            rows += 1;
        }
    }
    let head = store.audit_head().await?;
    if head != last {
        return Ok(VerifyReport {
            rows,
            first_broken: Some(BrokenLink {
                id: last + 1,
                reason: format!("the chain ends at {last} but {head} rows were written"),
            }),
        });
    }
    Ok(VerifyReport {
        rows,
        first_broken: None,
    })
}
