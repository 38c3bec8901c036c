//! `POST /api/v1/push`: a batch of the desk's mutations, each decided at most once.
//!
//! Each mutation is decided by [`decide`] on the hub's state of the entity (left by the ones
//! before it): `lifecycle::apply` for an order, `whitelist::decide` for a whitelist entry,
//! [`crate::permit::decide_application`] for a permit application's review or its clock, with
//! the user's role and jurisdiction. The store's [`crate::storage::HubStore::apply_mutations`]
//! commits the whole batch in one transaction on SQLite, each mutation on its own on
//! PostgreSQL. The answer is one result per mutation, in order. A storage failure stops the
//! batch with 500: on SQLite nothing of it is kept and the retry decides it again; on
//! PostgreSQL what was decided before it is committed and answered again on the retry.

use std::sync::OnceLock;

use axum::extract::State;
use axum::Json;
use casedesk_domain::action::EvidenceRef;
use casedesk_domain::text::TextError;
use casedesk_domain::whitelist::{self, WhitelistError};
use casedesk_domain::{
    apply, Actor, Catalog, OrderAction, Situation, TransitionError, WorkingCalendar,
};
use casedesk_wire::{
    Mutation, MutationResult, OrderStateWire, PayloadError, PushRequest, PushResponse, Rejection,
    RejectionCode as Code, MAX_PUSH_BATCH,
};
use sha2::{Digest, Sha256};

use crate::api::{ApiError, ApiJson, AppState};
use crate::auth::AuthUser;
use crate::jurisdiction::Jurisdiction;
use crate::storage::{Decision, Loaded, MutationContext, OrderRecord, StoreError, WhitelistRow};

pub(crate) fn calendar() -> &'static WorkingCalendar {
    static CALENDAR: OnceLock<WorkingCalendar> = OnceLock::new();
    CALENDAR.get_or_init(WorkingCalendar::embedded)
}

/// The refusal of a mutation id that comes back asking something else.
pub fn reused_id() -> Rejection {
    Rejection::new(
        Code::MutationIdReused,
        [],
        "该变更编号已用于另一项操作".into(),
        "this mutation id was already used for a different action".into(),
    )
}

