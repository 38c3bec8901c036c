//! Evidence files: `POST /api/v1/evidence/uploads` begins a resumable upload, `PATCH` adds a
//! chunk at the offset the hub holds, `HEAD` tells that offset (after an interruption, a hub
//! restart, or from another hub instance), and `GET /api/v1/evidence/{sha256}` serves a stored
//! file with Range.
//!
//! The bytes go to an object store ([`EvidenceBucket`]: a local folder by default, an S3 bucket
//! by configuration); everything else (the upload's offset, its chunks, the stored files and
//! the orders they belong to) is in the database, so nothing a second instance needs is in a
//! process's memory. Each chunk is an object of its own, under a fresh name, and counts once
//! the database moved the upload's offset past it (a compare-and-set on the offset, so two
//! requests racing for one offset cannot both count). When the last byte arrives the chunks are
//! read in order, hashed and written under the hash in one multipart write that is completed
//! only when the SHA-256, the size and the first bytes agree with what was declared.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use casedesk_domain::evidence::{is_hash, kind_of_mime};
use casedesk_wire::{
    ErrorBody, UploadCreated, UploadRequest, UploadStatus, MAX_EVIDENCE_BYTES, UPLOAD_OFFSET_HEADER,
};
use object_store::path::Path as Key;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, WriteMultipart};
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::api::{ApiError, ApiJson, AppState};
use crate::auth::AuthUser;
use crate::clock::{beijing_now, stamp};
use crate::storage::{NewUpload, StoreError, UploadRecord, UploadStart};

/// Where the hub keeps evidence bytes.
#[derive(Debug, Clone)]
pub struct EvidenceBucket {
    store: Arc<dyn ObjectStore>,
    location: String,
}

#[derive(Debug, Error)]
pub enum BucketError {
    #[error("cannot use {location} for evidence: {reason}")]
    Unusable { location: String, reason: String },
}

impl EvidenceBucket {
    /// Opens `s3://bucket[/prefix]` (credentials, region and endpoint from the usual `AWS_*`
    /// variables) or a local folder, created if missing.
    pub fn open(location: &str) -> Result<EvidenceBucket, BucketError> {
        let unusable = |reason: String| BucketError::Unusable {
            location: location.to_string(),
            reason,
        };
        let store: Arc<dyn ObjectStore> = if let Some(rest) = location.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(unusable("no bucket name after s3://".into()));
            }
            let s3 = object_store::aws::AmazonS3Builder::from_env()
                .with_bucket_name(bucket)
                .build()
                .map_err(|e| unusable(e.to_string()))?;
            let prefix = prefix.trim_matches('/');
            if prefix.is_empty() {
                Arc::new(s3)
            } else {
                Arc::new(object_store::prefix::PrefixStore::new(s3, prefix))
            }
        } else {
            std::fs::create_dir_all(location).map_err(|e| unusable(e.to_string()))?;
            // fsync: a chunk or a file the hub counted survives a power cut, as its row does.
            Arc::new(
                object_store::local::LocalFileSystem::new_with_prefix(location)
                    .map_err(|e| unusable(e.to_string()))?
                    .with_fsync(true),
            )
        };
        Ok(EvidenceBucket {
            store,
            location: location.to_string(),
        })
    }

    /// What `--evidence` was given (or defaulted to), for messages.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// A stored file's key: its hash, fanned out like the desk's store.
    fn stored_key(sha256: &str) -> Key {
        Key::from(format!(
            "sha256/{}/{}/{sha256}",
            &sha256[0..2],
            &sha256[2..4]
        ))
    }

    /// Stores verified bytes under their hash (the carrier ingest's files, checked by the
    /// caller). Writing the same bytes again is harmless: the key is their hash.
    pub(crate) async fn put_stored(
        &self,
        sha256: &str,
        bytes: Vec<u8>,
    ) -> Result<(), object_store::Error> {
        self.store
            .put(&EvidenceBucket::stored_key(sha256), bytes.into())
            .await
            .map(|_| ())
    }

    /// A fresh name for a chunk: never the name of a chunk another request may be writing.
    fn chunk_key(upload_id: &str, offset: u64) -> Key {
        Key::from(format!(
            "uploads/{upload_id}/{offset:020}-{}",
            uuid::Uuid::now_v7().simple()
        ))
    }
}

