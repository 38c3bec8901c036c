//! CaseDesk's papers: the documents and exports that leave the desk as files: the inbox and the
//! whitelist as Excel workbooks ([`xlsx`]) and the permit desk's one-time notice as PDF
//! ([`notice`], typst); the printed letters (责令整改通知书, 抄告函) will live
//! here too. The crate writes files from rows it is given and reads no cache itself, so the
//! window, the CLI and the benchmark produce the same file from the same query.
//!
//! Its own crate rather than a module of `casedesk-app`: the spreadsheet writer (and its zip
//! and temporary-file dependencies) is built and tested on its own, and the services crate stays
//! about the rules.

pub mod notice;
pub mod text;
pub mod xlsx;

pub use notice::{NoticeError, NoticeItem, OneTimeNotice, Typesetter};
pub use xlsx::{Column, InboxWorkbook, ListWorkbook, PapersError, COLUMNS, SHEET_ROWS};
