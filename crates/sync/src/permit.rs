//! The permit desk on the hub: closing a service point's day (日结), and the
//! dishonest-enterprise list (失信企业库).

use casedesk_wire::{DishonestEntry, DishonestListing, DishonestRepair, PermitDay};
use reqwest::Method;

use crate::{HubClient, SyncError};

impl HubClient {
    /// Closes `service_point`'s day `day` (`YYYY-MM-DD`): the hub reveals the seed and stores
    /// the draw; the closed day is the answer.
    pub async fn close_permit_day(
        &mut self,
        service_point: &str,
        day: &str,
    ) -> Result<PermitDay, SyncError> {
        self.authed::<(), _>(
            Method::POST,
            &format!("/permit/days/{service_point}/{day}/close"),
            None,
        )
        .await
    }

    /// Lists a carrier on the dishonest-enterprise list (dated today by the hub).
    pub async fn list_dishonest(
        &mut self,
        listing: &DishonestListing,
    ) -> Result<DishonestEntry, SyncError> {
        self.authed(Method::POST, "/permit/dishonest", Some(listing))
            .await
    }

    /// Records entry `id`'s repair today.
    pub async fn repair_dishonest(
        &mut self,
        id: i64,
        device_id: &str,
    ) -> Result<DishonestEntry, SyncError> {
        let body = DishonestRepair {
            device_id: device_id.to_string(),
        };
        self.authed(
            Method::POST,
            &format!("/permit/dishonest/{id}/repair"),
            Some(&body),
        )
        .await
    }
}
