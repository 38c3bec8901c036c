//! The province's store: PostgreSQL through sqlx with runtime-checked queries (the same
//! statements as the SQLite store, in PostgreSQL's dialect). Several hub processes may share
//! the database: every writing transaction first locks its counter row (`change` for entity
//! changes, `audit` for the chain), so change numbers commit in order and the audit chain has
//! one writer at a time; a push also takes the `change` row before looking up its mutation id,
//! so two instances cannot decide the same id twice.

use async_trait::async_trait;
use casedesk_domain::InterceptionOutcome;
use casedesk_wire::{
    ApplicationChange, AttentionItem, Change, DishonestEntry, EarlierUse, Entity, MaterialFile,
    MutationResult, OrderDeparture, OrderStateWire, PermitDay,
};
use sqlx::postgres::{PgPool, PgPoolOptions, PgRow};
use sqlx::{Postgres, Row, Transaction};

use super::sqlite::with_payload;
use super::sqlite::{
    application_from, carrier_credit_from, day_from, dishonest_from, with_earlier_uses,
    APPLICATION_COLUMNS, CARRIER_CREDIT_COLUMNS, DAY_COLUMNS, DISHONEST_COLUMNS,
    EARLIER_USES_QUERY, MATERIALS_QUERY,
};
use super::sqlite::{
    departure_filter, division_filter, facts_json, order_audit, order_change, order_from, page,
    user_from, whitelist_change, whitelist_from, NewOrderRow, OrderColumns,
};
use super::{
    answer_again, evidence_audit, proposal_audit, stored_result, AlarmOrder, AuditEntry, AuditRow,
    ChangePage, ChunkRecord, Decision, EvidenceRecord, HubStore, Ingested, Loaded, MutationContext,
    NewRefresh, NewUpload, NewUser, OrderRecord, RefreshOutcome, SeedOrder, StoreError,
    UploadRecord, UploadStart, UserRecord, WhitelistRow,
};
use super::{attention_audit, AttentionResolution, ATTENTION_COLUMNS};
use super::{
    carrier_credit_audit, ApplicationTaken, DayClosure, DayRequest, NewApplication,
    NewCarrierCredit, NewDishonest,
};
use crate::audit::{link_hash, GENESIS};
use crate::jurisdiction::{city_of, Jurisdiction};

const MIGRATIONS: &[&str] = &[
    include_str!("../../../../migrations/hub/postgres/0001_init.sql"),
    include_str!("../../../../migrations/hub/postgres/0002_ingest.sql"),
    include_str!("../../../../migrations/hub/postgres/0003_evidence.sql"),
    include_str!("../../../../migrations/hub/postgres/0004_attention.sql"),
    include_str!("../../../../migrations/hub/postgres/0005_departures.sql"),
    include_str!("../../../../migrations/hub/postgres/0006_interceptions.sql"),
    include_str!("../../../../migrations/hub/postgres/0007_permits.sql"),
    include_str!("../../../../migrations/hub/postgres/0008_carrier_credit.sql"),
    include_str!("../../../../migrations/hub/postgres/0009_attention_params.sql"),
    include_str!("../../../../migrations/hub/postgres/0010_permit_reviews.sql"),
    include_str!("../../../../migrations/hub/postgres/0011_permit_pauses.sql"),
];

/// The advisory lock that keeps two hubs starting at once from migrating together.
const MIGRATION_LOCK: i64 = 0x4341_5345_4445_534b; // "CASEDESK"

pub struct PgStore {
    pool: PgPool,
}

type Tx = Transaction<'static, Postgres>;

impl PgStore {
    pub async fn open(url: &str) -> Result<PgStore, StoreError> {
        let pool = PgPoolOptions::new().max_connections(8).connect(url).await?;
        let mut tx = pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *tx)
            .await?;
        sqlx::query("CREATE TABLE IF NOT EXISTS hub_schema (version BIGINT NOT NULL)")
            .execute(&mut *tx)
            .await?;
        let version: i64 = sqlx::query_scalar("SELECT coalesce(max(version), 0) FROM hub_schema")
            .fetch_one(&mut *tx)
            .await?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(StoreError::TooNew {
                found: version,
                known,
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            sqlx::raw_sql(sql).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO hub_schema(version) VALUES ($1)")
                .bind((i + 1) as i64)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(PgStore { pool })
    }
}

fn user_row(r: &PgRow) -> Result<UserRecord, StoreError> {
    user_from((
        r.try_get("id")?,
        r.try_get("username")?,
        r.try_get("password_hash")?,
        r.try_get("role")?,
        r.try_get("jurisdiction")?,
        r.try_get("disabled")?,
    ))
}

fn order_record(r: &PgRow) -> Result<OrderRecord, StoreError> {
    order_from(OrderColumns {
        order_no: r.try_get("order_no")?,
        violation_code: r.try_get("violation_code")?,
        plate: r.try_get("plate")?,
        place: r.try_get("place")?,
        detected_at: r.try_get("detected_at")?,
        state: r.try_get("state")?,
        version: r.try_get("version")?,
        seq: r.try_get("seq")?,
        updated_at: r.try_get("updated_at")?,
        enterprise: r.try_get("enterprise")?,
        driver: r.try_get("driver")?,
    })
}

fn whitelist_record(r: &PgRow) -> Result<(WhitelistRow, String), StoreError> {
    whitelist_from((
        r.try_get("id")?,
        r.try_get("division")?,
        r.try_get("entry")?,
        r.try_get("version")?,
        r.try_get("seq")?,
        r.try_get("updated_at")?,
    ))
}

const USER_COLUMNS: &str = "id, username, password_hash, role, jurisdiction, disabled";
const ORDER_COLUMNS: &str = "order_no, violation_code, plate, place, detected_at, state, version, \
     seq, updated_at, enterprise, driver";
const WHITELIST_COLUMNS: &str = "id, division, entry, version, seq, updated_at";

async fn next_counter(tx: &mut Tx, name: &str) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("UPDATE counters SET value = value + 1 WHERE name = $1 RETURNING value")
            .bind(name)
            .fetch_one(&mut **tx)
            .await?,
    )
}

async fn insert_attention(tx: &mut Tx, a: &AttentionItem) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO attention_items(order_no, county_code, city_code, holder, username,
             device_id, mutation_id, action, payload, recorded_at, code, message_zh, message_en,
             refused_at, params)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(&a.order_no)
    .bind(&a.county_code)
    .bind(city_of(&a.county_code))
    .bind(&a.holder)
    .bind(&a.username)
    .bind(&a.device_id)
    .bind(&a.mutation_id)
    .bind(&a.action)
    .bind(a.payload.to_string())
    .bind(&a.recorded_at)
    .bind(&a.code)
    .bind(&a.message_zh)
    .bind(&a.message_en)
    .bind(&a.refused_at)
    .bind(serde_json::to_string(&a.params)?)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An attention row read with [`ATTENTION_COLUMNS`], and whether it is resolved.
fn attention_row(r: &PgRow) -> Result<(AttentionItem, bool), StoreError> {
    let payload: String = r.try_get("payload")?;
    let resolved: Option<String> = r.try_get("resolved_at")?;
    let item = AttentionItem {
        id: r.try_get("id")?,
        order_no: r.try_get("order_no")?,
        county_code: r.try_get("county_code")?,
        holder: r.try_get("holder")?,
        username: r.try_get("username")?,
        device_id: r.try_get("device_id")?,
        mutation_id: r.try_get("mutation_id")?,
        action: r.try_get("action")?,
        payload: serde_json::Value::Null,
        recorded_at: r.try_get("recorded_at")?,
        code: r.try_get("code")?,
        message_zh: r.try_get("message_zh")?,
        message_en: r.try_get("message_en")?,
        refused_at: r.try_get("refused_at")?,
        // Written by this hub from a map; an unreadable one leaves the hub's texts.
        params: serde_json::from_str(&r.try_get::<String, _>("params")?).unwrap_or_default(),
    };
    Ok((with_payload(item, &payload)?, resolved.is_some()))
}

