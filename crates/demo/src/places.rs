//! Where a demo order happens, from `assets/demo/roads.json`: real roads by division code, so
//! that a demo place is a road of the county it is in (a local notices 许继大道 placed in 长垣).

use std::collections::HashMap;

use casedesk_domain::{City, County};
use rand::rngs::StdRng;
use rand::Rng;
use serde::Deserialize;

use crate::names::pick;

#[derive(Deserialize)]
pub(crate) struct Roads {
    cities: HashMap<String, CityRoads>,
    counties: HashMap<String, Vec<String>>,
}

#[derive(Deserialize)]
struct CityRoads {
    highways: Vec<String>,
    streets: Vec<String>,
}

/// A kilometre post on a highway crossing the county's city, or a street of its own seat (the
/// city's centre for a district) with the town named first.
pub(crate) struct Places {
    highways: Vec<String>,
    streets: Vec<String>,
}

impl Places {
    /// `None` when the roads file has no highway for the city (every city has one).
    pub fn of(roads: &Roads, city: &City, county: &County) -> Option<Places> {
        let of_city = roads
            .cities
            .get(&city.code)
            .filter(|c| !c.highways.is_empty())?;
        let streets = if county.name.ends_with('区') {
            Some((&city.name, &of_city.streets))
        } else {
            roads.counties.get(&county.code).map(|s| (&county.name, s))
        };
        Some(Places {
            highways: of_city.highways.clone(),
            streets: streets
                .map(|(town, s)| s.iter().map(|st| format!("{town}{st}")).collect())
                .unwrap_or_default(),
        })
    }

    pub fn pick(&self, rng: &mut StdRng) -> String {
        if self.streets.is_empty() || rng.gen_bool(0.7) {
            format!(
                "{} K{}+{:03}",
                pick(rng, &self.highways),
                rng.gen_range(1..900),
                rng.gen_range(0..1000)
            )
        } else {
            pick(rng, &self.streets).clone()
        }
    }
}
