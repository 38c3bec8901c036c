//! The embedded store: one SQLite file (WAL, fsynced commits), through rusqlite on tokio's
//! blocking pool. rusqlite rather than sqlx: the workspace already links rusqlite 0.43's
//! SQLite, and sqlx 0.8's SQLite driver needs an older libsqlite3-sys that cannot be linked
//! beside it (docs/decisions.md). Writers take `BEGIN IMMEDIATE`, so two hub processes on one
//! file serialize their writes and the change and audit counters stay in commit order.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use casedesk_domain::{InterceptionOutcome, OrderState, Role, WhitelistEntry};
use casedesk_wire::{
    ApplicationChange, AttentionItem, Change, DishonestEntry, EarlierUse, Entity, MaterialFile,
    MutationResult, OrderChange, OrderDeparture, OrderFacts, OrderStateWire, PermitDay,
    WhitelistChange,
};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction, TransactionBehavior};

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
    include_str!("../../../../migrations/hub/sqlite/0001_init.sql"),
    include_str!("../../../../migrations/hub/sqlite/0002_ingest.sql"),
    include_str!("../../../../migrations/hub/sqlite/0003_evidence.sql"),
    include_str!("../../../../migrations/hub/sqlite/0004_attention.sql"),
    include_str!("../../../../migrations/hub/sqlite/0005_departures.sql"),
    include_str!("../../../../migrations/hub/sqlite/0006_interceptions.sql"),
    include_str!("../../../../migrations/hub/sqlite/0007_permits.sql"),
    include_str!("../../../../migrations/hub/sqlite/0008_carrier_credit.sql"),
    include_str!("../../../../migrations/hub/sqlite/0009_attention_params.sql"),
    include_str!("../../../../migrations/hub/sqlite/0010_permit_reviews.sql"),
    include_str!("../../../../migrations/hub/sqlite/0011_permit_pauses.sql"),
];

pub struct SqliteStore {
    /// The one writer: every change goes through it, in turn.
    conn: Arc<Mutex<Connection>>,
    /// Idle read connections. In WAL mode a reader sees the last commit and never waits for the
    /// writer, so the token check of every request does not queue behind a push's disk flush.
    readers: Arc<Mutex<Vec<Connection>>>,
    path: PathBuf,
}

/// Most idle read connections kept; more are opened while many reads run at once.
const IDLE_READERS: usize = 8;

fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(StoreError::TooNew {
            found: version,
            known,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
    }
    tx.commit()?;
    Ok(())
}

impl SqliteStore {
    pub async fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let path = path.to_owned();
        let opened = path.clone();
        let conn = tokio::task::spawn_blocking(move || -> Result<Connection, StoreError> {
            let mut conn = Connection::open(&opened)?;
            conn.busy_timeout(std::time::Duration::from_secs(10))?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            // A hub answers "applied" only for what is on disk (a power cut keeps it).
            conn.pragma_update(None, "synchronous", "FULL")?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            migrate(&mut conn)?;
            Ok(conn)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))??;
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
            readers: Arc::new(Mutex::new(Vec::new())),
            path: path.clone(),
        })
    }

    /// Runs `f` on a read-only connection of its own (taken from the idle ones or opened).
    async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (readers, path) = (self.readers.clone(), self.path.clone());
        tokio::task::spawn_blocking(move || {
            let idle = readers
                .lock()
                .map_err(|_| StoreError::Task("the reader pool lock is poisoned".into()))?
                .pop();
            let mut conn = match idle {
                Some(c) => c,
                None => open_reader(&path)?,
            };
            let result = f(&mut conn);
            if let Ok(mut idle) = readers.lock() {
                if idle.len() < IDLE_READERS {
                    idle.push(conn);
                }
            }
            result
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }

    async fn run<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn
                .lock()
                .map_err(|_| StoreError::Task("the connection lock is poisoned".into()))?;
            f(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }
}

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}: {value}"))
}

const USER_COLUMNS: &str = "id, username, password_hash, role, jurisdiction, disabled";

fn read_user(r: &Row<'_>) -> rusqlite::Result<(i64, String, String, String, String, i64)> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

pub(crate) fn user_from(
    (id, username, password_hash, role, jurisdiction, disabled): (
        i64,
        String,
        String,
        String,
        String,
        i64,
    ),
) -> Result<UserRecord, StoreError> {
    Ok(UserRecord {
        id,
        username,
        password_hash,
        role: Role::from_code(&role).ok_or_else(|| corrupt("role", &role))?,
        jurisdiction: Jurisdiction::parse(&jurisdiction)
            .map_err(|_| corrupt("jurisdiction", &jurisdiction))?,
        disabled: disabled != 0,
    })
}

const ORDER_COLUMNS: &str = "order_no, violation_code, plate, place, detected_at, state, version, \
     seq, updated_at, enterprise, driver";

/// An order row's columns as read, in [`ORDER_COLUMNS`]' order.
pub(crate) struct OrderColumns {
    pub order_no: String,
    pub violation_code: String,
    pub plate: String,
    pub place: String,
    pub detected_at: String,
    pub state: String,
    pub version: i64,
    pub seq: i64,
    pub updated_at: String,
    /// JSON of the platform's facts, or NULL.
    pub enterprise: Option<String>,
    pub driver: Option<String>,
}

fn read_order(r: &Row<'_>) -> rusqlite::Result<OrderColumns> {
    Ok(OrderColumns {
        order_no: r.get(0)?,
        violation_code: r.get(1)?,
        plate: r.get(2)?,
        place: r.get(3)?,
        detected_at: r.get(4)?,
        state: r.get(5)?,
        version: r.get(6)?,
        seq: r.get(7)?,
        updated_at: r.get(8)?,
        enterprise: r.get(9)?,
        driver: r.get(10)?,
    })
}

/// A facts column's JSON (NULL when the platform did not report it).
pub(crate) fn facts_json<T: serde::Serialize>(
    value: &Option<T>,
) -> Result<Option<String>, StoreError> {
    value
        .as_ref()
        .map(|v| serde_json::to_string(v))
        .transpose()
        .map_err(StoreError::from)
}

fn facts_from<T: serde::de::DeserializeOwned>(
    json: Option<String>,
) -> Result<Option<T>, StoreError> {
    json.map(|j| serde_json::from_str(&j))
        .transpose()
        .map_err(StoreError::from)
}

pub(crate) fn order_from(c: OrderColumns) -> Result<OrderRecord, StoreError> {
    let OrderColumns {
        order_no,
        violation_code,
        plate,
        place,
        detected_at,
        state,
        version,
        seq,
        updated_at,
        enterprise,
        driver,
    } = c;
    let wire: OrderStateWire = serde_json::from_str(&state)?;
    Ok(OrderRecord {
        order_no,
        facts: OrderFacts {
            violation_code,
            plate,
            place,
            detected_at,
            enterprise: facts_from(enterprise)?,
            driver: facts_from(driver)?,
        },
        state: OrderState::from(wire),
        version,
        seq,
        updated_at,
    })
}

pub(crate) fn order_wire(o: OrderRecord) -> OrderChange {
    OrderChange {
        seq: o.seq,
        order_no: o.order_no,
        version: o.version,
        facts: o.facts,
        state: OrderStateWire::from(&o.state),
        updated_at: o.updated_at,
    }
}

pub(crate) fn order_change(o: OrderRecord) -> Change {
    Change::WorkOrder(order_wire(o))
}

const WHITELIST_COLUMNS: &str = "id, division, entry, version, seq, updated_at";

type WhitelistColumns = (i64, String, String, i64, i64, String);

fn read_whitelist(r: &Row<'_>) -> rusqlite::Result<WhitelistColumns> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

pub(crate) fn whitelist_from(c: WhitelistColumns) -> Result<(WhitelistRow, String), StoreError> {
    let (id, division, entry, version, seq, updated_at) = c;
    let entry: WhitelistEntry = serde_json::from_str(&entry)?;
    Ok((
        WhitelistRow {
            id,
            division,
            entry,
            version,
            seq,
        },
        updated_at,
    ))
}

pub(crate) fn whitelist_change((w, updated_at): (WhitelistRow, String)) -> Change {
    Change::Whitelist(WhitelistChange {
        seq: w.seq,
        id: w.id,
        version: w.version,
        division: w.division,
        entry: w.entry,
        updated_at,
    })
}

/// Merges the two ordered lists of changes into one page (see [`HubStore::changes`]).
/// The whitelist and dishonest-list rows a pull of `scope` gets, by their `division`: those
/// decided at the caller's level or above, and below it (a county sees its city's and the
/// province's). `param` is the placeholder of the scope's code.
pub(crate) fn division_filter(scope: &Jurisdiction, param: &str) -> String {
    match scope {
        Jurisdiction::Province => format!("{param} = {param}"),
        _ => format!(
            "(substr({param}, 1, length(division)) = division
               OR substr(division, 1, length({param})) = {param})"
        ),
    }
}

/// The departures a pull of `scope` gets: orders that left it and are outside it now (an
/// order reassigned back is sent as itself). `param` is the placeholder of the scope's code;
/// `d` is `order_departures` and `w` the order's row. None for the province, which no order
/// leaves.
pub(crate) fn departure_filter(scope: &Jurisdiction, param: &str) -> Option<String> {
    match scope {
        Jurisdiction::Province => None,
        Jurisdiction::City(_) => Some(format!("d.city_code = {param} AND w.city_code <> {param}")),
        Jurisdiction::County(_) => Some(format!(
            "d.county_code = {param} AND w.county_code <> {param}"
        )),
    }
}

pub(crate) fn page(mut changes: Vec<Change>, limit: u32, top: i64, after: i64) -> ChangePage {
    changes.sort_by_key(Change::seq);
    let has_more = changes.len() > limit as usize;
    changes.truncate(limit as usize);
    // A full page ends at its last change; otherwise everything up to the counter read before
    // the queries has been examined, including changes outside this jurisdiction.
    let next_checkpoint = if has_more {
        changes.last().map_or(after, Change::seq)
    } else {
        top.max(after)
    };
    ChangePage {
        changes,
        next_checkpoint,
        has_more,
    }
}

fn next_counter(tx: &Transaction<'_>, name: &str) -> Result<i64, StoreError> {
    Ok(tx.query_row(
        "UPDATE counters SET value = value + 1 WHERE name = ?1 RETURNING value",
        [name],
        |r| r.get(0),
    )?)
}

fn append_audit(tx: &Transaction<'_>, e: &AuditEntry) -> Result<(), StoreError> {
    let id = next_counter(tx, "audit")?;
    let prev: String = if id == 1 {
        GENESIS.to_string()
    } else {
        tx.query_row("SELECT hash FROM audit_log WHERE id = ?1", [id - 1], |r| {
            r.get(0)
        })
        .optional()?
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
    tx.execute(
        "INSERT INTO audit_log(id, at, username, device_id, action, entity, entity_key,
             mutation_id, before, after, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            id,
            e.at,
            e.username,
            e.device_id,
            e.action,
            e.entity,
            e.entity_key,
            e.mutation_id,
            e.before,
            e.after,
            prev,
            hash
        ],
    )?;
    Ok(())
}

fn insert_attention(tx: &Transaction<'_>, a: &AttentionItem) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO attention_items(order_no, county_code, city_code, holder, username,
             device_id, mutation_id, action, payload, recorded_at, code, message_zh, message_en,
             refused_at, params)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            a.order_no,
            a.county_code,
            city_of(&a.county_code),
            a.holder,
            a.username,
            a.device_id,
            a.mutation_id,
            a.action,
            a.payload.to_string(),
            a.recorded_at,
            a.code,
            a.message_zh,
            a.message_en,
            a.refused_at,
            serde_json::to_string(&a.params)?
        ],
    )?;
    Ok(())
}

