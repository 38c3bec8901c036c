//! The window's commands, each defined once in [`commands!`]: the macro writes the Tauri
//! command, registers it in the handler, and describes it for the TypeScript module that a test
//! generates (`ui/src/bindings/commands.ts`), so a command cannot exist on one side only.
//!
//! Every command runs on a blocking thread: SQLite work and evidence copies never occupy the
//! async runtime's few workers, and the inbox's queries (on their own read-only connection)
//! never wait for an action.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Instant;

use casedesk_app::{
    record_rectification_granted, AppError, ApplicationFetch, ApplicationReview, ApplicationView,
    AttachedEvidence, Attention, AutoSync, AutoSyncRunner, AutoSyncStatus, BatchAction, BatchItem,
    DemoSummary, Desk, DeskStatus, DishonestView, DroppedFiles, ExportSummary, FileGrants,
    HandlingMethod, InboxCount, InboxFilter, InboxPage, InboxReader, MaterialFetcher, MediaServer,
    NoticeWritten, OfferedFile, OrderDetail, OutboxEntry, PermitDayView, ReviewView, SavedFilter,
    SignedIn, SyncOverview, SyncProgress, SyncReport, UploadProgress, VehicleDetail, Violation,
    WhitelistRow,
};
use casedesk_domain::permit::{ClockAction, ListPenalty, ReviewDraft, Verdict};
use casedesk_domain::{InterceptionOutcome, ReturnReason, WhitelistKind, WhitelistStatus};
use tauri::{Emitter, Manager, State};
use tauri_plugin_dialog::DialogExt;

pub struct Shell {
    pub desk: Mutex<Desk>,
    /// The inbox's queries run on their own read-only connection, so they never wait for an
    /// action nor hold one up.
    pub reader: Mutex<InboxReader>,
    /// Rows written by the export under way, for the window's progress bar.
    pub export_progress: AtomicU64,
    pub started: Instant,
    /// Files the user chose in the dialog or dropped on the window: the only ones the page can
    /// attach, by id (`casedesk_app::evidence`).
    pub grants: Mutex<FileGrants>,
    /// The running app, for the native file chooser; set once the window exists.
    pub app: OnceLock<tauri::AppHandle>,
    /// The background sync, on its own connection; started once the window exists.
    pub auto_sync: OnceLock<AutoSyncRunner>,
    /// The evidence upload of the sync under way, read while the sync holds the desk.
    pub upload_progress: SyncProgress,
    /// Permit materials' downloads, on a connection of their own; started once the window
    /// exists.
    pub materials: OnceLock<MaterialFetcher>,
    /// The loopback server `<video>` plays from (`casedesk_app::MediaServer`).
    pub media_server: OnceLock<MediaServer>,
}

impl Shell {
    pub fn new(desk: Desk, reader: InboxReader, started: Instant) -> Shell {
        Shell {
            upload_progress: desk.sync_progress(),
            desk: Mutex::new(desk),
            reader: Mutex::new(reader),
            export_progress: Default::default(),
            started,
            grants: Default::default(),
            app: OnceLock::new(),
            auto_sync: OnceLock::new(),
            materials: OnceLock::new(),
            media_server: OnceLock::new(),
        }
    }

    /// Starts the materials' fetcher (each application's progress goes to the page as
    /// [`MATERIALS_PROGRESS`]) and the loopback media server.
    pub fn start_media(&self, app: tauri::AppHandle) -> Res<()> {
        let desk = with(self, |d| d.another_connection())?;
        let fetcher = MaterialFetcher::start(desk, move |p| {
            let _ = app.emit(MATERIALS_PROGRESS, p);
        });
        let _ = self.materials.set(fetcher);
        let files = with(self, |d| d.media_files())?;
        let _ = self.media_server.set(MediaServer::start(files)?);
        Ok(())
    }

    /// After a good sync: the pulled applications' materials come down in the background.
    pub fn fetch_materials_after_sync(&self) {
        if let Some(f) = self.materials.get() {
            f.fetch_all();
        }
    }

