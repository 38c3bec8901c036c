//! The hub's storage: one async trait, [`HubStore`], with a SQLite implementation (the
//! embedded default, a file beside the binary) and a PostgreSQL one (a province, several hub
//! processes on one database). Everything a second hub instance would need lives here, never
//! in a process's memory: users, tokens, login attempts, orders, whitelist entries, decided
//! mutations, the change counter and the audit chain.
//!
//! The rules are not here: a push runs [`crate::push::decide`] inside the store's transaction
//! on the state it just locked, so both engines apply exactly the same decision.

use async_trait::async_trait;
use casedesk_domain::action::EvidenceRef;
use casedesk_domain::permit::Pause;
use casedesk_domain::{OrderState, Role, WhitelistEntry, WhitelistKind};
use casedesk_wire::{
    ApplicationChange, AttentionItem, Change, DecidedReview, DishonestEntry, Mutation,
    MutationResult, OrderFacts, PermitDay, Rejection, Submission,
};
use thiserror::Error;

use crate::jurisdiction::Jurisdiction;

pub mod postgres;
pub mod sqlite;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] sqlx::Error),
    #[error("the database holds something unreadable: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Conflict(String),
    #[error("the database is newer than this hub (schema {found}, this hub knows {known})")]
    TooNew { found: i64, known: i64 },
    #[error("a storage task failed: {0}")]
    Task(String),
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> StoreError {
        StoreError::Corrupt(e.to_string())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub role: Role,
    pub jurisdiction: Jurisdiction,
    pub disabled: bool,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub password_hash: String,
    pub role: Role,
    pub jurisdiction: Jurisdiction,
}

/// A refresh token to store (its hash), with its family and owner.
#[derive(Debug, Clone)]
pub struct NewRefresh {
    pub token_hash: String,
    pub family: String,
    pub user_id: i64,
    pub device_id: String,
    pub expires_at: i64,
}

/// What presenting a refresh token led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// Revoked and replaced by the new token given.
    Rotated { user: UserRecord, device_id: String },
    /// Unknown, expired, or the user is disabled.
    Invalid,
    /// Already used: its whole family is revoked now (someone holds a copy).
    Reused,
}

/// An order made on the hub other than from a platform alarm: its number, facts, state and
/// version (1, or one more per action of the history it was replayed from).
#[derive(Debug, Clone, PartialEq)]
pub struct SeedOrder {
    pub order_no: String,
    pub facts: OrderFacts,
    pub state: OrderState,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrderRecord {
    pub order_no: String,
    pub facts: OrderFacts,
    pub state: OrderState,
    pub version: i64,
    pub seq: i64,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhitelistRow {
    pub id: i64,
    pub division: String,
    pub entry: WhitelistEntry,
    pub version: i64,
    pub seq: i64,
}

/// A row of the audit chain as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub username: String,
    pub device_id: String,
    pub action: String,
    pub entity: String,
    pub entity_key: String,
    pub mutation_id: Option<String>,
    pub before: String,
    pub after: String,
    pub prev_hash: String,
    pub hash: String,
}

/// What an audit row records, before the chain numbers and hashes it.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub at: String,
    pub username: String,
    pub device_id: String,
    pub action: String,
    pub entity: String,
    pub entity_key: String,
    pub mutation_id: Option<String>,
    pub before: String,
    pub after: String,
}

/// Everything a push needs to decide one mutation, owned so a storage thread can take it.
#[derive(Debug, Clone)]
pub struct MutationContext {
    pub mutation: Mutation,
    /// SHA-256 of what the mutation asks (entity, key, action, payload), to catch a reused id.
    pub digest: String,
    pub user: UserRecord,
    /// Beijing time now.
    pub now: chrono::NaiveDateTime,
}

