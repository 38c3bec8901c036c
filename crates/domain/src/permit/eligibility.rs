//! Whether a carrier may use the credit fast track (信用+申报), and the dishonest-enterprise list
//! (失信企业库) it rests on.
//!
//! DOMAIN.md, case 7: an enterprise with 10 or more unrepaired administrative penalties (checked
//! on the national credit site) loses the fast track; the dishonest list has graded penalties,
//! up to losing the fast track, and credit repair (信用修复) with its conditions is the way back.
//! A refusal is a code with its parameters, never a built sentence: the message catalogues turn
//! it into Chinese or English.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::text::{self, TextError, TextField};

/// Unrepaired administrative penalties from which the fast track is refused.
pub const MAX_UNREPAIRED_PENALTIES: u32 = 10;

/// An administrative penalty (行政处罚) on the carrier's record; a repaired one no longer counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdministrativePenalty {
    pub decided_on: NaiveDate,
    /// The day its publicity was ended by credit repair, if it was.
    pub repaired_on: Option<NaiveDate>,
}

impl AdministrativePenalty {
    fn unrepaired_on(&self, today: NaiveDate) -> bool {
        self.decided_on <= today && self.repaired_on.is_none_or(|r| r > today)
    }
}

/// Most penalties one carrier's record may carry: far above any real record, low enough that
/// a malformed import cannot make one row huge.
pub const MAX_PENALTIES_PER_CARRIER: usize = 1_000;

/// Why a carrier's penalty record as the platform sent it cannot be kept.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PenaltyRecordError {
    #[error("a penalty decided on {decided} is dated after today ({today})")]
    DecidedInFuture {
        decided: NaiveDate,
        today: NaiveDate,
    },
    #[error("a penalty decided on {decided} is repaired on {repaired}, before its decision")]
    RepairedBeforeDecided {
        decided: NaiveDate,
        repaired: NaiveDate,
    },
    #[error("a repair dated {repaired} is after today ({today})")]
    RepairedInFuture {
        repaired: NaiveDate,
        today: NaiveDate,
    },
    #[error("{count} penalties, more than the {max} one record may carry")]
    TooMany { count: usize, max: usize },
}

impl PenaltyRecordError {
    pub fn code(&self) -> &'static str {
        match self {
            PenaltyRecordError::DecidedInFuture { .. } => "penalty_decided_in_future",
            PenaltyRecordError::RepairedBeforeDecided { .. } => "penalty_repaired_before_decided",
            PenaltyRecordError::RepairedInFuture { .. } => "penalty_repaired_in_future",
            PenaltyRecordError::TooMany { .. } => "too_many_penalties",
        }
    }
}

/// Checks a carrier's administrative penalties as recorded on `today`: no date ahead of today,
/// no repair before its decision. A record that fails is refused whole.
pub fn check_penalties(
    penalties: &[AdministrativePenalty],
    today: NaiveDate,
) -> Result<(), PenaltyRecordError> {
    if penalties.len() > MAX_PENALTIES_PER_CARRIER {
        return Err(PenaltyRecordError::TooMany {
            count: penalties.len(),
            max: MAX_PENALTIES_PER_CARRIER,
        });
    }
    for p in penalties {
        if p.decided_on > today {
            return Err(PenaltyRecordError::DecidedInFuture {
                decided: p.decided_on,
                today,
            });
        }
        if let Some(repaired) = p.repaired_on {
            if repaired < p.decided_on {
                return Err(PenaltyRecordError::RepairedBeforeDecided {
                    decided: p.decided_on,
                    repaired,
                });
            }
            if repaired > today {
                return Err(PenaltyRecordError::RepairedInFuture { repaired, today });
            }
        }
    }
    Ok(())
}

/// The graded penalties of the dishonest list, mildest first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS,
)]
#[serde(tag = "grade", rename_all = "snake_case")]
pub enum ListPenalty {
    /// 警示约谈: a warning; the fast track stays open.
    Warning,
    /// 重点核查: every application is checked (it is added to the day's sample).
    CloseChecks,
    /// 暂停信用+申报: the fast track is suspended until the day given (included).
    FastTrackSuspended { until: NaiveDate },
    /// 取消信用+申报: the fast track is removed until the entry is repaired.
    FastTrackRemoved,
}