    /// Starts the background sync on a connection of its own; each attempt's status goes to the
    /// page as [`SYNC_STATUS`]. The first attempt waits a few seconds: the window paints first.
    pub fn start_auto_sync(&self, app: tauri::AppHandle) -> Res<()> {
        let desk = with(self, |d| d.another_connection())?;
        let runner = AutoSyncRunner::start(
            AutoSync::new(desk),
            std::time::Duration::from_secs(3),
            move |status| {
                let _ = app.emit(SYNC_STATUS, status);
                if status.state == casedesk_app::AutoSyncState::Synced {
                    if let Some(shell) = app.try_state::<Arc<Shell>>() {
                        shell.fetch_materials_after_sync();
                    }
                }
            },
        );
        let _ = self.auto_sync.set(runner);
        Ok(())
    }
}

/// The event carrying the background sync's status after each attempt ([`AutoSyncStatus`]).
pub const SYNC_STATUS: &str = "sync-status";

/// The event carrying an application's materials download ([`ApplicationFetch`]).
pub const MATERIALS_PROGRESS: &str = "materials-progress";

/// 同步 pressed: on the background sync's desk, so the window's desk stays free meanwhile.
fn sync_in_background(shell: &Shell) -> Res<SyncReport> {
    let report = match shell.auto_sync.get() {
        Some(auto) => auto.sync_now(),
        None => with(shell, |d| d.sync()),
    }?;
    shell.fetch_materials_after_sync();
    Ok(report)
}

/// A review opened: its application's materials are fetched before anything else waiting.
fn fetch_materials_first(shell: &Shell, application_id: &str) -> Res<Option<ApplicationFetch>> {
    let fetcher = shell.materials.get().ok_or_else(AppError::internal)?;
    fetcher.fetch_first(application_id);
    Ok(fetcher.progress(application_id))
}

/// A sign-in or sign-out: the background sync starts its schedule over.
fn restart_auto_sync(shell: &Shell) -> Res<()> {
    match shell.auto_sync.get() {
        Some(auto) => auto.signed_in_again(),
        None => Ok(()),
    }
}

/// Names the files the chooser returns, for the end-to-end tests (paths joined as in `PATH`).
const TEST_CHOOSER: &str = "CASEDESK_TEST_CHOOSER";

/// The event that tells the page what was dropped on the window ([`DroppedFiles`]).
pub const EVIDENCE_DROPPED: &str = "evidence-dropped";

/// Grants what the user dropped on the window (the drop event comes from the window system, not
/// from the page) and says where it landed, in the page's CSS pixels, so the page can tell
/// whether it fell on the form.
pub fn files_dropped(shell: &Shell, paths: Vec<PathBuf>, x: f64, y: f64) -> Res<DroppedFiles> {
    let evidence = with(shell, |d| Ok(d.evidence_store()))?;
    let files = lock(&shell.grants)?.offer(&evidence, paths, Instant::now());
    Ok(DroppedFiles { x, y, files })
}

/// 选择文件: the native chooser, opened by the backend itself with only the kinds the store
/// accepts; what the user picks is granted.
fn pick_files(
    shell: &Shell,
    title: &str,
    all: &str,
    photos: &str,
    pdf: &str,
) -> Res<Vec<OfferedFile>> {
    let app = shell.app.get().ok_or_else(AppError::internal)?;
    let kinds = &casedesk_app::ACCEPTED_KINDS;
    let of = |photo: bool| -> Vec<&str> {
        kinds
            .iter()
            .filter(|k| k.photo == photo)
            .flat_map(|k| k.extensions.iter().copied())
            .collect()
    };
    let everything: Vec<&str> = kinds
        .iter()
        .flat_map(|k| k.extensions.iter().copied())
        .collect();
    // The chooser is a native window that WebDriver cannot reach: the end-to-end tests name what
    // it returns when they start the app. That comes from whoever started the process, never
    // from the page, and is judged and granted like a pick.
    let paths: Vec<PathBuf> = match std::env::var_os(TEST_CHOOSER) {
        Some(list) => std::env::split_paths(&list).collect(),
        None => {
            let mut chooser = app
                .dialog()
                .file()
                .set_title(title)
                .add_filter(all, &everything)
                .add_filter(photos, &of(true))
                .add_filter(pdf, &of(false));
            // Modal to the window, as a desktop app's chooser is.
            if let Some(window) = app.get_webview_window("main") {
                chooser = chooser.set_parent(&window);
            }
            chooser
                .blocking_pick_files()
                .unwrap_or_default()
                .into_iter()
                .filter_map(|p| p.into_path().ok())
                .collect()
        }
    };
    let evidence = with(shell, |d| Ok(d.evidence_store()))?;
    Ok(lock(&shell.grants)?.offer(&evidence, paths, Instant::now()))
}