/// The current state a mutation is decided on, read inside its transaction.
#[derive(Debug, Clone)]
pub enum Loaded {
    Order {
        order: Option<Box<OrderRecord>>,
        /// The vehicle's whitelist entries (every division; the decision picks what holds).
        whitelist: Vec<WhitelistRow>,
        /// Evidence files the action names that the hub does not hold for this order
        /// ([`crate::push::named_evidence`]).
        missing_evidence: Vec<EvidenceRef>,
    },
    Whitelist {
        plate_entries: Vec<WhitelistRow>,
    },
    /// A permit application to review, and whether its day is closed (日结).
    Application {
        application: Option<Box<ApplicationChange>>,
        day_closed: bool,
    },
}

/// The audit row of a whitelist entry the hub proposed after `ctx`'s interception: by the
/// interception's user and device, under its mutation id.
pub fn proposal_audit(ctx: &MutationContext, entry: &WhitelistEntry, at: &str) -> AuditEntry {
    AuditEntry {
        at: at.to_string(),
        username: ctx.user.username.clone(),
        device_id: ctx.mutation.device_id.clone(),
        action: "propose".into(),
        entity: "whitelist".into(),
        entity_key: entry.plate.clone(),
        mutation_id: Some(ctx.mutation.mutation_id.clone()),
        before: "null".into(),
        after: serde_json::json!({ "action": "propose", "entry": entry }).to_string(),
    }
}

impl Loaded {
    /// The order as it was before the mutation, for an order mutation on a known order.
    pub fn order(&self) -> Option<&OrderRecord> {
        match self {
            Loaded::Order { order, .. } => order.as_deref(),
            Loaded::Whitelist { .. } | Loaded::Application { .. } => None,
        }
    }

    /// The county an order leaves when it takes `next` (a reassignment to another county):
    /// that county's desks are told of its departure (`order_departures`).
    pub fn county_left(&self, next: &OrderState) -> Option<&str> {
        match self {
            Loaded::Order { order: Some(o), .. } if o.state.county_code != next.county_code => {
                Some(&o.state.county_code)
            }
            _ => None,
        }
    }
}

/// What the rules decided for one mutation.
#[derive(Debug, Clone)]
pub enum Decision {
    Reject(Rejection),
    Order {
        state: OrderState,
        before: String,
        after: String,
    },
    Whitelist {
        /// The entry changed, or None for a new entry.
        id: Option<i64>,
        division: String,
        entry: WhitelistEntry,
        before: String,
        after: String,
    },
    /// A permit application after its review decision or a pause or resumption of its clock:
    /// what it then holds of both.
    Application {
        review: Option<Box<DecidedReview>>,
        pauses: Vec<Pause>,
        before: String,
        after: String,
    },
}

/// A work order to make from a platform alarm (see [`crate::ingest`]).
#[derive(Debug, Clone)]
pub struct AlarmOrder {
    /// The platform's alarm id, the dedupe key.
    pub alarm_id: String,
    pub facts: OrderFacts,
    /// The order as `OrderState::open` makes it.
    pub state: OrderState,
    /// Who posted it (the token's user, or `ingest-cli`) and from which device.
    pub by: String,
    pub device_id: String,
    /// Beijing time now.
    pub now: chrono::NaiveDateTime,
}

/// What ingesting one alarm did.
#[derive(Debug, Clone, PartialEq)]
pub enum Ingested {
    Created {
        order: Box<OrderRecord>,
        /// The vehicle's whitelist entry in force where the order is.
        whitelisted: Option<WhitelistKind>,
    },
    /// The alarm made this order before; nothing changed.
    Duplicate { order_no: String },
}

/// A page of changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangePage {
    pub changes: Vec<Change>,
    pub next_checkpoint: i64,
    pub has_more: bool,
}

/// An upload to begin (or, for bytes the hub holds already, an attachment to record).
#[derive(Debug, Clone)]
pub struct NewUpload {
    pub upload_id: String,
    pub sha256: String,
    pub size: u64,
    pub mime: String,
    pub file_name: String,
    pub order_no: String,
    pub user_id: i64,
    pub username: String,
    pub device_id: String,
    pub at: String,
}