/// Where the evidence of a hub on `db` goes by default: a folder beside a SQLite file
/// (`hub.db.evidence`), or `casedesk-hub-evidence` in the working folder for PostgreSQL (give
/// every instance the same `--evidence` there).
pub fn default_location(db: &str) -> String {
    if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        "casedesk-hub-evidence".into()
    } else {
        format!("{db}.evidence")
    }
}

/// A refusal of the evidence endpoints: the hub's usual answers, and those with statuses and
/// headers of their own (409 with the current offset, 413, 415, 416, 422).
#[derive(Debug, Error)]
pub enum EvidenceError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("{en}")]
    Refused {
        status: StatusCode,
        code: &'static str,
        zh: String,
        en: String,
        /// The upload's current offset, sent as `Upload-Offset`.
        offset: Option<u64>,
    },
    /// 416: the range is outside the file of this size.
    #[error("range not satisfiable")]
    RangeNotSatisfiable { size: u64 },
}

impl From<StoreError> for EvidenceError {
    fn from(e: StoreError) -> EvidenceError {
        EvidenceError::Api(ApiError::Store(e))
    }
}

impl From<object_store::Error> for EvidenceError {
    fn from(e: object_store::Error) -> EvidenceError {
        EvidenceError::Api(ApiError::Internal(format!("evidence store: {e}")))
    }
}

fn refused(status: StatusCode, code: &'static str, zh: String, en: String) -> EvidenceError {
    EvidenceError::Refused {
        status,
        code,
        zh,
        en,
        offset: None,
    }
}

fn offset_header(offset: u64) -> (header::HeaderName, HeaderValue) {
    (
        header::HeaderName::from_static("upload-offset"),
        HeaderValue::from(offset),
    )
}

impl IntoResponse for EvidenceError {
    fn into_response(self) -> Response {
        match self {
            EvidenceError::Api(e) => e.into_response(),
            EvidenceError::Refused {
                status,
                code,
                zh,
                en,
                offset,
            } => {
                let mut r = (
                    status,
                    Json(ErrorBody {
                        code: code.to_string(),
                        message_zh: zh,
                        message_en: en,
                    }),
                )
                    .into_response();
                if let Some(o) = offset {
                    let (k, v) = offset_header(o);
                    r.headers_mut().insert(k, v);
                }
                r
            }
            EvidenceError::RangeNotSatisfiable { size } => {
                let mut r = (
                    StatusCode::RANGE_NOT_SATISFIABLE,
                    Json(ErrorBody {
                        code: "range_not_satisfiable".into(),
                        message_zh: format!("请求的范围超出文件大小（{size} 字节）"),
                        message_en: format!("the range is outside the file ({size} bytes)"),
                    }),
                )
                    .into_response();
                if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
                    r.headers_mut().insert(header::CONTENT_RANGE, v);
                }
                r
            }
        }
    }
}

/// The bucket, or 503 when this hub was started without one.
fn bucket(state: &AppState) -> Result<&EvidenceBucket, EvidenceError> {
    state.evidence.as_deref().ok_or_else(|| {
        refused(
            StatusCode::SERVICE_UNAVAILABLE,
            "evidence_unavailable",
            "此服务器未配置证据存储".into(),
            "this hub has no evidence store configured".into(),
        )
    })
}

/// A file name is a label only (the key is the hash), but one that looks like a path, or
/// carries control characters, is refused rather than stored and shown later.
fn check_file_name(name: &str) -> Result<(), EvidenceError> {
    let bad = name.trim().is_empty()
        || name.chars().count() > 255
        || name.contains(['/', '\\'])
        || name.contains("..")
        || name.chars().any(char::is_control);
    if bad {
        return Err(refused(
            StatusCode::BAD_REQUEST,
            "bad_file_name",
            format!("文件名 {name:?} 无效：不能含路径、“..” 或控制字符"),
            format!("the file name {name:?} is not valid: no paths, \"..\" or control characters"),
        ));
    }
    Ok(())
}

