//! Batch actions from the inbox's checked rows (批量认领、批量退回、批量转办). One function applies
//! an action to many orders: each order in its own transaction through the same path as the
//! single-order action, as if done alone. One refused order (a colleague claimed it a moment ago,
//! another county's) refuses that order only, and the others stand. The result says, per order,
//! what happened and why.

use casedesk_domain::action::OrderAction;
use casedesk_domain::{ActionKind, ReturnReason};
use casedesk_store::InboxRow;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::desk::Desk;
use crate::error::AppError;
use crate::message::MessageKey;

/// Most orders one batch takes: the largest page of the inbox.
pub const MAX_BATCH: usize = casedesk_store::inbox::MAX_PAGE_SIZE as usize;

/// The actions the inbox applies to checked rows, with what they ask once for all of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "action", rename_all = "snake_case")]
#[ts(export)]
pub enum BatchAction {
    /// 批量认领
    Claim,
    /// 批量退回, with one reason from the list (and its text where the reason needs one).
    Return {
        reason_code: ReturnReason,
        #[serde(default)]
        reason: String,
    },
    /// 批量转办 to one unit, with one reason.
    Transfer { to_unit: String, reason: String },
}

impl BatchAction {
    /// The action's kind, for naming it (认领, 退回, 转办).
    pub fn kind(&self) -> ActionKind {
        self.order_action().kind()
    }

    fn order_action(&self) -> OrderAction {
        match self {
            BatchAction::Claim => OrderAction::Claim,
            BatchAction::Return {
                reason_code,
                reason,
            } => OrderAction::Return {
                reason_code: *reason_code,
                reason: reason.clone(),
            },
            BatchAction::Transfer { to_unit, reason } => OrderAction::Transfer {
                to_unit: to_unit.clone(),
                reason: reason.clone(),
            },
        }
    }
}

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
    /// Applies `action` to each order of `ids` (duplicates once), each in its own transaction, in
    /// the order given. Refusals are results, not errors; only a batch over [`MAX_BATCH`] is
    /// refused whole.
    pub fn act_on_orders(
        &mut self,
        ids: &[i64],
        action: &BatchAction,
    ) -> Result<Vec<BatchItem>, AppError> {
        if ids.len() > MAX_BATCH {
            return Err(AppError::invalid(MessageKey::BatchTooLarge).with("max", MAX_BATCH));
        }
        let action = action.order_action();
        let mut seen = std::collections::HashSet::new();
        let mut items = Vec::with_capacity(ids.len());
        for &id in ids.iter().filter(|id| seen.insert(**id)) {
            items.push(match self.apply(id, action.clone()) {
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
