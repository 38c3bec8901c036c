//! The rule data a desk works with, read from the data folder at start: the holiday calendar
//! (the embedded one, extended by `calendar.json`) and the violation catalog (the embedded one,
//! overridden by `catalog.json`). A malformed file is refused with its reason.

use std::path::Path;

use casedesk_domain::{Catalog, WorkingCalendar};

use crate::error::AppError;

/// An administrator's extension of the holiday calendar, read at start if present.
pub const CALENDAR_FILE: &str = "calendar.json";
/// An administrator's override of the violation catalog, read at start if present.
pub const CATALOG_FILE: &str = "catalog.json";

fn read(path: &Path, zh: &str, en: &str) -> Result<Option<String>, AppError> {
    if !path.exists() {
        return Ok(None);
    }
    std::fs::read_to_string(path).map(Some).map_err(|e| {
        AppError::invalid(
            format!("无法读取{zh} {}：{e}", path.display()),
            format!("cannot read the {en} {}: {e}", path.display()),
        )
    })
}

/// The holiday calendar of this data folder: the embedded one, extended by `calendar.json`.
/// Reads only that file, so administrators can check a notice without opening the cache.
pub fn load_calendar(data_dir: &Path) -> Result<WorkingCalendar, AppError> {
    let mut calendar = WorkingCalendar::embedded();
    let path = data_dir.join(CALENDAR_FILE);
    if let Some(text) = read(&path, "节假日文件", "holiday file")? {
        calendar.extend_from_json(&text).map_err(|e| {
            AppError::invalid(
                format!("节假日文件 {} 格式有误：{e}", path.display()),
                format!("the holiday file {} is invalid: {e}", path.display()),
            )
        })?;
    }
    Ok(calendar)
}

/// The violation catalog of this data folder: the embedded one, overridden by `catalog.json`.
pub fn load_catalog(data_dir: &Path) -> Result<Catalog, AppError> {
    let path = data_dir.join(CATALOG_FILE);
    match read(&path, "违法类型目录文件", "catalog file")? {
        None => Ok(Catalog::embedded().clone()),
        Some(text) => Catalog::embedded().with_override(&text).map_err(|e| {
            AppError::invalid(
                format!("违法类型目录文件 {} 格式有误：{e}", path.display()),
                format!("the catalog file {} is invalid: {e}", path.display()),
            )
        }),
    }
}
