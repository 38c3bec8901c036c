//! `casedesk-cli`: the desk's services over the same `casedesk-app` functions as the window,
//! for administrators and scripts. Failures print one line on stderr and exit non-zero.

use std::path::PathBuf;
use std::process::ExitCode;

use casedesk_app::{
    default_data_dir, load_calendar, AppError, Desk, DueFilter, HandlingMethod, InboxFilter,
    NaiveDate, SortKey,
};
use casedesk_domain::{Industry, Role, Status};
use chrono::Datelike;
use clap::{Parser, Subcommand};
use serde::Serialize;

#[derive(Parser)]
#[command(
    name = "casedesk-cli",
    version,
    about = "CaseDesk 信用交通办案工作台 — command line"
)]
struct Cli {
    /// Data folder holding the offline cache (default: $XDG_DATA_HOME/casedesk).
    #[arg(long, global = true)]
    data: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fill an empty cache with realistic Henan demo data.
    Demo {
        #[arg(long, default_value_t = 10_000)]
        orders: u64,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// List the inbox.
    List {
        /// pending, claimed, handled, rectifying, submitted, closed, returned, transferred.
        #[arg(long, value_parser = code::<Status>)]
        status: Option<Status>,
        /// scheduled-coach, charter-coach, hazmat, general-freight.
        #[arg(long, value_parser = code::<Industry>)]
        industry: Option<Industry>,
        /// Violation code from the catalog, e.g. KY-001.
        #[arg(long)]
        violation: Option<String>,
        /// Clue category 1, 2 or 3.
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=3))]
        category: Option<u8>,
        /// overdue, today, this-week.
        #[arg(long, value_parser = code::<DueFilter>)]
        due: Option<DueFilter>,
        /// Only orders claimed by me.
        #[arg(long)]
        mine: bool,
        /// Hide closed and transferred orders.
        #[arg(long)]
        open: bool,
        /// Plate, enterprise, violation type or place.
        #[arg(long)]
        search: Option<String>,
        /// Sort by detection time instead of deadline.
        #[arg(long)]
        by_detection: bool,
        #[arg(long)]
        desc: bool,
        #[arg(long, default_value_t = 1)]
        page: u32,
        #[arg(long, default_value_t = 50)]
        page_size: u32,
    },
    /// Show one work order with its timeline.
    Show { id: String },
    /// Claim (认领) a work order.
    Claim { id: String },
    /// Record handling (处置).
    Handle {
        id: String,
        /// phone-warning, interception, fine, education, notice-to-authority.
        #[arg(long, value_parser = code::<HandlingMethod>)]
        method: HandlingMethod,
        #[arg(long)]
        result: String,
        #[arg(long, default_value = "")]
        notes: String,
    },
    /// Set a rectification requirement with a deadline (YYYY-MM-DD).
    Require {
        id: String,
        #[arg(long)]
        requirement: String,
        #[arg(long)]
        deadline: String,
    },
    /// Record a rectification (整改) with evidence files.
    Rectify {
        id: String,
        #[arg(long)]
        description: String,
        #[arg(long = "file")]
        files: Vec<PathBuf>,
    },
    /// Submit for spot check (提交抽查).
    Submit { id: String },
    /// Return (退回) with a reason.
    Return {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Transfer (转办) to another unit with a reason.
    Transfer {
        id: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        reason: String,
    },
    /// Spot check (抽查) a submitted order: pass closes it, fail returns it. Supervisors only.
    SpotCheck {
        id: String,
        #[arg(long, conflicts_with = "fail", required_unless_present = "fail")]
        pass: bool,
        #[arg(long)]
        fail: bool,
        #[arg(long, default_value = "")]
        notes: String,
    },
    /// What is waiting to be sent to the hub.
    Outbox,
    /// Who works at this desk; with options, change it (until sign-in to a hub exists).
    Profile {
        #[arg(long)]
        user: Option<String>,
        /// desk-staff, county-officer, supervisor, administrator.
        #[arg(long, value_parser = code::<Role>)]
        role: Option<Role>,
        /// County division code, e.g. 410783 (长垣市).
        #[arg(long)]
        county: Option<String>,
    },
    /// The desk's user, jurisdiction and cache state.
    Status,
    /// Working days (工作日) by the data folder's calendar; needs no cache.
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
}

/// Years without a loaded State Council notice get the statutory holidays, marked provisional.
#[derive(Subcommand)]
enum CalendarCommand {
    /// The date N working days after DATE (YYYY-MM-DD; DATE itself is not counted).
    Add {
        date: String,
        #[arg(value_parser = clap::value_parser!(u32).range(0..=10_000))]
        n: u32,
    },
    /// Whether DATE (YYYY-MM-DD) is a working day.
    IsWorkday { date: String },
}

