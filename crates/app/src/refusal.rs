//! Actions the hub refused: what the desk says about each (the reason and what to do, from the
//! catalogue by the refusal's code and parameters), and 放弃 and 重做
//! (`casedesk_store::refusal`). The refusal list on the 同步 page and `casedesk-cli refusals`
//! act through these.

use serde::Serialize;

use crate::dto::OrderDetail;
use crate::error::AppError;
use crate::message::{Catalogue, Lang, RefusalText};
use crate::{Desk, Refusal};

/// The reason and what to do for a refusal in `lang`, from the catalogue; a code this desk does
/// not know (a newer hub's) shows the hub's own text in that language (the other when empty).
pub fn explain_refusal(r: &Refusal, lang: Lang) -> RefusalText {
    Catalogue::get(lang)
        .refusal(&r.code, &r.params)
        .unwrap_or_else(|| {
            let (first, other) = match lang {
                Lang::Zh => (&r.message_zh, &r.message_en),
                Lang::En => (&r.message_en, &r.message_zh),
            };
            RefusalText {
                reason: if first.is_empty() { other } else { first }.clone(),
                advice: None,
            }
        })
}

/// A refusal with what the desk says about it, as `casedesk-cli refusals list --json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct ExplainedRefusal {
    #[serde(flatten)]
    pub refusal: Refusal,
    #[serde(flatten)]
    pub text: RefusalText,
}

impl ExplainedRefusal {
    pub fn new(refusal: Refusal, lang: Lang) -> ExplainedRefusal {
        let text = explain_refusal(&refusal, lang);
        ExplainedRefusal { refusal, text }
    }
}

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
