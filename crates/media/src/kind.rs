//! What a file is, decided from its bytes and never from its name: a photo (JPEG, PNG), a video
//! (MP4/MOV, an ISO base-media file), or a PDF. Also the size limits, checked before anything is
//! read, and the structure check of a video's boxes, which finds a cut-off upload without
//! decoding it.

use std::fmt;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::MediaError;

/// The kinds of file a submission carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum MediaKind {
    Photo,
    Video,
    Pdf,
}

impl MediaKind {
    pub fn name(self) -> &'static str {
        match self {
            MediaKind::Photo => "photo",
            MediaKind::Video => "video",
            MediaKind::Pdf => "PDF",
        }
    }

    /// The kind a file name claims (`.jpg`, `.mp4`, …), if any.
    pub fn claimed_by_name(path: &Path) -> Option<MediaKind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "jpg" | "jpeg" | "png" => Some(MediaKind::Photo),
            "mp4" | "mov" | "m4v" => Some(MediaKind::Video),
            "pdf" => Some(MediaKind::Pdf),
            _ => None,
        }
    }
}

impl fmt::Display for MediaKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The largest file of each kind accepted (a phone's measurement video of a few minutes fits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub photo_bytes: u64,
    pub video_bytes: u64,
    pub pdf_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            photo_bytes: 30 << 20,
            video_bytes: 500 << 20,
            pdf_bytes: 30 << 20,
        }
    }
}

impl Limits {
    pub fn for_kind(&self, kind: MediaKind) -> u64 {
        match kind {
            MediaKind::Photo => self.photo_bytes,
            MediaKind::Video => self.video_bytes,
            MediaKind::Pdf => self.pdf_bytes,
        }
    }
}

/// The kind the first bytes of a file show, if any of ours.
pub fn sniff(head: &[u8]) -> Option<MediaKind> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) || head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(MediaKind::Photo);
    }
    if head.starts_with(b"%PDF-") {
        return Some(MediaKind::Pdf);
    }
    if head.len() >= 12 {
        let box_type = &head[4..8];
        if box_type == b"ftyp" {
            // HEIF/AVIF stills are ISO base-media files too, but not videos (nor photos we decode).
            let brand = &head[8..12];
            let still = [
                b"heic", b"heix", b"mif1", b"msf1", b"avif", b"heim", b"heis",
            ];
            return (!still.iter().any(|s| brand == *s)).then_some(MediaKind::Video);
        }
        // Old QuickTime files start with a plain box.
        if [b"moov", b"mdat", b"wide", b"free"]
            .iter()
            .any(|t| box_type == *t)
        {
            return Some(MediaKind::Video);
        }
    }
    None
}

/// A file's kind from its bytes and its size, checked against `claimed` (by name or by the
/// material it was submitted as) and the limit for its kind. Videos also get their box
/// structure checked ([`check_video_boxes`]).
pub fn check_file(
    path: &Path,
    claimed: Option<MediaKind>,
    limits: &Limits,
) -> Result<(MediaKind, u64), MediaError> {
    let read_err = |source| MediaError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(read_err)?;
    let size = file.metadata().map_err(read_err)?.len();
    if size == 0 {
        return Err(MediaError::Empty {
            path: path.to_path_buf(),
        });
    }
    let mut head = [0u8; 16];
    let n = read_up_to(&mut file, &mut head).map_err(read_err)?;
    let found = sniff(&head[..n]);
    if let Some(claimed) = claimed.filter(|c| found != Some(*c)) {
        return Err(MediaError::NotWhatItClaims {
            path: path.to_path_buf(),
            claimed,
            found,
        });
    }
    let kind = found.ok_or_else(|| MediaError::UnknownKind {
        path: path.to_path_buf(),
    })?;
    let limit = limits.for_kind(kind);
    if size > limit {
        return Err(MediaError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit,
            kind,
        });
    }
    if kind == MediaKind::Video {
        check_video_boxes(path, &mut file, size)?;
    }
    Ok((kind, size))
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// A file with more top-level boxes than this is not a phone's video.
const MAX_TOP_LEVEL_BOXES: usize = 10_000;