pub type Res<T> = Result<T, AppError>;

fn lock<T>(m: &Mutex<T>) -> Res<MutexGuard<'_, T>> {
    m.lock().map_err(|_| AppError::internal())
}

fn with<T>(shell: &Shell, f: impl FnOnce(&mut Desk) -> Res<T>) -> Res<T> {
    f(&mut *lock(&shell.desk)?)
}

/// One command as the TypeScript generator sees it.
#[cfg(test)]
pub struct CommandSpec {
    pub name: &'static str,
    pub doc: &'static str,
    /// Argument names (as in Rust) and their TypeScript types.
    pub args: Vec<(&'static str, String)>,
    pub ret: String,
}

/// The TypeScript name of a type, as ts-rs writes it; 64-bit integers travel as JSON numbers.
#[cfg(test)]
fn ts<T: ts_rs::TS>() -> String {
    T::name(&ts_rs::Config::new().with_large_int("number"))
}

macro_rules! commands {
    ($(
        $(#[doc = $doc:literal])*
        fn $name:ident($($arg:ident : $ty:ty),* $(,)?) -> $ret:ty = |$s:ident| $body:expr;
    )*) => {
        $(
            $(#[doc = $doc])*
            #[tauri::command]
            async fn $name(shell: State<'_, Arc<Shell>>, $($arg: $ty),*) -> Res<$ret> {
                let $s = Arc::clone(&shell);
                tauri::async_runtime::spawn_blocking(move || {
                    let $s: &Shell = &$s;
                    $body
                })
                .await
                .map_err(|_| AppError::internal())?
            }
        )*

        /// The Tauri handler for every command above.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }

        /// Every command above, for the TypeScript generator.
        #[cfg(test)]
        pub fn specs() -> Vec<CommandSpec> {
            vec![$(CommandSpec {
                name: stringify!($name),
                doc: concat!($($doc),*),
                args: vec![$((stringify!($arg), ts::<$ty>())),*],
                ret: ts::<$ret>(),
            }),*]
        }
    };
}

commands! {
    /// Who works here, the cache's counts and the unsent queue.
    fn desk_status() -> DeskStatus = |s| with(s, |d| d.status());
    /// The violation catalog (with an administrator's override applied).
    fn catalog() -> Vec<Violation> = |s| with(s, |d| Ok(d.catalog()));
    fn list_inbox(query: InboxFilter) -> InboxPage = |s| lock(&s.reader)?.list_inbox(&query);
    fn count_inbox(query: InboxFilter) -> InboxCount = |s| lock(&s.reader)?.count_inbox(&query);
    /// 导出Excel: every order of the query (all pages) to `path`, on a reader of its own so the
    /// inbox and actions go on meanwhile; `export_progress` tells how far it got.
    fn export_inbox(query: InboxFilter, path: PathBuf) -> ExportSummary = |s| {
        let reader = lock(&s.reader)?.another()?;
        s.export_progress.store(0, Ordering::Relaxed);
        reader.export_xlsx(&query, &path, |n| s.export_progress.store(n, Ordering::Relaxed))
    };
    fn export_progress() -> u64 = |s| Ok(s.export_progress.load(Ordering::Relaxed));
    fn get_order(id: i64) -> OrderDetail = |s| with(s, |d| d.order(id));
    /// The order's attached files with who attached each and when, for the viewer.
    fn order_evidence(id: i64) -> Vec<AttachedEvidence> = |s| with(s, |d| d.order_evidence(id));
    fn get_vehicle(plate: String) -> VehicleDetail = |s| with(s, |d| d.vehicle(&plate));
    fn claim_order(id: i64) -> OrderDetail = |s| with(s, |d| d.claim(id));
    /// 批量认领、退回、转办: each order in its own transaction; refusals come back per order, with
    /// the reason.
    fn act_on_orders(ids: Vec<i64>, action: BatchAction) -> Vec<BatchItem> =
        |s| with(s, |d| d.act_on_orders(&ids, &action));
    /// 撤销认领 while the claim is unsent and the order unchanged since.
    fn undo_claim(id: i64) -> OrderDetail = |s| with(s, |d| d.undo_claim(id));
    fn handle_order(id: i64, method: HandlingMethod, result: String, notes: String) -> OrderDetail =
        |s| with(s, |d| d.handle(id, method, &result, &notes));
    fn intercept_order(id: i64, outcome: InterceptionOutcome, notes: String) -> OrderDetail =
        |s| with(s, |d| d.intercept(id, outcome, &notes));
    fn notify_authority(id: i64, authority: String, content: String, feedback_due: Option<String>) -> OrderDetail =
        |s| with(s, |d| d.notify_authority(id, &authority, &content, feedback_due.as_deref()));
    fn record_feedback(id: i64, feedback: String) -> OrderDetail =
        |s| with(s, |d| d.record_feedback(id, &feedback));
    fn close_groundless(id: i64, finding: String) -> OrderDetail =
        |s| with(s, |d| d.close_groundless(id, &finding));
    fn require_rectification(id: i64, requirement: String, deadline: String) -> OrderDetail =
        |s| with(s, |d| d.require_rectification(id, &requirement, &deadline));
    /// Attaches only files granted by the dialog or a drop (`files` are their ids, never paths);
    /// copies them without holding the desk, then records.
    fn record_rectification(id: i64, description: String, files: Vec<String>) -> OrderDetail =
        |s| record_rectification_granted(&s.desk, &s.grants, id, &description, &files);
    /// Opens the native chooser (titled `title`, filters named by the page in its language,
    /// extensions from the store) and grants the files picked; refused ones say why.
    fn pick_evidence_files(title: String, all_label: String, photos_label: String, pdf_label: String) -> Vec<OfferedFile> =
        |s| pick_files(s, &title, &all_label, &photos_label, &pdf_label);
    fn submit_for_spot_check(id: i64) -> OrderDetail = |s| with(s, |d| d.submit_for_spot_check(id));
    fn return_order(id: i64, reason_code: ReturnReason, reason: String) -> OrderDetail =
        |s| with(s, |d| d.return_order(id, reason_code, &reason));
    fn transfer_order(id: i64, to_unit: String, reason: String) -> OrderDetail =
        |s| with(s, |d| d.transfer(id, &to_unit, &reason));
    /// Supervisors: pass closes the order; fail (with a reason) sends it back for rework.
    fn spot_check(id: i64, passed: bool, notes: String) -> OrderDetail =
        |s| with(s, |d| d.spot_check(id, passed, &notes));
    fn reassign_order(id: i64, county_code: String, reason: String) -> OrderDetail =
        |s| with(s, |d| d.reassign(id, &county_code, &reason));
    fn override_whitelist(id: i64, reason: String) -> OrderDetail =
        |s| with(s, |d| d.override_whitelist(id, &reason));
    /// The whitelist page: entries with the status and a plate containing `plate` (all when
    /// none).
    fn list_whitelist(status: Option<WhitelistStatus>, plate: Option<String>) -> Vec<WhitelistRow> =
        |s| with(s, |d| d.whitelist(status, plate.as_deref()));
    /// 导出Excel of the whitelist page: every entry the page's filters keep, to `path`.
    fn export_whitelist(status: Option<WhitelistStatus>, plate: Option<String>, path: PathBuf) -> ExportSummary =
        |s| with(s, |d| d.export_whitelist_xlsx(status, plate.as_deref(), &path));
    fn approve_whitelist(plate: String, reason: String) -> WhitelistRow =
        |s| with(s, |d| d.approve_whitelist(&plate, &reason));
    fn decline_whitelist(plate: String, reason: String) -> WhitelistRow =
        |s| with(s, |d| d.decline_whitelist(&plate, &reason));
    fn revoke_whitelist(plate: String, reason: String) -> WhitelistRow =
        |s| with(s, |d| d.revoke_whitelist(&plate, &reason));
    fn add_whitelist(
        plate: String,
        kind: WhitelistKind,
        reason: String,
        event_name: Option<String>,
        valid_from: Option<String>,
        valid_until: Option<String>,
    ) -> WhitelistRow = |s| with(s, |d| d.add_whitelist(
        &plate, kind, &reason, event_name.as_deref(), valid_from.as_deref(), valid_until.as_deref(),
    ));
    /// Switches who works at this desk (until sign-in to a hub exists).
    fn set_profile(user_name: String, role: casedesk_domain::Role, county_code: String) -> DeskStatus =
        |s| with(s, |d| {
            d.set_profile(casedesk_app::Profile { user_name, role, county_code })?;
            lock(&s.reader)?.follow(d);
            d.status()
        });
    /// The 同步 page: who is signed in, the last sync, what waits, what the hub refused.
    fn sync_overview() -> SyncOverview = |s| with(s, |d| d.sync_overview());
    /// Signs in to a hub (the password is not kept; the tokens go to the OS keyring).
    fn hub_login(hub_url: String, username: String, password: String) -> SignedIn =
        |s| with(s, |d| {
            let signed_in = d.login(&hub_url, &username, &password)?;
            // Signing in makes the hub's user the desk's profile.
            lock(&s.reader)?.follow(d);
            Ok(signed_in)
        }).and_then(|signed_in| restart_auto_sync(s).map(|()| signed_in));
    /// Signs out: the tokens are forgotten, the unsent queue stays.
    fn hub_logout() -> () = |s| with(s, |d| d.logout()).and_then(|()| restart_auto_sync(s));
    /// 放弃: an action the hub refused leaves the list, kept with who dismissed it and when.
    fn dismiss_refusal(seq: i64) -> () = |s| with(s, |d| d.dismiss_refusal(seq));
    /// 重做: a refused work-order action decided again on the order as it is now, and queued.
    fn redo_refusal(seq: i64) -> OrderDetail = |s| with(s, |d| d.redo_refusal(seq));
    /// A supervisor's attention list (待关注): other officers' work refused because someone
    /// else holds the order, as the last sync fetched it.
    fn attention_list() -> Vec<Attention> = |s| with(s, |d| d.attention());
    /// 已处理: resolves an attention item on the hub with a note (needs the network).
    fn resolve_attention(id: i64, note: String) -> () =
        |s| with(s, |d| d.resolve_attention(id, &note));
    /// 大件运输: the service point's applications of a day (`YYYY-MM-DD`, today when null) with
    /// what the rules compute for each, as the last sync pulled them.
    fn permit_applications(date: Option<String>) -> Vec<ApplicationView> =
        |s| with(s, |d| d.permit_applications(date.as_deref()));
    /// 导出Excel of the 大件运输 page: the day's applications (today when none) to `path`.
    fn export_permit_applications(date: Option<String>, path: PathBuf) -> ExportSummary =
        |s| with(s, |d| d.export_permit_xlsx(date.as_deref(), &path));
    /// The service point's permit day: commitment, and once closed the seed, the draw and the
    /// desk's verification of it; null when the hub has not published the day.
    fn permit_day(date: Option<String>) -> Option<PermitDayView> =
        |s| with(s, |d| d.permit_day(date.as_deref()));
    /// 日结: closes the day on the hub (desk staff; needs the network), then syncs and verifies
    /// the revealed draw.
    fn close_permit_day(date: Option<String>) -> PermitDayView =
        |s| with(s, |d| d.close_permit_day(date.as_deref()));
    /// 失信企业库: the dishonest-enterprise list as the last sync brought it.
    fn dishonest_list() -> Vec<DishonestView> = |s| with(s, |d| d.dishonest_list());
    /// Lists a carrier today (desk staff, supervisors; needs the network: the hub dates it).
    fn list_dishonest(
        credit_id: String,
        enterprise_name: String,
        behaviour: String,
        penalty: ListPenalty,
        repair_conditions: String,
    ) -> DishonestView = |s| {
        with(s, |d| {
            d.list_dishonest(&credit_id, &enterprise_name, &behaviour, penalty, &repair_conditions)
        })
    };
    /// Records an entry's credit repair today (needs the network); it cannot be undone.
    fn repair_dishonest(id: i64) -> DishonestView = |s| with(s, |d| d.repair_dishonest(id));
    /// 远程审核: one application's declaration beside its materials, each with whether it is held,
    /// its metadata, findings (no EXIF, cuts) and the applications that handed it in before.
    fn application_review(application_id: String) -> ApplicationReview =
        |s| with(s, |d| d.application_review(&application_id));
    /// Fetches the application's materials first (in the background); its progress so far. The
    /// page then follows the `materials-progress` event.
    fn fetch_materials(application_id: String) -> Option<ApplicationFetch> =
        |s| fetch_materials_first(s, &application_id);
    /// An application's materials download as it stands (none asked for since start: null).
    fn materials_progress(application_id: String) -> Option<ApplicationFetch> =
        |s| Ok(s.materials.get().and_then(|f| f.progress(&application_id)));
    /// `http://127.0.0.1:PORT/TOKEN`: where `<video>` finds a held file, at `{base}/{sha256}`;
    /// null when the loopback server could not start.
    fn media_base_url() -> Option<String> =
        |s| Ok(s.media_server.get().map(MediaServer::base_url));
    /// 审核: an application's review (checklist for its class, marks, notes, verdict, the
    /// one-time notice's clock and lines).
    fn permit_review(application_id: String) -> ReviewView =
        |s| with(s, |d| d.permit_review(&application_id));
    /// Keeps the reviewer's marks and notes as a draft (refused once decided).
    fn save_permit_review(application_id: String, draft: ReviewDraft) -> ReviewView =
        |s| with(s, |d| d.save_permit_review(&application_id, &draft));
    /// Gives the verdict (pass, fail, more_material) on the draft, with its outbox mutation.
    fn decide_permit_review(application_id: String, verdict: Verdict, draft: ReviewDraft) -> ReviewView =
        |s| with(s, |d| d.decide_permit_review(&application_id, verdict, &draft));
    /// 暂停计时 / 恢复计时: pauses or resumes an application's decision clock (road or bridge
    /// reinforcement, technical assessment), with its outbox mutation; the application after it.
    fn permit_clock(application_id: String, action: ClockAction) -> ApplicationView =
        |s| with(s, |d| d.permit_clock(&application_id, action));
    /// 一次性告知书: the notice of an application sent back for more material, as PDF at
    /// `path` (chosen in the save dialog).
    fn permit_notice(application_id: String, path: PathBuf) -> NoticeWritten =
        |s| with(s, |d| d.permit_notice(&application_id, &path));
    /// Pushes the outbox (uploading the evidence files it refers to first), then pulls the
    /// hub's changes; on the background sync's desk, so the window's desk stays free.
    fn sync_now() -> SyncReport = |s| sync_in_background(s);
    /// The background sync: its last outcome and when it tries next (also sent as an event).
    fn auto_sync_status() -> AutoSyncStatus = |s| match s.auto_sync.get() {
        Some(auto) => auto.status(),
        None => Ok(AutoSyncStatus::default()),
    };
    /// The evidence file the sync is sending (or sent last), with bytes and speed; read
    /// without waiting for the sync.
    fn sync_progress() -> Option<UploadProgress> = |s| Ok(s.upload_progress.current());
    fn load_demo(orders: u64) -> DemoSummary = |s| with(s, |d| d.load_demo(orders, 2026));
    fn list_outbox() -> Vec<OutboxEntry> = |s| with(s, |d| d.outbox());
    fn save_draft(key: String, value: String) -> () = |s| with(s, |d| d.save_draft(&key, &value));
    fn load_draft(key: String) -> Option<String> = |s| with(s, |d| d.load_draft(&key));
    fn clear_draft(key: String) -> () = |s| with(s, |d| d.clear_draft(&key));
    /// 常用筛选: the saved filters, by name.
    fn list_filters() -> Vec<SavedFilter> = |s| with(s, |d| d.saved_filters());
    /// Saves the query under a name (replacing one of that name) and makes it the one in use.
    fn save_filter(name: String, query: InboxFilter) -> SavedFilter =
        |s| with(s, |d| d.save_filter(&name, &query));
    /// Marks a saved filter applied (restored at start); null when the filters are set by hand.
    fn use_filter(name: Option<String>) -> Option<SavedFilter> =
        |s| with(s, |d| d.use_filter(name.as_deref()));
    /// The saved filter applied last, restored when the window starts.
    fn filter_in_use() -> Option<SavedFilter> = |s| with(s, |d| d.filter_in_use());
    fn delete_filter(name: String) -> () = |s| with(s, |d| d.delete_filter(&name));
    /// Called by the page once the inbox has painted rows: start-up time for the benchmark,
    /// with the page's own phases (ms since it began loading).
    fn frontend_ready(timings: Option<String>) -> () = |s| {
        let ms = s.started.elapsed().as_secs_f64() * 1000.0;
        eprintln!(
            "casedesk: inbox painted {ms:.0} ms after start; page phases {}",
            timings.as_deref().unwrap_or("{}")
        );
        if let Some(path) = std::env::var_os("CASEDESK_STARTUP_FILE") {
            let _ = std::fs::write(path, format!("{ms:.1}\n"));
        }
        Ok(())
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use casedesk_app::ErrorCode;
    use std::collections::BTreeSet;
    use std::path::Path;

    fn camel(snake: &str) -> String {
        let mut out = String::new();
        let mut upper = false;
        for c in snake.chars() {
            if c == '_' {
                upper = true;
            } else if upper {
                out.extend(c.to_uppercase());
                upper = false;
            } else {
                out.push(c);
            }
        }
        out
    }

    /// Commands run on Tauri's blocking pool; signing in starts a small runtime of its own there,
    /// which must answer (here: the hub is unreachable), not panic for nesting runtimes.
    #[test]
    fn signing_in_from_the_blocking_pool_answers_offline() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut desk = Desk::open(dir.path()).expect("desk");
        let err = tauri::async_runtime::block_on(tauri::async_runtime::spawn_blocking(move || {
            desk.login("http://127.0.0.1:9", "zhang.wei", "casedesk-demo")
        }))
        .expect("no panic on the blocking pool")
        .expect_err("nothing listens on port 9");
        assert_eq!(err.code, ErrorCode::Offline, "{err}");
    }

    /// Dragging files onto the window cannot be synthesised through WebDriver in WebKitGTK, so
    /// the drop path is tested here: what the drop event hands over is granted and attaches;
    /// a path the page names does not, and nothing is written for it.
    #[test]
    fn dropped_files_are_granted_and_only_they_attach() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut desk = Desk::open(&dir.path().join("data")).expect("desk");
        desk.load_demo(80, 7).expect("demo");
        let id = desk
            .list_inbox(&InboxFilter {
                status: vec![casedesk_domain::Status::Pending],
                ..Default::default()
            })
            .expect("inbox")
            .rows
            .iter()
            .find(|r| !r.whitelisted)
            .expect("pending")
            .id;
        desk.claim(id).expect("claim");
        desk.handle(id, HandlingMethod::Education, "已约谈", "")
            .expect("handle");
        let reader = desk.inbox_reader().expect("reader");
        let shell = Shell::new(desk, reader, Instant::now());
        let photo = dir.path().join("拖入的照片.png");
        std::fs::write(&photo, b"\x89PNG\r\n\x1a\nrest").expect("photo");
        let gif = dir.path().join("动图.gif");
        std::fs::write(&gif, b"GIF89a").expect("gif");

        let dropped = files_dropped(&shell, vec![photo.clone(), gif], 120.0, 80.5).expect("drop");
        assert_eq!((dropped.x, dropped.y), (120.0, 80.5));
        assert!(dropped.files[0].id.is_some() && dropped.files[0].refusal.is_none());
        assert!(dropped.files[1].id.is_none());
        assert_eq!(
            dropped.files[1].refusal.as_ref().map(|r| r.code),
            Some(ErrorCode::FileTypeMismatch)
        );

        let forged = photo.to_string_lossy().into_owned();
        let err = record_rectification_granted(&shell.desk, &shell.grants, id, "整改", &[forged])
            .expect_err("a path from the page");
        assert_eq!(err.code, ErrorCode::FileNotGranted);
        let unchanged = with(&shell, |d| d.order(id)).expect("order");
        assert_eq!(unchanged.row.status, casedesk_domain::Status::Handled);

        let granted = dropped.files[0].id.clone().expect("id");
        let d = record_rectification_granted(&shell.desk, &shell.grants, id, "整改", &[granted])
            .expect("attached");
        assert_eq!(
            d.timeline.last().expect("entry").evidence[0].file_name,
            "拖入的照片.png"
        );
    }

    /// Writes `ui/src/bindings/commands.ts` from [`specs`]; `scripts/test.sh` fails when the
    /// committed file differs, like the ts-rs bindings.
    #[test]
    fn typescript_commands_are_generated_from_the_rust_ones() {
        let bindings = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings");
        let specs = specs();
        let mut imports = BTreeSet::new();
        let mut body = String::new();
        for spec in &specs {
            for t in spec.args.iter().map(|(_, t)| t).chain([&spec.ret]) {
                for word in t.split(|c: char| !c.is_alphanumeric() && c != '_') {
                    if bindings.join(format!("{word}.ts")).exists() {
                        imports.insert(word.to_string());
                    }
                }
            }
            if !spec.doc.is_empty() {
                body.push_str(&format!("    /**{} */\n", spec.doc));
            }
            let params: Vec<String> = spec
                .args
                .iter()
                .map(|(n, t)| format!("{}: {t}", camel(n)))
                .collect();
            let keys: Vec<String> = spec.args.iter().map(|(n, _)| camel(n)).collect();
            let args = if keys.is_empty() {
                String::new()
            } else {
                format!(", {{ {} }}", keys.join(", "))
            };
            body.push_str(&format!(
                "    {}: ({}) => call<{}>(\"{}\"{args}),\n",
                camel(spec.name),
                params.join(", "),
                spec.ret,
                spec.name
            ));
        }
        let mut out = String::from(
            "// Generated from src-tauri/src/commands.rs by `cargo test -p casedesk`; do not edit.\n",
        );
        for i in &imports {
            out.push_str(&format!("import type {{ {i} }} from \"./{i}\";\n"));
        }
        out.push_str(
            "\n/** How a command is sent: `invoke`, with errors turned into the desk's own. */\n\
             export type Call = <T>(cmd: string, args?: Record<string, unknown>) => Promise<T>;\n\n\
             /** Every command of the window, typed as the Rust side defines it. */\n\
             export function commands(call: Call) {\n  return {\n",
        );
        out.push_str(&body);
        out.push_str("  };\n}\n");
        out.push_str(&format!(
            "\n/** The event carrying files dropped on the window (DroppedFiles). */\n\
             export const EVIDENCE_DROPPED = \"{EVIDENCE_DROPPED}\";\n\n\
             /** The event carrying the background sync's status after each attempt (AutoSyncStatus). */\n\
             export const SYNC_STATUS = \"{SYNC_STATUS}\";\n\n\
             /** The event carrying an application's materials download (ApplicationFetch). */\n\
             export const MATERIALS_PROGRESS = \"{MATERIALS_PROGRESS}\";\n"
        ));
        std::fs::write(bindings.join("commands.ts"), out).expect("write commands.ts");
        assert!(specs.len() >= 20);
    }
}
