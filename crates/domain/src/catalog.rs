//! The violation catalog (违法违规类型): code, name, industry, clue category and default handling
//! deadline in working days. It is data (`assets/catalog/violations.json`), embedded at build.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::industry::Industry;
use crate::work_order::ClueSource;

const EMBEDDED: &str = include_str!("../../../assets/catalog/violations.json");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Violation {
    pub code: String,
    pub name: String,
    pub industry: Industry,
    /// 1: immediate intervention, 2: notice to another authority, 3: rectification by the enterprise.
    pub clue_category: u8,
    /// Default handling deadline, in working days from detection.
    pub deadline_days: u32,
    #[serde(skip_serializing, default = "default_source")]
    #[ts(skip)]
    pub source: ClueSource,
}

fn default_source() -> ClueSource {
    ClueSource::AfterFact
}

#[derive(Debug)]
pub struct Catalog {
    items: Vec<Violation>,
    by_code: HashMap<String, usize>,
}

impl Catalog {
    /// The catalog shipped with the app, parsed once.
    pub fn embedded() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            let items: Vec<Violation> =
                serde_json::from_str(EMBEDDED).expect("embedded violation catalog is valid");
            Catalog::new(items)
        })
    }

    pub fn new(items: Vec<Violation>) -> Catalog {
        let by_code = items
            .iter()
            .enumerate()
            .map(|(i, v)| (v.code.clone(), i))
            .collect();
        Catalog { items, by_code }
    }

    pub fn all(&self) -> &[Violation] {
        &self.items
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
    fn the_catalog_is_complete_and_consistent() {
        let cat = Catalog::embedded();
        assert!(cat.all().len() >= 30, "at least 30 real violation types");
        let codes: HashSet<_> = cat.all().iter().map(|v| &v.code).collect();
        assert_eq!(codes.len(), cat.all().len(), "codes are unique");
        for v in cat.all() {
            assert!((1..=3).contains(&v.clue_category), "{} category", v.code);
            assert!((1..=30).contains(&v.deadline_days), "{} deadline", v.code);
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
        ] {
            assert!(
                cat.all().iter().any(|v| v.name.contains(name)),
                "{name} is listed"
            );
        }
        assert!(!cat.codes_matching("超速").is_empty());
        assert!(cat.get(&cat.all()[0].code).is_some());
        assert!(cat.get("NOPE").is_none());
    }
}
