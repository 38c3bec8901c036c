//! Evidence in the window, without the window: the granting rule (only files the user chose or
//! dropped can be attached), the `evidence:` scheme's answers, and the listing with who attached
//! each file and when.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use casedesk_app::{
    record_rectification_granted, Clock, Desk, ErrorCode, FileGrants, HandlingMethod, InboxFilter,
    GRANT_TTL,
};
use casedesk_domain::Status;
use chrono::NaiveDate;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n...pixels...";

fn clock() -> Clock {
    Clock::Fixed(
        NaiveDate::from_ymd_opt(2026, 11, 24)
            .and_then(|d| d.and_hms_opt(9, 30, 0))
            .expect("time"),
    )
}

/// A desk with a handled order waiting for its rectification.
fn handled_order(dir: &Path) -> (Desk, i64) {
    let mut desk = Desk::open_with_clock(&dir.join("data"), clock()).expect("open");
    desk.load_demo(120, 7).expect("demo");
    let q = InboxFilter {
        status: vec![Status::Pending],
        ..Default::default()
    };
    let id = desk
        .list_inbox(&q)
        .expect("inbox")
        .rows
        .iter()
        .find(|r| !r.whitelisted)
        .expect("a pending order")
        .id;
    desk.claim(id).expect("claim");
    desk.handle(id, HandlingMethod::Education, "已约谈", "")
        .expect("handle");
    (desk, id)
}

