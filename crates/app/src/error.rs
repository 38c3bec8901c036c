//! The one error type the window and the CLI see: a machine code and a message (key and
//! parameters, rendered in either language from the catalogues) saying what went wrong and what
//! to do.

use casedesk_domain::permit::{LimitError, VehicleError};
use casedesk_domain::text::TextError;
use casedesk_domain::whitelist::WhitelistError;
use casedesk_domain::{TransitionError, UndoRefusal};
use casedesk_store::{EvidenceError, StoreError, WhitelistStoreError};
use serde::Serialize;
use ts_rs::TS;

use crate::message::{Lang, Message, MessageKey, Param};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    NotFound,
    RefusedTransition,
    NotClaimant,
    OutsideJurisdiction,
    Whitelisted,
    DeadlinePast,
    ReasonRequired,
    InvalidInput,
    FileUnreadable,
    FileTooLarge,
    FileTypeMismatch,
    /// A file the user did not choose in the dialog or drop on the window (or chose too long ago).
    FileNotGranted,
    DatabaseLocked,
    DatabaseNewer,
    Storage,
    /// The hub cannot be reached; try again later (nothing was lost).
    Offline,
    /// Wrong user name or password.
    BadCredentials,
    /// Not signed in, or the hub ended the session: sign in again.
    SignInRequired,
    /// The hub refused the request (its reason in the message).
    HubRefused,
    /// The hub answered something this version cannot read.
    HubProtocol,
    /// The OS keyring (or the token file) cannot be used.
    Keyring,
}

/// What went wrong, as a code for programs and a message (key and parameters) that the window
/// and the CLI render from the language's catalogue (see [`crate::message`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{}", message.render(Lang::En))]
#[ts(export)]
pub struct AppError {
    pub code: ErrorCode,
    pub message: Message,
}

impl AppError {
    pub fn new(code: ErrorCode, key: MessageKey) -> AppError {
        AppError {
            code,
            message: Message::new(key),
        }
    }

    pub fn invalid(key: MessageKey) -> AppError {
        AppError::new(ErrorCode::InvalidInput, key)
    }

    /// Adds a parameter of the message.
    /// A lock left poisoned by a panic: nothing the user did, nothing to fix but a restart.
    pub fn internal() -> AppError {
        AppError::new(ErrorCode::Storage, MessageKey::Internal)
    }

    pub fn with(mut self, name: &'static str, value: impl Into<Param>) -> AppError {
        self.message = self.message.with(name, value);
        self
    }

    /// The message in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        self.message.render(lang)
    }
}

impl From<TextError> for AppError {
    fn from(e: TextError) -> AppError {
        match e {
            TextError::Empty { field } => {
                AppError::invalid(MessageKey::TextEmpty).with("field", field)
            }
            TextError::TooLong { field, len, max } => AppError::invalid(MessageKey::TextTooLong)
                .with("field", field)
                .with("len", len)
                .with("max", max),
            TextError::ControlCharacter { field, code } => {
                AppError::invalid(MessageKey::TextControlCharacter)
                    .with("field", field)
                    .with("char_code", format!("{code:04X}"))
            }
        }
    }
}

