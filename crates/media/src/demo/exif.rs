//! A minimal EXIF writer for the demo's photos: camera make and model, the capture time with its
//! offset, and the GPS position, as an APP1 segment put into a JPEG. Written here (a few
//! dozen lines of TIFF) rather than adding a writer crate; nom-exif reads it back in the tests.

/// What the demo's camera records.
#[derive(Debug, Clone, PartialEq)]
pub struct ExifData {
    pub make: String,
    pub model: String,
    /// `YYYY:MM:DD HH:MM:SS`, local time.
    pub date_time_original: String,
    /// `+08:00`.
    pub offset: String,
    pub latitude: f64,
    pub longitude: f64,
}

const ASCII: u16 = 2;
const LONG: u16 = 4;
const RATIONAL: u16 = 5;
const BYTE: u16 = 1;

struct Entry {
    tag: u16,
    kind: u16,
    count: u32,
    data: Vec<u8>,
}

fn ascii(tag: u16, s: &str) -> Entry {
    let mut data = s.as_bytes().to_vec();
    data.push(0);
    Entry {
        tag,
        kind: ASCII,
        count: data.len() as u32,
        data,
    }
}

fn long(tag: u16, v: u32) -> Entry {
    Entry {
        tag,
        kind: LONG,
        count: 1,
        data: v.to_be_bytes().to_vec(),
    }
}

/// Degrees as degrees, minutes and seconds (to 1/1000 s).
fn dms(tag: u16, deg: f64) -> Entry {
    let deg = deg.abs();
    let d = deg.trunc();
    let m = ((deg - d) * 60.0).trunc();
    let s = ((deg - d) * 60.0 - m) * 60.0;
    let mut data = Vec::new();
    for (num, den) in [
        (d as u32, 1u32),
        (m as u32, 1),
        ((s * 1000.0).round() as u32, 1000),
    ] {
        data.extend_from_slice(&num.to_be_bytes());
        data.extend_from_slice(&den.to_be_bytes());
    }
    Entry {
        tag,
        kind: RATIONAL,
        count: 3,
        data,
    }
}

/// One IFD placed at `start` (offsets from the TIFF header), values over 4 bytes after it.
fn ifd(start: u32, entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&(entries.len() as u16).to_be_bytes());
    let mut data_at = start + 2 + 12 * entries.len() as u32 + 4;
    let mut data = Vec::new();
    for e in entries {
        out.extend_from_slice(&e.tag.to_be_bytes());
        out.extend_from_slice(&e.kind.to_be_bytes());
        out.extend_from_slice(&e.count.to_be_bytes());
        if e.data.len() <= 4 {
            let mut inline = e.data.clone();
            inline.resize(4, 0);
            out.extend_from_slice(&inline);
        } else {
            out.extend_from_slice(&data_at.to_be_bytes());
            data.extend_from_slice(&e.data);
            if e.data.len() % 2 == 1 {
                data.push(0);
            }
            data_at = start + 2 + 12 * entries.len() as u32 + 4 + data.len() as u32;
        }
    }
    out.extend_from_slice(&0u32.to_be_bytes());
    out.extend_from_slice(&data);
    out
}

/// The TIFF body of the EXIF block (big-endian).
fn tiff(e: &ExifData) -> Vec<u8> {
    let ifd0 = |exif_at: u32, gps_at: u32| {
        vec![
            ascii(0x010F, &e.make),
            ascii(0x0110, &e.model),
            long(0x8769, exif_at),
            long(0x8825, gps_at),
        ]
    };
    let ifd0_len = ifd(8, &ifd0(0, 0)).len() as u32;
    let exif_at = 8 + ifd0_len;
    let exif_entries = vec![
        ascii(0x9003, &e.date_time_original),
        ascii(0x9011, &e.offset),
    ];
    let exif_ifd = ifd(exif_at, &exif_entries);
    let gps_at = exif_at + exif_ifd.len() as u32;
    let gps_entries = vec![
        Entry {
            tag: 0x0000,
            kind: BYTE,
            count: 4,
            data: vec![2, 3, 0, 0],
        },
        ascii(0x0001, if e.latitude >= 0.0 { "N" } else { "S" }),
        dms(0x0002, e.latitude),
        ascii(0x0003, if e.longitude >= 0.0 { "E" } else { "W" }),
        dms(0x0004, e.longitude),
    ];
    let mut out = b"MM\0\x2a\0\0\0\x08".to_vec();
    out.extend(ifd(8, &ifd0(exif_at, gps_at)));
    out.extend(exif_ifd);
    out.extend(ifd(gps_at, &gps_entries));
    out
}

/// `jpeg` with an EXIF APP1 segment right after its start-of-image marker.
pub fn with_exif(jpeg: &[u8], e: &ExifData) -> Vec<u8> {
    let mut body = b"Exif\0\0".to_vec();
    body.extend(tiff(e));
    let len = (body.len() + 2) as u16;
    let mut out = Vec::with_capacity(jpeg.len() + body.len() + 4);
    out.extend_from_slice(&jpeg[..2.min(jpeg.len())]);
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend(body);
    out.extend_from_slice(&jpeg[2.min(jpeg.len())..]);
    out
}
