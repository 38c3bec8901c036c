//! The HTTP surface: shared state, the router with its OpenAPI description, the error answer
//! and the JSON extractor that turns every unreadable body into 400 (413 over the limit).

use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use casedesk_wire::ErrorBody;
use serde::de::DeserializeOwned;
use thiserror::Error;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::storage::{HubStore, StoreError};

/// Limits and lifetimes; the defaults serve production, tests shorten them.
#[derive(Debug, Clone)]
pub struct HubConfig {
    pub access_ttl_secs: u64,
    pub refresh_ttl_secs: u64,
    /// The window in which failed logins are counted.
    pub login_window_secs: u64,
    /// Failed logins of one user name within the window before 429.
    pub max_failures_per_user: u32,
    /// Failed logins from one client address within the window before 429.
    pub max_failures_per_client: u32,
    /// The largest request body accepted (413 above).
    pub body_limit_bytes: usize,
}

impl Default for HubConfig {
    fn default() -> HubConfig {
        HubConfig {
            access_ttl_secs: 15 * 60,
            refresh_ttl_secs: 30 * 24 * 3600,
            login_window_secs: 15 * 60,
            max_failures_per_user: 5,
            max_failures_per_client: 30,
            // A push of 500 mutations with long texts stays well under this.
            body_limit_bytes: 2 * 1024 * 1024,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn HubStore>,
    pub config: Arc<HubConfig>,
    /// Where evidence bytes go; None answers the evidence endpoints with 503.
    pub evidence: Option<Arc<crate::evidence::EvidenceBucket>>,
}

#[derive(Debug, Error)]
pub enum ApiError {
    #[error("{en}")]
    BadRequest {
        code: &'static str,
        zh: String,
        en: String,
    },
    #[error("the body is over the limit")]
    TooLarge,
    #[error("no valid access token")]
    Unauthorized,
    #[error("wrong user name or password")]
    BadCredentials,
    #[error("{0}")]
    Forbidden(String),
    /// The user's role may not do this (403 `not_allowed`).
    #[error("{en}")]
    NotPermitted { zh: &'static str, en: &'static str },
    #[error("not found")]
    NotFound,
    /// The request collides with what is stored (409), e.g. resolving an item twice.
    #[error("{en}")]
    Conflict {
        code: &'static str,
        zh: String,
        en: String,
    },
    #[error("too many failed logins")]
    RateLimited { retry_after: u64 },
    #[error("storage: {0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    pub fn bad_request(code: &'static str, zh: String, en: String) -> ApiError {
        ApiError::BadRequest { code, zh, en }
    }
}

fn body(status: StatusCode, code: &str, zh: &str, en: &str) -> Response {
    (
        status,
        Json(ErrorBody {
            code: code.to_string(),
            message_zh: zh.to_string(),
            message_en: en.to_string(),
        }),
    )
        .into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::BadRequest { code, zh, en } => body(StatusCode::BAD_REQUEST, code, &zh, &en),
            ApiError::TooLarge => body(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "请求内容过大",
                "the request body is over the limit",
            ),
            ApiError::Unauthorized => {
                let mut r = body(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "登录已失效，请重新登录",
                    "no valid access token; log in again",
                );
                r.headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                r
            }
            ApiError::BadCredentials => body(
                StatusCode::UNAUTHORIZED,
                "bad_credentials",
                "用户名或密码错误",
                "wrong user name or password",
            ),
            ApiError::Forbidden(what) => body(
                StatusCode::FORBIDDEN,
                "forbidden",
                &format!("{what} 不在您的辖区内"),
                &format!("{what} is outside your jurisdiction"),
            ),
            ApiError::NotPermitted { zh, en } => body(StatusCode::FORBIDDEN, "not_allowed", zh, en),
            ApiError::NotFound => body(StatusCode::NOT_FOUND, "not_found", "未找到", "not found"),
            ApiError::Conflict { code, zh, en } => body(StatusCode::CONFLICT, code, &zh, &en),
            ApiError::RateLimited { retry_after } => {
                let mut r = body(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    "登录失败次数过多，请稍后再试",
                    "too many failed logins; try again later",
                );
                if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
                    r.headers_mut().insert(header::RETRY_AFTER, v);
                }
                r
            }
            // The cause goes to the hub's log, not to the client.
            ApiError::Store(e) => {
                eprintln!("casedesk-hub: storage error: {e}");
                body(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "服务器内部错误，请稍后重试",
                    "internal error; retry later",
                )
            }
            ApiError::Internal(e) => {
                eprintln!("casedesk-hub: internal error: {e}");
                body(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "服务器内部错误，请稍后重试",
                    "internal error; retry later",
                )
            }
        }
    }
}

