//! Batch actions from the inbox's checked rows (批量认领). Each order is claimed in its own
//! transaction, as if claimed alone: one refused order (a colleague claimed it a moment ago,
//! another county's) refuses that order only, and the others' claims stand. The result says, per
//! order, what happened and why.

use casedesk_store::InboxRow;
use serde::Serialize;
use ts_rs::TS;

use crate::desk::Desk;
use crate::error::AppError;
use crate::message::MessageKey;

/// Most orders one batch takes: the largest page of the inbox.
pub const MAX_BATCH: usize = casedesk_store::inbox::MAX_PAGE_SIZE as usize;

/// What became of one order of a batch: its row after the action, or why it was refused.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BatchItem {
    #[ts(type = "number")]
    pub id: i64,
    /// Empty when the order does not exist.
    pub order_no: String,
    /// The order's row after the action; None when refused.
    pub row: Option<InboxRow>,
    /// Why the order was refused; None when the action was applied.
    pub error: Option<AppError>,
}

impl Desk {
    /// Claims each order of `ids` (duplicates once), each in its own transaction, in the order
    /// given. Refusals are results, not errors; only a batch over [`MAX_BATCH`] is refused whole.
    pub fn claim_batch(&mut self, ids: &[i64]) -> Result<Vec<BatchItem>, AppError> {
        if ids.len() > MAX_BATCH {
            return Err(AppError::invalid(MessageKey::BatchTooLarge).with("max", MAX_BATCH));
        }
        let mut seen = std::collections::HashSet::new();
        let mut items = Vec::with_capacity(ids.len());
        for &id in ids.iter().filter(|id| seen.insert(**id)) {
            items.push(match self.claim(id) {
                Ok(detail) => BatchItem {
                    id,
                    order_no: detail.row.order_no.clone(),
                    row: Some(detail.row),
                    error: None,
                },
                Err(error) => BatchItem {
                    id,
                    order_no: self.order(id).map(|d| d.row.order_no).unwrap_or_default(),
                    row: None,
                    error: Some(error),
                },
            });
        }
        Ok(items)
    }
}
