//! The permit desk on the hub (大件运输): carriers' applications with their files, and each
//! service point's permit day with its random sample that nobody can steer.
//!
//! An application arrives whole: the submission (`application.json`) and every file it names,
//! checked before anything is stored (`casedesk_wire::check_submission`, then each file's size
//! and first bytes against its material's kinds). The files become evidence, kept once by
//! SHA-256 in the object store; the application, its materials and its audit rows commit in one
//! transaction, under `(carrier credit id, carrier reference)` so the same submission sent
//! twice is one application.
//!
//! The day: a fresh 32-byte seed from the OS, committed to (its SHA-256 published, in the pull
//! and at `GET /permit/days/...`) when first asked or at the day's first application, whichever
//! comes first; at closure the seed is revealed and the draw of `casedesk_domain::permit::draw`
//! over the day's applications is stored with its inputs, so a desk recomputes and checks it.
//!
//! Two ways in, one rule: `POST /api/v1/permit/applications` (an administrator's token: the
//! carrier portal's account) and `casedesk-hub ingest-application FOLDER`.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use casedesk_domain::permit::sample::{self, Candidate, Draw};
use casedesk_domain::permit::{
    check_review, ClockAction, ReviewDraft, MAX_MATERIAL_BYTES, MAX_SUBMISSION_BYTES,
};
use casedesk_domain::Role;
use casedesk_wire::{
    check_submission, ApplicationChange, ApplicationSubmitted, ApplicationUpload, DecidedReview,
    DishonestEntry, ErrorBody, PermitDay, Rejection, RejectionCode, Submission, SubmissionRefusal,
};
use chrono::{NaiveDate, NaiveDateTime};
use rand::RngCore;
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::api::{ApiError, AppState};
use crate::auth::AuthUser;
use crate::clock::beijing_now;
use crate::evidence::EvidenceBucket;
use crate::jurisdiction::{city_of, Jurisdiction};
use crate::storage::{
    ApplicationTaken, AuditEntry, DayClosure, DayRequest, Decision, HubStore, MutationContext,
    NewApplication, NewMaterialRow, StoreError,
};

/// The largest body `POST /permit/applications` reads: every file at most, base64 (4/3), plus
/// the submission.
pub const SUBMISSION_BODY_LIMIT: usize = (MAX_SUBMISSION_BYTES as usize / 3) * 4 + (1 << 20);

/// An application's number: `DJ`, its day, and its change number.
pub fn application_id(day: NaiveDate, seq: i64) -> String {
    format!("DJ{}{seq:07}", day.format("%Y%m%d"))
}

/// Beijing time with microseconds: a day's commitment and its first application, taken in one
/// transaction, are told apart.
pub fn precise_stamp(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S%.6f").to_string()
}

/// A fresh seed from the operating system's random source.
pub fn fresh_seed() -> [u8; 32] {
    let mut seed = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut seed);
    seed
}

/// The audit key of a service point's day.
pub fn day_key(service_point: &str, day: &str) -> String {
    format!("{service_point}/{day}")
}

/// The day's draw from its seed (hex) and candidates, by the domain's one rule.
pub fn draw_day(seed_hex: &str, candidates: &[Candidate]) -> Result<Draw, StoreError> {
    let seed = hex::decode(seed_hex).map_err(|e| StoreError::Corrupt(format!("seed: {e}")))?;
    sample::draw(&seed, candidates).map_err(|e| StoreError::Corrupt(format!("draw: {e}")))
}

/// The audit row of a permit entity (`permit_application`, `permit_day`).
pub(crate) fn permit_audit(
    action: &str,
    entity: &str,
    key: &str,
    by: &str,
    device_id: &str,
    at: &str,
    after: serde_json::Value,
) -> AuditEntry {
    AuditEntry {
        at: at.to_string(),
        username: by.to_string(),
        device_id: device_id.to_string(),
        action: action.to_string(),
        entity: entity.to_string(),
        entity_key: key.to_string(),
        mutation_id: None,
        before: "null".into(),
        after: after.to_string(),
    }
}

/// What the audit row of a new application records.
pub(crate) fn application_audit_after(
    a: &NewApplication,
    day: &str,
    first_application: bool,
    carrier_standing: Option<&casedesk_wire::CarrierStanding>,
) -> serde_json::Value {
    serde_json::json!({
        "day": day,
        "first_application": first_application,
        "carrier_standing": carrier_standing,
        "submission": a.submission,
        "materials": a.materials.iter().map(|m| serde_json::json!({
            "material": m.material, "file_name": m.file_name, "sha256": m.sha256,
        })).collect::<Vec<_>>(),
    })
}

