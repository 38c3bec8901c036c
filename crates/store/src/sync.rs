//! The cache's side of sync: which hub and user it syncs with and its pull checkpoint, the
//! outbox read in order for pushing, the hub's answer recorded per mutation, and pulled pages
//! applied with their checkpoint in one transaction.
//!
//! Rules (docs/sync-protocol.md, "The desk"): an applied or already-applied mutation leaves the
//! outbox; a rejected one stays, marked with the hub's code, reasons and time, and is not sent
//! again. A pulled order (or whitelist entry) whose order (plate) still has unsent mutations is
//! not written over: it is kept in `sync_deferred` and applied by a later pull once nothing is
//! unsent for it any more.

use std::collections::BTreeMap;

use casedesk_domain::lifecycle::OrderState;
use casedesk_domain::{Catalog, CreditCode, Role, WhitelistEntry};
use casedesk_wire::{
    Change, DriverFacts, EnterpriseFacts, Entity, Mutation, MutationResult, OrderChange,
    OrderFacts, PullResponse, WhitelistChange,
};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};

use crate::bulk_load::FreshLoad;
use crate::order::{insert_order, write_state, NewOrderRow, OrderKey, StateColumns};
use crate::{Store, StoreError};

/// The hub this cache syncs with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncState {
    pub hub_url: String,
    pub username: String,
    pub role: String,
    pub jurisdiction: String,
    /// The largest hub change number applied here (0: nothing pulled yet).
    pub checkpoint: i64,
    /// When the last sync finished without error, `YYYY-MM-DD HH:MM`.
    pub last_sync_at: Option<String>,
}

impl SyncState {
    /// The role the hub gave the signed-in user; None for a code this build does not know.
    pub fn role(&self) -> Option<Role> {
        Role::from_code(&self.role)
    }
}

/// A mutation the hub refused, kept in the outbox with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Refusal {
    #[ts(type = "number")]
    pub seq: i64,
    pub mutation_id: String,
    pub entity: String,
    pub entity_key: String,
    pub action: String,
    pub created_at: String,
    /// The hub's code and its parameters (empty for a refusal recorded before schema 13); the
    /// desk renders the reason and what to do from these, and falls back to the hub's texts
    /// for a code it does not know.
    pub code: String,
    pub params: BTreeMap<String, String>,
    pub message_zh: String,
    pub message_en: String,
    pub refused_at: String,
}

/// What one push's answers did to the outbox.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushTally {
    pub applied: u64,
    pub already_applied: u64,
    pub refused: Vec<Refusal>,
}

/// What one pulled page (or the deferred rows) did to the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PullTally {
    pub orders: u64,
    pub whitelist: u64,
    /// Permit applications and permit days written.
    pub permits: u64,
    /// Rows kept aside because their order or plate has unsent mutations.
    pub deferred: u64,
    /// Orders removed because they left this desk's jurisdiction.
    pub departed: u64,
}

impl PullTally {
    pub fn add(&mut self, o: PullTally) {
        self.orders += o.orders;
        self.whitelist += o.whitelist;
        self.permits += o.permits;
        self.deferred += o.deferred;
        self.departed += o.departed;
    }
}

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

