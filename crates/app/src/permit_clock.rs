//! Stopping and restarting an application's decision clock at the desk (暂停计时 / 恢复计时):
//! while roads or bridges on the route are strengthened or the route is assessed, the days do not
//! count. The action is checked with the rule the hub applies (`ApplicationChange::apply_clock`),
//! queued in the outbox (it works offline) and shown at once: the store replays unsent clock
//! actions over the hub's pauses until the pull brings the hub's list back.

use casedesk_domain::permit::{ClockAction, ClockActionError};

use crate::error::{AppError, ErrorCode};
use crate::message::MessageKey;
use crate::permit_day::ApplicationView;
use crate::Desk;

impl From<ClockActionError> for AppError {
    fn from(e: ClockActionError) -> AppError {
        use ClockActionError as E;
        let refused = |key| AppError::new(ErrorCode::RefusedTransition, key);
        match e {
            E::NotRunning => refused(MessageKey::PermitClockNotRunning),
            E::AlreadyPaused { since } => {
                refused(MessageKey::PermitClockAlreadyPaused).with("since", since)
            }
            E::NotPaused => refused(MessageKey::PermitClockNotPaused),
            E::BeforeReceipt { from, received } => {
                AppError::invalid(MessageKey::PermitPauseBeforeReceipt)
                    .with("from", from)
                    .with("received", received)
            }
            E::OverlapsEarlier { from, until } => {
                AppError::invalid(MessageKey::PermitPauseOverlapsEarlier)
                    .with("from", from)
                    .with("until", until)
            }
            E::EndsBeforeItBegins { from, until } => {
                AppError::invalid(MessageKey::PermitPauseEndsBeforeItBegins)
                    .with("from", from)
                    .with("until", until)
            }
            E::InTheFuture { date, today } => {
                AppError::invalid(MessageKey::PermitClockDateInFuture)
                    .with("date", date)
                    .with("today", today)
            }
        }
    }
}

impl Desk {
    /// Pauses or resumes the decision clock of application `id`: desk staff and supervisors, on
    /// an application without a verdict whose day is open (or that an earlier pause carried
    /// past its closure), an action that fits its pauses today. Returns the application as the
    /// list shows it, its clock stopped or running again.
    pub fn permit_clock(
        &mut self,
        id: &str,
        action: ClockAction,
    ) -> Result<ApplicationView, AppError> {
        self.check_reviewer()?;
        let a = self.cached_application(id)?;
        self.check_open_for_review(&a)?;
        a.apply_clock(action, self.today())?;
        let now = self.now_text();
        let device_id = self.device_id.clone();
        self.store
            .record_clock_action(&a.application_id, a.version, &action, &now, &device_id)?;
        self.permit_application(&a.application_id)
    }
}
