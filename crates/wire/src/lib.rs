//! The sync protocol between a CaseDesk desk and the hub: the JSON bodies of `/api/v1`, as
//! serde types built from the domain's own types and nothing else (no I/O, no HTTP), so the
//! desk's sync client and the hub cannot disagree on a field. A desk pushes [`Mutation`]s (its
//! outbox rows) and gets one [`MutationResult`] per mutation; it pulls [`Change`]s after a
//! checkpoint, in pages scoped to the user's jurisdiction; it logs in for an access token and a
//! rotating refresh token. docs/sync-protocol.md describes the rules around these types (the
//! at-most-once rule, checkpoints, errors). With the `openapi` feature every type also
//! describes itself for the hub's generated OpenAPI document.

mod attention;
mod auth;
mod changes;
mod evidence;
mod ingest;
mod mutation;
mod order;
mod permit;
mod rejection;

pub use attention::{
    AttentionItem, AttentionList, AttentionResolved, ResolveAttentionRequest,
    MAX_ATTENTION_NOTE_CHARS,
};
pub use auth::{LoginRequest, RefreshRequest, TokenResponse, UserInfo};
pub use changes::{
    Change, DriverFacts, EnterpriseFacts, OrderChange, OrderDeparture, OrderFacts, PullQuery,
    PullResponse, WhitelistChange,
};
pub use evidence::{
    UploadCreated, UploadRequest, UploadStatus, EVIDENCE_CHUNK_BYTES, MAX_EVIDENCE_BYTES,
    UPLOAD_OFFSET_HEADER,
};
pub use ingest::{IngestRecord, IngestRequest, IngestResponse, IngestResult, MAX_INGEST_BATCH};
pub use mutation::{
    Entity, Mutation, MutationResult, PayloadError, PushRequest, PushResponse, REVIEW_ACTION,
};
pub use order::OrderStateWire;
pub use permit::{
    check_submission, day_candidates, day_of, entries_at, is_plain_file_name,
    is_valid_vehicle_plate, listed_at, ApplicationChange, ApplicationSubmitted, ApplicationUpload,
    AssessError, Assessment, CarrierCredit, CarrierCreditUpdate, CarrierStanding, CheckedMaterial,
    CheckedSubmission, DayApplication, DecidedReview, DishonestEntry, DishonestListing,
    DishonestRepair, EarlierUse, MaterialFile, Party, PermitDay, Submission, SubmissionFile,
    SubmissionRefusal, SubmittedMaterial, MAX_CARRIER_REFERENCE_CHARS, MAX_MATERIAL_FILES,
    MAX_SUBMISSION_TEXT_CHARS,
};
pub use rejection::{Rejection, RejectionCode};

/// The path every endpoint of this protocol version lives under.
pub const API_PREFIX: &str = "/api/v1";

/// The most mutations one push may carry; a desk with more sends several batches.
pub const MAX_PUSH_BATCH: usize = 500;

/// The largest page of changes a pull returns, whatever `limit` asks for.
pub const MAX_PULL_LIMIT: u32 = 1000;

/// The page size when a pull gives no `limit`.
pub const DEFAULT_PULL_LIMIT: u32 = 200;

/// The body of every error answer that is not a per-mutation result: a machine code and the
/// reason in both languages, so a desk shows it as it is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
}
