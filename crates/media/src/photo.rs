//! A photo's metadata as a reviewer sees it beside the declaration: capture time, GPS position
//! and camera, read from EXIF with nom-exif. A photo without EXIF is a finding (messaging apps
//! strip it: ask for the original), not an error; a photo that does not decode is an error.

use std::path::Path;

use image::DynamicImage;
use nom_exif::{Exif, ExifTag};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::MediaError;
use crate::kind::MediaKind;

/// What a photo's EXIF says, when it has any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PhotoExif {
    /// `DateTimeOriginal` (else `CreateDate`) as written by the camera, ISO 8601; with its
    /// offset when the camera recorded one.
    pub captured_at: Option<String>,
    pub gps: Option<GpsPoint>,
    pub make: Option<String>,
    pub model: Option<String>,
}

/// A position in decimal degrees (WGS 84 as cameras record it).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GpsPoint {
    pub latitude: f64,
    pub longitude: f64,
}

/// A photo's size and metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PhotoFacts {
    pub width: u32,
    pub height: u32,
    /// `None`: no EXIF at all (or none readable).
    pub exif: Option<PhotoExif>,
}

/// Decodes the photo and reads its metadata.
pub fn read_photo(path: &Path) -> Result<(DynamicImage, PhotoFacts), MediaError> {
    let undecodable = |detail: String| MediaError::Undecodable {
        path: path.to_path_buf(),
        kind: MediaKind::Photo,
        detail,
    };
    let img = image::ImageReader::open(path)
        .map_err(|source| MediaError::Read {
            path: path.to_path_buf(),
            source,
        })?
        .with_guessed_format()
        .map_err(|e| undecodable(e.to_string()))?
        .decode()
        .map_err(|e| undecodable(e.to_string()))?;
    let exif = nom_exif::read_exif(path).ok().and_then(|e| photo_exif(&e));
    let facts = PhotoFacts {
        width: img.width(),
        height: img.height(),
        exif,
    };
    Ok((img, facts))
}

fn photo_exif(exif: &Exif) -> Option<PhotoExif> {
    let text = |tag| {
        exif.get(tag)
            .and_then(|v| v.as_str())
            .map(|s| s.trim_matches(char::from(0)).trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let captured_at = [ExifTag::DateTimeOriginal, ExifTag::CreateDate]
        .into_iter()
        .find_map(|tag| exif.get(tag).and_then(|v| v.as_datetime()))
        .map(|dt| match dt.aware() {
            Some(aware) => aware.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            None => dt.into_naive().format("%Y-%m-%dT%H:%M:%S").to_string(),
        });
    let gps = exif.gps_info().and_then(|g| {
        Some(GpsPoint {
            latitude: g.latitude_decimal()?,
            longitude: g.longitude_decimal()?,
        })
    });
    let found = PhotoExif {
        captured_at,
        gps,
        make: text(ExifTag::Make),
        model: text(ExifTag::Model),
    };
    let empty = found.captured_at.is_none()
        && found.gps.is_none()
        && found.make.is_none()
        && found.model.is_none();
    (!empty).then_some(found)
}
