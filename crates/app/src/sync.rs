//! Signing in to the hub, syncing, signing out: one function per user action.
//!
//! A sync pushes first (every unsent outbox row, oldest first, in batches; the hub's answer is
//! recorded per mutation), then pulls (pages after the checkpoint, each applied with its
//! checkpoint in one transaction), so the pull brings back the hub's result of what was just
//! pushed. The HTTP work runs on a small tokio runtime of its own, because the desk's services
//! are called from plain threads (the CLI, Tauri's blocking pool, tests).

use casedesk_domain::{Divisions, Rights, Role};
use casedesk_store::{PullTally, Refusal, SyncState};
use casedesk_sync::{HubClient, PagePrefetch, SyncError, TokenStore, TokenStoreKind, Tokens};
use casedesk_wire::{PullResponse, MAX_PULL_LIMIT, MAX_PUSH_BATCH};
use serde::Serialize;

use crate::desk::{Desk, Profile};
use crate::error::{AppError, ErrorCode};
use crate::message::MessageKey;
use crate::upload::{UploadProgress, UploadRefusal};

/// Who is signed in, to which hub.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SignedIn {
    pub hub_url: String,
    pub username: String,
    pub role: Role,
    /// What that role may do on the hub besides acting on orders.
    pub rights: Rights,
    pub jurisdiction: String,
    /// The jurisdiction's name (新乡市 · 长垣市), or its code when the division table has none.
    pub jurisdiction_name: String,
    /// `keyring` or `file` (`CASEDESK_TOKEN_STORE=file`).
    pub token_store: String,
}

/// What one sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SyncReport {
    /// Mutations the hub applied now.
    #[ts(type = "number")]
    pub pushed: u64,
    /// Mutations the hub had applied before (a retry after a lost answer).
    #[ts(type = "number")]
    pub already_applied: u64,
    /// Mutations the hub refused in this sync, with its reasons; they stay in the outbox.
    pub refused: Vec<Refusal>,
    #[ts(type = "number")]
    pub pulled_orders: u64,
    #[ts(type = "number")]
    pub pulled_whitelist: u64,
    /// Permit applications and permit days (commitment, closure and draw) pulled.
    #[ts(type = "number")]
    pub pulled_permits: u64,
    /// Orders removed from the cache because they left this desk's jurisdiction (a supervisor
    /// reassigned them to a county it does not cover).
    #[ts(type = "number")]
    pub departed_orders: u64,
    /// Pulled rows not applied because their order still has unsent mutations.
    #[ts(type = "number")]
    pub kept_local: u64,
    /// The hub's change number this cache has applied up to.
    #[ts(type = "number")]
    pub checkpoint: i64,
    /// Outbox rows still waiting to be sent (new ones recorded during the sync).
    #[ts(type = "number")]
    pub unsent: u64,
    /// Refused rows kept in the outbox, from this and earlier syncs.
    #[ts(type = "number")]
    pub refused_total: u64,
    /// Evidence files the hub holds now for their order (sent in this sync, or found there).
    #[ts(type = "number")]
    pub uploaded_files: u64,
    /// Evidence bytes sent in this sync (a resumed file counts only the rest).
    #[ts(type = "number")]
    pub uploaded_bytes: u64,
    /// Evidence files the hub refused or this desk could not read; their mutations were
    /// pushed all the same.
    pub upload_refusals: Vec<UploadRefusal>,
    pub at: String,
}

/// The 同步 page: who is signed in, when the cache last synced, what waits and what the hub
/// refused (kept, with the reasons).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SyncOverview {
    pub signed_in: Option<SignedIn>,
    /// The hub and user this cache syncs with, even when signed out.
    pub hub_url: Option<String>,
    pub username: Option<String>,
    pub last_sync_at: Option<String>,
    #[ts(type = "number")]
    pub checkpoint: i64,
    #[ts(type = "number")]
    pub unsent: u64,
    pub refusals: Vec<Refusal>,
    /// The evidence file being sent, or the last one sent since the app started.
    pub upload: Option<UploadProgress>,
}