/// A file of a submission: its name in the folder and its bytes.
pub type SubmittedFile = (String, Vec<u8>);

/// Who posts a submission: the audit names them; a service point outside their jurisdiction is
/// refused.
#[derive(Debug, Clone)]
pub struct Poster {
    pub username: String,
    pub device_id: String,
    pub scope: Jurisdiction,
}

#[derive(Debug, Error)]
pub enum SubmitError {
    #[error("{}", .0.en)]
    Refused(SubmissionRefusal),
    #[error("storage: {0}")]
    Store(#[from] StoreError),
    #[error("evidence store: {0}")]
    Bucket(#[from] object_store::Error),
    /// The hub's usual refusals (role, body), answered as everywhere else.
    #[error("{0}")]
    Api(ApiError),
}

fn refused(code: &'static str, zh: String, en: String) -> SubmitError {
    SubmitError::Refused(SubmissionRefusal { code, zh, en })
}

fn file_too_large(file: &str, size: u64) -> SubmitError {
    refused(
        "file_too_large",
        format!("文件 {file} 有 {size} 字节，超过上限 {MAX_MATERIAL_BYTES} 字节"),
        format!("the file {file} is {size} bytes, over the limit of {MAX_MATERIAL_BYTES} bytes"),
    )
}

/// Checks a submission and its files and, when everything is right, stores the files under
/// their hashes and takes the application. A refusal stores nothing.
pub async fn submit(
    store: &dyn HubStore,
    bucket: &EvidenceBucket,
    submission: Submission,
    files: Vec<SubmittedFile>,
    poster: &Poster,
) -> Result<ApplicationSubmitted, SubmitError> {
    let now = beijing_now();
    let checked = check_submission(&submission, now).map_err(SubmitError::Refused)?;
    if !poster.scope.covers_county(&submission.service_point) {
        return Err(refused(
            "outside_jurisdiction",
            format!("服务点 {} 不在您的辖区内", submission.service_point),
            format!(
                "the service point {} is outside your jurisdiction",
                submission.service_point
            ),
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (name, _) in &files {
        if !seen.insert(name.as_str()) {
            return Err(refused(
                "duplicate_file",
                format!("文件 {name} 重复提交"),
                format!("the file {name} is sent twice"),
            ));
        }
        if !checked.materials.iter().any(|m| &m.file == name) {
            return Err(refused(
                "unexpected_file",
                format!("文件 {name} 不是申报材料中列出的文件"),
                format!("the file {name} is not named by any material of the submission"),
            ));
        }
    }
    let mut total = 0u64;
    let mut rows = Vec::with_capacity(checked.materials.len());
    let mut to_store: Vec<(String, &[u8])> = Vec::new();
    for m in &checked.materials {
        let Some((_, bytes)) = files.iter().find(|(n, _)| *n == m.file) else {
            return Err(refused(
                "missing_file",
                format!("缺少文件 {}（{}）", m.file, m.material.name_zh()),
                format!("the file {} ({}) is missing", m.file, m.material.name_en()),
            ));
        };
        let size = bytes.len() as u64;
        if size == 0 {
            return Err(refused(
                "empty_file",
                format!("文件 {} 为空", m.file),
                format!("the file {} is empty", m.file),
            ));
        }
        if size > MAX_MATERIAL_BYTES {
            return Err(file_too_large(&m.file, size));
        }
        if !m.kind.looks_right(bytes) {
            return Err(refused(
                "type_mismatch",
                format!("文件 {} 的内容不是 {} 文件", m.file, m.kind.name()),
                format!(
                    "the contents of {} are not a {} file",
                    m.file,
                    m.kind.name()
                ),
            ));
        }
        let sha256 = hex::encode(Sha256::digest(bytes));
        if !to_store.iter().any(|(h, _)| *h == sha256) {
            total += size;
            to_store.push((sha256.clone(), bytes));
        }
        rows.push(NewMaterialRow {
            material: m.material.code().to_string(),
            file_name: m.file.clone(),
            sha256,
            size,
            mime: m.kind.mime().to_string(),
        });
    }
    if total > MAX_SUBMISSION_BYTES {
        return Err(refused(
            "submission_too_large",
            format!("申报文件共 {total} 字节，超过上限 {MAX_SUBMISSION_BYTES} 字节"),
            format!("the files come to {total} bytes, over the limit of {MAX_SUBMISSION_BYTES}"),
        ));
    }
    // The bytes first, under their hash (a file kept once); the rows that point at them commit
    // after, so no row names bytes that are not there.
    for (sha256, bytes) in to_store {
        if store.evidence(&sha256).await?.is_none() {
            bucket.put_stored(&sha256, bytes.to_vec()).await?;
        }
    }
    let taken = store
        .take_application(NewApplication {
            city_code: city_of(&submission.service_point),
            submission,
            materials: rows,
            by: poster.username.clone(),
            device_id: poster.device_id.clone(),
            now,
            fresh_seed: fresh_seed(),
        })
        .await?;
    Ok(match taken {
        ApplicationTaken::Created {
            application,
            commitment,
        } => ApplicationSubmitted::Created {
            application_id: application.application_id,
            day: application.day,
            commitment,
        },
        ApplicationTaken::Duplicate { application_id } => {
            ApplicationSubmitted::Duplicate { application_id }
        }
    })
}

/// Reads a submission folder: `application.json` and the files its materials name (each read
/// once; a file the folder lacks is left out, for [`submit`] to refuse by name). A file over
/// the limit is refused by its size without being read.
pub fn read_folder(
    folder: &std::path::Path,
) -> Result<(Submission, Vec<SubmittedFile>), SubmitError> {
    let manifest = folder.join("application.json");
    let text = std::fs::read(&manifest).map_err(|e| {
        refused(
            "unreadable_submission",
            format!("无法读取 {}：{e}", manifest.display()),
            format!("cannot read {}: {e}", manifest.display()),
        )
    })?;
    let submission: Submission = serde_json::from_slice(&text).map_err(|e| {
        refused(
            "bad_json",
            format!("{} 不是有效的申报 JSON：{e}", manifest.display()),
            format!("{} is not a valid submission: {e}", manifest.display()),
        )
    })?;
    let mut files: Vec<SubmittedFile> = Vec::new();
    for m in &submission.materials {
        if files.iter().any(|(n, _)| *n == m.file) || !casedesk_wire::is_plain_file_name(&m.file) {
            continue;
        }
        let path = folder.join(&m.file);
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if meta.len() > MAX_MATERIAL_BYTES {
            return Err(file_too_large(&m.file, meta.len()));
        }
        let bytes = std::fs::read(&path).map_err(|e| {
            refused(
                "unreadable_file",
                format!("无法读取 {}：{e}", path.display()),
                format!("cannot read {}: {e}", path.display()),
            )
        })?;
        files.push((m.file.clone(), bytes));
    }
    Ok((submission, files))
}

/// The HTTP status of a refused submission.
fn refusal_status(code: &str) -> StatusCode {
    match code {
        "outside_jurisdiction" => StatusCode::FORBIDDEN,
        "file_too_large" | "submission_too_large" => StatusCode::PAYLOAD_TOO_LARGE,
        "unsupported_type" => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "type_mismatch" => StatusCode::UNPROCESSABLE_ENTITY,
        "evidence_unavailable" => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::BAD_REQUEST,
    }
}

impl IntoResponse for SubmitError {
    fn into_response(self) -> Response {
        match self {
            SubmitError::Refused(r) => (
                refusal_status(r.code),
                Json(ErrorBody {
                    code: r.code.to_string(),
                    message_zh: r.zh,
                    message_en: r.en,
                }),
            )
                .into_response(),
            SubmitError::Store(e) => ApiError::Store(e).into_response(),
            SubmitError::Bucket(e) => {
                ApiError::Internal(format!("evidence store: {e}")).into_response()
            }
            SubmitError::Api(e) => e.into_response(),
        }
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/permit/applications",
    request_body = ApplicationUpload,
    responses(
        (status = 201, description = "A new application, counted in the service point's open day", body = ApplicationSubmitted),
        (status = 200, description = "The same carrier and reference came before: nothing changed", body = ApplicationSubmitted),
        (status = 400, description = "Unreadable body, or a submission or file that is not right (code and reason in both languages)", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Not an administrator (the carrier portal's account), or a service point outside its jurisdiction", body = ErrorBody),
        (status = 413, description = "A file over 50 MiB, or files over 100 MiB together", body = ErrorBody),
        (status = 415, description = "A file of a kind its material does not take", body = ErrorBody),
        (status = 422, description = "A file whose bytes are not of its kind", body = ErrorBody),
    ),
    security(("bearer" = [])),
    tag = "permit"
)]
pub async fn post_application(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    body: Body,
) -> Result<Response, SubmitError> {
    if user.role != Role::Administrator {
        return Err(ApiError::NotPermitted {
            zh: "只有管理员（承运人申报平台账户）可以提交申报",
            en: "only an administrator (the carrier portal's account) may submit applications",
        }
        .into());
    }
    let bucket = state.evidence.clone().ok_or_else(|| {
        refused(
            "evidence_unavailable",
            "此服务器未配置证据存储".into(),
            "this hub has no evidence store configured".into(),
        )
    })?;
    let bytes = axum::body::to_bytes(body, SUBMISSION_BODY_LIMIT)
        .await
        .map_err(|_| ApiError::TooLarge)?;
    let upload: ApplicationUpload = serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::bad_request(
            "bad_json",
            "请求内容不是有效的 JSON 或格式不符".into(),
            e.to_string(),
        )
    })?;
    let mut files = Vec::with_capacity(upload.files.len());
    for f in upload.files {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(f.content_base64.as_bytes())
            .map_err(|_| {
                refused(
                    "bad_base64",
                    format!("文件 {} 的内容不是有效的 base64", f.file),
                    format!("the contents of {} are not valid base64", f.file),
                )
            })?;
        files.push((f.file, bytes));
    }
    let poster = Poster {
        username: user.username.clone(),
        device_id: "carrier-portal".into(),
        scope: user.jurisdiction.clone(),
    };
    let answer = submit(
        state.store.as_ref(),
        &bucket,
        upload.submission,
        files,
        &poster,
    )
    .await?;
    let status = match answer {
        ApplicationSubmitted::Created { .. } => StatusCode::CREATED,
        ApplicationSubmitted::Duplicate { .. } => StatusCode::OK,
    };
    Ok((status, Json(answer)).into_response())
}

impl From<ApiError> for SubmitError {
    fn from(e: ApiError) -> SubmitError {
        match e {
            ApiError::Store(s) => SubmitError::Store(s),
            other => SubmitError::Api(other),
        }
    }
}

/// A day path's service point and date, checked; the caller must see the service point.
fn day_request(
    user: &crate::storage::UserRecord,
    service_point: &str,
    day: &str,
) -> Result<DayRequest, ApiError> {
    let date = NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| {
        ApiError::bad_request(
            "bad_date",
            format!("日期 {day:?} 无效，应为 YYYY-MM-DD"),
            format!("the date {day:?} is not YYYY-MM-DD"),
        )
    })?;
    if casedesk_domain::Divisions::embedded()
        .county(service_point)
        .is_none()
    {
        return Err(ApiError::NotFound);
    }
    if !user.jurisdiction.covers_county(service_point) {
        return Err(ApiError::Forbidden(format!(
            "服务点/service point {service_point}"
        )));
    }
    Ok(DayRequest {
        service_point: service_point.to_string(),
        city_code: city_of(service_point),
        day: date,
        by: user.username.clone(),
        device_id: String::new(),
        now: beijing_now(),
        fresh_seed: fresh_seed(),
    })
}

#[utoipa::path(
    get,
    path = "/api/v1/permit/days/{service_point}/{day}",
    params(
        ("service_point" = String, Path, description = "The service point's county code"),
        ("day" = String, Path, description = "YYYY-MM-DD"),
    ),
    responses(
        (status = 200, description = "The day's commitment (made now, from a fresh seed, when today or a later day has none yet); its seed and draw once closed", body = PermitDay),
        (status = 400, description = "Not a date", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "The service point is outside the caller's jurisdiction", body = ErrorBody),
        (status = 404, description = "Not a service point, or a past day that had no commitment", body = ErrorBody),
    ),
    security(("bearer" = [])),
    tag = "permit"
)]
pub async fn get_day(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path((service_point, day)): Path<(String, String)>,
) -> Result<Json<PermitDay>, ApiError> {
    let req = day_request(&user, &service_point, &day)?;
    // A past day is not committed to after the fact: it had no applications.
    let create = req.day >= req.now.date();
    state
        .store
        .permit_day(req, create)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

#[utoipa::path(
    post,
    path = "/api/v1/permit/days/{service_point}/{day}/close",
    params(
        ("service_point" = String, Path, description = "The service point's county code"),
        ("day" = String, Path, description = "YYYY-MM-DD"),
    ),
    responses(
        (status = 200, description = "Closed: the seed revealed, the draw and its inputs stored", body = PermitDay),
        (status = 400, description = "Not a date, or a day that has not begun", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Not desk staff, or another service point", body = ErrorBody),
        (status = 409, description = "The day was closed before (`already_closed`), or complete applications of the day have no verdict yet (`undecided_applications`, naming how many and which)", body = ErrorBody),
    ),
    security(("bearer" = [])),
    tag = "permit"
)]
pub async fn close_day(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path((service_point, day)): Path<(String, String)>,
) -> Result<Json<PermitDay>, ApiError> {
    if !user.role.rights().close_permit_day {
        return Err(ApiError::NotPermitted {
            zh: "只有服务点工作人员可以日结",
            en: "only the service point's desk staff may close the day",
        });
    }
    let req = day_request(&user, &service_point, &day)?;
    if req.day > req.now.date() {
        return Err(ApiError::bad_request(
            "day_not_begun",
            format!("{day} 尚未开始，不能日结"),
            format!("{day} has not begun; it cannot be closed"),
        ));
    }
    match state.store.close_permit_day(req).await? {
        DayClosure::Closed(d) => Ok(Json(*d)),
        DayClosure::Undecided(ids) => Err(ApiError::Conflict {
            code: "undecided_applications",
            zh: format!(
                "{day} 还有 {} 件材料齐全的申报未作审核结论，不能日结：{}",
                ids.len(),
                ids.join("、")
            ),
            en: format!(
                "{} complete application(s) of {day} have no verdict yet; the day cannot be closed: {}",
                ids.len(),
                ids.join(", ")
            ),
        }),
        DayClosure::AlreadyClosed(d) => {
            let at = d.closed_at.as_deref().unwrap_or_default();
            Err(ApiError::Conflict {
                code: "already_closed",
                zh: format!("{} {} 已于 {at} 日结", d.service_point, d.day),
                en: format!("{} {} was closed at {at}", d.service_point, d.day),
            })
        }
    }
}

/// The complete applications of a day that have no verdict yet: what holds its closure.
pub fn undecided(apps: &[ApplicationChange]) -> Vec<String> {
    apps.iter()
        .filter(|a| a.awaits_verdict())
        .map(|a| a.application_id.clone())
        .collect()
}

fn bad_review(id: &str, problem: &str, zh: String, en: String) -> Rejection {
    Rejection::new(
        RejectionCode::BadReview,
        [
            ("application_id", id.to_string()),
            ("problem", problem.to_string()),
        ],
        zh,
        en,
    )
}

/// Decides a mutation of `application` (None: the hub has no such application): its review, or
/// a pause or resumption of its decision clock. Pure, like every decision of a push.
pub fn decide_application(
    ctx: &MutationContext,
    application: Option<&ApplicationChange>,
    day_closed: bool,
) -> Result<Decision, Rejection> {
    if ClockAction::is_code(&ctx.mutation.action) {
        decide_clock(ctx, application, day_closed)
    } else {
        decide_review(ctx, application, day_closed)
    }
}

/// What a review and a clock action both need: the application exists, the user is desk staff
/// or a supervisor whose jurisdiction covers its service point, it has no verdict yet, and its
/// day is open, or closed without waiting for it (its clock was paused: it carries over).
fn check_open_to(
    ctx: &MutationContext,
    application: Option<&ApplicationChange>,
    day_closed: bool,
) -> Result<ApplicationChange, Rejection> {
    let m = &ctx.mutation;
    let id = m.entity_key.trim();
    let Some(app) = application else {
        return Err(Rejection::new(
            RejectionCode::UnknownEntity,
            [("key", id.to_string())],
            format!("申报 {id} 不存在"),
            format!("there is no application {id}"),
        ));
    };
    let user = &ctx.user;
    if !user.role.rights().review_permits {
        return Err(Rejection::new(
            RejectionCode::NotReviewer,
            [("role", crate::push::code_of(&user.role))],
            format!("{}不能审核大件运输申报", user.role.name_zh()),
            format!(
                "a {} may not review permit applications; desk staff and supervisors do",
                crate::push::code_of(&user.role)
            ),
        ));
    }
    if !user
        .jurisdiction
        .covers_county(&app.submission.service_point)
    {
        return Err(crate::push::outside(id));
    }
    if day_closed && !app.carries_over() {
        return Err(Rejection::new(
            RejectionCode::PermitDayClosed,
            [("application_id", id.to_string()), ("day", app.day.clone())],
            format!("申报 {id} 所在的 {} 已日结，不能再审核", app.day),
            format!(
                "the day of application {id} ({}) is closed; it cannot be reviewed",
                app.day
            ),
        ));
    }
    if let Some(done) = &app.review {
        let verdict = done.review.verdict;
        return Err(Rejection::new(
            RejectionCode::AlreadyDecided,
            [
                ("application_id", id.to_string()),
                ("verdict", verdict.code().to_string()),
                ("by", done.decided_by.clone()),
            ],
            format!(
                "申报 {id} 已由 {} 作出审核结论（{}）",
                done.decided_by,
                verdict.name_zh()
            ),
            format!(
                "application {id} was decided by {} ({})",
                done.decided_by,
                verdict.name_en()
            ),
        ));
    }
    Ok(app.clone())
}

/// Decides a review: on an application open to the user ([`check_open_to`]), a review the
/// domain's `check_review` accepts for the application's class, missing materials and files.
fn decide_review(
    ctx: &MutationContext,
    application: Option<&ApplicationChange>,
    day_closed: bool,
) -> Result<Decision, Rejection> {
    let m = &ctx.mutation;
    let review = m.review().map_err(crate::push::payload_rejection)?;
    let id = m.entity_key.trim();
    let app = check_open_to(ctx, application, day_closed)?;
    let user = &ctx.user;
    let assessment = app.assess().map_err(|e| {
        bad_review(
            id,
            "not_assessable",
            format!("申报 {id} 的申报数据无法判定：{e}"),
            format!("application {id} cannot be assessed: {e}"),
        )
    })?;
    let Some(class) = assessment.classification.class else {
        return Err(bad_review(
            id,
            "not_over_limit",
            format!("申报 {id} 的车辆未超限，无需许可"),
            format!("the vehicle of application {id} is within every limit; no permit is needed"),
        ));
    };
    let draft = ReviewDraft {
        items: review.items,
        notes: review.notes,
    };
    let checked = check_review(
        class,
        review.verdict,
        &draft,
        &assessment.missing,
        &app.file_hashes(),
    )
    .map_err(|e| {
        bad_review(
            id,
            e.code(),
            format!("审核内容不符合要求：{e}"),
            e.to_string(),
        )
    })?;
    let decided = DecidedReview {
        review: checked,
        decided_by: user.username.clone(),
        decided_at: crate::clock::stamp(ctx.now),
    };
    let after = serde_json::json!({ "review": decided }).to_string();
    Ok(Decision::Application {
        review: Some(Box::new(decided)),
        pauses: app.pauses,
        before: "null".into(),
        after,
    })
}

/// Decides a pause or a resumption of the decision clock: on an application open to the user
/// ([`check_open_to`]; a pause needs its day open, unless an earlier pause carries it over), an
/// action that fits its pauses as of today (`ApplicationChange::apply_clock`).
fn decide_clock(
    ctx: &MutationContext,
    application: Option<&ApplicationChange>,
    day_closed: bool,
) -> Result<Decision, Rejection> {
    let m = &ctx.mutation;
    let action = m.clock_action().map_err(crate::push::payload_rejection)?;
    let id = m.entity_key.trim();
    let app = check_open_to(ctx, application, day_closed)?;
    let pauses = app.apply_clock(action, ctx.now.date()).map_err(|e| {
        Rejection::new(
            RejectionCode::BadClockAction,
            [
                ("application_id", id.to_string()),
                ("clock_problem", e.code().to_string()),
            ],
            format!("申报 {id} 的计时不能这样调整：{e}"),
            format!("the clock of application {id} cannot be changed so: {e}"),
        )
    })?;
    Ok(Decision::Application {
        before: serde_json::json!({ "pauses": app.pauses }).to_string(),
        after: serde_json::json!({ "pauses": pauses }).to_string(),
        review: None,
        pauses,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_stamps() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 30).expect("date");
        assert_eq!(application_id(d, 42), "DJ202611300000042");
        let t = d.and_hms_micro_opt(8, 15, 0, 12).expect("time");
        assert_eq!(precise_stamp(t), "2026-11-30 08:15:00.000012");
        assert_ne!(fresh_seed(), fresh_seed());
    }
}

/// Who keeps the dishonest-enterprise list ([`Role::rights`]).
fn may_keep_list(role: Role) -> Result<(), ApiError> {
    if role.rights().keep_dishonest_list {
        return Ok(());
    }
    Err(ApiError::NotPermitted {
        zh: "只有服务点工作人员和监管负责人可以维护失信企业库",
        en: "only desk staff and supervisors keep the dishonest-enterprise list",
    })
}

fn list_entry_refusal(e: casedesk_domain::permit::ListEntryError) -> ApiError {
    use casedesk_domain::permit::ListEntryError as E;
    let zh = match &e {
        E::Empty { .. } => "失信行为和修复条件都不能为空".to_string(),
        E::TooLong { len, max, .. } => format!("内容有 {len} 个字符，超过上限 {max}"),
        E::ControlCharacter { .. } => "内容含有控制字符".to_string(),
        E::RepairedBeforeListed { listed, repaired } => {
            format!("修复日期 {repaired} 早于列入日期 {listed}")
        }
        E::SuspensionEndsBeforeListing { listed, until } => {
            format!("暂停信用+申报的截止日期 {until} 早于列入日期 {listed}")
        }
    };
    ApiError::bad_request(e.code(), zh, e.to_string())
}

#[utoipa::path(
    post,
    path = "/api/v1/permit/dishonest",
    request_body = casedesk_wire::DishonestListing,
    responses(
        (status = 201, description = "Listed today, in the caller's jurisdiction", body = DishonestEntry),
        (status = 400, description = "Bad credit id, empty or long texts, a suspension ending before today", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Not desk staff or a supervisor", body = ErrorBody),
    ),
    security(("bearer" = [])),
    tag = "permit"
)]
pub async fn list_dishonest(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    crate::api::ApiJson(req): crate::api::ApiJson<casedesk_wire::DishonestListing>,
) -> Result<(StatusCode, Json<DishonestEntry>), ApiError> {
    may_keep_list(user.role)?;
    if !casedesk_domain::credit_id::is_valid_credit_id(&req.credit_id) {
        return Err(ApiError::bad_request(
            "bad_credit_id",
            format!("统一社会信用代码 {:?} 无效", req.credit_id),
            format!(
                "{:?} is not a valid unified social credit identifier",
                req.credit_id
            ),
        ));
    }
    let name = req.enterprise_name.trim();
    if name.is_empty() || name.chars().count() > casedesk_wire::MAX_SUBMISSION_TEXT_CHARS {
        return Err(ApiError::bad_request(
            "bad_enterprise_name",
            "企业名称不能为空，且不超过 200 个字符".into(),
            "the enterprise name must be given, at most 200 characters".into(),
        ));
    }
    let now = beijing_now();
    let entry = casedesk_domain::permit::ListEntry::new(
        &req.behaviour,
        req.penalty,
        now.date(),
        &req.repair_conditions,
    )
    .map_err(list_entry_refusal)?;
    let added = state
        .store
        .add_dishonest(crate::storage::NewDishonest {
            credit_id: req.credit_id,
            enterprise_name: name.to_string(),
            division: user.jurisdiction.code().to_string(),
            entry,
            by: user.username,
            device_id: req.device_id,
            at: crate::clock::stamp(now),
        })
        .await?;
    Ok((StatusCode::CREATED, Json(added)))
}

#[utoipa::path(
    post,
    path = "/api/v1/permit/dishonest/{id}/repair",
    params(("id" = i64, Path, description = "The entry's id")),
    request_body = casedesk_wire::DishonestRepair,
    responses(
        (status = 200, description = "Repaired today: the carrier's fast track is restored from tomorrow's draw on", body = DishonestEntry),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Not desk staff or a supervisor, or an entry listed outside the caller's jurisdiction", body = ErrorBody),
        (status = 404, description = "No such entry", body = ErrorBody),
        (status = 409, description = "Repaired before, or changed meanwhile", body = ErrorBody),
    ),
    security(("bearer" = [])),
    tag = "permit"
)]
pub async fn repair_dishonest(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<i64>,
    crate::api::ApiJson(req): crate::api::ApiJson<casedesk_wire::DishonestRepair>,
) -> Result<Json<DishonestEntry>, ApiError> {
    may_keep_list(user.role)?;
    let current = state.store.dishonest(id).await?.ok_or(ApiError::NotFound)?;
    // Listed here or below: a county does not repair its city's or the province's listing.
    if !current.division.starts_with(user.jurisdiction.code()) {
        return Err(ApiError::Forbidden(format!(
            "失信企业库/dishonest-list entry {id}"
        )));
    }
    let already = || ApiError::Conflict {
        code: "already_repaired",
        zh: format!("失信企业库第 {id} 条已修复或已被他人修改"),
        en: format!("dishonest-list entry {id} was repaired or changed meanwhile"),
    };
    if current.entry.repaired_on.is_some() {
        return Err(already());
    }
    let now = beijing_now();
    let entry = current
        .entry
        .repair(now.date())
        .map_err(list_entry_refusal)?;
    state
        .store
        .repair_dishonest(
            id,
            current.version,
            entry,
            &user.username,
            &req.device_id,
            &crate::clock::stamp(now),
        )
        .await?
        .map(Json)
        .ok_or_else(already)
}