/// Records an applied interception of `order`'s vehicle and, after a clean one, the whitelist
/// entry the rule proposes ([`crate::proposal`]), with its change number and audit row.
async fn record_interception(
    tx: &mut Tx,
    ctx: &MutationContext,
    order: &OrderRecord,
    county: &str,
    outcome: InterceptionOutcome,
    at: &str,
) -> Result<(), StoreError> {
    let plate = order.facts.plate.as_str();
    sqlx::query("INSERT INTO interceptions(plate, order_no, outcome, at) VALUES ($1, $2, $3, $4)")
        .bind(plate)
        .bind(&order.order_no)
        .bind(outcome.code())
        .bind(at)
        .execute(&mut **tx)
        .await?;
    if outcome != InterceptionOutcome::NothingFound {
        return Ok(());
    }
    let (clean, found): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE outcome = 'nothing_found'),
                count(*) FILTER (WHERE outcome = 'violation_found')
         FROM interceptions WHERE plate = $1",
    )
    .bind(plate)
    .fetch_one(&mut **tx)
    .await?;
    let states: Vec<String> = sqlx::query_scalar("SELECT state FROM work_orders WHERE plate = $1")
        .bind(plate)
        .fetch_all(&mut **tx)
        .await?;
    let confirmed_orders = crate::proposal::confirmed_orders(&states)?;
    let has_open_entry: bool = sqlx::query_scalar(
        "SELECT EXISTS(SELECT 1 FROM whitelist_entries
             WHERE plate = $1 AND status IN ('proposed', 'approved'))",
    )
    .bind(plate)
    .fetch_one(&mut **tx)
    .await?;
    let record = crate::proposal::PlateRecord {
        clean: u32::try_from(clean).unwrap_or(u32::MAX),
        found: u32::try_from(found).unwrap_or(u32::MAX),
        confirmed_orders,
        has_open_entry,
    };
    let Some(entry) = crate::proposal::after_clean_interception(order, &record, ctx.now.date())
    else {
        return Ok(());
    };
    let seq = next_counter(tx, "change").await?;
    sqlx::query(
        "INSERT INTO whitelist_entries(plate, division, status, entry, version, seq, updated_at)
         VALUES ($1, $2, $3, $4, 1, $5, $6)",
    )
    .bind(plate)
    .bind(county)
    .bind(entry.status.code())
    .bind(serde_json::to_string(&entry)?)
    .bind(seq)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    append_audit(tx, &proposal_audit(ctx, &entry, at)).await
}

async fn append_audit(tx: &mut Tx, e: &AuditEntry) -> Result<(), StoreError> {
    let id = next_counter(tx, "audit").await?;
    let prev: String = if id == 1 {
        GENESIS.to_string()
    } else {
        sqlx::query_scalar("SELECT hash FROM audit_log WHERE id = $1")
            .bind(id - 1)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("audit row {} is missing", id - 1)))?
    };
    let hash = link_hash(
        id,
        &e.at,
        &e.username,
        &e.device_id,
        &e.action,
        &e.entity,
        &e.entity_key,
        e.mutation_id.as_deref(),
        &e.before,
        &e.after,
        &prev,
    );
    sqlx::query(
        "INSERT INTO audit_log(id, at, username, device_id, action, entity, entity_key,
             mutation_id, before, after, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(id)
    .bind(&e.at)
    .bind(&e.username)
    .bind(&e.device_id)
    .bind(&e.action)
    .bind(&e.entity)
    .bind(&e.entity_key)
    .bind(&e.mutation_id)
    .bind(&e.before)
    .bind(&e.after)
    .bind(&prev)
    .bind(&hash)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn admin_audit(action: &str, username: &str, at: &str, after: String) -> AuditEntry {
    AuditEntry {
        at: at.to_string(),
        username: "admin-cli".into(),
        device_id: String::new(),
        action: action.to_string(),
        entity: "user".into(),
        entity_key: username.to_string(),
        mutation_id: None,
        before: "null".into(),
        after,
    }
}

/// Inserts a new order row (version 1); false when its number is taken.
async fn insert_order_row(tx: &mut Tx, o: &NewOrderRow<'_>) -> Result<bool, StoreError> {
    let inserted = sqlx::query(
        "INSERT INTO work_orders(order_no, violation_code, plate, place, detected_at,
             county_code, city_code, status, claimed_by, state, version, seq, updated_at,
             alarm_id, enterprise, driver)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $16, $11, $12, $13, $14, $15)
         ON CONFLICT (order_no) DO NOTHING",
    )
    .bind(o.order_no)
    .bind(&o.facts.violation_code)
    .bind(&o.facts.plate)
    .bind(&o.facts.place)
    .bind(&o.facts.detected_at)
    .bind(&o.state.county_code)
    .bind(city_of(&o.state.county_code))
    .bind(o.state.status.code())
    .bind(&o.state.claimed_by)
    .bind(serde_json::to_string(&OrderStateWire::from(o.state))?)
    .bind(o.seq)
    .bind(o.at)
    .bind(o.alarm_id)
    .bind(facts_json(&o.facts.enterprise)?)
    .bind(facts_json(&o.facts.driver)?)
    .bind(o.version)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

async fn whitelist_rows(tx: &mut Tx, plate: &str) -> Result<Vec<WhitelistRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {WHITELIST_COLUMNS} FROM whitelist_entries WHERE plate = $1 ORDER BY id"
    ))
    .bind(plate)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|r| whitelist_record(r).map(|(w, _)| w))
        .collect()
}

async fn user_id(tx: &mut Tx, username: &str) -> Result<Option<i64>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM users WHERE username = $1 FOR UPDATE")
            .bind(username)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

