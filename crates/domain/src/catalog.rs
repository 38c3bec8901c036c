//! The violation catalog (违法违规类型): per violation type its industry, clue category, the
//! handling path that category starts, and its response time: minutes on the clock for in-trip
//! (事中) alarms and suspected illegal operation (疑似非法营运), working days for after-the-fact
//! (事后) clues. The catalog also sets the clocks of the later states (spot check, rework...).
//!
//! It is data (`assets/catalog/violations.json`), embedded at build; an administrator can
//! override it with a file of the same shape in the data folder, as with the calendar.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use ts_rs::TS;

use crate::industry::Industry;
use crate::work_order::ClueSource;

const EMBEDDED: &str = include_str!("../../../assets/catalog/violations.json");

/// The path a clue category starts (the seed names three categories; this reading is ours,
/// kept as data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum HandlingPath {
    /// 即时干预：布控拦截、电话警示
    Intervention,
    /// 抄告其他部门
    Notice,
    /// 企业整改
    Rectification,
}

/// How long the officer has to respond once the clue is detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "unit", content = "amount")]
#[ts(export)]
pub enum ResponseTime {
    /// Minutes on the clock, nights and holidays included (实时干预).
    Minutes(u32),
    /// Working days after the day of detection.
    WorkingDays(u32),
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Violation {
    pub code: String,
    pub name: String,
    /// The English name the window shows in English (the Chinese name when a file has none).
    pub name_en: String,
    pub industry: Industry,
    /// 1: immediate intervention, 2: notice to another authority, 3: rectification by the enterprise.
    pub clue_category: u8,
    pub path: HandlingPath,
    pub source: ClueSource,
    pub response: ResponseTime,
    /// 疑似非法营运: often a vehicle with no licence and no enterprise.
    pub suspected_illegal_operation: bool,
}

/// The file's shape: `response_minutes` or `deadline_days`, exactly one.
#[derive(Debug, Clone, Deserialize)]
struct ViolationFile {
    code: String,
    name: String,
    #[serde(default)]
    name_en: Option<String>,
    industry: Industry,
    clue_category: u8,
    path: HandlingPath,
    source: ClueSource,
    #[serde(default)]
    response_minutes: Option<u32>,
    #[serde(default)]
    deadline_days: Option<u32>,
    #[serde(default)]
    suspected_illegal_operation: bool,
}

impl TryFrom<ViolationFile> for Violation {
    type Error = String;
    fn try_from(f: ViolationFile) -> Result<Violation, String> {
        let response = match (f.response_minutes, f.deadline_days) {
            (Some(m), None) if (1..=7 * 24 * 60).contains(&m) => ResponseTime::Minutes(m),
            (None, Some(d)) if (1..=60).contains(&d) => ResponseTime::WorkingDays(d),
            _ => {
                return Err(format!(
                "{}: give exactly one of response_minutes (1..=10080) or deadline_days (1..=60)",
                f.code
            ))
            }
        };
        if !(1..=3).contains(&f.clue_category) {
            return Err(format!("{}: clue_category must be 1, 2 or 3", f.code));
        }
        if (f.source == ClueSource::InTrip || f.suspected_illegal_operation)
            && !matches!(response, ResponseTime::Minutes(_))
        {
            return Err(format!(
                "{}: in-trip alarms and suspected illegal operation respond in minutes",
                f.code
            ));
        }
        Ok(Violation {
            code: f.code,
            name_en: f
                .name_en
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| f.name.clone()),
            name: f.name,
            industry: f.industry,
            clue_category: f.clue_category,
            path: f.path,
            source: f.source,
            response,
            suspected_illegal_operation: f.suspected_illegal_operation,
        })
    }
}

/// Working days each later state's owner has (catalog data, default values in the asset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ClockPolicy {
    /// The officer, after handling or after a rectification is recorded, to submit.
    pub submit_days: u32,
    /// The supervisor, to spot-check a submitted order.
    pub spot_check_days: u32,
    /// The officer, to rework an order whose spot check failed.
    pub rework_days: u32,
    /// The supervisor, to reassign an order an officer returned.
    pub reassign_days: u32,
    /// Another authority, to answer a notice (抄告反馈), unless the officer sets a date.
    pub feedback_days: u32,
}

