//! What may be attached as evidence: the one table of accepted kinds (photos as JPEG, PNG or
//! WebP, and PDF documents), with the first bytes each must start with, and the form of a
//! content hash. The desk's evidence store checks imports against it, the window's picker offers
//! it, and the hub refuses uploads of any other type with it, so the three cannot disagree.

/// The largest evidence file, 50 MiB (photos and scanned PDFs): the desk's import limit by
/// default and the hub's upload limit.
pub const MAX_EVIDENCE_BYTES: u64 = 50 * 1024 * 1024;

/// Tells whether a file's first bytes are those of its kind.
type MagicCheck = fn(&[u8]) -> bool;

/// A kind of file the evidence store accepts. [`ACCEPTED_KINDS`] is the one list.
#[derive(Debug, Clone, Copy)]
pub struct EvidenceKind {
    /// Lower-case extensions, the usual one first.
    pub extensions: &'static [&'static str],
    pub mime: &'static str,
    /// A photo (shown zoomable) rather than a document with pages.
    pub photo: bool,
    looks_right: MagicCheck,
}

impl EvidenceKind {
    /// Whether `head` (a file's first bytes, 16 are enough) starts as this kind must.
    pub fn looks_right(&self, head: &[u8]) -> bool {
        (self.looks_right)(head)
    }
}

fn jpeg(b: &[u8]) -> bool {
    b.starts_with(&[0xFF, 0xD8, 0xFF])
}
fn png(b: &[u8]) -> bool {
    b.starts_with(b"\x89PNG\r\n\x1a\n")
}
fn webp(b: &[u8]) -> bool {
    b.len() >= 12 && &b[0..4] == b"RIFF" && &b[8..12] == b"WEBP"
}
fn pdf(b: &[u8]) -> bool {
    b.starts_with(b"%PDF-")
}

/// What can be attached: photos as JPEG, PNG or WebP, and PDF documents. HEIC, BMP, GIF and
/// the rest are refused (the hub and the printed case file read these four).
pub const ACCEPTED_KINDS: [EvidenceKind; 4] = [
    EvidenceKind {
        extensions: &["jpg", "jpeg"],
        mime: "image/jpeg",
        photo: true,
        looks_right: jpeg,
    },
    EvidenceKind {
        extensions: &["png"],
        mime: "image/png",
        photo: true,
        looks_right: png,
    },
    EvidenceKind {
        extensions: &["webp"],
        mime: "image/webp",
        photo: true,
        looks_right: webp,
    },
    EvidenceKind {
        extensions: &["pdf"],
        mime: "application/pdf",
        photo: false,
        looks_right: pdf,
    },
];

/// The accepted kind a file's extension (any case) names, if any.
pub fn kind_of_extension(ext: &str) -> Option<&'static EvidenceKind> {
    let ext = ext.to_ascii_lowercase();
    ACCEPTED_KINDS
        .iter()
        .find(|k| k.extensions.contains(&ext.as_str()))
}

/// The accepted kind of a MIME type (exactly as the table writes it), if any.
pub fn kind_of_mime(mime: &str) -> Option<&'static EvidenceKind> {
    ACCEPTED_KINDS.iter().find(|k| k.mime == mime)
}

/// Whether `s` can name stored bytes: 64 lower-case hex digits, the SHA-256 the desk's store
/// and the hub write. Checked before any path or key is built from a hash that came from outside.
pub fn is_hash(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_found_by_extension_and_mime_and_judge_first_bytes() {
        assert_eq!(
            kind_of_extension("JPEG").map(|k| k.mime),
            Some("image/jpeg")
        );
        assert_eq!(
            kind_of_mime("application/pdf").map(|k| k.photo),
            Some(false)
        );
        assert!(kind_of_mime("image/gif").is_none());
        assert!(kind_of_mime("IMAGE/PNG").is_none());
        let png = kind_of_mime("image/png").expect("png");
        assert!(png.looks_right(b"\x89PNG\r\n\x1a\n...."));
        assert!(!png.looks_right(b"%PDF-1.7"));
        assert!(is_hash(&"ab".repeat(32)));
        assert!(!is_hash(&"AB".repeat(32)));
        assert!(!is_hash("../../etc/passwd"));
    }
}