async fn revoke_tokens(tx: &mut Tx, user_id: i64) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM access_tokens WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE refresh_tokens SET revoked = 1 WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[async_trait]
impl HubStore for PgStore {
    fn engine(&self) -> &'static str {
        "postgres"
    }

    async fn add_user(&self, user: NewUser, at: &str) -> Result<UserRecord, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO users(username, password_hash, role, jurisdiction, disabled, created_at)
             VALUES ($1, $2, $3, $4, 0, $5) ON CONFLICT (username) DO NOTHING RETURNING id",
        )
        .bind(&user.username)
        .bind(&user.password_hash)
        .bind(user.role.code())
        .bind(user.jurisdiction.code())
        .bind(at)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else {
            return Err(StoreError::Conflict(format!(
                "user {} already exists",
                user.username
            )));
        };
        let after = serde_json::json!({
            "role": user.role.code(),
            "jurisdiction": user.jurisdiction.code(),
        });
        append_audit(
            &mut tx,
            &admin_audit("user_add", &user.username, at, after.to_string()),
        )
        .await?;
        tx.commit().await?;
        Ok(UserRecord {
            id,
            username: user.username,
            password_hash: user.password_hash,
            role: user.role,
            jurisdiction: user.jurisdiction,
            disabled: false,
        })
    }

    async fn user(&self, username: &str) -> Result<Option<UserRecord>, StoreError> {
        sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE username = $1"
        ))
        .bind(username)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(user_row)
        .transpose()
    }

    async fn list_users(&self) -> Result<Vec<UserRecord>, StoreError> {
        sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY username"
        ))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(user_row)
        .collect()
    }

    async fn set_password(&self, username: &str, hash: &str, at: &str) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let Some(id) = user_id(&mut tx, username).await? else {
            return Ok(false);
        };
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        revoke_tokens(&mut tx, id).await?;
        append_audit(
            &mut tx,
            &admin_audit("user_passwd", username, at, "null".into()),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn set_disabled(
        &self,
        username: &str,
        disabled: bool,
        at: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let Some(id) = user_id(&mut tx, username).await? else {
            return Ok(false);
        };
        sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(i64::from(disabled))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if disabled {
            revoke_tokens(&mut tx, id).await?;
        }
        let action = if disabled {
            "user_disable"
        } else {
            "user_enable"
        };
        append_audit(&mut tx, &admin_audit(action, username, at, "null".into())).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn login_failures(
        &self,
        username: &str,
        client: &str,
        since: i64,
    ) -> Result<(u32, u32), StoreError> {
        let by_user: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM login_attempts WHERE username = $1 AND at >= $2 AND ok = 0
               AND id > coalesce((SELECT max(id) FROM login_attempts
                                  WHERE username = $1 AND ok = 1), 0)",
        )
        .bind(username)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        let by_client: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM login_attempts WHERE client = $1 AND at >= $2 AND ok = 0",
        )
        .bind(client)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        Ok((by_user as u32, by_client as u32))
    }

    async fn record_login(
        &self,
        username: &str,
        client: &str,
        at: i64,
        ok: bool,
    ) -> Result<(), StoreError> {
        // Rows older than a day count for nothing (see the SQLite store).
        sqlx::query("DELETE FROM login_attempts WHERE (username = $1 OR client = $2) AND at < $3")
            .bind(username)
            .bind(client)
            .bind(at - 86_400)
            .execute(&self.pool)
            .await?;
        sqlx::query("INSERT INTO login_attempts(username, client, at, ok) VALUES ($1, $2, $3, $4)")
            .bind(username)
            .bind(client)
            .bind(at)
            .bind(i64::from(ok))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn insert_access_token(
        &self,
        token_hash: &str,
        user_id: i64,
        device_id: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM access_tokens WHERE expires_at < $1")
            .bind(expires_at - 86_400)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO access_tokens(token_hash, user_id, device_id, expires_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(device_id)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn access_token_user(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<UserRecord>, StoreError> {
        sqlx::query(
            "SELECT u.id, u.username, u.password_hash, u.role, u.jurisdiction, u.disabled
             FROM access_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND t.expires_at > $2 AND u.disabled = 0",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(user_row)
        .transpose()
    }

    async fn insert_refresh_token(&self, t: NewRefresh) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO refresh_tokens(token_hash, family, user_id, device_id, expires_at, revoked)
             VALUES ($1, $2, $3, $4, $5, 0)",
        )
        .bind(&t.token_hash)
        .bind(&t.family)
        .bind(t.user_id)
        .bind(&t.device_id)
        .bind(t.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn rotate_refresh_token(
        &self,
        old_hash: &str,
        new_hash: &str,
        new_expires_at: i64,
        now: i64,
    ) -> Result<RefreshOutcome, StoreError> {
        let mut tx = self.pool.begin().await?;
        // FOR UPDATE: two instances presented the same token at once rotate it only once.
        let row = sqlx::query(
            "SELECT family, user_id, device_id, expires_at, revoked
             FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE",
        )
        .bind(old_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(RefreshOutcome::Invalid);
        };
        let family: String = row.try_get("family")?;
        let user_id: i64 = row.try_get("user_id")?;
        let device_id: String = row.try_get("device_id")?;
        let expires_at: i64 = row.try_get("expires_at")?;
        let revoked: i64 = row.try_get("revoked")?;
        if revoked != 0 {
            sqlx::query("UPDATE refresh_tokens SET revoked = 1 WHERE family = $1")
                .bind(&family)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            return Ok(RefreshOutcome::Reused);
        }
        let user = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?
            .as_ref()
            .map(user_row)
            .transpose()?;
        let user = match user {
            Some(u) if !u.disabled && expires_at > now => u,
            _ => return Ok(RefreshOutcome::Invalid),
        };
        sqlx::query("UPDATE refresh_tokens SET revoked = 1 WHERE token_hash = $1")
            .bind(old_hash)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO refresh_tokens(token_hash, family, user_id, device_id, expires_at, revoked)
             VALUES ($1, $2, $3, $4, $5, 0)",
        )
        .bind(new_hash)
        .bind(&family)
        .bind(user_id)
        .bind(&device_id)
        .bind(new_expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(RefreshOutcome::Rotated { user, device_id })
    }

    async fn insert_order(
        &self,
        order: &SeedOrder,
        by: &str,
        at: &str,
    ) -> Result<OrderRecord, StoreError> {
        let mut tx = self.pool.begin().await?;
        let seq = next_counter(&mut tx, "change").await?;
        let new = NewOrderRow {
            order_no: &order.order_no,
            facts: &order.facts,
            state: &order.state,
            alarm_id: None,
            version: order.version,
            seq,
            at,
        };
        if !insert_order_row(&mut tx, &new).await? {
            return Err(StoreError::Conflict(format!(
                "work order {} already exists",
                order.order_no
            )));
        }
        let after = serde_json::json!({
            "facts": order.facts,
            "state": OrderStateWire::from(&order.state),
        });
        append_audit(
            &mut tx,
            &order_audit("order_create", &order.order_no, by, "", at, after),
        )
        .await?;
        tx.commit().await?;
        Ok(OrderRecord {
            order_no: order.order_no.clone(),
            facts: order.facts.clone(),
            state: order.state.clone(),
            version: order.version,
            seq,
            updated_at: at.to_string(),
        })
    }

    async fn ingest_order(&self, alarm: AlarmOrder) -> Result<Ingested, StoreError> {
        let mut tx = self.pool.begin().await?;
        // The write lock (see the module's comment): two hubs ingesting the same alarm at once
        // take turns, and the second finds the first's order.
        sqlx::query("SELECT value FROM counters WHERE name = 'change' FOR UPDATE")
            .execute(&mut *tx)
            .await?;
        let seen: Option<String> =
            sqlx::query_scalar("SELECT order_no FROM work_orders WHERE alarm_id = $1")
                .bind(&alarm.alarm_id)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(order_no) = seen {
            return Ok(Ingested::Duplicate { order_no });
        }
        let whitelisted = crate::push::whitelist_in_force(
            &whitelist_rows(&mut tx, &alarm.facts.plate).await?,
            &alarm.state.county_code,
            alarm.now.date(),
        );
        let seq = next_counter(&mut tx, "change").await?;
        let order_no = crate::ingest::order_no(&alarm.facts.detected_at, seq);
        let at = crate::clock::stamp(alarm.now);
        let new = NewOrderRow {
            order_no: &order_no,
            facts: &alarm.facts,
            state: &alarm.state,
            alarm_id: Some(&alarm.alarm_id),
            version: 1,
            seq,
            at: &at,
        };
        if !insert_order_row(&mut tx, &new).await? {
            return Err(StoreError::Conflict(format!(
                "work order {order_no} already exists"
            )));
        }
        let after = crate::ingest::audit_after(&alarm, whitelisted);
        append_audit(
            &mut tx,
            &order_audit("ingest", &order_no, &alarm.by, &alarm.device_id, &at, after),
        )
        .await?;
        tx.commit().await?;
        Ok(Ingested::Created {
            order: Box::new(OrderRecord {
                order_no,
                facts: alarm.facts,
                state: alarm.state,
                version: 1,
                seq,
                updated_at: at,
            }),
            whitelisted,
        })
    }

    async fn order(&self, order_no: &str) -> Result<Option<OrderRecord>, StoreError> {
        sqlx::query(&format!(
            "SELECT {ORDER_COLUMNS} FROM work_orders WHERE order_no = $1"
        ))
        .bind(order_no)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(order_record)
        .transpose()
    }

    async fn apply_mutation(&self, ctx: MutationContext) -> Result<MutationResult, StoreError> {
        let mut tx = self.pool.begin().await?;
        // The write lock of all pushes (see the module's comment).
        sqlx::query("SELECT value FROM counters WHERE name = 'change' FOR UPDATE")
            .execute(&mut *tx)
            .await?;
        let m = &ctx.mutation;
        let seen =
            sqlx::query("SELECT result, digest FROM applied_mutations WHERE mutation_id = $1")
                .bind(&m.mutation_id)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(row) = seen {
            let stored: String = row.try_get("result")?;
            let stored_digest: String = row.try_get("digest")?;
            return answer_again(&m.mutation_id, &stored, &stored_digest, &ctx.digest);
        }
        let key = m.entity_key.trim();
        let loaded = match m.entity {
            Entity::WorkOrder => {
                let order = sqlx::query(&format!(
                    "SELECT {ORDER_COLUMNS} FROM work_orders WHERE order_no = $1"
                ))
                .bind(key)
                .fetch_optional(&mut *tx)
                .await?
                .as_ref()
                .map(order_record)
                .transpose()?
                .map(Box::new);
                let whitelist = match &order {
                    Some(o) => whitelist_rows(&mut tx, &o.facts.plate).await?,
                    None => Vec::new(),
                };
                let mut missing_evidence = Vec::new();
                for e in crate::push::named_evidence(m) {
                    let held: bool = sqlx::query_scalar(
                        "SELECT EXISTS(SELECT 1 FROM evidence_orders
                             WHERE sha256 = $1 AND order_no = $2)",
                    )
                    .bind(&e.hash)
                    .bind(key)
                    .fetch_one(&mut *tx)
                    .await?;
                    if !held {
                        missing_evidence.push(e);
                    }
                }
                Loaded::Order {
                    order,
                    whitelist,
                    missing_evidence,
                }
            }
            Entity::Whitelist => Loaded::Whitelist {
                plate_entries: whitelist_rows(&mut tx, key).await?,
            },
            Entity::PermitApplication => {
                let application = application_by_id(&mut tx, key).await?;
                let day_closed = match &application {
                    Some(a) => day_row(&mut tx, &a.submission.service_point, &a.day)
                        .await?
                        .is_some_and(|(d, _)| d.closed_at.is_some()),
                    None => false,
                };
                Loaded::Application {
                    application: application.map(Box::new),
                    day_closed,
                }
            }
        };
        let at = crate::clock::stamp(ctx.now);
        let audit = |before: String, after: String| AuditEntry {
            at: at.clone(),
            username: ctx.user.username.clone(),
            device_id: m.device_id.clone(),
            action: m.action.clone(),
            entity: m.entity.code().into(),
            entity_key: key.to_string(),
            mutation_id: Some(m.mutation_id.clone()),
            before,
            after,
        };
        let result = match crate::push::decide(&ctx, &loaded) {
            Decision::Reject(rejection) => {
                if let Some(item) = crate::attention::item_for(&ctx, &loaded, &rejection) {
                    insert_attention(&mut tx, &item).await?;
                }
                MutationResult::Rejected {
                    mutation_id: m.mutation_id.clone(),
                    rejection,
                }
            }
            Decision::Order {
                state,
                before,
                after,
            } => {
                let seq = next_counter(&mut tx, "change").await?;
                let version: i64 = sqlx::query_scalar(
                    "UPDATE work_orders SET county_code = $1, city_code = $2, status = $3,
                         claimed_by = $4, state = $5, version = version + 1, seq = $6,
                         updated_at = $7
                     WHERE order_no = $8 RETURNING version",
                )
                .bind(&state.county_code)
                .bind(city_of(&state.county_code))
                .bind(state.status.code())
                .bind(&state.claimed_by)
                .bind(serde_json::to_string(&OrderStateWire::from(&state))?)
                .bind(seq)
                .bind(&at)
                .bind(key)
                .fetch_one(&mut *tx)
                .await?;
                if let Some(left) = loaded.county_left(&state) {
                    sqlx::query(
                        "INSERT INTO order_departures(seq, order_no, county_code, city_code)
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(seq)
                    .bind(key)
                    .bind(left)
                    .bind(city_of(left))
                    .execute(&mut *tx)
                    .await?;
                }
                append_audit(&mut tx, &audit(before, after)).await?;
                if let (Some(outcome), Some(order)) =
                    (crate::proposal::interception(m), loaded.order())
                {
                    record_interception(&mut tx, &ctx, order, &state.county_code, outcome, &at)
                        .await?;
                }
                MutationResult::Applied {
                    mutation_id: m.mutation_id.clone(),
                    new_version: version,
                }
            }
            Decision::Whitelist {
                id,
                division,
                entry,
                before,
                after,
            } => {
                let seq = next_counter(&mut tx, "change").await?;
                let json = serde_json::to_string(&entry)?;
                let version: i64 = match id {
                    Some(id) => {
                        sqlx::query_scalar(
                            "UPDATE whitelist_entries SET status = $1, entry = $2,
                                 version = version + 1, seq = $3, updated_at = $4
                             WHERE id = $5 RETURNING version",
                        )
                        .bind(entry.status.code())
                        .bind(&json)
                        .bind(seq)
                        .bind(&at)
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await?
                    }
                    None => {
                        sqlx::query_scalar(
                            "INSERT INTO whitelist_entries(plate, division, status, entry,
                                 version, seq, updated_at)
                             VALUES ($1, $2, $3, $4, 1, $5, $6) RETURNING version",
                        )
                        .bind(&entry.plate)
                        .bind(&division)
                        .bind(entry.status.code())
                        .bind(&json)
                        .bind(seq)
                        .bind(&at)
                        .fetch_one(&mut *tx)
                        .await?
                    }
                };
                append_audit(&mut tx, &audit(before, after)).await?;
                MutationResult::Applied {
                    mutation_id: m.mutation_id.clone(),
                    new_version: version,
                }
            }
            Decision::Application {
                review,
                pauses,
                before,
                after,
            } => {
                let seq = next_counter(&mut tx, "change").await?;
                let version: i64 = sqlx::query_scalar(
                    "UPDATE permit_applications SET review = $1, verdict = $2, pauses = $3,
                         version = version + 1, seq = $4, updated_at = $5
                     WHERE application_id = $6 RETURNING version",
                )
                .bind(review.as_ref().map(serde_json::to_string).transpose()?)
                .bind(review.as_ref().map(|r| r.review.verdict.code()))
                .bind(serde_json::to_string(&pauses)?)
                .bind(seq)
                .bind(&at)
                .bind(key)
                .fetch_one(&mut *tx)
                .await?;
                append_audit(&mut tx, &audit(before, after)).await?;
                MutationResult::Applied {
                    mutation_id: m.mutation_id.clone(),
                    new_version: version,
                }
            }
        };
        sqlx::query(
            "INSERT INTO applied_mutations(mutation_id, digest, user_id, device_id, entity,
                 entity_key, action, result, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&m.mutation_id)
        .bind(&ctx.digest)
        .bind(ctx.user.id)
        .bind(&m.device_id)
        .bind(m.entity.code())
        .bind(key)
        .bind(&m.action)
        .bind(stored_result(&result)?)
        .bind(&at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(result)
    }

    async fn changes(
        &self,
        after: i64,
        limit: u32,
        scope: &Jurisdiction,
    ) -> Result<ChangePage, StoreError> {
        // READ COMMITTED: every number up to the counter read here belongs to a committed row
        // (writers hold the counter row until they commit), so later statements see them all.
        let mut conn = self.pool.acquire().await?;
        let top: i64 = sqlx::query_scalar("SELECT value FROM counters WHERE name = 'change'")
            .fetch_one(&mut *conn)
            .await?;
        let fetch = i64::from(limit) + 1;
        let order_filter = match scope {
            Jurisdiction::Province => "$3 = $3",
            Jurisdiction::City(_) => "city_code = $3",
            Jurisdiction::County(_) => "county_code = $3",
        };
        let whitelist_filter = division_filter(scope, "$3");
        let code = scope.code();
        let mut changes = Vec::new();
        for r in sqlx::query(&format!(
            "SELECT {ORDER_COLUMNS} FROM work_orders
             WHERE seq > $1 AND seq <= $2 AND {order_filter} ORDER BY seq LIMIT $4"
        ))
        .bind(after)
        .bind(top)
        .bind(code)
        .bind(fetch)
        .fetch_all(&mut *conn)
        .await?
        {
            changes.push(order_change(order_record(&r)?));
        }
        for r in sqlx::query(&format!(
            "SELECT {WHITELIST_COLUMNS} FROM whitelist_entries
             WHERE seq > $1 AND seq <= $2 AND {whitelist_filter} ORDER BY seq LIMIT $4"
        ))
        .bind(after)
        .bind(top)
        .bind(code)
        .bind(fetch)
        .fetch_all(&mut *conn)
        .await?
        {
            changes.push(whitelist_change(whitelist_record(&r)?));
        }
        if let Some(left) = departure_filter(scope, "$3") {
            for r in sqlx::query(&format!(
                "SELECT d.seq, d.order_no FROM order_departures d
                 JOIN work_orders w ON w.order_no = d.order_no
                 WHERE d.seq > $1 AND d.seq <= $2 AND {left} ORDER BY d.seq LIMIT $4"
            ))
            .bind(after)
            .bind(top)
            .bind(code)
            .bind(fetch)
            .fetch_all(&mut *conn)
            .await?
            {
                changes.push(Change::Departure(OrderDeparture {
                    seq: r.try_get("seq")?,
                    order_no: r.try_get("order_no")?,
                }));
            }
        }
        PgStore::permit_changes(&mut conn, after, top, scope, fetch, &mut changes).await?;
        Ok(page(changes, limit, top, after))
    }

    async fn audit_rows(&self, after_id: i64, limit: u32) -> Result<Vec<AuditRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, at, username, device_id, action, entity, entity_key, mutation_id,
                 before, after, prev_hash, hash
             FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditRow {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    username: r.try_get("username")?,
                    device_id: r.try_get("device_id")?,
                    action: r.try_get("action")?,
                    entity: r.try_get("entity")?,
                    entity_key: r.try_get("entity_key")?,
                    mutation_id: r.try_get("mutation_id")?,
                    before: r.try_get("before")?,
                    after: r.try_get("after")?,
                    prev_hash: r.try_get("prev_hash")?,
                    hash: r.try_get("hash")?,
                })
            })
            .collect()
    }

    async fn audit_head(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT value FROM counters WHERE name = 'audit'")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    async fn create_upload(&self, u: NewUpload) -> Result<UploadStart, StoreError> {
        let mut tx = self.pool.begin().await?;
        let stored: Option<i32> = sqlx::query_scalar("SELECT 1 FROM evidence WHERE sha256 = $1")
            .bind(&u.sha256)
            .fetch_optional(&mut *tx)
            .await?;
        if stored.is_some() {
            let attached = sqlx::query(
                "INSERT INTO evidence_orders(sha256, order_no) VALUES ($1, $2)
                 ON CONFLICT DO NOTHING",
            )
            .bind(&u.sha256)
            .bind(&u.order_no)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if attached > 0 {
                let after = serde_json::json!({ "order_no": u.order_no });
                append_audit(
                    &mut tx,
                    &evidence_audit(
                        "evidence_attach",
                        &u.username,
                        &u.device_id,
                        &u.sha256,
                        after,
                        &u.at,
                    ),
                )
                .await?;
            }
            tx.commit().await?;
            return Ok(UploadStart::AlreadyStored);
        }
        sqlx::query(
            "INSERT INTO evidence_uploads(upload_id, sha256, size, mime, file_name, order_no,
                 user_id, device_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&u.upload_id)
        .bind(&u.sha256)
        .bind(u.size as i64)
        .bind(&u.mime)
        .bind(&u.file_name)
        .bind(&u.order_no)
        .bind(u.user_id)
        .bind(&u.device_id)
        .bind(&u.at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(UploadStart::Started)
    }

    async fn upload(&self, upload_id: &str) -> Result<Option<UploadRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT upload_id, sha256, size, mime, file_name, order_no, user_id, device_id,
                 upload_offset, complete
             FROM evidence_uploads WHERE upload_id = $1",
        )
        .bind(upload_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else {
            return Ok(None);
        };
        Ok(Some(UploadRecord {
            upload_id: r.try_get("upload_id")?,
            sha256: r.try_get("sha256")?,
            size: r.try_get::<i64, _>("size")? as u64,
            mime: r.try_get("mime")?,
            file_name: r.try_get("file_name")?,
            order_no: r.try_get("order_no")?,
            user_id: r.try_get("user_id")?,
            device_id: r.try_get("device_id")?,
            offset: r.try_get::<i64, _>("upload_offset")? as u64,
            complete: r.try_get::<i64, _>("complete")? != 0,
        }))
    }

    async fn advance_upload(
        &self,
        upload_id: &str,
        from: u64,
        len: u64,
        object_key: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        // The row lock of this UPDATE orders two instances writing the same upload.
        let moved = sqlx::query(
            "UPDATE evidence_uploads SET upload_offset = $3
             WHERE upload_id = $1 AND upload_offset = $2 AND complete = 0",
        )
        .bind(upload_id)
        .bind(from as i64)
        .bind((from + len) as i64)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved == 0 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO evidence_upload_chunks(upload_id, start_offset, len, object_key)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(upload_id)
        .bind(from as i64)
        .bind(len as i64)
        .bind(object_key)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn upload_chunks(&self, upload_id: &str) -> Result<Vec<ChunkRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT start_offset, len, object_key FROM evidence_upload_chunks
             WHERE upload_id = $1 ORDER BY start_offset",
        )
        .bind(upload_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ChunkRecord {
                    start: r.try_get::<i64, _>("start_offset")? as u64,
                    len: r.try_get::<i64, _>("len")? as u64,
                    object_key: r.try_get("object_key")?,
                })
            })
            .collect()
    }

    async fn complete_upload(&self, upload_id: &str, by: &str, at: &str) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let r = sqlx::query(
            "SELECT sha256, size, mime, file_name, order_no, device_id
             FROM evidence_uploads WHERE upload_id = $1 AND complete = 0 FOR UPDATE",
        )
        .bind(upload_id)
        .fetch_one(&mut *tx)
        .await?;
        let sha: String = r.try_get("sha256")?;
        let size: i64 = r.try_get("size")?;
        let mime: String = r.try_get("mime")?;
        let name: String = r.try_get("file_name")?;
        let order_no: String = r.try_get("order_no")?;
        let device: String = r.try_get("device_id")?;
        sqlx::query(
            "INSERT INTO evidence(sha256, size, mime, file_name, stored_at, stored_by)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(&sha)
        .bind(size)
        .bind(&mime)
        .bind(&name)
        .bind(at)
        .bind(by)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO evidence_orders(sha256, order_no) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(&sha)
        .bind(&order_no)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE evidence_uploads SET complete = 1 WHERE upload_id = $1")
            .bind(upload_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM evidence_upload_chunks WHERE upload_id = $1")
            .bind(upload_id)
            .execute(&mut *tx)
            .await?;
        let after = serde_json::json!({
            "size": size, "mime": mime, "file_name": name, "order_no": order_no
        });
        append_audit(
            &mut tx,
            &evidence_audit("evidence_store", by, &device, &sha, after, at),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn discard_upload(&self, upload_id: &str) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM evidence_upload_chunks WHERE upload_id = $1")
            .bind(upload_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM evidence_uploads WHERE upload_id = $1")
            .bind(upload_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn stale_uploads(&self, created_before: &str) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT upload_id FROM evidence_uploads
             WHERE complete = 0 AND created_at < $1 ORDER BY created_at",
        )
        .bind(created_before)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn evidence(&self, sha256: &str) -> Result<Option<EvidenceRecord>, StoreError> {
        let row = sqlx::query("SELECT size, mime, file_name FROM evidence WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&self.pool)
            .await?;
        let Some(r) = row else {
            return Ok(None);
        };
        let counties: Vec<String> = sqlx::query_scalar(
            "SELECT o.county_code FROM evidence_orders e
             JOIN work_orders o ON o.order_no = e.order_no WHERE e.sha256 = $1
             UNION
             SELECT a.service_point FROM permit_materials m
             JOIN permit_applications a ON a.application_id = m.application_id
             WHERE m.sha256 = $1",
        )
        .bind(sha256)
        .fetch_all(&self.pool)
        .await?;
        Ok(Some(EvidenceRecord {
            sha256: sha256.to_string(),
            size: r.try_get::<i64, _>("size")? as u64,
            mime: r.try_get("mime")?,
            file_name: r.try_get("file_name")?,
            counties,
        }))
    }

    async fn open_attention(&self, scope: &Jurisdiction) -> Result<Vec<AttentionItem>, StoreError> {
        let (filter, code) = match scope {
            Jurisdiction::Province => ("$1 = $1", String::new()),
            Jurisdiction::City(c) => ("city_code = $1", c.clone()),
            Jurisdiction::County(c) => ("county_code = $1", c.clone()),
        };
        let rows = sqlx::query(&format!(
            "SELECT {ATTENTION_COLUMNS} FROM attention_items
             WHERE resolved_at IS NULL AND {filter} ORDER BY id"
        ))
        .bind(code)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| attention_row(r).map(|(item, _)| item))
            .collect()
    }

    async fn attention_item(&self, id: i64) -> Result<Option<(AttentionItem, bool)>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {ATTENTION_COLUMNS} FROM attention_items WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(attention_row).transpose()
    }

    async fn resolve_attention(&self, r: AttentionResolution) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        // The row lock orders two supervisors resolving the same item: the second sees it closed.
        let row = sqlx::query(&format!(
            "SELECT {ATTENTION_COLUMNS} FROM attention_items WHERE id = $1 FOR UPDATE"
        ))
        .bind(r.id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((item, false)) = row.as_ref().map(attention_row).transpose()? else {
            return Ok(false);
        };
        sqlx::query(
            "UPDATE attention_items SET resolved_at = $1, resolved_by = $2, resolution_note = $3
             WHERE id = $4",
        )
        .bind(&r.at)
        .bind(&r.username)
        .bind(&r.note)
        .bind(r.id)
        .execute(&mut *tx)
        .await?;
        append_audit(&mut tx, &attention_audit(&r, &item)).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn take_application(&self, a: NewApplication) -> Result<ApplicationTaken, StoreError> {
        self.take_application_pg(a).await
    }

    async fn permit_day(
        &self,
        req: DayRequest,
        create: bool,
    ) -> Result<Option<PermitDay>, StoreError> {
        self.permit_day_pg(req, create).await
    }

    async fn close_permit_day(&self, req: DayRequest) -> Result<DayClosure, StoreError> {
        self.close_permit_day_pg(req).await
    }

    async fn set_carrier_credit(
        &self,
        c: NewCarrierCredit,
    ) -> Result<casedesk_wire::CarrierCredit, StoreError> {
        let mut tx = self.pool.begin().await?;
        lock_changes(&mut tx).await?;
        let before = carrier_credit_by_id(&mut *tx, &c.credit_id).await?;
        sqlx::query(
            "INSERT INTO carrier_credit(credit_id, enterprise_name, credit_code, penalties,
                 version, updated_by, updated_at)
             VALUES ($1, $2, $3, $4, 1, $5, $6)
             ON CONFLICT (credit_id) DO UPDATE SET enterprise_name = excluded.enterprise_name,
                 credit_code = excluded.credit_code, penalties = excluded.penalties,
                 version = carrier_credit.version + 1, updated_by = excluded.updated_by,
                 updated_at = excluded.updated_at",
        )
        .bind(&c.credit_id)
        .bind(&c.enterprise_name)
        .bind(c.standing.credit_code.map(|k| k.code()))
        .bind(serde_json::to_string(&c.standing.penalties)?)
        .bind(&c.by)
        .bind(&c.at)
        .execute(&mut *tx)
        .await?;
        append_audit(&mut tx, &carrier_credit_audit(&c, before.as_ref())).await?;
        let row = carrier_credit_by_id(&mut *tx, &c.credit_id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("carrier {} vanished", c.credit_id)))?;
        tx.commit().await?;
        Ok(row)
    }

    async fn carrier_credit(
        &self,
        credit_id: &str,
    ) -> Result<Option<casedesk_wire::CarrierCredit>, StoreError> {
        carrier_credit_by_id(&self.pool, credit_id).await
    }

    async fn add_dishonest(&self, e: NewDishonest) -> Result<DishonestEntry, StoreError> {
        self.add_dishonest_pg(e).await
    }

    async fn dishonest(&self, id: i64) -> Result<Option<DishonestEntry>, StoreError> {
        dishonest_by_id(&self.pool, id).await
    }

    async fn repair_dishonest(
        &self,
        id: i64,
        version: i64,
        entry: casedesk_domain::permit::ListEntry,
        by: &str,
        device_id: &str,
        at: &str,
    ) -> Result<Option<DishonestEntry>, StoreError> {
        self.repair_dishonest_pg(id, version, entry, by, device_id, at)
            .await
    }
}

// The permit desk (crate::permit), as the SQLite store does it in PostgreSQL's dialect.

fn application_record(
    r: &PgRow,
    materials: Vec<MaterialFile>,
) -> Result<ApplicationChange, StoreError> {
    application_from(
        (
            r.try_get("application_id")?,
            r.try_get("day")?,
            r.try_get("received_at")?,
            r.try_get("first_application")?,
            r.try_get("submission")?,
            r.try_get("version")?,
            r.try_get("seq")?,
            r.try_get("updated_at")?,
            r.try_get("carrier_standing")?,
            r.try_get("review")?,
            r.try_get("pauses")?,
        ),
        materials,
    )
}

async fn carrier_credit_by_id<'c, E>(
    conn: E,
    credit_id: &str,
) -> Result<Option<casedesk_wire::CarrierCredit>, StoreError>
where
    E: sqlx::Executor<'c, Database = Postgres>,
{
    sqlx::query(&format!(
        "SELECT {CARRIER_CREDIT_COLUMNS} FROM carrier_credit WHERE credit_id = $1"
    ))
    .bind(credit_id)
    .fetch_optional(conn)
    .await?
    .map(|r| -> Result<_, StoreError> {
        carrier_credit_from((
            r.try_get("credit_id")?,
            r.try_get("enterprise_name")?,
            r.try_get("credit_code")?,
            r.try_get("penalties")?,
            r.try_get("version")?,
            r.try_get("updated_by")?,
            r.try_get("updated_at")?,
        ))
    })
    .transpose()
}