impl From<TransitionError> for AppError {
    fn from(e: TransitionError) -> AppError {
        use MessageKey as K;
        use TransitionError as T;
        match e {
            T::NotAllowed { from, action, role } => {
                AppError::new(ErrorCode::RefusedTransition, K::NotAllowed)
                    .with("status", from)
                    .with("role", role)
                    .with("action", action)
            }
            T::NotClaimant { claimant, .. } => {
                AppError::new(ErrorCode::NotClaimant, K::NotClaimant).with("claimant", claimant)
            }
            T::OutsideJurisdiction { order_county, .. } => {
                // A county's name is a place name: data, the same in both languages.
                let name = casedesk_domain::Divisions::embedded()
                    .county(&order_county)
                    .map(|(_, c)| c.name.clone())
                    .unwrap_or(order_county);
                AppError::new(ErrorCode::OutsideJurisdiction, K::OutsideJurisdiction)
                    .with("county", name)
            }
            T::Whitelisted { plate, kind } => AppError::new(ErrorCode::Whitelisted, K::Whitelisted)
                .with("plate", plate)
                .with("kind", kind),
            T::NotWhitelisted { plate } => {
                AppError::invalid(K::NotWhitelisted).with("plate", plate)
            }
            T::Text(t) => t.into(),
            T::DateInPast { date, today } => AppError::new(ErrorCode::DeadlinePast, K::DateInPast)
                .with("date", date)
                .with("today", today),
            T::DateTooFar { date, latest } => AppError::invalid(K::DateTooFar)
                .with("date", date)
                .with("latest", latest),
            T::NoRectificationRecorded => {
                AppError::new(ErrorCode::RefusedTransition, K::NoRectificationRecorded)
            }
            T::MethodHasOwnAction { method } => AppError::invalid(if method == "interception" {
                K::InterceptionHasOwnAction
            } else {
                K::NoticeHasOwnAction
            }),
            T::UnknownCounty { code } => {
                AppError::invalid(K::UnknownCounty).with("county_code", code)
            }
        }
    }
}

impl From<UndoRefusal> for AppError {
    fn from(e: UndoRefusal) -> AppError {
        let key = match e {
            UndoRefusal::NoClaim => MessageKey::UndoNoClaim,
            UndoRefusal::AlreadySent => MessageKey::UndoAlreadySent,
            UndoRefusal::ChangedSince => MessageKey::UndoChangedSince,
        };
        AppError::new(ErrorCode::RefusedTransition, key)
    }
}

impl From<VehicleError> for AppError {
    fn from(e: VehicleError) -> AppError {
        use MessageKey as K;
        match e {
            VehicleError::Zero { measure } => {
                AppError::invalid(K::PermitDimensionZero).with("measure", measure)
            }
            VehicleError::Absurd {
                measure,
                value,
                max,
            } => AppError::invalid(K::PermitDimensionAbsurd)
                .with("measure", measure)
                .with("value", value)
                .with("max", max)
                .with("unit", measure.unit()),
            VehicleError::AxleCount { axles, min, max } => AppError::invalid(K::PermitAxleCount)
                .with("axles", axles)
                .with("min", min)
                .with("max", max),
            VehicleError::SingleTyreAxles {
                single_tyre_axles,
                axles,
            } => AppError::invalid(K::PermitSingleTyreAxles)
                .with("single_tyre_axles", single_tyre_axles)
                .with("axles", axles),
            VehicleError::NotMetres { text } => {
                AppError::invalid(K::PermitNotMetres).with("text", text)
            }
            VehicleError::NotKilograms { text } => {
                AppError::invalid(K::PermitNotKilograms).with("text", text)
            }
        }
    }
}

impl From<casedesk_wire::AssessError> for AppError {
    fn from(e: casedesk_wire::AssessError) -> AppError {
        match e {
            casedesk_wire::AssessError::Vehicle(e) => e.into(),
            casedesk_wire::AssessError::Limit(e) => e.into(),
        }
    }
}

impl From<LimitError> for AppError {
    fn from(e: LimitError) -> AppError {
        use MessageKey as K;
        match e {
            LimitError::NoMassLimit {
                axles,
                configuration,
            } => AppError::invalid(K::PermitNoMassLimit)
                .with("axles", axles)
                .with("configuration", configuration),
            LimitError::ReductionExceedsLimit {
                base_kg,
                single_tyre_axles,
            } => AppError::invalid(K::PermitReductionExceedsLimit)
                .with("base_kg", base_kg)
                .with("single_tyre_axles", single_tyre_axles),
        }
    }
}

