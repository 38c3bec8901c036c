//! The command line: `serve`, `user add|passwd|disable|enable|list`, `ingest FILE.csv`,
//! `audit verify`, `openapi`.
//! Data goes to stdout (JSON with `--json`); a failure is one line on stderr and a non-zero exit.

use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use casedesk_domain::Role;
use clap::{Parser, Subcommand};
use thiserror::Error;

use crate::api::{app_with_evidence, HubConfig};
use crate::auth::hash_password;
use crate::clock::{beijing_now, stamp};
use crate::jurisdiction::Jurisdiction;
use crate::storage::{self, HubStore, NewUser, StoreError};

#[derive(Parser)]
#[command(
    name = "casedesk-hub",
    version,
    about = "CaseDesk sync hub (信用交通办案工作台 同步服务)"
)]
struct Cli {
    /// SQLite file, or a postgres:// URL [default: casedesk-hub.db beside the binary]
    #[arg(long, global = true)]
    db: Option<String>,
    /// Print data as JSON.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the sync API.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8740")]
        listen: String,
        /// Fill an empty hub with demo users and orders (see README).
        #[arg(long)]
        demo: bool,
        /// How many demo orders 长垣 gets (获嘉 a tenth as many); the desk's `demo --orders`.
        #[arg(long, default_value_t = 10_000, requires = "demo",
              value_parser = clap::value_parser!(u64).range(1..=crate::demo::MAX_DEMO_ORDERS))]
        demo_orders: u64,
        /// The demo's seed; the desk's `demo --seed`.
        #[arg(long, default_value_t = 2026, requires = "demo")]
        demo_seed: u64,
        /// The moment the demo is made as of, Beijing time "YYYY-MM-DD HH:MM" (not later than
        /// now); the desk's `demo --at`, so that both make the same orders [default: now]
        #[arg(long, requires = "demo")]
        demo_at: Option<String>,
        /// Where evidence files go: a folder, or s3://bucket[/prefix] with the AWS_* variables
        /// [default: DB.evidence beside a SQLite file; casedesk-hub-evidence for PostgreSQL]
        #[arg(long)]
        evidence: Option<String>,
    },
    /// Manage users (passwords are read from stdin, one line).
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The audit chain.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Turn the platform's alarms in a CSV file into work orders (see README); exits 2 when a
    /// record was rejected (the others still go in).
    Ingest {
        /// CSV with a header line: alarm_id,violation_code,plate,detected_at,place,county_code
        /// and optionally enterprise_name,enterprise_credit_id,enterprise_industry,
        /// enterprise_credit_score,driver_name,driver_phone
        file: PathBuf,
    },
    /// Submit a carrier's application from a submission folder (application.json and the
    /// files it names) as the carrier portal would; the same folder twice is one application.
    /// Exits 2 when it is refused (nothing is stored).
    IngestApplication {
        folder: PathBuf,
        /// Where evidence files go (as for serve) [default: DB.evidence beside a SQLite file]
        #[arg(long)]
        evidence: Option<String>,
    },
    /// Carriers' credit records (credit code and administrative penalties) for the permit
    /// desk's fast track and draw, as the platform reports them.
    Carrier {
        #[command(subcommand)]
        command: CarrierCommand,
    },
    /// Evidence files: `sweep` removes what abandoned or interrupted uploads left behind
    /// (`serve` also sweeps once when it starts).
    Evidence {
        #[command(subcommand)]
        command: EvidenceCommand,
    },
    /// Print the OpenAPI document.
    Openapi,
}

#[derive(Subcommand)]
enum CarrierCommand {
    /// Replace carriers' records from a JSON file: an array of {credit_id, enterprise_name,
    /// credit_code (red|yellow|green|null), penalties: [{decided_on, repaired_on}]}. Each record
    /// is checked on its own; exits 2 when one was refused (the others are kept).
    Import { file: PathBuf },
    /// A carrier's record as kept.
    Show { credit_id: String },
}

