//! Evidence files: a resumable upload (create, then PATCH chunks at the offset the hub holds;
//! HEAD tells that offset after an interruption), verified by SHA-256 before it counts, and a
//! download with Range. docs/sync-protocol.md ("Evidence") describes the exchange.

use serde::{Deserialize, Serialize};

/// The header that carries an upload's offset: the PATCH's start, the HEAD's and PATCH's answer.
pub const UPLOAD_OFFSET_HEADER: &str = "Upload-Offset";

/// The largest file the hub takes: the desk's own import limit, so whatever a desk could
/// attach can be uploaded.
pub const MAX_EVIDENCE_BYTES: u64 = casedesk_domain::evidence::MAX_EVIDENCE_BYTES;

/// The chunk a desk sends per PATCH: well under the hub's 2 MiB body limit.
pub const EVIDENCE_CHUNK_BYTES: usize = 1024 * 1024;

/// `POST /api/v1/evidence/uploads`: what is about to be sent and which order it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadRequest {
    /// SHA-256 of the whole file, 64 lower-case hex digits: the key it is stored under.
    pub sha256: String,
    pub size: u64,
    /// Only a label (shown, never used as a path).
    pub file_name: String,
    /// One of the accepted kinds: image/jpeg, image/png, image/webp, application/pdf.
    pub mime: String,
    /// The work order the file is evidence for; it must be within the caller's jurisdiction.
    pub order_no: String,
    pub device_id: String,
}

/// The answer to creating an upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum UploadCreated {
    /// Send the bytes from `offset` (0) with PATCH to this upload.
    Started { upload_id: String, offset: u64 },
    /// The hub has these bytes already (now attached to the order too): nothing to send.
    AlreadyStored { sha256: String },
}

/// Where an upload stands: the answer to PATCH (and, as headers, to HEAD).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadStatus {
    pub upload_id: String,
    /// Bytes the hub holds; the next PATCH starts here.
    pub offset: u64,
    pub size: u64,
    /// The last byte arrived and the SHA-256 matched: the file is stored under its hash.
    pub complete: bool,
}
