//! The dishonest-enterprise list (失信企业库) at the desk: the entries the hub sent (they decide
//! the fast track and the draw's on-top share here as on the hub), and listing a carrier or
//! recording its credit repair, which the hub dates and keeps (it needs the network).

use casedesk_domain::permit::{fast_track_refusals, CarrierRecord, ListPenalty};
use casedesk_wire::{DishonestEntry, DishonestListing};
use chrono::NaiveDate;
use serde::Serialize;
use ts_rs::TS;

use crate::error::AppError;
use crate::sync::runtime;
use crate::Desk;

/// An entry of the list as the window shows it: what was recorded, and what it means today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DishonestView {
    #[ts(type = "number")]
    pub id: i64,
    pub credit_id: String,
    pub enterprise_name: String,
    /// The jurisdiction that listed it (it holds there and below).
    pub division: String,
    pub behaviour: String,
    pub penalty: ListPenalty,
    pub listed_on: NaiveDate,
    pub repair_conditions: String,
    pub repaired_on: Option<NaiveDate>,
    /// Listed and not repaired today.
    pub in_force: bool,
    /// Its penalty refuses the carrier's fast track today.
    pub closes_fast_track: bool,
}

impl DishonestView {
    fn of(e: &DishonestEntry, today: NaiveDate) -> DishonestView {
        let record = CarrierRecord {
            penalties: Vec::new(),
            list_entries: vec![e.entry.clone()],
        };
        DishonestView {
            id: e.id,
            credit_id: e.credit_id.clone(),
            enterprise_name: e.enterprise_name.clone(),
            division: e.division.clone(),
            behaviour: e.entry.behaviour.clone(),
            penalty: e.entry.penalty,
            listed_on: e.entry.listed_on,
            repair_conditions: e.entry.repair_conditions.clone(),
            repaired_on: e.entry.repaired_on,
            in_force: e.entry.in_force(today),
            closes_fast_track: !fast_track_refusals(&record, today).is_empty(),
        }
    }
}

impl Desk {
    /// The entries the last sync brought: in force first (newest listing first), then repaired.
    pub fn dishonest_list(&self) -> Result<Vec<DishonestView>, AppError> {
        let today = self.today();
        let mut views: Vec<DishonestView> = self
            .store
            .dishonest_entries(None)?
            .iter()
            .map(|e| DishonestView::of(e, today))
            .collect();
        views.sort_by(|a, b| {
            b.in_force
                .cmp(&a.in_force)
                .then(b.listed_on.cmp(&a.listed_on))
                .then(b.id.cmp(&a.id))
        });
        Ok(views)
    }

    /// Lists a carrier today with the behaviour, the graded penalty and the repair conditions;
    /// the hub checks and dates it, and the entry is kept here at once.
    pub fn list_dishonest(
        &mut self,
        credit_id: &str,
        enterprise_name: &str,
        behaviour: &str,
        penalty: ListPenalty,
        repair_conditions: &str,
    ) -> Result<DishonestView, AppError> {
        let listing = DishonestListing {
            credit_id: credit_id.trim().to_string(),
            enterprise_name: enterprise_name.trim().to_string(),
            behaviour: behaviour.to_string(),
            penalty,
            repair_conditions: repair_conditions.to_string(),
            device_id: self.device_id.clone(),
        };
        let (mut client, account) = self.permit_hub()?;
        let result = runtime()?.block_on(client.list_dishonest(&listing));
        let entry = self.permit_answer(&mut client, &account, result)?;
        self.store.save_dishonest(&entry)?;
        Ok(DishonestView::of(&entry, self.today()))
    }

    /// Records entry `id`'s credit repair today: the carrier's fast track is restored.
    pub fn repair_dishonest(&mut self, id: i64) -> Result<DishonestView, AppError> {
        let (mut client, account) = self.permit_hub()?;
        let device = self.device_id.clone();
        let result = runtime()?.block_on(client.repair_dishonest(id, &device));
        let entry = self.permit_answer(&mut client, &account, result)?;
        self.store.save_dishonest(&entry)?;
        Ok(DishonestView::of(&entry, self.today()))
    }
}
