//! The permit desk's day at the desk (大件运输): the service point's applications as the last
//! sync pulled them, each with what the domain computes for it (over the limit or not, class,
//! the decision clock, required against present materials, the fast track, the reasons it is
//! checked on top of the random share, and whether the day's draw took it), and the day's
//! commitment, revealed seed and draw, verified here with `casedesk_domain::permit::verify`
//! over the desk's own list: a hub that changed the seed, the list or the draw is caught.

use casedesk_domain::permit::deadline::{acceptance, decision_clock, Acceptance, Intake};
use casedesk_domain::permit::eligibility::{fast_track_refusals, CarrierRecord, FastTrackRefusal};
use casedesk_domain::permit::materials::{Material, Track, Trips};
use casedesk_domain::permit::sample::{
    check_committed_in_time, on_top_reasons, Candidate, Draw, OnTopReason,
};
use casedesk_domain::permit::{
    open_pause, Classification, Declared, Pause, PauseReason, Route, Verdict,
};
use casedesk_domain::CreditCode;
use casedesk_sync::{HubClient, SyncError};
use casedesk_wire::{
    day_candidates, entries_at, ApplicationChange, DayApplication, DishonestEntry, MaterialFile,
    PermitDay,
};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{AppError, ErrorCode};
use crate::message::{MessageKey, Term};
use crate::permit::{sample_verify, MaterialItem};
use crate::permit_review::{verdict_of, NoticeClock, VerdictView};
use crate::sync::{not_signed_in, runtime};
use crate::Desk;

/// A service point's name, `长垣市大件运输申报服务点`, from its county code (the code itself when
/// the code is not a county's).
pub(crate) fn service_point_name(code: &str) -> String {
    casedesk_domain::Divisions::embedded()
        .county(code)
        .map(|(_, c)| format!("{}大件运输申报服务点", c.name))
        .unwrap_or_else(|| code.to_string())
}

/// The decision clock of an accepted application: statutory working days from acceptance,
/// less the working days of its pauses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct TimeLimitView {
    pub accepted_on: NaiveDate,
    pub limit_days: u32,
    /// None while an open-ended pause (reinforcement) holds the clock.
    pub due: Option<NaiveDate>,
    /// Working days left today (negative: overdue).
    #[ts(type = "number | null")]
    pub days_left: Option<i64>,
    /// Its pauses (加固改造, 技术评估), oldest first; the last may still be open.
    pub pauses: Vec<Pause>,
    /// Working days not counted because of them so far.
    pub paused_working_days: u32,
}

impl TimeLimitView {
    /// The pause holding the clock now, if any.
    pub fn open_pause(&self) -> Option<&Pause> {
        open_pause(&self.pauses)
    }
}

/// A file handed in: its material (code and names), and the file's metadata and hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PresentMaterial {
    #[ts(type = "string")]
    pub material: &'static str,
    #[ts(type = "string")]
    pub name_zh: &'static str,
    #[ts(type = "string")]
    pub name_en: &'static str,
    pub file_name: String,
    pub sha256: String,
    #[ts(type = "number")]
    pub size: u64,
    pub mime: String,
}

/// The carrier's credit as its application arrived (the platform's record on the hub).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CarrierStandingView {
    pub credit_code: Option<CreditCode>,
    /// Administrative penalties not repaired as of today.
    pub unrepaired_penalties: u32,
}

/// Whether the carrier may use the credit fast track (信用+申报), and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FastTrackView {
    /// The application asks for the fast track.
    pub requested: bool,
    pub eligible: bool,
    pub refusals: Vec<FastTrackRefusal>,
}

/// Whether the day's draw took an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Sampled {
    /// The day is not closed: no draw yet.
    NotDrawn,
    /// In the random share.
    Random,
    /// Added on top (red/yellow code, dishonest list, first application).
    OnTop,
    /// Drawn, and not taken.
    NotTaken,
}