/// Walks the top-level boxes of an MP4/MOV by their headers (seeking, not reading the media):
/// every box must end inside the file and the index (`moov`) must be there. An upload cut off
/// mid-way fails one or the other.
pub fn check_video_boxes(path: &Path, file: &mut File, size: u64) -> Result<(), MediaError> {
    let truncated = |detail: String| MediaError::Truncated {
        path: path.to_path_buf(),
        detail,
    };
    let read_err = |source| MediaError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut pos = 0u64;
    let mut has_moov = false;
    for _ in 0..MAX_TOP_LEVEL_BOXES {
        if pos == size {
            break;
        }
        if size - pos < 8 {
            return Err(truncated(format!(
                "{} stray bytes after the last box",
                size - pos
            )));
        }
        file.seek(SeekFrom::Start(pos)).map_err(read_err)?;
        let mut header = [0u8; 16];
        let got = read_up_to(file, &mut header).map_err(read_err)?;
        let size32 = u32::from_be_bytes([header[0], header[1], header[2], header[3]]);
        let box_type = String::from_utf8_lossy(&header[4..8]).into_owned();
        let (box_size, header_len) = match size32 {
            0 => (size - pos, 8),
            1 if got >= 16 => (
                u64::from_be_bytes([
                    header[8], header[9], header[10], header[11], header[12], header[13],
                    header[14], header[15],
                ]),
                16,
            ),
            1 => {
                return Err(truncated(format!(
                    "box '{box_type}' has no complete header"
                )))
            }
            s => (u64::from(s), 8),
        };
        if box_size < header_len {
            return Err(truncated(format!(
                "box '{box_type}' at byte {pos} has an impossible size {box_size}"
            )));
        }
        if box_size > size - pos {
            return Err(truncated(format!(
                "box '{box_type}' at byte {pos} needs {box_size} bytes but the file ends after {}",
                size - pos
            )));
        }
        if box_type == "moov" {
            has_moov = true;
        }
        pos += box_size;
    }
    if pos != size {
        return Err(truncated(format!(
            "more than {MAX_TOP_LEVEL_BOXES} top-level boxes"
        )));
    }
    if !has_moov {
        return Err(truncated("its index (the 'moov' box) is missing".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_kinds_from_bytes() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Some(MediaKind::Photo));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(MediaKind::Photo));
        assert_eq!(sniff(b"%PDF-1.4\n"), Some(MediaKind::Pdf));
        assert_eq!(
            sniff(b"\0\0\0\x20ftypisom\0\0\x02\0"),
            Some(MediaKind::Video)
        );
        assert_eq!(sniff(b"\0\0\0\x20ftypheic\0\0\x02\0"), None);
        assert_eq!(sniff(b"hello, this is text"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn a_file_claiming_to_be_a_video_but_holding_text_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("measurement.mp4");
        std::fs::write(&path, "not a video at all, just text").expect("write");
        let err = check_file(&path, MediaKind::claimed_by_name(&path), &Limits::default())
            .expect_err("text is not a video");
        assert!(matches!(
            err,
            MediaError::NotWhatItClaims {
                claimed: MediaKind::Video,
                found: None,
                ..
            }
        ));
        assert!(err.to_string().contains("should be a video"), "{err}");
    }

    #[test]
    fn box_walk_finds_a_cut_off_file_and_a_missing_index() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut bytes = Vec::new();
        bytes.extend_from_slice(b"\0\0\0\x10ftypisom\0\0\0\0");
        bytes.extend_from_slice(b"\0\0\0\x10moov\0\0\0\0\0\0\0\0");
        bytes.extend_from_slice(b"\0\0\x01\0mdat");
        bytes.extend_from_slice(&[0u8; 248]);
        let whole = dir.path().join("whole.mp4");
        std::fs::write(&whole, &bytes).expect("write");
        check_file(&whole, None, &Limits::default()).expect("a complete box structure");

        let cut = dir.path().join("cut.mp4");
        std::fs::write(&cut, &bytes[..bytes.len() - 100]).expect("write");
        let err = check_file(&cut, None, &Limits::default()).expect_err("cut off");
        assert!(matches!(err, MediaError::Truncated { .. }), "{err}");
        assert!(err.to_string().contains("'mdat'"), "{err}");

        let no_index = dir.path().join("no-index.mp4");
        let mut without = bytes[..16].to_vec();
        without.extend_from_slice(&bytes[32..]);
        std::fs::write(&no_index, &without).expect("write");
        let err = check_file(&no_index, None, &Limits::default()).expect_err("no moov");
        assert!(err.to_string().contains("moov"), "{err}");
    }

    #[test]
    fn a_file_over_the_limit_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("big.jpg");
        let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
        bytes.resize(2048, 0);
        std::fs::write(&path, &bytes).expect("write");
        let limits = Limits {
            photo_bytes: 1024,
            ..Limits::default()
        };
        let err = check_file(&path, None, &limits).expect_err("over the limit");
        assert!(matches!(
            err,
            MediaError::TooLarge {
                size: 2048,
                limit: 1024,
                ..
            }
        ));
    }
}