/// `Json<T>` whose refusals are ours: 413 over the body limit, 400 for anything unreadable
/// (not JSON, nested past serde_json's depth limit, wrong shape, wrong content type).
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(json_error(rejection)),
        }
    }
}

fn json_error(r: JsonRejection) -> ApiError {
    if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::TooLarge;
    }
    ApiError::bad_request(
        "bad_json",
        "请求内容不是有效的 JSON 或格式不符".into(),
        r.body_text(),
    )
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = api.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "CaseDesk hub",
        description = "信用交通办案工作台 sync hub: login, push of mutations, pull of changes, ingest of platform alarms, the supervisor's attention list, the permit desk's applications and daily draw. See docs/sync-protocol.md."
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Access and refresh tokens"),
        (name = "sync", description = "Push mutations, pull changes"),
        (name = "ingest", description = "The provincial platform's alarms become work orders"),
        (name = "evidence", description = "Resumable evidence upload, verified by SHA-256; download with Range"),
        (name = "attention", description = "The supervisor's attention list: refused work kept for a decision"),
        (name = "permit", description = "The permit desk: carriers' applications with their files, the day's commitment, closure and draw")
    )
)]
struct ApiDoc;

/// The routes and the OpenAPI document generated from them.
fn routes() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(crate::auth::login))
        .routes(routes!(crate::auth::refresh))
        .routes(routes!(crate::push::push))
        .routes(routes!(crate::pull::changes))
        .routes(routes!(crate::pull::order))
        .routes(routes!(crate::ingest::post_ingest))
        .routes(routes!(crate::evidence::create_upload))
        .routes(routes!(
            crate::evidence::upload_chunk,
            crate::evidence::upload_offset
        ))
        .routes(routes!(crate::evidence::download))
        .routes(routes!(crate::attention::list))
        .routes(routes!(crate::attention::resolve))
        .routes(routes!(crate::permit::post_application))
        .routes(routes!(crate::permit::get_day))
        .routes(routes!(crate::permit::close_day))
        .routes(routes!(crate::permit::list_dishonest))
        .routes(routes!(crate::permit::repair_dishonest))
        .routes(routes!(
            crate::permit::put_carrier,
            crate::permit::get_carrier
        ))
        .split_for_parts()
}

/// The OpenAPI document of this hub, as `GET /api/v1/openapi.json` serves it.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().1
}

/// The hub's whole HTTP application, without an evidence store (its endpoints answer 503).
pub fn app(store: Arc<dyn HubStore>, config: HubConfig) -> Router {
    build(store, config, None)
}

/// The hub's whole HTTP application, keeping evidence in `evidence`.
pub fn app_with_evidence(
    store: Arc<dyn HubStore>,
    config: HubConfig,
    evidence: crate::evidence::EvidenceBucket,
) -> Router {
    build(store, config, Some(Arc::new(evidence)))
}

fn build(
    store: Arc<dyn HubStore>,
    config: HubConfig,
    evidence: Option<Arc<crate::evidence::EvidenceBucket>>,
) -> Router {
    let (router, doc) = routes();
    let doc = Arc::new(doc);
    let limit = config.body_limit_bytes;
    router
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || {
                let doc = doc.clone();
                async move { Json(doc.as_ref().clone()) }
            }),
        )
        .layer(DefaultBodyLimit::max(limit))
        .with_state(AppState {
            store,
            config: Arc::new(config),
            evidence,
        })
}
