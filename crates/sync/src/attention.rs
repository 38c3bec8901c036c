//! A supervisor's attention list on the hub: fetch the open items, resolve one.

use casedesk_wire::{AttentionItem, AttentionList, AttentionResolved, ResolveAttentionRequest};
use reqwest::Method;

use crate::{HubClient, SyncError};

impl HubClient {
    /// The open attention items of the signed-in supervisor's jurisdiction.
    pub async fn attention(&mut self) -> Result<Vec<AttentionItem>, SyncError> {
        let list: AttentionList = self
            .authed::<(), _>(Method::GET, "/attention", None)
            .await?;
        Ok(list.items)
    }

    /// Resolves item `id` with `note`, recorded as from `device_id`.
    pub async fn resolve_attention(
        &mut self,
        id: i64,
        note: &str,
        device_id: &str,
    ) -> Result<AttentionResolved, SyncError> {
        let body = ResolveAttentionRequest {
            note: note.to_string(),
            device_id: device_id.to_string(),
        };
        self.authed(
            Method::POST,
            &format!("/attention/{id}/resolve"),
            Some(&body),
        )
        .await
    }
}
