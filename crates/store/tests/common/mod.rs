//! Fixtures for store tests: a small, deterministic cache built through the bulk loader.
#![allow(dead_code)] // each test file uses a different part

use casedesk_domain::lifecycle::Actor;
use casedesk_domain::whitelist::{WhitelistEntry, WhitelistKind, WhitelistStatus};
use casedesk_domain::{Catalog, Industry, Role, WorkingCalendar};
use casedesk_store::load::{NewDriver, NewEnterprise, NewOrder, NewVehicle};
use casedesk_store::{Rules, Store};
use chrono::{NaiveDate, NaiveDateTime};
use std::sync::OnceLock;

pub const CHANGYUAN: &str = "410783";

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).expect("date")
}

pub fn now() -> NaiveDateTime {
    at("2026-11-24 09:00")
}

pub fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("test time")
}

pub fn calendar() -> &'static WorkingCalendar {
    static CAL: OnceLock<WorkingCalendar> = OnceLock::new();
    CAL.get_or_init(WorkingCalendar::embedded)
}

pub fn rules() -> Rules<'static> {
    Rules {
        calendar: calendar(),
        catalog: Catalog::embedded(),
    }
}

pub fn officer(name: &'static str) -> Actor<'static> {
    Actor {
        role: Role::CountyOfficer,
        name,
        county_code: CHANGYUAN,
    }
}

pub fn supervisor() -> Actor<'static> {
    Actor {
        role: Role::Supervisor,
        name: "王主任",
        county_code: CHANGYUAN,
    }
}

/// `n` pending orders in 长垣市: plates 豫G00000.., two enterprises, vehicle 1 whitelisted
/// (self-use), and the last order about an unlicensed van (no enterprise). Orders of enterprise 1
/// are driven by 王强 (13800000001), of enterprise 2 by 李娜 (13900000002).
pub fn fill(store: &mut Store, n: usize) {
    let cat = Catalog::embedded();
    let loader = store.loader().expect("loader");
    for (id, name, score, driver, phone) in [
        (1, "长垣市顺达汽车运输有限公司", 950, "王强", "13800000001"),
        (2, "新乡市宏运物流有限公司", 760, "李娜", "13900000002"),
    ] {
        loader
            .enterprise(&NewEnterprise {
                id,
                name: name.into(),
                industry: Industry::ScheduledCoach,
                county_code: CHANGYUAN.into(),
                credit_score: score,
            })
            .expect("enterprise");
        loader
            .driver(&NewDriver {
                id,
                name: driver.into(),
                phone: phone.into(),
                enterprise_id: id,
            })
            .expect("driver");
    }
    for i in 0..n {
        let vehicle_id = i as i64 + 1;
        let plate = format!("豫G{:05}", i);
        let unlicensed = i + 1 == n;
        let enterprise_id = (!unlicensed).then_some(1 + (i % 2) as i64);
        loader
            .vehicle(&NewVehicle {
                id: vehicle_id,
                plate: plate.clone(),
                enterprise_id,
                industry: (!unlicensed).then_some(Industry::ScheduledCoach),
                owner_name: unlicensed.then(|| "刘某".to_string()),
                dishonest: false,
            })
            .expect("vehicle");
        if i == 0 {
            loader
                .whitelist(
                    &WhitelistEntry {
                        plate: plate.clone(),
                        kind: WhitelistKind::EnterpriseSelfUse,
                        status: WhitelistStatus::Approved,
                        reason: "企业通勤车".into(),
                        event_name: None,
                        valid_from: NaiveDate::from_ymd_opt(2026, 1, 1).expect("d"),
                        valid_until: None,
                        decided_by: Some("王主任".into()),
                        decision_reason: Some("企业自用".into()),
                        revoked_by: None,
                        revoke_reason: None,
                    },
                    "2026-01-01 08:00",
                )
                .expect("whitelist");
        }
        let v = if unlicensed {
            cat.get("FF-001").expect("FF-001")
        } else {
            &cat.all()[i % cat.all().len()]
        };
        let day = 1 + (i % 24) as u32;
        loader
            .order(
                &NewOrder {
                    order_no: format!("GD20261124{:06}", i),
                    violation_code: v.code.clone(),
                    plate,
                    vehicle_id: Some(vehicle_id),
                    enterprise_id,
                    enterprise_name: match enterprise_id {
                        Some(1) => "长垣市顺达汽车运输有限公司",
                        Some(_) => "新乡市宏运物流有限公司",
                        None => "",
                    }
                    .into(),
                    driver_id: enterprise_id,
                    county_code: CHANGYUAN.into(),
                    place: format!("G4京港澳高速 K{}+303", 600 + i % 50),
                    detected_at: at(&format!("2026-11-{:02} 08:{:02}", day, i % 60)),
                    history: vec![],
                },
                &rules(),
            )
            .expect("order");
    }
    loader.commit().expect("commit");
}