/// One application with its materials.
async fn application_by_id(
    conn: &mut sqlx::PgConnection,
    id: &str,
) -> Result<Option<ApplicationChange>, StoreError> {
    let Some(row) = sqlx::query(&format!(
        "SELECT {APPLICATION_COLUMNS} FROM permit_applications WHERE application_id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let materials = materials_of(&mut *conn, id).await?;
    application_record(&row, materials).map(Some)
}

/// A service point's applications of a day, with their materials, in the order taken.
async fn day_applications(
    conn: &mut sqlx::PgConnection,
    service_point: &str,
    day: &str,
) -> Result<Vec<ApplicationChange>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {APPLICATION_COLUMNS} FROM permit_applications
         WHERE service_point = $1 AND day = $2 ORDER BY seq"
    ))
    .bind(service_point)
    .bind(day)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: String = r.try_get("application_id")?;
        let materials = materials_of(&mut *conn, &id).await?;
        out.push(application_record(r, materials)?);
    }
    Ok(out)
}

fn day_record(r: &PgRow) -> Result<(PermitDay, String), StoreError> {
    day_from((
        r.try_get("service_point")?,
        r.try_get("day")?,
        r.try_get("seed")?,
        r.try_get("commitment")?,
        r.try_get("committed_at")?,
        r.try_get("closed_at")?,
        r.try_get("closed_by")?,
        r.try_get("candidates")?,
        r.try_get("draw")?,
        r.try_get("version")?,
        r.try_get("seq")?,
        r.try_get("updated_at")?,
    ))
}

