//! Work-order services: the order's detail and one function per action on it. Each builds the
//! domain's [`OrderAction`] and hands it to the store, which applies it through the domain's
//! one `apply` in one transaction.

use std::path::PathBuf;

use casedesk_domain::action::{EvidenceRef, OrderAction};
use casedesk_domain::work_order::allowed_actions;
use casedesk_domain::{ActionKind, HandlingMethod, InterceptionOutcome, ReturnReason, Role};
use casedesk_store::EvidenceStore;
use chrono::NaiveDate;

use crate::desk::Desk;
use crate::dto::{OrderDetail, VehicleDetail};
use crate::error::AppError;
use crate::message::{MessageKey, Term};

/// Parses a date typed as `YYYY-MM-DD`, naming the field in the message.
pub(crate) fn parse_date(value: &str, term: Term) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| {
        AppError::invalid(MessageKey::DateInvalid)
            .with("term", term)
            .with("value", value)
    })
}

impl Desk {
    /// Finds an order's id by its number (工单号) or id, as typed on a command line.
    pub fn resolve_order(&self, key: &str) -> Result<i64, AppError> {
        Ok(self.store.resolve_order(key)?)
    }

    pub fn order(&self, id: i64) -> Result<OrderDetail, AppError> {
        let now = self.now();
        let mut rec = self.store.order(id, now, &self.calendar)?;
        rec.row
            .mark_waiting(self.profile.role, &self.profile.user_name);
        let timeline = self.store.timeline(id)?;
        let mut allowed = allowed_actions(self.profile.role, rec.row.status);
        // Work on someone else's claimed order is theirs to do; the table does not know who.
        if self.profile.role == Role::CountyOfficer {
            if let Some(claimant) = &rec.row.claimed_by {
                if claimant != &self.profile.user_name {
                    allowed.clear();
                }
            }
        }
        // An override is only meaningful for a whitelisted vehicle not yet overridden.
        if rec.whitelist.is_none() || rec.state.interception_override.is_some() {
            allowed.retain(|a| *a != ActionKind::OverrideWhitelist);
        }
        let vehicle = self.vehicle(&rec.row.plate)?;
        let s = rec.state;
        Ok(OrderDetail {
            source: rec.source,
            driver_name: rec.driver_name,
            driver_phone: rec.driver_phone,
            whitelist: rec.whitelist,
            enterprise: rec.enterprise,
            vehicle_owner: rec.vehicle_owner,
            handling_due: s.handling_due.text(),
            rectification_requirement: s.rectification_requirement,
            rectification_deadline: s.rectification_due.map(|d| d.to_string()),
            notice_authority: s.notice_authority,
            feedback_due: s.feedback_due.map(|d| d.to_string()),
            interception_override: s.interception_override,
            outcome: s.outcome,
            transfer_to: s.transfer_to,
            version: rec.version,
            timeline,
            allowed_actions: allowed,
            vehicle,
            row: rec.row,
        })
    }

    /// A vehicle's page: its whitelist entries and its interceptions.
    pub fn vehicle(&self, plate: &str) -> Result<VehicleDetail, AppError> {
        let plate = casedesk_domain::plate::normalize(plate);
        Ok(VehicleDetail {
            whitelist: self.store.whitelist_of(&plate, self.today())?,
            interceptions: self.store.interceptions_of(&plate)?,
            plate,
        })
    }

    /// Runs a write on the store as the person at this desk, under the desk's rules. The fields
    /// are borrowed apart: the store writes while the rules and the profile are read.
    pub(crate) fn write<T>(
        &mut self,
        write: impl FnOnce(
            &mut casedesk_store::Store,
            &casedesk_domain::lifecycle::Actor<'_>,
            &casedesk_store::Rules<'_>,
            &str,
        ) -> Result<T, casedesk_store::StoreError>,
    ) -> Result<T, AppError> {
        let Desk {
            store,
            calendar,
            catalog,
            profile,
            device_id,
            ..
        } = self;
        let rules = casedesk_store::Rules { calendar, catalog };
        let actor = casedesk_domain::lifecycle::Actor {
            role: profile.role,
            name: &profile.user_name,
            county_code: &profile.county_code,
        };
        Ok(write(store, &actor, &rules, device_id)?)
    }

    pub(crate) fn apply(&mut self, id: i64, action: OrderAction) -> Result<OrderDetail, AppError> {
        let now = self.now();
        self.write(|store, actor, rules, device| {
            store.apply_action(id, actor, &action, now, rules, device)
        })?;
        self.order(id)
    }

    /// Decides an action without applying it, so work with side effects is not done in vain.
    fn check(&self, id: i64, action: &OrderAction) -> Result<(), AppError> {
        self.store
            .check_action(id, &self.actor(), action, self.now(), &self.rules())?;
        Ok(())
    }

    pub fn claim(&mut self, id: i64) -> Result<OrderDetail, AppError> {
        self.apply(id, OrderAction::Claim)
    }

    /// 撤销认领: takes back this desk's claim while it is unsent and the order unchanged since;
    /// the order is as before the claim, and the trail keeps the claim and its withdrawal.
    pub fn undo_claim(&mut self, id: i64) -> Result<OrderDetail, AppError> {
        let now = self.now();
        self.write(|store, actor, rules, _| store.withdraw_claim(id, actor, now, rules))?;
        self.order(id)
    }

