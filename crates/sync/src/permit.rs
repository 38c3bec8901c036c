//! The permit desk on the hub: closing a service point's day (日结).

use casedesk_wire::PermitDay;
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
}