/// One application with what the domain computes for it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ApplicationView {
    pub application_id: String,
    pub day: String,
    pub received_at: String,
    pub service_point: String,
    pub carrier_reference: String,
    pub carrier_name: String,
    pub carrier_credit_id: String,
    pub manufacturer_name: String,
    pub manufacturer_credit_id: String,
    pub goods: String,
    pub tractor_plate: String,
    pub trailer_plate: String,
    pub vehicle: Declared,
    pub route: Route,
    pub route_text: String,
    pub trips: Trips,
    pub track: Track,
    pub travel_from: NaiveDate,
    pub travel_to: NaiveDate,
    /// Article 3's test and article 15's class and time limit.
    pub classification: Classification,
    /// Accepted (the clock runs), or a one-time notice due (materials missing).
    pub acceptance: Acceptance,
    pub time_limit: Option<TimeLimitView>,
    pub required: Vec<MaterialItem>,
    pub missing: Vec<MaterialItem>,
    /// The files handed in (metadata and hash; the bytes are fetched later).
    pub materials: Vec<PresentMaterial>,
    /// The carrier's credit code and unrepaired penalties as the application arrived; None when
    /// the hub had no record of the carrier.
    pub carrier_standing: Option<CarrierStandingView>,
    pub fast_track: FastTrackView,
    pub on_top: Vec<OnTopReason>,
    pub sampled: Sampled,
    /// The review's verdict, from the hub or given here and not yet sent.
    pub verdict: Option<VerdictView>,
    /// The one-time notice's clock (5 working days from receipt).
    pub notice: NoticeClock,
}

impl From<&MaterialFile> for PresentMaterial {
    fn from(m: &MaterialFile) -> PresentMaterial {
        let known = Material::from_code(&m.material);
        PresentMaterial {
            material: known.map_or("", Material::code),
            name_zh: known.map_or("", Material::name_zh),
            name_en: known.map_or("", Material::name_en),
            file_name: m.file_name.clone(),
            sha256: m.sha256.clone(),
            size: m.size,
            mime: m.mime.clone(),
        }
    }
}

/// Why an application of the day is still open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum PendingReason {
    /// Complete and accepted: waiting for the review's verdict (it holds the closure).
    AwaitingVerdict,
    /// Materials missing and no notice yet: the one-time notice is due by `notice_due`.
    MaterialsMissing {
        missing: Vec<MaterialItem>,
        notice_due: NaiveDate,
    },
    /// Sent back for more material on `notice_given_on`; waiting for the carrier.
    AwaitingCorrection { notice_given_on: NaiveDate },
    /// Complete, its decision clock stopped since `since` for `pause_reason` (road works, an
    /// assessment): it does not hold the closure and stays open for review after it.
    ClockPaused {
        pause_reason: PauseReason,
        since: NaiveDate,
    },
}

/// An application of the day still open, and why.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PendingApplication {
    pub application_id: String,
    pub carrier_name: String,
    #[serde(flatten)]
    pub reason: PendingReason,
}

/// The day's report (日结报表): how many applications, decided (by verdict), sampled and
/// reviewed, and those still open with the reason.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(export)]
pub struct DayReport {
    #[ts(type = "number")]
    pub applications: usize,
    #[ts(type = "number")]
    pub decided: usize,
    #[ts(type = "number")]
    pub passed: usize,
    #[ts(type = "number")]
    pub refused: usize,
    #[ts(type = "number")]
    pub more_material: usize,
    /// Verdicts given at this desk and not yet on the hub.
    #[ts(type = "number")]
    pub unsynced: usize,
    /// Taken by the day's draw (random share and on top); 0 before closure.
    #[ts(type = "number")]
    pub sampled: usize,
    /// Sampled and decided.
    #[ts(type = "number")]
    pub sampled_reviewed: usize,
    /// Complete applications with no verdict: what holds the closure (日结).
    pub undecided: Vec<String>,
    pub pending: Vec<PendingApplication>,
}

impl DayReport {
    /// The report over the day's application views.
    pub fn of(apps: &[ApplicationView]) -> DayReport {
        let mut r = DayReport {
            applications: apps.len(),
            ..DayReport::default()
        };
        for a in apps {
            let sampled = matches!(a.sampled, Sampled::Random | Sampled::OnTop);
            if sampled {
                r.sampled += 1;
            }
            let paused = a.time_limit.as_ref().and_then(TimeLimitView::open_pause);
            match (&a.verdict, paused) {
                (Some(v), _) => {
                    r.decided += 1;
                    if sampled {
                        r.sampled_reviewed += 1;
                    }
                    if !v.synced {
                        r.unsynced += 1;
                    }
                    match v.verdict {
                        Verdict::Pass => r.passed += 1,
                        Verdict::Fail => r.refused += 1,
                        Verdict::MoreMaterial => {
                            r.more_material += 1;
                            r.pending.push(PendingApplication {
                                application_id: a.application_id.clone(),
                                carrier_name: a.carrier_name.clone(),
                                reason: PendingReason::AwaitingCorrection {
                                    notice_given_on: a
                                        .notice
                                        .given_on
                                        .unwrap_or(a.notice.received_on),
                                },
                            });
                        }
                    }
                }
                // Within every limit: no permit, nothing to decide.
                (None, _) if a.classification.class.is_none() => {}
                (None, Some(p)) => r.pending.push(PendingApplication {
                    application_id: a.application_id.clone(),
                    carrier_name: a.carrier_name.clone(),
                    reason: PendingReason::ClockPaused {
                        pause_reason: p.reason,
                        since: p.from,
                    },
                }),
                (None, None) if a.missing.is_empty() => {
                    r.undecided.push(a.application_id.clone());
                    r.pending.push(PendingApplication {
                        application_id: a.application_id.clone(),
                        carrier_name: a.carrier_name.clone(),
                        reason: PendingReason::AwaitingVerdict,
                    });
                }
                (None, None) => r.pending.push(PendingApplication {
                    application_id: a.application_id.clone(),
                    carrier_name: a.carrier_name.clone(),
                    reason: PendingReason::MaterialsMissing {
                        missing: a.missing.clone(),
                        notice_due: a.notice.due,
                    },
                }),
            }
        }
        r
    }
}