/// An attention row in [`ATTENTION_COLUMNS`]' order, and whether it is resolved.
fn read_attention(r: &Row<'_>) -> rusqlite::Result<(AttentionItem, String, bool)> {
    let resolved: Option<String> = r.get(14)?;
    Ok((
        AttentionItem {
            id: r.get(0)?,
            order_no: r.get(1)?,
            county_code: r.get(2)?,
            holder: r.get(3)?,
            username: r.get(4)?,
            device_id: r.get(5)?,
            mutation_id: r.get(6)?,
            action: r.get(7)?,
            payload: serde_json::Value::Null,
            recorded_at: r.get(9)?,
            code: r.get(10)?,
            message_zh: r.get(11)?,
            message_en: r.get(12)?,
            refused_at: r.get(13)?,
            // Written by this hub from a map; an unreadable one leaves the hub's texts.
            params: serde_json::from_str(&r.get::<_, String>(15)?).unwrap_or_default(),
        },
        r.get(8)?,
        resolved.is_some(),
    ))
}

/// The item with its payload read from the stored JSON text.
pub(crate) fn with_payload(
    mut item: AttentionItem,
    payload: &str,
) -> Result<AttentionItem, StoreError> {
    item.payload = serde_json::from_str(payload)?;
    Ok(item)
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

/// A new order row (version 1) as both ways of making one write it.
pub(crate) struct NewOrderRow<'a> {
    pub order_no: &'a str,
    pub facts: &'a OrderFacts,
    pub state: &'a OrderState,
    pub alarm_id: Option<&'a str>,
    pub version: i64,
    pub seq: i64,
    pub at: &'a str,
}

/// Records an applied interception of `order`'s vehicle and, after a clean one, the whitelist
/// entry the rule proposes ([`crate::proposal`]), with its change number and audit row.
fn record_interception(
    tx: &Transaction<'_>,
    ctx: &MutationContext,
    order: &OrderRecord,
    county: &str,
    outcome: InterceptionOutcome,
    at: &str,
) -> Result<(), StoreError> {
    let plate = order.facts.plate.as_str();
    tx.execute(
        "INSERT INTO interceptions(plate, order_no, outcome, at) VALUES (?1, ?2, ?3, ?4)",
        params![plate, order.order_no, outcome.code(), at],
    )?;
    if outcome != InterceptionOutcome::NothingFound {
        return Ok(());
    }
    let (clean, found): (u32, u32) = tx.query_row(
        "SELECT coalesce(sum(outcome = 'nothing_found'), 0),
                coalesce(sum(outcome = 'violation_found'), 0)
         FROM interceptions WHERE plate = ?1",
        [plate],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let states: Vec<String> = tx
        .prepare_cached("SELECT state FROM work_orders WHERE plate = ?1")?
        .query_map([plate], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let confirmed_orders = crate::proposal::confirmed_orders(&states)?;
    let has_open_entry: bool = tx.query_row(
        "SELECT EXISTS(SELECT 1 FROM whitelist_entries
             WHERE plate = ?1 AND status IN ('proposed', 'approved'))",
        [plate],
        |r| r.get(0),
    )?;
    let record = crate::proposal::PlateRecord {
        clean,
        found,
        confirmed_orders,
        has_open_entry,
    };
    let Some(entry) = crate::proposal::after_clean_interception(order, &record, ctx.now.date())
    else {
        return Ok(());
    };
    let seq = next_counter(tx, "change")?;
    let json = serde_json::to_string(&entry)?;
    tx.execute(
        "INSERT INTO whitelist_entries(plate, division, status, entry, version, seq, updated_at)
         VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6)",
        params![plate, county, entry.status.code(), json, seq, at],
    )?;
    append_audit(tx, &proposal_audit(ctx, &entry, at))
}

/// Whether the hub holds the file `sha256` as evidence of `order_no`.
fn held_for(tx: &Transaction<'_>, sha256: &str, order_no: &str) -> Result<bool, StoreError> {
    Ok(tx
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM evidence_orders WHERE sha256 = ?1 AND order_no = ?2)",
        )?
        .query_row([sha256, order_no], |r| r.get(0))?)
}

