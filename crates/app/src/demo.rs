//! Demo data: a realistic Henan cache for the desk's county. Enterprises from all 18 city-level
//! units (so plates carry their own city letter), vehicles, drivers, and work orders spread over
//! the catalog, the last 90 days and every state, with the history that brought each order there.
//! Deterministic for a given seed.

use std::collections::HashSet;
use std::time::Instant;

use casedesk_domain::action::OrderAction;
use casedesk_domain::plate::SERIAL_LETTERS;
use casedesk_domain::whitelist::{self, WhitelistEntry, WhitelistKind, WhitelistStatus};
use casedesk_domain::{
    City, County, Divisions, HandlingMethod, HandlingPath, Industry, InterceptionOutcome,
    ReturnReason, Role, Status,
};
use casedesk_store::load::{HistoryStep, NewDriver, NewEnterprise, NewOrder, NewVehicle};
use chrono::{Duration, NaiveDateTime};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Deserialize;

use crate::dto::DemoSummary;
use crate::error::{AppError, ErrorCode};
use crate::message::MessageKey;
use crate::Desk;

const NAMES: &str = include_str!("../../../assets/demo/names.json");
const ROADS: &str = include_str!("../../../assets/demo/roads.json");

/// Most orders one demo load makes.
pub const MAX_ORDERS: u64 = 2_000_000;

#[derive(Deserialize)]
struct Names {
    surnames: Vec<String>,
    given_names: Vec<String>,
    enterprise_words: Vec<String>,
    enterprise_suffixes: std::collections::HashMap<String, Vec<String>>,
    unit_names: Vec<String>,
}

/// `assets/demo/roads.json`: real roads by division code, so that a demo place is a road of the
/// county it is in (a local notices 许继大道 placed in 长垣).
#[derive(Deserialize)]
struct Roads {
    cities: std::collections::HashMap<String, CityRoads>,
    counties: std::collections::HashMap<String, Vec<String>>,
}

#[derive(Deserialize)]
struct CityRoads {
    highways: Vec<String>,
    streets: Vec<String>,
}

/// Where a demo order of one county happens: a kilometre post on a highway crossing its city, or
/// a street of its own seat (the city's centre for a district) with the town named first.
struct Places {
    highways: Vec<String>,
    streets: Vec<String>,
}

