//! The dishonest-enterprise list (失信企业库) at the desk: the entries the hub sent (they decide
//! the fast track and the draw's on-top share here as on the hub), and listing a carrier or
//! recording its credit repair, which the hub dates and keeps (it needs the network).

use casedesk_domain::permit::ListPenalty;
use casedesk_wire::{DishonestEntry, DishonestListing};

use crate::error::AppError;
use crate::sync::runtime;
use crate::Desk;

impl Desk {
    /// The entries the last sync brought, by id.
    pub fn dishonest_list(&self) -> Result<Vec<DishonestEntry>, AppError> {
        Ok(self.store.dishonest_entries(None)?)
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
    ) -> Result<DishonestEntry, AppError> {
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
        Ok(entry)
    }

    /// Records entry `id`'s credit repair today: the carrier's fast track is restored.
    pub fn repair_dishonest(&mut self, id: i64) -> Result<DishonestEntry, AppError> {
        let (mut client, account) = self.permit_hub()?;
        let device = self.device_id.clone();
        let result = runtime()?.block_on(client.repair_dishonest(id, &device));
        let entry = self.permit_answer(&mut client, &account, result)?;
        self.store.save_dishonest(&entry)?;
        Ok(entry)
    }
}