/// One record of `carrier import`'s file.
#[derive(serde::Deserialize)]
struct CarrierLine {
    credit_id: String,
    enterprise_name: String,
    #[serde(flatten)]
    standing: casedesk_wire::CarrierStanding,
}

#[derive(Subcommand)]
enum EvidenceCommand {
    /// Remove uploads never completed and chunk objects no upload counts, older than the age
    /// given; stored files are never touched.
    Sweep {
        /// Where evidence files are (as for `serve`)
        #[arg(long)]
        evidence: Option<String>,
        /// Leave what is younger than this many hours (an upload may still be under way)
        #[arg(long, default_value_t = SWEEP_AGE_HOURS)]
        older_than_hours: u32,
    },
}

/// Age past which an unfinished upload counts as abandoned: a desk resumes an upload at its
/// next sync, and an officer is back online within a day or two.
const SWEEP_AGE_HOURS: u32 = 72;

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from stdin.
    Add {
        name: String,
        /// county_officer, supervisor, desk_staff or administrator
        #[arg(long)]
        role: String,
        /// 41 (province), a city's 4 digits (4107) or a county's 6 (410783)
        #[arg(long)]
        jurisdiction: String,
    },
    /// Set a new password (from stdin); the user's tokens are revoked.
    Passwd { name: String },
    /// Disable a user and revoke their tokens.
    Disable { name: String },
    /// Enable a disabled user.
    Enable { name: String },
    /// List users.
    List,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the hash chain; exit 2 at the first broken link.
    Verify,
}

#[derive(Debug, Error)]
enum CliError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Json(#[from] serde_json::Error),
}

fn default_db() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(|d| d.join("casedesk-hub.db")))
        .unwrap_or_else(|| PathBuf::from("casedesk-hub.db"))
        .display()
        .to_string()
}

/// The database as it may be printed: a URL's password is left out of logs.
fn shown(db: &str) -> String {
    match (db.split_once("://"), db.rfind('@')) {
        (Some((scheme, rest)), Some(_)) => match rest.split_once('@') {
            Some((userinfo, host)) => {
                let user = userinfo.split(':').next().unwrap_or("");
                format!("{scheme}://{user}@{host}")
            }
            None => db.to_string(),
        },
        _ => db.to_string(),
    }
}

fn read_password() -> Result<String, CliError> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.chars().count() < 8 {
        return Err(CliError::Usage(
            "the password (read from stdin) must be at least 8 characters".into(),
        ));
    }
    Ok(password)
}

fn hash(password: &str) -> Result<String, CliError> {
    hash_password(password).map_err(|e| CliError::Usage(e.to_string()))
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("casedesk-hub: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("casedesk-hub: {e}");
            ExitCode::FAILURE
        }
    }
}

fn print(json: bool, value: serde_json::Value, text: String) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
    } else {
        writeln!(out, "{text}")?;
    }
    Ok(())
}