impl From<SyncError> for AppError {
    fn from(e: SyncError) -> AppError {
        // The hub's error answers come in both languages and pass through as text (its refusals
        // of mutations are codes with parameters, rendered from the catalogue); the rest are
        // this side's own messages.
        let hub_says = |code, zh: String, en: String| {
            AppError::new(code, MessageKey::HubSays)
                .with("message_zh", zh)
                .with("message_en", en)
        };
        let detail = e.to_string();
        match e {
            SyncError::Offline { url, .. } => {
                AppError::new(ErrorCode::Offline, MessageKey::HubOffline).with("url", url)
            }
            SyncError::BadCredentials {
                message_zh,
                message_en,
            } => hub_says(ErrorCode::BadCredentials, message_zh, message_en),
            SyncError::Unauthorized => {
                AppError::new(ErrorCode::SignInRequired, MessageKey::SessionEnded)
            }
            SyncError::Refused {
                message_zh,
                message_en,
                ..
            } => hub_says(ErrorCode::HubRefused, message_zh, message_en),
            SyncError::Protocol(_) => {
                AppError::new(ErrorCode::HubProtocol, MessageKey::HubProtocol)
                    .with("detail", detail)
            }
            SyncError::TokenStore {
                message_zh,
                message_en,
            } => hub_says(ErrorCode::Keyring, message_zh, message_en),
        }
    }
}

pub(crate) fn not_signed_in() -> AppError {
    AppError::new(ErrorCode::SignInRequired, MessageKey::NotSignedIn)
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, AppError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            AppError::new(ErrorCode::Storage, MessageKey::NetworkRuntime)
                .with("detail", e.to_string())
        })
}

impl Desk {
    /// Chooses where tokens are kept (the default comes from `CASEDESK_TOKEN_STORE`).
    pub fn set_token_store(&mut self, kind: TokenStoreKind) {
        self.tokens = TokenStore::new(kind, &self.data_dir);
    }

    /// The key of this desk's tokens: one cache, one user, one hub.
    pub(crate) fn token_account(&self, hub_url: &str, username: &str) -> String {
        format!("{} {username}@{hub_url}", self.device_id)
    }

    /// Signs in to the hub at `hub_url`; keeps the tokens (never the password) and makes the
    /// hub's user this desk's profile. Signing in as another user or to another hub pulls
    /// that scope from the start.
    pub fn login(
        &mut self,
        hub_url: &str,
        username: &str,
        password: &str,
    ) -> Result<SignedIn, AppError> {
        let mut client = HubClient::new(hub_url)?;
        let answer =
            runtime()?.block_on(client.login(username.trim(), password, &self.device_id))?;
        let hub_url = client.base_url().to_string();
        let tokens = Tokens::from(&answer);
        let user = answer.user;
        self.tokens
            .save(&self.token_account(&hub_url, &user.username), &tokens)?;
        self.store.set_sync_account(
            &hub_url,
            &user.username,
            user.role.code(),
            &user.jurisdiction,
        )?;
        // The hub's user acts here from now on, so local actions name the same claimant the
        // hub will. A city or province user keeps a desk county of their jurisdiction.
        let county = if Divisions::embedded().county(&user.jurisdiction).is_some() {
            user.jurisdiction.clone()
        } else if self.profile.county_code.starts_with(&user.jurisdiction) {
            self.profile.county_code.clone()
        } else {
            first_county(&user.jurisdiction).unwrap_or_else(|| self.profile.county_code.clone())
        };
        self.set_profile(Profile {
            user_name: user.username.clone(),
            role: user.role,
            county_code: county,
        })?;
        Ok(SignedIn {
            hub_url,
            username: user.username,
            role: user.role,
            rights: user.role.rights(),
            jurisdiction_name: jurisdiction_name(&user.jurisdiction),
            jurisdiction: user.jurisdiction,
            token_store: token_store_name(self.tokens.kind()).into(),
        })
    }

    /// Forgets the tokens. The outbox (sent or not) and the cache stay as they are.
    pub fn logout(&mut self) -> Result<(), AppError> {
        if let Some(s) = self.store.sync_state()? {
            self.tokens
                .delete(&self.token_account(&s.hub_url, &s.username))?;
        }
        Ok(())
    }