/// Decides one mutation and records its result, change number and audit row in `tx`; an id
/// seen before gets its stored answer.
fn decide_and_record(
    tx: &Transaction<'_>,
    ctx: &MutationContext,
) -> Result<MutationResult, StoreError> {
    let m = &ctx.mutation;
    let seen: Option<(String, String)> = tx
        .query_row(
            "SELECT result, digest FROM applied_mutations WHERE mutation_id = ?1",
            [&m.mutation_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((stored, stored_digest)) = seen {
        return answer_again(&m.mutation_id, &stored, &stored_digest, &ctx.digest);
    }
    let key = m.entity_key.trim();
    let loaded = match m.entity {
        Entity::WorkOrder => {
            let order = order_row(tx, key)?.map(Box::new);
            let whitelist = match &order {
                Some(o) => whitelist_rows(tx, &o.facts.plate)?,
                None => Vec::new(),
            };
            let mut missing_evidence = Vec::new();
            for e in crate::push::named_evidence(m) {
                if !held_for(tx, &e.hash, key)? {
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
            plate_entries: whitelist_rows(tx, key)?,
        },
        Entity::PermitApplication => {
            let application = application_row(tx, key)?;
            let day_closed = match &application {
                Some(a) => day_row(tx, &a.submission.service_point, &a.day)?
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
    let result = match crate::push::decide(ctx, &loaded) {
        Decision::Reject(rejection) => {
            // Another officer's work on an order someone else holds: kept for the supervisors,
            // in the refusal's transaction.
            if let Some(item) = crate::attention::item_for(ctx, &loaded, &rejection) {
                insert_attention(tx, &item)?;
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
            let seq = next_counter(tx, "change")?;
            let version: i64 = tx.query_row(
                "UPDATE work_orders SET county_code = ?1, city_code = ?2, status = ?3,
                     claimed_by = ?4, state = ?5, version = version + 1, seq = ?6,
                     updated_at = ?7
                 WHERE order_no = ?8 RETURNING version",
                params![
                    state.county_code,
                    city_of(&state.county_code),
                    state.status.code(),
                    state.claimed_by,
                    serde_json::to_string(&OrderStateWire::from(&state))?,
                    seq,
                    at,
                    key
                ],
                |r| r.get(0),
            )?;
            if let Some(left) = loaded.county_left(&state) {
                tx.execute(
                    "INSERT INTO order_departures(seq, order_no, county_code, city_code)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![seq, key, left, city_of(left)],
                )?;
            }
            append_audit(tx, &audit(before, after))?;
            if let (Some(outcome), Some(order)) = (crate::proposal::interception(m), loaded.order())
            {
                record_interception(tx, ctx, order, &state.county_code, outcome, &at)?;
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
            let seq = next_counter(tx, "change")?;
            let json = serde_json::to_string(&entry)?;
            let version: i64 = match id {
                Some(id) => tx.query_row(
                    "UPDATE whitelist_entries SET status = ?1, entry = ?2,
                         version = version + 1, seq = ?3, updated_at = ?4
                     WHERE id = ?5 RETURNING version",
                    params![entry.status.code(), json, seq, at, id],
                    |r| r.get(0),
                )?,
                None => tx.query_row(
                    "INSERT INTO whitelist_entries(plate, division, status, entry, version,
                         seq, updated_at)
                     VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6) RETURNING version",
                    params![entry.plate, division, entry.status.code(), json, seq, at],
                    |r| r.get(0),
                )?,
            };
            append_audit(tx, &audit(before, after))?;
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
            let seq = next_counter(tx, "change")?;
            let version: i64 = tx.query_row(
                "UPDATE permit_applications SET review = ?1, verdict = ?2, pauses = ?3,
                     version = version + 1, seq = ?4, updated_at = ?5
                 WHERE application_id = ?6 RETURNING version",
                params![
                    review.as_ref().map(serde_json::to_string).transpose()?,
                    review.as_ref().map(|r| r.review.verdict.code()),
                    serde_json::to_string(&pauses)?,
                    seq,
                    at,
                    key
                ],
                |r| r.get(0),
            )?;
            append_audit(tx, &audit(before, after))?;
            MutationResult::Applied {
                mutation_id: m.mutation_id.clone(),
                new_version: version,
            }
        }
    };
    tx.execute(
        "INSERT INTO applied_mutations(mutation_id, digest, user_id, device_id, entity,
             entity_key, action, result, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            m.mutation_id,
            ctx.digest,
            ctx.user.id,
            m.device_id,
            m.entity.code(),
            key,
            m.action,
            stored_result(&result)?,
            at
        ],
    )?;
    Ok(result)
}

/// A new order with its change number and audit row, in the caller's transaction.
fn insert_new_order(
    tx: &Transaction<'_>,
    order: SeedOrder,
    by: &str,
    at: String,
) -> Result<OrderRecord, StoreError> {
    let SeedOrder {
        order_no,
        facts,
        state,
        version,
    } = order;
    if order_row(tx, &order_no)?.is_some() {
        return Err(StoreError::Conflict(format!(
            "work order {order_no} already exists"
        )));
    }
    let seq = next_counter(tx, "change")?;
    let new = NewOrderRow {
        order_no: &order_no,
        facts: &facts,
        state: &state,
        alarm_id: None,
        version,
        seq,
        at: &at,
    };
    insert_order_row(tx, &new)?;
    let after = serde_json::json!({ "facts": facts, "state": OrderStateWire::from(&state) });
    append_audit(
        tx,
        &order_audit("order_create", &order_no, by, "", &at, after),
    )?;
    Ok(OrderRecord {
        order_no,
        facts,
        state,
        version,
        seq,
        updated_at: at,
    })
}

fn insert_order_row(tx: &Transaction<'_>, o: &NewOrderRow<'_>) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO work_orders(order_no, violation_code, plate, place, detected_at,
             county_code, city_code, status, claimed_by, state, version, seq, updated_at,
             alarm_id, enterprise, driver)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?16, ?11, ?12, ?13, ?14, ?15)",
        params![
            o.order_no,
            o.facts.violation_code,
            o.facts.plate,
            o.facts.place,
            o.facts.detected_at,
            o.state.county_code,
            city_of(&o.state.county_code),
            o.state.status.code(),
            o.state.claimed_by,
            serde_json::to_string(&OrderStateWire::from(o.state))?,
            o.seq,
            o.at,
            o.alarm_id,
            facts_json(&o.facts.enterprise)?,
            facts_json(&o.facts.driver)?,
            o.version,
        ],
    )?;
    Ok(())
}

/// The audit row of an order made (by the demo, or from a platform alarm).
pub(crate) fn order_audit(
    action: &str,
    order_no: &str,
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
        entity: Entity::WorkOrder.code().into(),
        entity_key: order_no.to_string(),
        mutation_id: None,
        before: "null".into(),
        after: after.to_string(),
    }
}

fn whitelist_rows(tx: &Transaction<'_>, plate: &str) -> Result<Vec<WhitelistRow>, StoreError> {
    let mut stmt = tx.prepare(&format!(
        "SELECT {WHITELIST_COLUMNS} FROM whitelist_entries WHERE plate = ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map([plate], read_whitelist)?;
    let mut out = Vec::new();
    for r in rows {
        out.push(whitelist_from(r?)?.0);
    }
    Ok(out)
}

fn order_row(conn: &Connection, order_no: &str) -> Result<Option<OrderRecord>, StoreError> {
    conn.query_row(
        &format!("SELECT {ORDER_COLUMNS} FROM work_orders WHERE order_no = ?1"),
        [order_no],
        read_order,
    )
    .optional()?
    .map(order_from)
    .transpose()
}

fn revoke_tokens(tx: &Transaction<'_>, user_id: i64) -> Result<(), StoreError> {
    tx.execute("DELETE FROM access_tokens WHERE user_id = ?1", [user_id])?;
    tx.execute(
        "UPDATE refresh_tokens SET revoked = 1 WHERE user_id = ?1",
        [user_id],
    )?;
    Ok(())
}

#[async_trait]
impl HubStore for SqliteStore {
    fn engine(&self) -> &'static str {
        "sqlite"
    }

    async fn add_user(&self, user: NewUser, at: &str) -> Result<UserRecord, StoreError> {
        let at = at.to_string();
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let exists: Option<i64> = tx
                .query_row(
                    "SELECT id FROM users WHERE username = ?1",
                    [&user.username],
                    |r| r.get(0),
                )
                .optional()?;
            if exists.is_some() {
                return Err(StoreError::Conflict(format!(
                    "user {} already exists",
                    user.username
                )));
            }
            tx.execute(
                "INSERT INTO users(username, password_hash, role, jurisdiction, disabled, created_at)
                 VALUES (?1, ?2, ?3, ?4, 0, ?5)",
                params![
                    user.username,
                    user.password_hash,
                    user.role.code(),
                    user.jurisdiction.code(),
                    at
                ],
            )?;
            let id = tx.last_insert_rowid();
            let after = serde_json::json!({
                "role": user.role.code(),
                "jurisdiction": user.jurisdiction.code(),
            });
            append_audit(&tx, &admin_audit("user_add", &user.username, &at, after.to_string()))?;
            tx.commit()?;
            Ok(UserRecord {
                id,
                username: user.username,
                password_hash: user.password_hash,
                role: user.role,
                jurisdiction: user.jurisdiction,
                disabled: false,
            })
        })
        .await
    }

    async fn user(&self, username: &str) -> Result<Option<UserRecord>, StoreError> {
        let username = username.to_string();
        self.read(move |conn| {
            conn.query_row(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE username = ?1"),
                [username],
                read_user,
            )
            .optional()?
            .map(user_from)
            .transpose()
        })
        .await
    }

    async fn list_users(&self) -> Result<Vec<UserRecord>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare(&format!(
                "SELECT {USER_COLUMNS} FROM users ORDER BY username"
            ))?;
            let rows = stmt.query_map([], read_user)?;
            let mut out = Vec::new();
            for r in rows {
                out.push(user_from(r?)?);
            }
            Ok(out)
        })
        .await
    }

    async fn set_password(&self, username: &str, hash: &str, at: &str) -> Result<bool, StoreError> {
        let (username, hash, at) = (username.to_string(), hash.to_string(), at.to_string());
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let id: Option<i64> = tx
                .query_row(
                    "SELECT id FROM users WHERE username = ?1",
                    [&username],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(id) = id else { return Ok(false) };
            tx.execute(
                "UPDATE users SET password_hash = ?1 WHERE id = ?2",
                params![hash, id],
            )?;
            revoke_tokens(&tx, id)?;
            append_audit(
                &tx,
                &admin_audit("user_passwd", &username, &at, "null".into()),
            )?;
            tx.commit()?;
            Ok(true)
        })
        .await
    }

    async fn set_disabled(
        &self,
        username: &str,
        disabled: bool,
        at: &str,
    ) -> Result<bool, StoreError> {
        let (username, at) = (username.to_string(), at.to_string());
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let id: Option<i64> = tx
                .query_row(
                    "SELECT id FROM users WHERE username = ?1",
                    [&username],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(id) = id else { return Ok(false) };
            tx.execute(
                "UPDATE users SET disabled = ?1 WHERE id = ?2",
                params![i64::from(disabled), id],
            )?;
            if disabled {
                revoke_tokens(&tx, id)?;
            }
            let action = if disabled {
                "user_disable"
            } else {
                "user_enable"
            };
            append_audit(&tx, &admin_audit(action, &username, &at, "null".into()))?;
            tx.commit()?;
            Ok(true)
        })
        .await
    }

    async fn login_failures(
        &self,
        username: &str,
        client: &str,
        since: i64,
    ) -> Result<(u32, u32), StoreError> {
        let (username, client) = (username.to_string(), client.to_string());
        self.run(move |conn| {
            let by_user: i64 = conn.query_row(
                "SELECT count(*) FROM login_attempts WHERE username = ?1 AND at >= ?2 AND ok = 0
                   AND id > coalesce((SELECT max(id) FROM login_attempts
                                  WHERE username = ?1 AND ok = 1), 0)",
                params![username, since],
                |r| r.get(0),
            )?;
            let by_client: i64 = conn.query_row(
                "SELECT count(*) FROM login_attempts WHERE client = ?1 AND at >= ?2 AND ok = 0",
                params![client, since],
                |r| r.get(0),
            )?;
            Ok((by_user as u32, by_client as u32))
        })
        .await
    }

    async fn record_login(
        &self,
        username: &str,
        client: &str,
        at: i64,
        ok: bool,
    ) -> Result<(), StoreError> {
        let (username, client) = (username.to_string(), client.to_string());
        self.run(move |conn| {
            // Rows older than a day count for nothing; each login sweeps its name's and its
            // client's (both indexed), so the table stays bounded.
            conn.execute(
                "DELETE FROM login_attempts WHERE username = ?1 AND at < ?2",
                params![username, at - 86_400],
            )?;
            conn.execute(
                "DELETE FROM login_attempts WHERE client = ?1 AND at < ?2",
                params![client, at - 86_400],
            )?;
            conn.execute(
                "INSERT INTO login_attempts(username, client, at, ok) VALUES (?1, ?2, ?3, ?4)",
                params![username, client, at, i64::from(ok)],
            )?;
            Ok(())
        })
        .await
    }

    async fn insert_access_token(
        &self,
        token_hash: &str,
        user_id: i64,
        device_id: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let (token_hash, device_id) = (token_hash.to_string(), device_id.to_string());
        self.run(move |conn| {
            // Expired tokens are swept as new ones are issued, so the table stays small.
            conn.execute(
                "DELETE FROM access_tokens WHERE expires_at < ?1",
                [expires_at - 86_400],
            )?;
            conn.execute(
                "INSERT INTO access_tokens(token_hash, user_id, device_id, expires_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![token_hash, user_id, device_id, expires_at],
            )?;
            Ok(())
        })
        .await
    }

    async fn access_token_user(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<UserRecord>, StoreError> {
        let token_hash = token_hash.to_string();
        self.read(move |conn| {
            conn.query_row(
                "SELECT u.id, u.username, u.password_hash, u.role, u.jurisdiction, u.disabled
                 FROM access_tokens t JOIN users u ON u.id = t.user_id
                 WHERE t.token_hash = ?1 AND t.expires_at > ?2 AND u.disabled = 0",
                params![token_hash, now],
                read_user,
            )
            .optional()?
            .map(user_from)
            .transpose()
        })
        .await
    }

    async fn insert_refresh_token(&self, t: NewRefresh) -> Result<(), StoreError> {
        self.run(move |conn| {
            conn.execute(
                "INSERT INTO refresh_tokens(token_hash, family, user_id, device_id, expires_at, revoked)
                 VALUES (?1, ?2, ?3, ?4, ?5, 0)",
                params![t.token_hash, t.family, t.user_id, t.device_id, t.expires_at],
            )?;
            Ok(())
        })
        .await
    }

    async fn rotate_refresh_token(
        &self,
        old_hash: &str,
        new_hash: &str,
        new_expires_at: i64,
        now: i64,
    ) -> Result<RefreshOutcome, StoreError> {
        let (old_hash, new_hash) = (old_hash.to_string(), new_hash.to_string());
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let row: Option<(String, i64, String, i64, i64)> = tx
                .query_row(
                    "SELECT family, user_id, device_id, expires_at, revoked
                     FROM refresh_tokens WHERE token_hash = ?1",
                    [&old_hash],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )
                .optional()?;
            let Some((family, user_id, device_id, expires_at, revoked)) = row else {
                return Ok(RefreshOutcome::Invalid);
            };
            if revoked != 0 {
                tx.execute(
                    "UPDATE refresh_tokens SET revoked = 1 WHERE family = ?1",
                    [&family],
                )?;
                tx.commit()?;
                return Ok(RefreshOutcome::Reused);
            }
            let user = tx
                .query_row(
                    &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"),
                    [user_id],
                    read_user,
                )
                .optional()?
                .map(user_from)
                .transpose()?;
            let user = match user {
                Some(u) if !u.disabled && expires_at > now => u,
                _ => return Ok(RefreshOutcome::Invalid),
            };
            tx.execute(
                "UPDATE refresh_tokens SET revoked = 1 WHERE token_hash = ?1",
                [&old_hash],
            )?;
            tx.execute(
                "INSERT INTO refresh_tokens(token_hash, family, user_id, device_id, expires_at, revoked)
                 VALUES (?1, ?2, ?3, ?4, ?5, 0)",
                params![new_hash, family, user_id, device_id, new_expires_at],
            )?;
            tx.commit()?;
            Ok(RefreshOutcome::Rotated { user, device_id })
        })
        .await
    }

    async fn insert_order(
        &self,
        order: &SeedOrder,
        by: &str,
        at: &str,
    ) -> Result<OrderRecord, StoreError> {
        let order = order.clone();
        let (by, at) = (by.to_string(), at.to_string());
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let record = insert_new_order(&tx, order, &by, at)?;
            tx.commit()?;
            Ok(record)
        })
        .await
    }

    async fn insert_orders(
        &self,
        orders: Vec<SeedOrder>,
        by: &str,
        at: &str,
    ) -> Result<u64, StoreError> {
        let (by, at) = (by.to_string(), at.to_string());
        self.run(move |conn| {
            // One transaction for all: one fsync instead of one per order.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let n = orders.len() as u64;
            for order in orders {
                insert_new_order(&tx, order, &by, at.clone())?;
            }
            tx.commit()?;
            Ok(n)
        })
        .await
    }

    async fn ingest_order(&self, alarm: AlarmOrder) -> Result<Ingested, StoreError> {
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let seen: Option<String> = tx
                .query_row(
                    "SELECT order_no FROM work_orders WHERE alarm_id = ?1",
                    [&alarm.alarm_id],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(order_no) = seen {
                return Ok(Ingested::Duplicate { order_no });
            }
            let whitelisted = crate::push::whitelist_in_force(
                &whitelist_rows(&tx, &alarm.facts.plate)?,
                &alarm.state.county_code,
                alarm.now.date(),
            );
            let seq = next_counter(&tx, "change")?;
            let order_no = crate::ingest::order_no(&alarm.facts.detected_at, seq);
            let at = crate::clock::stamp(alarm.now);
            insert_order_row(
                &tx,
                &NewOrderRow {
                    order_no: &order_no,
                    facts: &alarm.facts,
                    state: &alarm.state,
                    alarm_id: Some(&alarm.alarm_id),
                    version: 1,
                    seq,
                    at: &at,
                },
            )?;
            let after = crate::ingest::audit_after(&alarm, whitelisted);
            append_audit(
                &tx,
                &order_audit("ingest", &order_no, &alarm.by, &alarm.device_id, &at, after),
            )?;
            tx.commit()?;
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
        })
        .await
    }

    async fn order(&self, order_no: &str) -> Result<Option<OrderRecord>, StoreError> {
        let order_no = order_no.to_string();
        self.read(move |conn| order_row(conn, &order_no)).await
    }

    async fn apply_mutation(&self, ctx: MutationContext) -> Result<MutationResult, StoreError> {
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let result = decide_and_record(&tx, &ctx)?;
            tx.commit()?;
            Ok(result)
        })
        .await
    }

    async fn apply_mutations(
        &self,
        batch: Vec<MutationContext>,
    ) -> Result<Vec<MutationResult>, StoreError> {
        self.run(move |conn| {
            // The whole push in one transaction: one fsync for the batch instead of one per
            // mutation. Each is decided on the state its predecessors left; a failure keeps none.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let results = batch
                .iter()
                .map(|ctx| decide_and_record(&tx, ctx))
                .collect::<Result<Vec<_>, _>>()?;
            tx.commit()?;
            Ok(results)
        })
        .await
    }

    async fn changes(
        &self,
        after: i64,
        limit: u32,
        scope: &Jurisdiction,
    ) -> Result<ChangePage, StoreError> {
        let scope = scope.clone();
        // On the writer's connection, not a reader: measured, a county's first sync pulls in
        // 0.97 s there and 1.5 s on a read-only connection, and 500 desks' p99 is the same
        // either way (docs/benchmarks.md).
        self.run(move |conn| {
            // One read transaction: the counter and both tables from the same snapshot.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
            let top: i64 = tx.query_row(
                "SELECT value FROM counters WHERE name = 'change'",
                [],
                |r| r.get(0),
            )?;
            let fetch = i64::from(limit) + 1;
            let order_filter = match scope {
                Jurisdiction::Province => "?3 = ?3",
                Jurisdiction::City(_) => "city_code = ?3",
                Jurisdiction::County(_) => "county_code = ?3",
            };
            let whitelist_filter = division_filter(&scope, "?3");
            let code = scope.code().to_string();
            let mut changes = Vec::new();
            {
                let mut stmt = tx.prepare(&format!(
                    "SELECT {ORDER_COLUMNS} FROM work_orders
                     WHERE seq > ?1 AND seq <= ?2 AND {order_filter} ORDER BY seq LIMIT ?4"
                ))?;
                for r in stmt.query_map(params![after, top, code, fetch], read_order)? {
                    changes.push(order_change(order_from(r?)?));
                }
                let mut stmt = tx.prepare(&format!(
                    "SELECT {WHITELIST_COLUMNS} FROM whitelist_entries
                     WHERE seq > ?1 AND seq <= ?2 AND {whitelist_filter} ORDER BY seq LIMIT ?4"
                ))?;
                for r in stmt.query_map(params![after, top, code, fetch], read_whitelist)? {
                    changes.push(whitelist_change(whitelist_from(r?)?));
                }
                if let Some(left) = departure_filter(&scope, "?3") {
                    let mut stmt = tx.prepare(&format!(
                        "SELECT d.seq, d.order_no FROM order_departures d
                         JOIN work_orders w ON w.order_no = d.order_no
                         WHERE d.seq > ?1 AND d.seq <= ?2 AND {left} ORDER BY d.seq LIMIT ?4"
                    ))?;
                    for r in stmt.query_map(params![after, top, code, fetch], |r| {
                        Ok(Change::Departure(OrderDeparture {
                            seq: r.get(0)?,
                            order_no: r.get(1)?,
                        }))
                    })? {
                        changes.push(r?);
                    }
                }
            }
            SqliteStore::permit_changes(&tx, after, top, &scope, fetch, &mut changes)?;
            tx.commit()?;
            Ok(page(changes, limit, top, after))
        })
        .await
    }

    async fn audit_rows(&self, after_id: i64, limit: u32) -> Result<Vec<AuditRow>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare(
                "SELECT id, at, username, device_id, action, entity, entity_key, mutation_id,
                     before, after, prev_hash, hash
                 FROM audit_log WHERE id > ?1 ORDER BY id LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![after_id, limit], |r| {
                Ok(AuditRow {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    username: r.get(2)?,
                    device_id: r.get(3)?,
                    action: r.get(4)?,
                    entity: r.get(5)?,
                    entity_key: r.get(6)?,
                    mutation_id: r.get(7)?,
                    before: r.get(8)?,
                    after: r.get(9)?,
                    prev_hash: r.get(10)?,
                    hash: r.get(11)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn audit_head(&self) -> Result<i64, StoreError> {
        self.read(|conn| {
            Ok(
                conn.query_row("SELECT value FROM counters WHERE name = 'audit'", [], |r| {
                    r.get(0)
                })?,
            )
        })
        .await
    }

    async fn create_upload(&self, u: NewUpload) -> Result<UploadStart, StoreError> {
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let stored = tx
                .query_row(
                    "SELECT 1 FROM evidence WHERE sha256 = ?1",
                    [&u.sha256],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if stored {
                let attached = tx.execute(
                    "INSERT OR IGNORE INTO evidence_orders(sha256, order_no) VALUES (?1, ?2)",
                    params![u.sha256, u.order_no],
                )?;
                if attached > 0 {
                    let after = serde_json::json!({ "order_no": u.order_no });
                    append_audit(
                        &tx,
                        &evidence_audit(
                            "evidence_attach",
                            &u.username,
                            &u.device_id,
                            &u.sha256,
                            after,
                            &u.at,
                        ),
                    )?;
                }
                tx.commit()?;
                return Ok(UploadStart::AlreadyStored);
            }
            tx.execute(
                "INSERT INTO evidence_uploads(upload_id, sha256, size, mime, file_name, order_no,
                     user_id, device_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    u.upload_id,
                    u.sha256,
                    u.size as i64,
                    u.mime,
                    u.file_name,
                    u.order_no,
                    u.user_id,
                    u.device_id,
                    u.at
                ],
            )?;
            tx.commit()?;
            Ok(UploadStart::Started)
        })
        .await
    }

    async fn upload(&self, upload_id: &str) -> Result<Option<UploadRecord>, StoreError> {
        let id = upload_id.to_string();
        self.run(move |conn| {
            Ok(conn
                .query_row(
                    "SELECT upload_id, sha256, size, mime, file_name, order_no, user_id,
                         device_id, upload_offset, complete
                     FROM evidence_uploads WHERE upload_id = ?1",
                    [id],
                    |r| {
                        Ok(UploadRecord {
                            upload_id: r.get(0)?,
                            sha256: r.get(1)?,
                            size: r.get::<_, i64>(2)? as u64,
                            mime: r.get(3)?,
                            file_name: r.get(4)?,
                            order_no: r.get(5)?,
                            user_id: r.get(6)?,
                            device_id: r.get(7)?,
                            offset: r.get::<_, i64>(8)? as u64,
                            complete: r.get::<_, i64>(9)? != 0,
                        })
                    },
                )
                .optional()?)
        })
        .await
    }

    async fn advance_upload(
        &self,
        upload_id: &str,
        from: u64,
        len: u64,
        object_key: &str,
    ) -> Result<bool, StoreError> {
        let (id, key) = (upload_id.to_string(), object_key.to_string());
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let moved = tx.execute(
                "UPDATE evidence_uploads SET upload_offset = ?3
                 WHERE upload_id = ?1 AND upload_offset = ?2 AND complete = 0",
                params![id, from as i64, (from + len) as i64],
            )?;
            if moved == 0 {
                return Ok(false);
            }
            tx.execute(
                "INSERT INTO evidence_upload_chunks(upload_id, start_offset, len, object_key)
                 VALUES (?1, ?2, ?3, ?4)",
                params![id, from as i64, len as i64, key],
            )?;
            tx.commit()?;
            Ok(true)
        })
        .await
    }

    async fn upload_chunks(&self, upload_id: &str) -> Result<Vec<ChunkRecord>, StoreError> {
        let id = upload_id.to_string();
        self.run(move |conn| {
            let mut stmt = conn.prepare(
                "SELECT start_offset, len, object_key FROM evidence_upload_chunks
                 WHERE upload_id = ?1 ORDER BY start_offset",
            )?;
            let rows = stmt.query_map([id], |r| {
                Ok(ChunkRecord {
                    start: r.get::<_, i64>(0)? as u64,
                    len: r.get::<_, i64>(1)? as u64,
                    object_key: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn complete_upload(&self, upload_id: &str, by: &str, at: &str) -> Result<(), StoreError> {
        let (id, by, at) = (upload_id.to_string(), by.to_string(), at.to_string());
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let (sha, size, mime, name, order_no, device): (
                String,
                i64,
                String,
                String,
                String,
                String,
            ) = tx.query_row(
                "SELECT sha256, size, mime, file_name, order_no, device_id
                     FROM evidence_uploads WHERE upload_id = ?1 AND complete = 0",
                [&id],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                },
            )?;
            tx.execute(
                "INSERT OR IGNORE INTO evidence(sha256, size, mime, file_name, stored_at, stored_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![sha, size, mime, name, at, by],
            )?;
            tx.execute(
                "INSERT OR IGNORE INTO evidence_orders(sha256, order_no) VALUES (?1, ?2)",
                params![sha, order_no],
            )?;
            tx.execute(
                "UPDATE evidence_uploads SET complete = 1 WHERE upload_id = ?1",
                [&id],
            )?;
            tx.execute(
                "DELETE FROM evidence_upload_chunks WHERE upload_id = ?1",
                [&id],
            )?;
            let after = serde_json::json!({
                "size": size, "mime": mime, "file_name": name, "order_no": order_no
            });
            append_audit(
                &tx,
                &evidence_audit("evidence_store", &by, &device, &sha, after, &at),
            )?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn discard_upload(&self, upload_id: &str) -> Result<(), StoreError> {
        let id = upload_id.to_string();
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "DELETE FROM evidence_upload_chunks WHERE upload_id = ?1",
                [&id],
            )?;
            tx.execute("DELETE FROM evidence_uploads WHERE upload_id = ?1", [&id])?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn stale_uploads(&self, created_before: &str) -> Result<Vec<String>, StoreError> {
        let before = created_before.to_string();
        self.read(move |conn| {
            let mut stmt = conn.prepare(
                "SELECT upload_id FROM evidence_uploads
                 WHERE complete = 0 AND created_at < ?1 ORDER BY created_at",
            )?;
            let ids = stmt
                .query_map([&before], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            Ok(ids)
        })
        .await
    }

    async fn evidence(&self, sha256: &str) -> Result<Option<EvidenceRecord>, StoreError> {
        let sha = sha256.to_string();
        self.read(move |conn| {
            let Some((size, mime, file_name)) = conn
                .query_row(
                    "SELECT size, mime, file_name FROM evidence WHERE sha256 = ?1",
                    [&sha],
                    |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                        ))
                    },
                )
                .optional()?
            else {
                return Ok(None);
            };
            let mut stmt = conn.prepare(
                "SELECT o.county_code FROM evidence_orders e
                 JOIN work_orders o ON o.order_no = e.order_no WHERE e.sha256 = ?1
                 UNION
                 SELECT a.service_point FROM permit_materials m
                 JOIN permit_applications a ON a.application_id = m.application_id
                 WHERE m.sha256 = ?1",
            )?;
            let counties = stmt
                .query_map([&sha], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()?;
            Ok(Some(EvidenceRecord {
                sha256: sha,
                size: size as u64,
                mime,
                file_name,
                counties,
            }))
        })
        .await
    }

    async fn open_attention(&self, scope: &Jurisdiction) -> Result<Vec<AttentionItem>, StoreError> {
        let (filter, code) = match scope {
            Jurisdiction::Province => ("?1 = ?1", String::new()),
            Jurisdiction::City(c) => ("city_code = ?1", c.clone()),
            Jurisdiction::County(c) => ("county_code = ?1", c.clone()),
        };
        self.read(move |conn| {
            let mut stmt = conn.prepare(&format!(
                "SELECT {ATTENTION_COLUMNS} FROM attention_items
                 WHERE resolved_at IS NULL AND {filter} ORDER BY id"
            ))?;
            let rows = stmt
                .query_map([code], read_attention)?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|(item, payload, _)| with_payload(item, &payload))
                .collect()
        })
        .await
    }

    async fn attention_item(&self, id: i64) -> Result<Option<(AttentionItem, bool)>, StoreError> {
        self.read(move |conn| {
            let row = conn
                .query_row(
                    &format!("SELECT {ATTENTION_COLUMNS} FROM attention_items WHERE id = ?1"),
                    [id],
                    read_attention,
                )
                .optional()?;
            row.map(|(item, payload, resolved)| Ok((with_payload(item, &payload)?, resolved)))
                .transpose()
        })
        .await
    }

    async fn resolve_attention(&self, r: AttentionResolution) -> Result<bool, StoreError> {
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let row = tx
                .query_row(
                    &format!(
                        "SELECT {ATTENTION_COLUMNS} FROM attention_items
                         WHERE id = ?1 AND resolved_at IS NULL"
                    ),
                    [r.id],
                    read_attention,
                )
                .optional()?;
            let Some((item, payload, _)) = row else {
                return Ok(false);
            };
            let item = with_payload(item, &payload)?;
            tx.execute(
                "UPDATE attention_items SET resolved_at = ?1, resolved_by = ?2,
                     resolution_note = ?3
                 WHERE id = ?4",
                params![r.at, r.username, r.note, r.id],
            )?;
            append_audit(&tx, &attention_audit(&r, &item))?;
            tx.commit()?;
            Ok(true)
        })
        .await
    }

    async fn take_application(&self, a: NewApplication) -> Result<ApplicationTaken, StoreError> {
        self.run(move |conn| take_application_sqlite(conn, a)).await
    }

    async fn permit_day(
        &self,
        req: DayRequest,
        create: bool,
    ) -> Result<Option<PermitDay>, StoreError> {
        self.run(move |conn| permit_day_sqlite(conn, req, create))
            .await
    }

    async fn close_permit_day(&self, req: DayRequest) -> Result<DayClosure, StoreError> {
        self.run(move |conn| close_permit_day_sqlite(conn, req))
            .await
    }

    async fn set_carrier_credit(
        &self,
        c: NewCarrierCredit,
    ) -> Result<casedesk_wire::CarrierCredit, StoreError> {
        self.run(move |conn| set_carrier_credit_sqlite(conn, c))
            .await
    }

    async fn carrier_credit(
        &self,
        credit_id: &str,
    ) -> Result<Option<casedesk_wire::CarrierCredit>, StoreError> {
        let credit_id = credit_id.to_string();
        self.run(move |conn| carrier_credit_row(conn, &credit_id))
            .await
    }

    async fn add_dishonest(&self, e: NewDishonest) -> Result<DishonestEntry, StoreError> {
        self.run(move |conn| add_dishonest_sqlite(conn, e)).await
    }

    async fn dishonest(&self, id: i64) -> Result<Option<DishonestEntry>, StoreError> {
        self.run(move |conn| dishonest_row(conn, id)).await
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
        let (by, device_id, at) = (by.to_string(), device_id.to_string(), at.to_string());
        self.run(move |conn| {
            repair_dishonest_sqlite(conn, id, version, entry, &by, &device_id, &at)
        })
        .await
    }
}

// The permit desk (crate::permit): applications, their materials and the service points' days.

pub(crate) const APPLICATION_COLUMNS: &str = "application_id, day, received_at, \
     first_application, submission, version, seq, updated_at, carrier_standing, review, pauses";

pub(crate) type ApplicationColumns = (
    String,
    String,
    String,
    i64,
    String,
    i64,
    i64,
    String,
    Option<String>,
    Option<String>,
    String,
);

fn read_application(r: &Row<'_>) -> rusqlite::Result<ApplicationColumns> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
    ))
}

