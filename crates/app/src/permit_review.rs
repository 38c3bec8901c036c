//! The review decision of a permit application at the desk (审核): the checklist that applies to
//! its class, the reviewer's draft kept as they work (marks, remarks, notes pinned to a time of a
//! material), the verdict recorded with its outbox mutation in one transaction (it works offline
//! and reaches the hub with the next sync, which applies it once and sends it back to every desk
//! of the jurisdiction), the one-time notice's clock and the notice itself as PDF.

use std::path::{Path, PathBuf};

use casedesk_domain::permit::deadline::notice_due;
use casedesk_domain::permit::{
    check_draft, check_review, checklist, notice_lines, ChecklistItem, NoticeLine, PermitClass,
    Review, ReviewDraft, ReviewError, Verdict,
};
use casedesk_papers::{NoticeError, NoticeItem, OneTimeNotice, Typesetter};
use casedesk_store::permit::{LocalReview, ReviewStoreError};
use casedesk_wire::{day_of, ApplicationChange};
use chrono::NaiveDate;
use serde::Serialize;
use ts_rs::TS;

use crate::error::{AppError, ErrorCode};
use crate::message::MessageKey;
use crate::permit::MaterialItem;
use crate::permit_day::{service_point_name, PresentMaterial};
use crate::Desk;

/// A verdict as the desk shows it: from the hub (pulled back), or given here and still in the
/// outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct VerdictView {
    pub verdict: Verdict,
    pub decided_by: String,
    pub decided_at: String,
    /// The hub has it (false: waiting in this desk's outbox).
    pub synced: bool,
}

/// The one-time notice's clock (一次性告知, 5 working days from receipt): a notice given late,
/// or not given when one was needed, means the application counts as accepted from the day it
/// arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct NoticeClock {
    pub received_on: NaiveDate,
    pub due: NaiveDate,
    /// Working days left today (0: due today; negative: overdue); None once decided.
    #[ts(type = "number | null")]
    pub days_left: Option<i64>,
    /// The day the notice was given (a more-material verdict).
    pub given_on: Option<NaiveDate>,
    /// Given after the due date, or still running past it.
    pub late: bool,
}

/// Everything the review panel shows and works on.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReviewView {
    pub application_id: String,
    pub carrier_name: String,
    pub day: String,
    /// None when the vehicle is within every limit (nothing to review).
    pub class: Option<PermitClass>,
    /// The checklist items that apply to the application's class.
    pub checklist: Vec<ChecklistItem>,
    /// The reviewer's marks and notes (the decided review's once there is a verdict).
    pub draft: ReviewDraft,
    pub verdict: Option<VerdictView>,
    /// A verdict given here that the hub refused (its code): the list on the 同步 page explains it.
    pub refused_code: Option<String>,
    /// The draft can still be changed and a verdict given (no verdict yet, day not closed).
    pub editable: bool,
    pub missing: Vec<MaterialItem>,
    pub materials: Vec<PresentMaterial>,
    pub notice: NoticeClock,
    /// What a one-time notice lists now: the missing materials and the items not met.
    pub notice_lines: Vec<NoticeLine>,
}

/// A notice written to a file.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct NoticeWritten {
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
    pub lines: Vec<NoticeLine>,
    pub notice_due: NaiveDate,
    pub issued_on: NaiveDate,
    /// Issued after its due date: the application counts as accepted.
    pub late: bool,
}

/// The verdict of an application: the hub's wins; else one given here and not refused.
pub(crate) fn verdict_of(
    a: &ApplicationChange,
    local: Option<&LocalReview>,
) -> Option<VerdictView> {
    if let Some(r) = &a.review {
        return Some(VerdictView {
            verdict: r.review.verdict,
            decided_by: r.decided_by.clone(),
            decided_at: r.decided_at.clone(),
            synced: true,
        });
    }
    let l = local?;
    match (l.verdict, &l.refused_code) {
        (Some(verdict), None) => Some(VerdictView {
            verdict,
            decided_by: l.decided_by.clone().unwrap_or_default(),
            decided_at: l.decided_at.clone().unwrap_or_default(),
            synced: false,
        }),
        _ => None,
    }
}