impl ListPenalty {
    pub fn code(self) -> &'static str {
        match self {
            ListPenalty::Warning => "warning",
            ListPenalty::CloseChecks => "close_checks",
            ListPenalty::FastTrackSuspended { .. } => "fast_track_suspended",
            ListPenalty::FastTrackRemoved => "fast_track_removed",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ListPenalty::Warning => "警示约谈",
            ListPenalty::CloseChecks => "重点核查",
            ListPenalty::FastTrackSuspended { .. } => "暂停信用+申报",
            ListPenalty::FastTrackRemoved => "取消信用+申报",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            ListPenalty::Warning => "warning",
            ListPenalty::CloseChecks => "every application checked",
            ListPenalty::FastTrackSuspended { .. } => "fast track suspended",
            ListPenalty::FastTrackRemoved => "fast track removed",
        }
    }

    /// Whether, on `today`, the penalty closes the fast track.
    fn closes_fast_track(self, today: NaiveDate) -> bool {
        match self {
            ListPenalty::Warning | ListPenalty::CloseChecks => false,
            ListPenalty::FastTrackSuspended { until } => today <= until,
            ListPenalty::FastTrackRemoved => true,
        }
    }
}

/// One entry of the dishonest-enterprise list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListEntry {
    /// The dishonest behaviour recorded (e.g. a false measurement video).
    pub behaviour: String,
    pub penalty: ListPenalty,
    pub listed_on: NaiveDate,
    /// What the carrier must do to be repaired (e.g. rectification, a new commitment, a period
    /// without offence).
    pub repair_conditions: String,
    /// The day credit repair was recorded, if it was.
    pub repaired_on: Option<NaiveDate>,
}

/// The two texts of a list entry, named in [`ListEntryError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListEntryText {
    Behaviour,
    RepairConditions,
}

impl ListEntryText {
    pub fn code(self) -> &'static str {
        match self {
            ListEntryText::Behaviour => "behaviour",
            ListEntryText::RepairConditions => "repair_conditions",
        }
    }

    /// The text rule it follows (blank, length, control characters): [`crate::text`].
    fn rule(self) -> TextField {
        match self {
            ListEntryText::Behaviour => TextField::Description,
            ListEntryText::RepairConditions => TextField::Requirement,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ListEntryError {
    #[error("the {} must not be empty", part.code())]
    Empty { part: ListEntryText },
    #[error("the {} is {len} characters long, over the limit of {max}", part.code())]
    TooLong {
        part: ListEntryText,
        len: usize,
        max: usize,
    },
    #[error("the {} contains a control character (U+{code:04X})", part.code())]
    ControlCharacter { part: ListEntryText, code: u32 },
    #[error("the repair ({repaired}) cannot come before the listing ({listed})")]
    RepairedBeforeListed {
        listed: NaiveDate,
        repaired: NaiveDate,
    },
    #[error("the suspension would end ({until}) before the listing ({listed})")]
    SuspensionEndsBeforeListing { listed: NaiveDate, until: NaiveDate },
}

impl ListEntryError {
    pub fn code(&self) -> &'static str {
        match self {
            ListEntryError::Empty { .. } => "dishonest_list_text_empty",
            ListEntryError::TooLong { .. } => "dishonest_list_text_too_long",
            ListEntryError::ControlCharacter { .. } => "dishonest_list_text_control_character",
            ListEntryError::RepairedBeforeListed { .. } => "dishonest_list_repaired_before_listed",
            ListEntryError::SuspensionEndsBeforeListing { .. } => {
                "dishonest_list_suspension_ends_before_listing"
            }
        }
    }
}

fn entry_text(part: ListEntryText, value: &str) -> Result<String, ListEntryError> {
    text::required(part.rule(), value).map_err(|e| match e {
        TextError::Empty { .. } => ListEntryError::Empty { part },
        TextError::TooLong { len, max, .. } => ListEntryError::TooLong { part, len, max },
        TextError::ControlCharacter { code, .. } => ListEntryError::ControlCharacter { part, code },
    })
}

impl ListEntry {
    /// A new entry, its texts checked and trimmed.
    pub fn new(
        behaviour: &str,
        penalty: ListPenalty,
        listed_on: NaiveDate,
        repair_conditions: &str,
    ) -> Result<ListEntry, ListEntryError> {
        if let ListPenalty::FastTrackSuspended { until } = penalty {
            if until < listed_on {
                return Err(ListEntryError::SuspensionEndsBeforeListing {
                    listed: listed_on,
                    until,
                });
            }
        }
        Ok(ListEntry {
            behaviour: entry_text(ListEntryText::Behaviour, behaviour)?,
            penalty,
            listed_on,
            repair_conditions: entry_text(ListEntryText::RepairConditions, repair_conditions)?,
            repaired_on: None,
        })
    }

    /// Records credit repair on `on`: from that day the entry no longer counts.
    pub fn repair(&self, on: NaiveDate) -> Result<ListEntry, ListEntryError> {
        if on < self.listed_on {
            return Err(ListEntryError::RepairedBeforeListed {
                listed: self.listed_on,
                repaired: on,
            });
        }
        Ok(ListEntry {
            repaired_on: Some(on),
            ..self.clone()
        })
    }

    /// Listed and not yet repaired on `today`.
    pub fn in_force(&self, today: NaiveDate) -> bool {
        self.listed_on <= today && self.repaired_on.is_none_or(|r| r > today)
    }
}

/// What the desk knows of a carrier's credit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarrierRecord {
    pub penalties: Vec<AdministrativePenalty>,
    pub list_entries: Vec<ListEntry>,
}

