//! The review decision of an application (审核结论): the checklist marks, notes pinned to a time
//! of a material, and the verdict: pass (通过), fail (不予许可) or more material needed (补正材料,
//! which sends the application back to the carrier with the one-time notice). What a review must
//! be before it is kept, checked the same at the desk and on the hub.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::checklist::{checklist, notice_lines, NoticeLine};
use super::class::PermitClass;
use super::materials::Material;
use crate::text::{self, TextError, TextField};

/// The most notes one review keeps.
pub const MAX_NOTES: usize = 200;

/// The review's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
    MoreMaterial,
}

impl Verdict {
    pub const ALL: [Verdict; 3] = [Verdict::Pass, Verdict::Fail, Verdict::MoreMaterial];

    pub fn code(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::MoreMaterial => "more_material",
        }
    }

    /// The code, or the CLI's spelling (`more-material`).
    pub fn from_code(code: &str) -> Option<Verdict> {
        let code = code.trim().replace('-', "_");
        Verdict::ALL.into_iter().find(|v| v.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Verdict::Pass => "通过",
            Verdict::Fail => "不予许可",
            Verdict::MoreMaterial => "补正材料",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "refused",
            Verdict::MoreMaterial => "more material needed",
        }
    }
}

/// A checklist item ticked (met) or not, with the reviewer's remark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ItemMark {
    pub item: String,
    pub ticked: bool,
    #[serde(default)]
    pub remark: Option<String>,
}

/// A note pinned to a material (by its hash), at a time of a video when given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PinnedNote {
    pub sha256: String,
    #[ts(type = "number | null")]
    pub at_ms: Option<u64>,
    pub text: String,
}

/// The work of a review before its verdict: kept at the desk while the reviewer watches.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ReviewDraft {
    pub items: Vec<ItemMark>,
    pub notes: Vec<PinnedNote>,
}

impl ReviewDraft {
    /// The items marked as not met, with their remarks: what a one-time notice lists besides
    /// the missing materials.
    pub fn not_met(&self) -> Vec<(String, Option<String>)> {
        self.items
            .iter()
            .filter(|m| !m.ticked)
            .map(|m| (m.item.clone(), m.remark.clone()))
            .collect()
    }
}

/// A decided review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Review {
    pub verdict: Verdict,
    pub items: Vec<ItemMark>,
    pub notes: Vec<PinnedNote>,
}

impl Review {
    /// The marks and notes without the verdict.
    pub fn draft(&self) -> ReviewDraft {
        ReviewDraft {
            items: self.items.clone(),
            notes: self.notes.clone(),
        }
    }

