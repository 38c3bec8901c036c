//! CaseDesk's desktop shell: opens the window and exposes the `casedesk-app` services as Tauri
//! commands (`commands.rs`). Nothing here decides anything; every command is one call into
//! [`casedesk_app::Desk`].

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod evidence_scheme;

use std::sync::Arc;
use std::time::Instant;

use casedesk_app::{default_data_dir, Desk, Lang};
use commands::Shell;
use tauri::{DragDropEvent, Emitter, WindowEvent};

fn main() {
    let started = Instant::now();
    let context = tauri::generate_context!();
    let data_dir = default_data_dir();
    let opened = Desk::open(&data_dir).and_then(|d| {
        let reader = d.inbox_reader()?;
        let server = d.evidence_server()?;
        Ok((d, reader, server))
    });
    let (desk, reader, server) = match opened {
        Ok(all) => all,
        Err(e) => {
            // Also on the terminal, for whoever started it from one.
            eprintln!("casedesk: {} / {}", e.text(Lang::Zh), e.text(Lang::En));
            if let Err(shown) = show_startup_error(context, &e, &data_dir) {
                eprintln!("casedesk: 无法显示错误窗口 / cannot show the error window: {shown}");
            }
            // The desk did not open: a non-zero exit even after the user has read why.
            std::process::exit(1);
        }
    };
    let shell = Arc::new(Shell::new(desk, reader, started));
    let for_drops = Arc::clone(&shell);
    let for_setup = Arc::clone(&shell);
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .register_asynchronous_uri_scheme_protocol(
            evidence_scheme::SCHEME,
            evidence_scheme::handler(server),
        )
        .manage(shell)
        .setup(move |app| {
            let _ = for_setup.app.set(app.handle().clone());
            if let Err(e) = for_setup.start_auto_sync(app.handle().clone()) {
                // The window still works offline; 同步 then runs on the window's own desk.
                eprintln!("casedesk: {} / {}", e.text(Lang::Zh), e.text(Lang::En));
            }
            if let Err(e) = for_setup.start_media(app.handle().clone()) {
                // Review still shows the declaration and photos; videos cannot play.
                eprintln!("casedesk: {} / {}", e.text(Lang::Zh), e.text(Lang::En));
            }
            Ok(())
        })
        // Files dropped on the window are granted here, from the window system's event; the page
        // learns their ids (and where they fell), never attaches a path of its own.
        .on_window_event(move |window, event| {
            if let WindowEvent::DragDrop(DragDropEvent::Drop { paths, position }) = event {
                let scale = window.scale_factor().unwrap_or(1.0);
                let dropped = commands::files_dropped(
                    &for_drops,
                    paths.clone(),
                    position.x / scale,
                    position.y / scale,
                );
                if let Ok(dropped) = dropped {
                    let _ = window.emit(commands::EVIDENCE_DROPPED, dropped);
                }
            }
        })
        .invoke_handler(commands::handler())
        .run(context);
    if let Err(e) = result {
        eprintln!("casedesk: 无法启动窗口 / cannot start the window: {e}");
        std::process::exit(1);
    }
}

/// Without a cache there is no desk, but the user who started the app from the menu sees no
/// terminal: a small window says why, in both languages, with the data folder. It replaces the
/// configured windows, so none of the desk's commands can be called.
fn show_startup_error(
    mut context: tauri::Context,
    error: &casedesk_app::AppError,
    data_dir: &std::path::Path,
) -> tauri::Result<()> {
    context.config_mut().app.windows.clear();
    let facts = serde_json::json!({
        "code": error.code,
        "message_zh": error.text(Lang::Zh),
        "message_en": error.text(Lang::En),
        "data_dir": data_dir.display().to_string(),
    });
    let script = format!("window.__CASEDESK_STARTUP__ = {facts};");
    tauri::Builder::default()
        .setup(move |app| {
            tauri::WebviewWindowBuilder::new(
                app,
                "startup-error",
                tauri::WebviewUrl::App("startup-error.html".into()),
            )
            .title("CaseDesk 无法启动 / cannot start")
            .inner_size(760.0, 480.0)
            .initialization_script(&script)
            .build()?;
            Ok(())
        })
        .build(context)?
        .run_return(|_, _| {});
    Ok(())
}
