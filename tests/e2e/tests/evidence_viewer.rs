//! Evidence in the real window: a photo (a real 1600×1200 PNG) and a two-page PDF are chosen
//! through the app's chooser, with a HEIC that is refused beside the field; the record is made,
//! and each file opens in the viewer inside the app: the photo is decoded (naturalWidth > 0) and
//! zooms, the PDF is drawn by the bundled pdf.js and shows its page count, with size, SHA-256,
//! who attached it and when beside them.
//!
//! The native chooser is a window WebDriver cannot reach, so the app is started with
//! `CASEDESK_TEST_CHOOSER` naming what the chooser returns; the files still go through the
//! backend's judging and granting. Dragging files onto the window cannot be synthesised through
//! WebDriver in WebKitGTK: the drop path (drop event → grant → attach, and a path from the page
//! refused) is tested in Rust (`src-tauri/src/commands.rs`,
//! `dropped_files_are_granted_and_only_they_attach`).

use std::ffi::OsString;

use casedesk_e2e::{cli, cli_json, photo_png, small_pdf, Res, Session};

const INBOX: &str = "[data-testid=inbox-view]";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_and_pdfs_open_in_the_viewer() -> Res<()> {
    let home = tempfile::tempdir()?;
    let files = tempfile::tempdir()?;
    let data = home.path().join("casedesk");
    let photo = files.path().join("整改现场照片.png");
    std::fs::write(&photo, photo_png(1600, 1200))?;
    let pdf = files.path().join("整改报告.pdf");
    std::fs::write(&pdf, small_pdf(2))?;
    let heic = files.path().join("IMG_0001.HEIC");
    std::fs::write(&heic, b"\0\0\0\x18ftypheic\0\0\0\0mif1heic")?;

    // An order claimed and handled through the CLI, waiting for its rectification.
    cli(&data, &["demo", "--orders", "300"])?;
    let pending = cli_json(&data, &["list", "--status", "pending"])?;
    let no = pending["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["whitelisted"] == false))
        .and_then(|r| r["order_no"].as_str())
        .ok_or("no pending order")?
        .to_string();
    cli(&data, &["claim", &no])?;
    cli(
        &data,
        &[
            "handle",
            &no,
            "--method",
            "education",
            "--result",
            "已约谈企业负责人",
        ],
    )?;

    let chooser: OsString = std::env::join_paths([&photo, &pdf, &heic])?;
    let s = Session::start_with(home.path(), &[("CASEDESK_TEST_CHOOSER", &chooser)]).await?;
    s.find("[data-testid=inbox-row]").await?;
    s.search(INBOX, &no).await?;
    s.open_row_with(INBOX, &no).await?;
    s.wait_text("[data-testid=order-status]", |t| t.contains("已处置"))
        .await?;

    // 记录整改 with the chooser: the photo and the PDF are listed, the HEIC is refused beside
    // the field with what is accepted.
    s.click("[data-testid=action-record-rectification]").await?;
    s.type_into(
        "[data-testid=rectification-description] textarea",
        "企业已整改，附现场照片和整改报告",
    )
    .await?;
    let accepted = s.text_of("[data-testid=rectification-accepted]").await?;
    assert!(
        accepted.contains("JPG") && accepted.contains("PDF"),
        "{accepted}"
    );
    assert!(
        !accepted.contains("HEIC") && !accepted.contains("GIF"),
        "{accepted}"
    );
    s.click("[data-testid=rectification-file-choose]").await?;
    let listed = s
        .wait_text("[data-testid=rectification-file-list]", |t| {
            t.contains("整改现场照片.png") && t.contains("整改报告.pdf")
        })
        .await?;
    assert!(!listed.contains("HEIC"), "{listed}");
    let refused = s
        .wait_text("[data-testid=rectification-file-refused]", |t| {
            t.contains("IMG_0001.HEIC")
        })
        .await?;
    assert!(refused.contains("jpg"), "says what is accepted: {refused}");
    assert!(
        !refused.contains(files.path().to_str().ok_or("utf8")?),
        "names the file, not its folder: {refused}"
    );
    settle_paint().await;
    s.screenshot("evidence-form-refused.png").await?;
    s.click("[data-testid=rectification-submit]").await?;
    s.wait_text("[data-testid=order-status]", |t| t.contains("已整改"))
        .await?;
    s.wait_text("[data-testid=timeline]", |t| t.contains("整改报告.pdf"))
        .await?;

    // The photo opens decoded, fitted, and zooms.
    let hashes = cli_json(&data, &["evidence", "list", &no])?;
    let photo_hash = hashes[0]["hash"].as_str().ok_or("hash")?.to_string();
    s.click("[data-testid=evidence-open]").await?;
    s.find("[data-testid=evidence-viewer]").await?;
    let decoded = wait_for_script(
        &s,
        "const i = document.querySelector('[data-testid=evidence-photo]');\
         return i && i.complete ? i.naturalWidth : 0;",
    )
    .await?;
    assert_eq!(decoded, 1600, "the photo decodes at its own width");
    assert_eq!(
        s.text_of("[data-testid=evidence-info-hash]").await?.trim(),
        photo_hash
    );
    let size = s.text_of("[data-testid=evidence-info-size]").await?;
    assert!(size.contains("MB"), "{size}");
    let by = s.text_of("[data-testid=evidence-info-by]").await?;
    assert!(!by.trim().is_empty());
    // The load handler fits the photo; `complete` above can be seen before it has run.
    s.find("[data-testid=evidence-photo-box][data-fitted=yes]")
        .await?;
    let fitted = s.text_of("[data-testid=evidence-zoom-level]").await?;
    s.click("[data-testid=evidence-zoom-in]").await?;
    let zoomed = s
        .wait_text("[data-testid=evidence-zoom-level]", |t| t != fitted)
        .await?;
    assert!(percent(&zoomed) > percent(&fitted), "{fitted} -> {zoomed}");
    settle_paint().await;
    s.screenshot("evidence-photo.png").await?;

    // The PDF: the next file, drawn by pdf.js (bundled worker), with its page count.
    s.click(".evidence-others li:nth-child(2) button").await?;
    s.wait_text("[data-testid=evidence-pdf-pages]", |t| t.contains("/ 2"))
        .await?;
    let drawn = wait_for_script(
        &s,
        "const c = document.querySelector('[data-testid=evidence-pdf-canvas]');\
         if (!c || c.width === 0) return 0;\
         const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;\
         let dark = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 100) dark++;\
         return dark;",
    )
    .await?;
    assert!(drawn > 100, "the page has ink: {drawn} dark pixels");
    s.click("[data-testid=evidence-page-next]").await?;
    s.wait_text("[data-testid=evidence-pdf-pages]", |t| t.contains("2 / 2"))
        .await?;
    settle_paint().await;
    s.screenshot("evidence-pdf.png").await?;
    s.stop().await?;
    Ok(())
}

/// WebKitGTK under Xvfb paints a large image or canvas a moment after the page has it: the
/// screenshot waits for that, so that it shows what the assertions saw.
async fn settle_paint() {
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
}

/// The number in "125%".
fn percent(t: &str) -> u32 {
    t.chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or(0)
}

/// Runs `script` until it returns a number above zero (15 s at most).
async fn wait_for_script(s: &Session, script: &str) -> Res<i64> {
    let started = std::time::Instant::now();
    loop {
        let v = s
            .client
            .execute(script, vec![])
            .await?
            .as_i64()
            .unwrap_or(0);
        if v > 0 {
            return Ok(v);
        }
        if started.elapsed() > std::time::Duration::from_secs(15) {
            let shot = s.screenshot("evidence-viewer-failure.png").await?;
            return Err(format!("nothing after 15 s: {script} (see {})", shot.display()).into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}
