//! Permit applications' materials at the desk (远程审核): each file is downloaded from the hub by
//! its hash into the evidence store, so review works offline. A download cut short (the network
//! gone, the app closed) continues from the bytes kept with `Range: bytes=N-`; the bytes are
//! checked against their SHA-256 before they enter the store, and wrong bytes are discarded with
//! nothing kept. A held photo or video is then read with casedesk-media (metadata, no EXIF,
//! cuts) and fingerprinted under the hub's application id, so a file handed in again with a
//! later application names the earlier one. How far each application's download is stands in a
//! [`MaterialProgress`] that the window reads (and is told of) while the work goes on.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use casedesk_domain::permit::MaterialFileKind;
use casedesk_media::index::MatchHow;
use casedesk_media::inspect::{inspect, Facts, Finding};
use casedesk_media::{Limits, MediaKind};
use casedesk_store::{DownloadError, MaterialFileRow, MediaFingerprintRow};
use casedesk_sync::{DownloadStart, HubClient, SyncError};
use casedesk_wire::{ApplicationChange, MaterialFile};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::desk::Desk;
use crate::error::{AppError, ErrorCode};
use crate::media_check::{matches_of, media_error};
use crate::message::{Lang, MessageKey};
use crate::permit_day::{
    application_not_found, service_point_name, ApplicationView, PresentMaterial,
};
use crate::sync::runtime;

/// Where one application's materials stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FetchState {
    /// Waiting for the fetcher.
    Queued,
    Fetching,
    /// Every file is held (or was refused: see `refusals`).
    Done,
    /// Stopped before the end (offline, signed out); the next attempt continues.
    Stopped,
}

/// A file that could not be taken: the hub refused it, or its bytes did not match their hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MaterialRefusal {
    pub file_name: String,
    pub sha256: String,
    pub error: AppError,
}

/// One application's download, as the review screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ApplicationFetch {
    pub application_id: String,
    pub state: FetchState,
    pub files_total: u32,
    pub files_held: u32,
    #[ts(type = "number")]
    pub bytes_total: u64,
    /// Bytes held or downloaded so far (a resumed file counts what was kept).
    #[ts(type = "number")]
    pub bytes_done: u64,
    /// The file being downloaded.
    pub current: Option<String>,
    pub refusals: Vec<MaterialRefusal>,
    /// Why the download stopped (state `stopped`).
    pub error: Option<AppError>,
}

/// How far back the fetch after a sync looks: an application older than this is past its time
/// limit; opening its review still fetches its files.
pub const RECENT_DAYS: i64 = 30;

type OnChange = Arc<dyn Fn(&ApplicationFetch) + Send + Sync>;

/// The downloads' progress per application, shared between the fetcher (which writes it) and
/// the window (which reads it, and is told of changes at most a few times a second).
#[derive(Clone, Default)]
pub struct MaterialProgress {
    inner: Arc<Mutex<ProgressInner>>,
    on_change: Option<OnChange>,
}

#[derive(Default)]
struct ProgressInner {
    apps: BTreeMap<String, ApplicationFetch>,
    last_told: Option<Instant>,
}

/// How often byte counts are told while a file comes in.
const TELL_EVERY: Duration = Duration::from_millis(200);

impl MaterialProgress {
    /// Progress that calls `on_change` when an application's download changes.
    pub fn with_listener(on_change: impl Fn(&ApplicationFetch) + Send + Sync + 'static) -> Self {
        MaterialProgress {
            inner: Default::default(),
            on_change: Some(Arc::new(on_change)),
        }
    }

    pub fn of(&self, application_id: &str) -> Option<ApplicationFetch> {
        self.inner
            .lock()
            .ok()
            .and_then(|g| g.apps.get(application_id).cloned())
    }

    /// Changes an application's entry (created empty when missing) and tells the listener;
    /// `bytes_only` changes are told at most every [`TELL_EVERY`].
    fn update(
        &self,
        application_id: &str,
        bytes_only: bool,
        f: impl FnOnce(&mut ApplicationFetch),
    ) {
        let told = {
            let Ok(mut g) = self.inner.lock() else {
                return;
            };
            let entry =
                g.apps
                    .entry(application_id.to_string())
                    .or_insert_with(|| ApplicationFetch {
                        application_id: application_id.to_string(),
                        state: FetchState::Queued,
                        files_total: 0,
                        files_held: 0,
                        bytes_total: 0,
                        bytes_done: 0,
                        current: None,
                        refusals: Vec::new(),
                        error: None,
                    });
            f(entry);
            let now_entry = entry.clone();
            let due = !bytes_only || g.last_told.is_none_or(|t| t.elapsed() >= TELL_EVERY);
            if due {
                g.last_told = Some(Instant::now());
                Some(now_entry)
            } else {
                None
            }
        };
        if let (Some(p), Some(tell)) = (told, &self.on_change) {
            tell(&p);
        }
    }