    /// The one-time notice's lines for this review of an application missing `missing`.
    pub fn notice_lines(&self, missing: &[Material]) -> Vec<NoticeLine> {
        notice_lines(missing, &self.draft().not_met())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReviewError {
    #[error("there is no checklist item {item}")]
    UnknownItem { item: String },
    #[error("the checklist item {item} does not apply to a {} application", class.name_en())]
    ItemNotForClass { item: String, class: PermitClass },
    #[error("the checklist item {item} is marked twice")]
    ItemTwice { item: String },
    #[error("remark on {item}: {error}")]
    Remark { item: String, error: TextError },
    #[error("note: {0}")]
    Note(TextError),
    #[error("a note names {sha256}, which is not a material of this application")]
    UnknownMaterialFile { sha256: String },
    #[error("a review keeps at most {max} notes")]
    TooManyNotes { max: usize },
    #[error("a pass needs every checklist item ticked; not ticked: {}", items.join(", "))]
    PassWithItemsNotTicked { items: Vec<String> },
    #[error("a pass needs every required material; missing: {}", materials.join(", "))]
    PassWithMissingMaterials { materials: Vec<String> },
    #[error("a one-time notice needs at least one missing material or checklist item not met")]
    NothingToNotify,
    #[error("a refusal needs a reason: a checklist item not met, a missing material or a note")]
    RefusalWithoutReason,
}

impl ReviewError {
    pub fn code(&self) -> &'static str {
        match self {
            ReviewError::UnknownItem { .. } => "review_unknown_item",
            ReviewError::ItemNotForClass { .. } => "review_item_not_for_class",
            ReviewError::ItemTwice { .. } => "review_item_twice",
            ReviewError::Remark { .. } => "review_bad_remark",
            ReviewError::Note(_) => "review_bad_note",
            ReviewError::UnknownMaterialFile { .. } => "review_unknown_material_file",
            ReviewError::TooManyNotes { .. } => "review_too_many_notes",
            ReviewError::PassWithItemsNotTicked { .. } => "review_pass_with_items_not_ticked",
            ReviewError::PassWithMissingMaterials { .. } => "review_pass_with_missing_materials",
            ReviewError::NothingToNotify => "review_nothing_to_notify",
            ReviewError::RefusalWithoutReason => "review_refusal_without_reason",
        }
    }
}

/// Checks a draft of an application of `class` whose materials are the files `files` (their
/// hashes): known items that apply to the class, each once; remarks and notes as texts are
/// checked everywhere; notes on the application's own files. Returns it as it is kept (texts
/// trimmed, blank remarks dropped).
pub fn check_draft(
    class: PermitClass,
    draft: &ReviewDraft,
    files: &[String],
) -> Result<ReviewDraft, ReviewError> {
    let list = checklist();
    let mut items: Vec<ItemMark> = Vec::with_capacity(draft.items.len());
    for m in &draft.items {
        let item = m.item.trim();
        let known = list.item(item).ok_or_else(|| ReviewError::UnknownItem {
            item: item.to_string(),
        })?;
        if !known.applies_to(class) {
            return Err(ReviewError::ItemNotForClass {
                item: item.to_string(),
                class,
            });
        }
        if items.iter().any(|i| i.item == item) {
            return Err(ReviewError::ItemTwice {
                item: item.to_string(),
            });
        }
        let remark = match &m.remark {
            Some(r) => {
                text::optional(TextField::Finding, r).map_err(|error| ReviewError::Remark {
                    item: item.to_string(),
                    error,
                })?
            }
            None => String::new(),
        };
        items.push(ItemMark {
            item: item.to_string(),
            ticked: m.ticked,
            remark: (!remark.is_empty()).then_some(remark),
        });
    }
    // In the checklist's order, whatever order they were ticked in.
    items.sort_by_key(|m| list.items.iter().position(|i| i.code == m.item));
    if draft.notes.len() > MAX_NOTES {
        return Err(ReviewError::TooManyNotes { max: MAX_NOTES });
    }
    let mut notes = Vec::with_capacity(draft.notes.len());
    for n in &draft.notes {
        let sha256 = n.sha256.trim().to_ascii_lowercase();
        if !files.contains(&sha256) {
            return Err(ReviewError::UnknownMaterialFile { sha256 });
        }
        let text = text::required(TextField::Notes, &n.text).map_err(ReviewError::Note)?;
        notes.push(PinnedNote {
            sha256,
            at_ms: n.at_ms,
            text,
        });
    }
    Ok(ReviewDraft { items, notes })
}

/// Checks a verdict on a draft of an application of `class` missing `missing`, whose files are
/// `files`: the draft as [`check_draft`] checks it; a pass needs every applicable item ticked
/// and nothing missing; more material needs something for the notice to list; a refusal needs a
/// reason (an item not met, a missing material or a note).
pub fn check_review(
    class: PermitClass,
    verdict: Verdict,
    draft: &ReviewDraft,
    missing: &[Material],
    files: &[String],
) -> Result<Review, ReviewError> {
    let draft = check_draft(class, draft, files)?;
    let review = Review {
        verdict,
        items: draft.items,
        notes: draft.notes,
    };
    match verdict {
        Verdict::Pass => {
            let not_ticked: Vec<String> = checklist()
                .items_for(class)
                .iter()
                .filter(|i| !review.items.iter().any(|m| m.item == i.code && m.ticked))
                .map(|i| i.code.clone())
                .collect();
            if !not_ticked.is_empty() {
                return Err(ReviewError::PassWithItemsNotTicked { items: not_ticked });
            }
            if !missing.is_empty() {
                return Err(ReviewError::PassWithMissingMaterials {
                    materials: missing.iter().map(|m| m.code().to_string()).collect(),
                });
            }
        }
        Verdict::MoreMaterial => {
            if review.notice_lines(missing).is_empty() {
                return Err(ReviewError::NothingToNotify);
            }
        }
        Verdict::Fail => {
            if review.notice_lines(missing).is_empty() && review.notes.is_empty() {
                return Err(ReviewError::RefusalWithoutReason);
            }
        }
    }
    Ok(review)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VIDEO: &str = "aa00000000000000000000000000000000000000000000000000000000000000";

    fn files() -> Vec<String> {
        vec![VIDEO.to_string()]
    }

    fn mark(item: &str, ticked: bool, remark: Option<&str>) -> ItemMark {
        ItemMark {
            item: item.into(),
            ticked,
            remark: remark.map(str::to_string),
        }
    }

    fn all_ticked(class: PermitClass) -> ReviewDraft {
        ReviewDraft {
            items: checklist()
                .items_for(class)
                .iter()
                .rev()
                .map(|i| mark(&i.code, true, None))
                .collect(),
            notes: Vec::new(),
        }
    }

    #[test]
    fn verdict_codes_read_back_with_the_cli_spelling() {
        for v in Verdict::ALL {
            assert_eq!(Verdict::from_code(v.code()), Some(v));
        }
        assert_eq!(
            Verdict::from_code("more-material"),
            Some(Verdict::MoreMaterial)
        );
        assert_eq!(Verdict::from_code("maybe"), None);
    }

    #[test]
    fn a_pass_needs_every_item_ticked_and_nothing_missing() {
        let class = PermitClass::Two;
        let ok = check_review(class, Verdict::Pass, &all_ticked(class), &[], &files())
            .expect("a clean pass");
        // Kept in the checklist's order.
        assert_eq!(ok.items[0].item, "plates_match");
        let mut d = all_ticked(class);
        d.items.retain(|m| m.item != "continuous_shot");
        assert_eq!(
            check_review(class, Verdict::Pass, &d, &[], &files()),
            Err(ReviewError::PassWithItemsNotTicked {
                items: vec!["continuous_shot".into()]
            })
        );
        assert!(matches!(
            check_review(
                class,
                Verdict::Pass,
                &all_ticked(class),
                &[Material::DispatchNote],
                &files()
            ),
            Err(ReviewError::PassWithMissingMaterials { .. })
        ));
        // Class III has one item more: class II's marks do not pass it.
        assert!(matches!(
            check_review(
                PermitClass::Three,
                Verdict::Pass,
                &all_ticked(class),
                &[],
                &files()
            ),
            Err(ReviewError::PassWithItemsNotTicked { items }) if items == ["escort_equipment"]
        ));
    }

    #[test]
    fn more_material_needs_something_to_list() {
        let class = PermitClass::One;
        assert_eq!(
            check_review(
                class,
                Verdict::MoreMaterial,
                &all_ticked(class),
                &[],
                &files()
            ),
            Err(ReviewError::NothingToNotify)
        );
        let r = check_review(
            class,
            Verdict::MoreMaterial,
            &ReviewDraft {
                items: vec![mark("vin_nameplate_visible", false, Some(" 铭牌反光 "))],
                notes: vec![],
            },
            &[Material::AgentId],
            &files(),
        )
        .expect("notice");
        let lines = r.notice_lines(&[Material::AgentId]);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].remark.as_deref(), Some("铭牌反光"));
    }

    #[test]
    fn a_refusal_needs_a_reason() {
        let class = PermitClass::One;
        assert_eq!(
            check_review(class, Verdict::Fail, &all_ticked(class), &[], &files()),
            Err(ReviewError::RefusalWithoutReason)
        );
        let mut d = all_ticked(class);
        d.notes.push(PinnedNote {
            sha256: VIDEO.to_uppercase(),
            at_ms: Some(12_345),
            text: "车上载有未申报的第二件货物".into(),
        });
        let r = check_review(class, Verdict::Fail, &d, &[], &files()).expect("with a note");
        assert_eq!(r.notes[0].sha256, VIDEO, "hashes kept in lower case");
    }

    #[test]
    fn bad_drafts_are_refused_with_a_code() {
        let class = PermitClass::One;
        let code = |d: ReviewDraft| check_draft(class, &d, &files()).map_err(|e| e.code());
        let items = |v: Vec<ItemMark>| ReviewDraft {
            items: v,
            notes: vec![],
        };
        assert_eq!(
            code(items(vec![mark("selfie", true, None)])),
            Err("review_unknown_item")
        );
        assert_eq!(
            code(items(vec![mark("escort_equipment", true, None)])),
            Err("review_item_not_for_class")
        );
        assert_eq!(
            code(items(vec![
                mark("plates_match", true, None),
                mark("plates_match", false, None)
            ])),
            Err("review_item_twice")
        );
        assert_eq!(
            code(items(vec![mark("plates_match", false, Some("a\u{1b}b"))])),
            Err("review_bad_remark")
        );
        let note = |sha: &str, text: &str| ReviewDraft {
            items: vec![],
            notes: vec![PinnedNote {
                sha256: sha.into(),
                at_ms: None,
                text: text.into(),
            }],
        };
        assert_eq!(code(note(VIDEO, "   ")), Err("review_bad_note"));
        assert_eq!(
            code(note(&"bb".repeat(32), "x")),
            Err("review_unknown_material_file")
        );
        // A partial draft is fine: the reviewer is still at work.
        assert!(check_draft(
            class,
            &items(vec![mark("plates_match", true, Some("  "))]),
            &files()
        )
        .expect("partial")
        .items[0]
            .remark
            .is_none());
    }
}