    /// Who is signed in, if anyone (tokens kept for the recorded hub and user).
    pub fn signed_in(&self) -> Result<Option<SignedIn>, AppError> {
        let Some(s) = self.store.sync_state()? else {
            return Ok(None);
        };
        if self
            .tokens
            .load(&self.token_account(&s.hub_url, &s.username))?
            .is_none()
        {
            return Ok(None);
        }
        let role = s.role().unwrap_or(self.profile.role);
        Ok(Some(SignedIn {
            role,
            rights: role.rights(),
            hub_url: s.hub_url,
            username: s.username,
            jurisdiction_name: jurisdiction_name(&s.jurisdiction),
            jurisdiction: s.jurisdiction,
            token_store: token_store_name(self.tokens.kind()).into(),
        }))
    }

    /// What the 同步 page shows.
    pub fn sync_overview(&self) -> Result<SyncOverview, AppError> {
        let state = self.store.sync_state()?;
        Ok(SyncOverview {
            signed_in: self.signed_in()?,
            hub_url: state.as_ref().map(|s| s.hub_url.clone()),
            username: state.as_ref().map(|s| s.username.clone()),
            last_sync_at: state.as_ref().and_then(|s| s.last_sync_at.clone()),
            checkpoint: state.as_ref().map_or(0, |s| s.checkpoint),
            unsent: self.store.unsent_len()?,
            refusals: self.store.refusals()?,
            upload: self.progress.current(),
        })
    }

    /// Outbox rows waiting to be sent (refused ones are not waiting).
    pub fn unsent(&self) -> Result<u64, AppError> {
        Ok(self.store.unsent_len()?)
    }

    /// Pushes the outbox, then pulls the hub's changes.
    pub fn sync(&mut self) -> Result<SyncReport, AppError> {
        let state = self.store.sync_state()?.ok_or_else(not_signed_in)?;
        let account = self.token_account(&state.hub_url, &state.username);
        let tokens = self.tokens.load(&account)?.ok_or_else(not_signed_in)?;
        let mut client = HubClient::new(&state.hub_url)?.with_tokens(tokens);
        let rt = runtime()?;
        let result = rt.block_on(self.push_and_pull(&mut client, &state, &account));
        // A refresh replaced the single-use refresh token: keep the new pair whatever happened.
        let saved = self.save_refreshed(&mut client, &account);
        if matches!(&result, Err(e) if e.code == ErrorCode::SignInRequired) {
            // The hub ended the session: the kept tokens are useless; the outbox stays.
            self.tokens.delete(&account)?;
        }
        let mut report = result?;
        saved?;
        report.at = self.now_text();
        self.store.set_last_sync(&report.at)?;
        report.unsent = self.store.unsent_len()?;
        report.refused_total = self.store.refusals()?.len() as u64;
        report.kept_local = self.store.deferred_len()?;
        Ok(report)
    }

    pub(crate) fn save_refreshed(
        &mut self,
        client: &mut HubClient,
        account: &str,
    ) -> Result<(), AppError> {
        if client.take_refreshed() {
            if let Some(t) = client.tokens() {
                self.tokens.save(account, t)?;
            }
        }
        Ok(())
    }

