//! What the hub's test binaries share: a carrier's submission in the shared folder format, with
//! files whose first bytes are their kinds'.

use casedesk_hub::clock::beijing_now;
use serde_json::json;

pub fn mp4_bytes(seed: u8) -> Vec<u8> {
    let mut b = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41".to_vec();
    b.extend((0..4000u32).map(|i| (i as u8).wrapping_mul(seed)));
    b
}

pub fn jpeg_bytes(seed: u8) -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
    b.extend((0..2000u32).map(|i| (i as u8) ^ seed));
    b
}

pub fn pdf_bytes(text: &str) -> Vec<u8> {
    format!("%PDF-1.7\n% {text}\n%%EOF\n").into_bytes()
}

/// A submission of the shared folder format, and its files.
pub fn submission(
    reference: &str,
    service_point: &str,
) -> (serde_json::Value, Vec<(String, Vec<u8>)>) {
    let s = json!({
        "carrier_reference": reference,
        "service_point": service_point,
        "submitted_at": (beijing_now() - chrono::Duration::minutes(5)).format("%Y-%m-%dT%H:%M:%S+08:00").to_string(),
        "carrier": {"name": "长垣市宏达重型运输有限公司", "credit_id": "91410783MA9XL0HJ8A"},
        "manufacturer": {"name": "河南森源电气股份有限公司", "credit_id": "91410700725822691A"},
        "goods": "110kV 油浸式变压器",
        "tractor_plate": "豫GA1234",
        "trailer_plate": "豫GB567挂",
        "vehicle": {"height_mm": 4300, "width_mm": 3200, "length_mm": 21000, "total_mass_kg": 79000,
                    "axles": 6, "configuration": "combination", "single_drive_axle": false,
                    "single_tyre_axles": 0},
        "route": "within_province",
        "route_text": "长垣市 G230 → G4 京港澳高速 → 郑州市航空港区",
        "trips": "single",
        "track": "credit_fast_track",
        "travel_from": "2026-12-01",
        "travel_to": "2026-12-03",
        "materials": [
            {"material": "measurement_video", "file": "measurement.mp4"},
            {"material": "watermarked_photos", "file": "front.jpg"},
            {"material": "watermarked_photos", "file": "side.jpg"},
            {"material": "dispatch_note", "file": "dispatch.pdf"}
        ]
    });
    let files = vec![
        ("measurement.mp4".to_string(), mp4_bytes(7)),
        ("front.jpg".to_string(), jpeg_bytes(1)),
        ("side.jpg".to_string(), jpeg_bytes(2)),
        ("dispatch.pdf".to_string(), pdf_bytes(reference)),
    ];
    (s, files)
}