/// The outcome of the desk's check of a closed day.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Verification {
    /// The day is not closed: the seed is still secret.
    NotClosed,
    /// The seed is the committed one, the commitment came before the first application, and
    /// the draw is the seed's over the desk's own list.
    Verified,
    /// Something does not hold: the reason.
    Mismatch { error: AppError },
}

/// A service point's permit day at the desk.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PermitDayView {
    pub service_point: String,
    pub day: String,
    pub commitment: String,
    pub committed_at: String,
    pub seed: Option<String>,
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
    /// Applications of the day in the cache.
    #[ts(type = "number")]
    pub applications: usize,
    pub draw: Option<Draw>,
    pub verification: Verification,
    /// The day's report: decided, sampled and reviewed, pending with reasons.
    pub report: DayReport,
}

/// An application as the day's draw reads it, by the rule the hub draws with.
fn candidate(a: &ApplicationChange, entries: &[DishonestEntry], day: NaiveDate) -> Candidate {
    day_candidates(
        &[DayApplication::from(a)],
        entries,
        &a.submission.service_point,
        day,
    )
    .remove(0)
}

pub(crate) fn application_not_found(application_id: &str) -> AppError {
    AppError::new(ErrorCode::NotFound, MessageKey::PermitApplicationNotFound)
        .with("application_id", application_id)
}

fn stamp_time(s: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").ok()
}

/// Checks a closed day against the desk's own list of its applications and the dishonest-list
/// entries it has.
pub fn verify_day(
    day: &PermitDay,
    apps: &[ApplicationChange],
    entries: &[DishonestEntry],
) -> Verification {
    let (Some(seed), Some(draw)) = (&day.seed, &day.draw) else {
        return Verification::NotClosed;
    };
    let first = apps.iter().filter_map(|a| stamp_time(&a.received_at)).min();
    let in_time = stamp_time(&day.committed_at)
        .map(|published| check_committed_in_time(published, first).map_err(AppError::from));
    let Ok(date) = NaiveDate::parse_from_str(&day.day, "%Y-%m-%d") else {
        return Verification::Mismatch {
            error: AppError::internal(),
        };
    };
    let day_apps: Vec<DayApplication> = apps.iter().map(DayApplication::from).collect();
    let list = day_candidates(&day_apps, entries, &day.service_point, date);
    let checked = match in_time {
        Some(Err(e)) => Err(e),
        _ => sample_verify(&day.commitment, seed, &list, draw),
    };
    match checked {
        Ok(()) => Verification::Verified,
        Err(error) => Verification::Mismatch { error },
    }
}

impl Desk {
    /// The service point this desk works for: the profile's county.
    fn service_point(&self) -> &str {
        &self.profile.county_code
    }

    /// The day asked for (`YYYY-MM-DD`), today when none is given.
    fn permit_date(&self, day: Option<&str>) -> Result<String, AppError> {
        let date = match day {
            Some(d) => crate::work_orders::parse_date(d, Term::Date)?,
            None => self.today(),
        };
        Ok(date.format("%Y-%m-%d").to_string())
    }

    /// The day's applications (today by default) with what the domain computes for each.
    pub fn permit_applications(&self, day: Option<&str>) -> Result<Vec<ApplicationView>, AppError> {
        let key = self.permit_date(day)?;
        let apps = self.store.permit_applications(self.service_point(), &key)?;
        let drawn = self
            .store
            .permit_day(self.service_point(), &key)?
            .and_then(|d| d.draw);
        let entries = self.store.dishonest_entries(None)?;
        apps.iter()
            .map(|a| self.application_view(a, drawn.as_ref(), &entries))
            .collect()
    }

