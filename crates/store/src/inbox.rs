//! The inbox (工单列表): filtered, searched, sorted pages of work orders.
//!
//! Search picks its plan by how many orders the term matches (PLATFORM-NOTES: letting SQLite
//! run MATCH once per row of a status index took 47 s on a million rows):
//! - a term of 3+ characters is first probed in the trigram index; up to [`SELECTIVE_LIMIT`]
//!   matches are fetched by rowid and sorted (a plate, an enterprise);
//! - a broad term (more matches) walks the filter's sort index in order and tests each row with
//!   `instr`, stopping when the page is full;
//! - a term under 3 characters (豫A, 超速) uses the plate index as a prefix range, the catalog's
//!   violation codes, and `instr` on enterprise and place.
//!
//! Counts are a separate call (the page paints first) and stop at [`COUNT_CAP`]; a broad term is
//! counted through the trigram index's match set rather than by testing every row.

use casedesk_domain::{
    plate, Catalog, ClockOwner, CreditCode, Divisions, Due, Industry, Status, TimeLeft,
    WorkingCalendar,
};
use chrono::{Datelike, Duration, NaiveDateTime};
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Store, StoreError};

/// Most trigram matches fetched by rowid before a term counts as broad.
pub const SELECTIVE_LIMIT: usize = 2000;
/// Counts stop here and report "N+" rather than count a million rows.
pub const COUNT_CAP: u64 = 100_000;
/// Largest page the inbox serves.
pub const MAX_PAGE_SIZE: u32 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DueFilter {
    Overdue,
    Today,
    ThisWeek,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SortKey {
    #[default]
    Deadline,
    DetectedAt,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, rename = "InboxQuery")]
pub struct InboxFilter {
    pub status: Option<Status>,
    pub industry: Option<Industry>,
    pub violation_code: Option<String>,
    pub clue_category: Option<u8>,
    pub due: Option<DueFilter>,
    pub mine: bool,
    /// Hide closed and transferred orders (the default view of an officer's inbox).
    #[serde(default)]
    pub open_only: bool,
    pub search: Option<String>,
    pub sort: SortKey,
    pub descending: bool,
    /// 1-based.
    pub page: u32,
    pub page_size: u32,
}

