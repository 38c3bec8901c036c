//! Everything the desk learns from one submitted file in one call: its kind (checked from the
//! bytes against what it claims to be), SHA-256, metadata, fingerprint, and the findings a
//! reviewer must see (no EXIF; cuts in a video).

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::digest::sha256_file;
use crate::error::MediaError;
use crate::footage::read_footage;
use crate::index::Fingerprint;
use crate::kind::{check_file, Limits, MediaKind};
use crate::phash;
use crate::photo::{read_photo, PhotoFacts};
use crate::video::{read_video, VideoFacts};

/// What a reviewer is warned about on the file itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "finding", rename_all = "snake_case")]
#[ts(export)]
pub enum Finding {
    /// The photo carries no EXIF: ask for the original (messaging apps strip it; not by itself
    /// a sign of fraud).
    NoExif,
    /// The video is not one continuous shot: new shots start at these times (seconds).
    Cuts { at_seconds: Vec<f64> },
}

/// The metadata of the file's kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum Facts {
    Photo(PhotoFacts),
    Video(VideoFacts),
    Pdf,
}

/// One file, inspected.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inspected {
    pub size: u64,
    pub facts: Facts,
    pub fingerprint: Fingerprint,
    pub findings: Vec<Finding>,
    /// The highest scene-change score of a video (0 for other kinds), for the record.
    pub max_scene_score: f64,
}

/// Inspects the file at `path`. `claimed` is the kind its material or name says it is; a
/// mismatch, an unknown kind, a file over its limit, a cut-off video or a file that does not
/// decode is an error.
pub fn inspect(
    path: &Path,
    claimed: Option<MediaKind>,
    limits: &Limits,
) -> Result<Inspected, MediaError> {
    let claimed = claimed.or_else(|| MediaKind::claimed_by_name(path));
    let (kind, size) = check_file(path, claimed, limits)?;
    let sha256 = sha256_file(path)?;
    let mut findings = Vec::new();
    let mut max_scene_score = 0.0;
    let (facts, hashes) = match kind {
        MediaKind::Photo => {
            let (img, facts) = read_photo(path)?;
            if facts.exif.is_none() {
                findings.push(Finding::NoExif);
            }
            let hashes = phash::picture_hashes(&phash::hasher(), &img);
            (Facts::Photo(facts), hashes)
        }
        MediaKind::Video => {
            let facts = read_video(path)?;
            let footage = read_footage(path, facts.duration_s)?;
            if !footage.cuts.is_empty() {
                findings.push(Finding::Cuts {
                    at_seconds: footage.cuts.clone(),
                });
            }
            max_scene_score = footage.max_scene_score;
            (Facts::Video(facts), footage.frame_hashes)
        }
        MediaKind::Pdf => (Facts::Pdf, Vec::new()),
    };
    Ok(Inspected {
        size,
        facts,
        fingerprint: Fingerprint {
            sha256,
            kind,
            hashes,
        },
        findings,
        max_scene_score,
    })
}
