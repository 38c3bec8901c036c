//! Lists as Excel workbooks (导出Excel): Chinese headers, set column widths and a frozen header
//! row, one list per workbook ([`ListWorkbook`]). The inbox ([`InboxWorkbook`]) and the
//! whitelist are two such lists. Worksheets are written in constant-memory mode (each row goes
//! to a temporary file as soon as the next one starts), so a million-row export holds one row,
//! not the workbook. A sheet holds at most [`SHEET_ROWS`] rows; more continue on a further
//! sheet: 工单(2), ...

use std::path::{Path, PathBuf};

use casedesk_domain::CreditCode;
use casedesk_store::{InboxRow, StoreError};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::text::{owner_zh, time_left_zh};

/// Excel's rows per sheet (1 048 576) less the header row.
pub const SHEET_ROWS: u32 = 1_048_575;

/// A column's header and width (in characters).
pub type Column = (&'static str, f64);

/// The inbox's columns, in order.
pub const COLUMNS: [Column; 16] = [
    ("工单号", 20.0),
    ("状态", 10.0),
    ("车牌", 12.0),
    ("企业", 34.0),
    ("信用码", 8.0),
    ("违法类型", 30.0),
    ("线索类别", 10.0),
    ("行业", 14.0),
    ("县区", 10.0),
    ("地点", 30.0),
    ("检测时间", 17.0),
    ("当前责任方", 12.0),
    ("到期时间", 17.0),
    ("剩余时限", 18.0),
    ("认领人", 10.0),
    ("白名单", 8.0),
];

#[derive(Debug, thiserror::Error)]
pub enum PapersError {
    /// The spreadsheet could not be written (a temporary file, the zip).
    #[error("cannot write the workbook: {0}")]
    Xlsx(#[from] XlsxError),
    /// The finished file could not be put in its place.
    #[error("cannot save {path}: {source}")]
    Save {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Reading the rows failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A workbook being filled with one list's rows, one at a time, then saved.
pub struct ListWorkbook {
    book: Workbook,
    header: Format,
    /// The first sheet's name; further sheets add (2), (3), ...
    name: &'static str,
    columns: &'static [Column],
    sheet: usize,
    /// Rows written on the current sheet, header not counted.
    on_sheet: u32,
    rows: u64,
}

impl ListWorkbook {
    pub fn new(
        name: &'static str,
        columns: &'static [Column],
    ) -> Result<ListWorkbook, PapersError> {
        let mut w = ListWorkbook {
            book: Workbook::new(),
            header: Format::new().set_bold().set_background_color("#D9E1F2"),
            name,
            columns,
            sheet: 0,
            on_sheet: 0,
            rows: 0,
        };
        w.add_sheet()?;
        Ok(w)
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    fn add_sheet(&mut self) -> Result<(), XlsxError> {
        let index = self.book.worksheets_mut().len();
        let sheet = self.book.add_worksheet_with_constant_memory()?;
        sheet.set_name(if index == 0 {
            self.name.to_string()
        } else {
            format!("{}({})", self.name, index + 1)
        })?;
        // Widths and the frozen header first: a constant-memory sheet writes rows as it goes.
        for (col, (title, width)) in self.columns.iter().enumerate() {
            sheet.set_column_width(col as u16, *width)?;
            sheet.write_string_with_format(0, col as u16, *title, &self.header)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        self.sheet = index;
        self.on_sheet = 0;
        Ok(())
    }

    /// Appends one row, a text per column; an empty text leaves its cell empty.
    pub fn push(&mut self, cells: &[&str]) -> Result<(), PapersError> {
        debug_assert_eq!(cells.len(), self.columns.len());
        if self.on_sheet == SHEET_ROWS {
            self.add_sheet()?;
        }
        let row = self.on_sheet + 1;
        let sheet = self.book.worksheet_from_index(self.sheet)?;
        for (col, text) in cells.iter().enumerate() {
            if !text.is_empty() {
                sheet.write_string(row, col as u16, *text)?;
            }
        }
        self.on_sheet += 1;
        self.rows += 1;
        Ok(())
    }

    /// Writes the file: first beside its destination, then renamed over it, so a failed export
    /// never leaves half a workbook under the name the user chose.
    pub fn save(mut self, path: &Path) -> Result<u64, PapersError> {
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".part");
        let tmp = PathBuf::from(tmp);
        let saved = self
            .book
            .save(&tmp)
            .map_err(PapersError::from)
            .and_then(|()| {
                std::fs::rename(&tmp, path).map_err(|source| PapersError::Save {
                    path: path.to_path_buf(),
                    source,
                })
            });
        if saved.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        saved.map(|()| self.rows)
    }
}

/// The inbox as a workbook: the sheet 工单, of [`COLUMNS`].
pub struct InboxWorkbook(ListWorkbook);

impl InboxWorkbook {
    pub fn new() -> Result<InboxWorkbook, PapersError> {
        ListWorkbook::new("工单", &COLUMNS).map(InboxWorkbook)
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.0.rows()
    }

    /// Appends one order.
    pub fn push(&mut self, r: &InboxRow) -> Result<(), PapersError> {
        let enterprise = if r.licensed {
            r.enterprise_name.as_str()
        } else {
            "无经营许可"
        };
        let credit = match r.credit_code {
            Some(CreditCode::Red) => "红码",
            Some(CreditCode::Yellow) => "黄码",
            Some(CreditCode::Green) => "绿码",
            None => "—",
        };
        let category = match r.clue_category {
            1 => "第一类",
            2 => "第二类",
            3 => "第三类",
            _ => "—",
        };
        let time_left = time_left_zh(r.time_left);
        self.0.push(&[
            &r.order_no,
            r.status.name_zh(),
            &r.plate,
            enterprise,
            credit,
            &r.violation_name,
            category,
            r.industry.name_zh(),
            &r.county_name,
            &r.place,
            &r.detected_at,
            owner_zh(r.clock_owner),
            r.due_at.as_deref().unwrap_or("—"),
            &time_left,
            r.claimed_by.as_deref().unwrap_or(""),
            if r.whitelisted { "是" } else { "" },
        ])
    }

    /// Writes the file (see [`ListWorkbook::save`]).
    pub fn save(self, path: &Path) -> Result<u64, PapersError> {
        self.0.save(path)
    }
}