    /// Marks an application as waiting for the fetcher (unless it is being fetched).
    pub fn queued(&self, application_id: &str) {
        self.update(application_id, false, |a| {
            if a.state != FetchState::Fetching {
                a.state = FetchState::Queued;
                a.error = None;
            }
        });
    }
}

/// What happened to one file, for `casedesk-cli permit fetch-materials --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "status", rename_all = "snake_case")]
#[ts(export)]
pub enum FetchStatus {
    /// Held already (downloaded before, or with another application).
    Held,
    /// Downloaded now; `resumed_from` bytes had been kept from an earlier attempt.
    Downloaded {
        #[ts(type = "number")]
        resumed_from: u64,
    },
    Refused {
        error: AppError,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FetchedFile {
    pub application_id: String,
    pub material: String,
    pub file_name: String,
    pub sha256: String,
    #[ts(type = "number")]
    pub bytes: u64,
    #[serde(flatten)]
    pub status: FetchStatus,
}

/// What casedesk-media read from a held file, kept as JSON in `permit_material_files`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Reading {
    kind: MediaKind,
    facts: Facts,
    findings: Vec<Finding>,
    /// The fingerprint's hashes, so another application handing in the same bytes is
    /// fingerprinted without reading the file again.
    hashes: Vec<u64>,
}

/// Two-language text of an error kept in the cache (the error's own type is not stored).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct KeptError {
    message_zh: String,
    message_en: String,
}

impl KeptError {
    fn of(e: &AppError) -> KeptError {
        KeptError {
            message_zh: e.text(Lang::Zh),
            message_en: e.text(Lang::En),
        }
    }

    fn error(self) -> AppError {
        AppError::new(ErrorCode::FileUnreadable, MessageKey::KeptText)
            .with("message_zh", self.message_zh)
            .with("message_en", self.message_en)
    }
}

/// Another application that handed in the same file, or the same picture or footage: an
/// earlier one (this file was reused), or a later one (this file was reused there).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Repeat {
    pub application_id: String,
    /// When the other application came in, if it is in this cache (an indexed submission
    /// folder's reference is not).
    pub received_at: Option<String>,
    /// The other application came in before this one (an indexed folder counts as earlier).
    pub earlier: bool,
    pub material: String,
    pub file_name: String,
    pub sha256: String,
    pub how: MatchHow,
    /// The other application's service point, named when it is not this one's: the hub found
    /// the same file handed in elsewhere in the province.
    pub elsewhere: Option<String>,
}

/// One handed-in file as the review screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ReviewedMaterial {
    pub material: PresentMaterial,
    /// The bytes are in the cache (verified): the file can be shown.
    pub held: bool,
    pub kind: Option<MediaKind>,
    pub facts: Option<Facts>,
    pub findings: Vec<Finding>,
    /// The file is held but could not be read as what it claims to be.
    pub unreadable: Option<AppError>,
    pub repeats: Vec<Repeat>,
}

/// The review screen's data: the declaration with what the rules computed, and the materials.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ApplicationReview {
    pub application: ApplicationView,
    pub files: Vec<ReviewedMaterial>,
}

/// The media kind a material's recorded type says.
fn kind_of_mime(mime: &str) -> Option<MediaKind> {
    match MaterialFileKind::ALL.iter().find(|k| k.mime() == mime)? {
        MaterialFileKind::Jpeg | MaterialFileKind::Png => Some(MediaKind::Photo),
        MaterialFileKind::Mp4 => Some(MediaKind::Video),
        MaterialFileKind::Pdf => Some(MediaKind::Pdf),
    }
}

/// The files of an application, each hash once (in the order handed in).
fn distinct_files(app: &ApplicationChange) -> Vec<&MaterialFile> {
    let mut seen = Vec::new();
    app.materials
        .iter()
        .filter(|m| {
            let new = !seen.contains(&m.sha256.as_str());
            seen.push(m.sha256.as_str());
            new
        })
        .collect()
}

