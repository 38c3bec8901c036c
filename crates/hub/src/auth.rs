//! Login, token refresh, and the access-token check every data endpoint runs.
//!
//! Passwords are argon2id (PHC strings). Tokens are 32 random bytes; the database keeps only
//! their SHA-256, with the expiry (access) or the family and revocation (refresh), so any hub
//! instance can check them and a stolen database copy logs no one in. Failed logins are rows,
//! counted per user name and per client address over a window: the limit holds across
//! instances and restarts.

use std::net::SocketAddr;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::Json;
use casedesk_wire::{LoginRequest, RefreshRequest, TokenResponse, UserInfo};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

use crate::api::{ApiError, ApiJson, AppState};
use crate::clock::unix_now;
use crate::storage::{NewRefresh, RefreshOutcome, UserRecord};

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// An argon2id hash of `password` (default parameters: 19 MiB, 2 passes, 1 lane).
pub fn hash_password(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the user does not exist, so an unknown name costs the same
/// time as a wrong password and does not reveal which names exist.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password("casedesk-no-such-user").unwrap_or_default())
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn user_info(u: &UserRecord) -> UserInfo {
    UserInfo {
        username: u.username.clone(),
        role: u.role,
        jurisdiction: u.jurisdiction.code().to_string(),
    }
}

async fn issue_access(
    state: &AppState,
    user: &UserRecord,
    device_id: &str,
) -> Result<String, ApiError> {
    let token = new_token();
    let expires = unix_now() + state.config.access_ttl_secs as i64;
    state
        .store
        .insert_access_token(&token_hash(&token), user.id, device_id, expires)
        .await?;
    Ok(token)
}

fn tokens(state: &AppState, user: &UserRecord, access: String, refresh: String) -> TokenResponse {
    TokenResponse {
        access_token: access,
        token_type: "Bearer".into(),
        expires_in: state.config.access_ttl_secs,
        refresh_token: refresh,
        refresh_expires_in: state.config.refresh_ttl_secs,
        user: user_info(user),
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/login",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = TokenResponse),
        (status = 400, description = "Unreadable body", body = casedesk_wire::ErrorBody),
        (status = 401, description = "Wrong user name or password, or disabled", body = casedesk_wire::ErrorBody),
        (status = 429, description = "Too many failed logins for this name or client", body = casedesk_wire::ErrorBody),
    ),
    tag = "auth"
)]
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let client = peer.ip().to_string();
    let username = req.username.trim().to_string();
    let now = unix_now();
    let cfg = &state.config;
    let since = now - cfg.login_window_secs as i64;
    // Refused before the (deliberately slow) hash check, so a flood costs the hub little.
    let (by_user, by_client) = state
        .store
        .login_failures(&username, &client, since)
        .await?;
    if by_user >= cfg.max_failures_per_user || by_client >= cfg.max_failures_per_client {
        return Err(ApiError::RateLimited {
            retry_after: cfg.login_window_secs,
        });
    }
    let user = state.store.user(&username).await?;
    let hash = user
        .as_ref()
        .map_or_else(|| dummy_hash().to_string(), |u| u.password_hash.clone());
    let password = req.password;
    let verified = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let user = match user {
        Some(u) if verified && !u.disabled => u,
        _ => {
            state
                .store
                .record_login(&username, &client, now, false)
                .await?;
            return Err(ApiError::BadCredentials);
        }
    };
    state
        .store
        .record_login(&username, &client, now, true)
        .await?;
    let access = issue_access(&state, &user, &req.device_id).await?;
    let refresh = new_token();
    state
        .store
        .insert_refresh_token(NewRefresh {
            token_hash: token_hash(&refresh),
            family: uuid::Uuid::now_v7().to_string(),
            user_id: user.id,
            device_id: req.device_id.clone(),
            expires_at: now + cfg.refresh_ttl_secs as i64,
        })
        .await?;
    Ok(Json(tokens(&state, &user, access, refresh)))
}

#[utoipa::path(
    post,
    path = "/api/v1/refresh",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New access token and the next refresh token", body = TokenResponse),
        (status = 401, description = "Unknown, expired, revoked or reused refresh token", body = casedesk_wire::ErrorBody),
    ),
    tag = "auth"
)]
pub async fn refresh(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let now = unix_now();
    let next = new_token();
    let outcome = state
        .store
        .rotate_refresh_token(
            &token_hash(&req.refresh_token),
            &token_hash(&next),
            now + state.config.refresh_ttl_secs as i64,
            now,
        )
        .await?;
    match outcome {
        RefreshOutcome::Rotated { user, device_id } => {
            let access = issue_access(&state, &user, &device_id).await?;
            Ok(Json(tokens(&state, &user, access, next)))
        }
        RefreshOutcome::Invalid | RefreshOutcome::Reused => Err(ApiError::Unauthorized),
    }
}

/// The user behind a valid `Authorization: Bearer` access token; 401 otherwise.
pub struct AuthUser(pub UserRecord);

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(ApiError::Unauthorized)?;
        state
            .store
            .access_token_user(&token_hash(token), unix_now())
            .await?
            .map(AuthUser)
            .ok_or(ApiError::Unauthorized)
    }
}
