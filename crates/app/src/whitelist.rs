//! Whitelist services for supervisors: the list of proposals and entries, and decisions on a
//! vehicle (approve or decline a proposal, add a self-use vehicle or an event rental, revoke).

use casedesk_domain::whitelist::WhitelistAction;
use casedesk_domain::{WhitelistKind, WhitelistStatus};
use casedesk_store::WhitelistRow;

use crate::desk::Desk;
use crate::error::AppError;
use crate::message::Term;
use crate::work_orders::parse_date;

/// Most entries the whitelist page lists at once.
const LIST_LIMIT: u32 = 500;

impl Desk {
    /// Whitelist entries with a status (all when None) and a plate containing `plate` (any when
    /// None), proposals first, then by status, newest first within each.
    pub fn whitelist(
        &self,
        status: Option<WhitelistStatus>,
        plate: Option<&str>,
    ) -> Result<Vec<WhitelistRow>, AppError> {
        Ok(self
            .store
            .whitelist_entries(status, plate, self.today(), LIST_LIMIT)?)
    }

    fn decide_whitelist(
        &mut self,
        plate: &str,
        action: WhitelistAction,
    ) -> Result<WhitelistRow, AppError> {
        let plate = casedesk_domain::plate::normalize(plate);
        let now = self.now();
        Ok(self.store.decide_whitelist(
            &plate,
            self.profile.role,
            &self.profile.user_name,
            &action,
            now,
            &self.device_id,
        )?)
    }

    pub fn approve_whitelist(
        &mut self,
        plate: &str,
        reason: &str,
    ) -> Result<WhitelistRow, AppError> {
        self.decide_whitelist(
            plate,
            WhitelistAction::Approve {
                reason: reason.to_string(),
            },
        )
    }

    pub fn decline_whitelist(
        &mut self,
        plate: &str,
        reason: &str,
    ) -> Result<WhitelistRow, AppError> {
        self.decide_whitelist(
            plate,
            WhitelistAction::Decline {
                reason: reason.to_string(),
            },
        )
    }

    pub fn revoke_whitelist(
        &mut self,
        plate: &str,
        reason: &str,
    ) -> Result<WhitelistRow, AppError> {
        self.decide_whitelist(
            plate,
            WhitelistAction::Revoke {
                reason: reason.to_string(),
            },
        )
    }

    /// Adds a self-use vehicle or an event rental; dates are `YYYY-MM-DD`, the start today
    /// when not given.
    pub fn add_whitelist(
        &mut self,
        plate: &str,
        kind: WhitelistKind,
        reason: &str,
        event_name: Option<&str>,
        valid_from: Option<&str>,
        valid_until: Option<&str>,
    ) -> Result<WhitelistRow, AppError> {
        let valid_from = match valid_from.filter(|d| !d.trim().is_empty()) {
            Some(d) => parse_date(d, Term::ValidFrom)?,
            None => self.today(),
        };
        let valid_until = valid_until
            .filter(|d| !d.trim().is_empty())
            .map(|d| parse_date(d, Term::ValidUntil))
            .transpose()?;
        self.decide_whitelist(
            plate,
            WhitelistAction::Add {
                kind,
                reason: reason.to_string(),
                event_name: event_name.map(str::to_string),
                valid_from,
                valid_until,
            },
        )
    }
}
