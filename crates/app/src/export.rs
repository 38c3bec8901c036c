//! Export to Excel (导出Excel): every order matching the inbox's current filters, not only the
//! page on screen, streamed from the cache into `casedesk-papers`' workbook; and the whitelist
//! page's entries with the names the page shows. The window and the CLI call the same
//! functions, so they write the same files.

use std::path::Path;
use std::time::Instant;

use casedesk_domain::WhitelistStatus;
use casedesk_papers::{Column, InboxWorkbook, ListWorkbook, PapersError};
use casedesk_store::inbox::InboxContext;
use casedesk_store::{InboxFilter, Store};
use serde::Serialize;
use ts_rs::TS;

use crate::desk::Desk;
use crate::error::{AppError, ErrorCode};
use crate::message::{Catalogue, Lang, MessageKey};
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

impl ExportSummary {
    /// What an export begun at `started` wrote to `path`.
    pub(crate) fn written(rows: u64, path: &Path, started: Instant) -> ExportSummary {
        ExportSummary {
            rows,
            path: path.display().to_string(),
            millis: started.elapsed().as_millis() as u64,
        }
    }
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
    check_folder(path)?;
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
    Ok(ExportSummary::written(rows, path, started))
}

/// Writes a short list to `path` as the sheet `name` of `columns`: `fill` pushes its rows. The
/// destination's folder is checked first; the summary says how many rows and how long.
pub(crate) fn write_list(
    path: &Path,
    name: &'static str,
    columns: &'static [Column],
    fill: impl FnOnce(&mut ListWorkbook) -> Result<(), AppError>,
) -> Result<ExportSummary, AppError> {
    let started = Instant::now();
    check_folder(path)?;
    let mut book = ListWorkbook::new(name, columns)?;
    fill(&mut book)?;
    let rows = book.save(path)?;
    Ok(ExportSummary::written(rows, path, started))
}

/// A destination in a folder that does not exist is refused before any work.
fn check_folder(path: &Path) -> Result<(), AppError> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => {
            Err(AppError::invalid(MessageKey::FolderMissing)
                .with("path", dir.display().to_string()))
        }
        _ => Ok(()),
    }
}

/// The whitelist page's columns, and the entries' facts it shows only in their drawer.
const WHITELIST_COLUMNS: [Column; 14] = [
    ("车牌", 12.0),
    ("类型", 18.0),
    ("状态", 8.0),
    ("今日生效", 8.0),
    ("原因", 34.0),
    ("活动名称", 18.0),
    ("有效期起", 11.0),
    ("有效期止", 11.0),
    ("审批人", 10.0),
    ("审批意见", 30.0),
    ("撤销人", 10.0),
    ("撤销原因", 30.0),
    ("提出时间", 17.0),
    ("更新时间", 17.0),
];

impl Desk {
    /// 导出Excel of the whitelist page: every entry with `status` and `plate` (as
    /// [`Desk::whitelist`] lists them), without the page's cap. Kind and status by the names the page
    /// shows (the Chinese catalogue).
    pub fn export_whitelist_xlsx(
        &self,
        status: Option<WhitelistStatus>,
        plate: Option<&str>,
        path: &Path,
    ) -> Result<ExportSummary, AppError> {
        let names = Catalogue::get(Lang::Zh);
        write_list(path, "白名单", &WHITELIST_COLUMNS, |book| {
            for row in self
                .store
                .whitelist_entries(status, plate, self.today(), u32::MAX)?
            {
                let e = &row.entry;
                let until = e.valid_until.map(|d| d.to_string());
                book.push(&[
                    &e.plate,
                    &names.name("whitelistKind", &e.kind),
                    &names.name("whitelistStatus", &e.status),
                    if row.in_force { "是" } else { "" },
                    &e.reason,
                    e.event_name.as_deref().unwrap_or(""),
                    &e.valid_from.to_string(),
                    until.as_deref().unwrap_or(""),
                    e.decided_by.as_deref().unwrap_or(""),
                    e.decision_reason.as_deref().unwrap_or(""),
                    e.revoked_by.as_deref().unwrap_or(""),
                    e.revoke_reason.as_deref().unwrap_or(""),
                    &row.created_at,
                    &row.updated_at,
                ])?;
            }
            Ok(())
        })
    }

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
