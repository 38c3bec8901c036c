//! People's and enterprises' names from `assets/demo/names.json`.

use std::collections::HashMap;

use rand::rngs::StdRng;
use rand::Rng;
use serde::Deserialize;

#[derive(Deserialize)]
pub(crate) struct Names {
    pub surnames: Vec<String>,
    pub given_names: Vec<String>,
    pub enterprise_words: Vec<String>,
    pub enterprise_suffixes: HashMap<String, Vec<String>>,
    pub unit_names: Vec<String>,
}

pub(crate) fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

pub(crate) fn person(rng: &mut StdRng, names: &Names) -> String {
    format!(
        "{}{}",
        pick(rng, &names.surnames),
        pick(rng, &names.given_names)
    )
}

/// Short place name for company names: 长垣市 → 长垣, 中原区 → 郑州 (districts use the city).
pub(crate) fn short_place(city: &str, county: &str) -> String {
    let base = if county.ends_with('区') {
        city
    } else {
        county
    };
    let trimmed = base.trim_end_matches(['市', '县']);
    if trimmed.chars().count() >= 2 {
        trimmed.to_string()
    } else {
        base.to_string()
    }
}