impl Default for InboxFilter {
    fn default() -> InboxFilter {
        InboxFilter {
            status: None,
            industry: None,
            violation_code: None,
            clue_category: None,
            due: None,
            mine: false,
            open_only: false,
            search: None,
            sort: SortKey::Deadline,
            descending: false,
            page: 1,
            page_size: 50,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InboxRow {
    #[ts(type = "number")]
    pub id: i64,
    pub order_no: String,
    pub status: Status,
    pub industry: Industry,
    pub violation_code: String,
    pub violation_name: String,
    pub clue_category: u8,
    pub plate: String,
    /// Empty when the vehicle has no licensed enterprise (see `licensed`).
    pub enterprise_name: String,
    /// None when the vehicle has no licensed enterprise.
    pub credit_code: Option<CreditCode>,
    pub licensed: bool,
    pub county_code: String,
    pub county_name: String,
    pub place: String,
    pub detected_at: String,
    /// Whose turn it is: the running clock's owner (None once finished).
    pub clock_owner: Option<ClockOwner>,
    /// When the running clock falls due, `YYYY-MM-DD HH:MM` (a working-day deadline at 23:59).
    pub due_at: Option<String>,
    /// Time left on the running clock, in minutes or working days.
    pub time_left: Option<TimeLeft>,
    /// The deadline counts days of a year whose holiday notice is not loaded yet.
    pub due_provisional: bool,
    pub claimed_by: Option<String>,
    pub whitelisted: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InboxPage {
    pub rows: Vec<InboxRow>,
    pub page: u32,
    pub page_size: u32,
    pub has_more: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InboxCount {
    #[ts(type = "number")]
    pub total: u64,
    /// The total is a lower bound ("100000+").
    pub capped: bool,
}

/// Who is asking and when: the inputs the filters need beyond the query itself.
pub struct InboxContext<'a> {
    pub me: &'a str,
    pub now: NaiveDateTime,
    pub calendar: &'a WorkingCalendar,
}

/// What a plan is for: a page stops at its last row, a count visits every match.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Page,
    Count,
}

struct Plan {
    where_sql: String,
    params: Vec<Value>,
    /// Rows come from a fixed rowid list; the sort happens in memory.
    by_rowid: bool,
}

pub(crate) const ROW_COLUMNS: &str = "wo.id, wo.order_no, wo.status, wo.industry, wo.violation_code, \
    wo.violation_name, wo.clue_category, wo.plate, wo.enterprise_name, e.credit_code, wo.county_code, \
    wo.place, wo.detected_at, wo.clock_owner, wo.clock_rank, wo.due_at, wo.claimed_by, \
    wo.enterprise_id IS NOT NULL";

/// `FROM` for a row: CROSS JOIN keeps work_order the outer loop whatever the planner thinks.
pub(crate) const ROW_FROM: &str = "work_order wo LEFT JOIN enterprise e ON e.id = wo.enterprise_id";

/// Reads a row of [`ROW_COLUMNS`]; `whitelisted` is filled in afterwards for the whole page.
pub(crate) fn read_row(
    r: &rusqlite::Row<'_>,
    now: NaiveDateTime,
    calendar: &WorkingCalendar,
) -> rusqlite::Result<InboxRow> {
    let corrupt = |what: &str, v: String| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("bad {what}: {v}").into(),
        )
    };
    let status: String = r.get(2)?;
    let industry: String = r.get(3)?;
    let credit: Option<String> = r.get(9)?;
    let county_code: String = r.get(10)?;
    let owner: Option<String> = r.get(13)?;
    let rank: i64 = r.get(14)?;
    let due_at: Option<String> = r.get(15)?;
    let due = match &due_at {
        Some(t) => Some(Due::parse(t, rank == 0).ok_or_else(|| corrupt("due", t.clone()))?),
        None => None,
    };
    let status = Status::from_code(&status).ok_or_else(|| corrupt("status", status.clone()))?;
    let detected_at: String = r.get(12)?;
    let due_provisional = match due {
        Some(Due::Day(d)) => calendar.deadline_is_provisional(now.date(), d),
        _ => false,
    };
    Ok(InboxRow {
        id: r.get(0)?,
        order_no: r.get(1)?,
        status,
        industry: Industry::from_code(&industry)
            .ok_or_else(|| corrupt("industry", industry.clone()))?,
        violation_code: r.get(4)?,
        violation_name: r.get(5)?,
        clue_category: r.get(6)?,
        plate: r.get(7)?,
        enterprise_name: r.get(8)?,
        credit_code: credit
            .map(|c| CreditCode::from_code(&c).ok_or_else(|| corrupt("credit code", c)))
            .transpose()?,
        licensed: r.get(17)?,
        county_name: county_name(&county_code),
        county_code,
        place: r.get(11)?,
        detected_at,
        clock_owner: owner
            .map(|o| ClockOwner::from_code(&o).ok_or_else(|| corrupt("clock owner", o)))
            .transpose()?,
        due_at,
        time_left: due.map(|d| d.left(now, calendar)),
        due_provisional,
        claimed_by: r.get(16)?,
        whitelisted: false,
    })
}

/// Marks the rows whose vehicle has a whitelist entry in force (one query per page).
pub(crate) fn mark_whitelisted(
    conn: &rusqlite::Connection,
    rows: &mut [InboxRow],
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let plates: Vec<&str> = rows.iter().map(|r| r.plate.as_str()).collect();
    let plates = serde_json::to_string(&plates).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT plate FROM whitelist WHERE plate IN (SELECT value FROM json_each(?1))
           AND status = 'approved' AND valid_from <= ?2
           AND (valid_until IS NULL OR valid_until >= ?2)",
    )?;
    let listed: Vec<String> = stmt
        .query_map(rusqlite::params![plates, now.date().to_string()], |r| {
            r.get(0)
        })?
        .collect::<Result<_, _>>()?;
    for row in rows {
        row.whitelisted = listed.contains(&row.plate);
    }
    Ok(())
}

pub(crate) fn county_name(code: &str) -> String {
    Divisions::embedded()
        .county(code)
        .map(|(_, c)| c.name.clone())
        .unwrap_or_else(|| code.to_string())
}