pub(crate) fn application_from(
    (
        application_id,
        day,
        received_at,
        first,
        submission,
        version,
        seq,
        updated_at,
        standing,
        review,
        pauses,
    ): ApplicationColumns,
    materials: Vec<MaterialFile>,
) -> Result<ApplicationChange, StoreError> {
    Ok(ApplicationChange {
        seq,
        application_id,
        version,
        day,
        received_at,
        first_application: first != 0,
        submission: serde_json::from_str(&submission)?,
        materials,
        carrier_standing: facts_from(standing)?,
        review: facts_from(review)?,
        pauses: serde_json::from_str(&pauses)?,
        updated_at,
    })
}

/// One application with its materials.
fn application_row(conn: &Connection, id: &str) -> Result<Option<ApplicationChange>, StoreError> {
    let Some(row) = conn
        .query_row(
            &format!(
                "SELECT {APPLICATION_COLUMNS} FROM permit_applications WHERE application_id = ?1"
            ),
            [id],
            read_application,
        )
        .optional()?
    else {
        return Ok(None);
    };
    let materials = materials_of(conn, id)?;
    application_from(row, materials).map(Some)
}

/// A service point's applications of a day, with their materials, in the order taken.
fn day_applications(
    conn: &Connection,
    service_point: &str,
    day: &str,
) -> Result<Vec<ApplicationChange>, StoreError> {
    let rows = conn
        .prepare(&format!(
            "SELECT {APPLICATION_COLUMNS} FROM permit_applications
             WHERE service_point = ?1 AND day = ?2 ORDER BY seq"
        ))?
        .query_map([service_point, day], read_application)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|r| {
            let materials = materials_of(conn, &r.0)?;
            application_from(r, materials)
        })
        .collect()
}

