//! The supervisor's attention list: a work-order mutation refused because another officer
//! holds the order (`claimed_by_other`, `not_claimant`) is kept with what its officer
//! recorded, so the work is not lost with the refusal. The store writes the item in the same
//! transaction as the stored refusal ([`item_for`] says whether a decision makes one); a
//! supervisor of the order's city, or of the province, lists the open items
//! (`GET /api/v1/attention`) and resolves each once with a note (`POST .../resolve`, audited).

use axum::extract::{Path, State};
use axum::Json;
use casedesk_wire::{
    AttentionItem, AttentionList, AttentionResolved, Rejection, RejectionCode,
    ResolveAttentionRequest, MAX_ATTENTION_NOTE_CHARS,
};

use crate::api::{ApiError, ApiJson, AppState};
use crate::auth::AuthUser;
use crate::storage::{AttentionResolution, Loaded, MutationContext, UserRecord};

/// The refusal codes that send the officer's work to a supervisor: someone else holds the order.
pub const ROUTED_CODES: [RejectionCode; 2] =
    [RejectionCode::ClaimedByOther, RejectionCode::NotClaimant];

/// The attention item a refusal makes, if it makes one: a refused work-order mutation whose
/// code is one of [`ROUTED_CODES`], on an order the hub has. Its `id` is 0 until stored.
pub fn item_for(
    ctx: &MutationContext,
    loaded: &Loaded,
    rejection: &Rejection,
) -> Option<AttentionItem> {
    if !rejection
        .known_code()
        .is_some_and(|c| ROUTED_CODES.contains(&c))
    {
        return None;
    }
    let Loaded::Order {
        order: Some(order), ..
    } = loaded
    else {
        return None;
    };
    let m = &ctx.mutation;
    Some(AttentionItem {
        id: 0,
        order_no: order.order_no.clone(),
        county_code: order.state.county_code.clone(),
        holder: order.state.claimed_by.clone(),
        username: ctx.user.username.clone(),
        device_id: m.device_id.clone(),
        mutation_id: m.mutation_id.clone(),
        action: m.action.clone(),
        payload: m.payload.clone(),
        recorded_at: m.created_at.clone(),
        code: rejection.code.clone(),
        params: rejection.params.clone(),
        message_zh: rejection.message_zh.clone(),
        message_en: rejection.message_en.clone(),
        refused_at: crate::clock::stamp(ctx.now),
    })
}

fn supervisor_only(user: &UserRecord) -> Result<(), ApiError> {
    if user.role.rights().resolve_attention {
        return Ok(());
    }
    Err(ApiError::NotPermitted {
        zh: "只有监管负责人可以查看和处理待关注事项",
        en: "only a supervisor may see and resolve attention items",
    })
}

#[utoipa::path(
    get,
    path = "/api/v1/attention",
    responses(
        (status = 200, description = "The open items of the caller's jurisdiction, oldest first", body = AttentionList),
        (status = 401, description = "No valid access token", body = casedesk_wire::ErrorBody),
        (status = 403, description = "Not a supervisor", body = casedesk_wire::ErrorBody),
    ),
    security(("bearer" = [])),
    tag = "attention"
)]
pub async fn list(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
) -> Result<Json<AttentionList>, ApiError> {
    supervisor_only(&user)?;
    let items = state.store.open_attention(&user.jurisdiction).await?;
    Ok(Json(AttentionList { items }))
}

#[utoipa::path(
    post,
    path = "/api/v1/attention/{id}/resolve",
    params(("id" = i64, Path, description = "The attention item's id")),
    request_body = ResolveAttentionRequest,
    responses(
        (status = 200, description = "Resolved now", body = AttentionResolved),
        (status = 400, description = "Unreadable body, or an empty or over-long note", body = casedesk_wire::ErrorBody),
        (status = 401, description = "No valid access token", body = casedesk_wire::ErrorBody),
        (status = 403, description = "Not a supervisor, or the order is outside the caller's jurisdiction", body = casedesk_wire::ErrorBody),
        (status = 404, description = "No such item", body = casedesk_wire::ErrorBody),
        (status = 409, description = "Resolved before", body = casedesk_wire::ErrorBody),
    ),
    security(("bearer" = [])),
    tag = "attention"
)]
pub async fn resolve(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<ResolveAttentionRequest>,
) -> Result<Json<AttentionResolved>, ApiError> {
    supervisor_only(&user)?;
    let note = req.note.trim().to_string();
    if note.is_empty() {
        return Err(ApiError::bad_request(
            "note_required",
            "请填写处理说明".into(),
            "a resolution note is required".into(),
        ));
    }
    if note.chars().count() > MAX_ATTENTION_NOTE_CHARS {
        return Err(ApiError::bad_request(
            "note_too_long",
            format!("处理说明最多 {MAX_ATTENTION_NOTE_CHARS} 个字"),
            format!("the note is over {MAX_ATTENTION_NOTE_CHARS} characters"),
        ));
    }
    let (item, _) = state
        .store
        .attention_item(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !user.jurisdiction.covers_county(&item.county_code) {
        return Err(ApiError::Forbidden(item.order_no));
    }
    let resolution = AttentionResolution {
        id,
        username: user.username.clone(),
        device_id: req.device_id,
        note,
        at: crate::clock::stamp(crate::clock::beijing_now()),
    };
    if !state.store.resolve_attention(resolution.clone()).await? {
        return Err(ApiError::Conflict {
            code: "already_resolved",
            zh: format!("待关注事项 {id} 已处理过"),
            en: format!("attention item {id} was resolved before"),
        });
    }
    Ok(Json(AttentionResolved {
        id,
        resolved_by: resolution.username,
        resolved_at: resolution.at,
        note: resolution.note,
    }))
}
