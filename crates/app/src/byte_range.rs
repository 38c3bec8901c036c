//! Serving stored bytes to the window by HTTP's rules: which part of a file a `Range` header
//! asks for (206, or 416 past the end, or the whole file when the header is one we do not
//! read), and which Content-Type a stored file is served with. Written once for both ways the
//! window reads stored files: the `evidence:` scheme (`crate::evidence`) and the loopback media
//! server (`crate::media_server`), which `<video>` needs.

use casedesk_domain::permit::MaterialFileKind;
use casedesk_store::ACCEPTED_KINDS;

/// What to send of a file of a known size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// 200, 206 or 416.
    pub status: u16,
    /// The first byte to send and how many.
    pub first: u64,
    pub len: u64,
    /// `Content-Range` for 206 and 416.
    pub content_range: Option<String>,
}

/// The answer to a request with this `Range` header (or none) for a file of `size` bytes.
pub fn plan(range: Option<&str>, size: u64) -> Plan {
    match range.map(|r| byte_range(r, size)) {
        None | Some(RangeAsked::Ignored) => Plan {
            status: 200,
            first: 0,
            len: size,
            content_range: None,
        },
        Some(RangeAsked::Unsatisfiable) => Plan {
            status: 416,
            first: 0,
            len: 0,
            content_range: Some(format!("bytes */{size}")),
        },
        Some(RangeAsked::Bytes(first, last)) => Plan {
            status: 206,
            first,
            len: last - first + 1,
            content_range: Some(format!("bytes {first}-{last}/{size}")),
        },
    }
}

/// The type a stored file is served with: its recorded type when it is one the desk accepts
/// (evidence photos and PDFs, permit materials including MP4), never a type a request could
/// pick.
pub fn served_type(mime: &str) -> &'static str {
    ACCEPTED_KINDS
        .iter()
        .map(|k| k.mime)
        .chain(MaterialFileKind::ALL.iter().map(|k| k.mime()))
        .find(|m| *m == mime)
        .unwrap_or("application/octet-stream")
}

#[derive(Debug, PartialEq, Eq)]
enum RangeAsked {
    /// First and last byte, inclusive, within the file.
    Bytes(u64, u64),
    Unsatisfiable,
    /// Not a single byte range we read (several ranges, another unit, malformed): the whole
    /// file is sent, as HTTP allows.
    Ignored,
}

/// Reads a `Range` header (`bytes=0-99`, `bytes=100-`, `bytes=-500`) against a file's size.
fn byte_range(header: &str, size: u64) -> RangeAsked {
    let Some(spec) = header.trim().strip_prefix("bytes=") else {
        return RangeAsked::Ignored;
    };
    if spec.contains(',') {
        return RangeAsked::Ignored;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return RangeAsked::Ignored;
    };
    let number = |s: &str| s.trim().parse::<u64>().ok();
    match (first.trim().is_empty(), last.trim().is_empty()) {
        // The last N bytes.
        (true, false) => match number(last) {
            Some(0) => RangeAsked::Unsatisfiable,
            Some(n) if size > 0 => RangeAsked::Bytes(size.saturating_sub(n), size - 1),
            Some(_) => RangeAsked::Unsatisfiable,
            None => RangeAsked::Ignored,
        },
        (false, true) => match number(first) {
            Some(a) if a < size => RangeAsked::Bytes(a, size - 1),
            Some(_) => RangeAsked::Unsatisfiable,
            None => RangeAsked::Ignored,
        },
        (false, false) => match (number(first), number(last)) {
            (Some(a), Some(b)) if a <= b && a < size => RangeAsked::Bytes(a, b.min(size - 1)),
            (Some(a), Some(b)) if a <= b => RangeAsked::Unsatisfiable,
            _ => RangeAsked::Ignored,
        },
        (true, true) => RangeAsked::Ignored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_read_as_http_says() {
        assert_eq!(byte_range("bytes=0-99", 1000), RangeAsked::Bytes(0, 99));
        assert_eq!(byte_range("bytes=900-", 1000), RangeAsked::Bytes(900, 999));
        assert_eq!(byte_range("bytes=-100", 1000), RangeAsked::Bytes(900, 999));
        assert_eq!(byte_range("bytes=-5000", 1000), RangeAsked::Bytes(0, 999));
        assert_eq!(
            byte_range("bytes=990-2000", 1000),
            RangeAsked::Bytes(990, 999)
        );
        assert_eq!(byte_range("bytes=1000-", 1000), RangeAsked::Unsatisfiable);
        assert_eq!(
            byte_range("bytes=1000-1001", 1000),
            RangeAsked::Unsatisfiable
        );
        assert_eq!(byte_range("bytes=-0", 1000), RangeAsked::Unsatisfiable);
        assert_eq!(byte_range("bytes=0-1,5-9", 1000), RangeAsked::Ignored);
        assert_eq!(byte_range("items=0-1", 1000), RangeAsked::Ignored);
        assert_eq!(byte_range("bytes=9-1", 1000), RangeAsked::Ignored);
        assert_eq!(byte_range("bytes=x-", 1000), RangeAsked::Ignored);
    }

    #[test]
    fn plans_say_what_to_send() {
        assert_eq!(plan(None, 10).status, 200);
        assert_eq!(plan(None, 10).len, 10);
        let p = plan(Some("bytes=4-"), 10);
        assert_eq!((p.status, p.first, p.len), (206, 4, 6));
        assert_eq!(p.content_range.as_deref(), Some("bytes 4-9/10"));
        let p = plan(Some("bytes=10-"), 10);
        assert_eq!((p.status, p.len), (416, 0));
        assert_eq!(p.content_range.as_deref(), Some("bytes */10"));
        assert_eq!(served_type("video/mp4"), "video/mp4");
        assert_eq!(served_type("image/jpeg"), "image/jpeg");
        assert_eq!(served_type("text/html"), "application/octet-stream");
    }
}
