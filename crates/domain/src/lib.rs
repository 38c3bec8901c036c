//! CaseDesk's domain: the pure types and rules of credit-based road-transport enforcement in
//! Henan, with no I/O. The work-order state machine (one table of allowed transitions per role)
//! and the one function that applies an action to an order ([`lifecycle::apply`]), the clocks
//! that say whose turn it is, the violation catalog, Henan's jurisdictions, working-day
//! deadlines over the official holiday calendar, credit codes, interceptions and the whitelist,
//! the permit desk's rules for oversized transport ([`permit`]), and what each role may do
//! besides acting on orders ([`rights`]).
//! Everything the desk, the CLI and the hub must agree on lives here, so that they cannot
//! disagree.

pub mod action;
pub mod calendar;
pub mod catalog;
pub mod clock;
pub mod credit;
pub mod credit_id;
pub mod evidence;
pub mod handling;
pub mod industry;
pub mod interception;
pub mod jurisdiction;
pub mod lifecycle;
pub mod permit;
pub mod plate;
pub mod return_reason;
pub mod rights;
pub mod text;
pub mod whitelist;
pub mod withdrawal;
pub mod work_order;

pub use action::{EvidenceRef, OrderAction};
pub use calendar::{CalendarError, WorkingCalendar};
pub use catalog::{Catalog, ClockPolicy, HandlingPath, ResponseTime, Violation};
pub use clock::{Clock, ClockOwner, Due, TimeLeft};
pub use credit::CreditCode;
pub use evidence::{EvidenceKind, ACCEPTED_KINDS};
pub use handling::HandlingMethod;
pub use industry::Industry;
pub use interception::InterceptionOutcome;
pub use jurisdiction::{City, County, Divisions};
pub use lifecycle::history::{replay, HistoryStep, Replayed};
pub use lifecycle::{apply, Actor, Applied, OrderEvent, OrderState, Outcome, Situation};
pub use return_reason::ReturnReason;
pub use rights::Rights;
pub use text::{TextError, TextField};
pub use whitelist::{WhitelistEntry, WhitelistKind, WhitelistStatus};
pub use withdrawal::{withdraw_claim, LatestClaim, UndoRefusal};
pub use work_order::{ActionKind, ClueSource, Role, Status, TransitionError};