impl Store {
    pub fn sync_state(&self) -> Result<Option<SyncState>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT hub_url, username, role, jurisdiction, checkpoint, last_sync_at
                 FROM sync_state WHERE id = 1",
                [],
                |r| {
                    Ok(SyncState {
                        hub_url: r.get(0)?,
                        username: r.get(1)?,
                        role: r.get(2)?,
                        jurisdiction: r.get(3)?,
                        checkpoint: r.get(4)?,
                        last_sync_at: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    /// Records who signed in to which hub. Another hub or another user starts pulling from 0
    /// (another scope); the same one keeps its checkpoint.
    pub fn set_sync_account(
        &mut self,
        hub_url: &str,
        username: &str,
        role: &str,
        jurisdiction: &str,
    ) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let same: Option<bool> = tx
            .query_row(
                "SELECT hub_url = ?1 AND username = ?2 AND jurisdiction = ?3 FROM sync_state WHERE id = 1",
                params![hub_url, username, jurisdiction],
                |r| r.get(0),
            )
            .optional()?;
        if same != Some(true) {
            tx.execute("DELETE FROM sync_deferred", [])?;
        }
        tx.execute(
            "INSERT INTO sync_state(id, hub_url, username, role, jurisdiction, checkpoint)
             VALUES (1, ?1, ?2, ?3, ?4, 0)
             ON CONFLICT(id) DO UPDATE SET hub_url = excluded.hub_url,
                 username = excluded.username, role = excluded.role,
                 jurisdiction = excluded.jurisdiction,
                 checkpoint = CASE WHEN ?5 THEN checkpoint ELSE 0 END",
            params![hub_url, username, role, jurisdiction, same == Some(true)],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn set_last_sync(&self, at: &str) -> Result<(), StoreError> {
        self.conn
            .execute("UPDATE sync_state SET last_sync_at = ?1 WHERE id = 1", [at])?;
        Ok(())
    }

    /// Up to `limit` unsent mutations after outbox number `after_seq`, oldest first, as the
    /// protocol sends them. Refused rows are skipped: they do not block the queue.
    pub fn unsent_mutations(
        &self,
        after_seq: i64,
        limit: usize,
    ) -> Result<Vec<(i64, Mutation)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, mutation_id, device_id, entity, entity_key, action, payload,
                    base_version, created_at
             FROM outbox WHERE refused_at IS NULL AND seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![after_seq, limit as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, i64>(7)?,
                r.get::<_, String>(8)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, mutation_id, device_id, entity, entity_key, action, payload, base, at) = row?;
            let entity = Entity::from_code(&entity)
                .ok_or_else(|| StoreError::Corrupt(format!("outbox entity {entity}")))?;
            // An unreadable payload still goes out (as text): the hub refuses that one
            // mutation with its reason instead of the queue stopping here.
            let payload =
                serde_json::from_str(&payload).unwrap_or(serde_json::Value::String(payload));
            out.push((
                seq,
                Mutation {
                    mutation_id,
                    device_id,
                    entity,
                    entity_key,
                    action,
                    payload,
                    base_version: base,
                    created_at: at,
                },
            ));
        }
        Ok(out)
    }

    /// Records the hub's answers in one transaction: applied and already-applied mutations
    /// leave the outbox; refused ones stay, marked with the hub's reason and `now`.
    pub fn record_push_results(
        &mut self,
        results: &[MutationResult],
        now: &str,
    ) -> Result<PushTally, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut tally = PushTally::default();
        for r in results {
            match r {
                MutationResult::Applied { mutation_id, .. } => {
                    tally.applied += tx
                        .prepare_cached("DELETE FROM outbox WHERE mutation_id = ?1")?
                        .execute([mutation_id])? as u64;
                }
                MutationResult::AlreadyApplied { mutation_id, .. } => {
                    tally.already_applied +=
                        tx.prepare_cached("DELETE FROM outbox WHERE mutation_id = ?1")?
                            .execute([mutation_id])? as u64;
                }
                MutationResult::Rejected {
                    mutation_id,
                    rejection,
                } => {
                    let params_json = if rejection.params.is_empty() {
                        None
                    } else {
                        Some(serde_json::to_string(&rejection.params).map_err(json_err)?)
                    };
                    tx.prepare_cached(
                        "UPDATE outbox SET refused_code = ?2, refused_zh = ?3, refused_en = ?4,
                            refused_at = ?5, refused_params = ?6
                         WHERE mutation_id = ?1",
                    )?
                    .execute(params![
                        mutation_id,
                        rejection.code,
                        rejection.message_zh,
                        rejection.message_en,
                        now,
                        params_json
                    ])?;
                    if let Some(r) = refusal(&tx, mutation_id)? {
                        tally.refused.push(r);
                    }
                }
            }
        }
        tx.commit()?;
        Ok(tally)
    }

    /// Every refused mutation kept in the outbox, oldest first.
    pub fn refusals(&self) -> Result<Vec<Refusal>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{REFUSAL_SELECT} WHERE refused_at IS NOT NULL AND resolution IS NULL ORDER BY seq"
        ))?;
        let rows = stmt.query_map([], read_refusal)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Applies one pulled page and stores its `next_checkpoint`, in one transaction. Refused
    /// (nothing written) when the stored checkpoint is not `after`, the one it was asked from.
    pub fn apply_pull_page(
        &mut self,
        after: i64,
        page: &PullResponse,
        catalog: &Catalog,
    ) -> Result<PullTally, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: i64 = tx
            .query_row("SELECT checkpoint FROM sync_state WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or(StoreError::NotSignedIn)?;
        if found != after {
            return Err(StoreError::CheckpointMoved {
                expected: after,
                found,
            });
        }
        let mut fresh = self.fresh_load.as_mut();
        let applied = (|| {
            let mut tally = PullTally::default();
            for change in &page.changes {
                tally.add(apply_change(&tx, change, catalog, fresh.as_deref_mut())?);
            }
            tx.execute(
                "UPDATE sync_state SET checkpoint = ?1 WHERE id = 1",
                [page.next_checkpoint.max(after)],
            )?;
            tx.commit()?;
            Ok(tally)
        })();
        if applied.is_err() {
            // The page is rolled back, but a first load's memory of it is not: the rest of the
            // load asks the cache.
            self.fresh_load = None;
        }
        applied
    }

    /// Applies the deferred rows whose order or plate has nothing unsent any more.
    pub fn apply_deferred(&mut self, catalog: &Catalog) -> Result<PullTally, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let kept: Vec<String> = tx
            .prepare("SELECT change FROM sync_deferred ORDER BY seq")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut tally = PullTally::default();
        for json in kept {
            let change: Change = serde_json::from_str(&json).map_err(json_err)?;
            tally.add(apply_change(&tx, &change, catalog, None)?);
        }
        tx.commit()?;
        // Rows still deferred are counted by the pull that deferred them, not again here.
        tally.deferred = 0;
        Ok(tally)
    }

    /// Outbox rows not yet sent (refused ones excluded).
    pub fn unsent_len(&self) -> Result<u64, StoreError> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM outbox WHERE refused_at IS NULL",
            [],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }

    /// Pulled rows kept aside because of unsent mutations.
    pub fn deferred_len(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM sync_deferred", [], |r| r.get(0))?;
        Ok(n as u64)
    }
}

