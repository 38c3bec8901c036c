//! A supervisor's attention list (`casedesk_store::attention`): the work of officers whose
//! actions another officer's claim refused. The sync keeps the list; resolving an item is
//! done on the hub (it needs the network) and then removes it here.

use casedesk_store::Attention;
use casedesk_sync::{HubClient, SyncError};

use crate::error::{AppError, ErrorCode};
use crate::message::MessageKey;
use crate::sync::{not_signed_in, runtime};
use crate::Desk;

impl Desk {
    /// The open attention items as the last sync fetched them, oldest refusal first.
    pub fn attention(&self) -> Result<Vec<Attention>, AppError> {
        Ok(self.store.attention()?)
    }

    /// 已处理: resolves item `id` on the hub with `note` (audited there) and removes it from
    /// the list. Offline, nothing changes and the item stays.
    pub fn resolve_attention(&mut self, id: i64, note: &str) -> Result<(), AppError> {
        let note = note.trim();
        if note.is_empty() {
            return Err(AppError::new(
                ErrorCode::InvalidInput,
                MessageKey::AttentionNoteRequired,
            ));
        }
        let state = self.store.sync_state()?.ok_or_else(not_signed_in)?;
        if !state.role().is_some_and(|r| r.rights().resolve_attention) {
            return Err(AppError::new(
                ErrorCode::RefusedTransition,
                MessageKey::AttentionSupervisorsOnly,
            ));
        }
        if !self.store.has_attention(id)? {
            return Err(
                AppError::new(ErrorCode::NotFound, MessageKey::AttentionNotFound).with("id", id),
            );
        }
        let account = self.token_account(&state.hub_url, &state.username);
        let tokens = self.tokens.load(&account)?.ok_or_else(not_signed_in)?;
        let mut client = HubClient::new(&state.hub_url)?.with_tokens(tokens);
        let device = self.device_id.clone();
        let result = runtime()?.block_on(client.resolve_attention(id, note, &device));
        self.save_refreshed(&mut client, &account)?;
        match result {
            Ok(_) => {}
            Err(SyncError::Offline { url, .. }) => {
                return Err(
                    AppError::new(ErrorCode::Offline, MessageKey::AttentionNeedsHub)
                        .with("url", url),
                )
            }
            // Another supervisor resolved it first: it is no longer open anywhere.
            Err(e @ SyncError::Refused { status: 409, .. }) => {
                self.store.remove_attention(id)?;
                return Err(e.into());
            }
            Err(e) => return Err(e.into()),
        }
        self.store.remove_attention(id)?;
        Ok(())
    }
}
