//! What can go wrong talking to the hub, sorted by what the desk should do about it.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum SyncError {
    /// No answer: no network, the hub down, a timeout. Try again later; nothing was lost.
    #[error("the hub at {url} cannot be reached: {reason}")]
    Offline { url: String, reason: String },
    /// The user name or password was wrong (the hub's own messages).
    #[error("{message_en}")]
    BadCredentials {
        message_zh: String,
        message_en: String,
    },
    /// The session ended (the refresh token expired, was revoked or used elsewhere): sign in again.
    #[error("the session with the hub has ended; sign in again")]
    Unauthorized,
    /// The hub answered with an error (`ErrorBody`): 4xx other than 401, or 5xx.
    #[error("the hub refused the request ({status} {code}): {message_en}")]
    Refused {
        status: u16,
        code: String,
        message_zh: String,
        message_en: String,
        /// Seconds to wait, from `Retry-After` (429).
        retry_after: Option<u64>,
    },
    /// The hub answered something this version cannot read.
    #[error("unexpected answer from the hub: {0}")]
    Protocol(String),
    /// The token could not be kept or read (keyring or token file).
    #[error("{message_en}")]
    TokenStore {
        message_zh: String,
        message_en: String,
    },
}

impl SyncError {
    /// Worth retrying later as it is: offline, or the hub's own trouble (5xx, 429).
    pub fn is_transient(&self) -> bool {
        match self {
            SyncError::Offline { .. } => true,
            SyncError::Refused { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }
}
