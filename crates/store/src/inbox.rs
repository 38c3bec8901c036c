//! The inbox (工单列表): filtered, searched, sorted pages of work orders.
//!
//! Search picks its plan by how many orders the term matches (PLATFORM-NOTES: letting SQLite
//! run MATCH once per row of a status index took 47 s on a million rows):
//! - a term of 3+ characters is first probed in the trigram index; up to [`SELECTIVE_LIMIT`]
//!   matches are fetched by rowid and sorted (a plate, an enterprise);
//! - a broad term (more matches) walks the filter's sort index in order and tests each row with
//!   `instr`, stopping when the page is full;
//! - a term under 3 characters (豫A, 超速) uses the plate index as a prefix range, the catalog's
//!   violation codes, and `instr` on enterprise, place and driver;
//! - an order number's start (GD2026…) is a range on the number's unique index, probed the
//!   same way: a whole number is one row by rowid.
//!
//! The trigram index holds the order number, plate, enterprise, violation type, place and the
//! driver's name and phone. Separators (spaces, hyphens, middle dots) are dropped from a term
//! only when it reads as a plate or an order number: a place keeps its space (京港澳高速 K122).
//!
//! Counts are a separate call (the page paints first) and stop at [`COUNT_CAP`]; a broad term is
//! counted through the trigram index's match set rather than by testing every row.

use casedesk_domain::{
    plate, Catalog, ClockOwner, CreditCode, Divisions, Due, Industry, Role, Status, TimeLeft,
    WorkingCalendar,
};
use chrono::{Datelike, Duration, NaiveDateTime};
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Store, StoreError};

/// Most trigram matches fetched by rowid before a term counts as broad.
pub const SELECTIVE_LIMIT: usize = 2000;
/// An order-number prefix matching at most this many orders is read as a range of the number's
/// index under other filters (a day's numbers), more as a walk of the filter's sort index.
pub const ORDER_RANGE_LIMIT: u64 = 20_000;
/// Counts stop here and report "N+" rather than count a million rows.
pub const COUNT_CAP: u64 = 100_000;
/// Largest page the inbox serves.
pub const MAX_PAGE_SIZE: u32 = 500;
/// Several statuses holding at most this many orders are read from the status index and their
/// matches sorted; more, and the page walks the sort index testing each row's status instead.
pub const STATUS_SET_LIMIT: u64 = 20_000;

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
    /// Any of these statuses; empty for all.
    #[serde(default)]
    pub status: Vec<Status>,
    pub industry: Option<Industry>,
    pub violation_code: Option<String>,
    pub clue_category: Option<u8>,
    pub due: Option<DueFilter>,
    pub mine: bool,
    /// Hide closed and transferred orders (the default view of an officer's inbox).
    #[serde(default)]
    pub open_only: bool,
    /// 待我办理: only orders whose running clock waits for the user at this desk
    /// ([`Role::waits_for`]).
    #[serde(default)]
    pub waiting_for_me: bool,
    pub search: Option<String>,
    pub sort: SortKey,
    pub descending: bool,
    /// 1-based.
    pub page: u32,
    pub page_size: u32,
}

impl InboxFilter {
    /// Whether a filter other than the search narrows the list.
    fn narrows(&self) -> bool {
        !self.status.is_empty()
            || self.waiting_for_me
            || self.industry.is_some()
            || self.violation_code.is_some()
            || self.clue_category.is_some()
            || self.due.is_some()
            || self.mine
            || self.open_only
    }
}

