//! `GET /api/v1/changes`: pages of what changed after a checkpoint, within the caller's
//! jurisdiction; and `GET /api/v1/orders/{order_no}`: one order (403 outside it).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use casedesk_wire::{OrderChange, PullQuery, PullResponse, DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT};

use crate::api::{ApiError, AppState};
use crate::auth::AuthUser;
use crate::storage::sqlite::order_wire;

#[utoipa::path(
    get,
    path = "/api/v1/changes",
    params(PullQuery),
    responses(
        (status = 200, description = "A page of changes and the next checkpoint", body = PullResponse),
        (status = 400, description = "Bad query", body = casedesk_wire::ErrorBody),
        (status = 401, description = "No valid access token", body = casedesk_wire::ErrorBody),
    ),
    security(("bearer" = [])),
    tag = "sync"
)]
pub async fn changes(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    query: Result<Query<PullQuery>, QueryRejection>,
) -> Result<Json<PullResponse>, ApiError> {
    let Query(q) = query
        .map_err(|e| ApiError::bad_request("bad_query", "查询参数有误".into(), e.body_text()))?;
    if q.after < 0 {
        return Err(ApiError::bad_request(
            "bad_query",
            "after 不能为负数".into(),
            "after must not be negative".into(),
        ));
    }
    let limit = q
        .limit
        .unwrap_or(DEFAULT_PULL_LIMIT)
        .clamp(1, MAX_PULL_LIMIT);
    let page = state
        .store
        .changes(q.after, limit, &user.jurisdiction)
        .await?;
    Ok(Json(PullResponse {
        changes: page.changes,
        next_checkpoint: page.next_checkpoint,
        has_more: page.has_more,
    }))
}

#[utoipa::path(
    get,
    path = "/api/v1/orders/{order_no}",
    params(("order_no" = String, Path, description = "The work order's number")),
    responses(
        (status = 200, description = "The order as the hub knows it", body = OrderChange),
        (status = 401, description = "No valid access token", body = casedesk_wire::ErrorBody),
        (status = 403, description = "Outside the caller's jurisdiction", body = casedesk_wire::ErrorBody),
        (status = 404, description = "No such order", body = casedesk_wire::ErrorBody),
    ),
    security(("bearer" = [])),
    tag = "sync"
)]
pub async fn order(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(order_no): Path<String>,
) -> Result<Json<OrderChange>, ApiError> {
    let order = state
        .store
        .order(&order_no)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !user.jurisdiction.covers_county(&order.state.county_code) {
        return Err(ApiError::Forbidden(order_no));
    }
    Ok(Json(order_wire(order)))
}
