//! Henan's jurisdictions: 17 prefecture-level cities and Jiyuan, with their counties and
//! districts, keyed by the 6-digit administrative division code (行政区划代码).

use std::sync::OnceLock;

use serde::Deserialize;

const EMBEDDED: &str = include_str!("../../../assets/divisions/henan.json");

/// The province's code in a jurisdiction: a user who sees all of Henan.
pub const PROVINCE_CODE: &str = "41";

#[derive(Debug, Clone, Deserialize)]
pub struct County {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct City {
    pub code: String,
    pub name: String,
    /// The letter after 豫 on plates registered in the city.
    pub plate_letter: char,
    pub counties: Vec<County>,
}

#[derive(Debug)]
pub struct Divisions {
    pub cities: Vec<City>,
}

impl Divisions {
    pub fn embedded() -> &'static Divisions {
        static DIVISIONS: OnceLock<Divisions> = OnceLock::new();
        DIVISIONS.get_or_init(|| Divisions {
            cities: serde_json::from_str(EMBEDDED).expect("embedded divisions are valid"),
        })
    }

    /// The county with this code and the city it belongs to.
    pub fn county(&self, code: &str) -> Option<(&City, &County)> {
        self.cities.iter().find_map(|city| {
            city.counties
                .iter()
                .find(|c| c.code == code)
                .map(|c| (city, c))
        })
    }

    pub fn city(&self, code: &str) -> Option<&City> {
        self.cities.iter().find(|c| c.code == code)
    }

    /// What a jurisdiction code names: the province (`41`), a city by its 4-digit prefix
    /// (`4107`) or a county by its 6 digits (`410783`). `None` for a code that is none of
    /// these. The one place that decides a code's level (the hub's scopes and the names
    /// people read both ask here).
    pub fn level(&self, code: &str) -> Option<Level<'_>> {
        if code == PROVINCE_CODE {
            return Some(Level::Province);
        }
        match code.len() {
            4 => self
                .cities
                .iter()
                .find(|c| c.code.starts_with(code))
                .map(Level::City),
            6 => self
                .county(code)
                .map(|(city, county)| Level::County(city, county)),
            _ => None,
        }
    }

    /// A jurisdiction's name as people read it: 河南省 for the province (`41`), the city for
    /// its 4-digit prefix (`4107`: 新乡市), city and county for a county (`410783`: 新乡市 ·
    /// 长垣市). `None` for a code that is none of these.
    pub fn jurisdiction_name(&self, code: &str) -> Option<String> {
        Some(match self.level(code)? {
            Level::Province => "河南省".to_string(),
            Level::City(city) => city.name.clone(),
            Level::County(city, county) => format!("{} · {}", city.name, county.name),
        })
    }
}

/// The level of a jurisdiction code, with the division it names.
#[derive(Debug, Clone, Copy)]
pub enum Level<'a> {
    Province,
    City(&'a City),
    County(&'a City, &'a County),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eighteen_city_level_units_with_their_counties() {
        let d = Divisions::embedded();
        assert_eq!(d.cities.len(), 18);
        let (city, county) = d.county("410783").expect("长垣市");
        assert_eq!(county.name, "长垣市");
        assert_eq!(city.name, "新乡市");
        assert_eq!(city.plate_letter, 'G');
        let (city, _) = d.county("410184").expect("新郑市");
        assert_eq!(city.plate_letter, 'A');
        for city in &d.cities {
            assert!(city.code.starts_with("41"), "{}", city.code);
            assert!(!city.counties.is_empty(), "{}", city.name);
            for c in &city.counties {
                assert_eq!(c.code.len(), 6);
            }
        }
        assert!(d.county("110101").is_none());
    }

    #[test]
    fn jurisdictions_are_named_at_each_level() {
        let d = Divisions::embedded();
        assert_eq!(d.jurisdiction_name("41").as_deref(), Some("河南省"));
        assert_eq!(d.jurisdiction_name("4107").as_deref(), Some("新乡市"));
        assert_eq!(
            d.jurisdiction_name("410783").as_deref(),
            Some("新乡市 · 长垣市")
        );
        for unknown in ["", "11", "1101", "110101", "4199", "41078"] {
            assert_eq!(d.jurisdiction_name(unknown), None, "{unknown}");
        }
    }
}