/// Checks a carrier's record as the platform sends it and makes it ready to store: a valid
/// credit id, a name, penalties whose dates hold on `today`. Nothing is stored when it fails; the
/// refusal (400) is worded like a submission's.
pub fn carrier_credit_record(
    credit_id: &str,
    update: casedesk_wire::CarrierCreditUpdate,
    by: &str,
    now: chrono::NaiveDateTime,
) -> Result<crate::storage::NewCarrierCredit, SubmissionRefusal> {
    if !casedesk_domain::credit_id::is_valid_credit_id(credit_id) {
        return Err(SubmissionRefusal {
            code: "bad_credit_id",
            zh: format!("统一社会信用代码 {credit_id:?} 无效"),
            en: format!("{credit_id:?} is not a valid unified social credit identifier"),
        });
    }
    let name = update.enterprise_name.trim();
    if name.is_empty() || name.chars().count() > casedesk_wire::MAX_SUBMISSION_TEXT_CHARS {
        return Err(SubmissionRefusal {
            code: "bad_enterprise_name",
            zh: "企业名称不能为空，且不超过 200 个字符".into(),
            en: "the enterprise name must be given, at most 200 characters".into(),
        });
    }
    casedesk_domain::permit::check_penalties(&update.standing.penalties, now.date()).map_err(
        |e| {
            use casedesk_domain::permit::PenaltyRecordError as E;
            let zh = match &e {
                E::DecidedInFuture { decided, today } => {
                    format!("处罚决定日期 {decided} 晚于今天（{today}）")
                }
                E::RepairedBeforeDecided { decided, repaired } => {
                    format!("{decided} 的处罚修复日期 {repaired} 早于决定日期")
                }
                E::RepairedInFuture { repaired, today } => {
                    format!("信用修复日期 {repaired} 晚于今天（{today}）")
                }
                E::TooMany { count, max } => format!("处罚记录 {count} 条，超过上限 {max} 条"),
            };
            SubmissionRefusal {
                code: e.code(),
                zh,
                en: e.to_string(),
            }
        },
    )?;
    Ok(crate::storage::NewCarrierCredit {
        credit_id: credit_id.to_string(),
        enterprise_name: name.to_string(),
        standing: update.standing,
        by: by.to_string(),
        device_id: update.device_id,
        at: crate::clock::stamp(now),
    })
}

