//! The permit desk's media checks (远程审核): a file is inspected (kind from its bytes,
//! metadata, findings such as no EXIF or cuts) and looked up among the fingerprints of the
//! applications already indexed, naming each earlier application whose photo or video it
//! repeats and how. Indexing a submission folder records its photos' and videos' fingerprints
//! (all of them or, when one file is bad, none).

use std::path::{Path, PathBuf};

use casedesk_domain::permit::Material;
use casedesk_media::demo::submission::{write_submissions, DemoFolder};
use casedesk_media::index::{DuplicateIndex, Fingerprint, MatchHow};
use casedesk_media::inspect::{inspect, Facts, Finding, Inspected};
use casedesk_media::{Limits, MediaError, MediaKind};
use casedesk_store::{MediaFingerprintRow, Store};
use serde::{Deserialize, Serialize};

use crate::desk::Desk;
use crate::error::{AppError, ErrorCode};
use crate::message::MessageKey;

/// An earlier application's file that the checked file repeats.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MediaMatch {
    pub application_id: String,
    pub material: String,
    pub file_name: String,
    pub sha256: String,
    #[serde(flatten)]
    pub how: MatchHow,
}

/// What the desk found about one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MediaCheck {
    pub file: String,
    pub kind: MediaKind,
    pub sha256: String,
    pub size: u64,
    pub facts: Facts,
    pub findings: Vec<Finding>,
    pub matches: Vec<MediaMatch>,
}

impl Desk {
    /// Inspects `file` and finds the stored applications whose files it repeats.
    pub fn media_check(&self, file: &Path) -> Result<MediaCheck, AppError> {
        media_check(&self.store, file)
    }

    /// Reads a carrier's submission folder, inspects every file it names (a bad one refuses
    /// the whole folder, recording nothing), and records its photos' and videos' fingerprints
    /// under the folder's carrier_reference.
    pub fn media_index(&mut self, folder: &Path) -> Result<MediaIndexed, AppError> {
        let now = self.now_text();
        media_index(&mut self.store, folder, &now)
    }
}

fn media_check(store: &Store, file: &Path) -> Result<MediaCheck, AppError> {
    let inspected = inspect(file, None, &Limits::default()).map_err(media_error)?;
    let rows = store.media_fingerprints()?;
    let matches = matches_of(&rows, &inspected.fingerprint);
    Ok(MediaCheck {
        file: file.display().to_string(),
        kind: inspected.fingerprint.kind,
        sha256: inspected.fingerprint.sha256,
        size: inspected.size,
        facts: inspected.facts,
        findings: inspected.findings,
        matches,
    })
}

/// The rows `fp` repeats, each with how.
pub(crate) fn matches_of(rows: &[MediaFingerprintRow], fp: &Fingerprint) -> Vec<MediaMatch> {
    let mut index = DuplicateIndex::new();
    for r in rows {
        index.add(&Fingerprint {
            sha256: r.sha256.clone(),
            kind: if r.kind == "video" {
                MediaKind::Video
            } else {
                MediaKind::Photo
            },
            hashes: r.hashes.clone(),
        });
    }
    index
        .find(fp)
        .into_iter()
        .map(|f| {
            let r = &rows[f.entry];
            MediaMatch {
                application_id: r.application_id.clone(),
                material: r.material.clone(),
                file_name: r.file_name.clone(),
                sha256: r.sha256.clone(),
                how: f.how,
            }
        })
        .collect()
}

/// The parts of a carrier's submission folder (`application.json`) that indexing reads.
#[derive(Debug, Deserialize)]
struct SubmissionFiles {
    carrier_reference: String,
    materials: Vec<SubmittedMaterial>,
}

#[derive(Debug, Deserialize)]
struct SubmittedMaterial {
    material: String,
    file: String,
}

/// One file of an indexed folder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexedFile {
    pub file_name: String,
    pub material: String,
    pub kind: MediaKind,
    pub sha256: String,
    pub findings: Vec<Finding>,
    /// Earlier applications' files this one repeats (found before it was recorded).
    pub matches: Vec<MediaMatch>,
}

/// What indexing a folder recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MediaIndexed {
    /// The folder's carrier_reference, standing in for the application id until applications
    /// come through the hub.
    pub application_id: String,
    pub files: Vec<IndexedFile>,
    /// Photos and videos recorded (PDFs are checked but not fingerprinted).
    pub recorded: usize,
}

