//! Evidence files in the window: which files the page may attach, and the stored bytes it may
//! show.
//!
//! **Granting.** The page never names a path the backend opens. A file becomes attachable only
//! when the user chooses it in the native dialog or drops it on the window: the shell (Rust)
//! hands those paths to [`FileGrants::offer`], which judges each file as the store would and
//! gives the accepted ones an opaque id for a short time ([`GRANT_TTL`]). The attach command
//! takes ids only ([`record_rectification_granted`]); an id that was never granted, or has
//! expired, refuses the whole record before anything is copied or written.
//!
//! **Serving.** [`EvidenceServer`] answers the window's `evidence:` URI scheme: by hash only,
//! only for hashes an order of this cache refers to or a held permit material, with the
//! recorded Content-Type and byte ranges (`crate::byte_range`; pdf.js reads large PDFs by
//! range). Anything else is 404; no path is ever built from
//! the request except through the hash check.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use casedesk_store::{EvidenceStore, Store};
use serde::Serialize;
use ts_rs::TS;

use crate::byte_range::{plan, served_type};
use crate::desk::Desk;
use crate::dto::OrderDetail;
use crate::error::{AppError, ErrorCode};
use crate::message::MessageKey;

/// How long a chosen or dropped file stays attachable: long enough to write the description,
/// short enough that an id the page kept cannot open the file later.
pub const GRANT_TTL: Duration = Duration::from_secs(30 * 60);

/// A file the user chose or dropped, as the window lists it: with an id to attach it by, or
/// the reason it is refused. Never its folder.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct OfferedFile {
    /// What the attach command takes; None when the file is refused.
    pub id: Option<String>,
    pub file_name: String,
    #[ts(type = "number | null")]
    pub size: Option<u64>,
    pub mime: Option<String>,
    /// Why the file cannot be attached (it names the file, not its folder).
    pub refusal: Option<AppError>,
}

/// Files dropped on the window, where they were dropped (CSS pixels of the page).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct DroppedFiles {
    pub x: f64,
    pub y: f64,
    pub files: Vec<OfferedFile>,
}

/// Paths the user granted by choosing or dropping them, under opaque ids.
#[derive(Debug, Default)]
pub struct FileGrants {
    granted: HashMap<String, (PathBuf, Instant)>,
}

impl FileGrants {
    /// Judges the files the user just chose or dropped and grants the accepted ones. Only the
    /// shell calls this, with paths from the native dialog or a drop event.
    pub fn offer(
        &mut self,
        evidence: &EvidenceStore,
        paths: Vec<PathBuf>,
        now: Instant,
    ) -> Vec<OfferedFile> {
        self.granted
            .retain(|_, (_, at)| now.duration_since(*at) < GRANT_TTL);
        paths
            .into_iter()
            .map(|path| match evidence.inspect(&path) {
                Ok(seen) => {
                    let id = format!("{:032x}", rand::random::<u128>());
                    self.granted.insert(id.clone(), (path, now));
                    OfferedFile {
                        id: Some(id),
                        file_name: seen.file_name,
                        size: Some(seen.size),
                        mime: Some(seen.mime.to_string()),
                        refusal: None,
                    }
                }
                Err(e) => OfferedFile {
                    id: None,
                    file_name: path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    size: None,
                    mime: None,
                    refusal: Some(e.by_file_name().into()),
                },
            })
            .collect()
    }

    /// The paths behind these ids, in their order; refused as a whole if any id was not granted
    /// or has expired.
    pub fn paths(&self, ids: &[String], now: Instant) -> Result<Vec<PathBuf>, AppError> {
        ids.iter()
            .map(|id| match self.granted.get(id) {
                Some((path, at)) if now.duration_since(*at) < GRANT_TTL => Ok(path.clone()),
                _ => Err(AppError::new(
                    ErrorCode::FileNotGranted,
                    MessageKey::FileNotGranted,
                )),
            })
            .collect()
    }

    /// Ends the grants of files that were attached.
    pub fn release(&mut self, ids: &[String]) {
        for id in ids {
            self.granted.remove(id);
        }
    }
}

/// The window's 记录整改: attaches only granted files (by id), checks the action before copying,
/// copies without holding the desk (a 50 MB copy must not stall the order's reads), records,
/// then ends the grants.
pub fn record_rectification_granted(
    desk: &Mutex<Desk>,
    grants: &Mutex<FileGrants>,
    id: i64,
    description: &str,
    file_ids: &[String],
) -> Result<OrderDetail, AppError> {
    let files = grants
        .lock()
        .map_err(|_| AppError::internal())?
        .paths(file_ids, Instant::now())?;
    let evidence = desk
        .lock()
        .map_err(|_| AppError::internal())?
        .evidence_for_rectification(id, description)?;
    let refs = evidence
        .import_all(&files)
        .map_err(|e| AppError::from(e.by_file_name()))?;
    let detail = desk
        .lock()
        .map_err(|_| AppError::internal())?
        .record_rectification_with(id, description, refs)?;
    grants
        .lock()
        .map_err(|_| AppError::internal())?
        .release(file_ids);
    Ok(detail)
}