#[derive(Debug, Error)]
pub enum CatalogError {
    #[error("catalog file is not valid: {0}")]
    Parse(#[from] serde_json::Error),
    #[error("violation code {0} is listed twice")]
    Duplicate(String),
    #[error("clock {field} must be between 1 and 60 working days, not {value}")]
    BadClock { field: &'static str, value: u32 },
}

#[derive(Deserialize)]
struct CatalogFile {
    clocks: ClockPolicy,
    violations: Vec<ViolationFile>,
}

fn entries(files: Vec<ViolationFile>) -> Result<Vec<Violation>, CatalogError> {
    files
        .into_iter()
        .map(|f| {
            Violation::try_from(f).map_err(|e| CatalogError::Parse(serde::de::Error::custom(e)))
        })
        .collect()
}

/// An administrator's override: any clock field, any entries (replacing by code or added).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OverrideFile {
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
    #[serde(default)]
    clocks: HashMap<String, u32>,
    #[serde(default)]
    violations: Vec<ViolationFile>,
}

#[derive(Debug, Clone)]
pub struct Catalog {
    items: Vec<Violation>,
    by_code: HashMap<String, usize>,
    clocks: ClockPolicy,
}

impl Catalog {
    /// The catalog shipped with the app, parsed once.
    pub fn embedded() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        // The embedded file is tested below; a broken one cannot ship.
        CATALOG.get_or_init(|| Catalog::from_json(EMBEDDED).expect("embedded catalog is valid"))
    }

    pub fn from_json(json: &str) -> Result<Catalog, CatalogError> {
        let file: CatalogFile = serde_json::from_str(json)?;
        Catalog::new(entries(file.violations)?, file.clocks)
    }

    pub fn new(items: Vec<Violation>, clocks: ClockPolicy) -> Result<Catalog, CatalogError> {
        let mut by_code = HashMap::new();
        for (i, v) in items.iter().enumerate() {
            if by_code.insert(v.code.clone(), i).is_some() {
                return Err(CatalogError::Duplicate(v.code.clone()));
            }
        }
        for (field, value) in [
            ("submit_days", clocks.submit_days),
            ("spot_check_days", clocks.spot_check_days),
            ("rework_days", clocks.rework_days),
            ("reassign_days", clocks.reassign_days),
            ("feedback_days", clocks.feedback_days),
        ] {
            if !(1..=60).contains(&value) {
                return Err(CatalogError::BadClock { field, value });
            }
        }
        Ok(Catalog {
            items,
            by_code,
            clocks,
        })
    }

    /// This catalog with an administrator's override file applied; the original is untouched
    /// when the file is refused.
    pub fn with_override(&self, json: &str) -> Result<Catalog, CatalogError> {
        let file: OverrideFile = serde_json::from_str(json)?;
        let mut clocks = self.clocks;
        for (field, value) in file.clocks {
            let slot = match field.as_str() {
                "submit_days" => &mut clocks.submit_days,
                "spot_check_days" => &mut clocks.spot_check_days,
                "rework_days" => &mut clocks.rework_days,
                "reassign_days" => &mut clocks.reassign_days,
                "feedback_days" => &mut clocks.feedback_days,
                other => {
                    return Err(CatalogError::Parse(serde::de::Error::custom(format!(
                        "unknown clock {other:?}"
                    ))))
                }
            };
            *slot = value;
        }
        let mut items = self.items.clone();
        let mut seen = std::collections::HashSet::new();
        for v in entries(file.violations)? {
            if !seen.insert(v.code.clone()) {
                return Err(CatalogError::Duplicate(v.code));
            }
            match self.by_code.get(&v.code) {
                Some(&i) => items[i] = v,
                None => items.push(v),
            }
        }
        Catalog::new(items, clocks)
    }

    pub fn all(&self) -> &[Violation] {
        &self.items
    }

    pub fn clocks(&self) -> ClockPolicy {
        self.clocks
    }

    pub fn get(&self, code: &str) -> Option<&Violation> {
        self.by_code.get(code).map(|&i| &self.items[i])
    }

