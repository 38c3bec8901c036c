//! What can go wrong reading a submitted file: each case says which file and what to do.

use std::io;
use std::path::PathBuf;

use thiserror::Error;

use crate::kind::MediaKind;

#[derive(Debug, Error)]
pub enum MediaError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("{path} is empty")]
    Empty { path: PathBuf },
    #[error("{path} is {size} bytes, over the limit of {limit} bytes for a {kind}")]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
        kind: MediaKind,
    },
    #[error("{path} is not a JPEG, PNG, PDF, MP4 or MOV file (its first bytes say so)")]
    UnknownKind { path: PathBuf },
    /// The name or the material says one kind and the bytes another (a "video" that is text).
    #[error("{path} should be a {claimed} but its bytes are {}", found.map(|k| k.name()).unwrap_or("of no known kind"))]
    NotWhatItClaims {
        path: PathBuf,
        claimed: MediaKind,
        found: Option<MediaKind>,
    },
    /// An MP4/MOV whose boxes run past the end of the file, or without its index (`moov`).
    #[error("{path} is a cut-off video: {detail}")]
    Truncated { path: PathBuf, detail: String },
    #[error("{path} cannot be decoded as a {kind}: {detail}")]
    Undecodable {
        path: PathBuf,
        kind: MediaKind,
        detail: String,
    },
    /// ffmpeg/ffprobe missing, failing, or running too long.
    #[error("{program} failed on {path}: {detail}")]
    Tool {
        program: &'static str,
        path: PathBuf,
        detail: String,
    },
    #[error("{program} took longer than {seconds} s on {path} and was stopped")]
    TimedOut {
        program: &'static str,
        path: PathBuf,
        seconds: u64,
    },
}
