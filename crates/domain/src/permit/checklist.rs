//! The remote review's checklist (远程勘验): what the desk checks in the measurement video and
//! the watermarked photos, which items apply to an application by its class, and the line a
//! one-time notice (一次性告知书) prints for each item not met. Data in
//! `assets/permit/checklist.json` (embedded, with its source), like the other permit tables.
//!
//! The notice lists every missing or defective item at once: the missing materials
//! ([`super::materials::missing`]) first, then the checklist items not met, each with the
//! reviewer's remark ([`notice_lines`]).

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::class::PermitClass;
use super::materials::Material;

const EMBEDDED: &str = include_str!("../../../../assets/permit/checklist.json");

/// One item of the checklist, its wording filled in with the table's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ChecklistItem {
    pub code: String,
    pub label_zh: String,
    pub label_en: String,
    /// The notice's line when the item is not met.
    pub notice_zh: String,
    pub notice_en: String,
    /// The classes it applies to.
    pub classes: Vec<PermitClass>,
}

impl ChecklistItem {
    pub fn applies_to(&self, class: PermitClass) -> bool {
        self.classes.contains(&class)
    }
}

/// The checklist with its source and figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checklist {
    pub source: String,
    pub dimension_tolerance_percent: u32,
    pub dimension_tolerance_mm: u32,
    pub watermark_window_hours: u32,
    pub items: Vec<ChecklistItem>,
}

impl Checklist {
    fn parse(json: &str) -> Result<Checklist, serde_json::Error> {
        let mut c: Checklist = serde_json::from_str(json)?;
        let fill = |s: &str| {
            s.replace(
                "{tolerance_percent}",
                &c.dimension_tolerance_percent.to_string(),
            )
            .replace("{tolerance_mm}", &c.dimension_tolerance_mm.to_string())
            .replace("{window_hours}", &c.watermark_window_hours.to_string())
        };
        let items = c
            .items
            .iter()
            .map(|i| ChecklistItem {
                code: i.code.clone(),
                label_zh: fill(&i.label_zh),
                label_en: fill(&i.label_en),
                notice_zh: fill(&i.notice_zh),
                notice_en: fill(&i.notice_en),
                classes: i.classes.clone(),
            })
            .collect();
        c.items = items;
        Ok(c)
    }

    /// The item of `code`.
    pub fn item(&self, code: &str) -> Option<&ChecklistItem> {
        self.items.iter().find(|i| i.code == code)
    }

    /// The items an application of `class` is checked on, in the table's order.
    pub fn items_for(&self, class: PermitClass) -> Vec<&ChecklistItem> {
        self.items.iter().filter(|i| i.applies_to(class)).collect()
    }
}

/// The checklist shipped with the app.
pub fn checklist() -> &'static Checklist {
    static TABLE: OnceLock<Checklist> = OnceLock::new();
    TABLE.get_or_init(|| Checklist::parse(EMBEDDED).expect("embedded review checklist"))
}

/// Where a line of the notice comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum NoticeSource {
    /// A required material not handed in.
    MissingMaterial,
    /// A checklist item the review found not met.
    Checklist,
}

/// One line of a one-time notice: what is missing or defective and what to hand in, in both
/// languages, with the reviewer's remark when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct NoticeLine {
    pub source: NoticeSource,
    /// The material's or the checklist item's code.
    pub code: String,
    pub zh: String,
    pub en: String,
    pub remark: Option<String>,
}

/// Every line of a one-time notice: the missing materials in the order they are required, then
/// the checklist items not met (`(code, remark)`), in the checklist's order. An item code the
/// checklist does not have is left out (the review was checked when it was recorded).
pub fn notice_lines(missing: &[Material], not_met: &[(String, Option<String>)]) -> Vec<NoticeLine> {
    let mut lines: Vec<NoticeLine> = missing
        .iter()
        .map(|m| NoticeLine {
            source: NoticeSource::MissingMaterial,
            code: m.code().to_string(),
            zh: format!("缺少{}，请补充提交", m.name_zh()),
            en: format!("the {} is missing; hand it in", m.name_en()),
            remark: None,
        })
        .collect();
    for item in &checklist().items {
        if let Some((_, remark)) = not_met.iter().find(|(c, _)| *c == item.code) {
            lines.push(NoticeLine {
                source: NoticeSource::Checklist,
                code: item.code.clone(),
                zh: item.notice_zh.clone(),
                en: item.notice_en.clone(),
                remark: remark.clone().filter(|r| !r.trim().is_empty()),
            });
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_reads_and_fills_its_figures() {
        let c = checklist();
        assert_eq!(c.items.len(), 8);
        for i in &c.items {
            for s in [&i.label_zh, &i.label_en, &i.notice_zh, &i.notice_en] {
                assert!(!s.contains('{'), "{} keeps a placeholder: {s}", i.code);
                assert!(!s.trim().is_empty());
            }
            assert!(!i.classes.is_empty(), "{} applies to no class", i.code);
        }
        let dims = c.item("dimensions_measured").expect("item");
        assert!(dims.notice_zh.contains("±1%") && dims.notice_zh.contains("±50 mm"));
        assert!(c
            .item("watermark_in_window")
            .expect("item")
            .label_en
            .contains("72 hours"));
        let mut codes: Vec<&str> = c.items.iter().map(|i| i.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), c.items.len());
    }

    #[test]
    fn escort_equipment_is_checked_for_class_iii_only() {
        let c = checklist();
        let codes =
            |class| -> Vec<String> { c.items_for(class).iter().map(|i| i.code.clone()).collect() };
        assert!(codes(PermitClass::Three).contains(&"escort_equipment".to_string()));
        assert_eq!(codes(PermitClass::Three).len(), 8);
        for class in [PermitClass::One, PermitClass::Two] {
            assert!(!codes(class).contains(&"escort_equipment".to_string()));
            assert_eq!(codes(class).len(), 7);
        }
    }

    #[test]
    fn the_notice_lists_missing_materials_then_items_not_met_with_remarks() {
        let lines = notice_lines(
            &[Material::DispatchNote, Material::EscortPlan],
            &[
                ("continuous_shot".into(), Some("02:13 处画面跳切".into())),
                ("plates_match".into(), Some("  ".into())),
                ("no_such_item".into(), None),
            ],
        );
        let codes: Vec<&str> = lines.iter().map(|l| l.code.as_str()).collect();
        // Materials in the given order, then items in the checklist's order.
        assert_eq!(
            codes,
            [
                "dispatch_note",
                "escort_plan",
                "plates_match",
                "continuous_shot"
            ]
        );
        assert_eq!(lines[0].source, NoticeSource::MissingMaterial);
        assert!(lines[0].zh.contains("调运单"));
        assert!(lines[1].en.contains("escort plan"));
        assert_eq!(lines[2].remark, None, "a blank remark is no remark");
        assert_eq!(lines[3].remark.as_deref(), Some("02:13 处画面跳切"));
        assert!(lines[3].zh.contains("一镜到底"));
        assert!(notice_lines(&[], &[]).is_empty());
    }
}
