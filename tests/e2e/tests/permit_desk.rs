//! The 大件运输 page in the real window against a real hub on loopback: carriers' submission
//! folders taken in by `casedesk-hub ingest-application`, the service point's desk staff signs
//! in and syncs, sees the day's applications with class, clock, materials and the day's
//! commitment, then closes the day (日结, after a confirmation): the seed is revealed, the draw
//! verified at the desk, and the drawn application marked 抽查; then the page in English.
//! Screenshots before and after closure, and in English.
//!
//! The tokens go to a 0600 file in the data folder (`CASEDESK_TOKEN_STORE=file`).

use std::path::Path;

use calamine::{open_workbook, Reader, Xlsx};
use casedesk_e2e::{ingest_application, start_hub, Res, Session};

/// A carrier's submission folder (the shared format), with every material a class II
/// fast-track application needs when `complete`.
fn submission_folder(dir: &Path, reference: &str, carrier_id: &str, complete: bool) -> Res<()> {
    std::fs::create_dir_all(dir)?;
    let mut materials = vec![
        ("measurement_video", "measurement.mp4"),
        ("watermarked_photos", "front.jpg"),
        ("dispatch_note", "dispatch.pdf"),
        ("carrier_commitment", "carrier-commitment.pdf"),
        ("manufacturer_commitment", "manufacturer-commitment.pdf"),
    ];
    if complete {
        materials.extend([
            ("application_form", "form.pdf"),
            ("operating_licence", "licence.pdf"),
            ("vehicle_licence", "vehicle.pdf"),
            ("agent_id", "agent.jpg"),
            ("agent_authorisation", "authorisation.pdf"),
        ]);
    }
    let manifest = serde_json::json!({
        "carrier_reference": reference,
        "service_point": "410783",
        "submitted_at": "2026-01-05T08:15:00+08:00",
        "carrier": {"name": "长垣市宏达重型运输有限公司", "credit_id": carrier_id},
        "manufacturer": {"name": "河南森源电气股份有限公司", "credit_id": "91410700725822691A"},
        "goods": "110kV 油浸式变压器",
        "tractor_plate": "豫GA1234",
        "trailer_plate": "豫GB567挂",
        "vehicle": {"height_mm": 4300, "width_mm": 3200, "length_mm": 21000,
                    "total_mass_kg": 79000, "axles": 6, "configuration": "combination",
                    "single_drive_axle": false, "single_tyre_axles": 0},
        "route": "within_province",
        "route_text": "长垣市 G230 → G4 京港澳高速 → 郑州市航空港区",
        "trips": "single",
        "track": "credit_fast_track",
        "travel_from": "2026-12-01",
        "travel_to": "2026-12-03",
        "materials": materials.iter()
            .map(|(m, f)| serde_json::json!({"material": m, "file": f}))
            .collect::<Vec<_>>(),
    });
    std::fs::write(dir.join("application.json"), manifest.to_string())?;
    for (_, f) in &materials {
        let bytes: Vec<u8> = if f.ends_with(".mp4") {
            b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41".to_vec()
        } else if f.ends_with(".jpg") {
            vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16]
        } else {
            format!("%PDF-1.7\n% {reference} {f}\n%%EOF\n").into_bytes()
        };
        std::fs::write(dir.join(f), bytes)?;
    }
    Ok(())
}