/// Parses a domain value from its code, written `phone_warning` or `phone-warning`.
fn code<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(s.replace('-', "_")))
        .map_err(|_| format!("unknown value {s:?}; see --help for the accepted ones"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line, in both languages, for scripts and for people.
            eprintln!("casedesk-cli: {} / {}", e.message_zh, e.message_en);
            ExitCode::FAILURE
        }
    }
}

fn print<T: Serialize>(
    json: bool,
    value: &T,
    text: impl FnOnce(&T) -> String,
) -> Result<(), AppError> {
    if json {
        let s = serde_json::to_string_pretty(value)
            .map_err(|e| AppError::invalid(format!("无法输出 JSON：{e}"), e.to_string()))?;
        println!("{s}");
    } else {
        println!("{}", text(value));
    }
    Ok(())
}

fn detail_text(d: &casedesk_app::OrderDetail) -> String {
    let r = &d.row;
    let mut s = format!(
        "{} [{}] {} {}\n  企业: {} ({:?}, {} 分)\n  违法: {} (线索类别 {})  地点: {}\n  检测: {}  时限: {} (剩余 {} 个工作日)\n",
        r.order_no,
        r.status.name_zh(),
        r.plate,
        if r.whitelisted { "[白名单]" } else { "" },
        d.enterprise.name,
        d.enterprise.credit_code,
        d.enterprise.credit_score,
        r.violation_name,
        r.clue_category,
        r.place,
        r.detected_at,
        r.deadline,
        r.working_days_left
    );
    for t in &d.timeline {
        s.push_str(&format!("  - {} {} {:?}", t.at, t.actor, t.kind));
        for f in [&t.result, &t.notes, &t.reason, &t.requirement, &t.to_unit]
            .into_iter()
            .flatten()
        {
            s.push_str(&format!(" · {f}"));
        }
        for e in &t.evidence {
            s.push_str(&format!(" · 附件 {} ({} B)", e.file_name, e.size));
        }
        s.push('\n');
    }
    s.trim_end().to_string()
}