const REFUSAL_SELECT: &str = "SELECT seq, mutation_id, entity, entity_key, action, created_at,
    refused_code, refused_zh, refused_en, refused_at, refused_params FROM outbox";

fn read_refusal(r: &rusqlite::Row<'_>) -> rusqlite::Result<Refusal> {
    // Parameters this desk wrote itself; unreadable ones (never expected) leave the hub's texts.
    let params = r
        .get::<_, Option<String>>(10)?
        .and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or_default();
    Ok(Refusal {
        params,
        seq: r.get(0)?,
        mutation_id: r.get(1)?,
        entity: r.get(2)?,
        entity_key: r.get(3)?,
        action: r.get(4)?,
        created_at: r.get(5)?,
        code: r.get(6)?,
        message_zh: r.get(7)?,
        message_en: r.get(8)?,
        refused_at: r.get(9)?,
    })
}

fn refusal(conn: &Connection, mutation_id: &str) -> Result<Option<Refusal>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "{REFUSAL_SELECT} WHERE mutation_id = ?1 AND refused_at IS NOT NULL"
        ))?
        .query_row([mutation_id], read_refusal)
        .optional()?)
}

fn has_unsent(conn: &Connection, entity: &str, key: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM outbox
                WHERE entity = ?1 AND entity_key = ?2 AND refused_at IS NULL)",
        )?
        .query_row([entity, key], |r| r.get(0))?)
}

/// Keeps a pulled row aside (the newest per entity wins).
fn defer(conn: &Connection, entity: &str, key: &str, change: &Change) -> Result<(), StoreError> {
    let json = serde_json::to_string(change).map_err(json_err)?;
    conn.prepare_cached(
        "INSERT INTO sync_deferred(entity, entity_key, seq, change) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(entity, entity_key) DO UPDATE SET seq = excluded.seq, change = excluded.change
         WHERE excluded.seq > sync_deferred.seq",
    )?
    .execute(params![entity, key, change.seq(), json])?;
    Ok(())
}

/// Writes one pulled change, or keeps it aside while this desk has unsent work on its order or
/// plate. `fresh`: what a bulk load into an empty cache has written so far.
fn apply_change(
    conn: &Connection,
    change: &Change,
    catalog: &Catalog,
    mut fresh: Option<&mut FreshLoad>,
) -> Result<PullTally, StoreError> {
    if let (Change::WorkOrder(o), Some(f)) = (change, fresh.as_deref_mut()) {
        if f.orders.insert(o.order_no.clone()) {
            let c = StateColumns::of(&OrderState::from(o.state.clone()));
            insert_pulled_order(conn, o, &c, catalog, Some(f))?;
            return Ok(PullTally {
                orders: 1,
                ..PullTally::default()
            });
        }
    }
    let (entity, key, plate) = match change {
        Change::WorkOrder(o) => ("work_order", o.order_no.clone(), o.order_no.clone()),
        Change::Whitelist(w) => ("whitelist", w.id.to_string(), w.entry.plate.clone()),
        // Nothing at the desk edits these: the hub's row is written as it comes.
        Change::Application(a) => {
            crate::permit::write_application(conn, a)?;
            return Ok(PullTally {
                permits: 1,
                ..PullTally::default()
            });
        }
        Change::PermitDay(d) => {
            crate::permit::write_day(conn, d)?;
            return Ok(PullTally {
                permits: 1,
                ..PullTally::default()
            });
        }
        Change::Dishonest(d) => {
            crate::permit::write_dishonest(conn, d)?;
            return Ok(PullTally {
                permits: 1,
                ..PullTally::default()
            });
        }
        Change::Departure(d) => ("work_order", d.order_no.clone(), d.order_no.clone()),
    };
    let held = match change {
        // A refusal the officer has not decided yet also keeps the order here: it is their
        // work, shown with the order, until they redo or dismiss it.
        Change::Departure(d) => {
            has_unsent(conn, entity, &plate)? || has_undecided_refusal(conn, &d.order_no)?
        }
        _ => has_unsent(conn, entity, &plate)?,
    };
    if held {
        defer(conn, entity, &key, change)?;
        return Ok(PullTally {
            deferred: 1,
            ..PullTally::default()
        });
    }
    // Written now: an older kept copy is superseded.
    conn.prepare_cached("DELETE FROM sync_deferred WHERE entity = ?1 AND entity_key = ?2")?
        .execute([entity, &key])?;
    match change {
        Change::WorkOrder(o) => {
            write_order(conn, o, catalog, fresh)?;
            Ok(PullTally {
                orders: 1,
                ..PullTally::default()
            })
        }
        Change::Whitelist(w) => {
            write_whitelist(conn, w)?;
            Ok(PullTally {
                whitelist: 1,
                ..PullTally::default()
            })
        }
        Change::Application(_) | Change::PermitDay(_) | Change::Dishonest(_) => {
            Ok(PullTally::default())
        }
        Change::Departure(d) => Ok(PullTally {
            departed: u64::from(drop_order(conn, &d.order_no)?),
            ..PullTally::default()
        }),
    }
}

fn has_undecided_refusal(conn: &Connection, order_no: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM outbox WHERE entity = 'work_order' AND entity_key = ?1
                AND refused_at IS NOT NULL AND resolution IS NULL)",
        )?
        .query_row([order_no], |r| r.get(0))?)
}

