use std::io;
use std::path::PathBuf;

use casedesk_domain::{TransitionError, UndoRefusal};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("cannot open the cache at {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("the cache at {path} was written by a newer CaseDesk (schema {found}, this version knows {known}); update CaseDesk")]
    NewerSchema {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("cannot make {path} private to its user: {source}")]
    Access { path: PathBuf, source: io::Error },
    #[error("the cache at {path} cannot use write-ahead logging (journal mode stays {mode})")]
    NotWal { path: PathBuf, mode: String },
    #[error("the cache is locked by another CaseDesk process; close it and try again")]
    Locked,
    #[error("migration {version} failed: {source}")]
    Migration {
        version: i64,
        source: rusqlite::Error,
    },
    #[error("work order {0} not found")]
    OrderNotFound(String),
    #[error("no saved filter is named {0}")]
    FilterNotFound(String),
    #[error("no refused action {0} waits for a decision")]
    RefusalNotFound(i64),
    #[error("refused action {0} is not a work-order action and cannot be done again here")]
    NotRedoable(i64),
    #[error(transparent)]
    Refused(#[from] TransitionError),
    #[error(transparent)]
    CannotUndo(#[from] UndoRefusal),
    #[error("the hub sent an order of violation {0}, which this desk's catalog does not know; update CaseDesk or its catalog")]
    UnknownViolation(String),
    #[error("another sync moved the checkpoint from {expected} to {found}; sync again")]
    CheckpointMoved { expected: i64, found: i64 },
    #[error("not signed in to a hub")]
    NotSignedIn,
    #[error("corrupt record: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Sql(rusqlite::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            if matches!(
                f.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            ) {
                return StoreError::Locked;
            }
        }
        StoreError::Sql(e)
    }
}