fn download_error(file_name: &str, e: DownloadError) -> AppError {
    match e {
        DownloadError::HashMismatch {
            expected, actual, ..
        } => AppError::new(
            ErrorCode::FileTypeMismatch,
            MessageKey::MaterialHashMismatch,
        )
        .with("file_name", file_name)
        .with("expected", expected)
        .with("actual", actual),
        DownloadError::WrongSize { expected, got, .. } => {
            AppError::new(ErrorCode::FileTypeMismatch, MessageKey::MaterialWrongSize)
                .with("file_name", file_name)
                .with("expected", expected)
                .with("got", got)
        }
        DownloadError::NotAHash(_) | DownloadError::Write(_) => {
            AppError::new(ErrorCode::Storage, MessageKey::MaterialSaveFailed)
                .with("file_name", file_name)
                .with("detail", e.to_string())
        }
    }
}

/// Why one file's download stopped.
enum Failure {
    /// This file only (the hub refused it, its bytes were wrong): reported, the rest go on.
    File(AppError),
    /// Nothing more can be fetched now (offline, signed out, the cache unwritable).
    Stop(AppError),
}

impl From<SyncError> for Failure {
    fn from(e: SyncError) -> Failure {
        let file_only = matches!(e, SyncError::Refused { .. }) && !e.is_transient();
        if file_only {
            Failure::File(e.into())
        } else {
            Failure::Stop(e.into())
        }
    }
}

impl From<casedesk_store::StoreError> for Failure {
    fn from(e: casedesk_store::StoreError) -> Failure {
        Failure::Stop(e.into())
    }
}

/// The hub client, made when the first file must be downloaded (holding everything needs no
/// sign-in).
struct HubSession {
    client: HubClient,
    account: String,
    rt: tokio::runtime::Runtime,
}

impl Desk {
    /// Downloads the materials of `application_id` (when None: of every application of the last
    /// [`RECENT_DAYS`] days that misses some) that the cache does not hold yet, verifies them, and reads and fingerprints each photo and
    /// video under its application. A file the hub refuses or whose bytes are wrong is reported
    /// and the rest go on; offline or signed out stops the work (what was downloaded is kept
    /// and the next call continues it).
    pub fn fetch_materials(
        &mut self,
        application_id: Option<&str>,
        progress: &MaterialProgress,
    ) -> Result<Vec<FetchedFile>, AppError> {
        let ids = match application_id {
            Some(id) => {
                if self.store.permit_application(id)?.is_none() {
                    return Err(application_not_found(id));
                }
                vec![id.to_string()]
            }
            None => {
                let since = self.today() - chrono::Duration::days(RECENT_DAYS);
                self.store
                    .applications_missing_materials(&since.format("%Y-%m-%d").to_string())?
            }
        };
        let mut hub: Option<HubSession> = None;
        let mut out = Vec::new();
        let mut stopped = None;
        for id in &ids {
            let Some(app) = self.store.permit_application(id)? else {
                continue;
            };
            match self.fetch_application(&app, &mut hub, progress, &mut out) {
                Ok(()) => {}
                Err(e) => {
                    stopped = Some(e);
                    break;
                }
            }
        }
        if let Some(h) = &mut hub {
            self.save_refreshed(&mut h.client, &h.account)?;
        }
        match stopped {
            Some(e) => Err(e),
            None => Ok(out),
        }
    }

    fn fetch_application(
        &mut self,
        app: &ApplicationChange,
        hub: &mut Option<HubSession>,
        progress: &MaterialProgress,
        out: &mut Vec<FetchedFile>,
    ) -> Result<(), AppError> {
        let id = app.application_id.as_str();
        let files = distinct_files(app);
        progress.update(id, false, |p| {
            p.state = FetchState::Fetching;
            p.files_total = files.len() as u32;
            p.files_held = 0;
            p.bytes_total = files.iter().map(|m| m.size).sum();
            p.bytes_done = 0;
            p.current = None;
            p.refusals.clear();
            p.error = None;
        });
        for m in files {
            let outcome = self.fetch_file(app, m, hub, progress);
            let status = match outcome {
                Ok(s) => {
                    progress.update(id, false, |p| {
                        p.files_held += 1;
                        p.current = None;
                    });
                    s
                }
                Err(Failure::File(error)) => {
                    progress.update(id, false, |p| {
                        p.current = None;
                        p.refusals.push(MaterialRefusal {
                            file_name: m.file_name.clone(),
                            sha256: m.sha256.clone(),
                            error: error.clone(),
                        });
                    });
                    FetchStatus::Refused { error }
                }
                Err(Failure::Stop(error)) => {
                    progress.update(id, false, |p| {
                        p.state = FetchState::Stopped;
                        p.current = None;
                        p.error = Some(error.clone());
                    });
                    return Err(error);
                }
            };
            out.push(FetchedFile {
                application_id: id.to_string(),
                material: m.material.clone(),
                file_name: m.file_name.clone(),
                sha256: m.sha256.clone(),
                bytes: m.size,
                status,
            });
        }
        progress.update(id, false, |p| p.state = FetchState::Done);
        Ok(())
    }