async fn materials_of(
    conn: &mut sqlx::PgConnection,
    id: &str,
) -> Result<Vec<MaterialFile>, StoreError> {
    let rows = sqlx::query(&MATERIALS_QUERY.replace("?1", "$1"))
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    let materials = rows
        .iter()
        .map(|r| {
            Ok(MaterialFile {
                material: r.try_get("material")?,
                file_name: r.try_get("file_name")?,
                sha256: r.try_get("sha256")?,
                size: r.try_get::<i64, _>("size")? as u64,
                mime: r.try_get("mime")?,
                handed_in_before: Vec::new(),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let uses = sqlx::query(&EARLIER_USES_QUERY.replace("?1", "$1"))
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("sha256")?,
                EarlierUse {
                    application_id: r.try_get("application_id")?,
                    service_point: r.try_get("service_point")?,
                    received_at: r.try_get("received_at")?,
                    material: r.try_get("material")?,
                    file_name: r.try_get("file_name")?,
                },
            ))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(with_earlier_uses(materials, uses))
}

async fn day_row(
    tx: &mut Tx,
    service_point: &str,
    day: &str,
) -> Result<Option<(PermitDay, String)>, StoreError> {
    sqlx::query(&format!(
        "SELECT {DAY_COLUMNS} FROM permit_days WHERE service_point = $1 AND day = $2"
    ))
    .bind(service_point)
    .bind(day)
    .fetch_optional(&mut **tx)
    .await?
    .as_ref()
    .map(day_record)
    .transpose()
}

async fn commit_day(
    tx: &mut Tx,
    service_point: &str,
    city_code: &str,
    day: &str,
    seed: &[u8; 32],
    by: &str,
    device_id: &str,
) -> Result<(PermitDay, String), StoreError> {
    let seq = next_counter(tx, "change").await?;
    let now = crate::clock::beijing_now();
    let committed_at = crate::permit::precise_stamp(now);
    let commitment = casedesk_domain::permit::commitment(seed);
    let at = crate::clock::stamp(now);
    sqlx::query(
        "INSERT INTO permit_days(service_point, city_code, day, seed, commitment, committed_at,
             version, seq, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8)",
    )
    .bind(service_point)
    .bind(city_code)
    .bind(day)
    .bind(hex::encode(seed))
    .bind(&commitment)
    .bind(&committed_at)
    .bind(seq)
    .bind(&at)
    .execute(&mut **tx)
    .await?;
    append_audit(
        tx,
        &crate::permit::permit_audit(
            "permit_commit",
            "permit_day",
            &crate::permit::day_key(service_point, day),
            by,
            device_id,
            &at,
            serde_json::json!({ "commitment": commitment, "committed_at": committed_at }),
        ),
    )
    .await?;
    day_row(tx, service_point, day)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("day {service_point}/{day} vanished")))
}