fn check_request(req: &UploadRequest) -> Result<(), EvidenceError> {
    if !is_hash(&req.sha256) {
        return Err(refused(
            StatusCode::BAD_REQUEST,
            "bad_hash",
            "sha256 应为 64 位小写十六进制".into(),
            "sha256 must be 64 lower-case hex digits".into(),
        ));
    }
    if req.size == 0 {
        return Err(refused(
            StatusCode::BAD_REQUEST,
            "empty_file",
            "文件为空".into(),
            "the file is empty".into(),
        ));
    }
    if req.size > MAX_EVIDENCE_BYTES {
        return Err(refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            "evidence_too_large",
            format!(
                "文件大小 {} 字节，超过上限 {MAX_EVIDENCE_BYTES} 字节",
                req.size
            ),
            format!(
                "the file is {} bytes, over the limit of {MAX_EVIDENCE_BYTES} bytes",
                req.size
            ),
        ));
    }
    if kind_of_mime(&req.mime).is_none() {
        return Err(refused(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_type",
            format!(
                "不支持的文件类型 {}：只能上传照片（jpg、png、webp）和 PDF",
                req.mime
            ),
            format!(
                "{} is not accepted: only photos (jpg, png, webp) and PDF files",
                req.mime
            ),
        ));
    }
    check_file_name(&req.file_name)
}

#[utoipa::path(
    post,
    path = "/api/v1/evidence/uploads",
    request_body = UploadRequest,
    responses(
        (status = 201, description = "Upload begun: PATCH the bytes from offset 0", body = UploadCreated),
        (status = 200, description = "The hub has these bytes already (now attached to the order): nothing to send", body = UploadCreated),
        (status = 400, description = "Bad hash, empty file, or a file name with a path in it", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "The order is outside the caller's jurisdiction", body = ErrorBody),
        (status = 404, description = "No such order", body = ErrorBody),
        (status = 413, description = "Over the 50 MiB limit", body = ErrorBody),
        (status = 415, description = "Not a jpg, png, webp or pdf", body = ErrorBody),
    ),
    security(("bearer" = [])),
    tag = "evidence"
)]
pub async fn create_upload(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiJson(req): ApiJson<UploadRequest>,
) -> Result<Response, EvidenceError> {
    bucket(&state)?;
    check_request(&req)?;
    let order = state
        .store
        .order(&req.order_no)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !user.jurisdiction.covers_county(&order.state.county_code) {
        return Err(ApiError::Forbidden(req.order_no).into());
    }
    let upload_id = uuid::Uuid::now_v7().to_string();
    let start = state
        .store
        .create_upload(NewUpload {
            upload_id: upload_id.clone(),
            sha256: req.sha256.clone(),
            size: req.size,
            mime: req.mime,
            file_name: req.file_name,
            order_no: req.order_no,
            user_id: user.id,
            username: user.username,
            device_id: req.device_id,
            at: stamp(beijing_now()),
        })
        .await?;
    Ok(match start {
        UploadStart::Started => (
            StatusCode::CREATED,
            Json(UploadCreated::Started {
                upload_id,
                offset: 0,
            }),
        )
            .into_response(),
        UploadStart::AlreadyStored => (
            StatusCode::OK,
            Json(UploadCreated::AlreadyStored { sha256: req.sha256 }),
        )
            .into_response(),
    })
}