    fn fetch_file(
        &mut self,
        app: &ApplicationChange,
        m: &MaterialFile,
        hub: &mut Option<HubSession>,
        progress: &MaterialProgress,
    ) -> Result<FetchStatus, Failure> {
        let id = app.application_id.as_str();
        if self.evidence.holds(&m.sha256) {
            match self.store.material_file(&m.sha256)? {
                Some(row) => self.fingerprint_held(id, m, &row)?,
                // The same bytes attached to an order here (verified when imported): read them.
                None => self.record_held(id, m)?,
            }
            progress.update(id, false, |p| p.bytes_done += m.size);
            return Ok(FetchStatus::Held);
        }
        if hub.is_none() {
            let (client, account) = self.permit_hub().map_err(Failure::Stop)?;
            *hub = Some(HubSession {
                client,
                account,
                rt: runtime().map_err(Failure::Stop)?,
            });
        }
        let Some(h) = hub.as_mut() else {
            return Err(Failure::Stop(AppError::internal()));
        };
        progress.update(id, false, |p| p.current = Some(m.file_name.clone()));
        let resumed_from = self.download(h, id, m, progress)?;
        self.evidence
            .adopt_partial(&m.sha256, m.size)
            .map_err(|e| match e {
                DownloadError::Write(_) => Failure::Stop(download_error(&m.file_name, e)),
                other => Failure::File(download_error(&m.file_name, other)),
            })?;
        self.record_held(id, m)?;
        Ok(FetchStatus::Downloaded { resumed_from })
    }

    /// Brings the file's bytes into its partial file, continuing what was kept; returns how many
    /// bytes had been kept.
    fn download(
        &self,
        h: &mut HubSession,
        application_id: &str,
        m: &MaterialFile,
        progress: &MaterialProgress,
    ) -> Result<u64, Failure> {
        let store_failed = |e: DownloadError| Failure::Stop(download_error(&m.file_name, e));
        let io_failed = |e: std::io::Error| store_failed(DownloadError::Write(e));
        let mut kept = self.evidence.partial_len(&m.sha256).map_err(store_failed)?;
        if kept > m.size {
            // More than the file: not this file's bytes.
            self.evidence
                .discard_partial(&m.sha256)
                .map_err(store_failed)?;
            kept = 0;
        }
        let resumed_from = kept;
        progress.update(application_id, true, |p| p.bytes_done += kept);
        if kept == m.size {
            return Ok(resumed_from);
        }
        let mut restarted = false;
        loop {
            let start = h.rt.block_on(h.client.download_evidence(&m.sha256, kept))?;
            let (mut body, mut partial) = match start {
                DownloadStart::FromOffset(body) => (
                    body,
                    self.evidence
                        .open_partial(&m.sha256, false)
                        .map_err(store_failed)?,
                ),
                DownloadStart::Whole(body) => {
                    progress.update(application_id, true, |p| {
                        p.bytes_done = p.bytes_done.saturating_sub(kept)
                    });
                    (
                        body,
                        self.evidence
                            .open_partial(&m.sha256, true)
                            .map_err(store_failed)?,
                    )
                }
                DownloadStart::PastTheEnd { .. } if !restarted => {
                    // The hub's file is shorter than what was kept: begin again, once.
                    restarted = true;
                    self.evidence
                        .discard_partial(&m.sha256)
                        .map_err(store_failed)?;
                    progress.update(application_id, true, |p| {
                        p.bytes_done = p.bytes_done.saturating_sub(kept)
                    });
                    kept = 0;
                    continue;
                }
                DownloadStart::PastTheEnd { size } => {
                    return Err(Failure::File(download_error(
                        &m.file_name,
                        DownloadError::WrongSize {
                            hash: m.sha256.clone(),
                            expected: m.size,
                            got: size,
                        },
                    )));
                }
            };
            let mut since_sync = 0usize;
            loop {
                let chunk = match h.rt.block_on(body.chunk()) {
                    Ok(Some(c)) => c,
                    Ok(None) => break,
                    Err(e) => {
                        // Keep what came: the next attempt continues after it.
                        let _ = partial.sync();
                        return Err(e.into());
                    }
                };
                if partial.len() + chunk.len() as u64 > m.size {
                    let _ = self.evidence.discard_partial(&m.sha256);
                    return Err(Failure::File(download_error(
                        &m.file_name,
                        DownloadError::WrongSize {
                            hash: m.sha256.clone(),
                            expected: m.size,
                            got: partial.len() + chunk.len() as u64,
                        },
                    )));
                }
                partial.append(&chunk).map_err(io_failed)?;
                since_sync += chunk.len();
                // Bytes made durable now and then, so a power cut loses little.
                if since_sync >= 4 << 20 {
                    partial.sync().map_err(io_failed)?;
                    since_sync = 0;
                }
                let n = chunk.len() as u64;
                progress.update(application_id, true, |p| p.bytes_done += n);
            }
            partial.sync().map_err(io_failed)?;
            return Ok(resumed_from);
        }
    }

