//! The demo generator: a realistic Henan county's work orders, with the enterprises (from all
//! 18 city-level units, so plates carry their own city letter), vehicles, drivers and whitelist
//! entries they involve, spread over the catalog, the last 90 days and every state, each with
//! the history that brought it there. Pure and deterministic: the same [`Spec`] makes the same
//! rows, handed one by one to a [`Sink`]. The desk's cache and the hub both fill themselves
//! from it, so a desk signed in to a demo hub holds the very orders the hub has.

mod names;
mod places;
mod plan;
mod records;

use std::collections::HashSet;

use casedesk_domain::plate::SERIAL_LETTERS;
use casedesk_domain::whitelist::{self, WhitelistEntry, WhitelistKind, WhitelistStatus};
use casedesk_domain::{Catalog, Divisions, Industry, Status};
use chrono::{Duration, NaiveDateTime};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use names::{person, pick, short_place, Names};
use places::{Places, Roads};
use plan::{demo_plan, demo_status, timed};
pub use records::{NewDriver, NewEnterprise, NewOrder, NewVehicle, ReplayError};

const NAMES: &str = include_str!("../../../assets/demo/names.json");
const ROADS: &str = include_str!("../../../assets/demo/roads.json");

/// Most orders one demo makes.
pub const MAX_ORDERS: u64 = 2_000_000;

/// The actor named on the supervisors' steps of a demo history.
pub const SUPERVISOR: &str = "监管中心";

/// What to make.
#[derive(Debug, Clone)]
pub struct Spec {
    pub orders: u64,
    pub seed: u64,
    /// The moment the demo is made: every order is detected, and every step taken, before it.
    pub now: NaiveDateTime,
    /// The county the orders are in (a division code of the embedded table).
    pub county_code: String,
    /// The officer the demo is made for; four colleagues with generated names join them.
    pub officer: String,
    /// The serial of the first order's number (`GD{date}{serial:07}`); the counties of one hub
    /// take ranges that do not meet.
    pub first_serial: u64,
}

/// Where the generated rows go, in the order they are made (an enterprise before its driver
/// and vehicles, a vehicle before its orders).
pub trait Sink {
    type Error: From<DemoError>;
    fn enterprise(&mut self, e: &NewEnterprise) -> Result<(), Self::Error>;
    fn driver(&mut self, d: &NewDriver) -> Result<(), Self::Error>;
    fn vehicle(&mut self, v: &NewVehicle) -> Result<(), Self::Error>;
    fn whitelist(&mut self, e: &WhitelistEntry) -> Result<(), Self::Error>;
    fn order(&mut self, o: &NewOrder) -> Result<(), Self::Error>;
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("a demo makes 1 to {max} orders")]
    Count { max: u64 },
    #[error("the demo data files are damaged: {0}")]
    DataDamaged(String),
    #[error("no roads are known for county {0}")]
    NoRoads(String),
}

/// How much was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Made {
    pub orders: u64,
    pub enterprises: u64,
    pub vehicles: u64,
}