impl Default for InboxFilter {
    fn default() -> InboxFilter {
        InboxFilter {
            status: Vec::new(),
            industry: None,
            violation_code: None,
            clue_category: None,
            due: None,
            mine: false,
            open_only: false,
            waiting_for_me: false,
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
    /// The running clock waits for the user at this desk ([`Role::waits_for`]): the order is
    /// in 待我办理, and the window colours its clock as the user's own (red when late).
    pub waits_for_me: bool,
}

impl InboxRow {
    /// Sets [`InboxRow::waits_for_me`] for the user `me` of `role`.
    pub fn mark_waiting(&mut self, role: Role, me: &str) {
        self.waits_for_me = role.waits_for(self.clock_owner, self.claimed_by.as_deref(), me);
    }
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
    /// The role of the user at the desk: which clock is theirs (待我办理).
    pub role: Role,
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
        waits_for_me: false,
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

/// The columns a term of 3+ characters is looked for in: those of the trigram index.
const SEARCHED_COLUMNS: [&str; 7] = [
    "order_no",
    "plate",
    "enterprise_name",
    "violation_name",
    "place",
    "driver_name",
    "driver_phone",
];

/// A search term as typed, read for what it is: that decides how it is cleaned and searched.
#[derive(Debug, Clone, PartialEq, Eq)]
enum SearchTerm {
    /// The start of a plate (豫, 豫A, 豫A12345), separators dropped: 豫a·12345 → 豫A12345.
    Plate(String),
    /// The start of an order number (GD2026...), upper-cased and without separators.
    OrderNo(String),
    /// Anything else, as typed but trimmed: a place's spaces and hyphens are part of it.
    Text(String),
}

impl SearchTerm {
    fn read(input: &str) -> Option<SearchTerm> {
        let typed = input.trim();
        if typed.is_empty() {
            return None;
        }
        let compact = plate::normalize(typed);
        Some(if plate::is_plate_prefix(&compact) {
            SearchTerm::Plate(compact)
        } else if is_order_no_prefix(&compact) {
            SearchTerm::OrderNo(compact)
        } else {
            SearchTerm::Text(typed.to_string())
        })
    }
}

/// Whether a (normalized) term reads as the start of an order number: GD and digits only.
pub fn is_order_no_prefix(term: &str) -> bool {
    term.strip_prefix("GD")
        .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit()))
}

/// A list of rowids as one JSON parameter, read back with `json_each`.
fn rowid_list(ids: &[i64]) -> Result<Value, StoreError> {
    Ok(Value::Text(
        serde_json::to_string(ids).map_err(|e| StoreError::Corrupt(e.to_string()))?,
    ))
}

/// Status codes as one JSON parameter, read back with `json_each`.
fn status_list(statuses: &[Status]) -> Result<String, StoreError> {
    let codes: Vec<&str> = statuses.iter().map(|s| s.code()).collect();
    serde_json::to_string(&codes).map_err(|e| StoreError::Corrupt(e.to_string()))
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
        let term = q.search.as_deref().and_then(SearchTerm::read);
        let mut by_rowid = false;
        // A plate or order-number range leads the query (the filters below then get a unary +
        // so SQLite keeps to it): a plate prefix's count reads its index alone, while its page
        // walks the sort index and stops at 50 rows, which is faster for a prefix like 豫A.
        let mut range_leads = false;
        match &term {
            None => {}
            Some(SearchTerm::OrderNo(no)) => {
                // Order numbers are unique and indexed: a prefix is a range, probed like the
                // trigram index so that a whole number (or a day's) is fetched by rowid.
                let end = format!("{no}\u{10FFFF}");
                let ids: Vec<i64> = self
                    .conn
                    .prepare_cached(
                        "SELECT id FROM work_order WHERE order_no >= ?1 AND order_no < ?2 LIMIT ?3",
                    )?
                    .query_map(
                        rusqlite::params![no, end, SELECTIVE_LIMIT as i64 + 1],
                        |r| r.get(0),
                    )?
                    .collect::<Result<_, _>>()?;
                if ids.len() <= SELECTIVE_LIMIT {
                    by_rowid = true;
                    conds.push("wo.id IN (SELECT value FROM json_each(?))".into());
                    params.push(rowid_list(&ids)?);
                } else if q.narrows() && self.order_no_range_len(no, &end)? <= ORDER_RANGE_LIMIT {
                    // A day's numbers (GD20261124: ~11 000 of a million) under a filter that
                    // leaves a few of them: walking the sort index would pass every row of the
                    // filter looking for 50 (560 ms on a million); the range, each row tested
                    // and the few left sorted, costs its length.
                    range_leads = true;
                    conds.push("(wo.order_no >= ? AND wo.order_no < ?)".into());
                    params.push(Value::Text(no.clone()));
                    params.push(Value::Text(end));
                } else if purpose == Purpose::Count && !q.narrows() {
                    // The number's index alone answers a count without other filters.
                    range_leads = true;
                    conds.push("(wo.order_no >= ? AND wo.order_no < ?)".into());
                    params.push(Value::Text(no.clone()));
                    params.push(Value::Text(end));
                } else {
                    // Unary + so a page walks the sort index, not the number's range, and a
                    // count goes by the filter's index (reading a row per number of the range
                    // to test its status was 113 ms for GD2026 on 100 000 orders).
                    conds.push("(+wo.order_no >= ? AND +wo.order_no < ?)".into());
                    params.push(Value::Text(no.clone()));
                    params.push(Value::Text(end));
                }
            }
            Some(SearchTerm::Plate(term) | SearchTerm::Text(term)) if term.chars().count() >= 3 => {
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
                    params.push(rowid_list(&ids)?);
                } else if purpose == Purpose::Count {
                    // Counting visits every match anyway: the index's set beats testing rows.
                    conds.push(
                        "wo.id IN (SELECT rowid FROM work_order_fts WHERE work_order_fts MATCH ?)"
                            .into(),
                    );
                    params.push(Value::Text(fts_phrase(term)));
                } else {
                    let tests: Vec<String> = SEARCHED_COLUMNS
                        .iter()
                        .map(|c| format!("instr(wo.{c}, ?) > 0"))
                        .collect();
                    conds.push(format!("({})", tests.join(" OR ")));
                    for _ in SEARCHED_COLUMNS {
                        params.push(Value::Text(term.clone()));
                    }
                }
            }
            Some(SearchTerm::Plate(term)) => {
                // 豫A is a plate prefix, not a word of a name or a place: a range on the plate
                // index (which holds the status too, so a count reads no row).
                range_leads = purpose == Purpose::Count;
                conds.push("(wo.plate >= ? AND wo.plate < ?)".into());
                params.push(Value::Text(term.clone()));
                params.push(Value::Text(format!("{term}\u{10FFFF}")));
            }
            Some(SearchTerm::Text(term)) => {
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
                // Two-character names (王芳) are common: the driver is searched too.
                for c in ["enterprise_name", "place", "driver_name"] {
                    parts.push(format!("instr(wo.{c}, ?) > 0"));
                    params.push(Value::Text(term.clone()));
                }
                conds.push(format!("({})", parts.join(" OR ")));
            }
        }
        // With a rowid list, a unary + keeps SQLite from walking a filter index instead.
        let col = |name: &str| {
            if by_rowid || range_leads {
                format!("+wo.{name}")
            } else {
                format!("wo.{name}")
            }
        };
        match q.status.as_slice() {
            [] => {}
            [s] => {
                conds.push(format!("{} = ?", col("status")));
                params.push(Value::Text(s.code().into()));
            }
            several => {
                // IN on the status index reads only the matches but must sort them all: right
                // for a count, or for statuses holding few orders (待抽查 and 抽查退回); a page of
                // common ones (待认领 and 已认领) walks the sort index and stops when full.
                let lead =
                    purpose == Purpose::Count || self.status_total(several)? <= STATUS_SET_LIMIT;
                let name = if lead && !by_rowid && !range_leads {
                    "wo.status".to_string()
                } else {
                    "+wo.status".to_string()
                };
                conds.push(format!(
                    "{name} IN ({})",
                    vec!["?"; several.len()].join(",")
                ));
                params.extend(several.iter().map(|s| Value::Text(s.code().into())));
            }
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
        if q.waiting_for_me {
            // The domain's rule of whose turn it is, as SQL: the clock of the desk's role, and
            // an officer's clock only when the order is unclaimed or the user's own claim.
            match ctx.role.own_clock() {
                None => conds.push("0".into()),
                Some(owner) => {
                    conds.push(format!("{} = ?", col("clock_owner")));
                    params.push(Value::Text(owner.code().into()));
                    if owner == ClockOwner::Officer {
                        let c = col("claimed_by");
                        conds.push(format!("({c} IS NULL OR {c} = ?)"));
                        params.push(Value::Text(ctx.me.to_string()));
                    }
                }
            }
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

    /// How many orders are in any of these statuses (the per-status counts the triggers keep).
    fn status_total(&self, statuses: &[Status]) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached(
                "SELECT coalesce(sum(n), 0) FROM status_count
                  WHERE status IN (SELECT value FROM json_each(?1))",
            )?
            .query_row([status_list(statuses)?], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    /// How many order numbers lie in `[from, to)`, up to [`ORDER_RANGE_LIMIT`] + 1 (the
    /// number's index alone: about a millisecond for 20 000).
    fn order_no_range_len(&self, from: &str, to: &str) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM (SELECT 1 FROM work_order
                  WHERE order_no >= ?1 AND order_no < ?2 LIMIT ?3)",
            )?
            .query_row(
                rusqlite::params![from, to, ORDER_RANGE_LIMIT as i64 + 1],
                |r| r.get(0),
            )?;
        Ok(n as u64)
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
                let mut row = read_row(r, ctx.now, ctx.calendar)?;
                row.mark_waiting(ctx.role, ctx.me);
                Ok(row)
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

    /// Every order the query matches (its page and page size ignored), in the list's order, one
    /// row at a time to `each`: an export streams a hundred thousand rows without holding them
    /// or re-running the query per page (OFFSET would rescan every skipped row). Whitelist marks
    /// are looked up per batch of [`MAX_PAGE_SIZE`] rows. Stops at the first error of `each`.
    pub fn each_inbox_row<E: From<StoreError>>(
        &self,
        q: &InboxFilter,
        ctx: &InboxContext<'_>,
        mut each: impl FnMut(InboxRow) -> Result<(), E>,
    ) -> Result<u64, E> {
        let plan = self.plan(q, ctx, Purpose::Page)?;
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM {ROW_FROM} {} {}",
            plan.where_sql,
            Self::order_by(q)
        );
        let mut stmt = self.conn.prepare(&sql).map_err(StoreError::from)?;
        let mut rows = stmt
            .query(rusqlite::params_from_iter(plan.params))
            .map_err(StoreError::from)?;
        let mut batch: Vec<InboxRow> = Vec::with_capacity(MAX_PAGE_SIZE as usize);
        let mut sent = 0u64;
        let mut flush = |batch: &mut Vec<InboxRow>| -> Result<(), E> {
            mark_whitelisted(&self.conn, batch, ctx.now)?;
            for row in batch.drain(..) {
                each(row)?;
                sent += 1;
            }
            Ok(())
        };
        while let Some(r) = rows.next().map_err(StoreError::from)? {
            let mut row = read_row(r, ctx.now, ctx.calendar).map_err(StoreError::from)?;
            row.mark_waiting(ctx.role, ctx.me);
            batch.push(row);
            if batch.len() == MAX_PAGE_SIZE as usize {
                flush(&mut batch)?;
            }
        }
        flush(&mut batch)?;
        Ok(sent)
    }

    /// How many orders the query matches, up to [`COUNT_CAP`]; exact when the query filters
    /// by status (or open orders) alone, from the per-status counts the triggers keep.
    pub fn count_inbox(
        &self,
        q: &InboxFilter,
        ctx: &InboxContext<'_>,
    ) -> Result<InboxCount, StoreError> {
        let status_only = q.search.as_deref().and_then(SearchTerm::read).is_none()
            && q.industry.is_none()
            && q.violation_code.is_none()
            && q.clue_category.is_none()
            && q.due.is_none()
            && !q.mine
            && !q.waiting_for_me;
        if status_only {
            let n: i64 = self
                .conn
                .prepare_cached(
                    "SELECT coalesce(sum(n), 0) FROM status_count
                     WHERE (?1 = '[]' OR status IN (SELECT value FROM json_each(?1)))
                       AND (?2 = 0 OR status NOT IN ('closed', 'transferred'))",
                )?
                .query_row(
                    rusqlite::params![status_list(&q.status)?, q.open_only],
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