/// What creating an upload led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadStart {
    Started,
    /// The hash is stored already; it is now attached to the order as well.
    AlreadyStored,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRecord {
    pub upload_id: String,
    pub sha256: String,
    pub size: u64,
    pub mime: String,
    pub file_name: String,
    pub order_no: String,
    pub user_id: i64,
    pub device_id: String,
    pub offset: u64,
    pub complete: bool,
}

/// One received chunk of an upload, an object of its own until the upload completes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkRecord {
    pub start: u64,
    pub len: u64,
    pub object_key: String,
}

/// A stored evidence file and the counties of the orders it is attached to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRecord {
    pub sha256: String,
    pub size: u64,
    pub mime: String,
    pub file_name: String,
    pub counties: Vec<String>,
}

/// A supervisor's resolution of an attention item.
#[derive(Debug, Clone)]
pub struct AttentionResolution {
    pub id: i64,
    pub username: String,
    pub device_id: String,
    pub note: String,
    pub at: String,
}

/// One file of an application, stored (or found) under its hash before the application is
/// taken.
#[derive(Debug, Clone)]
pub struct NewMaterialRow {
    pub material: String,
    pub file_name: String,
    pub sha256: String,
    pub size: u64,
    pub mime: String,
}

/// A checked application to take (see [`crate::permit`]).
#[derive(Debug, Clone)]
pub struct NewApplication {
    pub submission: Submission,
    pub city_code: String,
    pub materials: Vec<NewMaterialRow>,
    /// Who posted it (the carrier portal's account, or `ingest-application`) and from where.
    pub by: String,
    pub device_id: String,
    /// Beijing time now.
    pub now: chrono::NaiveDateTime,
    /// The seed of the day's commitment if the day has none yet (fresh from the OS).
    pub fresh_seed: [u8; 32],
}

/// What taking an application did.
#[derive(Debug, Clone, PartialEq)]
pub enum ApplicationTaken {
    Created {
        application: Box<ApplicationChange>,
        commitment: String,
    },
    /// The same carrier and reference came before; nothing changed.
    Duplicate { application_id: String },
}

/// A service point's day, to read (committing to it when it has no commitment yet) or close.
#[derive(Debug, Clone)]
pub struct DayRequest {
    pub service_point: String,
    pub city_code: String,
    pub day: chrono::NaiveDate,
    pub by: String,
    pub device_id: String,
    /// Beijing time now.
    pub now: chrono::NaiveDateTime,
    pub fresh_seed: [u8; 32],
}

/// What closing a day did.
#[derive(Debug, Clone, PartialEq)]
pub enum DayClosure {
    Closed(Box<PermitDay>),
    AlreadyClosed(Box<PermitDay>),
    /// Refused: complete applications of the day have no verdict yet (their ids).
    Undecided(Vec<String>),
}

/// A dishonest-list entry to record (see [`crate::permit`]).
#[derive(Debug, Clone)]
pub struct NewDishonest {
    pub credit_id: String,
    pub enterprise_name: String,
    /// The listing user's jurisdiction.
    pub division: String,
    pub entry: casedesk_domain::permit::ListEntry,
    pub by: String,
    pub device_id: String,
    pub at: String,
}

/// The platform's record of a carrier, replacing the one before (`set_carrier_credit`).
#[derive(Debug, Clone)]
pub struct NewCarrierCredit {
    pub credit_id: String,
    pub enterprise_name: String,
    pub standing: casedesk_wire::CarrierStanding,
    pub by: String,
    pub device_id: String,
    pub at: String,
}

/// The audit row of a carrier's record, with what it replaced.
pub(crate) fn carrier_credit_audit(
    c: &NewCarrierCredit,
    before: Option<&casedesk_wire::CarrierCredit>,
) -> AuditEntry {
    let mut audit = crate::permit::permit_audit(
        "carrier_credit",
        "carrier",
        &c.credit_id,
        &c.by,
        &c.device_id,
        &c.at,
        serde_json::json!({ "enterprise_name": c.enterprise_name, "standing": c.standing }),
    );
    if let Some(b) = before {
        audit.before = serde_json::json!({ "enterprise_name": b.enterprise_name,
            "standing": b.standing })
        .to_string();
    }
    audit
}