impl Places {
    /// `None` when the roads file has no highway for the city (every city has one).
    fn of(roads: &Roads, city: &City, county: &County) -> Option<Places> {
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

    fn pick(&self, rng: &mut StdRng) -> String {
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

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

fn person(rng: &mut StdRng, names: &Names) -> String {
    format!(
        "{}{}",
        pick(rng, &names.surnames),
        pick(rng, &names.given_names)
    )
}

/// Short place name for company names: 长垣市 → 长垣, 中原区 → 郑州 (districts use the city).
fn short_place(city: &str, county: &str) -> String {
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

impl Desk {
    /// Fills an empty cache with `orders` demo work orders. Refuses a cache that has orders.
    pub fn load_demo(&mut self, orders: u64, seed: u64) -> Result<DemoSummary, AppError> {
        if orders == 0 || orders > MAX_ORDERS {
            return Err(AppError::invalid(MessageKey::DemoCount).with("max", MAX_ORDERS));
        }
        if self.store.order_count()? > 0 {
            return Err(AppError::invalid(MessageKey::DemoCacheNotEmpty));
        }
        let started = Instant::now();
        let names: Names = serde_json::from_str(NAMES).map_err(|e| {
            AppError::new(ErrorCode::Storage, MessageKey::DemoDataDamaged)
                .with("detail", e.to_string())
        })?;
        let mut rng = StdRng::seed_from_u64(seed);
        let divisions = Divisions::embedded();
        let catalog = self.catalog.clone();
        let now = self.clock.now();
        let me = self.profile.user_name.clone();
        let home = self.profile.county_code.clone();
        let colleagues: Vec<String> = std::iter::once(me.clone())
            .chain((0..4).map(|_| person(&mut rng, &names)))
            .collect();
        let home_city = divisions.county(&home).map(|(c, _)| c.code.clone());

        let n_enterprises = (orders / 40).clamp(40, 20_000);
        let n_vehicles = (orders / 6).clamp(200, 200_000);
        let calendar = self.calendar.clone();
        let rules = casedesk_store::Rules {
            calendar: &calendar,
            catalog: &catalog,
        };
        let created = now.format("%Y-%m-%d %H:%M").to_string();
        let loader = self.store.loader()?;

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
                    AppError::new(ErrorCode::Storage, MessageKey::DemoDataDamaged).with(
                        "detail",
                        format!("no enterprise suffixes for {}", industry.code()),
                    )
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
            loader.enterprise(&NewEnterprise {
                id,
                name: name.clone(),
                industry,
                county_code: county.code.clone(),
                credit_score: score,
            })?;
            loader.driver(&NewDriver {
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
            loader.vehicle(&NewVehicle {
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
                loader.whitelist(
                    &WhitelistEntry {
                        plate: plate.clone(),
                        kind,
                        status: WhitelistStatus::Approved,
                        // As the system or a supervisor would have written it.
                        reason: match kind {
                            WhitelistKind::RepeatedCleanInterception => {
                                whitelist::clean_interceptions_reason(rng.gen_range(2..5))
                            }
                            WhitelistKind::EnterpriseSelfUse => {
                                "企业自有车辆，仅用于本企业职工通勤".into()
                            }
                            WhitelistKind::LargeEventRental => {
                                "博览会期间租用，接送参展人员".into()
                            }
                        },
                        event_name: event.then(|| "2026中国（新乡）民营经济博览会".to_string()),
                        valid_from: now.date() - Duration::days(rng.gen_range(1..60)),
                        valid_until: event
                            .then(|| now.date() + Duration::days(rng.gen_range(0..10))),
                        decided_by: Some("监管中心".into()),
                        decision_reason: Some("核实符合白名单条件".into()),
                        revoked_by: None,
                        revoke_reason: None,
                    },
                    &created,
                )?;
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
        let roads: Roads = serde_json::from_str(ROADS).map_err(|e| {
            AppError::new(ErrorCode::Storage, MessageKey::DemoDataDamaged)
                .with("detail", e.to_string())
        })?;
        let places = divisions
            .county(&home)
            .and_then(|(city, county)| Places::of(&roads, city, county))
            .ok_or_else(|| {
                AppError::invalid(MessageKey::DemoNoRoads).with("county", home.as_str())
            })?;
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
                loader.vehicle(&NewVehicle {
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
        let supervisor = "监管中心".to_string();
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
                            AppError::new(ErrorCode::Storage, MessageKey::DemoDataDamaged)
                                .with("detail", format!("no violations for {}", industry.code()))
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
                &mut rng,
                plan,
                urgent,
                detected,
                now,
                &officer,
                &supervisor,
                &home,
                whitelist,
            );
            let place = places.pick(&mut rng);
            let (enterprise_id, enterprise_name) = match enterprise {
                Some(e) => (Some(enterprises[e].0), enterprises[e].1.clone()),
                None => (None, String::new()),
            };
            loader.order(
                &NewOrder {
                    order_no: format!("GD{}{:07}", detected.format("%Y%m%d"), seq + 1),
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
                },
                &rules,
            )?;
        }
        loader.commit()?;
        Ok(DemoSummary {
            orders,
            enterprises: n_enterprises,
            vehicles: n_vehicles,
            millis: started.elapsed().as_millis() as u64,
        })
    }
}

/// Older orders are further along; the mix echoes the seed's closure rate (~97%).
fn demo_status(rng: &mut StdRng, age_days: i64) -> Status {
    let r = rng.gen_range(0..100);
    match age_days {
        0..=2 => match r {
            0..=54 => Status::Pending,
            55..=79 => Status::Claimed,
            80..=94 => Status::Handled,
            _ => Status::AwaitingFeedback,
        },
        3..=14 => match r {
            0..=9 => Status::Pending,
            10..=24 => Status::Claimed,
            25..=39 => Status::Handled,
            40..=44 => Status::AwaitingFeedback,
            45..=59 => Status::Rectifying,
            60..=64 => Status::Rectified,
            65..=76 => Status::Submitted,
            77..=79 => Status::Rework,
            80..=94 => Status::Closed,
            95..=97 => Status::Returned,
            _ => Status::Transferred,
        },
        // Past the longest deadline almost everything is closed; a few stragglers stay overdue.
        _ => match rng.gen_range(0..1000) {
            0..=4 => Status::Pending,
            5..=9 => Status::Claimed,
            10..=19 => Status::Rectifying,
            20..=29 => Status::Submitted,
            30..=34 => Status::Returned,
            35..=64 => Status::Transferred,
            _ => Status::Closed,
        },
    }
}

/// Who takes a planned step.
#[derive(Clone, Copy, PartialEq)]
enum By {
    Officer,
    Supervisor,
}

/// The actions that bring an order to `status` along its clue category's path.
fn demo_plan(
    rng: &mut StdRng,
    status: Status,
    path: HandlingPath,
    whitelisted: bool,
    names: &Names,
) -> Vec<(By, OrderAction)> {
    use By::{Officer as O, Supervisor as S};
    let mut out = Vec::new();
    match status {
        Status::Pending => return out,
        Status::Returned => {
            let code = *pick(rng, &ReturnReason::ALL);
            out.push((
                O,
                OrderAction::Return {
                    reason_code: code,
                    reason: if code == ReturnReason::Other {
                        "车辆已报废注销".into()
                    } else {
                        String::new()
                    },
                },
            ));
            return out;
        }
        _ => {}
    }
    out.push((O, OrderAction::Claim));
    if status == Status::Claimed {
        return out;
    }
    if status == Status::Transferred {
        out.push((
            O,
            OrderAction::Transfer {
                to_unit: pick(rng, &names.unit_names).clone(),
                reason: "涉及其他部门职责，按规定转办".into(),
            },
        ));
        return out;
    }
    // The category's path: intervene (intercept or warn), notify another authority, or educate.
    let mut groundless = false;
    match path {
        HandlingPath::Intervention if !whitelisted && rng.gen_bool(0.5) => {
            let outcome = match rng.gen_range(0..100) {
                0..=59 => InterceptionOutcome::ViolationFound,
                60..=84 => InterceptionOutcome::NothingFound,
                _ => InterceptionOutcome::VehicleNotFound,
            };
            groundless = outcome != InterceptionOutcome::ViolationFound;
            out.push((
                O,
                OrderAction::Intercept {
                    outcome,
                    notes: String::new(),
                },
            ));
        }
        HandlingPath::Notice => {
            out.push((
                O,
                OrderAction::NotifyAuthority {
                    authority: pick(rng, &names.unit_names).clone(),
                    content: "经核查该车存在违法违规线索，请依职责处理并反馈".into(),
                    feedback_due: None,
                },
            ));
            if status == Status::AwaitingFeedback {
                return out;
            }
            out.push((
                O,
                OrderAction::RecordFeedback {
                    feedback: "已立案调查，依法处理".into(),
                },
            ));
        }
        _ => out.push((
            O,
            OrderAction::Handle {
                method: if path == HandlingPath::Intervention {
                    HandlingMethod::PhoneWarning
                } else {
                    HandlingMethod::Education
                },
                result: if path == HandlingPath::Intervention {
                    "已电话联系驾驶员，责令立即纠正".into()
                } else {
                    "已约谈企业安全负责人并开展警示教育".into()
                },
                notes: String::new(),
            },
        )),
    }
    if status == Status::Handled || status == Status::AwaitingFeedback {
        return out;
    }
    if groundless && status == Status::Closed {
        out.push((
            O,
            OrderAction::CloseGroundless {
                finding: "现场核查未发现违法行为，线索不属实".into(),
            },
        ));
        return out;
    }
    out.push((
        O,
        OrderAction::RequireRectification {
            requirement: "企业对涉事驾驶员开展安全教育，并提交培训记录和动态监控整改说明".into(),
            // Replaced by a date after the step's moment when the history is timed.
            deadline: chrono::NaiveDate::MIN,
        },
    ));
    if status == Status::Rectifying {
        return out;
    }
    let rectify = OrderAction::RecordRectification {
        description: "企业已完成驾驶员安全教育培训，监控人员已调整".into(),
        evidence: Vec::new(),
    };
    out.push((O, rectify.clone()));
    if status == Status::Rectified {
        return out;
    }
    out.push((O, OrderAction::SubmitForSpotCheck));
    if status == Status::Submitted {
        return out;
    }
    if status == Status::Rework || rng.gen_bool(0.09) {
        out.push((
            S,
            OrderAction::SpotCheck {
                passed: false,
                notes: "整改证据不完整，请补充".into(),
            },
        ));
        if status == Status::Rework {
            return out;
        }
        out.push((O, rectify));
        out.push((O, OrderAction::SubmitForSpotCheck));
    }
    out.push((
        S,
        OrderAction::SpotCheck {
            passed: true,
            notes: String::new(),
        },
    ));
    out
}

/// Gives each planned step a moment after the last; a step that would lie in the future is
/// not taken (the order stays where it got to).
#[allow(clippy::too_many_arguments)]
fn timed(
    rng: &mut StdRng,
    plan: Vec<(By, OrderAction)>,
    urgent: bool,
    detected: NaiveDateTime,
    now: NaiveDateTime,
    officer: &str,
    supervisor: &str,
    county: &str,
    whitelist: Option<WhitelistKind>,
) -> Vec<HistoryStep> {
    let mut at = detected;
    let mut out = Vec::with_capacity(plan.len());
    for (i, (by, mut action)) in plan.into_iter().enumerate() {
        // A real-time alarm is claimed and acted on within minutes; the rest within days.
        let gap = if urgent && i < 2 { 3..90 } else { 20..1500 };
        at += Duration::minutes(rng.gen_range(gap));
        if at > now {
            break;
        }
        if let OrderAction::RequireRectification { deadline, .. } = &mut action {
            *deadline = at.date() + Duration::days(14);
        }
        let (role, actor) = match by {
            By::Officer => (Role::CountyOfficer, officer),
            By::Supervisor => (Role::Supervisor, supervisor),
        };
        out.push(HistoryStep {
            at,
            role,
            actor: actor.to_string(),
            county_code: county.to_string(),
            action,
            whitelist,
        });
    }
    out
}