    pub fn handle(
        &mut self,
        id: i64,
        method: HandlingMethod,
        result: &str,
        notes: &str,
    ) -> Result<OrderDetail, AppError> {
        self.apply(
            id,
            OrderAction::Handle {
                method,
                result: result.to_string(),
                notes: notes.to_string(),
            },
        )
    }

    pub fn intercept(
        &mut self,
        id: i64,
        outcome: InterceptionOutcome,
        notes: &str,
    ) -> Result<OrderDetail, AppError> {
        self.apply(
            id,
            OrderAction::Intercept {
                outcome,
                notes: notes.to_string(),
            },
        )
    }

    pub fn notify_authority(
        &mut self,
        id: i64,
        authority: &str,
        content: &str,
        feedback_due: Option<&str>,
    ) -> Result<OrderDetail, AppError> {
        let feedback_due = feedback_due
            .filter(|d| !d.trim().is_empty())
            .map(|d| parse_date(d, Term::FeedbackDue))
            .transpose()?;
        self.apply(
            id,
            OrderAction::NotifyAuthority {
                authority: authority.to_string(),
                content: content.to_string(),
                feedback_due,
            },
        )
    }

    pub fn record_feedback(&mut self, id: i64, feedback: &str) -> Result<OrderDetail, AppError> {
        self.apply(
            id,
            OrderAction::RecordFeedback {
                feedback: feedback.to_string(),
            },
        )
    }

    pub fn close_groundless(&mut self, id: i64, finding: &str) -> Result<OrderDetail, AppError> {
        self.apply(
            id,
            OrderAction::CloseGroundless {
                finding: finding.to_string(),
            },
        )
    }

    pub fn require_rectification(
        &mut self,
        id: i64,
        requirement: &str,
        deadline: &str,
    ) -> Result<OrderDetail, AppError> {
        let deadline = parse_date(deadline, Term::RectificationDeadline)?;
        self.apply(
            id,
            OrderAction::RequireRectification {
                requirement: requirement.to_string(),
                deadline,
            },
        )
    }

    /// Records a rectification with evidence files copied into the evidence store. The action is
    /// checked before any file is copied, and any bad file refuses the whole record.
    pub fn record_rectification(
        &mut self,
        id: i64,
        description: &str,
        files: &[PathBuf],
    ) -> Result<OrderDetail, AppError> {
        let evidence = self.evidence_for_rectification(id, description)?;
        let refs = evidence.import_all(files)?;
        self.record_rectification_with(id, description, refs)
    }

    /// First half of [`Desk::record_rectification`]: checks the action and hands out the evidence
    /// store, so that the window can copy large files without holding the desk.
    pub fn evidence_for_rectification(
        &self,
        id: i64,
        description: &str,
    ) -> Result<EvidenceStore, AppError> {
        let draft = OrderAction::RecordRectification {
            description: description.to_string(),
            evidence: vec![],
        };
        self.check(id, &draft)?;
        Ok(self.evidence.clone())
    }

    /// Second half: records the rectification with files already in the evidence store (the
    /// rules decide again, on the order as it is now).
    pub fn record_rectification_with(
        &mut self,
        id: i64,
        description: &str,
        evidence: Vec<EvidenceRef>,
    ) -> Result<OrderDetail, AppError> {
        self.apply(
            id,
            OrderAction::RecordRectification {
                description: description.to_string(),
                evidence,
            },
        )
    }

    pub fn submit_for_spot_check(&mut self, id: i64) -> Result<OrderDetail, AppError> {
        self.apply(id, OrderAction::SubmitForSpotCheck)
    }

    pub fn return_order(
        &mut self,
        id: i64,
        reason_code: ReturnReason,
        reason: &str,
    ) -> Result<OrderDetail, AppError> {
        self.apply(
            id,
            OrderAction::Return {
                reason_code,
                reason: reason.to_string(),
            },
        )
    }

    pub fn transfer(
        &mut self,
        id: i64,
        to_unit: &str,
        reason: &str,
    ) -> Result<OrderDetail, AppError> {
        self.apply(
            id,
            OrderAction::Transfer {
                to_unit: to_unit.to_string(),
                reason: reason.to_string(),
            },
        )
    }

    pub fn spot_check(
        &mut self,
        id: i64,
        passed: bool,
        notes: &str,
    ) -> Result<OrderDetail, AppError> {
        self.apply(
            id,
            OrderAction::SpotCheck {
                passed,
                notes: notes.to_string(),
            },
        )
    }

    pub fn reassign(
        &mut self,
        id: i64,
        county_code: &str,
        reason: &str,
    ) -> Result<OrderDetail, AppError> {
        self.apply(
            id,
            OrderAction::Reassign {
                county_code: county_code.to_string(),
                reason: reason.to_string(),
            },
        )
    }

    pub fn override_whitelist(&mut self, id: i64, reason: &str) -> Result<OrderDetail, AppError> {
        self.apply(
            id,
            OrderAction::OverrideWhitelist {
                reason: reason.to_string(),
            },
        )
    }
}