#[async_trait]
pub trait HubStore: Send + Sync {
    /// `sqlite` or `postgres`, for messages.
    fn engine(&self) -> &'static str;

    async fn add_user(&self, user: NewUser, at: &str) -> Result<UserRecord, StoreError>;
    async fn user(&self, username: &str) -> Result<Option<UserRecord>, StoreError>;
    async fn list_users(&self) -> Result<Vec<UserRecord>, StoreError>;
    /// Sets the hash and revokes the user's tokens; false for an unknown user.
    async fn set_password(&self, username: &str, hash: &str, at: &str) -> Result<bool, StoreError>;
    /// Disables (and revokes every token) or enables; false for an unknown user.
    async fn set_disabled(
        &self,
        username: &str,
        disabled: bool,
        at: &str,
    ) -> Result<bool, StoreError>;

    /// Failed logins since `since` for the user name and for the client: (by name, by client).
    async fn login_failures(
        &self,
        username: &str,
        client: &str,
        since: i64,
    ) -> Result<(u32, u32), StoreError>;
    async fn record_login(
        &self,
        username: &str,
        client: &str,
        at: i64,
        ok: bool,
    ) -> Result<(), StoreError>;

    async fn insert_access_token(
        &self,
        token_hash: &str,
        user_id: i64,
        device_id: &str,
        expires_at: i64,
    ) -> Result<(), StoreError>;
    /// The enabled user holding this unexpired access token.
    async fn access_token_user(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<UserRecord>, StoreError>;
    async fn insert_refresh_token(&self, token: NewRefresh) -> Result<(), StoreError>;
    /// Revokes `old_hash` and stores `new` in its family (user and device taken from the old).
    async fn rotate_refresh_token(
        &self,
        old_hash: &str,
        new_hash: &str,
        new_expires_at: i64,
        now: i64,
    ) -> Result<RefreshOutcome, StoreError>;

    /// A new order made on the hub itself (the demo's, a test's), with its change number and
    /// an audit row by `by`.
    async fn insert_order(
        &self,
        order: &SeedOrder,
        by: &str,
        at: &str,
    ) -> Result<OrderRecord, StoreError>;
    async fn order(&self, order_no: &str) -> Result<Option<OrderRecord>, StoreError>;
    /// Several new orders, each as [`HubStore::insert_order`] makes it (the demo's, the
    /// benchmark's and tests' seeding). The embedded store writes them in one transaction; the
    /// default, one by one.
    async fn insert_orders(
        &self,
        orders: Vec<SeedOrder>,
        by: &str,
        at: &str,
    ) -> Result<u64, StoreError> {
        let n = orders.len() as u64;
        for order in &orders {
            self.insert_order(order, by, at).await?;
        }
        Ok(n)
    }

    /// Makes the order of a platform alarm in one transaction under the write lock: an alarm
    /// id seen before answers the order it made; otherwise the order gets its number (from its
    /// change number), the vehicle's whitelist entry in force is looked up, and the row, its
    /// change number and an audit row commit together.
    async fn ingest_order(&self, alarm: AlarmOrder) -> Result<Ingested, StoreError>;

    /// Decides and records one mutation in one transaction: an id seen before gets its stored
    /// answer; otherwise the entity is read under the write lock, [`crate::push::decide`]
    /// runs, and the new state, its change number, the answer and the audit row commit together.
    async fn apply_mutation(&self, ctx: MutationContext) -> Result<MutationResult, StoreError>;
    /// A push's mutations, decided in order as [`HubStore::apply_mutation`] decides each, one
    /// result per mutation. The embedded store commits the batch in one transaction (nothing of
    /// it on a failure); the default commits each on its own.
    async fn apply_mutations(
        &self,
        batch: Vec<MutationContext>,
    ) -> Result<Vec<MutationResult>, StoreError> {
        let mut results = Vec::with_capacity(batch.len());
        for ctx in batch {
            results.push(self.apply_mutation(ctx).await?);
        }
        Ok(results)
    }

    /// Changes after `after`, at most `limit`, within `scope`.
    async fn changes(
        &self,
        after: i64,
        limit: u32,
        scope: &Jurisdiction,
    ) -> Result<ChangePage, StoreError>;

    /// Audit rows with id > `after_id`, in id order, at most `limit`.
    async fn audit_rows(&self, after_id: i64, limit: u32) -> Result<Vec<AuditRow>, StoreError>;
    /// How many audit rows were ever written (the audit counter), to catch a cut-off chain.
    async fn audit_head(&self) -> Result<i64, StoreError>;

    /// Begins an upload, or, when the hash is stored already, attaches it to the order (with
    /// an audit row when the attachment is new) and begins nothing.
    async fn create_upload(&self, upload: NewUpload) -> Result<UploadStart, StoreError>;
    async fn upload(&self, upload_id: &str) -> Result<Option<UploadRecord>, StoreError>;
    /// Records a chunk of `len` bytes stored as `object_key` at offset `from`, if the upload is
    /// still at `from` (false otherwise: another request got there first).
    async fn advance_upload(
        &self,
        upload_id: &str,
        from: u64,
        len: u64,
        object_key: &str,
    ) -> Result<bool, StoreError>;
    async fn upload_chunks(&self, upload_id: &str) -> Result<Vec<ChunkRecord>, StoreError>;
    /// Records the verified file under its hash, attaches it to the upload's order, marks the
    /// upload complete and forgets its chunks, with an audit row by `by`, in one transaction.
    async fn complete_upload(&self, upload_id: &str, by: &str, at: &str) -> Result<(), StoreError>;
    /// Forgets an upload and its chunks (the bytes did not match their hash).
    async fn discard_upload(&self, upload_id: &str) -> Result<(), StoreError>;
    /// Uploads begun before `created_before` (a stamp) and never completed: abandoned.
    async fn stale_uploads(&self, created_before: &str) -> Result<Vec<String>, StoreError>;
    async fn evidence(&self, sha256: &str) -> Result<Option<EvidenceRecord>, StoreError>;

    /// The open attention items of orders within `scope`, oldest first.
    async fn open_attention(&self, scope: &Jurisdiction) -> Result<Vec<AttentionItem>, StoreError>;
    /// One attention item and whether it is resolved.
    async fn attention_item(&self, id: i64) -> Result<Option<(AttentionItem, bool)>, StoreError>;
    /// Resolves an open item with its audit row, in one transaction; false when it was
    /// resolved before (or does not exist).
    async fn resolve_attention(&self, r: AttentionResolution) -> Result<bool, StoreError>;

    /// Takes an application in one transaction under the write lock: a (carrier, reference)
    /// seen before answers the application it made; otherwise the service point's open day is
    /// found (committed to first, with its own change number and audit row, when it has no
    /// commitment yet), the files' evidence rows are added where new, and the application, its
    /// materials, its change number and its audit rows commit together.
    async fn take_application(&self, a: NewApplication) -> Result<ApplicationTaken, StoreError>;
    /// The service point's day; when it has none and `create` is set, its commitment is made now
    /// (with `fresh_seed`, a change number and an audit row).
    async fn permit_day(
        &self,
        req: DayRequest,
        create: bool,
    ) -> Result<Option<PermitDay>, StoreError>;
    /// Closes the day (日结) in one transaction: refused ([`DayClosure::Undecided`]) while a
    /// complete application of the day has no verdict
    /// (`casedesk_wire::ApplicationChange::awaits_verdict`); commits to it first if it had no commitment,
    /// draws over its applications with [`crate::permit::draw_day`], stores the candidates, the
    /// draw and the closure, reveals the seed to the pull, with a change number and an audit row.
    async fn close_permit_day(&self, req: DayRequest) -> Result<DayClosure, StoreError>;

    /// Replaces a carrier's credit record (or makes its first) with an audit row
    /// (`carrier_credit`, with the record it replaced), in one transaction. Applications taken
    /// from then on carry it as their carrier's standing.
    async fn set_carrier_credit(
        &self,
        c: NewCarrierCredit,
    ) -> Result<casedesk_wire::CarrierCredit, StoreError>;
    async fn carrier_credit(
        &self,
        credit_id: &str,
    ) -> Result<Option<casedesk_wire::CarrierCredit>, StoreError>;

    /// Records a dishonest-list entry with a change number and an audit row
    /// (`dishonest_list`), in one transaction.
    async fn add_dishonest(&self, e: NewDishonest) -> Result<DishonestEntry, StoreError>;
    async fn dishonest(&self, id: i64) -> Result<Option<DishonestEntry>, StoreError>;
    /// Replaces entry `id`'s ListEntry (its repair) if it is still at `version`, with a change
    /// number and an audit row (`dishonest_repair`); None when it moved on meanwhile.
    async fn repair_dishonest(
        &self,
        id: i64,
        version: i64,
        entry: casedesk_domain::permit::ListEntry,
        by: &str,
        device_id: &str,
        at: &str,
    ) -> Result<Option<DishonestEntry>, StoreError>;
}

/// Opens the store a `--db` argument names: a `postgres://` URL, or a SQLite file path.
pub async fn open(db: &str) -> Result<std::sync::Arc<dyn HubStore>, StoreError> {
    if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        Ok(std::sync::Arc::new(postgres::PgStore::open(db).await?))
    } else {
        Ok(std::sync::Arc::new(
            sqlite::SqliteStore::open(std::path::Path::new(db)).await?,
        ))
    }
}