    /// One pulled application, whatever its day, with what the domain computes for it.
    pub fn permit_application(&self, application_id: &str) -> Result<ApplicationView, AppError> {
        let a = self
            .store
            .permit_application(application_id)?
            .ok_or_else(|| application_not_found(application_id))?;
        self.view_of(&a)
    }

    /// A pulled application as the list shows it, with its day's draw and the dishonest list.
    pub(crate) fn view_of(&self, a: &ApplicationChange) -> Result<ApplicationView, AppError> {
        let drawn = self
            .store
            .permit_day(&a.submission.service_point, &a.day)?
            .and_then(|d| d.draw);
        let entries = self.store.dishonest_entries(None)?;
        self.application_view(a, drawn.as_ref(), &entries)
    }

    fn application_view(
        &self,
        a: &ApplicationChange,
        drawn: Option<&Draw>,
        entries: &[DishonestEntry],
    ) -> Result<ApplicationView, AppError> {
        let s = &a.submission;
        let today = self.today();
        let assessment = a.assess()?;
        let classification = assessment.classification;
        let (required, missing) = (assessment.required, assessment.missing);
        let local = self.store.permit_review(&a.application_id)?;
        let verdict = verdict_of(a, local.as_ref());
        let notice = self.notice_clock(a, verdict.as_ref());
        let received_on = notice.received_on;
        let intake = match (&verdict, missing.is_empty()) {
            // More material: the one-time notice went back to the carrier that day.
            (Some(v), _) if v.verdict == Verdict::MoreMaterial => Intake::NoticeGiven {
                on: notice.given_on.unwrap_or(today),
                corrected_on: None,
            },
            (_, true) => Intake::Complete,
            (_, false) => Intake::Incomplete,
        };
        // The notice is dated on or after receipt: nothing to refuse.
        let accepted = acceptance(&self.calendar, received_on, intake, today)
            .map_err(|_| AppError::internal())?;
        let time_limit = match (accepted, classification.time_limit_days) {
            (Acceptance::Accepted { on, .. }, Some(limit)) => {
                // Pauses begin on or after arrival, which is the acceptance of a complete
                // application (the only kind whose clock may stop): nothing to refuse here.
                let clock = decision_clock(&self.calendar, on, limit, &a.pauses)
                    .map_err(|_| AppError::internal())?;
                Some(TimeLimitView {
                    accepted_on: on,
                    limit_days: limit,
                    due: clock.due,
                    days_left: clock.days_left(&self.calendar, &a.pauses, today),
                    pauses: a.pauses.clone(),
                    paused_working_days: clock.paused_working_days,
                })
            }
            _ => None,
        };
        // The penalties as the application arrived with them, and the list entries that hold
        // here now.
        let standing = a.carrier_standing.clone().unwrap_or_default();
        let record = CarrierRecord {
            penalties: standing.penalties,
            list_entries: entries_at(entries, &s.carrier.credit_id, &s.service_point),
        };
        let refusals = fast_track_refusals(&record, today);
        let day = NaiveDate::parse_from_str(&a.day, "%Y-%m-%d").unwrap_or(today);
        let c = candidate(a, entries, day);
        let sampled = match drawn {
            None => Sampled::NotDrawn,
            Some(d) if d.random.contains(&a.application_id) => Sampled::Random,
            Some(d)
                if d.on_top
                    .iter()
                    .any(|o| o.application_id == a.application_id) =>
            {
                Sampled::OnTop
            }
            Some(_) => Sampled::NotTaken,
        };
        Ok(ApplicationView {
            application_id: a.application_id.clone(),
            day: a.day.clone(),
            received_at: a.received_at.clone(),
            service_point: s.service_point.clone(),
            carrier_reference: s.carrier_reference.clone(),
            carrier_name: s.carrier.name.clone(),
            carrier_credit_id: s.carrier.credit_id.clone(),
            manufacturer_name: s.manufacturer.name.clone(),
            manufacturer_credit_id: s.manufacturer.credit_id.clone(),
            goods: s.goods.clone(),
            tractor_plate: s.tractor_plate.clone(),
            trailer_plate: s.trailer_plate.clone(),
            vehicle: s.vehicle,
            route: s.route,
            route_text: s.route_text.clone(),
            trips: s.trips,
            track: s.track,
            travel_from: s.travel_from,
            travel_to: s.travel_to,
            classification,
            acceptance: accepted,
            time_limit,
            required: required.into_iter().map(MaterialItem::from).collect(),
            missing: missing.into_iter().map(MaterialItem::from).collect(),
            materials: a.materials.iter().map(PresentMaterial::from).collect(),
            carrier_standing: a.carrier_standing.as_ref().map(|c| CarrierStandingView {
                credit_code: c.credit_code,
                unrepaired_penalties: record.unrepaired_penalties(today),
            }),
            fast_track: FastTrackView {
                requested: s.track == Track::CreditFastTrack,
                eligible: refusals.is_empty(),
                refusals,
            },
            on_top: on_top_reasons(&c),
            sampled,
            verdict,
            notice,
        })
    }

