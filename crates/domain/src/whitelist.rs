//! The interception whitelist (白名单): vehicles that are, in principle, not intercepted.
//!
//! DOMAIN.md: a coach intercepted two or more times with nothing illegal found and with no
//! violation or dishonesty record is *proposed*, and a supervisor approves or declines it;
//! enterprise self-use vehicles and compliant vehicles rented for a large event (for the
//! event's dates) are added by a supervisor. Every entry has its kind, reason, who decided,
//! from when and until when, and can be revoked with a reason.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use ts_rs::TS;

use crate::industry::Industry;
use crate::text::{self, TextError, TextField};
use crate::work_order::Role;

/// Clean interceptions after which a coach is proposed.
pub const CLEAN_INTERCEPTIONS: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum WhitelistKind {
    /// Proposed after repeated interceptions with nothing illegal found.
    RepeatedCleanInterception,
    EnterpriseSelfUse,
    LargeEventRental,
}

impl WhitelistKind {
    pub const ALL: [WhitelistKind; 3] = [
        WhitelistKind::RepeatedCleanInterception,
        WhitelistKind::EnterpriseSelfUse,
        WhitelistKind::LargeEventRental,
    ];

    pub fn code(self) -> &'static str {
        match self {
            WhitelistKind::RepeatedCleanInterception => "repeated_clean_interception",
            WhitelistKind::EnterpriseSelfUse => "enterprise_self_use",
            WhitelistKind::LargeEventRental => "large_event_rental",
        }
    }

    pub fn from_code(code: &str) -> Option<WhitelistKind> {
        WhitelistKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            WhitelistKind::RepeatedCleanInterception => "经2次及以上拦截未发现违法行为的客车",
            WhitelistKind::EnterpriseSelfUse => "企业自用车辆",
            WhitelistKind::LargeEventRental => "大型活动租用的合规车辆",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            WhitelistKind::RepeatedCleanInterception => {
                "coach intercepted twice or more with nothing illegal found"
            }
            WhitelistKind::EnterpriseSelfUse => "enterprise self-use vehicle",
            WhitelistKind::LargeEventRental => "compliant vehicle rented for a large event",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum WhitelistStatus {
    /// 待审批: proposed by the rule, waiting for a supervisor.
    Proposed,
    /// 有效 (or not yet begun / ended by its dates: see [`WhitelistEntry::in_force`]).
    Approved,
    /// 不予纳入
    Declined,
    /// 已撤销
    Revoked,
}

impl WhitelistStatus {
    pub fn code(self) -> &'static str {
        match self {
            WhitelistStatus::Proposed => "proposed",
            WhitelistStatus::Approved => "approved",
            WhitelistStatus::Declined => "declined",
            WhitelistStatus::Revoked => "revoked",
        }
    }

    pub fn from_code(code: &str) -> Option<WhitelistStatus> {
        [
            WhitelistStatus::Proposed,
            WhitelistStatus::Approved,
            WhitelistStatus::Declined,
            WhitelistStatus::Revoked,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// One whitelist entry of a vehicle, from proposal or addition to its end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WhitelistEntry {
    pub plate: String,
    pub kind: WhitelistKind,
    pub status: WhitelistStatus,
    /// Why the vehicle was proposed or added.
    pub reason: String,
    /// The large event a rented vehicle serves.
    pub event_name: Option<String>,
    pub valid_from: NaiveDate,
    /// Last day in force (an event rental ends with its event).
    pub valid_until: Option<NaiveDate>,
    /// Who approved, declined or added it, and why.
    pub decided_by: Option<String>,
    pub decision_reason: Option<String>,
    pub revoked_by: Option<String>,
    pub revoke_reason: Option<String>,
}

impl WhitelistEntry {
    /// Whether the entry exempts the vehicle from interception on `day`.
    pub fn in_force(&self, day: NaiveDate) -> bool {
        self.status == WhitelistStatus::Approved
            && self.valid_from <= day
            && self.valid_until.is_none_or(|until| day <= until)
    }
}

/// What the proposal rule looks at in a vehicle's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VehicleRecord {
    /// None for a vehicle with no licensed enterprise.
    pub industry: Option<Industry>,
    /// Interceptions with nothing illegal found.
    pub clean_interceptions: u32,
    /// Interceptions that found a violation, and orders closed as a confirmed violation.
    pub violations: u32,
    /// The vehicle or its enterprise is on the dishonest list.
    pub dishonest: bool,
    /// It already has an entry that is proposed or approved.
    pub has_open_entry: bool,
}

/// The reason the system writes on an entry it proposes. Stored and sent to the hub as it is;
/// the window shows it in English from the catalogue entry `whitelistReason.clean_interceptions`,
/// whose Chinese text is this (tested in casedesk-app's message module).
pub fn clean_interceptions_reason(n: u32) -> String {
    format!("{n} 次拦截未发现违法行为，无违法失信记录")
}

/// The entry the rule proposes for this vehicle now, if any.
pub fn proposal(plate: &str, record: &VehicleRecord, today: NaiveDate) -> Option<WhitelistEntry> {
    let coach = matches!(
        record.industry,
        Some(Industry::ScheduledCoach | Industry::CharterCoach)
    );
    if !coach
        || record.clean_interceptions < CLEAN_INTERCEPTIONS
        || record.violations > 0
        || record.dishonest
        || record.has_open_entry
    {
        return None;
    }
    Some(WhitelistEntry {
        plate: plate.to_string(),
        kind: WhitelistKind::RepeatedCleanInterception,
        status: WhitelistStatus::Proposed,
        reason: clean_interceptions_reason(record.clean_interceptions),
        event_name: None,
        valid_from: today,
        valid_until: None,
        decided_by: None,
        decision_reason: None,
        revoked_by: None,
        revoke_reason: None,
    })
}

/// A supervisor's decision on the whitelist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum WhitelistAction {
    Approve {
        reason: String,
    },
    Decline {
        reason: String,
    },
    /// Adds a self-use vehicle or an event rental (the rule proposes the other kind).
    Add {
        kind: WhitelistKind,
        reason: String,
        event_name: Option<String>,
        valid_from: NaiveDate,
        valid_until: Option<NaiveDate>,
    },
    Revoke {
        reason: String,
    },
}