    /// Reads a file that just entered the store and records it with its fingerprint under the
    /// application. A file that does not read as what it claims is held all the same (the
    /// reviewer sees why it cannot be shown).
    fn record_held(&mut self, application_id: &str, m: &MaterialFile) -> Result<(), Failure> {
        let path = self.evidence.path_of(&m.sha256);
        let claimed = kind_of_mime(&m.mime);
        let (inspection, inspection_error) = match inspect(&path, claimed, &Limits::default()) {
            Ok(i) => {
                let reading = Reading {
                    kind: i.fingerprint.kind,
                    facts: i.facts,
                    findings: i.findings,
                    hashes: i.fingerprint.hashes,
                };
                (Some(reading), None)
            }
            // The store's path means nothing to the reviewer: the file is named by its name.
            Err(e) => (
                None,
                Some(media_error(e).with("path", m.file_name.as_str())),
            ),
        };
        let fingerprints: Vec<MediaFingerprintRow> = inspection
            .as_ref()
            .and_then(|r| fingerprint_row(application_id, m, r, &self.now_text()))
            .into_iter()
            .collect();
        let row = MaterialFileRow {
            sha256: m.sha256.clone(),
            size: m.size,
            mime: m.mime.clone(),
            held_at: self.now_text(),
            inspection: inspection
                .as_ref()
                .and_then(|r| serde_json::to_string(r).ok()),
            inspection_error: inspection_error
                .as_ref()
                .and_then(|e| serde_json::to_string(&KeptError::of(e)).ok()),
        };
        self.store.record_material_file(&row, &fingerprints)?;
        Ok(())
    }

    /// A file held already (downloaded with another application): its fingerprint recorded
    /// under this application too, from the kept reading.
    fn fingerprint_held(
        &mut self,
        application_id: &str,
        m: &MaterialFile,
        row: &MaterialFileRow,
    ) -> Result<(), Failure> {
        if self.store.has_fingerprint(&m.sha256, application_id)? {
            return Ok(());
        }
        let Some(reading) = row
            .inspection
            .as_deref()
            .and_then(|j| serde_json::from_str::<Reading>(j).ok())
        else {
            return Ok(());
        };
        if let Some(fp) = fingerprint_row(application_id, m, &reading, &self.now_text()) {
            self.store.record_media_fingerprints(&[fp])?;
        }
        Ok(())
    }