/// The caller's own upload; 404 for an unknown (or discarded) one, 403 for another user's.
async fn own_upload(
    state: &AppState,
    user_id: i64,
    upload_id: &str,
) -> Result<UploadRecord, EvidenceError> {
    let upload = state
        .store
        .upload(upload_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if upload.user_id != user_id {
        return Err(refused(
            StatusCode::FORBIDDEN,
            "not_your_upload",
            "这是其他用户的上传".into(),
            "this upload belongs to another user".into(),
        ));
    }
    Ok(upload)
}

fn status_of(u: &UploadRecord) -> UploadStatus {
    UploadStatus {
        upload_id: u.upload_id.clone(),
        offset: u.offset,
        size: u.size,
        complete: u.complete,
    }
}

fn status_response(u: &UploadRecord) -> Response {
    let mut r = Json(status_of(u)).into_response();
    let (k, v) = offset_header(u.offset);
    r.headers_mut().insert(k, v);
    r
}

fn offset_mismatch(current: u64) -> EvidenceError {
    EvidenceError::Refused {
        status: StatusCode::CONFLICT,
        code: "offset_mismatch",
        zh: format!("上传位置不符：服务器已收到 {current} 字节，请从该位置继续"),
        en: format!("wrong offset: the hub holds {current} bytes; continue from there"),
        offset: Some(current),
    }
}

#[utoipa::path(
    head,
    path = "/api/v1/evidence/uploads/{upload_id}",
    params(("upload_id" = String, Path, description = "The upload's id")),
    responses(
        (status = 200, description = "Upload-Offset: the bytes the hub holds; Upload-Length: the size; Upload-Complete: true once stored"),
        (status = 401, description = "No valid access token"),
        (status = 403, description = "Another user's upload"),
        (status = 404, description = "No such upload (or it was discarded: the bytes did not match their hash)"),
    ),
    security(("bearer" = [])),
    tag = "evidence"
)]
pub async fn upload_offset(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(upload_id): Path<String>,
) -> Result<Response, EvidenceError> {
    let u = own_upload(&state, user.id, &upload_id).await?;
    let mut r = StatusCode::OK.into_response();
    let h = r.headers_mut();
    let (k, v) = offset_header(u.offset);
    h.insert(k, v);
    h.insert("upload-length", HeaderValue::from(u.size));
    h.insert(
        "upload-complete",
        HeaderValue::from_static(if u.complete { "true" } else { "false" }),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

#[utoipa::path(
    patch,
    path = "/api/v1/evidence/uploads/{upload_id}",
    params(
        ("upload_id" = String, Path, description = "The upload's id"),
        ("Upload-Offset" = u64, Header, description = "Where this chunk starts: the hub's current offset"),
    ),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream", description = "The next bytes, at most 1 MiB (the body limit is 2 MiB)"),
    responses(
        (status = 200, description = "The new offset (also as Upload-Offset); complete once the last byte arrived and the SHA-256 matched", body = UploadStatus),
        (status = 400, description = "No Upload-Offset, or bytes beyond the declared size", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Another user's upload", body = ErrorBody),
        (status = 404, description = "No such upload", body = ErrorBody),
        (status = 409, description = "Upload-Offset is not the hub's offset: the current one is in the Upload-Offset header", body = ErrorBody),
        (status = 413, description = "The chunk is over the body limit", body = ErrorBody),
        (status = 422, description = "hash_mismatch or type_mismatch: the upload is discarded, nothing stored", body = ErrorBody),
    ),
    security(("bearer" = [])),
    tag = "evidence"
)]
pub async fn upload_chunk(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(upload_id): Path<String>,
    headers: HeaderMap,
    chunk: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, EvidenceError> {
    let bucket = bucket(&state)?.clone();
    let chunk = chunk.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge
        } else {
            ApiError::bad_request("bad_body", "无法读取上传内容".into(), r.body_text())
        }
    })?;
    let from: u64 = headers
        .get(UPLOAD_OFFSET_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| {
            refused(
                StatusCode::BAD_REQUEST,
                "bad_offset",
                "缺少或无法读取 Upload-Offset 请求头".into(),
                "the Upload-Offset header is missing or not a number".into(),
            )
        })?;
    let upload = own_upload(&state, user.id, &upload_id).await?;
    if upload.complete {
        // A retry after the answer to the last chunk was lost: tell the outcome again.
        if from == upload.size && chunk.is_empty() {
            return Ok(status_response(&upload));
        }
        return Err(offset_mismatch(upload.size));
    }
    if from != upload.offset {
        return Err(offset_mismatch(upload.offset));
    }
    let len = chunk.len() as u64;
    if from + len > upload.size {
        return Err(refused(
            StatusCode::BAD_REQUEST,
            "beyond_size",
            format!("内容超出声明的文件大小 {} 字节", upload.size),
            format!("the bytes go past the declared size of {}", upload.size),
        ));
    }
    if len > 0 {
        let key = EvidenceBucket::chunk_key(&upload_id, from);
        bucket.store.put(&key, chunk.into()).await?;
        let counted = state
            .store
            .advance_upload(&upload_id, from, len, key.as_ref())
            .await?;
        if !counted {
            // Another request (perhaps on another instance) moved the offset first.
            let _ = bucket.store.delete(&key).await;
            let now = own_upload(&state, user.id, &upload_id).await?;
            return Err(offset_mismatch(if now.complete {
                now.size
            } else {
                now.offset
            }));
        }
    }
    let upload = own_upload(&state, user.id, &upload_id).await?;
    if upload.offset == upload.size && !upload.complete {
        finish(&state, &bucket, &upload, &user.username).await?;
        let done = own_upload(&state, user.id, &upload_id).await?;
        return Ok(status_response(&done));
    }
    Ok(status_response(&upload))
}

