//! The permit desk's cache (大件运输): applications and permit days as the hub sent them
//! (desk schema 14). The pull writes them (`sync.rs`); the app layer reads a day's list and a
//! day's commitment and draw, and computes the rest with the domain's rules. The review of an
//! application (desk schema 17): the reviewer's draft, and the verdict written with its outbox
//! mutation in one transaction. A pause or resumption of an application's decision clock is an
//! outbox row only: until the hub has it and the pull brings it back, an application reads with
//! its unsent clock actions replayed over the hub's pauses.

use casedesk_domain::permit::{
    apply_clock_action, ClockAction, Review, ReviewDraft, Verdict, PAUSE_ACTION, RESUME_ACTION,
};
use casedesk_wire::{ApplicationChange, DishonestEntry, PermitDay, REVIEW_ACTION};
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::{Store, StoreError};

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// Writes a pulled application over the cached one (a newer change number wins).
pub(crate) fn write_application(
    conn: &Connection,
    a: &ApplicationChange,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO permit_applications(application_id, service_point, day, received_at, seq,
             change)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(application_id) DO UPDATE SET service_point = excluded.service_point,
             day = excluded.day, received_at = excluded.received_at, seq = excluded.seq,
             change = excluded.change
         WHERE excluded.seq > permit_applications.seq",
    )?
    .execute(params![
        a.application_id,
        a.submission.service_point,
        a.day,
        a.received_at,
        a.seq,
        serde_json::to_string(a).map_err(json_err)?
    ])?;
    Ok(())
}

/// `a` as pulled, with this desk's clock actions not yet sent (nor refused) replayed over its
/// pauses in the order recorded. They were checked when recorded; one that no longer fits (the
/// hub's pauses changed meanwhile) is left out here and will be refused by the hub.
fn with_unsent_clock_actions(
    conn: &Connection,
    mut a: ApplicationChange,
) -> Result<ApplicationChange, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT payload FROM outbox
         WHERE entity = 'permit_application' AND entity_key = ?1 AND refused_at IS NULL
             AND action IN (?2, ?3)
         ORDER BY seq",
    )?;
    let payloads = stmt.query_map(
        params![a.application_id, PAUSE_ACTION, RESUME_ACTION],
        |r| r.get::<_, String>(0),
    )?;
    for payload in payloads {
        let action: ClockAction = serde_json::from_str(&payload?).map_err(json_err)?;
        // The dates were checked against the desk's day when recorded: replayed as they are.
        if let Ok(after) = apply_clock_action(&a.pauses, action, NaiveDate::MIN, NaiveDate::MAX) {
            a.pauses = after;
        }
    }
    Ok(a)
}

/// An outbox row of a permit application (entity `permit_application`, keyed by its id).
struct Queued<'a> {
    mutation_id: &'a str,
    device_id: &'a str,
    application_id: &'a str,
    action: &'a str,
    payload: String,
    base_version: i64,
    now: &'a str,
}

fn queue_mutation(conn: &Connection, q: &Queued<'_>) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO outbox(mutation_id, device_id, entity, entity_key, order_id, action,
            payload, base_version, created_at)
         VALUES (?1, ?2, 'permit_application', ?3, NULL, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        q.mutation_id,
        q.device_id,
        q.application_id,
        q.action,
        q.payload,
        q.base_version,
        q.now
    ])?;
    Ok(())
}

fn read_application(conn: &Connection, json: &str) -> Result<ApplicationChange, StoreError> {
    let a = serde_json::from_str(json).map_err(json_err)?;
    with_unsent_clock_actions(conn, a)
}

/// Writes a pulled permit day over the cached one (a newer change number wins).
pub(crate) fn write_day(conn: &Connection, d: &PermitDay) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO permit_days(service_point, day, seq, change) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(service_point, day) DO UPDATE SET seq = excluded.seq,
             change = excluded.change
         WHERE excluded.seq > permit_days.seq",
    )?
    .execute(params![
        d.service_point,
        d.day,
        d.seq,
        serde_json::to_string(d).map_err(json_err)?
    ])?;
    Ok(())
}

/// Writes a pulled dishonest-list entry over the cached one (a newer change number wins).
pub(crate) fn write_dishonest(conn: &Connection, d: &DishonestEntry) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO permit_dishonest(id, credit_id, seq, change) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(id) DO UPDATE SET credit_id = excluded.credit_id, seq = excluded.seq,
             change = excluded.change
         WHERE excluded.seq > permit_dishonest.seq",
    )?
    .execute(params![
        d.id,
        d.credit_id,
        d.seq,
        serde_json::to_string(d).map_err(json_err)?
    ])?;
    Ok(())
}

