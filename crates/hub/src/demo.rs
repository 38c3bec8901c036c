//! `serve --demo`: a few users of every role (password [`DEMO_PASSWORD`], listed in the README)
//! and the demo generator's work orders (`casedesk-demo`) in 长垣市 (410783) and, to show the
//! jurisdictions, fewer in 获嘉县 (410724) of the same city. 长垣's are made for zhang.wei with
//! the desk's seed, so a desk whose demo was made for zhang.wei at the same moment holds the
//! very orders the hub has (states and versions included). Only an empty hub is filled.
//!
//! [`fill_open_orders`] is the small hub the sync tests count on: the users and 16 open orders.

use std::collections::HashMap;

use casedesk_demo::{NewDriver, NewEnterprise, NewOrder, NewVehicle, Sink, Spec};
use casedesk_domain::{Catalog, OrderState, Role, WhitelistEntry, WorkingCalendar};
use casedesk_wire::{DriverFacts, EnterpriseFacts, OrderFacts};
use chrono::{Duration, NaiveDateTime, Timelike};

use crate::auth::hash_password;
use crate::clock::{beijing_now, stamp};
use crate::jurisdiction::Jurisdiction;
use crate::storage::{HubStore, NewUser, SeedOrder, StoreError};

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

/// The counties the demo fills: (county, the officer its orders are made for, share of the
/// orders in tenths, seed offset, first serial of its order numbers).
const DEMO_COUNTIES: &[(&str, &str, u64, u64, u64)] = &[
    ("410783", "zhang.wei", 10, 0, 1),
    ("410724", "wang.fang", 1, 1, 5_000_000),
];

/// Most orders `serve --demo` makes in 长垣 (the hub holds a county's orders in memory while
/// it makes them).
pub const MAX_DEMO_ORDERS: u64 = 200_000;

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Setup(String),
    #[error("{0}")]
    Generator(#[from] casedesk_demo::DemoError),
}

/// What `serve --demo` makes: as many orders in 长垣 as a desk's demo (a tenth as many in
/// 获嘉), with the desk's seed, as of `at` (Beijing time).
#[derive(Debug, Clone, Copy)]
pub struct DemoPlan {
    pub orders: u64,
    pub seed: u64,
    pub at: NaiveDateTime,
}

/// Fills an empty hub with the users and the generator's orders; returns false (and changes
/// nothing) when it already has users.
pub async fn fill(store: &dyn HubStore, plan: &DemoPlan) -> Result<bool, DemoError> {
    if plan.orders == 0 || plan.orders > MAX_DEMO_ORDERS {
        return Err(DemoError::Setup(format!(
            "the hub's demo makes 1 to {MAX_DEMO_ORDERS} orders"
        )));
    }
    if !add_users(store).await? {
        return Ok(false);
    }
    let at = stamp(beijing_now());
    let catalog = Catalog::embedded();
    let calendar = WorkingCalendar::embedded();
    for (county, officer, tenths, seed_offset, first_serial) in DEMO_COUNTIES {
        let orders = (plan.orders * tenths / 10).max(1);
        let spec = Spec {
            orders,
            seed: plan.seed + seed_offset,
            now: plan.at,
            county_code: county.to_string(),
            officer: officer.to_string(),
            first_serial: *first_serial,
        };
        let mut sink = HubSink {
            catalog,
            calendar: &calendar,
            enterprises: HashMap::new(),
            drivers: HashMap::new(),
            orders: Vec::with_capacity(orders as usize),
        };
        casedesk_demo::generate(&spec, catalog, &mut sink)?;
        let mut rows = sink.orders;
        while !rows.is_empty() {
            let rest = rows.split_off(rows.len().min(5_000));
            store.insert_orders(rows, "demo", &at).await?;
            rows = rest;
        }
    }
    Ok(true)
}

/// The generator's orders as the hub keeps them: the history replayed to a state and a version,
/// the enterprise and driver as the platform would report them. Vehicles and whitelist entries
/// stay with the desk's demo (the hub learns of a vehicle from its orders).
struct HubSink<'a> {
    catalog: &'a Catalog,
    calendar: &'a WorkingCalendar,
    enterprises: HashMap<i64, EnterpriseFacts>,
    drivers: HashMap<i64, DriverFacts>,
    orders: Vec<SeedOrder>,
}

impl Sink for HubSink<'_> {
    type Error = DemoError;
    fn enterprise(&mut self, e: &NewEnterprise) -> Result<(), DemoError> {
        self.enterprises.insert(
            e.id,
            EnterpriseFacts {
                name: e.name.clone(),
                credit_id: None,
                industry: e.industry,
                credit_score: Some(e.credit_score),
            },
        );
        Ok(())
    }
    fn driver(&mut self, d: &NewDriver) -> Result<(), DemoError> {
        self.drivers.insert(
            d.id,
            DriverFacts {
                name: d.name.clone(),
                phone: d.phone.clone(),
            },
        );
        Ok(())
    }
    fn vehicle(&mut self, _: &NewVehicle) -> Result<(), DemoError> {
        Ok(())
    }
    fn whitelist(&mut self, _: &WhitelistEntry) -> Result<(), DemoError> {
        Ok(())
    }
    fn order(&mut self, o: &NewOrder) -> Result<(), DemoError> {
        let (_, replayed) = o
            .replay(self.catalog, self.calendar)
            .map_err(|e| DemoError::Setup(e.to_string()))?;
        let version = replayed.version();
        self.orders.push(SeedOrder {
            order_no: o.order_no.clone(),
            facts: OrderFacts {
                violation_code: o.violation_code.clone(),
                plate: o.plate.clone(),
                place: o.place.clone(),
                detected_at: o.detected_at.format("%Y-%m-%d %H:%M").to_string(),
                enterprise: o
                    .enterprise_id
                    .and_then(|id| self.enterprises.get(&id).cloned()),
                driver: o.driver_id.and_then(|id| self.drivers.get(&id).cloned()),
            },
            state: replayed.state,
            version,
        });
        Ok(())
    }
}

/// Adds the demo users to a hub that has none; false when it has users.
async fn add_users(store: &dyn HubStore) -> Result<bool, DemoError> {
    if !store.list_users().await?.is_empty() {
        return Ok(false);
    }
    let at = stamp(beijing_now());
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
    Ok(true)
}

/// The small hub the sync tests count on: the demo users and 16 open orders made with the
/// domain's `OrderState::open` (12 in 长垣市, 4 in 获嘉县), detected over the last day.
pub async fn fill_open_orders(store: &dyn HubStore) -> Result<bool, DemoError> {
    if !add_users(store).await? {
        return Ok(false);
    }
    let now = beijing_now();
    let at = stamp(now);
    // Whole minutes, as the platform reports detection times.
    let minute = now
        .with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(now);
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
            let order = SeedOrder {
                order_no,
                facts,
                state,
                version: 1,
            };
            store.insert_order(&order, "demo", &at).await?;
        }
    }
    Ok(true)
}
