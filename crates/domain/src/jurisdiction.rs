//! Henan's jurisdictions: 17 prefecture-level cities and Jiyuan, with their counties and
//! districts, keyed by the 6-digit administrative division code (行政区划代码).

use std::sync::OnceLock;

use serde::Deserialize;

const EMBEDDED: &str = include_str!("../../../assets/divisions/henan.json");

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
}
