//! CaseDesk's offline cache: one SQLite file (WAL, every commit fsynced, foreign keys on,
//! readable by its user only) per desk, migrated from `migrations/desk` at start-up in one
//! transaction under the write lock, refusing a file written by a newer version.
//! It answers the inbox (filters, trigram full-text search, pages that stay fast on a million
//! orders), records every user action together with its outbox mutation in one transaction, and
//! keeps evidence files in a content-addressed folder. Interceptions and the whitelist live here
//! too, beside the orders they come from; so are the inbox filters saved under a name.

pub mod attention;
pub mod bulk_load;
mod db;
pub mod draft;
mod error;
pub mod evidence;
pub mod evidence_download;
pub mod evidence_upload;
mod files;
pub mod inbox;
pub mod load;
pub mod material_file;
pub mod media_fingerprint;
pub mod order;
pub mod outbox;
pub mod permit;
pub mod refusal;
pub mod saved_filter;
pub mod setting;
pub mod sync;
pub mod whitelist;

pub use attention::Attention;
pub use db::{Store, SCHEMA_VERSION};
pub use error::StoreError;
pub use evidence::{EvidenceError, EvidenceKind, EvidenceStore, ACCEPTED_KINDS};
pub use evidence_download::{DownloadError, PartialFile};
pub use evidence_upload::UploadRow;
pub use inbox::{DueFilter, InboxCount, InboxFilter, InboxRow, SortKey};
pub use material_file::MaterialFileRow;
pub use media_fingerprint::MediaFingerprintRow;
pub use order::{ActionOutcome, EventKind, EvidenceRow, OrderRecord, Rules, TimelineEvent};
pub use outbox::OutboxEntry;
pub use saved_filter::SavedFilter;
pub use sync::{PullTally, PushTally, Refusal, SyncState};
pub use whitelist::{InterceptionRow, WhitelistRow, WhitelistStoreError};