/// The review's marks and notes as they stand: the hub's decided review, else this desk's.
fn current_review(a: &ApplicationChange, local: Option<&LocalReview>) -> ReviewDraft {
    match (&a.review, local) {
        (Some(r), _) => r.review.draft(),
        (None, Some(l)) => l.draft.clone(),
        (None, None) => ReviewDraft::default(),
    }
}

impl From<ReviewError> for AppError {
    fn from(e: ReviewError) -> AppError {
        use MessageKey as K;
        match e {
            ReviewError::UnknownItem { item } => {
                AppError::invalid(K::ReviewUnknownItem).with("item", item)
            }
            ReviewError::ItemNotForClass { item, .. } => {
                AppError::invalid(K::ReviewItemNotForClass).with("item", item)
            }
            ReviewError::ItemTwice { item } => {
                AppError::invalid(K::ReviewItemTwice).with("item", item)
            }
            ReviewError::Remark { error, .. } | ReviewError::Note(error) => error.into(),
            ReviewError::UnknownMaterialFile { sha256 } => {
                AppError::invalid(K::ReviewUnknownMaterialFile).with("sha256", sha256)
            }
            ReviewError::TooManyNotes { max } => {
                AppError::invalid(K::ReviewTooManyNotes).with("max", max)
            }
            ReviewError::PassWithItemsNotTicked { items } => {
                AppError::invalid(K::ReviewPassWithItemsNotTicked).with("items", items.join("、"))
            }
            ReviewError::PassWithMissingMaterials { materials } => {
                AppError::invalid(K::ReviewPassWithMissingMaterials)
                    .with("materials", materials.join("、"))
            }
            ReviewError::NothingToNotify => AppError::invalid(K::ReviewNothingToNotify),
            ReviewError::RefusalWithoutReason => AppError::invalid(K::ReviewRefusalWithoutReason),
        }
    }
}

impl From<ReviewStoreError> for AppError {
    fn from(e: ReviewStoreError) -> AppError {
        match e {
            ReviewStoreError::AlreadyDecided { by, verdict } => AppError::new(
                ErrorCode::RefusedTransition,
                MessageKey::ReviewAlreadyDecided,
            )
            .with("by", by)
            .with("verdict", verdict),
            ReviewStoreError::UnknownApplication(id) => not_found(&id),
            ReviewStoreError::Store(e) => e.into(),
        }
    }
}

fn not_found(id: &str) -> AppError {
    crate::permit_day::application_not_found(id)
}

impl From<NoticeError> for AppError {
    fn from(e: NoticeError) -> AppError {
        AppError::new(ErrorCode::Storage, MessageKey::NoticeRenderFailed)
            .with("detail", e.to_string())
    }
}

impl Desk {
    pub(crate) fn cached_application(&self, id: &str) -> Result<ApplicationChange, AppError> {
        self.store
            .permit_application(id.trim())?
            .ok_or_else(|| not_found(id.trim()))
    }

    /// Whether the application's day is closed (日结) as far as this desk knows.
    fn day_closed(&self, a: &ApplicationChange) -> Result<bool, AppError> {
        Ok(self
            .store
            .permit_day(&a.submission.service_point, &a.day)?
            .is_some_and(|d| d.closed_at.is_some()))
    }

    /// Its day is open, or closed without waiting for it (a paused clock carries it over), as
    /// the hub decides it (`check_open_to`).
    fn open_after_closure(&self, a: &ApplicationChange) -> Result<bool, AppError> {
        Ok(a.carries_over() || !self.day_closed(a)?)
    }

    /// Refused on a closed day, unless a pause carries the application over.
    fn check_day_open_for(&self, a: &ApplicationChange) -> Result<(), AppError> {
        if self.open_after_closure(a)? {
            return Ok(());
        }
        Err(
            AppError::new(ErrorCode::RefusedTransition, MessageKey::ReviewDayClosed)
                .with("id", a.application_id.clone())
                .with("day", a.day.clone()),
        )
    }