impl CarrierRecord {
    pub fn unrepaired_penalties(&self, today: NaiveDate) -> u32 {
        let n = self
            .penalties
            .iter()
            .filter(|p| p.unrepaired_on(today))
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// On the dishonest list on `today`, with any grade (the day's sample adds such carriers).
    pub fn is_listed(&self, today: NaiveDate) -> bool {
        self.list_entries.iter().any(|e| e.in_force(today))
    }
}

/// Why the fast track is refused: a stable code and its parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum FastTrackRefusal {
    /// 10 or more administrative penalties not repaired.
    TooManyUnrepairedPenalties { unrepaired: u32, threshold: u32 },
    /// An entry of the dishonest list whose penalty closes the fast track.
    OnDishonestList {
        behaviour: String,
        penalty: ListPenalty,
        listed_on: NaiveDate,
        repair_conditions: String,
    },
}

impl FastTrackRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            FastTrackRefusal::TooManyUnrepairedPenalties { .. } => "too_many_unrepaired_penalties",
            FastTrackRefusal::OnDishonestList { .. } => "on_dishonest_list",
        }
    }
}

/// Every reason the carrier may not use the fast track on `today`; empty when it may.
pub fn fast_track_refusals(record: &CarrierRecord, today: NaiveDate) -> Vec<FastTrackRefusal> {
    let mut refusals = Vec::new();
    let unrepaired = record.unrepaired_penalties(today);
    if unrepaired >= MAX_UNREPAIRED_PENALTIES {
        refusals.push(FastTrackRefusal::TooManyUnrepairedPenalties {
            unrepaired,
            threshold: MAX_UNREPAIRED_PENALTIES,
        });
    }
    refusals.extend(
        record
            .list_entries
            .iter()
            .filter(|e| e.in_force(today) && e.penalty.closes_fast_track(today))
            .map(|e| FastTrackRefusal::OnDishonestList {
                behaviour: e.behaviour.clone(),
                penalty: e.penalty,
                listed_on: e.listed_on,
                repair_conditions: e.repair_conditions.clone(),
            }),
    );
    refusals
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn penalty_records_are_checked_whole() {
        let today = d("2026-11-30");
        let ok = penalties(3, Some(d("2026-06-01")));
        assert_eq!(check_penalties(&ok, today), Ok(()));
        assert_eq!(check_penalties(&[], today), Ok(()));
        let future = [AdministrativePenalty {
            decided_on: d("2026-12-01"),
            repaired_on: None,
        }];
        assert_eq!(
            check_penalties(&future, today).map_err(|e| e.code()),
            Err("penalty_decided_in_future")
        );
        let backwards = penalties(1, Some(d("2026-02-01")));
        assert_eq!(
            check_penalties(&backwards, today).map_err(|e| e.code()),
            Err("penalty_repaired_before_decided")
        );
        let repaired_later = penalties(1, Some(d("2026-12-31")));
        assert_eq!(
            check_penalties(&repaired_later, today).map_err(|e| e.code()),
            Err("penalty_repaired_in_future")
        );
        // Repaired on the day of the decision is allowed (publicity ended at once).
        assert_eq!(
            check_penalties(&penalties(1, Some(d("2026-03-01"))), today),
            Ok(())
        );
        let many = penalties(MAX_PENALTIES_PER_CARRIER + 1, None);
        assert_eq!(
            check_penalties(&many, today).map_err(|e| e.code()),
            Err("too_many_penalties")
        );
    }

    fn penalties(n: usize, repaired_on: Option<NaiveDate>) -> Vec<AdministrativePenalty> {
        vec![
            AdministrativePenalty {
                decided_on: d("2026-03-01"),
                repaired_on,
            };
            n
        ]
    }

    fn entry(penalty: ListPenalty, repaired_on: Option<NaiveDate>) -> ListEntry {
        let e = ListEntry::new(
            " 测量视频剪辑拼接 ",
            penalty,
            d("2026-06-01"),
            "整改完毕并重新签署信用承诺书",
        )
        .expect("valid entry");
        match repaired_on {
            Some(on) => e.repair(on).expect("repaired after listing"),
            None => e,
        }
    }

    #[test]
    fn list_entries_are_checked_when_made_and_repaired() {
        let e = entry(ListPenalty::Warning, None);
        assert_eq!(e.behaviour, "测量视频剪辑拼接", "trimmed");
        assert_eq!(
            ListEntry::new("  ", ListPenalty::Warning, d("2026-06-01"), "整改"),
            Err(ListEntryError::Empty {
                part: ListEntryText::Behaviour
            })
        );
        assert!(matches!(
            ListEntry::new(
                "伪造",
                ListPenalty::Warning,
                d("2026-06-01"),
                &"字".repeat(1001)
            ),
            Err(ListEntryError::TooLong {
                part: ListEntryText::RepairConditions,
                max: 1000,
                ..
            })
        ));
        assert_eq!(
            ListEntry::new(
                "伪造",
                ListPenalty::FastTrackSuspended {
                    until: d("2026-05-31")
                },
                d("2026-06-01"),
                "整改"
            )
            .map_err(|e| e.code()),
            Err("dishonest_list_suspension_ends_before_listing")
        );
        assert_eq!(
            e.repair(d("2026-05-31")).map_err(|e| e.code()),
            Err("dishonest_list_repaired_before_listed")
        );
        assert_eq!(
            e.repair(d("2026-06-01")).map(|r| r.repaired_on),
            Ok(Some(d("2026-06-01")))
        );
    }

    #[test]
    fn nine_unrepaired_penalties_keep_the_fast_track_ten_and_eleven_lose_it() {
        let today = d("2026-11-30");
        let with = |n| CarrierRecord {
            penalties: penalties(n, None),
            ..CarrierRecord::default()
        };
        assert!(fast_track_refusals(&with(9), today).is_empty());
        for n in [10, 11] {
            let r = fast_track_refusals(&with(n), today);
            assert_eq!(
                r,
                vec![FastTrackRefusal::TooManyUnrepairedPenalties {
                    unrepaired: n as u32,
                    threshold: 10
                }]
            );
            assert_eq!(r[0].code(), "too_many_unrepaired_penalties");
        }
    }

    #[test]
    fn repaired_penalties_no_longer_count() {
        let today = d("2026-11-30");
        let mut record = CarrierRecord {
            penalties: penalties(10, None),
            ..CarrierRecord::default()
        };
        record.penalties[0].repaired_on = Some(d("2026-11-30"));
        assert_eq!(record.unrepaired_penalties(today), 9);
        assert!(fast_track_refusals(&record, today).is_empty());
        // The day before the repair, it still counted.
        assert_eq!(fast_track_refusals(&record, d("2026-11-29")).len(), 1);
        // A penalty decided after `today` is not on the record yet.
        record.penalties[1].decided_on = d("2026-12-01");
        assert_eq!(record.unrepaired_penalties(d("2026-11-29")), 9);
    }

    #[test]
    fn only_the_grades_that_close_the_fast_track_refuse_it() {
        let today = d("2026-11-30");
        for mild in [ListPenalty::Warning, ListPenalty::CloseChecks] {
            let record = CarrierRecord {
                list_entries: vec![entry(mild, None)],
                ..CarrierRecord::default()
            };
            assert!(fast_track_refusals(&record, today).is_empty(), "{mild:?}");
            assert!(record.is_listed(today), "still on the list");
        }
        let removed = CarrierRecord {
            list_entries: vec![entry(ListPenalty::FastTrackRemoved, None)],
            ..CarrierRecord::default()
        };
        let r = fast_track_refusals(&removed, today);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].code(), "on_dishonest_list");
        // The refusal carries what the notice must say, as parameters.
        let json = serde_json::to_value(&r[0]).expect("serialise");
        assert_eq!(json["code"], "on_dishonest_list");
        assert_eq!(json["penalty"]["grade"], "fast_track_removed");
        assert_eq!(json["repair_conditions"], "整改完毕并重新签署信用承诺书");
    }

    #[test]
    fn a_suspension_ends_on_its_last_day() {
        let suspended = CarrierRecord {
            list_entries: vec![entry(
                ListPenalty::FastTrackSuspended {
                    until: d("2026-12-31"),
                },
                None,
            )],
            ..CarrierRecord::default()
        };
        assert_eq!(fast_track_refusals(&suspended, d("2026-12-31")).len(), 1);
        assert!(fast_track_refusals(&suspended, d("2027-01-01")).is_empty());
    }

    #[test]
    fn credit_repair_restores_the_fast_track() {
        let mut record = CarrierRecord {
            list_entries: vec![entry(ListPenalty::FastTrackRemoved, None)],
            penalties: penalties(12, None),
        };
        assert_eq!(fast_track_refusals(&record, d("2026-11-30")).len(), 2);
        record.list_entries[0].repaired_on = Some(d("2026-12-10"));
        for p in record.penalties.iter_mut().take(3) {
            p.repaired_on = Some(d("2026-12-10"));
        }
        assert_eq!(fast_track_refusals(&record, d("2026-12-09")).len(), 2);
        assert!(fast_track_refusals(&record, d("2026-12-10")).is_empty());
        assert!(!record.is_listed(d("2026-12-10")));
    }
}