/// Joins the chunks under the hash if they are what was declared; otherwise discards the
/// upload (its rows and its chunks) and refuses with 422.
async fn finish(
    state: &AppState,
    bucket: &EvidenceBucket,
    upload: &UploadRecord,
    by: &str,
) -> Result<(), EvidenceError> {
    let chunks = state.store.upload_chunks(&upload.upload_id).await?;
    let mut expected = 0u64;
    for c in &chunks {
        if c.start != expected {
            return Err(ApiError::Internal(format!(
                "upload {} has a gap at {expected}",
                upload.upload_id
            ))
            .into());
        }
        expected += c.len;
    }
    let dest = EvidenceBucket::stored_key(&upload.sha256);
    // Only completed when everything matched: an aborted write leaves nothing under the hash.
    let mut out = WriteMultipart::new(bucket.store.put_multipart(&dest).await?);
    let mut hasher = Sha256::new();
    let mut head: Vec<u8> = Vec::with_capacity(16);
    let mut size = 0u64;
    for c in &chunks {
        let bytes = bucket
            .store
            .get(&Key::from(c.object_key.as_str()))
            .await?
            .bytes()
            .await?;
        if head.len() < 16 {
            let take = (16 - head.len()).min(bytes.len());
            head.extend_from_slice(&bytes[..take]);
        }
        hasher.update(&bytes);
        size += bytes.len() as u64;
        out.write(&bytes);
    }
    let digest = hex::encode(hasher.finalize());
    let kind_ok = kind_of_mime(&upload.mime).is_some_and(|k| k.looks_right(&head));
    let refusal = if digest != upload.sha256 || size != upload.size {
        Some(refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "hash_mismatch",
            format!(
                "收到的内容与声明的 SHA-256 不符（收到 {digest}），上传已作废，未保存任何内容"
            ),
            format!(
                "the bytes received do not match the declared SHA-256 (got {digest}); the upload is discarded and nothing was stored"
            ),
        ))
    } else if !kind_ok {
        Some(refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "type_mismatch",
            format!("内容不是声明的 {} 文件，上传已作废", upload.mime),
            format!(
                "the contents are not a {} file; the upload is discarded",
                upload.mime
            ),
        ))
    } else {
        None
    };
    if let Some(r) = refusal {
        let _ = out.abort().await;
        state.store.discard_upload(&upload.upload_id).await?;
        remove_chunks(bucket, &chunks).await;
        return Err(r);
    }
    out.finish().await?;
    if let Err(e) = state
        .store
        .complete_upload(&upload.upload_id, by, &stamp(beijing_now()))
        .await
    {
        // A retry that raced the first completion finds the upload complete: that is success.
        let done = state.store.upload(&upload.upload_id).await?;
        if !done.is_some_and(|u| u.complete) {
            return Err(e.into());
        }
    }
    remove_chunks(bucket, &chunks).await;
    Ok(())
}