    async fn push_and_pull(
        &mut self,
        client: &mut HubClient,
        state: &SyncState,
        account: &str,
    ) -> Result<SyncReport, AppError> {
        let mut report = SyncReport::default();
        // Push: oldest first; a refused row is marked and skipped from then on.
        let mut after = 0;
        loop {
            let batch = self.store.unsent_mutations(after, MAX_PUSH_BATCH)?;
            let Some((last, _)) = batch.last() else {
                break;
            };
            after = *last;
            let mutations: Vec<_> = batch.into_iter().map(|(_, m)| m).collect();
            // The files a mutation refers to reach the hub before the mutation does.
            let uploads = self
                .upload_evidence(client, &state.hub_url, &mutations)
                .await;
            self.save_refreshed(client, account)?;
            let uploads = uploads?;
            report.uploaded_files += uploads.files;
            report.uploaded_bytes += uploads.bytes;
            report.upload_refusals.extend(uploads.refused);
            let results = client.push(&mutations).await?;
            self.save_refreshed(client, account)?;
            let tally = self.store.record_push_results(&results, &self.now_text())?;
            report.pushed += tally.applied;
            report.already_applied += tally.already_applied;
            report.refused.extend(tally.refused);
        }
        // Pull: rows kept aside earlier first, then every page after the checkpoint.
        let mut pulled = self.store.apply_deferred(&self.catalog)?;
        let mut checkpoint = state.checkpoint;
        if let Some(s) = self.store.sync_state()? {
            checkpoint = s.checkpoint;
        }
        // The largest page the hub gives: a first sync (or a catch-up after days away) is
        // tens of thousands of rows, and each page is one round trip and one commit.
        let first = client.pull(checkpoint, Some(MAX_PULL_LIMIT)).await?;
        self.save_refreshed(client, account)?;
        // More than a page to come: load without the order indexes and build them at the end.
        let bulk = first.has_more;
        if bulk {
            self.store.begin_bulk_load()?;
        }
        let pages = self.pull_pages(client, account, first, &mut checkpoint);
        if bulk {
            // Also after a failure: the window must not go on without its indexes.
            self.store.finish_bulk_load()?;
        }
        pulled.add(pages?);
        // The attention list comes whole from the hub after the pull, to those who resolve it.
        if state.role().is_some_and(|r| r.rights().resolve_attention) {
            let items = client.attention().await?;
            self.save_refreshed(client, account)?;
            self.store.replace_attention(&items)?;
        }
        report.pulled_orders = pulled.orders;
        report.pulled_whitelist = pulled.whitelist;
        report.pulled_permits = pulled.permits;
        report.departed_orders = pulled.departed;
        report.checkpoint = checkpoint;
        Ok(report)
    }

    /// Applies `first` and the pages after it, each with its checkpoint; `checkpoint` follows
    /// the last one applied. The pages after the first are fetched ahead ([`PagePrefetch`])
    /// while this thread applies.
    fn pull_pages(
        &mut self,
        client: &mut HubClient,
        account: &str,
        first: PullResponse,
        checkpoint: &mut i64,
    ) -> Result<PullTally, AppError> {
        let mut ahead = first
            .has_more
            .then(|| PagePrefetch::start(client, first.next_checkpoint, Some(MAX_PULL_LIMIT)))
            .transpose()?;
        let mut pulled = PullTally::default();
        let mut page = Some(first);
        let result = loop {
            let Some(p) = page.take() else {
                break Ok(pulled);
            };
            match self.store.apply_pull_page(*checkpoint, &p, &self.catalog) {
                Ok(tally) => pulled.add(tally),
                Err(e) => break Err(AppError::from(e)),
            }
            *checkpoint = p.next_checkpoint.max(*checkpoint);
            if !p.has_more {
                break Ok(pulled);
            }
            let Some(next) = ahead.as_mut().and_then(PagePrefetch::next_page) else {
                break Ok(pulled);
            };
            match next {
                Ok(f) => {
                    if let Some(t) = f.refreshed {
                        client.adopt_refreshed(t);
                    }
                    if let Err(e) = self.save_refreshed(client, account) {
                        break Err(e);
                    }
                    page = Some(f.page);
                }
                Err(e) => break Err(AppError::from(e)),
            }
        };
        // A pair refreshed for a page nobody applied must still be saved.
        if let Some(t) = ahead.and_then(PagePrefetch::finish) {
            client.adopt_refreshed(t);
        }
        self.save_refreshed(client, account)?;
        result
    }
}

fn token_store_name(kind: TokenStoreKind) -> &'static str {
    match kind {
        TokenStoreKind::Keyring => "keyring",
        TokenStoreKind::File => "file",
    }
}

/// The jurisdiction's name for the window, or its code when the division table has none.
fn jurisdiction_name(code: &str) -> String {
    Divisions::embedded()
        .jurisdiction_name(code)
        .unwrap_or_else(|| code.to_string())
}

/// The first county of a city (4 digits) or of the province (2), by division code.
fn first_county(jurisdiction: &str) -> Option<String> {
    Divisions::embedded()
        .cities
        .iter()
        .flat_map(|city| city.counties.iter())
        .map(|c| c.code.clone())
        .filter(|c| c.starts_with(jurisdiction))
        .min()
}
