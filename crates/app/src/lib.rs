//! CaseDesk's application services: one function per user action, each returning a
//! serializable DTO (whose TypeScript twin ts-rs writes to `ui/src/bindings`). The services
//! share one context, [`Desk`], and are grouped by concern: work orders, the whitelist, demo
//! data, the inbox reader, sync with the hub. The Tauri commands, the `casedesk-cli` binary and the tests all call
//! these, so there is one implementation of every action and it runs without a window.

mod attention;
mod auto_sync;
mod batch;
mod byte_range;
pub mod demo;
mod desk;
mod dishonest;
mod dto;
mod error;
mod evidence;
mod export;
mod material_fetcher;
mod materials;
mod media_check;
mod media_server;
pub mod message;
pub mod permit;
mod permit_clock;
mod permit_day;
mod permit_listing;
mod permit_review;
mod reader;
mod refusal;
mod rules;
mod saved_filter;
mod sync;
mod upload;
mod whitelist;
mod work_orders;

pub use auto_sync::{AutoSync, AutoSyncRunner, AutoSyncState, AutoSyncStatus};
pub use batch::{BatchAction, BatchItem, MAX_BATCH};
pub use casedesk_store::{Attention, Refusal};
pub use casedesk_sync::TokenStoreKind;
pub use desk::{default_data_dir, Clock, Desk, Profile, CACHE_FILE};
pub use dishonest::DishonestView;
pub use dto::{DemoSummary, DeskStatus, OrderDetail, VehicleDetail};
pub use error::{AppError, ErrorCode};
pub use evidence::{
    record_rectification_granted, AttachedEvidence, DroppedFiles, EvidenceServer, FileGrants,
    OfferedFile, Served, GRANT_TTL,
};
pub use export::ExportSummary;
pub use material_fetcher::MaterialFetcher;
pub use materials::{
    ApplicationFetch, ApplicationReview, FetchState, FetchStatus, FetchedFile, MaterialProgress,
    MaterialRefusal, Repeat, ReviewedMaterial,
};
pub use media_check::{demo_media, IndexedFile, MediaCheck, MediaIndexed, MediaMatch};
pub use media_server::{MediaFiles, MediaServer};
pub use message::{Lang, Message, MessageKey, Param, RefusalText, Term};
pub use permit::{
    classify_declaration, permit_classes, permit_materials, read_candidates, sample_commitment,
    sample_draw, sample_verify, DeclarationText, MaterialItem, MaterialsCheck,
};
pub use permit_day::{
    verify_day, ApplicationView, DayReport, FastTrackView, PendingApplication, PendingReason,
    PermitDayView, PresentMaterial, Sampled, TimeLimitView, Verification,
};
pub use permit_listing::ApplicationZh;
pub use permit_review::{NoticeClock, NoticeWritten, ReviewView, VerdictView};
pub use reader::InboxReader;
pub use refusal::{explain_refusal, ExplainedRefusal};
pub use rules::{load_calendar, load_catalog, CALENDAR_FILE, CATALOG_FILE};
pub use sync::{SignedIn, SyncOverview, SyncReport};
pub use upload::{SyncProgress, UploadProgress, UploadRefusal};

pub use casedesk_domain::{HandlingMethod, Violation};
pub use casedesk_store::inbox::InboxPage;
pub use casedesk_store::{
    DueFilter, InboxCount, InboxFilter, InboxRow, InterceptionRow, OutboxEntry, SavedFilter,
    SortKey, WhitelistRow,
};
pub use casedesk_store::{EvidenceKind, ACCEPTED_KINDS};
pub use chrono::{NaiveDate, NaiveDateTime};