/// Removes an order that left this desk's jurisdiction, with what hangs on it here: its
/// timeline and the evidence rows of its events (the files stay in the store, by hash), its
/// interceptions, and its outbox rows, all sent and answered by then (the hub keeps them in its
/// audit). Returns whether the cache had it.
fn drop_order(conn: &Connection, order_no: &str) -> Result<bool, StoreError> {
    let Some(id): Option<i64> = conn
        .prepare_cached("SELECT id FROM work_order WHERE order_no = ?1")?
        .query_row([order_no], |r| r.get(0))
        .optional()?
    else {
        return Ok(false);
    };
    for sql in [
        "DELETE FROM evidence WHERE event_id IN (SELECT id FROM event WHERE order_id = ?1)",
        "DELETE FROM event WHERE order_id = ?1",
        "DELETE FROM interception WHERE order_id = ?1",
        "DELETE FROM outbox WHERE order_id = ?1",
        "DELETE FROM work_order WHERE id = ?1",
    ] {
        conn.prepare_cached(sql)?.execute([id])?;
    }
    conn.prepare_cached("DELETE FROM evidence_upload WHERE order_no = ?1")?
        .execute([order_no])?;
    Ok(true)
}

/// The hub's row over the cache's: the state columns and version of a known order, or a new
/// order ([`insert_pulled_order`]).
fn write_order(
    conn: &Connection,
    o: &OrderChange,
    catalog: &Catalog,
    fresh: Option<&mut FreshLoad>,
) -> Result<(), StoreError> {
    let c = StateColumns::of(&OrderState::from(o.state.clone()));
    let changed = write_state(
        conn,
        OrderKey::OrderNo(&o.order_no),
        &c,
        Some(o.version),
        &minute(&o.updated_at),
    )?;
    if changed == 1 {
        return Ok(());
    }
    insert_pulled_order(conn, o, &c, catalog, fresh)
}

/// A new order from the facts the hub sends, linked to its vehicle, enterprise and driver
/// (found in the cache or made from the facts: [`link_parties`]).
fn insert_pulled_order(
    conn: &Connection,
    o: &OrderChange,
    c: &StateColumns,
    catalog: &Catalog,
    fresh: Option<&mut FreshLoad>,
) -> Result<(), StoreError> {
    let updated_at = minute(&o.updated_at);
    let violation = catalog
        .get(&o.facts.violation_code)
        .ok_or_else(|| StoreError::UnknownViolation(o.facts.violation_code.clone()))?;
    let parties = link_parties(conn, &o.facts, &c.county_code, fresh)?;
    insert_order(
        conn,
        &NewOrderRow {
            order_no: &o.order_no,
            violation,
            plate: &o.facts.plate,
            vehicle_id: Some(parties.vehicle_id),
            enterprise_id: parties.enterprise.as_ref().map(|e| e.0),
            enterprise_name: parties.enterprise.as_ref().map_or("", |e| e.1.as_str()),
            driver_id: parties.driver_id,
            driver: o
                .facts
                .driver
                .as_ref()
                .map(|d| (d.name.as_str(), d.phone.as_str())),
            place: &o.facts.place,
            detected_at: &o.facts.detected_at,
            version: o.version,
            updated_at: &updated_at,
        },
        c,
    )?;
    Ok(())
}

/// The cache's rows a new pulled order points at.
struct Parties {
    vehicle_id: i64,
    /// Id and name.
    enterprise: Option<(i64, String)>,
    driver_id: Option<i64>,
}

/// Finds or makes the vehicle of the plate, the enterprise the platform reported (by credit id,
/// else by name; a new one is placed in the order's county) and, for an enterprise, its driver.
/// A vehicle the cache knows without an enterprise is linked to the reported one; one with an
/// enterprise keeps it. Without a reported enterprise the order takes the vehicle's, if any.
/// A first load (`fresh`) knows its vehicles and drivers without asking.
fn link_parties(
    conn: &Connection,
    facts: &OrderFacts,
    county_code: &str,
    mut fresh: Option<&mut FreshLoad>,
) -> Result<Parties, StoreError> {
    let reported = facts
        .enterprise
        .as_ref()
        .map(|e| enterprise_of(conn, e, county_code))
        .transpose()?;
    let vehicle: Option<(i64, Option<i64>)> = match fresh.as_deref() {
        Some(f) => f.vehicles.get(&facts.plate).copied(),
        None => conn
            .prepare_cached("SELECT id, enterprise_id FROM vehicle WHERE plate = ?1")?
            .query_row([&facts.plate], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?,
    };
    let industry = facts.enterprise.as_ref().map(|e| e.industry.code());
    let (vehicle_id, known) = match vehicle {
        Some((id, Some(e))) => (id, Some(e)),
        Some((id, None)) => {
            if let Some((e, _)) = &reported {
                conn.prepare_cached(
                    "UPDATE vehicle SET enterprise_id = ?1, industry = ?2 WHERE id = ?3",
                )?
                .execute(params![e, industry, id])?;
                if let Some(f) = fresh.as_deref_mut() {
                    f.vehicles.insert(facts.plate.clone(), (id, Some(*e)));
                }
            }
            (id, None)
        }
        None => {
            conn.prepare_cached(
                "INSERT INTO vehicle(plate, enterprise_id, industry) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![
                facts.plate,
                reported.as_ref().map(|e| e.0),
                industry
            ])?;
            let id = conn.last_insert_rowid();
            if let Some(f) = fresh.as_deref_mut() {
                f.vehicles
                    .insert(facts.plate.clone(), (id, reported.as_ref().map(|e| e.0)));
            }
            (id, None)
        }
    };
    let enterprise = match (reported, known) {
        (Some(e), _) => Some(e),
        (None, Some(id)) => Some((
            id,
            conn.prepare_cached("SELECT name FROM enterprise WHERE id = ?1")?
                .query_row([id], |r| r.get(0))?,
        )),
        (None, None) => None,
    };
    let driver_id = match (&facts.driver, &enterprise) {
        (Some(d), Some((e, _))) => Some(driver_of(conn, d, *e, fresh)?),
        _ => None,
    };
    Ok(Parties {
        vehicle_id,
        enterprise,
        driver_id,
    })
}

