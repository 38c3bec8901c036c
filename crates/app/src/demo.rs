//! Demo data: a realistic Henan cache for the desk's county. Enterprises from all 18 city-level
//! units (so plates carry their own city letter), vehicles, drivers, and work orders spread over
//! the catalog, the last 90 days and every state, with the history that brought each order there.
//! Deterministic for a given seed.

use std::collections::HashSet;
use std::time::Instant;

use casedesk_domain::action::{EvidenceRef, OrderAction};
use casedesk_domain::plate::SERIAL_LETTERS;
use casedesk_domain::whitelist::WhitelistReason;
use casedesk_domain::{Catalog, ClueSource, Divisions, HandlingMethod, Industry, Status};
use casedesk_store::load::{NewDriver, NewEnterprise, NewOrder, NewVehicle};
use chrono::{Duration, NaiveDateTime};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Deserialize;

use crate::dto::DemoSummary;
use crate::error::{AppError, ErrorCode};
use crate::Desk;

const NAMES: &str = include_str!("../../../assets/demo/names.json");

/// Most orders one demo load makes.
pub const MAX_ORDERS: u64 = 2_000_000;

#[derive(Deserialize)]
struct Names {
    surnames: Vec<String>,
    given_names: Vec<String>,
    enterprise_words: Vec<String>,
    enterprise_suffixes: std::collections::HashMap<String, Vec<String>>,
    roads: Vec<String>,
    unit_names: Vec<String>,
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
            return Err(AppError::invalid(
                format!("演示工单数量应在 1 到 {MAX_ORDERS} 之间。"),
                format!("the number of demo orders must be between 1 and {MAX_ORDERS}"),
            ));
        }
        if self.store.order_count()? > 0 {
            return Err(AppError::new(
                ErrorCode::InvalidInput,
                "本地缓存中已有工单，演示数据只能加载到空缓存。",
                "the cache already has work orders; demo data loads only into an empty cache",
            ));
        }
        let started = Instant::now();
        let names: Names = serde_json::from_str(NAMES).map_err(|e| {
            AppError::new(
                ErrorCode::Storage,
                format!("演示数据文件损坏：{e}"),
                e.to_string(),
            )
        })?;
        let mut rng = StdRng::seed_from_u64(seed);
        let divisions = Divisions::embedded();
        let catalog = Catalog::embedded();
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
                    AppError::new(
                        ErrorCode::Storage,
                        "演示数据缺少企业名称后缀",
                        "demo names lack suffixes",
                    )
                })?;
            let name = format!(
                "{}{}{}",
                short_place(&city.name, &county.name),
                pick(&mut rng, &names.enterprise_words),
                pick(&mut rng, suffixes)
            );
            let score = match rng.gen_range(0..100) {
                0..=64 => rng.gen_range(900..=1000),
                65..=89 => rng.gen_range(800..900),
                _ => rng.gen_range(600..800),
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
        let mut vehicles: Vec<(i64, String, usize)> = Vec::new();
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
            let whitelist = match rng.gen_range(0..100) {
                0 if *industry != Industry::Hazmat => Some(WhitelistReason::EnterpriseSelfUse),
                1 if matches!(industry, Industry::ScheduledCoach | Industry::CharterCoach) => {
                    Some(WhitelistReason::RepeatedFruitlessInterception)
                }
                2 if *industry == Industry::CharterCoach => Some(WhitelistReason::LargeEventRental),
                _ => None,
            };
            loader.vehicle(&NewVehicle {
                id,
                plate: plate.clone(),
                enterprise_id: *eid,
                industry: *industry,
                whitelist_reason: whitelist,
            })?;
            vehicles.push((id, plate, e));
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
        let county_name = divisions
            .county(&home)
            .map(|(_, c)| c.name.clone())
            .unwrap_or_default();
        for seq in 0..orders {
            let (vehicle_id, plate, e) = pick(&mut rng, &vehicles).clone();
            let (eid, ename, industry, _) = &enterprises[e];
            let violations = &by_industry
                .iter()
                .find(|(i, _)| i == industry)
                .map(|(_, v)| v)
                .ok_or_else(|| {
                    AppError::new(
                        ErrorCode::Storage,
                        "违法类型目录缺少行业",
                        "catalog lacks an industry",
                    )
                })?;
            let v = *pick(&mut rng, violations);
            // Recent orders are more common: the square skews towards today.
            let age_minutes = (rng.gen::<f64>().powi(2) * 90.0 * 24.0 * 60.0) as i64;
            let detected: NaiveDateTime = now - Duration::minutes(age_minutes);
            let deadline = calendar.add_working_days(detected.date(), v.deadline_days);
            let age_days = age_minutes / (24 * 60);
            let status = demo_status(&mut rng, age_days);
            let officer = pick(&mut rng, &colleagues).clone();
            let history = demo_history(
                &mut rng,
                status,
                detected,
                &officer,
                &names,
                v.clue_category,
            );
            let place = if rng.gen_bool(0.7) {
                format!(
                    "{} K{}+{:03}",
                    pick(&mut rng, &names.roads),
                    rng.gen_range(1..900),
                    rng.gen_range(0..1000)
                )
            } else {
                format!("{}{}", county_name, pick(&mut rng, &names.roads))
            };
            let source = if v.clue_category == 1 {
                ClueSource::InTrip
            } else {
                ClueSource::AfterFact
            };
            loader.order(&NewOrder {
                order_no: format!("GD{}{:07}", detected.format("%Y%m%d"), seq + 1),
                status,
                industry: *industry,
                violation_code: v.code.clone(),
                violation_name: v.name.clone(),
                clue_category: v.clue_category,
                source,
                plate,
                vehicle_id,
                enterprise_id: *eid,
                enterprise_name: ename.clone(),
                driver_id: *eid,
                county_code: home.clone(),
                place,
                detected_at: detected.format("%Y-%m-%d %H:%M").to_string(),
                deadline: deadline.format("%Y-%m-%d").to_string(),
                claimed_by: (status != Status::Pending).then_some(officer),
                transfer_to: history.iter().find_map(|(_, _, a)| match a {
                    OrderAction::Transfer { to_unit, .. } => Some(to_unit.clone()),
                    _ => None,
                }),
                history,
            })?;
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
            0..=59 => Status::Pending,
            60..=84 => Status::Claimed,
            _ => Status::Handled,
        },
        3..=14 => match r {
            0..=14 => Status::Pending,
            15..=29 => Status::Claimed,
            30..=49 => Status::Handled,
            50..=69 => Status::Rectifying,
            70..=84 => Status::Submitted,
            85..=94 => Status::Closed,
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

fn demo_history(
    rng: &mut StdRng,
    status: Status,
    detected: NaiveDateTime,
    officer: &str,
    names: &Names,
    category: u8,
) -> Vec<(String, String, OrderAction)> {
    let mut at = detected;
    let mut out = Vec::new();
    let mut step = |rng: &mut StdRng, actor: &str, a: OrderAction| {
        at += Duration::minutes(rng.gen_range(20..2000));
        out.push((
            at.format("%Y-%m-%d %H:%M").to_string(),
            actor.to_string(),
            a,
        ));
    };
    if status == Status::Pending {
        return out;
    }
    step(rng, officer, OrderAction::Claim);
    if status == Status::Claimed {
        return out;
    }
    if status == Status::Transferred {
        let to_unit = pick(rng, &names.unit_names).clone();
        step(
            rng,
            officer,
            OrderAction::Transfer {
                to_unit,
                reason: "涉及其他部门职责，按规定转办".into(),
            },
        );
        return out;
    }
    let method = match category {
        1 => HandlingMethod::PhoneWarning,
        2 => HandlingMethod::NoticeToAuthority,
        _ => HandlingMethod::Education,
    };
    step(
        rng,
        officer,
        OrderAction::Handle {
            method,
            result: match method {
                HandlingMethod::PhoneWarning => "已电话联系驾驶员，责令立即纠正".into(),
                HandlingMethod::NoticeToAuthority => "已抄告属地公安交管部门".into(),
                _ => "已约谈企业安全负责人并开展警示教育".into(),
            },
            notes: String::new(),
        },
    );
    if status == Status::Handled {
        return out;
    }
    if status == Status::Returned {
        step(rng, officer, OrderAction::SubmitForSpotCheck);
        step(
            rng,
            "监管中心",
            OrderAction::SpotCheck {
                passed: false,
                notes: "整改证据不完整，请补充".into(),
            },
        );
        return out;
    }
    // Rectification is due within a fortnight of detection.
    let deadline = (detected + Duration::days(14)).date();
    step(
        rng,
        officer,
        OrderAction::RequireRectification {
            requirement: "企业对涉事驾驶员开展安全教育，并提交培训记录和动态监控整改说明".into(),
            deadline,
        },
    );
    if status == Status::Rectifying {
        return out;
    }
    step(
        rng,
        officer,
        OrderAction::RecordRectification {
            description: "企业已完成驾驶员安全教育培训，监控人员已调整".into(),
            evidence: Vec::<EvidenceRef>::new(),
        },
    );
    step(rng, officer, OrderAction::SubmitForSpotCheck);
    if status == Status::Submitted {
        return out;
    }
    step(
        rng,
        "监管中心",
        OrderAction::SpotCheck {
            passed: true,
            notes: String::new(),
        },
    );
    out
}