    /// Codes of violations whose name contains `term`: lets a short search term (超速, 2
    /// characters, below the trigram index's reach) find orders by their violation type.
    pub fn codes_matching(&self, term: &str) -> Vec<&str> {
        self.items
            .iter()
            .filter(|v| v.name.contains(term))
            .map(|v| v.code.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_embedded_violation_has_an_english_name() {
        for v in Catalog::embedded().all() {
            assert!(
                !v.name_en.is_empty()
                    && v.name_en
                        .chars()
                        .all(|c| !('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{}: English name {:?}",
                v.code,
                v.name_en
            );
        }
        // An administrator's entry without one shows its Chinese name in English too.
        let cat = Catalog::embedded()
            .with_override(
                r#"{"violations": [{"code": "ZZ-001", "name": "测试", "industry": "hazmat",
                    "clue_category": 3, "path": "rectification", "source": "after_fact",
                    "deadline_days": 5}]}"#,
            )
            .expect("override");
        let added = cat
            .all()
            .iter()
            .find(|v| v.code == "ZZ-001")
            .expect("added");
        assert_eq!(added.name_en, "测试");
    }

    #[test]
    fn the_catalog_is_complete_and_consistent() {
        let cat = Catalog::embedded();
        assert!(cat.all().len() >= 30, "at least 30 real violation types");
        let codes: HashSet<_> = cat.all().iter().map(|v| &v.code).collect();
        assert_eq!(codes.len(), cat.all().len(), "codes are unique");
        for v in cat.all() {
            let expected = match v.clue_category {
                1 => HandlingPath::Intervention,
                2 => HandlingPath::Notice,
                _ => HandlingPath::Rectification,
            };
            assert_eq!(v.path, expected, "{} path follows its category", v.code);
            if v.source == ClueSource::InTrip || v.suspected_illegal_operation {
                assert!(matches!(v.response, ResponseTime::Minutes(_)), "{}", v.code);
            }
        }
        for industry in Industry::ALL {
            assert!(cat.all().iter().any(|v| v.industry == industry));
        }
        for name in [
            "超速",
            "疲劳驾驶",
            "包车牌与线路不符",
            "异地经营",
            "长期未上线",
            "无道路运输证车辆载客",
        ] {
            assert!(
                cat.all().iter().any(|v| v.name.contains(name)),
                "{name} is listed"
            );
        }
        assert!(cat.all().iter().any(|v| v.suspected_illegal_operation));
        assert!(!cat.codes_matching("超速").is_empty());
        assert!(cat.get(&cat.all()[0].code).is_some());
        assert!(cat.get("NOPE").is_none());
        assert_eq!(cat.clocks().spot_check_days, 5);
    }

    #[test]
    fn entries_carry_exactly_one_response_time() {
        let both = r#"{"clocks":{"submit_days":3,"spot_check_days":5,"rework_days":5,"reassign_days":2,"feedback_days":10},
            "violations":[{"code":"X","name":"x","industry":"hazmat","clue_category":1,"path":"intervention",
            "source":"in_trip","response_minutes":60,"deadline_days":2}]}"#;
        assert!(matches!(
            Catalog::from_json(both),
            Err(CatalogError::Parse(_))
        ));
        let days_for_alarm = both.replace(r#""response_minutes":60,"#, "");
        assert!(Catalog::from_json(&days_for_alarm).is_err());
    }

    #[test]
    fn an_administrator_overrides_entries_and_clocks() {
        let cat = Catalog::embedded();
        let over = cat
            .with_override(
                r#"{"clocks":{"spot_check_days":3},"violations":[
                {"code":"KY-001","name":"超速","industry":"scheduled_coach","clue_category":1,
                 "path":"intervention","source":"in_trip","response_minutes":45},
                {"code":"ZZ-001","name":"新增类型","industry":"hazmat","clue_category":3,
                 "path":"rectification","source":"after_fact","deadline_days":4}]}"#,
            )
            .expect("valid override");
        assert_eq!(over.clocks().spot_check_days, 3);
        assert_eq!(over.clocks().rework_days, cat.clocks().rework_days);
        assert_eq!(
            over.get("KY-001").map(|v| v.response),
            Some(ResponseTime::Minutes(45))
        );
        assert!(over.get("ZZ-001").is_some());
        assert_eq!(over.all().len(), cat.all().len() + 1);
        // Refused files say why and change nothing.
        assert!(cat.with_override(r#"{"clocks":{"nap_days":3}}"#).is_err());
        assert!(cat
            .with_override(r#"{"clocks":{"rework_days":0}}"#)
            .is_err());
        assert!(cat.with_override("[").is_err());
        assert_eq!(
            cat.get("KY-001").map(|v| v.response),
            Some(ResponseTime::Minutes(60))
        );
    }
}
