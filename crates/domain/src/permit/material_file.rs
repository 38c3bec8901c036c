//! The files a carrier hands in as materials (申报材料): photos as JPEG or PNG, documents as
//! PDF (or a scan as JPEG/PNG), the measurement video as MP4. One table says which kinds a
//! material takes and what the first bytes of each kind must be, so the hub's carrier ingest
//! and anything that reads a submission folder refuse the same files.

use super::materials::Material;

/// The largest material file, 50 MiB (the evidence limit: a phone's minute of 1080p video).
pub const MAX_MATERIAL_BYTES: u64 = crate::evidence::MAX_EVIDENCE_BYTES;

/// The most bytes one submission may bring, all its files together.
pub const MAX_SUBMISSION_BYTES: u64 = 100 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MaterialFileKind {
    Jpeg,
    Png,
    Pdf,
    Mp4,
}

impl MaterialFileKind {
    pub const ALL: [MaterialFileKind; 4] = [
        MaterialFileKind::Jpeg,
        MaterialFileKind::Png,
        MaterialFileKind::Pdf,
        MaterialFileKind::Mp4,
    ];

    /// The kind a file name's extension (any case) names, if accepted.
    pub fn of_file_name(name: &str) -> Option<MaterialFileKind> {
        let (_, ext) = name.rsplit_once('.')?;
        match ext.to_ascii_lowercase().as_str() {
            "jpg" | "jpeg" => Some(MaterialFileKind::Jpeg),
            "png" => Some(MaterialFileKind::Png),
            "pdf" => Some(MaterialFileKind::Pdf),
            "mp4" => Some(MaterialFileKind::Mp4),
            _ => None,
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            MaterialFileKind::Jpeg => "image/jpeg",
            MaterialFileKind::Png => "image/png",
            MaterialFileKind::Pdf => "application/pdf",
            MaterialFileKind::Mp4 => "video/mp4",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            MaterialFileKind::Jpeg => "JPEG",
            MaterialFileKind::Png => "PNG",
            MaterialFileKind::Pdf => "PDF",
            MaterialFileKind::Mp4 => "MP4",
        }
    }

    /// Whether `head` (the file's first 16 bytes or more) starts as this kind must. An MP4
    /// (ISO base media file) opens with a box whose type, at bytes 4..8, is `ftyp`.
    pub fn looks_right(self, head: &[u8]) -> bool {
        match self {
            MaterialFileKind::Jpeg => head.starts_with(&[0xFF, 0xD8, 0xFF]),
            MaterialFileKind::Png => head.starts_with(b"\x89PNG\r\n\x1a\n"),
            MaterialFileKind::Pdf => head.starts_with(b"%PDF-"),
            MaterialFileKind::Mp4 => head.len() >= 8 && &head[4..8] == b"ftyp",
        }
    }
}

/// The kinds a material may be handed in as: the measurement video only as MP4, photos as
/// JPEG or PNG, every document as PDF or a scan (JPEG, PNG).
pub fn accepted_kinds(material: Material) -> &'static [MaterialFileKind] {
    match material {
        Material::MeasurementVideo => &[MaterialFileKind::Mp4],
        Material::WatermarkedPhotos => &[MaterialFileKind::Jpeg, MaterialFileKind::Png],
        _ => &[
            MaterialFileKind::Pdf,
            MaterialFileKind::Jpeg,
            MaterialFileKind::Png,
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_extension_and_the_first_bytes() {
        assert_eq!(
            MaterialFileKind::of_file_name("Front.JPG"),
            Some(MaterialFileKind::Jpeg)
        );
        assert_eq!(
            MaterialFileKind::of_file_name("measurement.mp4"),
            Some(MaterialFileKind::Mp4)
        );
        assert_eq!(MaterialFileKind::of_file_name("notes.txt"), None);
        assert_eq!(MaterialFileKind::of_file_name("noext"), None);
        let mp4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00";
        assert!(MaterialFileKind::Mp4.looks_right(mp4));
        assert!(!MaterialFileKind::Mp4.looks_right(b"%PDF-1.7 not a video"));
        assert!(!MaterialFileKind::Pdf.looks_right(mp4));
        assert!(MaterialFileKind::Jpeg.looks_right(&[0xFF, 0xD8, 0xFF, 0xE0]));
    }

    #[test]
    fn the_video_is_an_mp4_and_photos_are_pictures() {
        assert_eq!(
            accepted_kinds(Material::MeasurementVideo),
            &[MaterialFileKind::Mp4]
        );
        assert!(!accepted_kinds(Material::WatermarkedPhotos).contains(&MaterialFileKind::Pdf));
        assert!(accepted_kinds(Material::DispatchNote).contains(&MaterialFileKind::Pdf));
        assert!(!accepted_kinds(Material::DispatchNote).contains(&MaterialFileKind::Mp4));
    }
}
