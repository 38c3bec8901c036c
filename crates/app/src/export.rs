//! Export to Excel (导出Excel): every order matching the inbox's current filters, not only the
//! page on screen, streamed from the cache into `casedesk-papers`' workbook. The window and the
//! CLI call the same function, so they write the same file.

use std::path::Path;
use std::time::Instant;

use casedesk_papers::{InboxWorkbook, PapersError};
use casedesk_store::inbox::InboxContext;
use casedesk_store::{InboxFilter, Store};
use serde::Serialize;
use ts_rs::TS;

use crate::desk::Desk;
use crate::error::{AppError, ErrorCode};
use crate::message::MessageKey;
use crate::reader::InboxReader;

/// Rows between two progress reports.
const PROGRESS_EVERY: u64 = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ExportSummary {
    #[ts(type = "number")]
    pub rows: u64,
    pub path: String,
    #[ts(type = "number")]
    pub millis: u64,
}

impl From<PapersError> for AppError {
    fn from(e: PapersError) -> AppError {
        match e {
            PapersError::Store(e) => e.into(),
            PapersError::Save { path, source } => {
                AppError::new(ErrorCode::Storage, MessageKey::ExportSaveFailed)
                    .with("path", path.display().to_string())
                    .with("detail", source.to_string())
            }
            PapersError::Xlsx(e) => AppError::new(ErrorCode::Storage, MessageKey::ExportXlsxFailed)
                .with("detail", e.to_string()),
        }
    }
}

/// Writes every order of `query` (its page ignored) to `path`, calling `progress` with the
/// rows written so far every [`PROGRESS_EVERY`] rows.
fn export(
    store: &Store,
    ctx: &InboxContext<'_>,
    query: &InboxFilter,
    path: &Path,
    mut progress: impl FnMut(u64),
) -> Result<ExportSummary, AppError> {
    let started = Instant::now();
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => {
            return Err(AppError::invalid(MessageKey::FolderMissing)
                .with("path", dir.display().to_string()));
        }
        _ => {}
    }
    let mut book = InboxWorkbook::new()?;
    store.each_inbox_row(query, ctx, |row| -> Result<(), PapersError> {
        book.push(&row)?;
        if book.rows() % PROGRESS_EVERY == 0 {
            progress(book.rows());
        }
        Ok(())
    })?;
    let rows = book.save(path)?;
    progress(rows);
    Ok(ExportSummary {
        rows,
        path: path.display().to_string(),
        millis: started.elapsed().as_millis() as u64,
    })
}

impl Desk {
    /// 导出Excel on the desk's own connection (the CLI).
    pub fn export_xlsx(
        &self,
        query: &InboxFilter,
        path: &Path,
        progress: impl FnMut(u64),
    ) -> Result<ExportSummary, AppError> {
        export(&self.store, &self.inbox_context(), query, path, progress)
    }
}

impl InboxReader {
    /// 导出Excel on a read-only connection (the window: actions and the inbox go on meanwhile
    /// when it is a reader of its own, see [`InboxReader::another`]).
    pub fn export_xlsx(
        &self,
        query: &InboxFilter,
        path: &Path,
        progress: impl FnMut(u64),
    ) -> Result<ExportSummary, AppError> {
        export(&self.store, &self.context(), query, path, progress)
    }
}