    /// 日结: closes the service point's day on the hub (desk staff only; it needs the network),
    /// which reveals the seed and stores the draw; then syncs, so the desk verifies the draw over
    /// the day's full list. A sync that fails after the closure leaves the closed day shown as
    /// far as this desk has it; the next sync completes it.
    pub fn close_permit_day(&mut self, day: Option<&str>) -> Result<PermitDayView, AppError> {
        let key = self.permit_date(day)?;
        let state = self.store.sync_state()?.ok_or_else(not_signed_in)?;
        if !state.role().is_some_and(|r| r.rights().close_permit_day) {
            return Err(AppError::new(
                ErrorCode::RefusedTransition,
                MessageKey::PermitCloseDeskStaffOnly,
            ));
        }
        // Closing waits for decisions: said here before asking the hub (which refuses too).
        let views = self.permit_applications(Some(&key))?;
        let undecided = DayReport::of(&views).undecided;
        if !undecided.is_empty() {
            return Err(AppError::new(
                ErrorCode::RefusedTransition,
                MessageKey::PermitCloseUndecided,
            )
            .with("count", undecided.len())
            .with("ids", undecided.join("、")));
        }
        // Verdicts given here go first, so the hub counts them; offline, the closure below says so.
        if self.store.outbox_len()? > 0 {
            let _ = self.sync();
        }
        let (mut client, account) = self.permit_hub()?;
        let service_point = self.service_point().to_string();
        let result = runtime()?.block_on(client.close_permit_day(&service_point, &key));
        let closed = self.permit_answer(&mut client, &account, result)?;
        self.store.save_permit_day(&closed)?;
        // The closure stands whatever the sync does; its own failure is reported by the next.
        let _ = self.sync();
        self.permit_day(Some(&key))?.ok_or_else(AppError::internal)
    }

    /// A client of the hub this desk is signed in to, and its token account.
    pub(crate) fn permit_hub(&self) -> Result<(HubClient, String), AppError> {
        let state = self.store.sync_state()?.ok_or_else(not_signed_in)?;
        let account = self.token_account(&state.hub_url, &state.username);
        let tokens = self.tokens.load(&account)?.ok_or_else(not_signed_in)?;
        Ok((HubClient::new(&state.hub_url)?.with_tokens(tokens), account))
    }

    /// The hub's answer to a permit-desk call: a rotated token kept, offline as "needs the hub".
    pub(crate) fn permit_answer<T>(
        &mut self,
        client: &mut HubClient,
        account: &str,
        result: Result<T, SyncError>,
    ) -> Result<T, AppError> {
        self.save_refreshed(client, account)?;
        match result {
            Ok(v) => Ok(v),
            Err(SyncError::Offline { url, .. }) => {
                Err(AppError::new(ErrorCode::Offline, MessageKey::PermitNeedsHub).with("url", url))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The day's commitment, and once closed its seed and draw with the desk's verification;
    /// None when the hub has not published the day (no sync since, or nothing asked for it).
    pub fn permit_day(&self, day: Option<&str>) -> Result<Option<PermitDayView>, AppError> {
        let key = self.permit_date(day)?;
        let Some(d) = self.store.permit_day(self.service_point(), &key)? else {
            return Ok(None);
        };
        let apps = self.store.permit_applications(self.service_point(), &key)?;
        let entries = self.store.dishonest_entries(None)?;
        let verification = verify_day(&d, &apps, &entries);
        let views = apps
            .iter()
            .map(|a| self.application_view(a, d.draw.as_ref(), &entries))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(PermitDayView {
            service_point: d.service_point,
            day: d.day,
            commitment: d.commitment,
            committed_at: d.committed_at,
            seed: d.seed,
            closed_at: d.closed_at,
            closed_by: d.closed_by,
            applications: apps.len(),
            draw: d.draw,
            verification,
            report: DayReport::of(&views),
        }))
    }
}