#[tokio::test]
async fn the_days_applications_and_its_closure_on_the_permit_page() -> Res<()> {
    std::env::set_var("CASEDESK_TOKEN_STORE", "file");
    let home = tempfile::tempdir()?;
    let hubdir = tempfile::tempdir()?;
    let (_hub, url) = start_hub(hubdir.path(), None)?;
    let db = hubdir.path().join("hub.db");
    let folders = hubdir.path().join("submissions");
    for (reference, carrier, complete) in [
        ("HD-20261130-001", "91410783MA9XL0HJ8A", true),
        ("HD-20261130-002", "91410783MA9XL0HJ8A", false),
        ("XY-20261130-007", "91410700725822691A", true),
    ] {
        let dir = folders.join(reference);
        submission_folder(&dir, reference, carrier, complete)?;
        ingest_application(&db, &dir)?;
    }

    let s = Session::start(home.path()).await?;
    s.sign_in(&url, "chen.jing").await?;
    s.sync_now().await?;

    s.click("[data-testid=nav-oversize]").await?;
    s.wait_text("[data-testid=oversize-count]", |t| t.contains('3'))
        .await?;
    let classes = s.texts("[data-testid=oversize-class]").await?;
    assert!(classes.iter().all(|c| c.contains("二类")), "{classes:?}");
    let clocks = s.texts("[data-testid=oversize-clock]").await?;
    assert!(clocks[0].contains("剩余 5 个工作日"), "{clocks:?}");
    assert!(clocks[1].contains("一次性告知书"), "{clocks:?}");
    let materials = s.texts("[data-testid=oversize-materials]").await?;
    assert!(materials[1].contains("缺 5 项"), "{materials:?}");
    s.wait_text("[data-testid=oversize-verification]", |t| {
        t.contains("尚未日结")
    })
    .await?;
    s.quiet().await?;
    s.screenshot("oversize.png").await?;

    // 导出Excel of the day (the save dialog skipped, as in the other export tests): the rows
    // the page lists, in its order, with the texts the CLI prints.
    let xlsx = home.path().join("大件运输.xlsx");
    s.invoke(
        "export_permit_applications",
        serde_json::json!({ "date": null, "path": xlsx }),
    )
    .await?;
    let listed = s.attrs("[data-testid=oversize-row]", "data-id").await?;
    let mut book: Xlsx<_> = open_workbook(&xlsx)?;
    let range = book.worksheet_range("大件运输")?;
    let ids: Vec<String> = range.rows().skip(1).map(|r| r[0].to_string()).collect();
    assert_eq!(ids, listed);
    let materials: Vec<String> = range.rows().skip(1).map(|r| r[13].to_string()).collect();
    assert!(materials[1].starts_with("缺 5 项"), "{materials:?}");
    // 打印 of the day: the same rows, worded as the page words them.
    let printed = s.print_sheet_rows("[data-testid=oversize-print]").await?;
    let printed_ids: Vec<&str> = printed
        .iter()
        .map(|r| r[0].split(' ').next().unwrap_or(""))
        .collect();
    assert_eq!(printed_ids, listed);
    assert!(printed[1][6].contains("缺 5 项"), "{printed:?}");

    // 日结 waits for decisions: with two complete applications undecided it says so, asking
    // nothing.
    s.click("[data-testid=oversize-close]").await?;
    s.wait_text(".el-message", |t| t.contains("未审核")).await?;
    let review = |row: usize| {
        format!("[data-testid=oversize-row]:nth-child({row}) [data-testid=oversize-review]")
    };
    // The first one's route crosses a bridge being strengthened: its review screen's 暂停计时
    // (reinforcement, from today) stops its clock, and it no longer holds the closure.
    s.click(&review(1)).await?;
    s.click("[data-testid=decision-clock-pause]").await?;
    s.click("[data-testid=decision-clock-confirm]").await?;
    s.wait_text("[data-testid=decision-clock-text]", |t| {
        t.contains("加固改造") && t.contains("暂停计时")
    })
    .await?;
    s.quiet().await?;
    s.screenshot("review-clock-paused.png").await?;
    s.click("[data-testid=review-back]").await?;
    s.wait_text(
        "[data-testid=oversize-row]:nth-child(1) [data-testid=oversize-clock]",
        |t| t.contains("暂停"),
    )
    .await?;
    // The other is reviewed from its row's 审核 (the review screen's panel): every item ticked,
    // then 通过, confirmed.
    s.click(&review(3)).await?;
    s.mark_every_item_met().await?;
    s.quiet().await?;
    s.screenshot("review-panel.png").await?;
    s.pass_review_and_go_back().await?;
    s.wait_text("[data-testid=oversize-report]", |t| t.contains("已审核 1"))
        .await?;
    s.find("[data-testid=oversize-pending][data-reason=clock_paused]")
        .await?;

    // 日结 asks first, says it cannot be undone, then the desk verifies the revealed draw.
    s.close_permit_day().await?;
    let marks = s
        .attrs("[data-testid=oversize-row]", "data-sampled")
        .await?;
    assert_eq!(
        marks.iter().filter(|m| *m == "random").count(),
        1,
        "{marks:?}"
    );
    s.find("[data-testid=oversize-seed]").await?;

    // The paused application carried over the closure: the reinforcement done, its clock
    // resumes (恢复计时) and it is decided.
    s.click(&review(1)).await?;
    s.click("[data-testid=decision-clock-resume]").await?;
    s.click("[data-testid=decision-clock-confirm]").await?;
    s.wait_text("[data-testid=decision-clock-text]", |t| t.contains("到期"))
        .await?;
    s.mark_every_item_met().await?;
    s.pass_review_and_go_back().await?;
    s.wait_text("[data-testid=oversize-report]", |t| t.contains("已审核 2"))
        .await?;
    s.quiet().await?;
    s.screenshot("oversize-closed.png").await?;

    // The same page in English: the computed texts and the verification follow the language.
    s.choose_display("[data-testid=language-switch] label:nth-child(2)")
        .await?;
    s.wait_text("[data-testid=oversize-verification]", |t| {
        t.contains("Verified")
    })
    .await?;
    let classes = s.texts("[data-testid=oversize-class]").await?;
    assert!(
        classes.iter().all(|c| c.contains("Class II")),
        "{classes:?}"
    );
    let materials = s.texts("[data-testid=oversize-materials]").await?;
    assert!(materials[1].contains("application form"), "{materials:?}");
    s.quiet().await?;
    s.screenshot("oversize-en.png").await?;
    s.stop().await?;
    Ok(())
}