fn enterprise_of(
    conn: &Connection,
    e: &EnterpriseFacts,
    county_code: &str,
) -> Result<(i64, String), StoreError> {
    let found: Option<(i64, String, Option<String>)> = conn
        .prepare_cached(
            "SELECT id, name, credit_id FROM enterprise WHERE credit_id = ?2
             UNION ALL
             SELECT * FROM (SELECT id, name, credit_id FROM enterprise WHERE name = ?1
                 AND (credit_id IS NULL OR ?2 IS NULL) ORDER BY id LIMIT 1)
             LIMIT 1",
        )?
        .query_row(params![e.name, e.credit_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    if let Some((id, name, credit_id)) = found {
        if credit_id.is_none() && e.credit_id.is_some() {
            conn.prepare_cached("UPDATE enterprise SET credit_id = ?1 WHERE id = ?2")?
                .execute(params![e.credit_id, id])?;
        }
        return Ok((id, name));
    }
    conn.prepare_cached(
        "INSERT INTO enterprise(name, industry, county_code, credit_score, credit_code, credit_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        e.name,
        e.industry.code(),
        county_code,
        e.credit_score,
        e.credit_score.map(|s| CreditCode::from_score(s).code()),
        e.credit_id
    ])?;
    Ok((conn.last_insert_rowid(), e.name.clone()))
}

fn driver_of(
    conn: &Connection,
    d: &DriverFacts,
    enterprise_id: i64,
    fresh: Option<&mut FreshLoad>,
) -> Result<i64, StoreError> {
    let key = (enterprise_id, d.name.clone(), d.phone.clone());
    let found: Option<i64> = match fresh.as_deref() {
        Some(f) => f.drivers.get(&key).copied(),
        None => conn
            .prepare_cached(
                "SELECT id FROM driver WHERE enterprise_id = ?1 AND name = ?2 AND phone = ?3
                 ORDER BY id LIMIT 1",
            )?
            .query_row(params![enterprise_id, d.name, d.phone], |r| r.get(0))
            .optional()?,
    };
    if let Some(id) = found {
        return Ok(id);
    }
    conn.prepare_cached("INSERT INTO driver(name, phone, enterprise_id) VALUES (?1, ?2, ?3)")?
        .execute(params![d.name, d.phone, enterprise_id])?;
    let id = conn.last_insert_rowid();
    if let Some(f) = fresh {
        f.drivers.insert(key, id);
    }
    Ok(id)
}

/// The hub stamps seconds; the cache's moments are `YYYY-MM-DD HH:MM`.
fn minute(stamp: &str) -> String {
    stamp.chars().take(16).collect()
}

/// The hub's entry by its id; a local entry without a hub id for the same plate, kind and start
/// is taken to be this one (an entry added here, then decided on the hub). The rule's proposal
/// (经2次拦截) matches whatever its start: this desk proposes on the day it recorded the second
/// clean interception, the hub on the day it applied it, and it is one proposal.
fn write_whitelist(conn: &Connection, w: &WhitelistChange) -> Result<(), StoreError> {
    let e: &WhitelistEntry = &w.entry;
    let updated_at = minute(&w.updated_at);
    let existing: Option<i64> = conn
        .prepare_cached(
            "SELECT id FROM whitelist WHERE hub_id = ?1
             UNION ALL
             SELECT id FROM (SELECT id FROM whitelist WHERE hub_id IS NULL AND plate = ?2
                 AND kind = ?3 AND (valid_from = ?4 OR kind = 'repeated_clean_interception')
                 ORDER BY id LIMIT 1)
             LIMIT 1",
        )?
        .query_row(
            params![w.id, e.plate, e.kind.code(), e.valid_from.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    match existing {
        Some(id) => {
            conn.prepare_cached(
                "UPDATE whitelist SET plate = ?1, kind = ?2, status = ?3, reason = ?4,
                    event_name = ?5, valid_from = ?6, valid_until = ?7, decided_by = ?8,
                    decision_reason = ?9, revoked_by = ?10, revoke_reason = ?11,
                    updated_at = ?12, hub_id = ?13
                 WHERE id = ?14",
            )?
            .execute(params![
                e.plate,
                e.kind.code(),
                e.status.code(),
                e.reason,
                e.event_name,
                e.valid_from.to_string(),
                e.valid_until.map(|d| d.to_string()),
                e.decided_by,
                e.decision_reason,
                e.revoked_by,
                e.revoke_reason,
                updated_at,
                w.id,
                id
            ])?;
        }
        None => {
            crate::whitelist::insert_entry(conn, e, &updated_at, Some(w.id))?;
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use casedesk_domain::lifecycle::Actor;
    use casedesk_domain::{OrderAction, Role, WorkingCalendar};
    use casedesk_wire::{OrderFacts, OrderStateWire, Rejection, RejectionCode};
    use chrono::NaiveDate;

    use crate::Rules;

    pub(crate) fn order_change(seq: i64, order_no: &str, violation_code: &str) -> Change {
        let catalog = Catalog::embedded();
        let violation = catalog.all().first().expect("a violation");
        let detected = NaiveDate::from_ymd_opt(2026, 11, 24)
            .and_then(|d| d.and_hms_opt(8, 30, 0))
            .expect("time");
        let state = OrderState::open(violation, detected, "410783", &WorkingCalendar::embedded());
        Change::WorkOrder(OrderChange {
            seq,
            order_no: order_no.into(),
            version: 1,
            facts: OrderFacts {
                violation_code: violation_code.into(),
                plate: "豫G12345".into(),
                place: "S308长垣段".into(),
                detected_at: "2026-11-24 08:30".into(),
                enterprise: None,
                driver: None,
            },
            state: OrderStateWire::from(&state),
            updated_at: "2026-11-24 08:31:05".into(),
        })
    }

    pub(crate) fn page(changes: Vec<Change>, next: i64) -> PullResponse {
        PullResponse {
            changes,
            next_checkpoint: next,
            has_more: false,
        }
    }

    pub(crate) fn signed_in() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(&dir.path().join("cache.sqlite")).expect("open");
        store
            .set_sync_account("http://hub", "zhang.wei", "county_officer", "410783")
            .expect("account");
        (dir, store)
    }

    pub(crate) fn claim(store: &mut Store, order_no: &str) -> String {
        let id = store.resolve_order(order_no).expect("order");
        let now = NaiveDate::from_ymd_opt(2026, 11, 24)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("time");
        let actor = Actor {
            role: Role::CountyOfficer,
            name: "zhang.wei",
            county_code: "410783",
        };
        let calendar = WorkingCalendar::embedded();
        let rules = Rules {
            calendar: &calendar,
            catalog: Catalog::embedded(),
        };
        store
            .apply_action(id, &actor, &OrderAction::Claim, now, &rules, "dev")
            .expect("claim")
            .mutation_id
    }

    #[test]
    fn a_page_that_fails_half_way_changes_nothing() {
        let (_dir, mut store) = signed_in();
        let catalog = Catalog::embedded();
        let code = catalog.all()[0].code.clone();
        let bad = page(
            vec![
                order_change(1, "GD1", &code),
                order_change(2, "GD2", "NO-SUCH"),
            ],
            2,
        );
        assert!(matches!(
            store.apply_pull_page(0, &bad, catalog),
            Err(StoreError::UnknownViolation(_))
        ));
        assert_eq!(
            store.sync_state().expect("state").map(|s| s.checkpoint),
            Some(0)
        );
        assert!(
            store.resolve_order("GD1").is_err(),
            "the first row went too"
        );
        let good = page(vec![order_change(1, "GD1", &code)], 5);
        let t = store.apply_pull_page(0, &good, catalog).expect("apply");
        assert_eq!(t.orders, 1);
        assert_eq!(
            store.sync_state().expect("state").map(|s| s.checkpoint),
            Some(5)
        );
        // Asked from a checkpoint that is no longer the stored one: refused, nothing written.
        assert!(matches!(
            store.apply_pull_page(0, &good, catalog),
            Err(StoreError::CheckpointMoved { .. })
        ));
    }

    #[test]
    fn answers_empty_or_mark_the_outbox_and_unsent_orders_are_kept() {
        let (_dir, mut store) = signed_in();
        let catalog = Catalog::embedded();
        let code = catalog.all()[0].code.clone();
        let p = page(
            vec![order_change(1, "GD1", &code), order_change(2, "GD2", &code)],
            2,
        );
        store.apply_pull_page(0, &p, catalog).expect("apply");
        let m1 = claim(&mut store, "GD1");
        let m2 = claim(&mut store, "GD2");
        // The hub's older row for GD1 arrives while the claim is unsent: kept aside.
        let t = store
            .apply_pull_page(2, &page(vec![order_change(3, "GD1", &code)], 3), catalog)
            .expect("apply");
        assert_eq!(t.deferred, 1);
        let unsent = store.unsent_mutations(0, 10).expect("unsent");
        assert_eq!(unsent.len(), 2);
        let tally = store
            .record_push_results(
                &[
                    MutationResult::Applied {
                        mutation_id: m1,
                        new_version: 2,
                    },
                    MutationResult::Rejected {
                        mutation_id: m2.clone(),
                        rejection: Rejection::new(
                            RejectionCode::ClaimedByOther,
                            [("order_no", "GD2".into()), ("holder", "li.na".into())],
                            "已被 li.na 认领".into(),
                            "claimed by li.na".into(),
                        ),
                    },
                ],
                "2026-11-24 10:00",
            )
            .expect("record");
        assert_eq!(tally.applied, 1);
        assert_eq!(tally.refused.len(), 1);
        assert_eq!(tally.refused[0].code, "claimed_by_other");
        assert!(store.unsent_mutations(0, 10).expect("unsent").is_empty());
        let kept = store.outbox().expect("outbox");
        assert_eq!(kept.len(), 1, "the refused claim stays");
        assert_eq!(kept[0].mutation_id, m2);
        let refusals = store.refusals().expect("refusals");
        assert_eq!(refusals.len(), 1);
        assert_eq!(
            refusals[0].params.get("holder").map(String::as_str),
            Some("li.na"),
            "the parameters are kept with the refusal"
        );
        // Nothing unsent for GD1 now: the kept row is applied.
        let t = store.apply_deferred(catalog).expect("deferred");
        assert_eq!(t.orders, 1);
        assert_eq!(store.deferred_len().expect("len"), 0);
    }

    fn departure(seq: i64, order_no: &str) -> Change {
        Change::Departure(casedesk_wire::OrderDeparture {
            seq,
            order_no: order_no.into(),
        })
    }

    fn has_order(store: &Store, order_no: &str) -> bool {
        store.resolve_order(order_no).is_ok()
    }

    #[test]
    fn a_departed_order_leaves_the_cache_once_nothing_of_the_officer_waits_on_it() {
        let (_dir, mut store) = signed_in();
        let catalog = Catalog::embedded();
        let code = catalog.all()[0].code.clone();
        let orders = (1..=3)
            .map(|i| order_change(i, &format!("GD{i}"), &code))
            .collect();
        store
            .apply_pull_page(0, &page(orders, 3), catalog)
            .expect("apply");
        let unsent = claim(&mut store, "GD2");
        let refused = claim(&mut store, "GD3");
        store
            .record_push_results(
                &[MutationResult::Rejected {
                    mutation_id: refused,
                    rejection: Rejection {
                        code: "claimed_by_other".into(),
                        params: Default::default(),
                        message_zh: "已被 li.na 认领".into(),
                        message_en: "claimed by li.na".into(),
                    },
                }],
                "2026-11-24 10:00",
            )
            .expect("record");
        let t = store
            .apply_pull_page(
                3,
                &page(
                    vec![
                        departure(4, "GD1"),
                        departure(5, "GD2"),
                        departure(6, "GD3"),
                        departure(7, "GD404"),
                    ],
                    7,
                ),
                catalog,
            )
            .expect("apply");
        assert_eq!((t.departed, t.deferred), (1, 2), "{t:?}");
        assert!(!has_order(&store, "GD1"), "nothing waited on GD1");
        let search: i64 = store
            .conn
            .query_row(
                "SELECT count(*) FROM work_order_fts WHERE work_order_fts MATCH '\"GD1\"'",
                [],
                |r| r.get(0),
            )
            .expect("search");
        assert_eq!(search, 0, "nor does the search find it");
        assert!(has_order(&store, "GD2"), "an unsent claim keeps it");
        assert!(has_order(&store, "GD3"), "an undecided refusal keeps it");
        // Sent and applied, and the refusal dismissed: both go with the next sync.
        store
            .record_push_results(
                &[MutationResult::Applied {
                    mutation_id: unsent,
                    new_version: 2,
                }],
                "2026-11-24 10:05",
            )
            .expect("record");
        let seq = store.refusals().expect("refusals")[0].seq;
        let now = NaiveDate::from_ymd_opt(2026, 11, 24)
            .and_then(|d| d.and_hms_opt(10, 6, 0))
            .expect("time");
        store
            .dismiss_refusal(seq, "zhang.wei", now)
            .expect("dismiss");
        let t = store.apply_deferred(catalog).expect("deferred");
        assert_eq!(t.departed, 2);
        assert!(!has_order(&store, "GD2") && !has_order(&store, "GD3"));
        assert_eq!(store.deferred_len().expect("len"), 0);
        assert!(store.outbox().expect("outbox").is_empty());
    }

    #[test]
    fn a_pulled_order_brings_its_enterprise_vehicle_and_driver() {
        let (_dir, mut store) = signed_in();
        let catalog = Catalog::embedded();
        let code = catalog.all()[0].code.clone();
        let with_parties = |seq: i64, order_no: &str, plate: &str, name: &str| {
            let mut c = order_change(seq, order_no, &code);
            if let Change::WorkOrder(o) = &mut c {
                o.facts.plate = plate.into();
                o.facts.enterprise = Some(EnterpriseFacts {
                    name: name.into(),
                    credit_id: Some("91410783MA9XL0HJ8A".into()),
                    industry: casedesk_domain::Industry::CharterCoach,
                    credit_score: Some(780),
                });
                o.facts.driver = Some(DriverFacts {
                    name: "刘强".into(),
                    phone: "13903730001".into(),
                });
            }
            c
        };
        let p = page(
            vec![
                with_parties(1, "GD1", "豫GA1234", "长垣市宏达客运有限公司"),
                // The same credit id under a shorter name: the same enterprise and driver.
                with_parties(2, "GD2", "豫GB5678", "宏达客运"),
                // No enterprise reported, a plate the cache now knows: the vehicle's.
                order_change(3, "GD3", &code),
            ],
            3,
        );
        store.apply_pull_page(0, &p, catalog).expect("apply");
        let now = NaiveDate::from_ymd_opt(2026, 11, 24)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .expect("time");
        let calendar = WorkingCalendar::embedded();
        let first = store
            .order(store.resolve_order("GD1").expect("GD1"), now, &calendar)
            .expect("GD1");
        let e = first.enterprise.clone().expect("enterprise");
        assert_eq!(e.name, "长垣市宏达客运有限公司");
        assert_eq!(e.credit_id.as_deref(), Some("91410783MA9XL0HJ8A"));
        assert_eq!(
            (e.credit_code, e.credit_score),
            (Some(casedesk_domain::CreditCode::Red), Some(780))
        );
        assert_eq!(
            (first.driver_name.as_str(), first.driver_phone.as_str()),
            ("刘强", "13903730001")
        );
        assert_eq!(first.row.enterprise_name, "长垣市宏达客运有限公司");
        let second = store
            .order(store.resolve_order("GD2").expect("GD2"), now, &calendar)
            .expect("GD2");
        assert_eq!(second.enterprise.map(|e| e.id), Some(e.id));
        let third = store
            .order(store.resolve_order("GD3").expect("GD3"), now, &calendar)
            .expect("GD3");
        assert_eq!(third.enterprise, None, "豫G12345 has no enterprise");
        let counts: (i64, i64, i64) = store
            .conn
            .query_row(
                "SELECT (SELECT count(*) FROM enterprise), (SELECT count(*) FROM driver),
                        (SELECT count(*) FROM vehicle)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("counts");
        assert_eq!(counts, (1, 1, 3));
        // The new vehicle points at the reported enterprise.
        let vehicle: Option<i64> = store
            .conn
            .query_row(
                "SELECT enterprise_id FROM vehicle WHERE plate = '豫GA1234'",
                [],
                |r| r.get(0),
            )
            .expect("vehicle");
        assert_eq!(vehicle, Some(e.id));
    }

    /// Every table a pulled order writes, in a comparable form.
    pub(crate) fn pulled_tables(store: &Store) -> Vec<String> {
        let mut out = Vec::new();
        for sql in [
            "SELECT order_no || '|' || status || '|' || plate || '|' || coalesce(vehicle_id, '')
                 || '|' || coalesce(enterprise_id, '') || '|' || enterprise_name || '|'
                 || coalesce(driver_id, '') || '|' || driver_name || '|' || version
             FROM work_order ORDER BY order_no",
            "SELECT id || '|' || plate || '|' || coalesce(enterprise_id, '') FROM vehicle ORDER BY id",
            "SELECT id || '|' || name || '|' || coalesce(credit_id, '') FROM enterprise ORDER BY id",
            "SELECT id || '|' || name || '|' || enterprise_id FROM driver ORDER BY id",
            // The search index itself, not its content table.
            "SELECT rowid || '' FROM work_order_fts WHERE work_order_fts MATCH '\"运输公司\"'
             ORDER BY rowid",
            "SELECT rowid || '' FROM work_order_fts WHERE work_order_fts MATCH '\"G00017\"'
             ORDER BY rowid",
        ] {
            let mut stmt = store.conn.prepare(sql).expect("query");
            let rows = stmt
                .query_map([], |r| r.get::<_, String>(0))
                .expect("rows")
                .collect::<Result<Vec<_>, _>>()
                .expect("read");
            out.extend(rows);
        }
        out
    }

    /// 300 orders over 40 plates and 7 enterprises (some without a credit id), a third
    /// without an enterprise, and one order sent twice (its newer row wins).
    pub(crate) fn varied_changes() -> Vec<Change> {
        let code = Catalog::embedded().all()[0].code.clone();
        (0..301i64)
            .map(|i| {
                let n = if i == 300 { 17 } else { i };
                let mut c = order_change(i + 1, &format!("GD{n:04}"), &code);
                if let Change::WorkOrder(o) = &mut c {
                    o.facts.plate = format!("豫G{:05}", n % 40);
                    o.version = if i == 300 { 2 } else { 1 };
                    if n % 3 != 0 {
                        let e = n % 7;
                        o.facts.enterprise = Some(EnterpriseFacts {
                            name: format!("第{e}运输公司"),
                            credit_id: (e % 2 == 0).then(|| format!("91410783MA{e:08}")),
                            industry: casedesk_domain::Industry::CharterCoach,
                            credit_score: Some(700),
                        });
                        o.facts.driver = Some(DriverFacts {
                            name: format!("司机{}", n % 5),
                            phone: format!("1390373{:04}", n % 5),
                        });
                    }
                }
                c
            })
            .collect()
    }

    #[test]
    fn one_large_page_and_many_small_ones_make_the_same_cache() {
        let catalog = Catalog::embedded();
        let changes = varied_changes();
        let (_a, mut one) = signed_in();
        one.apply_pull_page(0, &page(changes.clone(), 301), catalog)
            .expect("one page");
        let (_b, mut many) = signed_in();
        for (i, c) in changes.iter().enumerate() {
            many.apply_pull_page(i as i64, &page(vec![c.clone()], i as i64 + 1), catalog)
                .expect("a page of one");
        }
        let (a, b) = (pulled_tables(&one), pulled_tables(&many));
        assert!(a.len() > 300, "{} rows", a.len());
        assert_eq!(a, b);
    }
}