/// Makes the demo of `spec` into `sink`.
pub fn generate<S: Sink>(spec: &Spec, catalog: &Catalog, sink: &mut S) -> Result<Made, S::Error> {
    let orders = spec.orders;
    if orders == 0 || orders > MAX_ORDERS {
        return Err(DemoError::Count { max: MAX_ORDERS }.into());
    }
    let names: Names =
        serde_json::from_str(NAMES).map_err(|e| DemoError::DataDamaged(e.to_string()))?;
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let divisions = Divisions::embedded();
    let now = spec.now;
    let home = spec.county_code.clone();
    let colleagues: Vec<String> = std::iter::once(spec.officer.clone())
        .chain((0..4).map(|_| person(&mut rng, &names)))
        .collect();
    let home_city = divisions.county(&home).map(|(c, _)| c.code.clone());

    let n_enterprises = (orders / 40).clamp(40, 20_000);
    let n_vehicles = (orders / 6).clamp(200, 200_000);

    // Enterprises: a third from the desk's own city, the rest from anywhere in Henan.
    let mut enterprises: Vec<(i64, String, Industry, char)> = Vec::new();
    for id in 1..=n_enterprises as i64 {
        let city = match &home_city {
            Some(code) if rng.gen_bool(0.35) => {
                divisions.city(code).unwrap_or(&divisions.cities[0])
            }
            _ => pick(&mut rng, &divisions.cities),
        };
        let county = pick(&mut rng, &city.counties);
        let industry = *pick(&mut rng, &Industry::ALL);
        let suffixes = names
            .enterprise_suffixes
            .get(industry.code())
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                DemoError::DataDamaged(format!("no enterprise suffixes for {}", industry.code()))
            })?;
        let name = format!(
            "{}{}{}",
            short_place(&city.name, &county.name),
            pick(&mut rng, &names.enterprise_words),
            pick(&mut rng, suffixes)
        );
        // Most enterprises are green, as in the province's figures (98 % of coach and hazmat
        // enterprises); freight carriers, graded later, have more yellow and red codes.
        let (yellow, red) = match industry {
            Industry::GeneralFreight => (60, 25),
            _ => (20, 5),
        };
        let score = match rng.gen_range(0..1000) {
            n if n < red => rng.gen_range(600..800),
            n if n < red + yellow => rng.gen_range(800..900),
            _ => rng.gen_range(900..=1000),
        };
        sink.enterprise(&NewEnterprise {
            id,
            name: name.clone(),
            industry,
            county_code: county.code.clone(),
            credit_score: score,
        })?;
        sink.driver(&NewDriver {
            id,
            name: person(&mut rng, &names),
            phone: format!(
                "1{}{:09}",
                pick(&mut rng, &[3, 5, 7, 8, 9]),
                rng.gen_range(0..1_000_000_000u64)
            ),
            enterprise_id: id,
        })?;
        enterprises.push((id, name, industry, city.plate_letter));
    }

    // Vehicles with unique plates of their enterprise's city.
    let letters: Vec<char> = SERIAL_LETTERS.chars().collect();
    let mut plates = HashSet::new();
    let mut vehicles: Vec<(i64, String, usize, Option<WhitelistKind>)> = Vec::new();
    for id in 1..=n_vehicles as i64 {
        let e = rng.gen_range(0..enterprises.len());
        let (eid, _, industry, letter) = &enterprises[e];
        let plate = loop {
            let mut serial: String = (0..5)
                .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
                .collect();
            if rng.gen_bool(0.3) {
                let pos = rng.gen_range(0..5);
                serial.replace_range(pos..pos + 1, &pick(&mut rng, &letters).to_string());
            }
            let p = format!("豫{letter}{serial}");
            if plates.insert(p.clone()) {
                break p;
            }
        };
        sink.vehicle(&NewVehicle {
            id,
            plate: plate.clone(),
            enterprise_id: Some(*eid),
            industry: Some(*industry),
            owner_name: None,
            dishonest: rng.gen_bool(0.01),
        })?;
        let coach = matches!(industry, Industry::ScheduledCoach | Industry::CharterCoach);
        let listed = match rng.gen_range(0..100) {
            0 if *industry != Industry::Hazmat => Some(WhitelistKind::EnterpriseSelfUse),
            1 if coach => Some(WhitelistKind::RepeatedCleanInterception),
            2 if *industry == Industry::CharterCoach => Some(WhitelistKind::LargeEventRental),
            _ => None,
        };
        if let Some(kind) = listed {
            let event = kind == WhitelistKind::LargeEventRental;
            sink.whitelist(&WhitelistEntry {
                plate: plate.clone(),
                kind,
                status: WhitelistStatus::Approved,
                // As the system or a supervisor would have written it.
                reason: match kind {
                    WhitelistKind::RepeatedCleanInterception => {
                        whitelist::clean_interceptions_reason(rng.gen_range(2..5))
                    }
                    WhitelistKind::EnterpriseSelfUse => "企业自有车辆，仅用于本企业职工通勤".into(),
                    WhitelistKind::LargeEventRental => "博览会期间租用，接送参展人员".into(),
                },
                event_name: event.then(|| "2026中国（新乡）民营经济博览会".to_string()),
                valid_from: now.date() - Duration::days(rng.gen_range(1..60)),
                valid_until: event.then(|| now.date() + Duration::days(rng.gen_range(0..10))),
                decided_by: Some(SUPERVISOR.into()),
                decision_reason: Some("核实符合白名单条件".into()),
                revoked_by: None,
                revoke_reason: None,
            })?;
        }
        vehicles.push((id, plate, e, listed));
    }

    let by_industry: Vec<(Industry, Vec<&casedesk_domain::Violation>)> = Industry::ALL
        .iter()
        .map(|i| {
            (
                *i,
                catalog.all().iter().filter(|v| v.industry == *i).collect(),
            )
        })
        .collect();
    let roads: Roads =
        serde_json::from_str(ROADS).map_err(|e| DemoError::DataDamaged(e.to_string()))?;
    let places = divisions
        .county(&home)
        .and_then(|(city, county)| Places::of(&roads, city, county))
        .ok_or_else(|| DemoError::NoRoads(home.clone()))?;
    // Unlicensed vans and cars of the desk's city, for suspected illegal operation.
    let home_letter = home_city
        .as_deref()
        .and_then(|c| divisions.city(c))
        .map_or('G', |c| c.plate_letter);
    let illegal: Vec<&casedesk_domain::Violation> = catalog
        .all()
        .iter()
        .filter(|v| v.code.starts_with("FF-"))
        .collect();
    let mut unlicensed: Vec<(i64, String)> = Vec::new();
    if !illegal.is_empty() {
        for id in
            (n_vehicles as i64 + 1)..=(n_vehicles as i64 + (orders / 50).clamp(5, 5000) as i64)
        {
            let plate = loop {
                let p = format!("豫{home_letter}{:05}", rng.gen_range(0..100_000u32));
                if plates.insert(p.clone()) {
                    break p;
                }
            };
            sink.vehicle(&NewVehicle {
                id,
                plate: plate.clone(),
                enterprise_id: None,
                industry: None,
                owner_name: rng.gen_bool(0.6).then(|| person(&mut rng, &names)),
                dishonest: false,
            })?;
            unlicensed.push((id, plate));
        }
    }
    for seq in 0..orders {
        // About one order in thirty is suspected illegal operation by an unlicensed vehicle.
        let (vehicle_id, plate, enterprise, v, whitelist) =
            if !unlicensed.is_empty() && rng.gen_range(0..30) == 0 {
                let (id, plate) = pick(&mut rng, &unlicensed).clone();
                (id, plate, None, *pick(&mut rng, &illegal), None)
            } else {
                let (vehicle_id, plate, e, listed) = pick(&mut rng, &vehicles).clone();
                let (_, _, industry, _) = &enterprises[e];
                let violations = &by_industry
                    .iter()
                    .find(|(i, _)| i == industry)
                    .map(|(_, v)| v)
                    .ok_or_else(|| {
                        DemoError::DataDamaged(format!("no violations for {}", industry.code()))
                    })?;
                (
                    vehicle_id,
                    plate,
                    Some(e),
                    *pick(&mut rng, violations),
                    listed,
                )
            };
        // Recent orders are more common: the square skews towards today.
        let age_minutes = (rng.gen::<f64>().powi(2) * 90.0 * 24.0 * 60.0) as i64;
        let detected: NaiveDateTime = now - Duration::minutes(age_minutes);
        let age_days = age_minutes / (24 * 60);
        let urgent = matches!(v.response, casedesk_domain::ResponseTime::Minutes(_));
        let mut status = demo_status(&mut rng, age_days);
        // Real-time alarms are answered within hours: after a day, one left pending or
        // merely claimed is a rare straggler, not the rule.
        if urgent
            && age_minutes > 24 * 60
            && matches!(status, Status::Pending | Status::Claimed)
            && rng.gen_bool(0.95)
        {
            status = if age_days > 14 {
                Status::Closed
            } else {
                Status::Handled
            };
        }
        let officer = pick(&mut rng, &colleagues).clone();
        let plan = demo_plan(&mut rng, status, v.path, whitelist.is_some(), &names);
        let history = timed(
            &mut rng, plan, urgent, detected, now, &officer, SUPERVISOR, &home, whitelist,
        );
        let place = places.pick(&mut rng);
        let (enterprise_id, enterprise_name) = match enterprise {
            Some(e) => (Some(enterprises[e].0), enterprises[e].1.clone()),
            None => (None, String::new()),
        };
        sink.order(&NewOrder {
            order_no: format!(
                "GD{}{:07}",
                detected.format("%Y%m%d"),
                spec.first_serial + seq
            ),
            violation_code: v.code.clone(),
            plate,
            vehicle_id: Some(vehicle_id),
            enterprise_id,
            enterprise_name,
            driver_id: enterprise_id,
            county_code: home.clone(),
            place,
            detected_at: detected,
            history,
        })?;
    }
    Ok(Made {
        orders,
        enterprises: n_enterprises,
        vehicles: n_vehicles,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keeps what it is handed: each order as a line (number, plate, place, detection, each
    /// step's moment, actor and action), how many reference rows came, and the latest moment.
    struct Kept {
        orders: Vec<String>,
        reference: usize,
        latest: NaiveDateTime,
    }

    impl Sink for Kept {
        type Error = DemoError;
        fn enterprise(&mut self, _: &NewEnterprise) -> Result<(), DemoError> {
            self.reference += 1;
            Ok(())
        }
        fn driver(&mut self, _: &NewDriver) -> Result<(), DemoError> {
            self.reference += 1;
            Ok(())
        }
        fn vehicle(&mut self, _: &NewVehicle) -> Result<(), DemoError> {
            self.reference += 1;
            Ok(())
        }
        fn whitelist(&mut self, _: &WhitelistEntry) -> Result<(), DemoError> {
            self.reference += 1;
            Ok(())
        }
        fn order(&mut self, o: &NewOrder) -> Result<(), DemoError> {
            let steps: Vec<String> = o
                .history
                .iter()
                .map(|s| format!("{} {} {:?}", s.at, s.actor, s.action.kind()))
                .collect();
            self.orders.push(format!(
                "{} {} {} {} [{}]",
                o.order_no,
                o.plate,
                o.place,
                o.detected_at,
                steps.join("; ")
            ));
            let last = o.history.last().map_or(o.detected_at, |s| s.at);
            self.latest = self.latest.max(last).max(o.detected_at);
            Ok(())
        }
    }

    fn spec(officer: &str) -> Spec {
        Spec {
            orders: 500,
            seed: 7,
            now: NaiveDateTime::parse_from_str("2026-11-30 09:00", "%Y-%m-%d %H:%M")
                .expect("a time"),
            county_code: "410783".into(),
            officer: officer.into(),
            first_serial: 5_000_000,
        }
    }

    fn made(spec: &Spec) -> Result<Kept, DemoError> {
        let mut kept = Kept {
            orders: Vec::new(),
            reference: 0,
            latest: NaiveDateTime::MIN,
        };
        generate(spec, Catalog::embedded(), &mut kept)?;
        Ok(kept)
    }

    #[test]
    fn the_same_spec_makes_the_same_rows() {
        let a = made(&spec("zhang.wei")).expect("the demo");
        let b = made(&spec("zhang.wei")).expect("the demo");
        assert_eq!(a.orders.len(), 500);
        assert_eq!(a.orders, b.orders);
        assert_eq!(a.reference, b.reference);
        assert!(a.orders[0].starts_with("GD") && a.orders[0][10..17] == *"5000000");
    }

    #[test]
    fn the_officer_is_who_acts_and_nothing_else_changes() {
        let a = made(&spec("zhang.wei")).expect("the demo");
        let b = made(&spec("li.na")).expect("the demo");
        assert!(a.orders.iter().any(|o| o.contains("zhang.wei")));
        let renamed: Vec<String> = a
            .orders
            .iter()
            .map(|o| o.replace("zhang.wei", "li.na"))
            .collect();
        assert_eq!(renamed, b.orders);
    }

    #[test]
    fn no_step_is_taken_after_the_demos_moment() {
        let s = spec("zhang.wei");
        let latest = made(&s).expect("the demo").latest;
        assert!(latest <= s.now, "{latest} is after {}", s.now);
        assert!(latest > s.now - Duration::days(1), "recent orders too");
    }

    #[test]
    fn a_count_out_of_range_is_refused() {
        let mut s = spec("zhang.wei");
        s.orders = 0;
        assert!(matches!(
            made(&s),
            Err(DemoError::Count { max: MAX_ORDERS })
        ));
    }
}
