//! CaseDesk's sync client: the desk's side of `docs/sync-protocol.md`. [`HubClient`] speaks the
//! hub's HTTP API (login, one refresh when an access token is refused, push of outbox mutations,
//! pull of change pages) with the types of `casedesk-wire`, and reports failures as a typed
//! [`SyncError`] the desk can act on: offline (try again later, the queue is untouched), signed
//! out (log in again), refused by the hub (its code and reasons in both languages), or a
//! protocol error (the hub answered something this version cannot read). [`TokenStore`] keeps
//! the tokens (never the password) in the OS keyring, or in an owner-only file when
//! `CASEDESK_TOKEN_STORE=file` is set for tests and headless machines. The cache is not touched
//! here: `casedesk-app` reads the outbox and applies pulled pages through `casedesk-store`.
//! [`Backoff`] is the background sync's schedule: when to try again after a good or a failed sync.
//! [`HubClient::download_evidence`] fetches a stored file by hash from an offset (resumable).
//! [`PagePrefetch`] fetches pull pages ahead on a thread of its own while the desk applies them.

mod attention;
mod backoff;
mod client;
mod download;
mod error;
mod permit;
mod prefetch;
mod tokens;
mod upload;

pub use backoff::{Backoff, BUSY_INTERVAL, FIRST_RETRY, IDLE_INTERVAL, MAX_RETRY};
pub use client::{HubClient, Tokens};
pub use download::{DownloadBody, DownloadStart};
pub use error::SyncError;
pub use prefetch::{Fetched, PagePrefetch};
pub use tokens::{TokenStore, TokenStoreKind, TOKEN_FILE, TOKEN_STORE_ENV};
pub use upload::{ChunkOutcome, UploadHead};