impl From<WhitelistError> for AppError {
    fn from(e: WhitelistError) -> AppError {
        use MessageKey as K;
        use WhitelistError as W;
        match e {
            W::NotSupervisor => {
                AppError::new(ErrorCode::RefusedTransition, K::WhitelistNotSupervisor)
            }
            W::WrongStatus { action, .. } => AppError::new(
                ErrorCode::RefusedTransition,
                match action {
                    "approved" | "declined" => K::WhitelistNoProposal,
                    _ => K::WhitelistNothingToRevoke,
                },
            ),
            W::AlreadyListed { plate } => {
                AppError::invalid(K::WhitelistAlreadyListed).with("plate", plate)
            }
            W::NotAddable { kind } => AppError::invalid(K::WhitelistNotAddable).with("kind", kind),
            W::EventDetailsRequired => AppError::invalid(K::WhitelistEventDetailsRequired),
            W::EndsBeforeItBegins { from, until } => {
                AppError::invalid(K::WhitelistEndsBeforeBegins)
                    .with("from", from)
                    .with("until", until)
            }
            W::DateOutOfRange { date, .. } => {
                AppError::invalid(K::WhitelistDateOutOfRange).with("date", date)
            }
            W::Text(t) => t.into(),
        }
    }
}

impl From<WhitelistStoreError> for AppError {
    fn from(e: WhitelistStoreError) -> AppError {
        match e {
            WhitelistStoreError::Refused(w) => w.into(),
            WhitelistStoreError::Store(s) => s.into(),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        use MessageKey as K;
        // The underlying error (SQLite's or the OS's words) is shown as detail, as it is.
        let detail = e.to_string();
        match e {
            StoreError::Refused(t) => t.into(),
            StoreError::CannotUndo(u) => u.into(),
            StoreError::OrderNotFound(key) => {
                AppError::new(ErrorCode::NotFound, K::OrderNotFound).with("key", key)
            }
            StoreError::FilterNotFound(name) => {
                AppError::new(ErrorCode::NotFound, K::FilterNotFound).with("name", name)
            }
            StoreError::RefusalNotFound(seq) => {
                AppError::new(ErrorCode::NotFound, K::RefusalNotFound).with("seq", seq)
            }
            StoreError::NotRedoable(seq) => {
                AppError::invalid(K::RefusalNotRedoable).with("seq", seq)
            }
            StoreError::Locked => AppError::new(ErrorCode::DatabaseLocked, K::DatabaseLocked),
            StoreError::NewerSchema { .. } => {
                AppError::new(ErrorCode::DatabaseNewer, K::DatabaseNewer)
            }
            _ => AppError::new(ErrorCode::Storage, K::StorageFailed).with("detail", detail),
        }
    }
}

impl From<EvidenceError> for AppError {
    fn from(e: EvidenceError) -> AppError {
        use MessageKey as K;
        let detail = e.to_string();
        match e {
            EvidenceError::Unreadable { path, .. } | EvidenceError::NotAFile { path } => {
                AppError::new(ErrorCode::FileUnreadable, K::FileUnreadable)
                    .with("path", path.display().to_string())
            }
            EvidenceError::TooLarge { path, limit, .. } => {
                AppError::new(ErrorCode::FileTooLarge, K::FileTooLarge)
                    .with("path", path.display().to_string())
                    .with("limit_mb", limit / (1024 * 1024))
            }
            EvidenceError::TypeMismatch { path, ext } => {
                AppError::new(ErrorCode::FileTypeMismatch, K::FileTypeMismatch)
                    .with("path", path.display().to_string())
                    .with("ext", ext)
            }
            EvidenceError::Unsupported { path } => {
                AppError::new(ErrorCode::FileTypeMismatch, K::FileUnsupported)
                    .with("path", path.display().to_string())
            }
            EvidenceError::Write(_) => {
                AppError::new(ErrorCode::Storage, K::EvidenceWriteFailed).with("detail", detail)
            }
        }
    }
}