impl Store {
    /// The dishonest-list entries the hub sent, by id (a carrier's, when `credit_id` is given).
    pub fn dishonest_entries(
        &self,
        credit_id: Option<&str>,
    ) -> Result<Vec<DishonestEntry>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT change FROM permit_dishonest WHERE ?1 IS NULL OR credit_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([credit_id], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for json in rows {
            out.push(serde_json::from_str(&json?).map_err(json_err)?);
        }
        Ok(out)
    }

    /// Keeps an entry the hub answered directly (a listing or repair from this desk).
    pub fn save_dishonest(&self, d: &DishonestEntry) -> Result<(), StoreError> {
        write_dishonest(&self.conn, d)
    }

    /// Keeps a day the hub answered directly (a closure from this desk), as a pull would.
    pub fn save_permit_day(&self, d: &PermitDay) -> Result<(), StoreError> {
        write_day(&self.conn, d)
    }

    /// The applications of `service_point`'s day `day` (`YYYY-MM-DD`), in the order received.
    pub fn permit_applications(
        &self,
        service_point: &str,
        day: &str,
    ) -> Result<Vec<ApplicationChange>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT change FROM permit_applications WHERE service_point = ?1 AND day = ?2
             ORDER BY received_at, application_id",
        )?;
        let rows = stmt.query_map([service_point, day], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for json in rows {
            out.push(read_application(&self.conn, &json?)?);
        }
        Ok(out)
    }

    /// One application by the hub's id, if pulled (with this desk's unsent clock actions).
    pub fn permit_application(
        &self,
        application_id: &str,
    ) -> Result<Option<ApplicationChange>, StoreError> {
        self.conn
            .prepare_cached("SELECT change FROM permit_applications WHERE application_id = ?1")?
            .query_row([application_id], |r| r.get::<_, String>(0))
            .optional()?
            .map(|json| read_application(&self.conn, &json))
            .transpose()
    }

    /// Records a pause or resumption of an application's decision clock (checked by the
    /// caller against `base_version` of the application) as its outbox mutation, sent by the
    /// next sync.
    pub fn record_clock_action(
        &mut self,
        application_id: &str,
        base_version: i64,
        action: &ClockAction,
        now: &str,
        device_id: &str,
    ) -> Result<(), StoreError> {
        queue_mutation(
            &self.conn,
            &Queued {
                mutation_id: &uuid::Uuid::now_v7().to_string(),
                device_id,
                application_id,
                action: action.code(),
                payload: serde_json::to_string(action).map_err(json_err)?,
                base_version,
                now,
            },
        )
    }

    /// `service_point`'s permit day `day`, if pulled.
    pub fn permit_day(
        &self,
        service_point: &str,
        day: &str,
    ) -> Result<Option<PermitDay>, StoreError> {
        self.conn
            .prepare_cached("SELECT change FROM permit_days WHERE service_point = ?1 AND day = ?2")?
            .query_row([service_point, day], |r| r.get::<_, String>(0))
            .optional()?
            .map(|json| serde_json::from_str(&json).map_err(json_err))
            .transpose()
    }
}

/// A review as this desk keeps it: the reviewer's draft and, once given here, the verdict with
/// the outbox row carrying it (`refused`: the hub refused that row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalReview {
    pub application_id: String,
    pub draft: ReviewDraft,
    pub verdict: Option<Verdict>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub mutation_id: Option<String>,
    /// The outbox row is still waiting to be sent (not refused, not yet answered).
    pub unsent: bool,
    /// The hub refused the verdict (its code), kept in the outbox's refusal list.
    pub refused_code: Option<String>,
    pub updated_at: String,
}