    /// The one-time notice's clock of `a` with its verdict (if any), today.
    pub(crate) fn notice_clock(
        &self,
        a: &ApplicationChange,
        verdict: Option<&VerdictView>,
    ) -> NoticeClock {
        let today = self.today();
        let received_on = a.received_on().unwrap_or(today);
        let due = notice_due(&self.calendar, received_on);
        match verdict {
            Some(v) if v.verdict == Verdict::MoreMaterial => {
                let given = day_of(&v.decided_at).unwrap_or(today);
                NoticeClock {
                    received_on,
                    due,
                    days_left: None,
                    given_on: Some(given),
                    late: given > due,
                }
            }
            Some(_) => NoticeClock {
                received_on,
                due,
                days_left: None,
                given_on: None,
                late: false,
            },
            None => NoticeClock {
                received_on,
                due,
                days_left: Some(self.calendar.working_days_left(today, due)),
                given_on: None,
                late: today > due,
            },
        }
    }

    /// The review of an application as the panel shows it.
    pub fn permit_review(&self, id: &str) -> Result<ReviewView, AppError> {
        let a = self.cached_application(id)?;
        let local = self.store.permit_review(&a.application_id)?;
        let assessment = a.assess()?;
        let class = assessment.classification.class;
        let verdict = verdict_of(&a, local.as_ref());
        let draft = current_review(&a, local.as_ref());
        let not_met: Vec<(String, Option<String>)> = draft
            .items
            .iter()
            .filter(|m| !m.ticked)
            .map(|m| (m.item.clone(), m.remark.clone()))
            .collect();
        let notice_lines = casedesk_domain::permit::notice_lines(&assessment.missing, &not_met);
        let editable = verdict.is_none() && class.is_some() && self.open_after_closure(&a)?;
        Ok(ReviewView {
            application_id: a.application_id.clone(),
            carrier_name: a.submission.carrier.name.clone(),
            day: a.day.clone(),
            class,
            checklist: class
                .map(|c| checklist().items_for(c).into_iter().cloned().collect())
                .unwrap_or_default(),
            notice: self.notice_clock(&a, verdict.as_ref()),
            draft,
            verdict,
            refused_code: local.and_then(|l| l.refused_code),
            editable,
            missing: assessment
                .missing
                .iter()
                .copied()
                .map(MaterialItem::from)
                .collect(),
            materials: a.materials.iter().map(PresentMaterial::from).collect(),
            notice_lines,
        })
    }

    /// The application's class for a review, refused when it needs no permit.
    fn review_class(&self, a: &ApplicationChange) -> Result<PermitClass, AppError> {
        a.assess()?.classification.class.ok_or_else(|| {
            AppError::invalid(MessageKey::PermitNoPermitNeeded).with("id", a.application_id.clone())
        })
    }

    /// Only those who review permits ([`Role::rights`]): the hub refuses anyone else, so the
    /// desk says so before anything is kept.
    pub(crate) fn check_reviewer(&self) -> Result<(), AppError> {
        let role = self.profile.role;
        if role.rights().review_permits {
            return Ok(());
        }
        Err(
            AppError::new(ErrorCode::RefusedTransition, MessageKey::ReviewNotReviewer)
                .with("role", role),
        )
    }

    /// Keeps the reviewer's marks and notes (nothing lost on a crash); refused once decided.
    pub fn save_permit_review(
        &mut self,
        id: &str,
        draft: &ReviewDraft,
    ) -> Result<ReviewView, AppError> {
        self.check_reviewer()?;
        let a = self.cached_application(id)?;
        let class = self.review_class(&a)?;
        self.check_open_for_review(&a)?;
        let checked = check_draft(class, draft, &a.file_hashes())?;
        let now = self.now_text();
        self.store
            .save_review_draft(&a.application_id, &checked, &now)?;
        self.permit_review(&a.application_id)
    }

