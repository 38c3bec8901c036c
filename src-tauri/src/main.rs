//! CaseDesk's desktop shell: opens the window and exposes the `casedesk-app` services as Tauri
//! commands. Nothing here decides anything; every command is one call into [`Desk`].

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

use casedesk_app::{
    default_data_dir, AppError, DemoSummary, Desk, DeskStatus, ErrorCode, HandlingMethod,
    InboxCount, InboxFilter, InboxPage, InboxReader, OrderDetail, OutboxEntry, Violation,
};
use tauri::State;

struct Shell {
    desk: Mutex<Desk>,
    /// The inbox's queries run on their own read-only connection, so they never wait for an
    /// action nor hold one up.
    reader: Mutex<InboxReader>,
    started: Instant,
}

type Res<T> = Result<T, AppError>;

fn lock<T>(m: &Mutex<T>) -> Res<std::sync::MutexGuard<'_, T>> {
    m.lock().map_err(|_| {
        AppError::new(
            ErrorCode::Storage,
            "内部错误：上一次操作异常中断，请重启 CaseDesk。",
            "internal error: a previous action panicked; restart CaseDesk",
        )
    })
}

fn with<T>(shell: &Shell, f: impl FnOnce(&mut Desk) -> Res<T>) -> Res<T> {
    f(&mut *lock(&shell.desk)?)
}

// Commands are async so Tauri runs them off the main thread: the window never freezes.

#[tauri::command]
async fn desk_status(shell: State<'_, Shell>) -> Res<DeskStatus> {
    with(&shell, |d| d.status())
}

#[tauri::command]
async fn catalog(shell: State<'_, Shell>) -> Res<Vec<Violation>> {
    with(&shell, |d| Ok(d.catalog()))
}

#[tauri::command]
async fn list_inbox(shell: State<'_, Shell>, query: InboxFilter) -> Res<InboxPage> {
    lock(&shell.reader)?.list_inbox(&query)
}

#[tauri::command]
async fn count_inbox(shell: State<'_, Shell>, query: InboxFilter) -> Res<InboxCount> {
    lock(&shell.reader)?.count_inbox(&query)
}

#[tauri::command]
async fn get_order(shell: State<'_, Shell>, id: i64) -> Res<OrderDetail> {
    with(&shell, |d| d.order(id))
}

#[tauri::command]
async fn claim_order(shell: State<'_, Shell>, id: i64) -> Res<OrderDetail> {
    with(&shell, |d| d.claim(id))
}

#[tauri::command]
async fn handle_order(
    shell: State<'_, Shell>,
    id: i64,
    method: HandlingMethod,
    result: String,
    notes: String,
) -> Res<OrderDetail> {
    with(&shell, |d| d.handle(id, method, &result, &notes))
}

#[tauri::command]
async fn require_rectification(
    shell: State<'_, Shell>,
    id: i64,
    requirement: String,
    deadline: String,
) -> Res<OrderDetail> {
    with(&shell, |d| {
        d.require_rectification(id, &requirement, &deadline)
    })
}

#[tauri::command]
async fn record_rectification(
    shell: State<'_, Shell>,
    id: i64,
    description: String,
    files: Vec<PathBuf>,
) -> Res<OrderDetail> {
    with(&shell, |d| d.record_rectification(id, &description, &files))
}

#[tauri::command]
async fn submit_for_spot_check(shell: State<'_, Shell>, id: i64) -> Res<OrderDetail> {
    with(&shell, |d| d.submit_for_spot_check(id))
}

#[tauri::command]
async fn return_order(shell: State<'_, Shell>, id: i64, reason: String) -> Res<OrderDetail> {
    with(&shell, |d| d.return_order(id, &reason))
}

#[tauri::command]
async fn transfer_order(
    shell: State<'_, Shell>,
    id: i64,
    to_unit: String,
    reason: String,
) -> Res<OrderDetail> {
    with(&shell, |d| d.transfer(id, &to_unit, &reason))
}

#[tauri::command]
async fn load_demo(shell: State<'_, Shell>, orders: u64) -> Res<DemoSummary> {
    with(&shell, |d| d.load_demo(orders, 2026))
}

#[tauri::command]
async fn list_outbox(shell: State<'_, Shell>) -> Res<Vec<OutboxEntry>> {
    with(&shell, |d| d.outbox())
}

#[tauri::command]
async fn save_draft(shell: State<'_, Shell>, key: String, value: String) -> Res<()> {
    with(&shell, |d| d.save_draft(&key, &value))
}

#[tauri::command]
async fn load_draft(shell: State<'_, Shell>, key: String) -> Res<Option<String>> {
    with(&shell, |d| d.load_draft(&key))
}

#[tauri::command]
async fn clear_draft(shell: State<'_, Shell>, key: String) -> Res<()> {
    with(&shell, |d| d.clear_draft(&key))
}

/// Called by the page once the inbox has painted rows: start-up time for the benchmark, with
/// the page's own phases (ms since it began loading) for finding where the time goes.
#[tauri::command]
async fn frontend_ready(shell: State<'_, Shell>, timings: Option<String>) -> Res<()> {
    let ms = shell.started.elapsed().as_secs_f64() * 1000.0;
    eprintln!(
        "casedesk: inbox painted {ms:.0} ms after start; page phases {}",
        timings.as_deref().unwrap_or("{}")
    );
    if let Some(path) = std::env::var_os("CASEDESK_STARTUP_FILE") {
        let _ = std::fs::write(path, format!("{ms:.1}\n"));
    }
    Ok(())
}

fn main() {
    let started = Instant::now();
    let data_dir = default_data_dir();
    let opened = Desk::open(&data_dir).and_then(|d| d.inbox_reader().map(|r| (d, r)));
    let (desk, reader) = match opened {
        Ok(pair) => pair,
        Err(e) => {
            // No window can be shown without a cache: say why, in both languages, and stop.
            eprintln!("casedesk: {} / {}", e.message_zh, e.message_en);
            std::process::exit(1);
        }
    };
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(Shell {
            desk: Mutex::new(desk),
            reader: Mutex::new(reader),
            started,
        })
        .invoke_handler(tauri::generate_handler![
            desk_status,
            catalog,
            list_inbox,
            count_inbox,
            get_order,
            claim_order,
            handle_order,
            require_rectification,
            record_rectification,
            submit_for_spot_check,
            return_order,
            transfer_order,
            load_demo,
            list_outbox,
            save_draft,
            load_draft,
            clear_draft,
            frontend_ready,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("casedesk: 无法启动窗口 / cannot start the window: {e}");
        std::process::exit(1);
    }
}
