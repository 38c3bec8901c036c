//! Demo data in the desk's cache: the demo generator's county (`casedesk-demo`) loaded in one
//! transaction, as the hub's `serve --demo` makes the same orders for the same spec.

use std::time::Instant;

use casedesk_demo::{DemoError, NewDriver, NewEnterprise, NewOrder, NewVehicle, Sink, Spec};
use casedesk_domain::WhitelistEntry;
use casedesk_store::load::Loader;
use casedesk_store::Rules;
use chrono::NaiveDateTime;

use crate::dto::DemoSummary;
use crate::error::{AppError, ErrorCode};
use crate::message::MessageKey;
use crate::Desk;

/// The cache's loader as the generator's sink.
struct CacheSink<'a, 'r> {
    loader: Loader<'a>,
    rules: Rules<'r>,
    /// When the whitelist entries were written.
    created: String,
}

impl From<DemoError> for AppError {
    fn from(e: DemoError) -> AppError {
        match e {
            DemoError::Count { max } => AppError::invalid(MessageKey::DemoCount).with("max", max),
            DemoError::DataDamaged(detail) => {
                AppError::new(ErrorCode::Storage, MessageKey::DemoDataDamaged)
                    .with("detail", detail)
            }
            DemoError::NoRoads(county) => {
                AppError::invalid(MessageKey::DemoNoRoads).with("county", county)
            }
        }
    }
}

impl Sink for CacheSink<'_, '_> {
    type Error = AppError;
    fn enterprise(&mut self, e: &NewEnterprise) -> Result<(), AppError> {
        Ok(self.loader.enterprise(e)?)
    }
    fn driver(&mut self, d: &NewDriver) -> Result<(), AppError> {
        Ok(self.loader.driver(d)?)
    }
    fn vehicle(&mut self, v: &NewVehicle) -> Result<(), AppError> {
        Ok(self.loader.vehicle(v)?)
    }
    fn whitelist(&mut self, e: &WhitelistEntry) -> Result<(), AppError> {
        self.loader.whitelist(e, &self.created)?;
        Ok(())
    }
    fn order(&mut self, o: &NewOrder) -> Result<(), AppError> {
        self.loader.order(o, &self.rules)?;
        Ok(())
    }
}

impl Desk {
    /// Fills an empty cache with `orders` demo work orders of the desk's county, made now for
    /// the desk's user. Refuses a cache that has orders.
    pub fn load_demo(&mut self, orders: u64, seed: u64) -> Result<DemoSummary, AppError> {
        let now = self.clock.now();
        self.load_demo_as_of(orders, seed, now)
    }

    /// [`Desk::load_demo`] as if made at `at` (not later than now), so that a desk and a hub
    /// given the same moment make the same orders.
    pub fn load_demo_as_of(
        &mut self,
        orders: u64,
        seed: u64,
        at: NaiveDateTime,
    ) -> Result<DemoSummary, AppError> {
        if at > self.clock.now() {
            return Err(AppError::invalid(MessageKey::DemoInFuture)
                .with("at", at.format("%Y-%m-%d %H:%M").to_string()));
        }
        if self.store.order_count()? > 0 {
            return Err(AppError::invalid(MessageKey::DemoCacheNotEmpty));
        }
        let started = Instant::now();
        let spec = Spec {
            orders,
            seed,
            now: at,
            county_code: self.profile.county_code.clone(),
            officer: self.profile.user_name.clone(),
            first_serial: 1,
        };
        let catalog = self.catalog.clone();
        let calendar = self.calendar.clone();
        let mut sink = CacheSink {
            loader: self.store.loader()?,
            rules: Rules {
                calendar: &calendar,
                catalog: &catalog,
            },
            created: at.format("%Y-%m-%d %H:%M").to_string(),
        };
        let made = casedesk_demo::generate(&spec, &catalog, &mut sink)?;
        sink.loader.commit()?;
        Ok(DemoSummary {
            orders: made.orders,
            enterprises: made.enterprises,
            vehicles: made.vehicles,
            millis: started.elapsed().as_millis() as u64,
        })
    }
}