/// The FTS5 query for a literal substring: one quoted phrase.
fn fts_phrase(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

impl Store {
    fn plan(
        &self,
        q: &InboxFilter,
        ctx: &InboxContext<'_>,
        purpose: Purpose,
    ) -> Result<Plan, StoreError> {
        let mut params: Vec<Value> = Vec::new();
        let mut conds: Vec<String> = Vec::new();
        let term = q
            .search
            .as_deref()
            .map(plate::normalize)
            .filter(|t| !t.is_empty());
        let mut by_rowid = false;
        // A count of a plate prefix reads the plate index alone (it holds the status); a page
        // walks its sort index and stops at 50 rows, which is faster for a prefix like 豫A.
        let mut plate_count = false;
        if let Some(term) = &term {
            if term.chars().count() >= 3 {
                let mut stmt = self.conn.prepare_cached(
                    "SELECT rowid FROM work_order_fts WHERE work_order_fts MATCH ?1 LIMIT ?2",
                )?;
                let ids: Vec<i64> = stmt
                    .query_map(
                        rusqlite::params![fts_phrase(term), SELECTIVE_LIMIT as i64 + 1],
                        |r| r.get(0),
                    )?
                    .collect::<Result<_, _>>()?;
                if ids.len() <= SELECTIVE_LIMIT {
                    by_rowid = true;
                    conds.push("wo.id IN (SELECT value FROM json_each(?))".into());
                    params.push(Value::Text(
                        serde_json::to_string(&ids)
                            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    ));
                } else if purpose == Purpose::Count {
                    // Counting visits every match anyway: the index's set beats testing rows.
                    conds.push(
                        "wo.id IN (SELECT rowid FROM work_order_fts WHERE work_order_fts MATCH ?)"
                            .into(),
                    );
                    params.push(Value::Text(fts_phrase(term)));
                } else {
                    conds.push(
                        "(instr(wo.plate, ?) > 0 OR instr(wo.enterprise_name, ?) > 0 \
                         OR instr(wo.violation_name, ?) > 0 OR instr(wo.place, ?) > 0)"
                            .into(),
                    );
                    for _ in 0..4 {
                        params.push(Value::Text(term.clone()));
                    }
                }
            } else if plate::is_plate_prefix(term) {
                // 豫A is a plate prefix, not a word of a name or a place: a range on the plate
                // index (which holds the status too, so a count reads no row).
                plate_count = purpose == Purpose::Count;
                conds.push("(wo.plate >= ? AND wo.plate < ?)".into());
                params.push(Value::Text(term.clone()));
                params.push(Value::Text(format!("{term}\u{10FFFF}")));
            } else {
                let mut parts = vec!["(wo.plate >= ? AND wo.plate < ?)".to_string()];
                params.push(Value::Text(term.clone()));
                params.push(Value::Text(format!("{term}\u{10FFFF}")));
                let codes = Catalog::embedded().codes_matching(term);
                if !codes.is_empty() {
                    parts.push(format!(
                        "wo.violation_code IN ({})",
                        vec!["?"; codes.len()].join(",")
                    ));
                    params.extend(codes.iter().map(|c| Value::Text(c.to_string())));
                }
                parts.push("instr(wo.enterprise_name, ?) > 0".into());
                parts.push("instr(wo.place, ?) > 0".into());
                params.push(Value::Text(term.clone()));
                params.push(Value::Text(term.clone()));
                conds.push(format!("({})", parts.join(" OR ")));
            }
        }
        // With a rowid list, a unary + keeps SQLite from walking a filter index instead.
        let col = |name: &str| {
            if by_rowid || plate_count {
                format!("+wo.{name}")
            } else {
                format!("wo.{name}")
            }
        };
        if let Some(s) = q.status {
            conds.push(format!("{} = ?", col("status")));
            params.push(Value::Text(s.code().into()));
        }
        if let Some(i) = q.industry {
            conds.push(format!("{} = ?", col("industry")));
            params.push(Value::Text(i.code().into()));
        }
        if let Some(v) = &q.violation_code {
            conds.push(format!("{} = ?", col("violation_code")));
            params.push(Value::Text(v.clone()));
        }
        if let Some(c) = q.clue_category {
            conds.push(format!("{} = ?", col("clue_category")));
            params.push(Value::Integer(c.into()));
        }
        if q.open_only {
            // Same text as the partial indexes' WHERE, so SQLite can use them.
            conds.push(format!(
                "{} NOT IN ('closed', 'transferred')",
                col("status")
            ));
        }
        if q.mine {
            conds.push(format!("{} = ?", col("claimed_by")));
            params.push(Value::Text(ctx.me.to_string()));
        }
        if let Some(due) = q.due {
            // The running clock's due moment decides, whatever its unit: a working-day
            // deadline is due at 23:59 of its day, so one comparison serves both.
            let now = ctx
                .now
                .format(casedesk_domain::clock::DUE_FORMAT)
                .to_string();
            let end_of = |days: i64| {
                (ctx.now.date() + Duration::days(days))
                    .format("%Y-%m-%d 23:59")
                    .to_string()
            };
            conds.push(format!("{} < 2", col("clock_rank")));
            match due {
                DueFilter::Overdue => {
                    conds.push(format!("{} < ?", col("due_at")));
                    params.push(Value::Text(now));
                }
                DueFilter::Today => {
                    conds.push(format!("{} BETWEEN ? AND ?", col("due_at")));
                    params.push(Value::Text(now));
                    params.push(Value::Text(end_of(0)));
                }
                DueFilter::ThisWeek => {
                    let days_to_sunday = 6 - ctx.now.weekday().num_days_from_monday() as i64;
                    conds.push(format!("{} BETWEEN ? AND ?", col("due_at")));
                    params.push(Value::Text(now));
                    params.push(Value::Text(end_of(days_to_sunday)));
                }
            }
        }
        let where_sql = if conds.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conds.join(" AND "))
        };
        Ok(Plan {
            where_sql,
            params,
            by_rowid,
        })
    }

    fn order_by(q: &InboxFilter) -> String {
        let dir = if q.descending { "DESC" } else { "ASC" };
        match q.sort {
            // Clocks counted in minutes (in-trip alarms, suspected illegal operation) first.
            SortKey::Deadline => {
                format!("ORDER BY wo.clock_rank {dir}, wo.due_at {dir}, wo.id {dir}")
            }
            SortKey::DetectedAt => format!("ORDER BY wo.detected_at {dir}, wo.id {dir}"),
        }
    }

    /// One page of the inbox.
    pub fn list_inbox(
        &self,
        q: &InboxFilter,
        ctx: &InboxContext<'_>,
    ) -> Result<InboxPage, StoreError> {
        let page_size = q.page_size.clamp(1, MAX_PAGE_SIZE);
        let page = q.page.max(1);
        let plan = self.plan(q, ctx, Purpose::Page)?;
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM {ROW_FROM} {} {} LIMIT ? OFFSET ?",
            plan.where_sql,
            Self::order_by(q)
        );
        let mut params = plan.params;
        params.push(Value::Integer(page_size as i64 + 1));
        params.push(Value::Integer((page as i64 - 1) * page_size as i64));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows: Vec<InboxRow> = stmt
            .query_map(rusqlite::params_from_iter(params), |r| {
                read_row(r, ctx.now, ctx.calendar)
            })?
            .collect::<Result<_, _>>()?;
        let has_more = rows.len() > page_size as usize;
        rows.truncate(page_size as usize);
        mark_whitelisted(&self.conn, &mut rows, ctx.now)?;
        Ok(InboxPage {
            rows,
            page,
            page_size,
            has_more,
        })
    }

    /// How many orders the query matches, up to [`COUNT_CAP`]; exact when the query filters
    /// by status (or open orders) alone, from the per-status counts the triggers keep.
    pub fn count_inbox(
        &self,
        q: &InboxFilter,
        ctx: &InboxContext<'_>,
    ) -> Result<InboxCount, StoreError> {
        let status_only = q.search.as_deref().is_none_or(|t| t.trim().is_empty())
            && q.industry.is_none()
            && q.violation_code.is_none()
            && q.clue_category.is_none()
            && q.due.is_none()
            && !q.mine;
        if status_only {
            let n: i64 = self
                .conn
                .prepare_cached(
                    "SELECT coalesce(sum(n), 0) FROM status_count
                     WHERE (?1 IS NULL OR status = ?1)
                       AND (?2 = 0 OR status NOT IN ('closed', 'transferred'))",
                )?
                .query_row(
                    rusqlite::params![q.status.map(|s| s.code()), q.open_only],
                    |r| r.get(0),
                )?;
            return Ok(InboxCount {
                total: n.max(0) as u64,
                capped: false,
            });
        }
        let plan = self.plan(q, ctx, Purpose::Count)?;
        let sql = format!(
            "SELECT count(*) FROM (SELECT 1 FROM work_order wo {} LIMIT ?)",
            plan.where_sql
        );
        let mut params = plan.params;
        params.push(Value::Integer(COUNT_CAP as i64 + 1));
        let n: i64 = self
            .conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(params), |r| r.get(0))?;
        let n = n as u64;
        Ok(InboxCount {
            total: n.min(COUNT_CAP),
            capped: n > COUNT_CAP,
        })
    }

    /// SQLite's plan for the inbox query, for tests that guard against slow plans.
    pub fn explain_inbox(
        &self,
        q: &InboxFilter,
        ctx: &InboxContext<'_>,
    ) -> Result<(bool, String), StoreError> {
        let plan = self.plan(q, ctx, Purpose::Page)?;
        let sql = format!(
            "EXPLAIN QUERY PLAN SELECT {ROW_COLUMNS} FROM {ROW_FROM} {} {} LIMIT 50",
            plan.where_sql,
            Self::order_by(q)
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let lines: Vec<String> = stmt
            .query_map(rusqlite::params_from_iter(plan.params), |r| {
                r.get::<_, String>(3)
            })?
            .collect::<Result<_, _>>()?;
        Ok((plan.by_rowid, lines.join("\n")))
    }

    /// Open orders whose clock counts minutes (in-trip alarms, suspected illegal operation):
    /// the header's "running now" figure.
    pub fn running_alarm_count(&self) -> Result<u64, StoreError> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM work_order WHERE clock_rank = 0",
            [],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }

    /// Number of orders in the cache.
    pub fn order_count(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM work_order", [], |r| r.get(0))?;
        Ok(n as u64)
    }
}