    /// The review screen: the application with its computed state, and each handed-in file
    /// with whether it is held, its metadata and findings, and the other applications that
    /// handed in the same file or the same picture or footage.
    pub fn application_review(&self, application_id: &str) -> Result<ApplicationReview, AppError> {
        let pulled = self.cached_application(application_id)?;
        let application = self.view_of(&pulled)?;
        let rows = self.store.media_fingerprints()?;
        let (own, others): (Vec<_>, Vec<_>) = rows
            .into_iter()
            .partition(|r| r.application_id == pulled.application_id);
        let mut files = Vec::with_capacity(application.materials.len());
        for material in &application.materials {
            let held = self.evidence.holds(&material.sha256);
            let row = if held {
                self.store.material_file(&material.sha256)?
            } else {
                None
            };
            let reading = row
                .as_ref()
                .and_then(|r| r.inspection.as_deref())
                .and_then(|j| serde_json::from_str::<Reading>(j).ok());
            let unreadable = row
                .as_ref()
                .and_then(|r| r.inspection_error.as_deref())
                .and_then(|j| serde_json::from_str::<KeptError>(j).ok())
                .map(KeptError::error);
            let mut repeats = Vec::new();
            if let Some(mine) = own.iter().find(|r| r.sha256 == material.sha256) {
                let fp = casedesk_media::index::Fingerprint {
                    sha256: mine.sha256.clone(),
                    kind: if mine.kind == "video" {
                        MediaKind::Video
                    } else {
                        MediaKind::Photo
                    },
                    hashes: mine.hashes.clone(),
                };
                for found in matches_of(&others, &fp) {
                    let received_at = self
                        .store
                        .permit_application(&found.application_id)?
                        .map(|a| a.received_at);
                    // Both stamps are the hub's, in one format: text order is time order.
                    let earlier = received_at
                        .as_deref()
                        .is_none_or(|at| at < application.received_at.as_str());
                    repeats.push(Repeat {
                        application_id: found.application_id,
                        received_at,
                        earlier,
                        material: found.material,
                        file_name: found.file_name,
                        sha256: found.sha256,
                        how: found.how,
                        elsewhere: None,
                    });
                }
            }
            // The hub's earlier uses of the very same file anywhere in the province; those in
            // this desk's own index are named above already.
            let before = pulled
                .materials
                .iter()
                .filter(|m| m.sha256 == material.sha256)
                .flat_map(|m| &m.handed_in_before);
            for u in before {
                if repeats.iter().any(|r| r.application_id == u.application_id) {
                    continue;
                }
                let received_at = self
                    .store
                    .permit_application(&u.application_id)?
                    .map(|a| a.received_at);
                repeats.push(Repeat {
                    application_id: u.application_id.clone(),
                    received_at,
                    earlier: true,
                    material: u.material.clone(),
                    file_name: u.file_name.clone(),
                    sha256: material.sha256.clone(),
                    how: MatchHow::SameBytes,
                    elsewhere: (u.service_point != application.service_point)
                        .then(|| service_point_name(&u.service_point)),
                });
            }
            // The earlier applications first: that is where the file came from.
            repeats.sort_by_key(|r| !r.earlier);
            let (kind, facts, findings) = match reading {
                Some(r) => (Some(r.kind), Some(r.facts), r.findings),
                None => (None, None, Vec::new()),
            };
            files.push(ReviewedMaterial {
                material: material.clone(),
                held: held && row.is_some(),
                kind,
                facts,
                findings,
                unreadable,
                repeats,
            });
        }
        Ok(ApplicationReview { application, files })
    }
}

fn fingerprint_row(
    application_id: &str,
    m: &MaterialFile,
    r: &Reading,
    now: &str,
) -> Option<MediaFingerprintRow> {
    (r.kind != MediaKind::Pdf).then(|| MediaFingerprintRow {
        sha256: m.sha256.clone(),
        application_id: application_id.to_string(),
        material: m.material.clone(),
        file_name: m.file_name.clone(),
        kind: r.kind.name().to_string(),
        hashes: r.hashes.clone(),
        recorded_at: now.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_counts_are_told_at_most_a_few_times_a_second_but_state_changes_always() {
        let told = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&told);
        let p = MaterialProgress::with_listener(move |a| {
            sink.lock().expect("lock").push((a.state, a.bytes_done))
        });
        p.update("A", false, |a| a.state = FetchState::Fetching);
        for _ in 0..100 {
            p.update("A", true, |a| a.bytes_done += 1);
        }
        p.update("A", false, |a| a.state = FetchState::Done);
        let told = told.lock().expect("lock").clone();
        assert!(told.len() < 10, "{}", told.len());
        assert_eq!(told.last(), Some(&(FetchState::Done, 100)));
        assert_eq!(p.of("A").map(|a| a.bytes_done), Some(100));
        assert_eq!(kind_of_mime("video/mp4"), Some(MediaKind::Video));
        assert_eq!(kind_of_mime("text/html"), None);
    }
}