pub(crate) const MATERIALS_QUERY: &str = "SELECT m.material, m.file_name, m.sha256, e.size, \
     e.mime FROM permit_materials m JOIN evidence e ON e.sha256 = m.sha256 \
     WHERE m.application_id = ?1 ORDER BY m.position";

/// The applications taken before `?1` that handed in one of its photos or videos, byte for
/// byte (by the materials' SHA-256 index), oldest first. Papers are left out: the same licence
/// comes with every application of a carrier.
pub(crate) const EARLIER_USES_QUERY: &str = "SELECT DISTINCT m.sha256, o.application_id, \
     a.service_point, a.received_at, o.material, o.file_name \
     FROM permit_materials m \
     JOIN permit_materials o ON o.sha256 = m.sha256 AND o.application_id <> m.application_id \
     JOIN permit_applications a ON a.application_id = o.application_id \
     JOIN permit_applications me ON me.application_id = m.application_id \
     WHERE m.application_id = ?1 \
       AND m.material IN ('measurement_video', 'watermarked_photos') \
       AND a.received_at < me.received_at \
     ORDER BY a.received_at, o.application_id";

/// Gives each material the earlier uses found for it (rows of [`EARLIER_USES_QUERY`] as
/// `(sha256, use)`).
pub(crate) fn with_earlier_uses(
    mut materials: Vec<MaterialFile>,
    uses: Vec<(String, EarlierUse)>,
) -> Vec<MaterialFile> {
    for (sha256, found) in uses {
        for m in materials.iter_mut().filter(|m| m.sha256 == sha256) {
            m.handed_in_before.push(found.clone());
        }
    }
    materials
}