fn dishonest_record(r: &PgRow) -> Result<DishonestEntry, StoreError> {
    dishonest_from((
        r.try_get("id")?,
        r.try_get("credit_id")?,
        r.try_get("enterprise_name")?,
        r.try_get("division")?,
        r.try_get("entry")?,
        r.try_get("version")?,
        r.try_get("seq")?,
        r.try_get("updated_at")?,
    ))
}

async fn dishonest_of<'c, E>(conn: E, credit_id: &str) -> Result<Vec<DishonestEntry>, StoreError>
where
    E: sqlx::Executor<'c, Database = Postgres>,
{
    sqlx::query(&format!(
        "SELECT {DISHONEST_COLUMNS} FROM dishonest_entries WHERE credit_id = $1 ORDER BY id"
    ))
    .bind(credit_id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(dishonest_record)
    .collect()
}

async fn dishonest_by_id<'c, E>(conn: E, id: i64) -> Result<Option<DishonestEntry>, StoreError>
where
    E: sqlx::Executor<'c, Database = Postgres>,
{
    sqlx::query(&format!(
        "SELECT {DISHONEST_COLUMNS} FROM dishonest_entries WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(dishonest_record)
    .transpose()
}

async fn lock_changes(tx: &mut Tx) -> Result<(), StoreError> {
    sqlx::query("SELECT value FROM counters WHERE name = 'change' FOR UPDATE")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl PgStore {
    async fn permit_changes(
        conn: &mut sqlx::PgConnection,
        after: i64,
        top: i64,
        scope: &Jurisdiction,
        fetch: i64,
        changes: &mut Vec<casedesk_wire::Change>,
    ) -> Result<(), StoreError> {
        let filter = match scope {
            Jurisdiction::Province => "$3 = $3",
            Jurisdiction::City(_) => "city_code = $3",
            Jurisdiction::County(_) => "service_point = $3",
        };
        let code = scope.code();
        let rows = sqlx::query(&format!(
            "SELECT {APPLICATION_COLUMNS} FROM permit_applications
             WHERE seq > $1 AND seq <= $2 AND {filter} ORDER BY seq LIMIT $4"
        ))
        .bind(after)
        .bind(top)
        .bind(code)
        .bind(fetch)
        .fetch_all(&mut *conn)
        .await?;
        for r in &rows {
            let id: String = r.try_get("application_id")?;
            let materials = materials_of(&mut *conn, &id).await?;
            changes.push(casedesk_wire::Change::Application(Box::new(
                application_record(r, materials)?,
            )));
        }
        for r in sqlx::query(&format!(
            "SELECT {DAY_COLUMNS} FROM permit_days
             WHERE seq > $1 AND seq <= $2 AND {filter} ORDER BY seq LIMIT $4"
        ))
        .bind(after)
        .bind(top)
        .bind(code)
        .bind(fetch)
        .fetch_all(&mut *conn)
        .await?
        {
            changes.push(casedesk_wire::Change::PermitDay(Box::new(
                day_record(&r)?.0,
            )));
        }
        let divisions = division_filter(scope, "$3");
        for r in sqlx::query(&format!(
            "SELECT {DISHONEST_COLUMNS} FROM dishonest_entries
             WHERE seq > $1 AND seq <= $2 AND {divisions} ORDER BY seq LIMIT $4"
        ))
        .bind(after)
        .bind(top)
        .bind(code)
        .bind(fetch)
        .fetch_all(&mut *conn)
        .await?
        {
            changes.push(casedesk_wire::Change::Dishonest(Box::new(
                dishonest_record(&r)?,
            )));
        }
        Ok(())
    }

    async fn take_application_pg(&self, a: NewApplication) -> Result<ApplicationTaken, StoreError> {
        let mut tx = self.pool.begin().await?;
        lock_changes(&mut tx).await?;
        let s = &a.submission;
        let seen: Option<String> = sqlx::query_scalar(
            "SELECT application_id FROM permit_applications
             WHERE carrier_credit_id = $1 AND carrier_reference = $2",
        )
        .bind(&s.carrier.credit_id)
        .bind(&s.carrier_reference)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(application_id) = seen {
            return Ok(ApplicationTaken::Duplicate { application_id });
        }
        let mut date = a.now.date();
        let (day, _) = loop {
            let key = date.format("%Y-%m-%d").to_string();
            match day_row(&mut tx, &s.service_point, &key).await? {
                Some((d, _)) if d.closed_at.is_some() => {
                    date = date
                        .succ_opt()
                        .ok_or_else(|| StoreError::Corrupt("no day after".into()))?;
                }
                Some(found) => break found,
                None => {
                    break commit_day(
                        &mut tx,
                        &s.service_point,
                        &a.city_code,
                        &key,
                        &a.fresh_seed,
                        &a.by,
                        &a.device_id,
                    )
                    .await?
                }
            }
        };
        let first: bool = sqlx::query_scalar(
            "SELECT NOT EXISTS (SELECT 1 FROM permit_applications WHERE carrier_credit_id = $1)",
        )
        .bind(&s.carrier.credit_id)
        .fetch_one(&mut *tx)
        .await?;
        let standing = carrier_credit_by_id(&mut *tx, &s.carrier.credit_id)
            .await?
            .map(|c| c.standing);
        let at_now = crate::clock::beijing_now();
        let at = crate::clock::stamp(at_now);
        for m in &a.materials {
            let added = sqlx::query(
                "INSERT INTO evidence(sha256, size, mime, file_name, stored_at, stored_by)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            )
            .bind(&m.sha256)
            .bind(m.size as i64)
            .bind(&m.mime)
            .bind(&m.file_name)
            .bind(&at)
            .bind(&a.by)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if added == 1 {
                let after = serde_json::json!({
                    "size": m.size, "mime": m.mime, "file_name": m.file_name,
                    "application": s.carrier_reference,
                });
                append_audit(
                    &mut tx,
                    &evidence_audit("evidence_store", &a.by, &a.device_id, &m.sha256, after, &at),
                )
                .await?;
            }
        }
        let seq = next_counter(&mut tx, "change").await?;
        let application_id = crate::permit::application_id(date, seq);
        let received_at = crate::permit::precise_stamp(at_now);
        sqlx::query(
            "INSERT INTO permit_applications(application_id, carrier_credit_id, carrier_reference,
                 service_point, city_code, day, received_at, first_application, submission,
                 received_by, version, seq, updated_at, carrier_standing)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $12, $13)",
        )
        .bind(&application_id)
        .bind(&s.carrier.credit_id)
        .bind(&s.carrier_reference)
        .bind(&s.service_point)
        .bind(&a.city_code)
        .bind(&day.day)
        .bind(&received_at)
        .bind(i64::from(first))
        .bind(serde_json::to_string(s)?)
        .bind(&a.by)
        .bind(seq)
        .bind(&at)
        .bind(standing.as_ref().map(serde_json::to_string).transpose()?)
        .execute(&mut *tx)
        .await?;
        for (i, m) in a.materials.iter().enumerate() {
            sqlx::query(
                "INSERT INTO permit_materials(application_id, position, material, file_name, sha256)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&application_id)
            .bind(i as i64)
            .bind(&m.material)
            .bind(&m.file_name)
            .bind(&m.sha256)
            .execute(&mut *tx)
            .await?;
        }
        append_audit(
            &mut tx,
            &crate::permit::permit_audit(
                "permit_application",
                "permit_application",
                &application_id,
                &a.by,
                &a.device_id,
                &at,
                crate::permit::application_audit_after(&a, &day.day, first, standing.as_ref()),
            ),
        )
        .await?;
        let materials = materials_of(&mut tx, &application_id).await?;
        tx.commit().await?;
        Ok(ApplicationTaken::Created {
            application: Box::new(ApplicationChange {
                seq,
                application_id,
                version: 1,
                day: day.day,
                received_at,
                first_application: first,
                submission: a.submission,
                materials,
                carrier_standing: standing,
                review: None,
                pauses: Vec::new(),
                updated_at: at,
            }),
            commitment: day.commitment,
        })
    }

    async fn permit_day_pg(
        &self,
        req: DayRequest,
        create: bool,
    ) -> Result<Option<PermitDay>, StoreError> {
        let key = req.day.format("%Y-%m-%d").to_string();
        let mut tx = self.pool.begin().await?;
        lock_changes(&mut tx).await?;
        let found = match day_row(&mut tx, &req.service_point, &key).await? {
            Some((d, _)) => Some(d),
            None if create => Some(
                commit_day(
                    &mut tx,
                    &req.service_point,
                    &req.city_code,
                    &key,
                    &req.fresh_seed,
                    &req.by,
                    &req.device_id,
                )
                .await?
                .0,
            ),
            None => None,
        };
        tx.commit().await?;
        Ok(found)
    }

    async fn add_dishonest_pg(&self, e: NewDishonest) -> Result<DishonestEntry, StoreError> {
        let mut tx = self.pool.begin().await?;
        lock_changes(&mut tx).await?;
        let seq = next_counter(&mut tx, "change").await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO dishonest_entries(credit_id, enterprise_name, division, entry, version,
                 seq, updated_at)
             VALUES ($1, $2, $3, $4, 1, $5, $6) RETURNING id",
        )
        .bind(&e.credit_id)
        .bind(&e.enterprise_name)
        .bind(&e.division)
        .bind(serde_json::to_string(&e.entry)?)
        .bind(seq)
        .bind(&e.at)
        .fetch_one(&mut *tx)
        .await?;
        append_audit(
            &mut tx,
            &crate::permit::permit_audit(
                "dishonest_list",
                "dishonest_entry",
                &id.to_string(),
                &e.by,
                &e.device_id,
                &e.at,
                serde_json::json!({ "credit_id": e.credit_id, "enterprise_name": e.enterprise_name,
                    "division": e.division, "entry": e.entry }),
            ),
        )
        .await?;
        let row = dishonest_by_id(&mut *tx, id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("dishonest entry {id} vanished")))?;
        tx.commit().await?;
        Ok(row)
    }

    async fn repair_dishonest_pg(
        &self,
        id: i64,
        version: i64,
        entry: casedesk_domain::permit::ListEntry,
        by: &str,
        device_id: &str,
        at: &str,
    ) -> Result<Option<DishonestEntry>, StoreError> {
        let mut tx = self.pool.begin().await?;
        lock_changes(&mut tx).await?;
        let Some(before) = dishonest_by_id(&mut *tx, id).await? else {
            return Ok(None);
        };
        if before.version != version {
            return Ok(None);
        }
        let seq = next_counter(&mut tx, "change").await?;
        sqlx::query(
            "UPDATE dishonest_entries SET entry = $1, version = version + 1, seq = $2,
                 updated_at = $3 WHERE id = $4",
        )
        .bind(serde_json::to_string(&entry)?)
        .bind(seq)
        .bind(at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let mut audit = crate::permit::permit_audit(
            "dishonest_repair",
            "dishonest_entry",
            &id.to_string(),
            by,
            device_id,
            at,
            serde_json::json!({ "entry": entry }),
        );
        audit.before = serde_json::json!({ "entry": before.entry }).to_string();
        append_audit(&mut tx, &audit).await?;
        let row = dishonest_by_id(&mut *tx, id).await?;
        tx.commit().await?;
        Ok(row)
    }

    async fn close_permit_day_pg(&self, req: DayRequest) -> Result<DayClosure, StoreError> {
        let key = req.day.format("%Y-%m-%d").to_string();
        let mut tx = self.pool.begin().await?;
        lock_changes(&mut tx).await?;
        let (day, seed) = match day_row(&mut tx, &req.service_point, &key).await? {
            Some(found) => found,
            None => {
                commit_day(
                    &mut tx,
                    &req.service_point,
                    &req.city_code,
                    &key,
                    &req.fresh_seed,
                    &req.by,
                    &req.device_id,
                )
                .await?
            }
        };
        if day.closed_at.is_some() {
            return Ok(DayClosure::AlreadyClosed(Box::new(day)));
        }
        let full = day_applications(&mut tx, &req.service_point, &key).await?;
        let undecided = crate::permit::undecided(&full);
        if !undecided.is_empty() {
            // Rolled back: nothing of this transaction is kept.
            return Ok(DayClosure::Undecided(undecided));
        }
        let apps: Vec<casedesk_wire::DayApplication> = full.iter().map(Into::into).collect();
        let mut entries = Vec::new();
        for a in &apps {
            entries.extend(dishonest_of(&mut *tx, &a.carrier_credit_id).await?);
        }
        let candidates =
            casedesk_wire::day_candidates(&apps, &entries, &req.service_point, req.day);
        let draw = crate::permit::draw_day(&seed, &candidates)?;
        let seq = next_counter(&mut tx, "change").await?;
        let now = crate::clock::beijing_now();
        let at = crate::clock::stamp(now);
        let closed_at = crate::permit::precise_stamp(now);
        sqlx::query(
            "UPDATE permit_days SET closed_at = $1, closed_by = $2, candidates = $3, draw = $4,
                 version = version + 1, seq = $5, updated_at = $6
             WHERE service_point = $7 AND day = $8",
        )
        .bind(&closed_at)
        .bind(&req.by)
        .bind(serde_json::to_string(&candidates)?)
        .bind(serde_json::to_string(&draw)?)
        .bind(seq)
        .bind(&at)
        .bind(&req.service_point)
        .bind(&key)
        .execute(&mut *tx)
        .await?;
        append_audit(
            &mut tx,
            &crate::permit::permit_audit(
                "permit_close",
                "permit_day",
                &crate::permit::day_key(&req.service_point, &key),
                &req.by,
                &req.device_id,
                &at,
                serde_json::json!({ "seed": seed, "candidates": candidates, "draw": draw }),
            ),
        )
        .await?;
        let closed = day_row(&mut tx, &req.service_point, &key)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("day {key} vanished")))?
            .0;
        tx.commit().await?;
        Ok(DayClosure::Closed(Box::new(closed)))
    }
}