fn stored_count(dir: &Path) -> usize {
    fn walk(d: &Path) -> usize {
        std::fs::read_dir(d)
            .map(|rd| {
                rd.flatten()
                    .map(|e| {
                        let p = e.path();
                        if p.is_dir() {
                            walk(&p)
                        } else {
                            1
                        }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    walk(&dir.join("data/evidence/sha256"))
}

#[test]
fn an_ungranted_file_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let photo = dir.path().join("照片.png");
    std::fs::write(&photo, PNG).expect("photo");
    let (desk, id) = handled_order(dir.path());
    let unsent = desk.status().expect("status").unsent;
    let desk = Mutex::new(desk);
    let grants = Mutex::new(FileGrants::default());

    // The page names a path (or makes up an id): neither was granted.
    for forged in [photo.to_string_lossy().into_owned(), "0".repeat(32)] {
        let err = record_rectification_granted(&desk, &grants, id, "整改", &[forged])
            .expect_err("not granted");
        assert_eq!(err.code, ErrorCode::FileNotGranted);
        assert!(
            err.text(casedesk_app::Lang::Zh).contains("选择文件"),
            "{}",
            err.text(casedesk_app::Lang::Zh)
        );
    }
    let d = desk.lock().expect("desk");
    assert_eq!(d.order(id).expect("order").row.status, Status::Handled);
    assert_eq!(d.status().expect("status").unsent, unsent);
    assert_eq!(stored_count(dir.path()), 0, "no file was copied");
}

#[test]
fn a_granted_file_is_attached_once_and_its_grant_ends() {
    let dir = tempfile::tempdir().expect("tempdir");
    let photo = dir.path().join("现场照片.png");
    std::fs::write(&photo, PNG).expect("photo");
    let heic = dir.path().join("IMG_0001.HEIC");
    std::fs::write(&heic, b"....ftypheic").expect("heic");
    let (desk, id) = handled_order(dir.path());
    let grants = Mutex::new(FileGrants::default());
    let offered = grants.lock().expect("grants").offer(
        &evidence_store(&desk),
        vec![photo.clone(), heic],
        Instant::now(),
    );
    // The photo gets an id; the HEIC is refused by name (no folder), saying what is accepted.
    assert_eq!(offered[0].file_name, "现场照片.png");
    assert_eq!(offered[0].size, Some(PNG.len() as u64));
    let photo_id = offered[0].id.clone().expect("granted");
    let refusal = offered[1].refusal.as_ref().expect("refused");
    assert!(offered[1].id.is_none());
    assert_eq!(refusal.code, ErrorCode::FileTypeMismatch);
    assert!(
        refusal
            .text(casedesk_app::Lang::Zh)
            .starts_with("IMG_0001.HEIC"),
        "{}",
        refusal.text(casedesk_app::Lang::Zh)
    );
    assert!(
        refusal.text(casedesk_app::Lang::Zh).contains("jpg"),
        "{}",
        refusal.text(casedesk_app::Lang::Zh)
    );
    assert!(!refusal
        .text(casedesk_app::Lang::En)
        .contains(&dir.path().to_string_lossy().into_owned()));

    let desk = Mutex::new(desk);
    let d = record_rectification_granted(
        &desk,
        &grants,
        id,
        "已整改",
        std::slice::from_ref(&photo_id),
    )
    .expect("attached");
    assert_eq!(d.row.status, Status::Rectified);
    assert_eq!(stored_count(dir.path()), 1);
    // The grant was used up: the same id cannot attach the file again.
    let again = grants
        .lock()
        .expect("grants")
        .paths(&[photo_id], Instant::now());
    assert!(again.is_err());

    let listed = desk.lock().expect("desk").order_evidence(id).expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].file_name, "现场照片.png");
    assert_eq!(listed[0].attached_by, "张伟");
    assert_eq!(listed[0].attached_at, "2026-11-24 09:30");
}

/// The store a desk copies into (grants judge files with the same rules).
fn evidence_store(desk: &Desk) -> casedesk_store::EvidenceStore {
    desk.evidence_store()
}

#[test]
fn grants_expire() {
    let dir = tempfile::tempdir().expect("tempdir");
    let photo = dir.path().join("p.png");
    std::fs::write(&photo, PNG).expect("photo");
    let (desk, _) = handled_order(dir.path());
    let mut grants = FileGrants::default();
    let then = Instant::now();
    let id = grants.offer(&evidence_store(&desk), vec![photo.clone()], then)[0]
        .id
        .clone()
        .expect("granted");
    assert_eq!(
        grants
            .paths(std::slice::from_ref(&id), then + Duration::from_secs(60))
            .expect("fresh"),
        vec![photo]
    );
    assert!(grants
        .paths(&[id], then + GRANT_TTL + Duration::from_secs(1))
        .is_err());
}

#[test]
fn the_scheme_serves_only_the_caches_evidence_by_hash_with_ranges() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = dir.path().join("整改报告.pdf");
    let bytes: Vec<u8> = [b"%PDF-1.4\n".as_slice(), &[b'x'; 1000]].concat();
    std::fs::write(&pdf, &bytes).expect("pdf");
    let (mut desk, id) = handled_order(dir.path());
    let d = desk
        .record_rectification(id, "整改", &[pdf])
        .expect("rectify");
    let hash = d.timeline.last().expect("entry").evidence[0].hash.clone();
    let server = desk.evidence_server().expect("server");

    let whole = server.answer(&format!("/{hash}"), None);
    assert_eq!((whole.status, whole.content_type), (200, "application/pdf"));
    assert_eq!(whole.body, bytes);

    let part = server.answer(&format!("/{hash}"), Some("bytes=0-8"));
    assert_eq!(part.status, 206);
    assert_eq!(part.body, b"%PDF-1.4\n");
    assert_eq!(part.content_range.as_deref(), Some("bytes 0-8/1009"));
    let tail = server.answer(&format!("/{hash}"), Some("bytes=-9"));
    assert_eq!(tail.body, vec![b'x'; 9]);
    let beyond = server.answer(&format!("/{hash}"), Some("bytes=5000-"));
    assert_eq!(beyond.status, 416);
    assert_eq!(beyond.content_range.as_deref(), Some("bytes */1009"));

    // Bytes in the store that no order of this cache names are not served, nor is anything
    // that is not a hash.
    let stray = dir.path().join("stray.png");
    std::fs::write(&stray, PNG).expect("stray");
    let grants_store = evidence_store(&desk);
    let stray_hash = grants_store.import(&stray).expect("import").hash;
    for path in [
        format!("/{stray_hash}"),
        format!("/{}", "0".repeat(64)),
        "/../../cache.sqlite".to_string(),
        format!("/{}", hash.to_uppercase()),
        "/".to_string(),
    ] {
        assert_eq!(server.answer(&path, None).status, 404, "{path}");
    }

    // The CLI's export writes the same bytes.
    let out = dir.path().join("out.pdf");
    assert_eq!(desk.export_evidence(&hash, &out).expect("export"), 1009);
    assert_eq!(std::fs::read(&out).expect("read"), bytes);
    let err = desk
        .export_evidence(&stray_hash, &PathBuf::from("/tmp/x"))
        .expect_err("not the cache's");
    assert_eq!(err.code, ErrorCode::NotFound);
}
