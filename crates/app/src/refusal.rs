//! 放弃 and 重做 for actions the hub refused (`casedesk_store::refusal`): the refusal list on the
//! 同步 page and `casedesk-cli refusals` act through these.

use crate::dto::OrderDetail;
use crate::error::AppError;
use crate::Desk;

impl Desk {
    /// 放弃: the refused action leaves the list, kept with who dismissed it and when (on the
    /// order's timeline too).
    pub fn dismiss_refusal(&mut self, seq: i64) -> Result<(), AppError> {
        let now = self.now();
        let by = self.profile.user_name.clone();
        Ok(self.store.dismiss_refusal(seq, &by, now)?)
    }

    /// 重做: the refused work-order action, decided again on the order as it is now and queued
    /// as a new action when the rules allow it; the order as it then is.
    pub fn redo_refusal(&mut self, seq: i64) -> Result<OrderDetail, AppError> {
        let now = self.now();
        let (order_id, _) = self.write(|store, actor, rules, device| {
            store.redo_refusal(seq, actor, now, rules, device)
        })?;
        self.order(order_id)
    }
}