/// One attached file with who attached it and when (from its timeline entry).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AttachedEvidence {
    pub hash: String,
    pub file_name: String,
    #[ts(type = "number")]
    pub size: u64,
    pub mime: String,
    pub attached_at: String,
    pub attached_by: String,
}

impl Desk {
    /// The evidence store, which judges chosen and dropped files with the rules of the import.
    pub fn evidence_store(&self) -> EvidenceStore {
        self.evidence.clone()
    }

    /// Every file attached to the order, oldest first; the same bytes attached twice (in two
    /// records) are listed twice, once per record.
    pub fn order_evidence(&self, id: i64) -> Result<Vec<AttachedEvidence>, AppError> {
        let timeline = self.store.timeline(id)?;
        if timeline.is_empty() {
            // An unknown order is an error, not an empty list.
            self.store.order(id, self.now(), &self.calendar)?;
        }
        Ok(timeline
            .into_iter()
            .flat_map(|e| {
                let (at, by) = (e.at, e.actor);
                e.evidence.into_iter().map(move |f| AttachedEvidence {
                    hash: f.hash,
                    file_name: f.file_name,
                    size: f.size,
                    mime: f.mime,
                    attached_at: at.clone(),
                    attached_by: by.clone(),
                })
            })
            .collect())
    }

    /// Copies stored bytes out to `dest` (`casedesk-cli evidence export`), checking them against
    /// their hash on the way.
    pub fn export_evidence(&self, hash: &str, dest: &std::path::Path) -> Result<u64, AppError> {
        let unknown =
            || AppError::new(ErrorCode::NotFound, MessageKey::EvidenceNotFound).with("hash", hash);
        if self.store.evidence_mime(hash)?.is_none() {
            return Err(unknown());
        }
        let mut src = self
            .evidence
            .open_stored(hash)
            .map_err(|e| storage(&e))?
            .ok_or_else(unknown)?;
        let mut bytes = Vec::new();
        src.read_to_end(&mut bytes).map_err(|e| storage(&e))?;
        let actual = casedesk_store::evidence::hash_of(&bytes);
        if actual != hash {
            return Err(
                AppError::new(ErrorCode::Storage, MessageKey::EvidenceDamaged).with("hash", hash),
            );
        }
        std::fs::write(dest, &bytes).map_err(|e| {
            AppError::new(ErrorCode::Storage, MessageKey::ExportSaveFailed)
                .with("path", dest.display().to_string())
                .with("detail", e.to_string())
        })?;
        Ok(bytes.len() as u64)
    }

    /// A server for the window's `evidence:` scheme, on a read-only connection of its own.
    pub fn evidence_server(&self) -> Result<EvidenceServer, AppError> {
        Ok(EvidenceServer {
            store: Store::open_reader(self.store.path())?,
            files: self.evidence.clone(),
        })
    }
}

fn storage(e: &std::io::Error) -> AppError {
    AppError::new(ErrorCode::Storage, MessageKey::EvidenceReadFailed).with("detail", e.to_string())
}

/// An HTTP answer for the `evidence:` scheme, built without a window so it can be tested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    pub status: u16,
    pub content_type: &'static str,
    /// `Content-Range` for 206 and 416 answers.
    pub content_range: Option<String>,
    pub body: Vec<u8>,
}

impl Served {
    fn status_only(status: u16) -> Served {
        Served {
            status,
            content_type: "text/plain",
            content_range: None,
            body: Vec::new(),
        }
    }
}

/// Answers the window's requests for stored evidence.
pub struct EvidenceServer {
    store: Store,
    files: EvidenceStore,
}

impl EvidenceServer {
    /// `path` is the request's path (`/<sha256>`), `range` its `Range` header. Only a hash that
    /// an order of this cache names, or a held permit material, is served; anything else is 404.
    pub fn answer(&self, path: &str, range: Option<&str>) -> Served {
        let hash = path.strip_prefix('/').unwrap_or(path);
        if !casedesk_store::evidence::is_hash(hash) {
            return Served::status_only(404);
        }
        let mime = match self.store.served_mime(hash) {
            Ok(Some(m)) => m,
            Ok(None) => return Served::status_only(404),
            Err(_) => return Served::status_only(500),
        };
        let content_type = served_type(&mime);
        match self.files.open_stored(hash) {
            Ok(Some(f)) => read_answer(f, content_type, range).unwrap_or(Served::status_only(500)),
            Ok(None) => Served::status_only(404),
            Err(_) => Served::status_only(500),
        }
    }
}

/// The whole answer in memory (the `evidence:` scheme hands the webview a body, not a stream).
fn read_answer(
    mut f: File,
    content_type: &'static str,
    range: Option<&str>,
) -> std::io::Result<Served> {
    let size = f.metadata()?.len();
    let plan = plan(range, size);
    f.seek(SeekFrom::Start(plan.first))?;
    let mut body = vec![0u8; plan.len as usize];
    f.read_exact(&mut body)?;
    Ok(Served {
        status: plan.status,
        content_type,
        content_range: plan.content_range,
        body,
    })
}