fn media_index(store: &mut Store, folder: &Path, now: &str) -> Result<MediaIndexed, AppError> {
    let manifest = folder.join("application.json");
    let unreadable = |detail: String| {
        AppError::new(ErrorCode::FileUnreadable, MessageKey::SubmissionUnreadable)
            .with("path", folder.display().to_string())
            .with("detail", detail)
    };
    let text = std::fs::read_to_string(&manifest)
        .map_err(|e| unreadable(format!("application.json: {e}")))?;
    let submission: SubmissionFiles =
        serde_json::from_str(&text).map_err(|e| unreadable(format!("application.json: {e}")))?;
    if submission.carrier_reference.trim().is_empty() {
        return Err(unreadable(
            "application.json: carrier_reference is empty".into(),
        ));
    }
    let rows = store.media_fingerprints()?;
    let recorded_at = now.to_string();
    let mut files = Vec::new();
    let mut new_rows = Vec::new();
    for m in &submission.materials {
        let material = Material::from_code(&m.material).ok_or_else(|| {
            AppError::invalid(MessageKey::PermitUnknownMaterial).with("code", m.material.as_str())
        })?;
        let path = file_in(folder, &m.file).ok_or_else(|| {
            unreadable(format!("“{}” is not a file name inside the folder", m.file))
        })?;
        let claimed = match material {
            Material::MeasurementVideo => Some(MediaKind::Video),
            Material::WatermarkedPhotos => Some(MediaKind::Photo),
            _ => None,
        };
        let inspected: Inspected =
            inspect(&path, claimed, &Limits::default()).map_err(media_error)?;
        let fp = inspected.fingerprint;
        if fp.kind != MediaKind::Pdf {
            new_rows.push(MediaFingerprintRow {
                sha256: fp.sha256.clone(),
                application_id: submission.carrier_reference.clone(),
                material: m.material.clone(),
                file_name: m.file.clone(),
                kind: fp.kind.name().to_string(),
                hashes: fp.hashes.clone(),
                recorded_at: recorded_at.clone(),
            });
        }
        let matches = matches_of(&rows, &fp)
            .into_iter()
            .filter(|x| x.application_id != submission.carrier_reference)
            .collect();
        files.push(IndexedFile {
            file_name: m.file.clone(),
            material: m.material.clone(),
            kind: fp.kind,
            sha256: fp.sha256,
            findings: inspected.findings,
            matches,
        });
    }
    store.record_media_fingerprints(&new_rows)?;
    Ok(MediaIndexed {
        application_id: submission.carrier_reference,
        recorded: new_rows.len(),
        files,
    })
}

/// A plain file name inside `folder` (no separators, no `..`), as the submission format has.
fn file_in(folder: &Path, name: &str) -> Option<PathBuf> {
    let plain = !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains('/')
        && !name.contains('\\');
    plain.then(|| folder.join(name))
}

/// Writes the demo's carriers' submission folders with real media
/// ([`casedesk_media::demo::submission::write_submissions`]).
pub fn demo_media(out_dir: &Path, count: usize, seed: u64) -> Result<Vec<DemoFolder>, AppError> {
    write_submissions(out_dir, count, seed).map_err(media_error)
}

/// A media error as the desk's error, in both languages.
pub(crate) fn media_error(e: MediaError) -> AppError {
    let path_of = |p: &Path| p.display().to_string();
    match e {
        MediaError::Read { path, source } | MediaError::Write { path, source } => {
            AppError::new(ErrorCode::FileUnreadable, MessageKey::MediaUnreadable)
                .with("path", path_of(&path))
                .with("detail", source.to_string())
        }
        MediaError::Empty { path } => {
            AppError::invalid(MessageKey::MediaEmpty).with("path", path_of(&path))
        }
        MediaError::TooLarge {
            path, size, limit, ..
        } => AppError::new(ErrorCode::FileTooLarge, MessageKey::MediaTooLarge)
            .with("path", path_of(&path))
            .with("size", size)
            .with("limit", limit),
        MediaError::UnknownKind { path } => {
            AppError::new(ErrorCode::FileTypeMismatch, MessageKey::MediaUnknownKind)
                .with("path", path_of(&path))
        }
        MediaError::NotWhatItClaims { path, claimed, .. } => {
            let key = match claimed {
                MediaKind::Photo => MessageKey::MediaNotAPhoto,
                MediaKind::Video => MessageKey::MediaNotAVideo,
                MediaKind::Pdf => MessageKey::MediaNotAPdf,
            };
            AppError::new(ErrorCode::FileTypeMismatch, key).with("path", path_of(&path))
        }
        MediaError::Truncated { path, detail } => {
            AppError::new(ErrorCode::FileUnreadable, MessageKey::MediaTruncated)
                .with("path", path_of(&path))
                .with("detail", detail)
        }
        MediaError::Undecodable { path, detail, .. } => {
            AppError::new(ErrorCode::FileUnreadable, MessageKey::MediaUndecodable)
                .with("path", path_of(&path))
                .with("detail", detail)
        }
        MediaError::Tool {
            program,
            path,
            detail,
        } => AppError::new(ErrorCode::FileUnreadable, MessageKey::MediaToolFailed)
            .with("program", program)
            .with("path", path_of(&path))
            .with("detail", detail),
        MediaError::TimedOut {
            program,
            path,
            seconds,
        } => AppError::new(ErrorCode::FileUnreadable, MessageKey::MediaTimedOut)
            .with("program", program)
            .with("path", path_of(&path))
            .with("seconds", seconds),
    }
}