    /// A review is worked on while the application has no verdict (the hub's, or one given
    /// here and not refused) and its day is open (or a pause carried it over).
    pub(crate) fn check_open_for_review(&self, a: &ApplicationChange) -> Result<(), AppError> {
        if let Some(v) = verdict_of(a, self.store.permit_review(&a.application_id)?.as_ref()) {
            return Err(AppError::new(
                ErrorCode::RefusedTransition,
                MessageKey::ReviewAlreadyDecided,
            )
            .with("by", v.decided_by)
            .with("verdict", v.verdict));
        }
        self.check_day_open_for(a)
    }

    /// Gives the verdict on the draft: checked by the domain's rule (as the hub checks it
    /// again), kept with its outbox mutation in one transaction, sent by the next sync.
    pub fn decide_permit_review(
        &mut self,
        id: &str,
        verdict: Verdict,
        draft: &ReviewDraft,
    ) -> Result<ReviewView, AppError> {
        self.check_reviewer()?;
        let a = self.cached_application(id)?;
        let class = self.review_class(&a)?;
        self.check_open_for_review(&a)?;
        let missing = a.assess()?.missing;
        let review: Review = check_review(class, verdict, draft, &missing, &a.file_hashes())?;
        let now = self.now_text();
        let by = self.profile.user_name.clone();
        let device_id = self.device_id.clone();
        self.store
            .record_review(&a.application_id, &review, &by, &now, &device_id)?;
        self.permit_review(&a.application_id)
    }

    /// The one-time notice (一次性告知书) of an application sent back for more material, as PDF
    /// at `out`: every missing material and checklist item not met at once, the due date, and
    /// what a late notice means. Written whole or not at all (a temporary file renamed).
    pub fn permit_notice(&self, id: &str, out: &Path) -> Result<NoticeWritten, AppError> {
        let a = self.cached_application(id)?;
        let local = self.store.permit_review(&a.application_id)?;
        let verdict = verdict_of(&a, local.as_ref());
        let Some(v) = verdict.filter(|v| v.verdict == Verdict::MoreMaterial) else {
            return Err(AppError::new(
                ErrorCode::RefusedTransition,
                MessageKey::NoticeNeedsMoreMaterial,
            )
            .with("id", a.application_id.clone()));
        };
        let missing = a.assess()?.missing;
        let lines = notice_lines(&missing, &current_review(&a, local.as_ref()).not_met());
        let clock = self.notice_clock(&a, Some(&v));
        let issued_on = clock.given_on.unwrap_or_else(|| self.today());
        let service_point = service_point_name(&a.submission.service_point);
        let s = &a.submission;
        let notice = OneTimeNotice {
            service_point,
            notice_no: format!("〔{}〕{} 号", issued_on.format("%Y"), a.application_id),
            application_id: a.application_id.clone(),
            carrier: s.carrier.name.clone(),
            carrier_credit_id: s.carrier.credit_id.clone(),
            tractor_plate: s.tractor_plate.clone(),
            trailer_plate: s.trailer_plate.clone(),
            goods: s.goods.clone(),
            received_on: clock.received_on,
            notice_due: clock.due,
            issued_on,
            reviewer: v.decided_by.clone(),
            decided_at: v.decided_at.clone(),
            items: lines
                .iter()
                .map(|l| NoticeItem {
                    text: l.zh.clone(),
                    remark: l.remark.clone(),
                })
                .collect(),
        };
        let pdf = Typesetter::shared()?.notice_pdf(&notice)?;
        write_whole(out, &pdf)?;
        Ok(NoticeWritten {
            path: out.display().to_string(),
            bytes: pdf.len() as u64,
            lines,
            notice_due: clock.due,
            issued_on,
            late: notice.late(),
        })
    }
}

/// Writes `bytes` to `path` through a temporary file beside it, so a crash leaves the old file
/// or the new one, never half of it.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    let failed = |e: std::io::Error| {
        AppError::new(ErrorCode::Storage, MessageKey::NoticeSaveFailed)
            .with("path", path.display().to_string())
            .with("detail", e.to_string())
    };
    let mut tmp: PathBuf = path.to_path_buf();
    tmp.as_mut_os_string().push(".part");
    std::fs::write(&tmp, bytes).map_err(failed)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        failed(e)
    })
}