fn run(cli: Cli) -> Result<(), AppError> {
    let data = cli.data.unwrap_or_else(default_data_dir);
    let json = cli.json;
    // The calendar reads the data folder's calendar.json but no cache, so it works on any folder.
    if let Command::Calendar { command } = &cli.command {
        return calendar(&data, json, command);
    }
    let mut desk = Desk::open(&data)?;
    match cli.command {
        Command::Demo { orders, seed } => {
            let s = desk.load_demo(orders, seed)?;
            print(json, &s, |s| {
                format!(
                    "loaded {} orders, {} enterprises, {} vehicles in {} ms",
                    s.orders, s.enterprises, s.vehicles, s.millis
                )
            })
        }
        Command::List {
            status,
            industry,
            violation,
            category,
            due,
            mine,
            open,
            search,
            by_detection,
            desc,
            page,
            page_size,
        } => {
            let q = InboxFilter {
                status,
                industry,
                violation_code: violation,
                clue_category: category,
                due,
                mine,
                open_only: open,
                search,
                sort: if by_detection {
                    SortKey::DetectedAt
                } else {
                    SortKey::Deadline
                },
                descending: desc,
                page,
                page_size,
            };
            let p = desk.list_inbox(&q)?;
            print(json, &p, |p| {
                p.rows
                    .iter()
                    .map(|r| {
                        format!(
                            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                            r.order_no,
                            r.status.name_zh(),
                            r.plate,
                            r.violation_name,
                            r.enterprise_name,
                            r.deadline,
                            r.claimed_by.as_deref().unwrap_or("-")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        }
        Command::Show { id } => {
            let id = desk.resolve_order(&id)?;
            print(json, &desk.order(id)?, detail_text)
        }
        Command::Claim { id } => {
            let id = desk.resolve_order(&id)?;
            print(json, &desk.claim(id)?, detail_text)
        }
        Command::Handle {
            id,
            method,
            result,
            notes,
        } => {
            let id = desk.resolve_order(&id)?;
            print(
                json,
                &desk.handle(id, method, &result, &notes)?,
                detail_text,
            )
        }
        Command::Require {
            id,
            requirement,
            deadline,
        } => {
            let id = desk.resolve_order(&id)?;
            print(
                json,
                &desk.require_rectification(id, &requirement, &deadline)?,
                detail_text,
            )
        }
        Command::Rectify {
            id,
            description,
            files,
        } => {
            let id = desk.resolve_order(&id)?;
            print(
                json,
                &desk.record_rectification(id, &description, &files)?,
                detail_text,
            )
        }
        Command::Submit { id } => {
            let id = desk.resolve_order(&id)?;
            print(json, &desk.submit_for_spot_check(id)?, detail_text)
        }
        Command::Return { id, reason } => {
            let id = desk.resolve_order(&id)?;
            print(json, &desk.return_order(id, &reason)?, detail_text)
        }
        Command::Transfer { id, to, reason } => {
            let id = desk.resolve_order(&id)?;
            print(json, &desk.transfer(id, &to, &reason)?, detail_text)
        }
        Command::SpotCheck {
            id, pass, notes, ..
        } => {
            let id = desk.resolve_order(&id)?;
            print(json, &desk.spot_check(id, pass, &notes)?, detail_text)
        }
        Command::Profile { user, role, county } => {
            if user.is_some() || role.is_some() || county.is_some() {
                let current = desk.profile().clone();
                desk.set_profile(casedesk_app::Profile {
                    user_name: user.unwrap_or(current.user_name),
                    role: role.unwrap_or(current.role),
                    county_code: county.unwrap_or(current.county_code),
                })?;
            }
            let s = desk.status()?;
            print(json, &s, |s| {
                format!(
                    "{} ({}) · {} {} ({})",
                    s.user_name,
                    s.role.name_zh(),
                    s.city_name,
                    s.county_name,
                    s.county_code
                )
            })
        }
        Command::Outbox => {
            let o = desk.outbox()?;
            print(json, &o, |o| {
                if o.is_empty() {
                    "outbox empty: nothing waiting to be sent".to_string()
                } else {
                    o.iter()
                        .map(|e| {
                            format!(
                                "{}\t{}\t{}\t{:?}\tbase v{}",
                                e.seq, e.mutation_id, e.order_no, e.action, e.base_version
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                }
            })
        }
        // Answered above, before the cache is opened; kept here so the match stays exhaustive.
        Command::Calendar { command } => calendar(&data, json, &command),
        Command::Status => {
            let s = desk.status()?;
            print(json, &s, |s| {
                format!(
                    "{} ({:?}) · {} {} · {} orders · {} unsent · {}",
                    s.user_name,
                    s.role,
                    s.city_name,
                    s.county_name,
                    s.order_count,
                    s.unsent,
                    s.data_dir
                )
            })
        }
    }
}

#[derive(Serialize)]
struct CalendarAdd {
    start: String,
    working_days: u32,
    date: String,
    provisional: bool,
}

#[derive(Serialize)]
struct CalendarDay {
    date: String,
    working_day: bool,
    provisional: bool,
    holiday: Option<String>,
}

/// A date written exactly YYYY-MM-DD (four-digit year), as in the calendar files.
fn parse_date(s: &str) -> Result<NaiveDate, AppError> {
    let s = s.trim();
    let shaped = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
    shaped
        .then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| {
            AppError::invalid(
                format!("“{s}”不是有效日期，请按 2027-01-04 的格式填写。"),
                format!("{s:?} is not a date like 2027-01-04"),
            )
        })
}

/// "（暂定：2027、2028 年放假安排未载入）" for the years without a notice, or nothing.
fn provisional_note(years: impl IntoIterator<Item = i32>) -> String {
    let years: Vec<String> = years.into_iter().map(|y| y.to_string()).collect();
    if years.is_empty() {
        String::new()
    } else {
        format!("（暂定：{} 年放假安排未载入）", years.join("、"))
    }
}

fn calendar(data: &std::path::Path, json: bool, command: &CalendarCommand) -> Result<(), AppError> {
    let cal = load_calendar(data)?;
    match command {
        CalendarCommand::Add { date, n } => {
            let start = parse_date(date)?;
            let end = cal.add_working_days(start, *n);
            let years = cal.provisional_years(start, end);
            let out = CalendarAdd {
                start: start.to_string(),
                working_days: *n,
                date: end.to_string(),
                provisional: !years.is_empty(),
            };
            print(json, &out, |o| {
                format!("{}{}", o.date, provisional_note(years))
            })
        }
        CalendarCommand::IsWorkday { date } => {
            let d = parse_date(date)?;
            let out = CalendarDay {
                date: d.to_string(),
                working_day: cal.is_working_day(d),
                provisional: cal.is_provisional(d),
                holiday: cal.holiday_name(d).map(str::to_string),
            };
            print(json, &out, |o| {
                const WEEKDAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
                let weekday = WEEKDAYS[d.weekday().num_days_from_monday() as usize];
                let kind = match (&o.holiday, o.working_day) {
                    (Some(h), _) => format!("非工作日（{h}）"),
                    (None, true) => "工作日".to_string(),
                    (None, false) => "非工作日（休息日）".to_string(),
                };
                let note = if o.provisional {
                    provisional_note([d.year()])
                } else {
                    String::new()
                };
                format!("{} 星期{weekday} {kind}{note}", o.date)
            })
        }
    }
}