fn materials_of(conn: &Connection, id: &str) -> Result<Vec<MaterialFile>, StoreError> {
    let mut stmt = conn.prepare_cached(MATERIALS_QUERY)?;
    let materials = stmt
        .query_map([id], |r| {
            Ok(MaterialFile {
                material: r.get(0)?,
                file_name: r.get(1)?,
                sha256: r.get(2)?,
                size: r.get::<_, i64>(3)? as u64,
                mime: r.get(4)?,
                handed_in_before: Vec::new(),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let uses = conn
        .prepare_cached(EARLIER_USES_QUERY)?
        .query_map([id], |r| {
            Ok((
                r.get(0)?,
                EarlierUse {
                    application_id: r.get(1)?,
                    service_point: r.get(2)?,
                    received_at: r.get(3)?,
                    material: r.get(4)?,
                    file_name: r.get(5)?,
                },
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(with_earlier_uses(materials, uses))
}

pub(crate) const DAY_COLUMNS: &str = "service_point, day, seed, commitment, committed_at, \
     closed_at, closed_by, candidates, draw, version, seq, updated_at";

pub(crate) type DayColumns = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    i64,
    String,
);

fn read_day(r: &Row<'_>) -> rusqlite::Result<DayColumns> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
    ))
}

/// A day as the protocol shows it (the seed only once the day is closed) and its seed.
pub(crate) fn day_from(c: DayColumns) -> Result<(PermitDay, String), StoreError> {
    let (
        service_point,
        day,
        seed,
        commitment,
        committed_at,
        closed_at,
        closed_by,
        candidates,
        draw,
        version,
        seq,
        updated_at,
    ) = c;
    let revealed = closed_at.is_some();
    Ok((
        PermitDay {
            seq,
            service_point,
            day,
            version,
            commitment,
            committed_at,
            seed: revealed.then(|| seed.clone()),
            closed_at,
            closed_by,
            candidates: facts_from(candidates)?,
            draw: facts_from(draw)?,
            updated_at,
        },
        seed,
    ))
}

fn day_row(
    conn: &Connection,
    service_point: &str,
    day: &str,
) -> Result<Option<(PermitDay, String)>, StoreError> {
    conn.query_row(
        &format!("SELECT {DAY_COLUMNS} FROM permit_days WHERE service_point = ?1 AND day = ?2"),
        [service_point, day],
        read_day,
    )
    .optional()?
    .map(day_from)
    .transpose()
}

/// Commits to a new day: its seed kept, the seed's SHA-256 published with a change number and
/// an audit row (`permit_commit`), in the caller's transaction.
fn commit_day(
    tx: &Transaction<'_>,
    service_point: &str,
    city_code: &str,
    day: &str,
    seed: &[u8; 32],
    by: &str,
    device_id: &str,
) -> Result<(PermitDay, String), StoreError> {
    let seq = next_counter(tx, "change")?;
    let now = crate::clock::beijing_now();
    let committed_at = crate::permit::precise_stamp(now);
    let commitment = casedesk_domain::permit::commitment(seed);
    let at = crate::clock::stamp(now);
    tx.execute(
        "INSERT INTO permit_days(service_point, city_code, day, seed, commitment, committed_at,
             version, seq, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?8)",
        params![
            service_point,
            city_code,
            day,
            hex::encode(seed),
            commitment,
            committed_at,
            seq,
            at
        ],
    )?;
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
    )?;
    day_row(tx, service_point, day)?
        .ok_or_else(|| StoreError::Corrupt(format!("day {service_point}/{day} vanished")))
}

pub(crate) const DISHONEST_COLUMNS: &str =
    "id, credit_id, enterprise_name, division, entry, version, seq, updated_at";

pub(crate) type DishonestColumns = (i64, String, String, String, String, i64, i64, String);

fn read_dishonest(r: &Row<'_>) -> rusqlite::Result<DishonestColumns> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
    ))
}

pub(crate) fn dishonest_from(
    (id, credit_id, enterprise_name, division, entry, version, seq, updated_at): DishonestColumns,
) -> Result<DishonestEntry, StoreError> {
    Ok(DishonestEntry {
        seq,
        id,
        credit_id,
        enterprise_name,
        division,
        version,
        entry: serde_json::from_str(&entry)?,
        updated_at,
    })
}

fn dishonest_of(conn: &Connection, credit_id: &str) -> Result<Vec<DishonestEntry>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {DISHONEST_COLUMNS} FROM dishonest_entries WHERE credit_id = ?1 ORDER BY id"
    ))?;
    let rows = stmt
        .query_map([credit_id], read_dishonest)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(dishonest_from).collect()
}

