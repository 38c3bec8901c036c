//! `serve --demo`: a few users of every role (password [`DEMO_PASSWORD`], listed in the README)
//! and open orders made with the domain's `OrderState::open`, in 长垣市 (410783) and, to show
//! the jurisdictions, 获嘉县 (410724) of the same city. Only an empty hub is filled.

use casedesk_domain::{Catalog, OrderState, Role, WorkingCalendar};
use casedesk_wire::OrderFacts;
use chrono::{Duration, Timelike};

use crate::auth::hash_password;
use crate::clock::{beijing_now, stamp};
use crate::jurisdiction::Jurisdiction;
use crate::storage::{HubStore, NewUser, StoreError};

pub const DEMO_PASSWORD: &str = "casedesk-demo";

/// (user name, role, jurisdiction)
pub const DEMO_USERS: &[(&str, Role, &str)] = &[
    ("admin", Role::Administrator, "41"),
    ("zhang.wei", Role::CountyOfficer, "410783"),
    ("li.na", Role::CountyOfficer, "410783"),
    ("wang.fang", Role::CountyOfficer, "410724"),
    ("chen.jing", Role::DeskStaff, "410783"),
    ("zhao.lei", Role::Supervisor, "4107"),
    ("sun.min", Role::Supervisor, "41"),
];

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Setup(String),
}

/// Fills an empty hub; returns false (and changes nothing) when it already has users.
pub async fn fill(store: &dyn HubStore) -> Result<bool, DemoError> {
    if !store.list_users().await?.is_empty() {
        return Ok(false);
    }
    let now = beijing_now();
    let at = stamp(now);
    // Whole minutes, as the platform reports detection times.
    let minute = now
        .with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(now);
    let hash = hash_password(DEMO_PASSWORD).map_err(|e| DemoError::Setup(e.to_string()))?;
    for (name, role, code) in DEMO_USERS {
        let jurisdiction =
            Jurisdiction::parse(code).map_err(|e| DemoError::Setup(e.to_string()))?;
        store
            .add_user(
                NewUser {
                    username: name.to_string(),
                    password_hash: hash.clone(),
                    role: *role,
                    jurisdiction,
                },
                &at,
            )
            .await?;
    }
    let catalog = Catalog::embedded();
    let calendar = WorkingCalendar::embedded();
    let violations = catalog.all();
    if violations.is_empty() {
        return Err(DemoError::Setup("the violation catalog is empty".into()));
    }
    let places = [
        "G4京港澳高速K600",
        "S308长垣段",
        "G230新乡段",
        "长垣市蒲西街道",
    ];
    let plates = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    for (county, count) in [("410783", 12usize), ("410724", 4)] {
        for i in 0..count {
            let violation = &violations[(i * 7) % violations.len()];
            let detected = minute - Duration::minutes((i as i64 + 1) * 95);
            let state = OrderState::open(violation, detected, county, &calendar);
            let letter = plates.chars().nth(i % plates.len()).unwrap_or('A');
            let facts = OrderFacts {
                violation_code: violation.code.clone(),
                plate: format!("豫G{}{:04}", letter, 1000 + i * 37),
                place: places[i % places.len()].to_string(),
                detected_at: detected.format("%Y-%m-%d %H:%M").to_string(),
                enterprise: None,
                driver: None,
            };
            let order_no = format!("GD{}{}{:03}", detected.format("%Y%m%d"), &county[2..], i);
            store
                .insert_order(&order_no, &facts, &state, "demo", &at)
                .await?;
        }
    }
    Ok(true)
}
