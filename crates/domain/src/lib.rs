//! CaseDesk's domain: the pure types and rules of credit-based road-transport enforcement in
//! Henan, with no I/O. The work-order state machine (one table of allowed transitions per role),
//! the violation catalog, Henan's jurisdictions, working-day deadlines over the official holiday
//! calendar, credit codes and the interception whitelist. Everything the desk, the CLI and (later)
//! the hub must agree on lives here, so that they cannot disagree.

pub mod action;
pub mod calendar;
pub mod catalog;
pub mod credit;
pub mod handling;
pub mod industry;
pub mod jurisdiction;
pub mod plate;
pub mod whitelist;
pub mod work_order;

pub use action::{decide, EvidenceRef, OrderAction, OrderFacts};
pub use calendar::{CalendarError, WorkingCalendar};
pub use catalog::{Catalog, Violation};
pub use credit::CreditCode;
pub use handling::HandlingMethod;
pub use industry::Industry;
pub use jurisdiction::{City, County, Divisions};
pub use work_order::{ActionKind, ClueSource, Role, Status, TransitionError};