/// What [`sweep`] removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SweepReport {
    /// Uploads begun long ago and never completed (a desk that gave up), with their chunks.
    pub abandoned_uploads: u64,
    /// Chunk objects no upload counts (a hub killed between writing a chunk and counting it,
    /// or chunks left after their upload completed or was discarded).
    pub orphan_chunks: u64,
    pub bytes_freed: u64,
}

#[derive(Debug, Error)]
pub enum SweepError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("evidence store: {0}")]
    Bucket(#[from] object_store::Error),
}

/// Removes what uploads left behind that is older than `older_than`: uploads never completed
/// (their rows and chunks), then chunk objects that no upload row counts. Younger objects are
/// left alone: a chunk being written right now has no row yet. Stored files are never touched.
/// Safe to run on several instances at once (each removal is idempotent).
pub async fn sweep(
    store: &dyn crate::storage::HubStore,
    bucket: &EvidenceBucket,
    older_than: chrono::Duration,
) -> Result<SweepReport, SweepError> {
    let mut report = SweepReport::default();
    for id in store
        .stale_uploads(&stamp(beijing_now() - older_than))
        .await?
    {
        let chunks = store.upload_chunks(&id).await?;
        store.discard_upload(&id).await?;
        remove_chunks(bucket, &chunks).await;
        report.abandoned_uploads += 1;
    }
    let cutoff = chrono::Utc::now() - older_than;
    let mut counted: std::collections::HashMap<String, std::collections::HashSet<String>> =
        Default::default();
    let mut objects = bucket.store.list(Some(&Key::from("uploads")));
    while let Some(meta) = futures_util::StreamExt::next(&mut objects).await {
        let meta = meta?;
        if meta.last_modified > cutoff {
            continue;
        }
        let key = meta.location.to_string();
        let Some(upload_id) = key.split('/').nth(1) else {
            continue;
        };
        if !counted.contains_key(upload_id) {
            let keys = store
                .upload_chunks(upload_id)
                .await?
                .into_iter()
                .map(|c| c.object_key)
                .collect();
            counted.insert(upload_id.to_string(), keys);
        }
        if counted.get(upload_id).is_some_and(|k| k.contains(&key)) {
            continue;
        }
        match bucket.store.delete(&meta.location).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {
                report.orphan_chunks += 1;
                report.bytes_freed += meta.size;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(report)
}

/// Best effort: a chunk left behind by a crash here is only wasted space.
async fn remove_chunks(bucket: &EvidenceBucket, chunks: &[crate::storage::ChunkRecord]) {
    for c in chunks {
        let _ = bucket.store.delete(&Key::from(c.object_key.as_str())).await;
    }
}

/// A `Range: bytes=...` header against a file of `size` bytes: None to send the whole file (no
/// header, a form this hub does not serve such as several ranges, or one it cannot read, which
/// HTTP says to ignore), the inclusive first and last byte, or 416.
fn byte_range(headers: &HeaderMap, size: u64) -> Result<Option<(u64, u64)>, EvidenceError> {
    let Some(spec) = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("bytes="))
    else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return Ok(None);
    };
    let unsatisfiable = EvidenceError::RangeNotSatisfiable { size };
    let (a, b) = (a.trim(), b.trim());
    if a.is_empty() {
        // The last n bytes.
        let Ok(n) = b.parse::<u64>() else {
            return Ok(None);
        };
        if n == 0 {
            return Err(unsatisfiable);
        }
        return Ok(Some((size.saturating_sub(n), size - 1)));
    }
    let Ok(first) = a.parse::<u64>() else {
        return Ok(None);
    };
    let last = if b.is_empty() {
        size.saturating_sub(1)
    } else {
        match b.parse::<u64>() {
            Ok(l) if l >= first => l.min(size.saturating_sub(1)),
            _ => return Ok(None),
        }
    };
    if first >= size {
        return Err(unsatisfiable);
    }
    Ok(Some((first, last)))
}