/// The result JSON kept for a mutation and answered again on a retry.
pub(crate) fn stored_result(result: &MutationResult) -> Result<String, StoreError> {
    Ok(serde_json::to_string(result)?)
}

/// What a retried mutation id is answered: AlreadyApplied for one that applied, the same
/// refusal for one that was refused, and a refusal when the id comes back with other content.
pub(crate) fn answer_again(
    mutation_id: &str,
    stored: &str,
    stored_digest: &str,
    digest: &str,
) -> Result<MutationResult, StoreError> {
    if stored_digest != digest {
        return Ok(MutationResult::Rejected {
            mutation_id: mutation_id.to_string(),
            rejection: crate::push::reused_id(),
        });
    }
    let first: MutationResult = serde_json::from_str(stored)?;
    Ok(match first {
        MutationResult::Applied { new_version, .. }
        | MutationResult::AlreadyApplied {
            version: new_version,
            ..
        } => MutationResult::AlreadyApplied {
            mutation_id: mutation_id.to_string(),
            version: new_version,
        },
        rejected @ MutationResult::Rejected { .. } => rejected,
    })
}

/// The audit row of an evidence file stored (`evidence_store`) or attached to another order
/// (`evidence_attach`).
pub(crate) fn evidence_audit(
    action: &str,
    by: &str,
    device_id: &str,
    sha256: &str,
    after: serde_json::Value,
    at: &str,
) -> AuditEntry {
    AuditEntry {
        at: at.to_string(),
        username: by.to_string(),
        device_id: device_id.to_string(),
        action: action.to_string(),
        entity: "evidence".into(),
        entity_key: sha256.to_string(),
        mutation_id: None,
        before: "null".into(),
        after: after.to_string(),
    }
}

/// The audit row of an attention item resolved.
pub(crate) fn attention_audit(r: &AttentionResolution, before: &AttentionItem) -> AuditEntry {
    AuditEntry {
        at: r.at.clone(),
        username: r.username.clone(),
        device_id: r.device_id.clone(),
        action: "attention_resolve".into(),
        entity: "attention".into(),
        entity_key: r.id.to_string(),
        mutation_id: Some(before.mutation_id.clone()),
        before: serde_json::json!({ "order_no": before.order_no, "open": true }).to_string(),
        after: serde_json::json!({ "open": false, "note": r.note }).to_string(),
    }
}

/// The columns of an attention item, in the order both stores read them.
pub(crate) const ATTENTION_COLUMNS: &str = "id, order_no, county_code, holder, username, \
     device_id, mutation_id, action, payload, recorded_at, code, message_zh, message_en, \
     refused_at, resolved_at, params";
