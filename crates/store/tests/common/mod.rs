//! Fixtures for store tests: a small, deterministic cache built through the bulk loader.
#![allow(dead_code)] // each test file uses a different part

use casedesk_domain::whitelist::WhitelistReason;
use casedesk_domain::{Catalog, ClueSource, Industry, Status, WorkingCalendar};
use casedesk_store::load::{NewDriver, NewEnterprise, NewOrder, NewVehicle};
use casedesk_store::Store;
use chrono::NaiveDate;

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).expect("date")
}

pub fn calendar() -> WorkingCalendar {
    WorkingCalendar::embedded()
}

/// `n` pending orders in 长垣市: plates 豫G00000.., two enterprises, vehicle 1 whitelisted.
pub fn fill(store: &mut Store, n: usize) {
    let cat = Catalog::embedded();
    let loader = store.loader().expect("loader");
    for (id, name, score) in [
        (1, "长垣市顺达汽车运输有限公司", 950),
        (2, "新乡市宏运物流有限公司", 760),
    ] {
        loader
            .enterprise(&NewEnterprise {
                id,
                name: name.into(),
                industry: Industry::ScheduledCoach,
                county_code: "410783".into(),
                credit_score: score,
            })
            .expect("enterprise");
        loader
            .driver(&NewDriver {
                id,
                name: "王强".into(),
                phone: "13800000000".into(),
                enterprise_id: id,
            })
            .expect("driver");
    }
    for i in 0..n {
        let vehicle_id = i as i64 + 1;
        let plate = format!("豫G{:05}", i);
        let enterprise_id = 1 + (i % 2) as i64;
        loader
            .vehicle(&NewVehicle {
                id: vehicle_id,
                plate: plate.clone(),
                enterprise_id,
                industry: Industry::ScheduledCoach,
                whitelist_reason: (i == 0).then_some(WhitelistReason::EnterpriseSelfUse),
            })
            .expect("vehicle");
        let v = &cat.all()[i % cat.all().len()];
        let day = 1 + (i % 28) as u32;
        loader
            .order(&NewOrder {
                order_no: format!("GD20261124{:06}", i),
                status: Status::Pending,
                industry: v.industry,
                violation_code: v.code.clone(),
                violation_name: v.name.clone(),
                clue_category: v.clue_category,
                source: ClueSource::InTrip,
                plate,
                vehicle_id,
                enterprise_id,
                enterprise_name: if enterprise_id == 1 {
                    "长垣市顺达汽车运输有限公司"
                } else {
                    "新乡市宏运物流有限公司"
                }
                .into(),
                driver_id: enterprise_id,
                county_code: "410783".into(),
                place: format!("G4京港澳高速K{}", 600 + i % 50),
                detected_at: format!("2026-11-{:02} 08:{:02}", day.min(24), i % 60),
                deadline: format!("2026-11-{:02}", day),
                claimed_by: None,
                transfer_to: None,
                history: vec![],
            })
            .expect("order");
    }
    loader.commit().expect("commit");
}
