//! `casedesk-cli`: the desk's services over the same `casedesk-app` functions as the window,
//! for administrators and scripts. Failures print one line on stderr and exit non-zero.

use std::path::PathBuf;
use std::process::ExitCode;

use casedesk_app::{
    classify_declaration, default_data_dir, explain_refusal, load_calendar, permit_classes,
    permit_materials, read_candidates, sample_commitment, sample_draw, sample_verify, AppError,
    AutoSync, AutoSyncState, AutoSyncStatus, BatchAction, BatchItem, DeclarationText, Desk,
    DueFilter, ErrorCode, ExplainedRefusal, FetchStatus, HandlingMethod, InboxFilter, Lang,
    MaterialProgress, MessageKey, NaiveDate, SortKey, Term,
};
use casedesk_domain::permit::sample::Draw;
use casedesk_domain::permit::{
    ClockAction, Configuration, ItemMark, Measure, PauseReason, PermitClass, PinnedNote,
    ReviewDraft, Route, Track, Trips, Verdict,
};
use casedesk_domain::{
    Industry, InterceptionOutcome, ReturnReason, Role, Status, WhitelistKind, WhitelistStatus,
};
use casedesk_media::index::MatchHow;
use casedesk_media::inspect::{Facts, Finding};
use casedesk_papers::text::{owner_zh, time_left_zh};
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
    /// Language of error messages: zh or en (default: from LC_ALL, LC_MESSAGES or LANG; en…
    /// is English, anything else Chinese). Messages come from assets/messages, as in the window.
    #[arg(long, global = true, value_name = "zh|en")]
    lang: Option<String>,
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
        /// Make it as of this Beijing time, "YYYY-MM-DD HH:MM" (not later than now), for the
        /// desk's user: a hub started with `serve --demo --demo-at` the same moment holds the
        /// same orders [default: now]
        #[arg(long)]
        at: Option<String>,
    },
    /// 大件运输 demo: write COUNT carriers' submission folders (application.json with a
    /// measurement video, two watermarked photos with EXIF, a dispatch note and a commitment)
    /// into OUT_DIR, the media made now by ffmpeg; some deliberately wrong (a plate that does
    /// not match, an old watermark, a reused video re-encoded, a video with a cut, a photo
    /// without EXIF, a reused photo resized), listed in OUT_DIR/demo-manifest.json. The same
    /// seed writes the same bytes. Needs no cache.
    DemoMedia {
        out_dir: PathBuf,
        #[arg(long, default_value_t = 8)]
        count: usize,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// List the inbox.
    List {
        #[command(flatten)]
        filter: FilterArgs,
        /// Apply the saved filter of this name (常用筛选; see `filters`) instead of the flags
        /// above, and make it the one in use (the window restores it at start).
        #[arg(long = "filter", value_name = "NAME", conflicts_with_all = FILTER_FLAGS)]
        filter_name: Option<String>,
        #[arg(long, default_value_t = 1)]
        page: u32,
        #[arg(long, default_value_t = 50)]
        page_size: u32,
        /// Write every matching order (all pages) to this Excel file instead of listing a page:
        /// the same workbook as the window's 导出Excel.
        #[arg(long, value_name = "FILE")]
        xlsx: Option<PathBuf>,
    },
    /// Saved filters (常用筛选): list, save (from the same flags as `list`), delete.
    Filters {
        #[command(subcommand)]
        command: FiltersCommand,
    },
    /// Show one work order with its timeline.
    Show { id: String },
    /// Claim (认领) a work order; several at once (批量认领), each in its own transaction, with
    /// every order's result and a failure exit if any was refused.
    Claim {
        #[arg(required = true, num_args = 1..)]
        ids: Vec<String>,
    },
    /// Act on several orders at once (批量认领、退回、转办), each in its own transaction, with every
    /// order's result and a failure exit if any was refused.
    Batch {
        #[command(subcommand)]
        command: BatchCommand,
    },
    /// Undo (撤销) this desk's claim of an order while it is unsent and nothing happened since.
    Undo { id: String },
    /// Record handling (处置).
    Handle {
        id: String,
        /// phone-warning, fine, education (interceptions and notices have their own commands).
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
    /// Record an interception (布控拦截) with its outcome.
    Intercept {
        id: String,
        /// violation-found, nothing-found, vehicle-not-found.
        #[arg(long, value_parser = code::<InterceptionOutcome>)]
        outcome: InterceptionOutcome,
        #[arg(long, default_value = "")]
        notes: String,
    },
    /// Send a notice to another authority (抄告); its feedback is then awaited.
    Notify {
        id: String,
        #[arg(long)]
        authority: String,
        #[arg(long)]
        content: String,
        /// Feedback deadline YYYY-MM-DD (default: the catalog's working days).
        #[arg(long)]
        feedback_due: Option<String>,
    },
    /// Record the authority's feedback (抄告反馈).
    Feedback {
        id: String,
        #[arg(long)]
        feedback: String,
    },
    /// Close a clue found groundless (核查无违法) with the finding.
    CloseGroundless {
        id: String,
        #[arg(long)]
        finding: String,
    },
    /// Return (退回) with a reason from the list (other needs --reason).
    Return {
        id: String,
        /// not-our-county, duplicate, wrong-vehicle, wrong-violation, other.
        #[arg(long = "reason-code", value_parser = code::<ReturnReason>, default_value = "other")]
        reason_code: ReturnReason,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Reassign (改派) a returned order to a county of the city. Supervisors only.
    Reassign {
        id: String,
        /// County division code, e.g. 410724 (获嘉县).
        #[arg(long)]
        county: String,
        #[arg(long)]
        reason: String,
    },
    /// Order the interception of a whitelisted vehicle in writing. Supervisors only.
    OverrideWhitelist {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// A vehicle's whitelist entries and interceptions.
    Vehicle { plate: String },
    /// Evidence files (证据): list an order's, export one by its hash.
    Evidence {
        #[command(subcommand)]
        command: EvidenceCommand,
    },
    /// The whitelist (白名单): list entries, decide proposals, add, revoke. Supervisors decide.
    Whitelist {
        #[command(subcommand)]
        command: WhitelistCommand,
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
    /// Actions the hub refused that wait for a decision: list, dismiss (放弃) or redo (重做).
    Refusals {
        #[command(subcommand)]
        command: RefusalsCommand,
    },
    /// A supervisor's attention list: other officers' work refused because someone else holds
    /// the order (kept by the last sync); list, or resolve one on the hub with a note (已处理).
    Attention {
        #[command(subcommand)]
        command: AttentionCommand,
    },
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
    /// Sign in to a hub (the password is read from stdin, one line; only the tokens are kept,
    /// in the OS keyring, or in the data folder when CASEDESK_TOKEN_STORE=file).
    Login {
        /// The hub's address, e.g. http://127.0.0.1:8740
        #[arg(long)]
        hub: String,
        #[arg(long)]
        user: String,
    },
    /// Send the outbox to the hub, then pull the hub's changes.
    Sync {
        /// Keep syncing on the background timer (as the window does): a line per attempt, the
        /// wait doubling after each failure up to 5 minutes. Stops on Ctrl+C.
        #[arg(long)]
        watch: bool,
        /// With --watch: stop after this many attempts.
        #[arg(long, requires = "watch")]
        rounds: Option<u32>,
    },
    /// Forget the hub's tokens; the outbox and the cache stay.
    Logout,
    /// Working days (工作日) by the data folder's calendar; needs no cache.
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// 大件运输: the permit rules (over-limit test, class, time limit; no cache needed), the
    /// media checks of remote review (media-check, media-index; in the cache), and the service
    /// point's applications, day and dishonest list as the last sync pulled them.
    Permit {
        #[command(subcommand)]
        command: PermitCommand,
    },
}

#[derive(Subcommand)]
enum PermitCommand {
    /// 远程审核 media check: what FILE is (kind from its bytes, metadata, no-EXIF and cut
    /// findings) and which indexed applications' photos or videos it repeats, and how (same
    /// bytes; the same picture re-encoded, resized or cropped; a video sharing frames).
    /// Needs the cache (see media-index).
    MediaCheck { file: PathBuf },
    /// Fingerprint the photos and videos of a carrier's submission folder (application.json
    /// and its files) and record them in the cache under the folder's carrier_reference, which
    /// stands in for the application id until applications come through the hub. A bad file
    /// refuses the whole folder and records nothing.
    MediaIndex { folder: PathBuf },
    /// 远程审核: download applications' materials from the hub into the cache (all pulled
    /// applications, or APPLICATION_ID's), resuming what an interrupted download kept, each file
    /// checked against its SHA-256 before it is kept; photos and videos are read and
    /// fingerprinted under the hub's application id. Progress on stderr; --json prints per file
    /// its sha256, bytes and status (held, downloaded, refused with the reason).
    FetchMaterials { application_id: Option<String> },
    /// What the media checks found in APPLICATION_ID's held materials: metadata, no EXIF, cuts,
    /// and the other applications that handed in the same file or the same picture or footage.
    Findings { application_id: String },
    /// Which limits of article 3 a declaration exceeds, its class and its time limit.
    Classify {
        /// Overall height in metres (e.g. 4.35).
        #[arg(long)]
        height: String,
        /// Overall width in metres.
        #[arg(long)]
        width: String,
        /// Overall length in metres.
        #[arg(long)]
        length: String,
        /// Total mass of vehicle and load in whole kilograms.
        #[arg(long)]
        mass: String,
        #[arg(long)]
        axles: u32,
        /// A tractor with a semi-trailer or a truck with a full trailer (汽车列车).
        #[arg(long)]
        combination: bool,
        /// Six or more axles with a single drive axle on the tractor.
        #[arg(long)]
        single_drive_axle: bool,
        /// Non-drive axles with single tyres per side (not approved wide-base tyres).
        #[arg(long, default_value_t = 0)]
        single_tyre_axles: u32,
        /// Across provinces (跨省, handled centrally), for the time limit.
        #[arg(long)]
        cross_province: bool,
    },
    /// The classes and statutory time limits of article 15, with their source.
    Classes,
    /// The materials an application needs for its class and track; with --present, what is
    /// missing (the one-time notice's list).
    Materials {
        /// one, two or three (一类/二类/三类).
        #[arg(long, value_parser = code::<PermitClass>)]
        class: PermitClass,
        /// The credit fast track (信用+申报): commitments, dispatch note, photos, video.
        #[arg(long)]
        fast_track: bool,
        /// Repeated trips on a fixed route (needs a transport plan).
        #[arg(long)]
        repeated: bool,
        /// Material codes handed in, comma-separated: application_form, operating_licence,
        /// vehicle_licence, agent_id, agent_authorisation, carrier_commitment,
        /// manufacturer_commitment, dispatch_note, watermarked_photos, measurement_video,
        /// outline_drawing, escort_plan, transport_plan.
        #[arg(long, value_delimiter = ',')]
        present: Vec<String>,
    },
    /// The day's random sample: its commitment, its draw, and the check anybody can make once
    /// the seed is revealed.
    Sample {
        #[command(subcommand)]
        command: SampleCommand,
    },
    /// The service point's applications of a day (today by default), from the cache, with
    /// their class, time-limit clock, materials, fast track and sample mark.
    Applications {
        /// YYYY-MM-DD [default: today]
        #[arg(long)]
        date: Option<String>,
        /// Write them to this Excel file instead, as the 大件运输 page's 导出Excel.
        #[arg(long, value_name = "FILE")]
        xlsx: Option<PathBuf>,
    },
    /// The service point's permit day: the commitment, and once closed the revealed seed, the
    /// draw and the desk's verification of it (a mismatch fails with the reason).
    Day {
        /// YYYY-MM-DD [default: today]
        #[arg(long)]
        date: Option<String>,
    },
    /// 失信企业库: the dishonest-enterprise list as the hub sent it; list a carrier or record its
    /// credit repair (desk staff and supervisors; needs the network).
    Dishonest {
        #[command(subcommand)]
        command: DishonestCommand,
    },
    /// 日结: close the service point's day on the hub (desk staff; needs the network). The seed
    /// is revealed and the draw stored; then the desk syncs and verifies it. Cannot be undone.
    /// Refused while a complete application of the day has no verdict.
    Close {
        /// YYYY-MM-DD [default: today]
        #[arg(long)]
        date: Option<String>,
    },
    /// 审核: mark checklist items, pin notes to a time of a material, and (with --verdict) give
    /// the verdict. Without --verdict the marks and notes are kept as a draft. A verdict is kept
    /// with its outbox mutation (works offline) and sent by the next sync; it cannot be changed.
    Review {
        application_id: String,
        /// Items met, by code (comma-separated or repeated): plates_match, axles_tyres_match,
        /// vin_nameplate_visible, dimensions_measured, watermark_in_window,
        /// goods_match_dispatch, escort_equipment (class III), continuous_shot.
        #[arg(long, value_delimiter = ',')]
        tick: Vec<String>,
        /// An item not met, with an optional remark: ITEM or ITEM:remark (repeatable).
        #[arg(long)]
        untick: Vec<String>,
        /// A note on a material: SHA256@MS:TEXT at a time of a video, SHA256:TEXT without one.
        #[arg(long)]
        note: Vec<String>,
        /// pass (通过), fail (不予许可) or more-material (补正材料: the one-time notice).
        #[arg(long)]
        verdict: Option<String>,
    },
    /// The review of an application: the checklist for its class with the marks, the notes,
    /// the verdict, the one-time notice's clock and what the notice would list.
    ReviewShow { application_id: String },
    /// 暂停计时: stop the decision clock of a complete application without a verdict while
    /// roads or bridges are strengthened or the route is assessed. Kept with its outbox
    /// mutation (works offline); a paused application does not hold the day's closure.
    Pause {
        application_id: String,
        /// reinforcement (加固改造) or technical-assessment (技术评估).
        #[arg(long)]
        reason: String,
        /// The first day not counted, YYYY-MM-DD [default: today].
        #[arg(long)]
        from: Option<String>,
    },
    /// 恢复计时: the open pause lasted until UNTIL (that day not counted); counting resumes the
    /// next day.
    Resume {
        application_id: String,
        /// The last day not counted, YYYY-MM-DD [default: today].
        #[arg(long)]
        until: Option<String>,
    },
    /// 一次性告知书: the one-time notice of an application sent back for more material, as PDF.
    Notice {
        application_id: String,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum DishonestCommand {
    /// The entries that hold within this desk's jurisdiction.
    List,
    /// List a carrier today (the hub dates it); it counts in draws from tomorrow on.
    Add {
        /// The carrier's 统一社会信用代码.
        credit_id: String,
        #[arg(long)]
        name: String,
        /// The dishonest behaviour recorded.
        #[arg(long)]
        behaviour: String,
        #[arg(long, value_enum)]
        penalty: PenaltyArg,
        /// The last day of a suspension (fast-track-suspended), YYYY-MM-DD.
        #[arg(long, required_if_eq("penalty", "fast-track-suspended"))]
        until: Option<String>,
        /// What the carrier must do to be repaired.
        #[arg(long)]
        repair_conditions: String,
    },
    /// Record the credit repair of entry ID today: the fast track is restored.
    Repair { id: i64 },
}

/// The graded penalties of the list (`ListPenalty`).
#[derive(Clone, Copy, clap::ValueEnum)]
enum PenaltyArg {
    /// 警示约谈
    Warning,
    /// 重点核查
    CloseChecks,
    /// 暂停信用+申报 (with --until)
    FastTrackSuspended,
    /// 取消信用+申报
    FastTrackRemoved,
}

impl PermitCommand {
    /// Whether the command reads the cache (the others are rules alone).
    fn reads_cache(&self) -> bool {
        matches!(
            self,
            PermitCommand::Applications { .. }
                | PermitCommand::Day { .. }
                | PermitCommand::Close { .. }
                | PermitCommand::Dishonest { .. }
                | PermitCommand::FetchMaterials { .. }
                | PermitCommand::Findings { .. }
                | PermitCommand::Review { .. }
                | PermitCommand::ReviewShow { .. }
                | PermitCommand::Pause { .. }
                | PermitCommand::Resume { .. }
                | PermitCommand::Notice { .. }
        )
    }
}

#[derive(Subcommand)]
enum SampleCommand {
    /// The commitment (SHA-256) to publish before the day's first application.
    Commit {
        /// The day's secret seed, in hexadecimal (at least 16 bytes).
        #[arg(long)]
        seed: String,
    },
    /// The draw from the seed and the day's list (a JSON file: [{"application_id",
    /// "carrier_code": green|yellow|red|null, "carrier_listed", "first_application"}]).
    Draw {
        #[arg(long)]
        seed: String,
        #[arg(long)]
        applications: std::path::PathBuf,
    },
    /// Checks a closed day: the revealed seed matches the commitment and the stored draw (a
    /// JSON file as `draw --json` prints it) is the one the seed and the list give.
    Verify {
        #[arg(long)]
        commitment: String,
        #[arg(long)]
        seed: String,
        #[arg(long)]
        applications: std::path::PathBuf,
        #[arg(long)]
        draw: std::path::PathBuf,
    },
}

/// The inbox's filters, shared by `list` and `filters save`.
#[derive(clap::Args)]
struct FilterArgs {
    /// Any of these statuses (repeat the flag or separate by commas): pending, claimed,
    /// handled, awaiting-feedback, rectifying, rectified, submitted, rework, returned, closed,
    /// transferred.
    #[arg(long, value_parser = code::<Status>, value_delimiter = ',')]
    status: Vec<Status>,
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
    /// 待我办理: only orders whose running clock is mine (an officer's unclaimed or own
    /// claimed orders; a supervisor's spot checks and reassignments).
    #[arg(long)]
    waiting: bool,
    /// Order number (GD…, whole or its start), plate, enterprise, violation type, place,
    /// driver name or phone.
    #[arg(long)]
    search: Option<String>,
    /// Sort by detection time instead of deadline.
    #[arg(long)]
    by_detection: bool,
    #[arg(long)]
    desc: bool,
}

/// The flags of [`FilterArgs`], which a saved filter replaces.
const FILTER_FLAGS: [&str; 11] = [
    "status",
    "industry",
    "violation",
    "category",
    "due",
    "mine",
    "open",
    "waiting",
    "search",
    "by_detection",
    "desc",
];

impl FilterArgs {
    fn query(self, page: u32, page_size: u32) -> InboxFilter {
        InboxFilter {
            status: self.status,
            industry: self.industry,
            violation_code: self.violation,
            clue_category: self.category,
            due: self.due,
            mine: self.mine,
            open_only: self.open,
            waiting_for_me: self.waiting,
            search: self.search,
            sort: if self.by_detection {
                SortKey::DetectedAt
            } else {
                SortKey::Deadline
            },
            descending: self.desc,
            page,
            page_size,
        }
    }
}

#[derive(Subcommand)]
enum FiltersCommand {
    /// The saved filters, by name; the one in use is marked.
    List,
    /// Save the flags' filter under a name (replacing a filter of that name).
    Save {
        name: String,
        #[command(flatten)]
        filter: FilterArgs,
        #[arg(long, default_value_t = 50)]
        page_size: u32,
    },
    /// Delete the saved filter of this name.
    Delete { name: String },
}

#[derive(Subcommand)]
enum RefusalsCommand {
    /// Every refused action still waiting for a decision: the reason and what to do, from the
    /// catalogue in `--lang` (the hub's own text for a code this desk does not know); `--json`
    /// adds the code, its params and both hub texts.
    List,
    /// 放弃: the action leaves the list, kept with who dismissed it and when.
    Dismiss { seq: i64 },
    /// 重做: the work-order action decided again on the order as it is now, and queued.
    Redo { seq: i64 },
}

#[derive(Subcommand)]
enum AttentionCommand {
    /// The open items as the last sync fetched them, with what the officer recorded.
    List,
    /// 已处理: resolves item ID on the hub (needs the network) and removes it from the list.
    Resolve {
        id: i64,
        #[arg(long)]
        note: String,
    },
}

#[derive(Subcommand)]
enum BatchCommand {
    /// 批量认领
    Claim {
        #[arg(required = true, num_args = 1..)]
        ids: Vec<String>,
    },
    /// 批量退回 with one reason from the list (other needs --reason).
    Return {
        #[arg(required = true, num_args = 1..)]
        ids: Vec<String>,
        /// not-our-county, duplicate, wrong-vehicle, wrong-violation, other.
        #[arg(long = "reason-code", value_parser = code::<ReturnReason>)]
        reason_code: ReturnReason,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// 批量转办 to one unit with one reason.
    Transfer {
        #[arg(required = true, num_args = 1..)]
        ids: Vec<String>,
        #[arg(long)]
        to: String,
        #[arg(long)]
        reason: String,
    },
}

impl BatchCommand {
    fn split(self) -> (Vec<String>, BatchAction) {
        match self {
            BatchCommand::Claim { ids } => (ids, BatchAction::Claim),
            BatchCommand::Return {
                ids,
                reason_code,
                reason,
            } => (
                ids,
                BatchAction::Return {
                    reason_code,
                    reason,
                },
            ),
            BatchCommand::Transfer { ids, to, reason } => (
                ids,
                BatchAction::Transfer {
                    to_unit: to,
                    reason,
                },
            ),
        }
    }
}

/// Applies `action` to every order named (each must exist before anything is done), prints each
/// order's result, and fails when any was refused.
fn batch(
    desk: &mut Desk,
    json: bool,
    keys: &[String],
    action: &BatchAction,
) -> Result<(), AppError> {
    let ids = keys
        .iter()
        .map(|k| desk.resolve_order(k))
        .collect::<Result<Vec<_>, _>>()?;
    let items: Vec<BatchItem> = desk.act_on_orders(&ids, action)?;
    let kind = action.kind();
    print(json, &items, |items| {
        items
            .iter()
            .map(|i| match (&i.row, &i.error) {
                (Some(row), _) => format!("{}\t{}", i.order_no, row.status.name_zh()),
                (None, Some(e)) => {
                    format!("{}\t未{}：{}", i.order_no, kind.name_zh(), e.text(Lang::Zh))
                }
                (None, None) => i.order_no.clone(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let refused = items.iter().filter(|i| i.error.is_some()).count();
    if refused > 0 {
        return Err(AppError::new(
            casedesk_app::ErrorCode::RefusedTransition,
            MessageKey::BatchRefused,
        )
        .with("refused", refused)
        .with("total", items.len())
        .with("action", kind));
    }
    Ok(())
}

#[derive(Subcommand)]
enum EvidenceCommand {
    /// An order's attached files: when, by whom, name, size and SHA-256.
    List { id: String },
    /// Writes the stored file with this SHA-256 to FILE (checked against the hash first).
    Export { hash: String, file: PathBuf },
}

#[derive(Subcommand)]
enum WhitelistCommand {
    /// Entries, proposals first, then by status, newest first within each (all, or with a
    /// status: proposed, approved, declined, revoked).
    List {
        #[arg(long, value_parser = code::<WhitelistStatus>)]
        status: Option<WhitelistStatus>,
        /// Only plates containing this (豫G123, g·123).
        #[arg(long)]
        plate: Option<String>,
        /// Write every matching entry (no cap) to this Excel file instead, as the window's 导出Excel.
        #[arg(long, value_name = "FILE")]
        xlsx: Option<PathBuf>,
    },
    /// Approve the vehicle's proposal.
    Approve {
        plate: String,
        #[arg(long)]
        reason: String,
    },
    /// Decline the vehicle's proposal.
    Decline {
        plate: String,
        #[arg(long)]
        reason: String,
    },
    /// Add a self-use vehicle or an event rental (with the event and its last day).
    Add {
        plate: String,
        /// enterprise-self-use, large-event-rental.
        #[arg(long, value_parser = code::<WhitelistKind>)]
        kind: WhitelistKind,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        event: Option<String>,
        /// First day in force, YYYY-MM-DD (default today).
        #[arg(long)]
        from: Option<String>,
        /// Last day in force, YYYY-MM-DD.
        #[arg(long)]
        until: Option<String>,
    },
    /// Revoke the vehicle's entry in force.
    Revoke {
        plate: String,
        #[arg(long)]
        reason: String,
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
    let lang = lang_of(&cli);
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line in the chosen language, for scripts and for people; with `--json` also
            // the code, message key and parameters on stdout, for programs.
            if json {
                let out = serde_json::json!({ "error": e, "text": e.text(lang) });
                println!("{out}");
            }
            eprintln!("casedesk-cli: {}", e.text(lang));
            ExitCode::FAILURE
        }
    }
}

/// A saved filter's query in words: "待认领、已认领 · 逾期 · 待我办理 · 搜索“豫G”".
fn filter_summary(q: &InboxFilter) -> String {
    let mut parts: Vec<String> = Vec::new();
    if q.waiting_for_me {
        parts.push("待我办理".into());
    }
    if !q.status.is_empty() {
        let names: Vec<&str> = q.status.iter().map(|s| s.name_zh()).collect();
        parts.push(names.join("、"));
    }
    if let Some(i) = q.industry {
        parts.push(i.name_zh().into());
    }
    if let Some(v) = &q.violation_code {
        parts.push(v.clone());
    }
    if let Some(c) = q.clue_category {
        parts.push(format!(
            "第{}类线索",
            ["一", "二", "三"][(c as usize).clamp(1, 3) - 1]
        ));
    }
    if let Some(d) = q.due {
        parts.push(
            match d {
                DueFilter::Overdue => "已逾期",
                DueFilter::Today => "今日到期",
                DueFilter::ThisWeek => "本周到期",
            }
            .into(),
        );
    }
    if q.mine {
        parts.push("只看我认领的".into());
    }
    if q.open_only {
        parts.push("只看未办结".into());
    }
    if let Some(t) = &q.search {
        parts.push(format!("搜索“{t}”"));
    }
    parts.push(match (q.sort, q.descending) {
        (SortKey::Deadline, false) => "按时限".into(),
        (SortKey::Deadline, true) => "按时限倒序".into(),
        (SortKey::DetectedAt, false) => "按检测时间".into(),
        (SortKey::DetectedAt, true) => "按检测时间倒序".into(),
    });
    parts.join(" · ")
}

fn print<T: Serialize>(
    json: bool,
    value: &T,
    text: impl FnOnce(&T) -> String,
) -> Result<(), AppError> {
    if json {
        let s = serde_json::to_string_pretty(value)
            .map_err(|e| AppError::invalid(MessageKey::JsonOutput).with("detail", e.to_string()))?;
        println!("{s}");
    } else {
        println!("{}", text(value));
    }
    Ok(())
}

fn detail_text(d: &casedesk_app::OrderDetail) -> String {
    let r = &d.row;
    let enterprise = match &d.enterprise {
        Some(e) => {
            let credit = match (e.credit_code, e.credit_score) {
                (Some(code), Some(score)) => format!("{}，{score} 分", code.code()),
                _ => "未评分".to_string(),
            };
            match &e.credit_id {
                Some(id) => format!("{}（{credit}，统一社会信用代码 {id}）", e.name),
                None => format!("{}（{credit}）", e.name),
            }
        }
        None => format!(
            "无经营许可（车主：{}）",
            d.vehicle_owner.as_deref().unwrap_or("不详")
        ),
    };
    let mut s = format!(
        "{} [{}] {} {}\n  企业: {}\n  违法: {} (线索类别 {})  地点: {}\n  检测: {}  时限: {} {}（{}）{}\n",
        r.order_no,
        r.status.name_zh(),
        r.plate,
        d.whitelist.map(|k| format!("[白名单：{}]", k.name_zh())).unwrap_or_default(),
        enterprise,
        r.violation_name,
        r.clue_category,
        r.place,
        r.detected_at,
        r.due_at.as_deref().unwrap_or("—"),
        time_left_zh(r.time_left),
        owner_zh(r.clock_owner),
        if r.due_provisional { "（暂定：含未载入放假安排的年份）" } else { "" },
    );
    if !d.driver_name.is_empty() {
        s.push_str(&format!("  驾驶员: {} {}\n", d.driver_name, d.driver_phone));
    }
    for t in &d.timeline {
        s.push_str(&format!("  - {} {} {}", t.at, t.actor, t.kind.code()));
        if let Some(o) = t.interception {
            s.push_str(&format!(" · {}", o.name_zh()));
        }
        if let Some(c) = t.reason_code {
            s.push_str(&format!(" · {}", c.name_zh()));
        }
        for f in [
            &t.result,
            &t.notes,
            &t.reason,
            &t.requirement,
            &t.to_unit,
            &t.deadline,
        ]
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
    for i in &d.vehicle.interceptions {
        s.push_str(&format!(
            "  拦截 {} {} {} {}{}\n",
            i.at,
            i.order_no,
            i.actor,
            i.outcome.name_zh(),
            if i.overridden {
                "（白名单车辆，经书面布控指令）"
            } else {
                ""
            }
        ));
    }
    s.trim_end().to_string()
}

fn whitelist_text(rows: &[casedesk_app::WhitelistRow]) -> String {
    if rows.is_empty() {
        return "白名单中没有符合条件的记录".into();
    }
    let names = casedesk_app::message::Catalogue::get(Lang::Zh);
    rows.iter()
        .map(|w| {
            let e = &w.entry;
            format!(
                "{}\t{}\t{}\t{}\t{} 至 {}\t{}{}",
                e.plate,
                e.kind.name_zh(),
                names.name("whitelistStatus", &e.status),
                e.reason,
                e.valid_from,
                e.valid_until
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "长期".into()),
                e.decided_by.as_deref().unwrap_or("-"),
                if w.in_force { "\t有效" } else { "" }
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `--lang`, else the environment's (LANG).
fn lang_of(cli: &Cli) -> Lang {
    cli.lang
        .as_deref()
        .map(Lang::parse)
        .unwrap_or_else(Lang::from_env)
}

fn run(cli: Cli) -> Result<(), AppError> {
    let lang = lang_of(&cli);
    let data = cli.data.unwrap_or_else(default_data_dir);
    let json = cli.json;
    // The calendar reads the data folder's calendar.json but no cache, so it works on any folder.
    if let Command::Calendar { command } = &cli.command {
        return calendar(&data, json, command);
    }
    if let Command::DemoMedia {
        out_dir,
        count,
        seed,
    } = &cli.command
    {
        return demo_media(json, out_dir, *count, *seed);
    }
    // The permit rules need no cache; the media checks open it.
    if let Command::Permit { command } = &cli.command {
        if !command.reads_cache() {
            return permit(json, &data, command);
        }
    }
    let mut desk = Desk::open(&data)?;
    match cli.command {
        Command::Demo { orders, seed, at } => {
            let s = match at {
                Some(at) => desk.load_demo_as_of(orders, seed, demo_moment(&at)?)?,
                None => desk.load_demo(orders, seed)?,
            };
            print(json, &s, |s| {
                format!(
                    "loaded {} orders, {} enterprises, {} vehicles in {} ms",
                    s.orders, s.enterprises, s.vehicles, s.millis
                )
            })
        }
        Command::List {
            filter,
            filter_name,
            page,
            page_size,
            xlsx,
        } => {
            let q = match filter_name {
                Some(name) => {
                    let saved = desk.use_filter(Some(&name))?.ok_or_else(|| {
                        AppError::new(
                            casedesk_app::ErrorCode::NotFound,
                            MessageKey::FilterNotFound,
                        )
                        .with("name", name.as_str())
                    })?;
                    InboxFilter {
                        page,
                        page_size,
                        ..saved.query
                    }
                }
                None => filter.query(page, page_size),
            };
            if let Some(file) = xlsx {
                let summary = desk.export_xlsx(&q, &file, |_| {})?;
                return print(json, &summary, |s| {
                    format!(
                        "已导出 {} 条工单到 {}（用时 {:.1} 秒）",
                        s.rows,
                        s.path,
                        s.millis as f64 / 1000.0
                    )
                });
            }
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
                            if r.licensed {
                                r.enterprise_name.as_str()
                            } else {
                                "无经营许可"
                            },
                            time_left_zh(r.time_left),
                            r.claimed_by.as_deref().unwrap_or("-")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        }
        Command::Refusals { command } => match command {
            RefusalsCommand::List => {
                let refusals: Vec<ExplainedRefusal> = desk
                    .sync_overview()?
                    .refusals
                    .into_iter()
                    .map(|r| ExplainedRefusal::new(r, lang))
                    .collect();
                print(json, &refusals, |rs| {
                    if rs.is_empty() {
                        return "（没有待处理的被拒绝操作 no refused action waits）".to_string();
                    }
                    rs.iter().map(refusal_text).collect::<Vec<_>>().join("\n")
                })
            }
            RefusalsCommand::Dismiss { seq } => {
                desk.dismiss_refusal(seq)?;
                print(json, &serde_json::json!({ "dismissed": seq }), |_| {
                    format!("已放弃 dismissed: {seq}")
                })
            }
            RefusalsCommand::Redo { seq } => {
                let d = desk.redo_refusal(seq)?;
                print(json, &d, |d| {
                    format!(
                        "已重做 redone: {} {} → {}",
                        seq,
                        d.row.order_no,
                        d.row.status.name_zh()
                    )
                })
            }
        },
        Command::Attention { command } => match command {
            AttentionCommand::List => {
                let items = desk.attention()?;
                print(json, &items, |items| {
                    if items.is_empty() {
                        return "（没有待关注事项 no attention item is open）".to_string();
                    }
                    items
                        .iter()
                        .map(|i| {
                            format!(
                                "{}\t{}\t{}\t{}\t{}\t{}\t{} / {} ({})",
                                i.id,
                                i.order_no,
                                i.county_code,
                                i.username,
                                i.action,
                                i.recorded.join("；"),
                                i.message_zh,
                                i.message_en,
                                i.refused_at
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                })
            }
            AttentionCommand::Resolve { id, note } => {
                desk.resolve_attention(id, &note)?;
                print(json, &serde_json::json!({ "resolved": id }), |_| {
                    format!("已处理 resolved: {id}")
                })
            }
        },
        Command::Filters { command } => match command {
            FiltersCommand::List => {
                let filters = desk.saved_filters()?;
                print(json, &filters, |fs| {
                    if fs.is_empty() {
                        return "（没有常用筛选）".to_string();
                    }
                    fs.iter()
                        .map(|f| {
                            format!(
                                "{}{}\t{}",
                                if f.in_use { "* " } else { "  " },
                                f.name,
                                filter_summary(&f.query)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                })
            }
            FiltersCommand::Save {
                name,
                filter,
                page_size,
            } => {
                let saved = desk.save_filter(&name, &filter.query(1, page_size))?;
                print(json, &saved, |f| {
                    format!("已保存常用筛选“{}”：{}", f.name, filter_summary(&f.query))
                })
            }
            FiltersCommand::Delete { name } => {
                desk.delete_filter(&name)?;
                print(json, &serde_json::json!({ "deleted": name }), |_| {
                    format!("已删除常用筛选“{name}”")
                })
            }
        },
        Command::Show { id } => {
            let id = desk.resolve_order(&id)?;
            print(json, &desk.order(id)?, detail_text)
        }
        Command::Claim { ids } if ids.len() == 1 => {
            let id = desk.resolve_order(&ids[0])?;
            print(json, &desk.claim(id)?, detail_text)
        }
        Command::Claim { ids } => batch(&mut desk, json, &ids, &BatchAction::Claim),
        Command::Batch { command } => {
            let (ids, action) = command.split();
            batch(&mut desk, json, &ids, &action)
        }
        Command::Undo { id } => {
            let id = desk.resolve_order(&id)?;
            print(json, &desk.undo_claim(id)?, detail_text)
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
        Command::Intercept { id, outcome, notes } => {
            let id = desk.resolve_order(&id)?;
            print(json, &desk.intercept(id, outcome, &notes)?, detail_text)
        }
        Command::Notify {
            id,
            authority,
            content,
            feedback_due,
        } => {
            let id = desk.resolve_order(&id)?;
            print(
                json,
                &desk.notify_authority(id, &authority, &content, feedback_due.as_deref())?,
                detail_text,
            )
        }
        Command::Feedback { id, feedback } => {
            let id = desk.resolve_order(&id)?;
            print(json, &desk.record_feedback(id, &feedback)?, detail_text)
        }
        Command::CloseGroundless { id, finding } => {
            let id = desk.resolve_order(&id)?;
            print(json, &desk.close_groundless(id, &finding)?, detail_text)
        }
        Command::Return {
            id,
            reason_code,
            reason,
        } => {
            let id = desk.resolve_order(&id)?;
            print(
                json,
                &desk.return_order(id, reason_code, &reason)?,
                detail_text,
            )
        }
        Command::Reassign { id, county, reason } => {
            let id = desk.resolve_order(&id)?;
            print(json, &desk.reassign(id, &county, &reason)?, detail_text)
        }
        Command::OverrideWhitelist { id, reason } => {
            let id = desk.resolve_order(&id)?;
            print(json, &desk.override_whitelist(id, &reason)?, detail_text)
        }
        Command::Vehicle { plate } => {
            let v = desk.vehicle(&plate)?;
            print(json, &v, |v| {
                let mut s = format!("{}\n{}", v.plate, whitelist_text(&v.whitelist));
                for i in &v.interceptions {
                    s.push_str(&format!(
                        "\n拦截 {} {} {} {}",
                        i.at,
                        i.order_no,
                        i.actor,
                        i.outcome.name_zh()
                    ));
                }
                s
            })
        }
        Command::Evidence { command } => match command {
            EvidenceCommand::List { id } => {
                let id = desk.resolve_order(&id)?;
                let files = desk.order_evidence(id)?;
                print(json, &files, |files| {
                    if files.is_empty() {
                        return "没有证据文件 / no evidence files".to_string();
                    }
                    files
                        .iter()
                        .map(|f| {
                            format!(
                                "{}  {}  {}  {} 字节  {}",
                                f.attached_at, f.attached_by, f.file_name, f.size, f.hash
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                })
            }
            EvidenceCommand::Export { hash, file } => {
                let size = desk.export_evidence(&hash, &file)?;
                let done = serde_json::json!({ "hash": hash, "file": file, "size": size });
                print(json, &done, |_| {
                    format!("已导出 {size} 字节到 {}", file.display())
                })
            }
        },
        Command::Whitelist { command } => {
            let row = match command {
                WhitelistCommand::List {
                    status,
                    plate,
                    xlsx: Some(file),
                } => {
                    let summary = desk.export_whitelist_xlsx(status, plate.as_deref(), &file)?;
                    return print(json, &summary, |s| {
                        format!("已导出 {} 条白名单记录到 {}", s.rows, s.path)
                    });
                }
                WhitelistCommand::List {
                    status,
                    plate,
                    xlsx: None,
                } => {
                    let rows = desk.whitelist(status, plate.as_deref())?;
                    return print(json, &rows, |r| whitelist_text(r));
                }
                WhitelistCommand::Approve { plate, reason } => {
                    desk.approve_whitelist(&plate, &reason)?
                }
                WhitelistCommand::Decline { plate, reason } => {
                    desk.decline_whitelist(&plate, &reason)?
                }
                WhitelistCommand::Revoke { plate, reason } => {
                    desk.revoke_whitelist(&plate, &reason)?
                }
                WhitelistCommand::Add {
                    plate,
                    kind,
                    reason,
                    event,
                    from,
                    until,
                } => desk.add_whitelist(
                    &plate,
                    kind,
                    &reason,
                    event.as_deref(),
                    from.as_deref(),
                    until.as_deref(),
                )?,
            };
            print(json, &row, |r| whitelist_text(std::slice::from_ref(r)))
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
                                "{}\t{}\t{}\t{}\t{}\tbase v{}",
                                e.seq,
                                e.mutation_id,
                                e.entity,
                                e.entity_key,
                                e.action,
                                e.base_version
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                }
            })
        }
        Command::Login { hub, user } => {
            let password = read_password()?;
            let who = desk.login(&hub, &user, &password)?;
            print(json, &who, |w| {
                format!(
                    "已登录 signed in: {} ({}) · {}（{}） · {} · tokens in the {}",
                    w.username,
                    w.role.name_zh(),
                    w.jurisdiction_name,
                    w.jurisdiction,
                    w.hub_url,
                    w.token_store
                )
            })
        }
        Command::Sync { watch: false, .. } => {
            let r = desk.sync()?;
            print(json, &r, |r| sync_text(r, lang))
        }
        Command::Sync {
            watch: true,
            rounds,
        } => {
            let mut auto = AutoSync::new(desk);
            for round in 1.. {
                let wait = auto.attempt();
                let status = auto.status();
                if json {
                    // One JSON object per line, for a script following along.
                    let line = serde_json::to_string(status).map_err(|e| {
                        AppError::invalid(MessageKey::JsonOutput).with("detail", e.to_string())
                    })?;
                    println!("{line}");
                } else {
                    println!("{}", watch_text(status, lang));
                }
                if rounds.is_some_and(|r| round >= r) {
                    break;
                }
                std::thread::sleep(wait);
            }
            Ok(())
        }
        Command::Logout => {
            desk.logout()?;
            let unsent = desk.outbox()?.len();
            print(
                json,
                &serde_json::json!({ "signed_out": true, "outbox": unsent }),
                |_| format!("已退出登录 signed out; {unsent} outbox rows kept"),
            )
        }
        // Answered above, before the cache is opened; kept here so the match stays exhaustive.
        Command::Calendar { command } => calendar(&data, json, &command),
        Command::Permit { command } if command.reads_cache() => {
            permit_desk(&mut desk, json, &data, &command)
        }
        Command::Permit { command } => permit(json, &data, &command),
        Command::DemoMedia {
            out_dir,
            count,
            seed,
        } => demo_media(json, &out_dir, count, seed),
        Command::Status => {
            let s = desk.status()?;
            print(json, &s, |s| {
                format!(
                    "{} ({}) · {} {} · {} orders · {} running on the clock · {} unsent · {}",
                    s.user_name,
                    s.role.name_zh(),
                    s.city_name,
                    s.county_name,
                    s.order_count,
                    s.running_alarms,
                    s.unsent,
                    s.data_dir
                )
            })
        }
    }
}

/// One line from stdin, without its line break (never echoed, never stored).
fn read_password() -> Result<String, AppError> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).map_err(|e| {
        AppError::invalid(MessageKey::PasswordUnreadable).with("detail", e.to_string())
    })?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        return Err(AppError::invalid(MessageKey::PasswordMissing));
    }
    Ok(password)
}

/// One attempt of `sync --watch`, as a line.
fn watch_text(s: &AutoSyncStatus, lang: Lang) -> String {
    let next = s
        .next_attempt_secs
        .map(|n| format!("; next in {n} s"))
        .unwrap_or_default();
    match s.state {
        AutoSyncState::Synced => match &s.last_report {
            Some(r) => format!("{}{next}", sync_text(r, lang)),
            None => format!("已同步 synced{next}"),
        },
        AutoSyncState::Retrying => {
            let why = s
                .last_error
                .as_ref()
                .map(|e| e.text(lang))
                .unwrap_or_default();
            format!("未同步 not synced (failure {}): {why}{next}", s.failures)
        }
        AutoSyncState::SignInRequired => {
            let why = s
                .last_error
                .as_ref()
                .map(|e| e.text(lang))
                .unwrap_or_default();
            format!("需要重新登录 sign in again: {why}")
        }
        AutoSyncState::SignedOut => "未登录 not signed in; waiting for `casedesk-cli login`".into(),
    }
}

/// One refused action: where, what and when, then the reason and what to do (the catalogue's,
/// in the chosen language) on the next line.
fn refusal_text(r: &ExplainedRefusal) -> String {
    let f = &r.refusal;
    let mut line = format!(
        "{}\t{}\t{}\t{}\t{} ({})",
        f.seq, f.entity_key, f.action, f.refused_at, r.text.reason, f.code
    );
    if let Some(advice) = &r.text.advice {
        line.push_str(&format!("\n\t→ {advice}"));
    }
    line
}

fn sync_text(r: &casedesk_app::SyncReport, lang: Lang) -> String {
    let mut out = format!(
        "已同步 synced: {} sent, {} already on the hub, {} refused; {} orders and {} whitelist entries pulled, {} orders gone to another jurisdiction, {} permit applications or days pulled; {} kept local; {} unsent, {} refused kept in the outbox; checkpoint {}",
        r.pushed,
        r.already_applied,
        r.refused.len(),
        r.pulled_orders,
        r.pulled_whitelist,
        r.departed_orders,
        r.pulled_permits,
        r.kept_local,
        r.unsent,
        r.refused_total,
        r.checkpoint
    );
    for f in &r.refused {
        let text = explain_refusal(f, lang);
        out.push_str(&format!(
            "\n被拒绝 refused: {} {} {} — {} ({})",
            f.entity_key, f.action, f.mutation_id, text.reason, f.code
        ));
        if let Some(advice) = text.advice {
            out.push_str(&format!("\n    → {advice}"));
        }
    }
    if r.uploaded_files > 0 || !r.upload_refusals.is_empty() {
        out.push_str(&format!(
            "\n证据 evidence: {} files on the hub, {} bytes sent",
            r.uploaded_files, r.uploaded_bytes
        ));
    }
    for f in &r.upload_refusals {
        out.push_str(&format!(
            "\n证据未上传 evidence not uploaded: {} {} — {} / {}",
            f.order_no,
            f.file_name,
            f.error.text(casedesk_app::Lang::Zh),
            f.error.text(casedesk_app::Lang::En)
        ));
    }
    out
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

/// `demo --at`: a Beijing time written "YYYY-MM-DD HH:MM".
fn demo_moment(s: &str) -> Result<chrono::NaiveDateTime, AppError> {
    chrono::NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M")
        .map_err(|_| AppError::invalid(MessageKey::DemoMomentInvalid).with("value", s))
}

/// A date written exactly YYYY-MM-DD (four-digit year), as in the calendar files.
fn parse_date(s: &str) -> Result<NaiveDate, AppError> {
    let s = s.trim();
    let shaped = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
    shaped
        .then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| {
            AppError::invalid(MessageKey::DateInvalid)
                .with("term", Term::Date)
                .with("value", s)
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

/// Metres with three decimals from millimetres, kilograms as they are.
fn amount(measure: Measure, value: u32) -> String {
    match measure {
        Measure::TotalMass => format!("{value} kg"),
        _ => format!("{}.{:03} m", value / 1000, value % 1000),
    }
}

fn permit(json: bool, data: &std::path::Path, command: &PermitCommand) -> Result<(), AppError> {
    match command {
        PermitCommand::Classify {
            height,
            width,
            length,
            mass,
            axles,
            combination,
            single_drive_axle,
            single_tyre_axles,
            cross_province,
        } => {
            let c = classify_declaration(&DeclarationText {
                height_m: height.clone(),
                width_m: width.clone(),
                length_m: length.clone(),
                total_mass_kg: mass.clone(),
                axles: *axles,
                configuration: if *combination {
                    Configuration::Combination
                } else {
                    Configuration::Truck
                },
                single_drive_axle: *single_drive_axle,
                single_tyre_axles: *single_tyre_axles,
                route: if *cross_province {
                    Route::CrossProvince
                } else {
                    Route::WithinProvince
                },
            })?;
            print(json, &c, |c| {
                let mut lines: Vec<String> = c
                    .over_limit
                    .exceeded
                    .iter()
                    .map(|e| {
                        format!(
                            "超限\t{}\t{}（限值 {}，超出 {}）",
                            e.measure.name_zh(),
                            amount(e.measure, e.declared),
                            amount(e.measure, e.allowed),
                            amount(e.measure, e.excess)
                        )
                    })
                    .collect();
                match (c.class, c.time_limit_days) {
                    (Some(class), Some(days)) => lines.push(format!(
                        "类别\t{}（{}，{} 个工作日内作出决定）",
                        class.name_zh(),
                        c.route.name_zh(),
                        days
                    )),
                    _ => lines.push("未超限\t无需超限运输许可".to_string()),
                }
                lines.join("\n")
            })
        }
        PermitCommand::Materials {
            class,
            fast_track,
            repeated,
            present,
        } => {
            let track = if *fast_track {
                Track::CreditFastTrack
            } else {
                Track::Ordinary
            };
            let trips = if *repeated {
                Trips::Repeated
            } else {
                Trips::Single
            };
            let check = permit_materials(*class, track, trips, present)?;
            print(json, &check, |c| {
                let mut lines: Vec<String> = c
                    .required
                    .iter()
                    .map(|m| {
                        let mark = if c.missing.contains(m) { "缺" } else { "  " };
                        format!("{mark}\t{}\t{}", m.code, m.name_zh)
                    })
                    .collect();
                if !present.is_empty() {
                    lines.push(format!("缺少 {} 项 missing", c.missing.len()));
                }
                lines.join("\n")
            })
        }
        PermitCommand::Sample { command } => sample(json, command),
        // These read the cache: `run` opens it and calls permit_desk; never routed here.
        PermitCommand::Applications { .. }
        | PermitCommand::Day { .. }
        | PermitCommand::Close { .. }
        | PermitCommand::Dishonest { .. }
        | PermitCommand::FetchMaterials { .. }
        | PermitCommand::Findings { .. } => Err(AppError::internal()),
        PermitCommand::Review { .. }
        | PermitCommand::ReviewShow { .. }
        | PermitCommand::Pause { .. }
        | PermitCommand::Resume { .. }
        | PermitCommand::Notice { .. } => Err(AppError::internal()),
        PermitCommand::MediaCheck { file } => media_check(json, &Desk::open(data)?, file),
        PermitCommand::MediaIndex { folder } => media_index(json, &mut Desk::open(data)?, folder),
        PermitCommand::Classes => {
            let table = permit_classes();
            print(json, table, |t| {
                let mut lines = vec![t.source.clone()];
                lines.extend(t.classes.iter().map(|r| {
                    format!(
                        "{}\t省内 {} 个工作日\t跨省 {} 个工作日",
                        r.class.name_zh(),
                        r.within_province_days,
                        r.cross_province_days
                    )
                }));
                lines.join("\n")
            })
        }
    }
}

fn application_text(a: &casedesk_app::ApplicationView) -> String {
    let v = &a.vehicle;
    let zh = casedesk_app::ApplicationZh::of(a);
    format!(
        "{}\t{}\t{}\t{}\t{}/{}\t{} 轴 高{} 宽{} 长{} mm {} kg\n  {}\t{}\n  {}\t{}（{}）\t{}{}",
        a.application_id,
        a.received_at.get(11..16).unwrap_or(""),
        a.carrier_name,
        a.goods,
        a.tractor_plate,
        a.trailer_plate,
        v.axles,
        v.height_mm,
        v.width_mm,
        v.length_mm,
        v.total_mass_kg,
        zh.class,
        zh.clock,
        zh.materials,
        zh.fast_track,
        zh.standing,
        zh.sampled,
        if zh.on_top.is_empty() {
            String::new()
        } else {
            format!("（{}）", zh.on_top)
        }
    )
}

fn dishonest_text(e: &casedesk_app::DishonestView) -> String {
    let state = match (e.repaired_on, e.closes_fast_track) {
        (Some(d), _) => format!("已修复 {d}"),
        (None, true) => "在库，信用+申报不可用".to_string(),
        (None, false) => "在库".to_string(),
    };
    format!(
        "{}\t{}\t{}\t{}\t{} 列入（{}）\t{}\t{state}",
        e.id,
        e.credit_id,
        e.enterprise_name,
        e.penalty.name_zh(),
        e.listed_on,
        e.division,
        e.behaviour
    )
}

fn dishonest(desk: &mut Desk, json: bool, command: &DishonestCommand) -> Result<(), AppError> {
    use casedesk_domain::permit::ListPenalty;
    match command {
        DishonestCommand::List => {
            let list = desk.dishonest_list()?;
            print(json, &list, |l| {
                let mut lines: Vec<String> = l.iter().map(dishonest_text).collect();
                lines.push(format!("共 {} 条 entries", l.len()));
                lines.join("\n")
            })
        }
        DishonestCommand::Add {
            credit_id,
            name,
            behaviour,
            penalty,
            until,
            repair_conditions,
        } => {
            let penalty = match penalty {
                PenaltyArg::Warning => ListPenalty::Warning,
                PenaltyArg::CloseChecks => ListPenalty::CloseChecks,
                PenaltyArg::FastTrackRemoved => ListPenalty::FastTrackRemoved,
                PenaltyArg::FastTrackSuspended => ListPenalty::FastTrackSuspended {
                    until: parse_date(until.as_deref().unwrap_or_default())?,
                },
            };
            let e = desk.list_dishonest(credit_id, name, behaviour, penalty, repair_conditions)?;
            print(json, &e, dishonest_text)
        }
        DishonestCommand::Repair { id } => {
            let e = desk.repair_dishonest(*id)?;
            print(json, &e, dishonest_text)
        }
    }
}

fn permit_desk(
    desk: &mut Desk,
    json: bool,
    data: &std::path::Path,
    command: &PermitCommand,
) -> Result<(), AppError> {
    match command {
        PermitCommand::Dishonest { command } => dishonest(desk, json, command),
        PermitCommand::FetchMaterials { application_id } => {
            fetch_materials(desk, json, application_id.as_deref())
        }
        PermitCommand::Findings { application_id } => findings(desk, json, application_id),
        PermitCommand::Close { date: d } => {
            let day = desk.close_permit_day(d.as_deref())?;
            if let casedesk_app::Verification::Mismatch { error } = &day.verification {
                if !json {
                    println!("{}", day_text(&day));
                }
                return Err(error.clone());
            }
            print(json, &day, day_text)
        }
        PermitCommand::Review {
            application_id,
            tick,
            untick,
            note,
            verdict,
        } => {
            let mut draft = desk.permit_review(application_id)?.draft;
            for item in tick.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
                mark(&mut draft, item, true, None);
            }
            for u in untick {
                let (item, remark) = match u.split_once(':') {
                    Some((item, remark)) => (item.trim(), Some(remark.to_string())),
                    None => (u.trim(), None),
                };
                if item.is_empty() {
                    return Err(
                        AppError::invalid(MessageKey::ReviewBadMark).with("text", u.as_str())
                    );
                }
                mark(&mut draft, item, false, remark);
            }
            for n in note {
                draft.notes.push(parse_note(n)?);
            }
            let view = match verdict {
                Some(v) => {
                    let verdict = Verdict::from_code(v).ok_or_else(|| {
                        AppError::invalid(MessageKey::ReviewUnknownVerdict).with("text", v.as_str())
                    })?;
                    desk.decide_permit_review(application_id, verdict, &draft)?
                }
                None => desk.save_permit_review(application_id, &draft)?,
            };
            print(json, &view, review_text)
        }
        PermitCommand::ReviewShow { application_id } => {
            let view = desk.permit_review(application_id)?;
            print(json, &view, review_text)
        }
        PermitCommand::Pause {
            application_id,
            reason,
            from,
        } => {
            let reason = PauseReason::from_code(&reason.replace('-', "_")).ok_or_else(|| {
                AppError::invalid(MessageKey::PermitUnknownPauseReason)
                    .with("text", reason.as_str())
            })?;
            let from = from
                .as_deref()
                .map(parse_date)
                .transpose()?
                .unwrap_or(desk.today());
            let view = desk.permit_clock(application_id, ClockAction::Pause { reason, from })?;
            print(json, &view, application_text)
        }
        PermitCommand::Resume {
            application_id,
            until,
        } => {
            let until = until
                .as_deref()
                .map(parse_date)
                .transpose()?
                .unwrap_or(desk.today());
            let view = desk.permit_clock(application_id, ClockAction::Resume { until })?;
            print(json, &view, application_text)
        }
        PermitCommand::Notice {
            application_id,
            out,
        } => {
            let written = desk.permit_notice(application_id, out)?;
            print(json, &written, |w| {
                let mut lines = vec![format!(
                    "一次性告知书 one-time notice\t{}（{} 字节 bytes）",
                    w.path, w.bytes
                )];
                lines.push(format!(
                    "出具 issued {}\t告知期限 due {}{}",
                    w.issued_on,
                    w.notice_due,
                    if w.late {
                        "\t逾期：申请已视为受理 LATE: counts as accepted"
                    } else {
                        ""
                    }
                ));
                lines.extend(w.lines.iter().enumerate().map(|(i, l)| {
                    format!(
                        "{}. {}{}",
                        i + 1,
                        l.zh,
                        l.remark
                            .as_deref()
                            .map(|r| format!("（{r}）"))
                            .unwrap_or_default()
                    )
                }));
                lines.join("\n")
            })
        }
        PermitCommand::Applications {
            date: d,
            xlsx: Some(file),
        } => {
            let summary = desk.export_permit_xlsx(d.as_deref(), file)?;
            print(json, &summary, |s| {
                format!("已导出 {} 份申报到 {}", s.rows, s.path)
            })
        }
        PermitCommand::Applications {
            date: d,
            xlsx: None,
        } => {
            let list = desk.permit_applications(d.as_deref())?;
            print(json, &list, |l| {
                let mut lines: Vec<String> = l.iter().map(application_text).collect();
                lines.push(format!("共 {} 份申报 applications", l.len()));
                lines.join("\n")
            })
        }
        PermitCommand::Day { date: d } => {
            let Some(day) = desk.permit_day(d.as_deref())? else {
                return Err(
                    AppError::new(ErrorCode::NotFound, MessageKey::PermitDayNotPulled)
                        .with("date", d.clone().unwrap_or_default()),
                );
            };
            if let casedesk_app::Verification::Mismatch { error } = &day.verification {
                // Loud: the command fails with the reason; the day is shown first in text mode.
                if !json {
                    println!("{}", day_text(&day));
                }
                return Err(error.clone());
            }
            print(json, &day, day_text)
        }
        _ => permit(json, data, command),
    }
}

/// Sets the mark of `item` in the draft (replacing an earlier one).
fn mark(draft: &mut ReviewDraft, item: &str, ticked: bool, remark: Option<String>) {
    draft.items.retain(|m| m.item != item);
    draft.items.push(ItemMark {
        item: item.to_string(),
        ticked,
        remark,
    });
}

/// `SHA256@MS:TEXT` (a time of a video) or `SHA256:TEXT`.
fn parse_note(text: &str) -> Result<PinnedNote, AppError> {
    let bad = || AppError::invalid(MessageKey::ReviewBadNote).with("text", text);
    let (head, body) = text.split_once(':').ok_or_else(bad)?;
    let (sha256, at_ms) = match head.split_once('@') {
        Some((sha, ms)) => (sha, Some(ms.trim().parse::<u64>().map_err(|_| bad())?)),
        None => (head, None),
    };
    if sha256.trim().is_empty() {
        return Err(bad());
    }
    Ok(PinnedNote {
        sha256: sha256.trim().to_string(),
        at_ms,
        text: body.to_string(),
    })
}

/// A time of a video as the panel shows it: mm:ss.mmm.
fn at_text(ms: u64) -> String {
    format!(
        "{:02}:{:02}.{:03}",
        ms / 60_000,
        (ms / 1000) % 60,
        ms % 1000
    )
}

fn review_text(r: &casedesk_app::ReviewView) -> String {
    let mut lines = vec![format!(
        "{}\t{}\t{}",
        r.application_id,
        r.carrier_name,
        r.class.map_or("未超限", |c| c.name_zh())
    )];
    for item in &r.checklist {
        let m = r.draft.items.iter().find(|m| m.item == item.code);
        let state = match m {
            Some(m) if m.ticked => "[x]",
            Some(_) => "[ ]不符",
            None => "[ ]",
        };
        let remark = m
            .and_then(|m| m.remark.as_deref())
            .map(|r| format!("（{r}）"))
            .unwrap_or_default();
        lines.push(format!("{state} {}\t{}{remark}", item.code, item.label_zh));
    }
    for n in &r.draft.notes {
        let at = n.at_ms.map(at_text).unwrap_or_else(|| "—".into());
        lines.push(format!(
            "备注 note\t{}\t{at}\t{}",
            &n.sha256[..n.sha256.len().min(12)],
            n.text
        ));
    }
    lines.push(match &r.verdict {
        Some(v) => format!(
            "结论 verdict\t{}\t{} {}{}",
            v.verdict.name_zh(),
            v.decided_by,
            v.decided_at,
            if v.synced { "" } else { "\t待同步 unsent" }
        ),
        None => "结论 verdict\t未审核 undecided".to_string(),
    });
    let c = &r.notice;
    lines.push(match (c.given_on, c.days_left) {
        (Some(on), _) => format!(
            "一次性告知 {on} 已出具（期限 {}）{}",
            c.due,
            if c.late {
                "，逾期：申请视为受理"
            } else {
                ""
            }
        ),
        (None, Some(left)) if left >= 0 => {
            format!("一次性告知期限 {}，剩余 {left} 个工作日", c.due)
        }
        (None, Some(left)) => format!(
            "一次性告知期限 {}，已逾期 {} 个工作日：申请视为受理",
            c.due, -left
        ),
        (None, None) => format!("一次性告知期限 {}（已作结论）", c.due),
    });
    if !r.notice_lines.is_empty() {
        lines.push("告知书将列明 notice lists:".to_string());
        lines.extend(r.notice_lines.iter().enumerate().map(|(i, l)| {
            format!(
                "  {}. {}{}",
                i + 1,
                l.zh,
                l.remark
                    .as_deref()
                    .map(|r| format!("（{r}）"))
                    .unwrap_or_default()
            )
        }));
    }
    lines.join("\n")
}

fn day_text(d: &casedesk_app::PermitDayView) -> String {
    let mut lines = vec![
        format!("{} {}：{} 份申报", d.service_point, d.day, d.applications),
        format!(
            "承诺值 commitment\t{}（{} 公布）",
            d.commitment, d.committed_at
        ),
    ];
    match (&d.seed, &d.draw) {
        (Some(seed), Some(draw)) => {
            lines.push(format!(
                "日结 closed\t{} {}",
                d.closed_at.as_deref().unwrap_or(""),
                d.closed_by.as_deref().unwrap_or("")
            ));
            lines.push(format!("种子 seed\t{seed}"));
            lines.extend(draw.random.iter().map(|id| format!("随机 random\t{id}")));
            lines.extend(draw.on_top.iter().map(|o| {
                let why: Vec<&str> = o.reasons.iter().map(|r| r.name_zh()).collect();
                format!("加抽 on top\t{}\t{}", o.application_id, why.join("、"))
            }));
        }
        _ => lines.push("未日结：种子尚未公开 not closed".to_string()),
    }
    lines.push(match &d.verification {
        casedesk_app::Verification::NotClosed => "核验 待日结后进行".to_string(),
        casedesk_app::Verification::Verified => {
            "核验通过：种子与承诺值相符，承诺先于首份申报公布，抽取结果与重算一致 verified"
                .to_string()
        }
        casedesk_app::Verification::Mismatch { .. } => "核验失败 MISMATCH".to_string(),
    });
    let r = &d.report;
    lines.push(format!(
        "已审核 decided {}（通过 {}，不予许可 {}，补正材料 {}；待同步 {}）\t抽查 sampled {}，已审 reviewed {}",
        r.decided, r.passed, r.refused, r.more_material, r.unsynced, r.sampled, r.sampled_reviewed
    ));
    for p in &r.pending {
        let why = match &p.reason {
            casedesk_app::PendingReason::AwaitingVerdict => {
                "材料齐全，待审核结论（未审不能日结）".to_string()
            }
            casedesk_app::PendingReason::MaterialsMissing {
                missing,
                notice_due,
            } => {
                let names: Vec<&str> = missing.iter().map(|m| m.name_zh).collect();
                format!("缺 {}：一次性告知书 {notice_due} 前送达", names.join("、"))
            }
            casedesk_app::PendingReason::AwaitingCorrection { notice_given_on } => {
                format!("{notice_given_on} 已告知补正，待承运人补齐")
            }
            casedesk_app::PendingReason::ClockPaused {
                pause_reason,
                since,
            } => format!("{since} 起{}暂停计时（不影响日结）", pause_reason.name_zh()),
        };
        lines.push(format!(
            "待办 pending\t{}\t{}\t{why}",
            p.application_id, p.carrier_name
        ));
    }
    lines.join("\n")
}

fn demo_media(
    json: bool,
    out_dir: &std::path::Path,
    count: usize,
    seed: u64,
) -> Result<(), AppError> {
    let folders = casedesk_app::demo_media(out_dir, count, seed)?;
    print(json, &folders, |folders| {
        folders
            .iter()
            .map(|f| {
                let defect = f.defect.map(|d| d.code()).unwrap_or("-");
                format!("{}\t{}", out_dir.join(&f.folder).display(), defect)
            })
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// How a match reads in the text output.
fn match_how(how: &MatchHow) -> String {
    match how {
        MatchHow::SameBytes => "同一文件 same bytes".into(),
        MatchHow::SamePicture { distance } => {
            format!("同一画面（重新编码、缩放或裁剪） same picture, {distance}/64 bits apart")
        }
        MatchHow::SharedFootage {
            shared_frames,
            frames,
        } => format!("视频画面重复 shared footage, {shared_frames} of {frames} frames"),
    }
}

fn finding_text(f: &Finding) -> String {
    match f {
        Finding::NoExif => {
            "照片无 EXIF：请索要原始文件（聊天软件会去除 EXIF，并不单独说明造假） no EXIF: ask for the original".into()
        }
        Finding::Cuts { at_seconds } => format!(
            "视频非一镜到底，剪辑点 cuts at {} s",
            at_seconds
                .iter()
                .map(|t| format!("{t:.2}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn media_check(json: bool, desk: &Desk, file: &std::path::Path) -> Result<(), AppError> {
    let c = desk.media_check(file)?;
    print(json, &c, |c| {
        let mut lines = vec![format!(
            "{}\t{}\t{} bytes\tsha256 {}",
            c.file, c.kind, c.size, c.sha256
        )];
        lines.extend(
            c.findings
                .iter()
                .map(|f| format!("注意 finding\t{}", finding_text(f))),
        );
        if c.matches.is_empty() {
            lines.push("未发现重复提交 no earlier application has this file".into());
        }
        lines.extend(c.matches.iter().map(|m| {
            format!(
                "重复 match\t{}\t{}\t{}\t{}",
                m.application_id,
                m.material,
                m.file_name,
                match_how(&m.how)
            )
        }));
        lines.join("\n")
    })
}

fn fetch_materials(desk: &mut Desk, json: bool, id: Option<&str>) -> Result<(), AppError> {
    let progress = MaterialProgress::with_listener(|p| {
        eprintln!(
            "{}\t{}/{} files\t{}/{} bytes{}",
            p.application_id,
            p.files_held,
            p.files_total,
            p.bytes_done,
            p.bytes_total,
            p.current
                .as_deref()
                .map(|f| format!("\t{f}"))
                .unwrap_or_default()
        )
    });
    let fetched = desk.fetch_materials(id, &progress)?;
    let refused = fetched
        .iter()
        .filter(|f| matches!(f.status, FetchStatus::Refused { .. }))
        .count();
    print(json, &fetched, |list| {
        let mut lines: Vec<String> = list
            .iter()
            .map(|f| {
                let status = match &f.status {
                    FetchStatus::Held => "已有 held".to_string(),
                    FetchStatus::Downloaded { resumed_from: 0 } => "已下载 downloaded".into(),
                    FetchStatus::Downloaded { resumed_from } => {
                        format!("已续传 resumed from byte {resumed_from}")
                    }
                    FetchStatus::Refused { error } => format!(
                        "未取得 refused: {} / {}",
                        error.text(Lang::Zh),
                        error.text(Lang::En)
                    ),
                };
                format!(
                    "{}\t{}\t{} bytes\t{}\t{status}",
                    f.application_id, f.file_name, f.bytes, f.sha256
                )
            })
            .collect();
        lines.push(format!(
            "共 {} 个文件，{refused} 个未取得 files: {}, refused: {refused}",
            list.len(),
            list.len()
        ));
        lines.join("\n")
    })
}

fn findings(desk: &Desk, json: bool, id: &str) -> Result<(), AppError> {
    let review = desk.application_review(id)?;
    print(json, &review.files, |files| {
        let mut lines = Vec::new();
        for f in files {
            let m = &f.material;
            let held = if f.held {
                "已缓存 held"
            } else {
                "未缓存 not held"
            };
            lines.push(format!(
                "{}\t{}\t{}\t{held}",
                m.name_zh, m.file_name, m.sha256
            ));
            if let Some(e) = &f.unreadable {
                lines.push(format!("  无法读取 unreadable\t{}", e.text(Lang::Zh)));
            }
            match &f.facts {
                Some(Facts::Photo(p)) => {
                    let exif = p.exif.as_ref();
                    lines.push(format!(
                        "  {}x{}\t拍摄 captured {}\tGPS {}\t相机 camera {}",
                        p.width,
                        p.height,
                        exif.and_then(|e| e.captured_at.clone())
                            .unwrap_or("-".into()),
                        exif.and_then(|e| e.gps)
                            .map(|g| format!("{:.5},{:.5}", g.latitude, g.longitude))
                            .unwrap_or("-".into()),
                        exif.map(|e| format!(
                            "{} {}",
                            e.make.as_deref().unwrap_or(""),
                            e.model.as_deref().unwrap_or("")
                        ))
                        .unwrap_or("-".into())
                    ));
                }
                Some(Facts::Video(v)) => lines.push(format!(
                    "  {}x{}\t{:.2} s\t{}",
                    v.width, v.height, v.duration_s, v.codec
                )),
                _ => {}
            }
            lines.extend(
                f.findings
                    .iter()
                    .map(|x| format!("  注意 finding\t{}", finding_text(x))),
            );
            lines.extend(f.repeats.iter().map(|r| {
                format!(
                    "  重复 repeat\t{}\t{}\t{}",
                    r.application_id,
                    r.file_name,
                    match_how(&r.how)
                )
            }));
        }
        lines.join("\n")
    })
}

fn media_index(json: bool, desk: &mut Desk, folder: &std::path::Path) -> Result<(), AppError> {
    let r = desk.media_index(folder)?;
    print(json, &r, |r| {
        let mut lines = vec![format!(
            "{}：已记录 {} 个照片/视频指纹 recorded {} fingerprints",
            r.application_id, r.recorded, r.recorded
        )];
        for f in &r.files {
            lines.push(format!("{}\t{}\t{}", f.file_name, f.material, f.kind));
            lines.extend(
                f.findings
                    .iter()
                    .map(|x| format!("  注意 finding\t{}", finding_text(x))),
            );
            lines.extend(f.matches.iter().map(|m| {
                format!(
                    "  重复 match\t{}\t{}\t{}",
                    m.application_id,
                    m.file_name,
                    match_how(&m.how)
                )
            }));
        }
        lines.join("\n")
    })
}

/// A file the user named, read whole.
fn read_text(path: &std::path::Path) -> Result<String, AppError> {
    std::fs::read_to_string(path).map_err(|_| {
        AppError::new(ErrorCode::FileUnreadable, MessageKey::FileUnreadable)
            .with("path", path.display().to_string())
    })
}

fn sample(json: bool, command: &SampleCommand) -> Result<(), AppError> {
    match command {
        SampleCommand::Commit { seed } => {
            let c = sample_commitment(seed)?;
            print(json, &serde_json::json!({ "commitment": c }), |_| c.clone())
        }
        SampleCommand::Draw { seed, applications } => {
            let list = read_candidates(&read_text(applications)?)?;
            let draw = sample_draw(seed, &list)?;
            print(json, &draw, |d| {
                let mut lines = vec![format!(
                    "{} 份申报，随机抽取 {} 份 of {} applications, {} drawn at random",
                    d.applications,
                    d.random.len(),
                    d.applications,
                    d.random.len()
                )];
                lines.extend(d.random.iter().map(|id| format!("随机 random\t{id}")));
                lines.extend(d.on_top.iter().map(|o| {
                    let why: Vec<&str> = o.reasons.iter().map(|r| r.name_zh()).collect();
                    format!("加抽 on top\t{}\t{}", o.application_id, why.join("、"))
                }));
                lines.join("\n")
            })
        }
        SampleCommand::Verify {
            commitment,
            seed,
            applications,
            draw,
        } => {
            let list = read_candidates(&read_text(applications)?)?;
            let stored: Draw = serde_json::from_str(&read_text(draw)?).map_err(|e| {
                AppError::invalid(MessageKey::SampleListMalformed).with("detail", e.to_string())
            })?;
            sample_verify(commitment, seed, &list, &stored)?;
            print(
                json,
                &serde_json::json!({ "verified": true, "applications": list.len(), "drawn": stored.random.len() }),
                |_| "抽取可核验：种子与承诺值相符，抽取结果与重算一致 verified".to_string(),
            )
        }
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