/// Why a review could not be kept.
#[derive(Debug, thiserror::Error)]
pub enum ReviewStoreError {
    /// A verdict was given at this desk already (by `by`): the review is no longer edited.
    #[error("a verdict was given at this desk already")]
    AlreadyDecided { by: String, verdict: Verdict },
    #[error("no application {0} in the cache")]
    UnknownApplication(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for ReviewStoreError {
    fn from(e: rusqlite::Error) -> Self {
        ReviewStoreError::Store(e.into())
    }
}

fn local_review(conn: &Connection, id: &str) -> Result<Option<LocalReview>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT r.draft, r.verdict, r.decided_by, r.decided_at, r.mutation_id, r.updated_at,
                    o.seq IS NOT NULL AND o.refused_at IS NULL, o.refused_code
             FROM permit_reviews r LEFT JOIN outbox o ON o.mutation_id = r.mutation_id
             WHERE r.application_id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, bool>(6)?,
                r.get::<_, Option<String>>(7)?,
            ))
        })
        .optional()?;
    let Some((draft, verdict, decided_by, decided_at, mutation_id, updated_at, unsent, refused)) =
        row
    else {
        return Ok(None);
    };
    let verdict = match verdict {
        Some(v) => Some(
            Verdict::from_code(&v)
                .ok_or_else(|| StoreError::Corrupt(format!("review verdict {v}")))?,
        ),
        None => None,
    };
    Ok(Some(LocalReview {
        application_id: id.to_string(),
        draft: serde_json::from_str(&draft).map_err(json_err)?,
        verdict,
        decided_by,
        decided_at,
        mutation_id,
        unsent,
        refused_code: refused,
        updated_at,
    }))
}

fn check_undecided(conn: &Connection, id: &str) -> Result<(), ReviewStoreError> {
    if let Some(LocalReview {
        verdict: Some(verdict),
        decided_by,
        refused_code: None,
        ..
    }) = local_review(conn, id)?
    {
        return Err(ReviewStoreError::AlreadyDecided {
            by: decided_by.unwrap_or_default(),
            verdict,
        });
    }
    Ok(())
}

impl Store {
    /// This desk's review of an application, if one was begun here.
    pub fn permit_review(&self, id: &str) -> Result<Option<LocalReview>, StoreError> {
        local_review(&self.conn, id)
    }

    /// Keeps the reviewer's draft (checked by the caller). Refused once a verdict was given here
    /// (unless the hub refused it: then the reviewer may work on).
    pub fn save_review_draft(
        &mut self,
        id: &str,
        draft: &ReviewDraft,
        now: &str,
    ) -> Result<LocalReview, ReviewStoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        check_undecided(&tx, id)?;
        tx.prepare_cached(
            "INSERT INTO permit_reviews(application_id, draft, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(application_id) DO UPDATE SET draft = excluded.draft,
                 verdict = NULL, decided_by = NULL, decided_at = NULL, mutation_id = NULL,
                 updated_at = excluded.updated_at",
        )?
        .execute(params![
            id,
            serde_json::to_string(draft).map_err(json_err)?,
            now
        ])?;
        let kept = local_review(&tx, id)?
            .ok_or_else(|| StoreError::Corrupt(format!("review {id} vanished")))?;
        tx.commit()?;
        Ok(kept)
    }

    /// Gives the verdict (checked by the caller against the application): the review row and
    /// its outbox mutation (entity `permit_application`, action `permit_review`, the review as
    /// payload) in one transaction, so it works offline and is sent by the next sync.
    pub fn record_review(
        &mut self,
        id: &str,
        review: &Review,
        by: &str,
        now: &str,
        device_id: &str,
    ) -> Result<LocalReview, ReviewStoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: i64 = tx
            .prepare_cached("SELECT change FROM permit_applications WHERE application_id = ?1")?
            .query_row([id], |r| r.get::<_, String>(0))
            .optional()?
            .map(|json| serde_json::from_str::<ApplicationChange>(&json).map_err(json_err))
            .transpose()?
            .map(|a| a.version)
            .ok_or_else(|| ReviewStoreError::UnknownApplication(id.to_string()))?;
        check_undecided(&tx, id)?;
        let mutation_id = uuid::Uuid::now_v7().to_string();
        let draft = review.draft();
        tx.prepare_cached(
            "INSERT INTO permit_reviews(application_id, draft, verdict, decided_by, decided_at,
                 mutation_id, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5)
             ON CONFLICT(application_id) DO UPDATE SET draft = excluded.draft,
                 verdict = excluded.verdict, decided_by = excluded.decided_by,
                 decided_at = excluded.decided_at, mutation_id = excluded.mutation_id,
                 updated_at = excluded.updated_at",
        )?
        .execute(params![
            id,
            serde_json::to_string(&draft).map_err(json_err)?,
            review.verdict.code(),
            by,
            now,
            mutation_id
        ])?;
        queue_mutation(
            &tx,
            &Queued {
                mutation_id: &mutation_id,
                device_id,
                application_id: id,
                action: REVIEW_ACTION,
                payload: serde_json::to_string(review).map_err(json_err)?,
                base_version: version,
                now,
            },
        )?;
        let kept = local_review(&tx, id)?
            .ok_or_else(|| StoreError::Corrupt(format!("review {id} vanished")))?;
        tx.commit()?;
        Ok(kept)
    }
}