async fn run(cli: Cli) -> Result<ExitCode, CliError> {
    if let Command::Openapi = cli.command {
        let doc = crate::api::openapi()
            .to_pretty_json()
            .map_err(CliError::Json)?;
        println!("{doc}");
        return Ok(ExitCode::SUCCESS);
    }
    let db = cli.db.clone().unwrap_or_else(default_db);
    let store = storage::open(&db).await?;
    let at = stamp(beijing_now());
    match cli.command {
        Command::Openapi => Ok(ExitCode::SUCCESS),
        Command::Serve {
            listen,
            demo,
            demo_orders,
            demo_seed,
            demo_at,
            evidence,
        } => {
            let evidence = evidence.unwrap_or_else(|| crate::evidence::default_location(&db));
            let bucket = crate::evidence::EvidenceBucket::open(&evidence)
                .map_err(|e| CliError::Usage(e.to_string()))?;
            let plan = crate::demo::DemoPlan {
                orders: demo_orders,
                seed: demo_seed,
                at: demo_moment(demo_at.as_deref())?,
            };
            if demo
                && crate::demo::fill(store.as_ref(), &plan)
                    .await
                    .map_err(|e| CliError::Usage(e.to_string()))?
            {
                eprintln!(
                    "casedesk-hub: demo users and orders added (password {})",
                    crate::demo::DEMO_PASSWORD
                );
            }
            let listener = tokio::net::TcpListener::bind(&listen)
                .await
                .map_err(|e| CliError::Usage(format!("cannot listen on {listen}: {e}")))?;
            let addr = listener.local_addr()?;
            // Once per start, beside the serving: what a crash or a desk that gave up left.
            let (swept_store, swept_bucket) = (store.clone(), bucket.clone());
            tokio::spawn(async move {
                let age = chrono::Duration::hours(i64::from(SWEEP_AGE_HOURS));
                match crate::evidence::sweep(swept_store.as_ref(), &swept_bucket, age).await {
                    Ok(r) if r.abandoned_uploads + r.orphan_chunks > 0 => eprintln!(
                        "casedesk-hub: swept {} abandoned uploads and {} orphan chunks ({} bytes)",
                        r.abandoned_uploads, r.orphan_chunks, r.bytes_freed
                    ),
                    Ok(_) => {}
                    Err(e) => eprintln!("casedesk-hub: evidence sweep failed: {e}"),
                }
            });
            eprintln!(
                "casedesk-hub: listening on http://{addr} ({} {}, evidence in {})",
                store.engine(),
                shown(&db),
                bucket.location()
            );
            axum::serve(
                listener,
                app_with_evidence(store, HubConfig::default(), bucket)
                    .into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Evidence {
            command:
                EvidenceCommand::Sweep {
                    evidence,
                    older_than_hours,
                },
        } => {
            let evidence = evidence.unwrap_or_else(|| crate::evidence::default_location(&db));
            let bucket = crate::evidence::EvidenceBucket::open(&evidence)
                .map_err(|e| CliError::Usage(e.to_string()))?;
            let age = chrono::Duration::hours(i64::from(older_than_hours));
            let r = crate::evidence::sweep(store.as_ref(), &bucket, age)
                .await
                .map_err(|e| CliError::Usage(e.to_string()))?;
            print(
                cli.json,
                serde_json::to_value(&r)?,
                format!(
                    "swept {} abandoned uploads and {} orphan chunks ({} bytes)",
                    r.abandoned_uploads, r.orphan_chunks, r.bytes_freed
                ),
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::User { command } => user(store.as_ref(), command, cli.json, &at).await,
        Command::Ingest { file } => ingest_file(store.as_ref(), &file, cli.json).await,
        Command::IngestApplication { folder, evidence } => {
            let location = evidence.unwrap_or_else(|| crate::evidence::default_location(&db));
            let bucket = crate::evidence::EvidenceBucket::open(&location)
                .map_err(|e| CliError::Usage(e.to_string()))?;
            ingest_application(store.as_ref(), &bucket, &folder, cli.json).await
        }
        Command::Carrier {
            command: CarrierCommand::Import { file },
        } => import_carriers(store.as_ref(), &file, cli.json).await,
        Command::Carrier {
            command: CarrierCommand::Show { credit_id },
        } => match store.carrier_credit(&credit_id).await? {
            Some(c) => {
                let line = format!(
                    "{}\t{}\t{}\t{} 条未修复处罚 unrepaired penalties\t{} {}",
                    c.credit_id,
                    c.enterprise_name,
                    c.standing.credit_code.map_or("-", |k| k.code()),
                    casedesk_domain::permit::CarrierRecord {
                        penalties: c.standing.penalties.clone(),
                        list_entries: Vec::new(),
                    }
                    .unrepaired_penalties(crate::clock::beijing_now().date()),
                    c.updated_at,
                    c.updated_by
                );
                print(cli.json, serde_json::to_value(&c)?, line)?;
                Ok(ExitCode::SUCCESS)
            }
            None => {
                eprintln!("casedesk-hub: 没有企业 {credit_id} 的信用记录 / no record of carrier {credit_id}");
                Ok(ExitCode::from(2))
            }
        },
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let report = crate::audit::verify(store.as_ref()).await?;
            match &report.first_broken {
                None => {
                    print(
                        cli.json,
                        serde_json::to_value(&report)?,
                        format!("audit chain intact: {} rows", report.rows),
                    )?;
                    Ok(ExitCode::SUCCESS)
                }
                Some(b) => {
                    if cli.json {
                        print(true, serde_json::to_value(&report)?, String::new())?;
                    }
                    eprintln!(
                        "casedesk-hub: audit chain broken at row {}: {}",
                        b.id, b.reason
                    );
                    Ok(ExitCode::from(2))
                }
            }
        }
    }
}

async fn import_carriers(
    store: &dyn HubStore,
    file: &std::path::Path,
    json: bool,
) -> Result<ExitCode, CliError> {
    let text = std::fs::read_to_string(file)?;
    let lines: Vec<serde_json::Value> = serde_json::from_str(&text).map_err(|e| {
        CliError::Usage(format!(
            "{}: 不是企业信用记录的 JSON 数组 / not a JSON array of carrier records: {e}",
            file.display()
        ))
    })?;
    let mut results = Vec::new();
    let mut refused = 0;
    for (i, value) in lines.into_iter().enumerate() {
        let outcome = serde_json::from_value::<CarrierLine>(value)
            .map_err(|e| casedesk_wire::SubmissionRefusal {
                code: "malformed_record",
                zh: format!("记录格式不对：{e}"),
                en: format!("malformed record: {e}"),
            })
            .and_then(|line| {
                let update = casedesk_wire::CarrierCreditUpdate {
                    enterprise_name: line.enterprise_name,
                    standing: line.standing,
                    device_id: String::new(),
                };
                crate::permit::carrier_credit_record(
                    &line.credit_id,
                    update,
                    "carrier-import",
                    crate::clock::beijing_now(),
                )
            });
        match outcome {
            Ok(record) => {
                let kept = store.set_carrier_credit(record).await?;
                if !json {
                    println!("kept {}\tversion {}", kept.credit_id, kept.version);
                }
                results.push(serde_json::json!({"index": i, "result": "kept",
                    "credit_id": kept.credit_id, "version": kept.version}));
            }
            Err(r) => {
                refused += 1;
                eprintln!(
                    "casedesk-hub: record {}: rejected {}: {} / {}",
                    i + 1,
                    r.code,
                    r.zh,
                    r.en
                );
                results.push(serde_json::json!({"index": i, "result": "rejected",
                    "code": r.code, "message_zh": r.zh, "message_en": r.en}));
            }
        }
    }
    if json {
        print(true, serde_json::Value::Array(results), String::new())?;
    }
    Ok(if refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

async fn ingest_application(
    store: &dyn HubStore,
    bucket: &crate::evidence::EvidenceBucket,
    folder: &std::path::Path,
    json: bool,
) -> Result<ExitCode, CliError> {
    use crate::permit::SubmitError;
    use casedesk_wire::ApplicationSubmitted;
    let poster = crate::permit::Poster {
        username: "ingest-application".into(),
        device_id: String::new(),
        scope: Jurisdiction::Province,
    };
    let outcome = match crate::permit::read_folder(folder) {
        Ok((submission, files)) => {
            crate::permit::submit(store, bucket, submission, files, &poster).await
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(answer) => {
            let line = match &answer {
                ApplicationSubmitted::Created {
                    application_id,
                    day,
                    commitment,
                } => format!("created {application_id}\tday {day}\tcommitment {commitment}"),
                ApplicationSubmitted::Duplicate { application_id } => {
                    format!("duplicate {application_id}")
                }
            };
            print(json, serde_json::to_value(&answer)?, line)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(SubmitError::Refused(r)) => {
            if json {
                print(
                    true,
                    serde_json::json!({"result": "rejected", "code": r.code,
                        "message_zh": r.zh, "message_en": r.en}),
                    String::new(),
                )?;
            }
            eprintln!(
                "casedesk-hub: {}: rejected {}: {} / {}; nothing stored",
                folder.display(),
                r.code,
                r.zh,
                r.en
            );
            Ok(ExitCode::from(2))
        }
        Err(SubmitError::Store(e)) => Err(e.into()),
        Err(SubmitError::Bucket(e)) => Err(CliError::Usage(format!("evidence store: {e}"))),
        Err(SubmitError::Api(e)) => Err(CliError::Usage(e.to_string())),
    }
}

async fn ingest_file(
    store: &dyn HubStore,
    file: &std::path::Path,
    json: bool,
) -> Result<ExitCode, CliError> {
    use casedesk_wire::IngestResult;
    let bytes = std::fs::read(file)
        .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", file.display())))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| CliError::Usage(format!("{} is not UTF-8 text", file.display())))?;
    let inputs = crate::ingest::csv_inputs(&text)
        .map_err(|e| CliError::Usage(format!("{}: {e}; nothing ingested", file.display())))?;
    let poster = crate::ingest::Poster {
        username: "ingest-cli".into(),
        device_id: String::new(),
        scope: Jurisdiction::Province,
    };
    let results = crate::ingest::ingest(store, inputs, &poster).await?;
    let count = |f: fn(&IngestResult) -> bool| results.iter().filter(|r| f(r)).count();
    let created = count(|r| matches!(r, IngestResult::Created { .. }));
    let duplicate = count(|r| matches!(r, IngestResult::Duplicate { .. }));
    let rejected = count(|r| matches!(r, IngestResult::Rejected { .. }));
    let mut lines: Vec<String> = results
        .iter()
        .map(|r| match r {
            IngestResult::Created {
                alarm_id,
                order_no,
                county_code,
                whitelisted,
            } => format!(
                "created {order_no}\t{alarm_id}\t{county_code}{}",
                whitelisted
                    .map(|k| format!("\twhitelisted ({})", k.code()))
                    .unwrap_or_default()
            ),
            IngestResult::Duplicate { alarm_id, order_no } => {
                format!("duplicate {order_no}\t{alarm_id}")
            }
            IngestResult::Rejected {
                alarm_id,
                line,
                code,
                message_en,
                ..
            } => format!(
                "rejected line {}\t{alarm_id}\t{code}: {message_en}",
                line.unwrap_or(0)
            ),
        })
        .collect();
    lines.push(format!(
        "{created} created, {duplicate} duplicate, {rejected} rejected"
    ));
    print(
        json,
        serde_json::json!({
            "created": created,
            "duplicate": duplicate,
            "rejected": rejected,
            "results": results,
        }),
        lines.join("\n"),
    )?;
    Ok(if rejected > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

async fn user(
    store: &dyn HubStore,
    command: UserCommand,
    json: bool,
    at: &str,
) -> Result<ExitCode, CliError> {
    let unknown = |name: &str| CliError::Usage(format!("no user named {name}"));
    match command {
        UserCommand::Add {
            name,
            role,
            jurisdiction,
        } => {
            let role = Role::from_code(&role).ok_or_else(|| {
                CliError::Usage(format!(
                    "unknown role {role}: county_officer, supervisor, desk_staff or administrator"
                ))
            })?;
            let jurisdiction =
                Jurisdiction::parse(&jurisdiction).map_err(|e| CliError::Usage(e.to_string()))?;
            jurisdiction
                .check_role(role)
                .map_err(|e| CliError::Usage(e.to_string()))?;
            let name = name.trim().to_string();
            if name.is_empty() || name.chars().any(char::is_control) {
                return Err(CliError::Usage(
                    "the user name is empty or unprintable".into(),
                ));
            }
            let password_hash = hash(&read_password()?)?;
            let u = store
                .add_user(
                    NewUser {
                        username: name,
                        password_hash,
                        role,
                        jurisdiction,
                    },
                    at,
                )
                .await?;
            print(
                json,
                serde_json::json!({"username": u.username, "role": u.role.code(), "jurisdiction": u.jurisdiction.code()}),
                format!(
                    "added {} ({}, {})",
                    u.username,
                    u.role.code(),
                    u.jurisdiction.code()
                ),
            )?;
        }
        UserCommand::Passwd { name } => {
            let h = hash(&read_password()?)?;
            if !store.set_password(&name, &h, at).await? {
                return Err(unknown(&name));
            }
            print(
                json,
                serde_json::json!({"username": name, "password": "changed"}),
                format!("password of {name} changed; its tokens are revoked"),
            )?;
        }
        UserCommand::Disable { name } => {
            if !store.set_disabled(&name, true, at).await? {
                return Err(unknown(&name));
            }
            print(
                json,
                serde_json::json!({"username": name, "disabled": true}),
                format!("{name} disabled; its tokens are revoked"),
            )?;
        }
        UserCommand::Enable { name } => {
            if !store.set_disabled(&name, false, at).await? {
                return Err(unknown(&name));
            }
            print(
                json,
                serde_json::json!({"username": name, "disabled": false}),
                format!("{name} enabled"),
            )?;
        }
        UserCommand::List => {
            let users = store.list_users().await?;
            let rows: Vec<_> = users
                .iter()
                .map(|u| serde_json::json!({"username": u.username, "role": u.role.code(), "jurisdiction": u.jurisdiction.code(), "disabled": u.disabled}))
                .collect();
            let text = users
                .iter()
                .map(|u| {
                    format!(
                        "{}\t{}\t{}{}",
                        u.username,
                        u.role.code(),
                        u.jurisdiction.code(),
                        if u.disabled { "\tdisabled" } else { "" }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            print(json, serde_json::Value::Array(rows), text)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `--demo-at`, or now (to the minute); a moment after now is refused (no demo history may lie
/// in the future).
fn demo_moment(at: Option<&str>) -> Result<chrono::NaiveDateTime, CliError> {
    use chrono::Timelike;
    let now = beijing_now();
    let Some(text) = at else {
        return Ok(now
            .with_second(0)
            .and_then(|t| t.with_nanosecond(0))
            .unwrap_or(now));
    };
    let at = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").map_err(|_| {
        CliError::Usage(format!(
            "--demo-at {text}: not a Beijing time \"YYYY-MM-DD HH:MM\" / 不是北京时间“年-月-日 时:分”"
        ))
    })?;
    if at > now {
        return Err(CliError::Usage(format!(
            "--demo-at {text} is later than now / 演示数据的生成时刻晚于现在"
        )));
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_database_password_is_not_printed() {
        assert_eq!(
            super::shown("postgres://hub:s3cret@db.example:5432/casedesk"),
            "postgres://hub@db.example:5432/casedesk"
        );
        assert_eq!(super::shown("/var/lib/hub.db"), "/var/lib/hub.db");
    }

    #[test]
    fn the_demos_moment_is_a_beijing_minute_not_later_than_now() {
        let past = super::demo_moment(Some("2026-11-30 09:00")).expect("a past minute");
        assert_eq!(past.to_string(), "2026-11-30 09:00:00");
        let future = super::demo_moment(Some("2099-01-01 00:00")).expect_err("the future");
        assert!(future.to_string().contains("later than now"), "{future}");
        let malformed = super::demo_moment(Some("yesterday")).expect_err("not a time");
        assert!(
            malformed.to_string().contains("YYYY-MM-DD HH:MM"),
            "{malformed}"
        );
        let now = super::demo_moment(None).expect("now");
        assert_eq!(now.and_utc().timestamp() % 60, 0, "whole minutes");
    }
}