impl WhitelistAction {
    pub fn code(&self) -> &'static str {
        match self {
            WhitelistAction::Approve { .. } => "whitelist_approve",
            WhitelistAction::Decline { .. } => "whitelist_decline",
            WhitelistAction::Add { .. } => "whitelist_add",
            WhitelistAction::Revoke { .. } => "whitelist_revoke",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WhitelistError {
    #[error("only a supervisor decides on the whitelist")]
    NotSupervisor,
    #[error("the entry is {} and cannot be {action}", status.code())]
    WrongStatus {
        status: WhitelistStatus,
        action: &'static str,
    },
    #[error("vehicle {plate} already has a whitelist entry that is proposed or in force")]
    AlreadyListed { plate: String },
    #[error("{} is proposed by the interception rule, not added by hand", kind.name_en())]
    NotAddable { kind: WhitelistKind },
    #[error("an event rental needs the event's name and its last day")]
    EventDetailsRequired,
    #[error("the entry would end ({until}) before it begins ({from})")]
    EndsBeforeItBegins { from: NaiveDate, until: NaiveDate },
    #[error("the date {date} is outside today ({today}) to two years ahead")]
    DateOutOfRange { date: NaiveDate, today: NaiveDate },
    #[error("{0}")]
    Text(#[from] TextError),
}

/// How far ahead a date may be set: a typo (2062 for 2026) is refused, not kept for decades.
pub const MAX_DAYS_AHEAD: i64 = 2 * 366;

/// Applies a supervisor's decision to a vehicle's current entry (None when it has none open),
/// returning the entry as it is afterwards.
pub fn decide(
    plate: &str,
    current: Option<&WhitelistEntry>,
    role: Role,
    actor: &str,
    action: &WhitelistAction,
    today: NaiveDate,
) -> Result<WhitelistEntry, WhitelistError> {
    if !role.rights().decide_whitelist {
        return Err(WhitelistError::NotSupervisor);
    }
    let in_range = |d: NaiveDate| {
        if d < today - Duration::days(MAX_DAYS_AHEAD) || d > today + Duration::days(MAX_DAYS_AHEAD)
        {
            Err(WhitelistError::DateOutOfRange { date: d, today })
        } else {
            Ok(())
        }
    };
    match action {
        WhitelistAction::Approve { reason } | WhitelistAction::Decline { reason } => {
            let approve = matches!(action, WhitelistAction::Approve { .. });
            let reason = text::required(TextField::Reason, reason)?;
            let entry = current.filter(|e| e.status == WhitelistStatus::Proposed);
            let Some(entry) = entry else {
                return Err(WhitelistError::WrongStatus {
                    status: current.map_or(WhitelistStatus::Revoked, |e| e.status),
                    action: if approve { "approved" } else { "declined" },
                });
            };
            let mut out = entry.clone();
            out.status = if approve {
                WhitelistStatus::Approved
            } else {
                WhitelistStatus::Declined
            };
            out.valid_from = today;
            out.decided_by = Some(actor.to_string());
            out.decision_reason = Some(reason);
            Ok(out)
        }
        WhitelistAction::Add {
            kind,
            reason,
            event_name,
            valid_from,
            valid_until,
        } => {
            if *kind == WhitelistKind::RepeatedCleanInterception {
                return Err(WhitelistError::NotAddable { kind: *kind });
            }
            if current.is_some_and(|e| {
                matches!(
                    e.status,
                    WhitelistStatus::Proposed | WhitelistStatus::Approved
                ) && e.valid_until.is_none_or(|u| u >= today)
            }) {
                return Err(WhitelistError::AlreadyListed {
                    plate: plate.to_string(),
                });
            }
            let reason = text::required(TextField::Reason, reason)?;
            let event_name = match kind {
                WhitelistKind::LargeEventRental => {
                    let name =
                        text::optional(TextField::EventName, event_name.as_deref().unwrap_or(""))?;
                    if name.is_empty() || valid_until.is_none() {
                        return Err(WhitelistError::EventDetailsRequired);
                    }
                    Some(name)
                }
                _ => None,
            };
            in_range(*valid_from)?;
            if let Some(until) = valid_until {
                in_range(*until)?;
                if until < valid_from {
                    return Err(WhitelistError::EndsBeforeItBegins {
                        from: *valid_from,
                        until: *until,
                    });
                }
            }
            Ok(WhitelistEntry {
                plate: plate.to_string(),
                kind: *kind,
                status: WhitelistStatus::Approved,
                reason: reason.clone(),
                event_name,
                valid_from: *valid_from,
                valid_until: *valid_until,
                decided_by: Some(actor.to_string()),
                decision_reason: Some(reason),
                revoked_by: None,
                revoke_reason: None,
            })
        }
        WhitelistAction::Revoke { reason } => {
            let reason = text::required(TextField::Reason, reason)?;
            let Some(entry) = current.filter(|e| e.status == WhitelistStatus::Approved) else {
                return Err(WhitelistError::WrongStatus {
                    status: current.map_or(WhitelistStatus::Revoked, |e| e.status),
                    action: "revoked",
                });
            };
            let mut out = entry.clone();
            out.status = WhitelistStatus::Revoked;
            out.revoked_by = Some(actor.to_string());
            out.revoke_reason = Some(reason);
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    fn coach(clean: u32) -> VehicleRecord {
        VehicleRecord {
            industry: Some(Industry::ScheduledCoach),
            clean_interceptions: clean,
            violations: 0,
            dishonest: false,
            has_open_entry: false,
        }
    }

    #[test]
    fn a_coach_is_proposed_after_exactly_two_clean_interceptions() {
        let today = day("2026-11-29");
        assert_eq!(proposal("豫G12345", &coach(1), today), None);
        let p = proposal("豫G12345", &coach(2), today).expect("proposed");
        assert_eq!(p.kind, WhitelistKind::RepeatedCleanInterception);
        assert_eq!(p.status, WhitelistStatus::Proposed);
        assert!(!p.in_force(today), "a proposal exempts nothing");
    }

    #[test]
    fn no_proposal_with_a_violation_or_dishonesty_record_or_for_a_truck() {
        let today = day("2026-11-29");
        let mut r = coach(2);
        r.violations = 1;
        assert_eq!(proposal("豫G12345", &r, today), None);
        let mut r = coach(3);
        r.dishonest = true;
        assert_eq!(proposal("豫G12345", &r, today), None);
        let mut r = coach(3);
        r.industry = Some(Industry::GeneralFreight);
        assert_eq!(proposal("豫G12345", &r, today), None);
        let mut r = coach(3);
        r.industry = None;
        assert_eq!(proposal("豫G12345", &r, today), None, "unlicensed");
        let mut r = coach(3);
        r.has_open_entry = true;
        assert_eq!(proposal("豫G12345", &r, today), None, "already proposed");
    }

    #[test]
    fn a_supervisor_approves_declines_and_revokes_with_reasons() {
        let today = day("2026-11-29");
        let p = proposal("豫G12345", &coach(2), today).expect("proposed");
        let approve = WhitelistAction::Approve {
            reason: "核实无违法记录".into(),
        };
        assert_eq!(
            decide(
                "豫G12345",
                Some(&p),
                Role::CountyOfficer,
                "张伟",
                &approve,
                today
            ),
            Err(WhitelistError::NotSupervisor)
        );
        let blank = WhitelistAction::Approve { reason: " ".into() };
        assert!(matches!(
            decide(
                "豫G12345",
                Some(&p),
                Role::Supervisor,
                "王主任",
                &blank,
                today
            ),
            Err(WhitelistError::Text(_))
        ));
        let e = decide(
            "豫G12345",
            Some(&p),
            Role::Supervisor,
            "王主任",
            &approve,
            today,
        )
        .expect("approved");
        assert!(e.in_force(today));
        assert_eq!(e.decided_by.as_deref(), Some("王主任"));
        // Approving twice is refused; revoking ends it.
        assert!(decide(
            "豫G12345",
            Some(&e),
            Role::Supervisor,
            "王主任",
            &approve,
            today
        )
        .is_err());
        let revoke = WhitelistAction::Revoke {
            reason: "发现违法行为".into(),
        };
        let r = decide(
            "豫G12345",
            Some(&e),
            Role::Supervisor,
            "王主任",
            &revoke,
            today,
        )
        .expect("revoked");
        assert!(!r.in_force(today));
        assert_eq!(r.revoke_reason.as_deref(), Some("发现违法行为"));
        let decline = WhitelistAction::Decline {
            reason: "近期有投诉".into(),
        };
        let d = decide(
            "豫G12345",
            Some(&p),
            Role::Supervisor,
            "王主任",
            &decline,
            today,
        )
        .expect("declined");
        assert_eq!(d.status, WhitelistStatus::Declined);
        assert!(!d.in_force(today));
    }

    #[test]
    fn an_event_rental_ends_with_its_event() {
        let today = day("2026-11-29");
        let add = WhitelistAction::Add {
            kind: WhitelistKind::LargeEventRental,
            reason: "马拉松赛事接驳".into(),
            event_name: Some("2026郑州马拉松".into()),
            valid_from: day("2026-12-01"),
            valid_until: Some(day("2026-12-03")),
        };
        let e = decide("豫A12345", None, Role::Supervisor, "王主任", &add, today).expect("added");
        assert!(!e.in_force(day("2026-11-30")), "not yet");
        assert!(e.in_force(day("2026-12-01")));
        assert!(e.in_force(day("2026-12-03")));
        assert!(!e.in_force(day("2026-12-04")), "ended with the event");
        // An event without its dates or name is refused, as is an end before the start.
        let mut no_end = add.clone();
        if let WhitelistAction::Add { valid_until, .. } = &mut no_end {
            *valid_until = None;
        }
        assert_eq!(
            decide("豫A12345", None, Role::Supervisor, "王主任", &no_end, today),
            Err(WhitelistError::EventDetailsRequired)
        );
        let mut backwards = add.clone();
        if let WhitelistAction::Add { valid_until, .. } = &mut backwards {
            *valid_until = Some(day("2026-11-30"));
        }
        assert!(matches!(
            decide(
                "豫A12345",
                None,
                Role::Supervisor,
                "王主任",
                &backwards,
                today
            ),
            Err(WhitelistError::EndsBeforeItBegins { .. })
        ));
        // A second entry while one is in force is refused; after it ended, allowed.
        assert!(matches!(
            decide(
                "豫A12345",
                Some(&e),
                Role::Supervisor,
                "王主任",
                &add,
                today
            ),
            Err(WhitelistError::AlreadyListed { .. })
        ));
        let self_use = WhitelistAction::Add {
            kind: WhitelistKind::EnterpriseSelfUse,
            reason: "企业通勤班车".into(),
            event_name: None,
            valid_from: today,
            valid_until: None,
        };
        assert!(decide(
            "豫A12345",
            Some(&e),
            Role::Supervisor,
            "王主任",
            &self_use,
            day("2026-12-05")
        )
        .is_ok());
        let rule_kind = WhitelistAction::Add {
            kind: WhitelistKind::RepeatedCleanInterception,
            reason: "x".into(),
            event_name: None,
            valid_from: today,
            valid_until: None,
        };
        assert!(matches!(
            decide(
                "豫A12345",
                None,
                Role::Supervisor,
                "王主任",
                &rule_kind,
                today
            ),
            Err(WhitelistError::NotAddable { .. })
        ));
    }
}