/// What a mutation asks, hashed: a retry must ask exactly the same.
pub fn digest(m: &Mutation) -> String {
    let canonical = serde_json::json!([m.entity.code(), m.entity_key, m.action, m.payload]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

pub(crate) fn payload_rejection(e: PayloadError) -> Rejection {
    match e {
        PayloadError::Unreadable(detail) => Rejection::new(
            Code::BadPayload,
            [("detail", detail.clone())],
            format!("操作内容无法识别：{detail}"),
            format!("the payload is not a valid action: {detail}"),
        ),
        PayloadError::CodeMismatch { code, payload } => Rejection::new(
            Code::ActionMismatch,
            [("sent", code.clone()), ("payload", payload.clone())],
            format!("操作代码 {code} 与内容 {payload} 不一致"),
            format!("the action code {code} does not match the payload's {payload}"),
        ),
        PayloadError::WrongEntity => Rejection::new(
            Code::WrongEntity,
            [],
            "操作与对象类型不符".into(),
            "the action does not belong to this kind of entity".into(),
        ),
    }
}

/// The code of a named value, as its parameter carries it (`submitted`, `county_officer`).
pub(crate) fn code_of<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn text_rejection(t: &TextError) -> Rejection {
    let field = match t {
        TextError::Empty { field }
        | TextError::TooLong { field, .. }
        | TextError::ControlCharacter { field, .. } => *field,
    };
    Rejection::new(
        Code::InvalidText,
        [("field", code_of(&field))],
        format!("填写内容不符合要求：{t}"),
        t.to_string(),
    )
}

/// A refusal by the state machine of the order `order_no`, in both languages (English from the
/// domain's own wording).
pub fn transition_rejection(order_no: &str, e: &TransitionError) -> Rejection {
    let en = e.to_string();
    let no = || ("order_no", order_no.to_string());
    match e {
        TransitionError::NotAllowed { role, from, action } => Rejection::new(
            Code::NotAllowed,
            [
                no(),
                ("status", code_of(from)),
                ("role", code_of(role)),
                ("action", code_of(action)),
            ],
            format!(
                "{}在工单{}时不能{}",
                role.name_zh(),
                from.name_zh(),
                action.name_zh()
            ),
            en,
        ),
        TransitionError::NotClaimant { claimant, .. } => Rejection::new(
            Code::NotClaimant,
            [no(), ("claimant", claimant.clone())],
            format!("工单已由 {claimant} 认领，只有认领人可以办理"),
            en,
        ),
        TransitionError::OutsideJurisdiction { .. } => outside(order_no),
        TransitionError::Whitelisted { plate, kind } => Rejection::new(
            Code::Whitelisted,
            [("plate", plate.clone()), ("kind", code_of(kind))],
            format!(
                "车辆 {plate} 在白名单内（{}），需监管负责人书面指令方可布控",
                kind.name_zh()
            ),
            en,
        ),
        TransitionError::NotWhitelisted { plate } => Rejection::new(
            Code::NotWhitelisted,
            [("plate", plate.clone())],
            format!("车辆 {plate} 不在白名单内，无需指令"),
            en,
        ),
        TransitionError::Text(t) => text_rejection(t),
        TransitionError::DateInPast { date, today } => Rejection::new(
            Code::DateInPast,
            [("date", date.clone()), ("today", today.clone())],
            format!("日期 {date} 早于今天（{today}）"),
            en,
        ),
        TransitionError::DateTooFar { date, latest } => Rejection::new(
            Code::DateTooFar,
            [("date", date.clone()), ("latest", latest.clone())],
            format!("日期 {date} 超过两年（最晚 {latest}）"),
            en,
        ),
        TransitionError::NoRectificationRecorded => Rejection::new(
            Code::NoRectification,
            [no()],
            "提交抽查前须先记录整改".into(),
            en,
        ),
        TransitionError::MethodHasOwnAction { method } => Rejection::new(
            Code::MethodHasOwnAction,
            [],
            format!("{method} 须使用专门的操作记录"),
            en,
        ),
        TransitionError::UnknownCounty { code } => Rejection::new(
            Code::UnknownCounty,
            [("county_code", code.clone())],
            format!("{code} 不是河南省的县区"),
            en,
        ),
    }
}

fn whitelist_rejection(plate: &str, e: &WhitelistError) -> Rejection {
    let en = e.to_string();
    match e {
        WhitelistError::NotSupervisor => Rejection::new(
            Code::NotSupervisor,
            [],
            "只有监管负责人可以审批白名单".into(),
            en,
        ),
        WhitelistError::WrongStatus { status, action } => Rejection::new(
            Code::WrongStatus,
            [("plate", plate.to_string())],
            format!("白名单状态为 {}，不能执行该操作（{action}）", status.code()),
            en,
        ),
        WhitelistError::AlreadyListed { plate } => Rejection::new(
            Code::AlreadyListed,
            [("plate", plate.clone())],
            format!("车辆 {plate} 已有待审批或有效的白名单"),
            en,
        ),
        WhitelistError::NotAddable { kind } => Rejection::new(
            Code::NotAddable,
            [("kind", code_of(kind))],
            "该类白名单由拦截规则提出，不能手工添加".into(),
            en,
        ),
        WhitelistError::EventDetailsRequired => Rejection::new(
            Code::EventDetailsRequired,
            [],
            "大型活动租用车辆须填写活动名称和结束日期".into(),
            en,
        ),
        WhitelistError::EndsBeforeItBegins { from, until } => Rejection::new(
            Code::EndsBeforeItBegins,
            [("from", from.to_string()), ("until", until.to_string())],
            format!("结束日期 {until} 早于开始日期 {from}"),
            en,
        ),
        WhitelistError::DateOutOfRange { date, .. } => Rejection::new(
            Code::DateOutOfRange,
            [("date", date.to_string())],
            format!("日期 {date} 超出允许范围"),
            en,
        ),
        WhitelistError::Text(t) => text_rejection(t),
    }
}

pub(crate) fn outside(key: &str) -> Rejection {
    Rejection::new(
        Code::OutsideJurisdiction,
        [("key", key.to_string())],
        format!("{key} 不在您的辖区内"),
        format!("{key} is outside your jurisdiction"),
    )
}

/// The kind of the vehicle's whitelist entry in force on `today` where an order of `county`
/// is: an entry holds in the division that decided it and below (the city's or the province's).
pub fn whitelist_in_force(
    entries: &[WhitelistRow],
    county: &str,
    today: chrono::NaiveDate,
) -> Option<casedesk_domain::WhitelistKind> {
    entries
        .iter()
        .filter(|w| county.starts_with(&w.division))
        .find(|w| w.entry.in_force(today))
        .map(|w| w.entry.kind)
}

/// Decides one mutation on the state the store loaded under its write lock. Pure: the same
/// inputs give the same decision on SQLite and PostgreSQL.
pub fn decide(ctx: &MutationContext, loaded: &Loaded) -> Decision {
    let result = match loaded {
        Loaded::Order {
            order,
            whitelist,
            missing_evidence,
        } => decide_order(ctx, order.as_deref(), whitelist, missing_evidence),
        Loaded::Whitelist { plate_entries } => decide_whitelist(ctx, plate_entries),
        Loaded::Application {
            application,
            day_closed,
        } => crate::permit::decide_application(ctx, application.as_deref(), *day_closed),
    };
    result.unwrap_or_else(Decision::Reject)
}

/// The evidence files a mutation's action names (a rectification's photos): the hub applies it
/// only once it holds each of them for the order (uploaded before the mutation is sent).
pub fn named_evidence(m: &Mutation) -> Vec<EvidenceRef> {
    match m.order_action() {
        Ok(OrderAction::RecordRectification { evidence, .. }) => evidence,
        _ => Vec::new(),
    }
}

fn decide_order(
    ctx: &MutationContext,
    order: Option<&OrderRecord>,
    whitelist: &[WhitelistRow],
    missing_evidence: &[EvidenceRef],
) -> Result<Decision, Rejection> {
    let m = &ctx.mutation;
    let action = m.order_action().map_err(payload_rejection)?;
    let Some(order) = order else {
        return Err(Rejection::new(
            Code::UnknownEntity,
            [("key", m.entity_key.clone())],
            format!("工单 {} 不存在", m.entity_key),
            format!("there is no work order {}", m.entity_key),
        ));
    };
    let user = &ctx.user;
    let county = order.state.county_code.as_str();
    if !user.jurisdiction.covers_county(county) {
        return Err(outside(&m.entity_key));
    }
    // The claim race: the first claim to reach the hub won; the loser learns who has it.
    if action == OrderAction::Claim {
        if let Some(holder) = &order.state.claimed_by {
            if holder != &user.username {
                return Err(Rejection::new(
                    Code::ClaimedByOther,
                    [
                        ("order_no", m.entity_key.clone()),
                        ("holder", holder.clone()),
                    ],
                    format!("工单 {} 已被 {holder} 认领", m.entity_key),
                    format!("work order {} is already claimed by {holder}", m.entity_key),
                ));
            }
        }
    }
    let sit = Situation {
        now: ctx.now,
        calendar: calendar(),
        clocks: Catalog::embedded().clocks(),
        plate: &order.facts.plate,
        whitelist: whitelist_in_force(whitelist, county, ctx.now.date()),
    };
    // The hub has checked the jurisdiction above; a city or province supervisor acts as at the
    // order's county, which `apply` maps to its city for the supervisor's rules.
    let actor_county = match &user.jurisdiction {
        Jurisdiction::County(c) => c.as_str(),
        Jurisdiction::City(_) | Jurisdiction::Province => county,
    };
    let actor = Actor {
        role: user.role,
        name: &user.username,
        county_code: actor_county,
    };
    let applied = apply(&order.state, &actor, &action, &sit)
        .map_err(|e| transition_rejection(&m.entity_key, &e))?;
    if !missing_evidence.is_empty() {
        let names = missing_evidence
            .iter()
            .map(|e| e.file_name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(Rejection::new(
            Code::EvidenceMissing,
            [
                ("order_no", m.entity_key.clone()),
                ("files", names.clone()),
            ],
            format!("上级平台尚未收到整改证据 {names}，请重新附上文件后重做"),
            format!("the hub has not received the rectification's evidence {names}; attach the files again and redo"),
        ));
    }
    let before = serde_json::json!({ "state": OrderStateWire::from(&order.state) });
    let after = serde_json::json!({
        "action": applied.action,
        "state": OrderStateWire::from(&applied.state),
    });
    Ok(Decision::Order {
        state: applied.state,
        before: before.to_string(),
        after: after.to_string(),
    })
}

fn decide_whitelist(
    ctx: &MutationContext,
    entries: &[WhitelistRow],
) -> Result<Decision, Rejection> {
    let m = &ctx.mutation;
    let action = m.whitelist_action().map_err(payload_rejection)?;
    let user = &ctx.user;
    if !user.role.rights().decide_whitelist {
        return Err(whitelist_rejection(
            &m.entity_key,
            &WhitelistError::NotSupervisor,
        ));
    }
    let plate = m.entity_key.trim();
    // The vehicle's latest entry that holds where this supervisor works.
    let current = entries
        .iter()
        .filter(|w| user.jurisdiction.sees_division(&w.division))
        .max_by_key(|w| w.id);
    let adds = matches!(action, whitelist::WhitelistAction::Add { .. });
    if let Some(c) = current {
        if !adds && !user.jurisdiction.decides_division(&c.division) {
            return Err(outside(plate));
        }
    }
    let entry = whitelist::decide(
        plate,
        current.map(|c| &c.entry),
        user.role,
        &user.username,
        &action,
        ctx.now.date(),
    )
    .map_err(|e| whitelist_rejection(plate, &e))?;
    let before = match (adds, current) {
        (false, Some(c)) => serde_json::to_string(&c.entry),
        _ => Ok("null".to_string()),
    }
    .unwrap_or_else(|_| "null".into());
    let after = serde_json::json!({ "action": action, "entry": entry }).to_string();
    Ok(Decision::Whitelist {
        id: if adds { None } else { current.map(|c| c.id) },
        division: match (adds, current) {
            (false, Some(c)) => c.division.clone(),
            _ => user.jurisdiction.code().to_string(),
        },
        entry,
        before,
        after,
    })
}

fn bad_id(m: &Mutation) -> Option<MutationResult> {
    if uuid::Uuid::parse_str(&m.mutation_id).is_ok() {
        return None;
    }
    Some(MutationResult::Rejected {
        mutation_id: m.mutation_id.clone(),
        rejection: Rejection::new(
            Code::BadMutationId,
            [],
            "变更编号不是 UUID".into(),
            "the mutation id is not a UUID".into(),
        ),
    })
}

#[utoipa::path(
    post,
    path = "/api/v1/push",
    request_body = PushRequest,
    responses(
        (status = 200, description = "One result per mutation, in order", body = PushResponse),
        (status = 400, description = "Unreadable body or too many mutations", body = casedesk_wire::ErrorBody),
        (status = 401, description = "No valid access token", body = casedesk_wire::ErrorBody),
        (status = 413, description = "Body over the limit", body = casedesk_wire::ErrorBody),
    ),
    security(("bearer" = [])),
    tag = "sync"
)]
pub async fn push(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiJson(req): ApiJson<PushRequest>,
) -> Result<Json<PushResponse>, ApiError> {
    if req.mutations.len() > MAX_PUSH_BATCH {
        return Err(ApiError::bad_request(
            "batch_too_large",
            format!("一次最多提交 {MAX_PUSH_BATCH} 条变更"),
            format!("at most {MAX_PUSH_BATCH} mutations per push"),
        ));
    }
    // Refused ids are answered in place; the rest go to the store as one batch.
    let mut answers: Vec<Option<MutationResult>> = Vec::with_capacity(req.mutations.len());
    let mut batch = Vec::new();
    for m in req.mutations {
        if let Some(refused) = bad_id(&m) {
            answers.push(Some(refused));
            continue;
        }
        answers.push(None);
        batch.push(MutationContext {
            digest: digest(&m),
            mutation: m,
            user: user.clone(),
            now: crate::clock::beijing_now(),
        });
    }
    let mut decided = state.store.apply_mutations(batch).await?.into_iter();
    let results = answers
        .into_iter()
        .map(|a| a.or_else(|| decided.next()))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| StoreError::Task("fewer results than mutations".into()))?;
    Ok(Json(PushResponse { results }))
}