#[utoipa::path(
    get,
    path = "/api/v1/evidence/{sha256}",
    params(
        ("sha256" = String, Path, description = "The file's SHA-256"),
        ("Range" = Option<String>, Header, description = "bytes=first-last, bytes=first- or bytes=-n (one range)"),
    ),
    responses(
        (status = 200, description = "The whole file", content_type = "application/octet-stream"),
        (status = 206, description = "The range asked for, with Content-Range"),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "None of the file's orders or permit applications is within the caller's jurisdiction", body = ErrorBody),
        (status = 404, description = "No such file", body = ErrorBody),
        (status = 416, description = "The range starts past the end; Content-Range: bytes */size", body = ErrorBody),
    ),
    security(("bearer" = [])),
    tag = "evidence"
)]
pub async fn download(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(sha256): Path<String>,
    headers: HeaderMap,
) -> Result<Response, EvidenceError> {
    let bucket = bucket(&state)?.clone();
    if !is_hash(&sha256) {
        return Err(ApiError::NotFound.into());
    }
    let file = state
        .store
        .evidence(&sha256)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !file
        .counties
        .iter()
        .any(|c| user.jurisdiction.covers_county(c))
    {
        return Err(ApiError::Forbidden(format!("evidence {sha256}")).into());
    }
    let range = byte_range(&headers, file.size)?;
    let (first, last) = range.unwrap_or((0, file.size - 1));
    let got = bucket
        .store
        .get_opts(
            &EvidenceBucket::stored_key(&sha256),
            GetOptions {
                range: Some(GetRange::Bounded(first..last + 1)),
                ..GetOptions::default()
            },
        )
        .await?;
    let mut r = Response::new(Body::from_stream(got.into_stream()));
    *r.status_mut() = if range.is_some() {
        StatusCode::PARTIAL_CONTENT
    } else {
        StatusCode::OK
    };
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&file.mime) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(last + 1 - first));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Ok(v) = HeaderValue::from_str(&format!("\"{sha256}\"")) {
        h.insert(header::ETAG, v);
    }
    if range.is_some() {
        if let Ok(v) = HeaderValue::from_str(&format!("bytes {first}-{last}/{}", file.size)) {
            h.insert(header::CONTENT_RANGE, v);
        }
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(h: &str, size: u64) -> Result<Option<(u64, u64)>, ()> {
        let mut m = HeaderMap::new();
        m.insert(header::RANGE, HeaderValue::from_str(h).expect("header"));
        byte_range(&m, size).map_err(|_| ())
    }

    #[test]
    fn ranges_are_read_as_http_says() {
        assert_eq!(range("bytes=0-9", 100), Ok(Some((0, 9))));
        assert_eq!(range("bytes=90-", 100), Ok(Some((90, 99))));
        assert_eq!(range("bytes=-10", 100), Ok(Some((90, 99))));
        assert_eq!(range("bytes=-500", 100), Ok(Some((0, 99))));
        assert_eq!(range("bytes=50-500", 100), Ok(Some((50, 99))));
        assert_eq!(range("bytes=100-", 100), Err(()));
        assert_eq!(range("bytes=0-1,5-6", 100), Ok(None));
        assert_eq!(range("bytes=9-3", 100), Ok(None));
        assert_eq!(range("items=0-1", 100), Ok(None));
    }

    #[test]
    fn names_with_paths_are_refused_and_s3_locations_configure() {
        assert!(check_file_name("现场照片 1.jpg").is_ok());
        for bad in ["../x.jpg", "a/b.jpg", "a\\b.pdf", "", "x\u{0}.png", ".."] {
            assert!(check_file_name(bad).is_err(), "{bad:?}");
        }
        // Building the S3 client reads AWS_* but contacts nobody; only the bucket is required.
        let s3 = EvidenceBucket::open("s3://casedesk-evidence/henan/hub1").expect("s3 configures");
        assert_eq!(s3.location(), "s3://casedesk-evidence/henan/hub1");
        assert!(EvidenceBucket::open("s3://").is_err());
        assert_eq!(
            default_location("/var/lib/hub.db"),
            "/var/lib/hub.db.evidence"
        );
    }
}
