//! CaseDesk's application services: one function per user action on [`Desk`], each returning a
//! serializable DTO (whose TypeScript twin ts-rs writes to `ui/src/bindings`). The Tauri
//! commands, the `casedesk-cli` binary and the tests all call these, so there is one
//! implementation of every action and it runs without a window.

pub mod demo;
mod desk;
mod dto;
mod error;
mod reader;

pub use desk::{default_data_dir, load_calendar, Clock, Desk, Profile};
pub use dto::{DemoSummary, DeskStatus, OrderDetail};
pub use error::{AppError, ErrorCode};
pub use reader::InboxReader;

pub use casedesk_domain::{HandlingMethod, Violation};
pub use casedesk_store::inbox::InboxPage;
pub use casedesk_store::{DueFilter, InboxCount, InboxFilter, InboxRow, OutboxEntry, SortKey};
pub use chrono::{NaiveDate, NaiveDateTime};