fn dishonest_row(conn: &Connection, id: i64) -> Result<Option<DishonestEntry>, StoreError> {
    conn.query_row(
        &format!("SELECT {DISHONEST_COLUMNS} FROM dishonest_entries WHERE id = ?1"),
        [id],
        read_dishonest,
    )
    .optional()?
    .map(dishonest_from)
    .transpose()
}

pub(crate) const CARRIER_CREDIT_COLUMNS: &str =
    "credit_id, enterprise_name, credit_code, penalties, version, updated_by, updated_at";

pub(crate) type CarrierCreditColumns =
    (String, String, Option<String>, String, i64, String, String);

/// A carrier's record from its row; the standing is what an application taken now carries.
pub(crate) fn carrier_credit_from(
    (credit_id, enterprise_name, code, penalties, version, updated_by, updated_at): CarrierCreditColumns,
) -> Result<casedesk_wire::CarrierCredit, StoreError> {
    let credit_code = match code {
        None => None,
        Some(c) => Some(
            casedesk_domain::CreditCode::from_code(&c)
                .ok_or_else(|| StoreError::Corrupt(format!("credit code {c:?}")))?,
        ),
    };
    Ok(casedesk_wire::CarrierCredit {
        credit_id,
        enterprise_name,
        standing: casedesk_wire::CarrierStanding {
            credit_code,
            penalties: serde_json::from_str(&penalties)?,
        },
        version,
        updated_by,
        updated_at,
    })
}

fn carrier_credit_row(
    conn: &Connection,
    credit_id: &str,
) -> Result<Option<casedesk_wire::CarrierCredit>, StoreError> {
    conn.query_row(
        &format!("SELECT {CARRIER_CREDIT_COLUMNS} FROM carrier_credit WHERE credit_id = ?1"),
        [credit_id],
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        },
    )
    .optional()?
    .map(carrier_credit_from)
    .transpose()
}

pub(crate) fn set_carrier_credit_sqlite(
    conn: &mut Connection,
    c: NewCarrierCredit,
) -> Result<casedesk_wire::CarrierCredit, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let before = carrier_credit_row(&tx, &c.credit_id)?;
    tx.execute(
        "INSERT INTO carrier_credit(credit_id, enterprise_name, credit_code, penalties, version,
             updated_by, updated_at)
         VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6)
         ON CONFLICT (credit_id) DO UPDATE SET enterprise_name = excluded.enterprise_name,
             credit_code = excluded.credit_code, penalties = excluded.penalties,
             version = carrier_credit.version + 1, updated_by = excluded.updated_by,
             updated_at = excluded.updated_at",
        params![
            c.credit_id,
            c.enterprise_name,
            c.standing.credit_code.map(|k| k.code()),
            serde_json::to_string(&c.standing.penalties)?,
            c.by,
            c.at
        ],
    )?;
    append_audit(&tx, &carrier_credit_audit(&c, before.as_ref()))?;
    let row = carrier_credit_row(&tx, &c.credit_id)?
        .ok_or_else(|| StoreError::Corrupt(format!("carrier {} vanished", c.credit_id)))?;
    tx.commit()?;
    Ok(row)
}

pub(crate) fn add_dishonest_sqlite(
    conn: &mut Connection,
    e: NewDishonest,
) -> Result<DishonestEntry, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let seq = next_counter(&tx, "change")?;
    tx.execute(
        "INSERT INTO dishonest_entries(credit_id, enterprise_name, division, entry, version, seq,
             updated_at)
         VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6)",
        params![
            e.credit_id,
            e.enterprise_name,
            e.division,
            serde_json::to_string(&e.entry)?,
            seq,
            e.at
        ],
    )?;
    let id = tx.last_insert_rowid();
    append_audit(
        &tx,
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
    )?;
    let row = dishonest_row(&tx, id)?
        .ok_or_else(|| StoreError::Corrupt(format!("dishonest entry {id} vanished")))?;
    tx.commit()?;
    Ok(row)
}

pub(crate) fn repair_dishonest_sqlite(
    conn: &mut Connection,
    id: i64,
    version: i64,
    entry: casedesk_domain::permit::ListEntry,
    by: &str,
    device_id: &str,
    at: &str,
) -> Result<Option<DishonestEntry>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let Some(before) = dishonest_row(&tx, id)? else {
        return Ok(None);
    };
    if before.version != version {
        return Ok(None);
    }
    let seq = next_counter(&tx, "change")?;
    tx.execute(
        "UPDATE dishonest_entries SET entry = ?1, version = version + 1, seq = ?2, updated_at = ?3
         WHERE id = ?4",
        params![serde_json::to_string(&entry)?, seq, at, id],
    )?;
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
    append_audit(&tx, &audit)?;
    let row = dishonest_row(&tx, id)?;
    tx.commit()?;
    Ok(row)
}

