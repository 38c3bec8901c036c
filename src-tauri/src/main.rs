//! CaseDesk's desktop shell: opens the window and exposes the `casedesk-app` services as Tauri
//! commands (`commands.rs`). Nothing here decides anything; every command is one call into
//! [`casedesk_app::Desk`].

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;

use std::sync::{Arc, Mutex};
use std::time::Instant;

use casedesk_app::{default_data_dir, Desk};
use commands::Shell;

fn main() {
    let started = Instant::now();
    let data_dir = default_data_dir();
    let opened = Desk::open(&data_dir).and_then(|d| d.inbox_reader().map(|r| (d, r)));
    let (desk, reader) = match opened {
        Ok(pair) => pair,
        Err(e) => {
            // No window can be shown without a cache: say why, in both languages, and stop.
            eprintln!(
                "casedesk: {} / {}",
                e.text(casedesk_app::Lang::Zh),
                e.text(casedesk_app::Lang::En)
            );
            std::process::exit(1);
        }
    };
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(Arc::new(Shell {
            desk: Mutex::new(desk),
            reader: Mutex::new(reader),
            export_progress: Default::default(),
            started,
        }))
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("casedesk: 无法启动窗口 / cannot start the window: {e}");
        std::process::exit(1);
    }
}
