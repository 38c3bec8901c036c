//! Whitelist proposals the hub makes (经2次及以上拦截未发现违法行为的客车): a coach intercepted
//! twice or more with nothing illegal found, with no violation on record and no open entry, is
//! proposed for the whitelist, for a supervisor of its city to approve or decline. The rule is the
//! domain's ([`casedesk_domain::whitelist::proposal`]); what the hub adds is the record it reads:
//! every desk's interceptions of the plate, not one desk's, counted in the transaction that
//! applies the interception (`interceptions`, hub schema 6). A desk also proposes locally, so an
//! officer offline sees the proposal at once; the hub's entry replaces it at the next pull.

use casedesk_domain::whitelist::{self, VehicleRecord, WhitelistEntry};
use casedesk_domain::{InterceptionOutcome, OrderAction, Outcome};
use casedesk_wire::{Mutation, OrderStateWire};
use chrono::NaiveDate;

use crate::storage::OrderRecord;

/// The outcome of the interception a mutation records, if it records one.
pub fn interception(m: &Mutation) -> Option<InterceptionOutcome> {
    match m.order_action() {
        Ok(OrderAction::Intercept { outcome, .. }) => Some(outcome),
        _ => None,
    }
}

/// What the hub knows of a plate when an interception of it is applied (that one included).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlateRecord {
    /// Interceptions with nothing illegal found.
    pub clean: u32,
    /// Interceptions that found a violation.
    pub found: u32,
    /// The plate's orders closed as a confirmed violation.
    pub confirmed_orders: u32,
    /// The plate has an entry proposed or approved, in any division.
    pub has_open_entry: bool,
}

/// How many of a plate's orders (their stored states) were closed as a confirmed violation.
pub fn confirmed_orders(states: &[String]) -> Result<u32, serde_json::Error> {
    let mut n = 0;
    for s in states {
        let state: OrderStateWire = serde_json::from_str(s)?;
        if state.outcome == Some(Outcome::Confirmed) {
            n += 1;
        }
    }
    Ok(n)
}

/// The entry to propose after a clean interception of `order`'s vehicle, if the rule says so.
/// The industry is the one the platform reported for the vehicle's enterprise: a vehicle with
/// no licensed enterprise is never proposed. The hub keeps no dishonest flag of vehicles (the
/// desk's is from its own demo data), so only the record above decides.
pub fn after_clean_interception(
    order: &OrderRecord,
    record: &PlateRecord,
    today: NaiveDate,
) -> Option<WhitelistEntry> {
    let vehicle = VehicleRecord {
        industry: order.facts.enterprise.as_ref().map(|e| e.industry),
        clean_interceptions: record.clean,
        violations: record.found + record.confirmed_orders,
        dishonest: false,
        has_open_entry: record.has_open_entry,
    };
    whitelist::proposal(&order.facts.plate, &vehicle, today)
}