impl SqliteStore {
    pub(crate) fn permit_changes(
        tx: &Transaction<'_>,
        after: i64,
        top: i64,
        scope: &Jurisdiction,
        fetch: i64,
        changes: &mut Vec<Change>,
    ) -> Result<(), StoreError> {
        let filter = match scope {
            Jurisdiction::Province => "?3 = ?3",
            Jurisdiction::City(_) => "city_code = ?3",
            Jurisdiction::County(_) => "service_point = ?3",
        };
        let code = scope.code().to_string();
        let mut stmt = tx.prepare(&format!(
            "SELECT {APPLICATION_COLUMNS} FROM permit_applications
             WHERE seq > ?1 AND seq <= ?2 AND {filter} ORDER BY seq LIMIT ?4"
        ))?;
        let rows = stmt
            .query_map(params![after, top, code, fetch], read_application)?
            .collect::<Result<Vec<_>, _>>()?;
        for r in rows {
            let materials = materials_of(tx, &r.0)?;
            changes.push(Change::Application(Box::new(application_from(
                r, materials,
            )?)));
        }
        let mut stmt = tx.prepare(&format!(
            "SELECT {DAY_COLUMNS} FROM permit_days
             WHERE seq > ?1 AND seq <= ?2 AND {filter} ORDER BY seq LIMIT ?4"
        ))?;
        for r in stmt.query_map(params![after, top, code, fetch], read_day)? {
            changes.push(Change::PermitDay(Box::new(day_from(r?)?.0)));
        }
        let divisions = division_filter(scope, "?3");
        let mut stmt = tx.prepare(&format!(
            "SELECT {DISHONEST_COLUMNS} FROM dishonest_entries
             WHERE seq > ?1 AND seq <= ?2 AND {divisions} ORDER BY seq LIMIT ?4"
        ))?;
        for r in stmt.query_map(params![after, top, code, fetch], read_dishonest)? {
            changes.push(Change::Dishonest(Box::new(dishonest_from(r?)?)));
        }
        Ok(())
    }
}

pub(crate) fn take_application_sqlite(
    conn: &mut Connection,
    a: NewApplication,
) -> Result<ApplicationTaken, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let s = &a.submission;
    let seen: Option<String> = tx
        .query_row(
            "SELECT application_id FROM permit_applications
             WHERE carrier_credit_id = ?1 AND carrier_reference = ?2",
            [&s.carrier.credit_id, &s.carrier_reference],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(application_id) = seen {
        return Ok(ApplicationTaken::Duplicate { application_id });
    }
    // The service point's open day: today, or the next day not closed yet.
    let mut date = a.now.date();
    let (day, _) = loop {
        let key = date.format("%Y-%m-%d").to_string();
        match day_row(&tx, &s.service_point, &key)? {
            Some((d, _)) if d.closed_at.is_some() => {
                date = date
                    .succ_opt()
                    .ok_or_else(|| StoreError::Corrupt("no day after".into()))?;
            }
            Some(found) => break found,
            None => {
                break commit_day(
                    &tx,
                    &s.service_point,
                    &a.city_code,
                    &key,
                    &a.fresh_seed,
                    &a.by,
                    &a.device_id,
                )?
            }
        }
    };
    let first: bool = tx.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM permit_applications WHERE carrier_credit_id = ?1)",
        [&s.carrier.credit_id],
        |r| r.get(0),
    )?;
    let standing = carrier_credit_row(&tx, &s.carrier.credit_id)?.map(|c| c.standing);
    let at_now = crate::clock::beijing_now();
    let at = crate::clock::stamp(at_now);
    for m in &a.materials {
        let added = tx.execute(
            "INSERT OR IGNORE INTO evidence(sha256, size, mime, file_name, stored_at, stored_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![m.sha256, m.size as i64, m.mime, m.file_name, at, a.by],
        )?;
        if added == 1 {
            let after = serde_json::json!({
                "size": m.size, "mime": m.mime, "file_name": m.file_name,
                "application": s.carrier_reference,
            });
            append_audit(
                &tx,
                &evidence_audit("evidence_store", &a.by, &a.device_id, &m.sha256, after, &at),
            )?;
        }
    }
    let seq = next_counter(&tx, "change")?;
    let application_id = crate::permit::application_id(date, seq);
    let received_at = crate::permit::precise_stamp(at_now);
    tx.execute(
        "INSERT INTO permit_applications(application_id, carrier_credit_id, carrier_reference,
             service_point, city_code, day, received_at, first_application, submission,
             received_by, version, seq, updated_at, carrier_standing)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, ?11, ?12, ?13)",
        params![
            application_id,
            s.carrier.credit_id,
            s.carrier_reference,
            s.service_point,
            a.city_code,
            day.day,
            received_at,
            first,
            serde_json::to_string(s)?,
            a.by,
            seq,
            at,
            standing.as_ref().map(serde_json::to_string).transpose()?
        ],
    )?;
    for (i, m) in a.materials.iter().enumerate() {
        tx.execute(
            "INSERT INTO permit_materials(application_id, position, material, file_name, sha256)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![application_id, i as i64, m.material, m.file_name, m.sha256],
        )?;
    }
    append_audit(
        &tx,
        &crate::permit::permit_audit(
            "permit_application",
            "permit_application",
            &application_id,
            &a.by,
            &a.device_id,
            &at,
            crate::permit::application_audit_after(&a, &day.day, first, standing.as_ref()),
        ),
    )?;
    let materials = materials_of(&tx, &application_id)?;
    tx.commit()?;
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

pub(crate) fn permit_day_sqlite(
    conn: &mut Connection,
    req: DayRequest,
    create: bool,
) -> Result<Option<PermitDay>, StoreError> {
    let key = req.day.format("%Y-%m-%d").to_string();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = match day_row(&tx, &req.service_point, &key)? {
        Some((d, _)) => Some(d),
        None if create => Some(
            commit_day(
                &tx,
                &req.service_point,
                &req.city_code,
                &key,
                &req.fresh_seed,
                &req.by,
                &req.device_id,
            )?
            .0,
        ),
        None => None,
    };
    tx.commit()?;
    Ok(found)
}

pub(crate) fn close_permit_day_sqlite(
    conn: &mut Connection,
    req: DayRequest,
) -> Result<DayClosure, StoreError> {
    let key = req.day.format("%Y-%m-%d").to_string();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (day, seed) = match day_row(&tx, &req.service_point, &key)? {
        Some(found) => found,
        None => commit_day(
            &tx,
            &req.service_point,
            &req.city_code,
            &key,
            &req.fresh_seed,
            &req.by,
            &req.device_id,
        )?,
    };
    if day.closed_at.is_some() {
        return Ok(DayClosure::AlreadyClosed(Box::new(day)));
    }
    let full = day_applications(&tx, &req.service_point, &key)?;
    let undecided = crate::permit::undecided(&full);
    if !undecided.is_empty() {
        // Nothing of this transaction is kept (a commitment made just now included).
        return Ok(DayClosure::Undecided(undecided));
    }
    let apps: Vec<casedesk_wire::DayApplication> = full.iter().map(Into::into).collect();
    let mut entries = Vec::new();
    for a in &apps {
        entries.extend(dishonest_of(&tx, &a.carrier_credit_id)?);
    }
    let candidates = casedesk_wire::day_candidates(&apps, &entries, &req.service_point, req.day);
    let draw = crate::permit::draw_day(&seed, &candidates)?;
    let seq = next_counter(&tx, "change")?;
    let now = crate::clock::beijing_now();
    let at = crate::clock::stamp(now);
    let closed_at = crate::permit::precise_stamp(now);
    tx.execute(
        "UPDATE permit_days SET closed_at = ?1, closed_by = ?2, candidates = ?3, draw = ?4,
             version = version + 1, seq = ?5, updated_at = ?6
         WHERE service_point = ?7 AND day = ?8",
        params![
            closed_at,
            req.by,
            serde_json::to_string(&candidates)?,
            serde_json::to_string(&draw)?,
            seq,
            at,
            req.service_point,
            key
        ],
    )?;
    append_audit(
        &tx,
        &crate::permit::permit_audit(
            "permit_close",
            "permit_day",
            &crate::permit::day_key(&req.service_point, &key),
            &req.by,
            &req.device_id,
            &at,
            serde_json::json!({ "seed": seed, "candidates": candidates, "draw": draw }),
        ),
    )?;
    let closed = day_row(&tx, &req.service_point, &key)?
        .ok_or_else(|| StoreError::Corrupt(format!("day {key} vanished")))?
        .0;
    tx.commit()?;
    Ok(DayClosure::Closed(Box::new(closed)))
}