#[utoipa::path(
    put,
    path = "/api/v1/permit/carriers/{credit_id}",
    params(("credit_id" = String, Path, description = "The carrier's 统一社会信用代码")),
    request_body = casedesk_wire::CarrierCreditUpdate,
    responses(
        (status = 200, description = "The record now kept; applications from now on carry it", body = casedesk_wire::CarrierCredit),
        (status = 400, description = "Bad credit id or name, a penalty dated after today or repaired before its decision", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Not an administrator (the platform)", body = ErrorBody),
    ),
    security(("bearer" = [])),
    tag = "permit"
)]
pub async fn put_carrier(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(credit_id): Path<String>,
    crate::api::ApiJson(req): crate::api::ApiJson<casedesk_wire::CarrierCreditUpdate>,
) -> Result<Json<casedesk_wire::CarrierCredit>, ApiError> {
    if user.role != Role::Administrator {
        return Err(ApiError::NotPermitted {
            zh: "企业信用记录由平台（管理员账号）报送",
            en: "carriers' credit records come from the platform (an administrator account)",
        });
    }
    let record = carrier_credit_record(&credit_id, req, &user.username, beijing_now())
        .map_err(|r| ApiError::bad_request(r.code, r.zh, r.en))?;
    Ok(Json(state.store.set_carrier_credit(record).await?))
}

#[utoipa::path(
    get,
    path = "/api/v1/permit/carriers/{credit_id}",
    params(("credit_id" = String, Path, description = "The carrier's 统一社会信用代码")),
    responses(
        (status = 200, description = "The carrier's record", body = casedesk_wire::CarrierCredit),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "A county officer", body = ErrorBody),
        (status = 404, description = "No record of this carrier", body = ErrorBody),
    ),
    security(("bearer" = [])),
    tag = "permit"
)]
pub async fn get_carrier(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(credit_id): Path<String>,
) -> Result<Json<casedesk_wire::CarrierCredit>, ApiError> {
    if user.role == Role::CountyOfficer {
        return Err(ApiError::NotPermitted {
            zh: "企业信用记录供服务点、监管负责人和平台查看",
            en: "carriers' credit records are for desk staff, supervisors and the platform",
        });
    }
    state
        .store
        .carrier_credit(&credit_id)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}
