//! The permit desk's cache (大件运输): applications and permit days as the hub sent them
//! (desk schema 14). The pull writes them (`sync.rs`); the app layer reads a day's list and a
//! day's commitment and draw, and computes the rest with the domain's rules.

use casedesk_wire::{ApplicationChange, DishonestEntry, PermitDay};
use rusqlite::{params, Connection, OptionalExtension};

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
            out.push(serde_json::from_str(&json?).map_err(json_err)?);
        }
        Ok(out)
    }

    /// One application by the hub's id, if pulled.
    pub fn permit_application(
        &self,
        application_id: &str,
    ) -> Result<Option<ApplicationChange>, StoreError> {
        self.conn
            .prepare_cached("SELECT change FROM permit_applications WHERE application_id = ?1")?
            .query_row([application_id], |r| r.get::<_, String>(0))
            .optional()?
            .map(|json| serde_json::from_str(&json).map_err(json_err))
            .transpose()
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
