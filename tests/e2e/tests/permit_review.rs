//! 远程审核 in the real window against a real hub child process: the demo generator's
//! submission folders (real H.264 videos and JPEG photos made by ffmpeg) are taken in by
//! `casedesk-hub ingest-application`; desk staff signs in and syncs, the materials come down in
//! the background; an application is opened from the 大件运输 list, its measurement video plays
//! from the loopback media server and seeks (readyState and currentTime read through WebDriver),
//! a frame step moves about one frame, a note is pinned; a photo shows its EXIF; the re-encoded
//! video of demo folder 4 is flagged with a link that opens folder 1's application; the video
//! with a cut shows it. Screenshots `review-video.png`, `review-photo.png`, `review-reused.png`,
//! and the screen in English, `review-en.png`.
//!
//! It also measures the time from opening a cached video to its first frame (the page's click
//! to the `<video>`'s `loadeddata`) and the media server's time to first byte, and writes them
//! to `permit-review-timings.json` in the artifacts folder (docs/benchmarks.md).

use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use casedesk_e2e::{artifacts_dir, cli_binary, ingest_application, start_hub, Res, Session};

fn redated_ingest(db: &Path, folder: &Path) -> Res<()> {
    // Dated a few minutes ago: the generator's times of day may be later than now.
    let manifest = folder.join("application.json");
    let mut app: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest)?)?;
    let now = chrono::Utc::now() + chrono::Duration::hours(8) - chrono::Duration::minutes(3);
    app["submitted_at"] = now.format("%Y-%m-%dT%H:%M:%S+08:00").to_string().into();
    std::fs::write(&manifest, app.to_string())?;
    ingest_application(db, folder)
}

/// The video element's state, as the page sees it.
async fn video_state(s: &Session) -> Res<serde_json::Value> {
    Ok(s.client
        .execute(
            "const v = document.querySelector('[data-testid=video-element]'); \
             return v ? JSON.stringify({ready: v.readyState, t: v.currentTime, d: v.duration, \
             paused: v.paused, rate: v.playbackRate, src: v.currentSrc, error: v.error ? v.error.code : null}) : 'null';",
            vec![],
        )
        .await?
        .as_str()
        .map(serde_json::from_str)
        .transpose()?
        .unwrap_or(serde_json::Value::Null))
}

/// Waits until the video's state satisfies `ok` (20 s).
async fn wait_video(
    s: &Session,
    what: &str,
    ok: impl Fn(&serde_json::Value) -> bool,
) -> Res<serde_json::Value> {
    let started = Instant::now();
    loop {
        let v = video_state(s).await?;
        if !v.is_null() && ok(&v) {
            return Ok(v);
        }
        if started.elapsed() > Duration::from_secs(20) {
            return Err(format!("video: {what} not reached in 20 s: {v}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Opens the review of the row `id` and returns milliseconds from the click to the video's
/// first frame (`loadeddata`), measured by the page's clock.
async fn open_and_time_first_frame(s: &Session, id: &str) -> Res<f64> {
    s.client
        .execute(
            "window.__review = {}; \
             document.addEventListener('loadeddata', () => { \
               window.__review.loaded ??= performance.now(); }, {capture: true, once: true}); \
             const row = document.querySelector(`[data-testid=oversize-row][data-id=\"${arguments[0]}\"]`); \
             window.__review.open = performance.now(); row.click(); return true;",
            vec![id.into()],
        )
        .await?;
    let started = Instant::now();
    loop {
        let ms = s
            .client
            .execute(
                "const r = window.__review; return r && r.loaded ? r.loaded - r.open : null;",
                vec![],
            )
            .await?;
        if let Some(ms) = ms.as_f64() {
            return Ok(ms);
        }
        if started.elapsed() > Duration::from_secs(20) {
            return Err(format!("no first frame of {id}'s video in 20 s").into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Milliseconds from sending a GET for `url` (the loopback server's) to the first byte of the
/// answer, on a fresh connection.
fn first_byte_ms(url: &str) -> Res<f64> {
    let rest = url.strip_prefix("http://").ok_or("not an http URL")?;
    let (addr, path) = rest.split_once('/').ok_or("no path")?;
    let started = Instant::now();
    let mut c = std::net::TcpStream::connect(addr)?;
    c.write_all(
        format!(
            "GET /{path} HTTP/1.1\r\nHost: {addr}\r\nRange: bytes=0-\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    )?;
    let mut first = [0u8; 1];
    c.read_exact(&mut first)?;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let mut rest = Vec::new();
    c.read_to_end(&mut rest)?;
    Ok(ms)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::test]
async fn an_application_is_reviewed_from_its_video_and_photos() -> Res<()> {
    std::env::set_var("CASEDESK_TOKEN_STORE", "file");
    let home = tempfile::tempdir()?;
    let hubdir = tempfile::tempdir()?;
    let (_hub, url) = start_hub(hubdir.path(), None)?;
    let db = hubdir.path().join("hub.db");
    let media = hubdir.path().join("submissions");
    let out = Command::new(cli_binary())
        .args(["--json", "demo-media"])
        .arg(&media)
        .args(["--count", "5", "--seed", "2026"])
        .output()?;
    if !out.status.success() {
        return Err(format!("demo-media: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    let folders: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let folder = |i: usize| -> Res<String> {
        Ok(folders[i]["folder"]
            .as_str()
            .ok_or("a folder name")?
            .to_string())
    };
    // Folder 1 (clean), folder 4 (folder 1's video re-encoded), folder 5 (a video with a cut).
    for i in [0, 3, 4] {
        redated_ingest(&db, &media.join(folder(i)?))?;
    }

    let s = Session::start(home.path()).await?;
    s.sign_in(&url, "chen.jing").await?;
    s.sync_now().await?;

    s.click("[data-testid=nav-oversize]").await?;
    s.wait_text("[data-testid=oversize-count]", |t| t.contains('3'))
        .await?;
    let ids = s.attrs("[data-testid=oversize-row]", "data-id").await?;
    assert_eq!(ids.len(), 3, "{ids:?}");

    // The first open also waits for the background download (started by the sync).
    s.click(&format!(
        "[data-testid=oversize-row][data-id=\"{}\"] td",
        ids[0]
    ))
    .await?;
    s.find("[data-testid=review]").await?;
    s.wait_text("[data-testid=review-declared]", |t| t.contains("豫"))
        .await?;
    let v = wait_video(&s, "readyState >= 2", |v| v["ready"].as_u64() >= Some(2)).await?;
    assert!(
        v["src"]
            .as_str()
            .is_some_and(|u| u.starts_with("http://127.0.0.1:")),
        "{v}"
    );
    let duration = v["d"].as_f64().ok_or("a duration")?;
    assert!(duration > 2.0, "{v}");

    // Plays.
    s.click("[data-testid=video-play]").await?;
    wait_video(&s, "playing past 0.3 s", |v| v["t"].as_f64() > Some(0.3)).await?;
    s.click("[data-testid=video-play]").await?;
    wait_video(&s, "paused", |v| v["paused"] == true).await?;

    // Seeks (to a point the player must fetch by range).
    let target = (duration * 0.6 * 100.0).round() / 100.0;
    s.client
        .execute(
            "document.querySelector('[data-testid=video-element]').currentTime = arguments[0]; \
             return true;",
            vec![target.into()],
        )
        .await?;
    let v = wait_video(&s, "seeked", |v| {
        v["ready"].as_u64() >= Some(2) && v["t"].as_f64().is_some_and(|t| (t - target).abs() < 0.05)
    })
    .await?;
    let before = v["t"].as_f64().ok_or("time")?;

    // One frame forward (25 fps: 40 ms), then back.
    s.click("[data-testid=video-frame-forward]").await?;
    let v = wait_video(&s, "a frame later", |v| {
        v["t"].as_f64().is_some_and(|t| t > before + 0.01)
    })
    .await?;
    let step = v["t"].as_f64().ok_or("time")? - before;
    assert!((0.02..=0.07).contains(&step), "one frame: {step} s");
    s.click("[data-testid=video-frame-back]").await?;
    wait_video(&s, "a frame back", |v| {
        v["t"].as_f64().is_some_and(|t| t < before + step - 0.01)
    })
    .await?;

    // 0.5x, and a note pinned at the current time.
    s.click("[data-testid=video-speed] label:nth-child(1)")
        .await?;
    // WebKit's WebDriver returns from a click before the page has handled it, so the rate is
    // waited for rather than read once (CI once read 1.0 here).
    wait_video(&s, "0.5x", |v| v["rate"].as_f64() == Some(0.5)).await?;
    // The pin opens the verdict panel's note form at that time; the note is kept in the review's
    // draft (in the cache) and marks the timeline.
    s.click("[data-testid=video-pin]").await?;
    s.find("[data-testid=review-note-form]").await?;
    s.type_into("input[data-testid=review-note-text]", "卷尺未入镜")
        .await?;
    s.click("[data-testid=review-note-save]").await?;
    s.wait_text("[data-testid=review-note]", |t| t.contains("卷尺未入镜"))
        .await?;
    assert_eq!(s.count("[data-testid=video-note-marker]").await?, 1);
    let at = s.texts("[data-testid=review-note-at]").await?;
    assert!(at[0].starts_with("00:0"), "{at:?}");
    s.wait_text("[data-testid=video-time]", |t| t.contains("00:0"))
        .await?;
    s.quiet().await?;
    s.screenshot("review-video.png").await?;

    // The note's time seeks the video there.
    s.client
        .execute(
            "document.querySelector('[data-testid=video-element]').currentTime = 0; return true;",
            vec![],
        )
        .await?;
    wait_video(&s, "back at 0", |v| v["t"].as_f64() < Some(0.01)).await?;
    s.click("[data-testid=review-note-at]").await?;
    wait_video(&s, "at the note", |v| {
        v["t"].as_f64().is_some_and(|t| (t - before).abs() < 0.1)
    })
    .await?;

    // The verdict: one item not met with a remark, the rest met, 补正材料 (confirmed); the
    // one-time notice lists the unmet item.
    s.mark_every_item_met().await?;
    s.click(".review-item:nth-child(1) [data-testid=review-not-met]")
        .await?;
    s.type_into(
        ".review-item:nth-child(1) input[data-testid=review-remark]",
        "行驶证照片模糊",
    )
    .await?;
    s.wait_text("[data-testid=review-notice-lines]", |t| {
        t.contains("行驶证照片模糊")
    })
    .await?;
    s.click("[data-testid=review-more-material]").await?;
    s.confirm("一次性告知书").await?;
    s.wait_text("[data-testid=review-verdict]", |t| t.contains("补正材料"))
        .await?;
    s.quiet().await?;
    s.screenshot("review-verdict.png").await?;
    // The notice's native save dialog (GTK) cannot be driven through WebDriver: the page calls
    // the window's own `permit_notice` command with a path, as the dialog would.
    let notice = home.path().join("notice.pdf");
    s.invoke(
        "permit_notice",
        serde_json::json!({ "applicationId": ids[0], "path": notice }),
    )
    .await?;
    let pdf = std::fs::read(&notice)?;
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    let text = Command::new("pdftotext").arg(&notice).arg("-").output()?;
    let text = String::from_utf8_lossy(&text.stdout).replace(char::is_whitespace, "");
    assert!(text.contains("行驶证照片模糊"), "{text}");
    assert!(text.contains(&ids[0]), "{text}");

    // A photo with its EXIF beside the declaration.
    s.click("[data-testid=review-material][data-file=\"front.jpg\"]")
        .await?;
    s.wait_text("[data-testid=photo-captured]", |t| t.contains("2026"))
        .await?;
    s.wait_text("[data-testid=photo-gps]", |t| t.contains('.'))
        .await?;
    s.find("[data-testid=evidence-photo-box][data-fitted=yes]")
        .await?;
    s.quiet().await?;
    s.screenshot("review-photo.png").await?;

    // The re-encoded video names the first application; its link opens it.
    s.click("[data-testid=review-back]").await?;
    s.find("[data-testid=oversize-view]").await?;
    s.click(&format!(
        "[data-testid=oversize-row][data-id=\"{}\"] td",
        ids[1]
    ))
    .await?;
    s.wait_text("[data-testid=finding-reused]", |t| t.contains(&ids[0]))
        .await?;
    wait_video(&s, "readyState >= 2", |v| v["ready"].as_u64() >= Some(2)).await?;
    s.quiet().await?;
    s.screenshot("review-reused.png").await?;
    // Waited for by its id: the review that was open also reads 豫, and a click returns before
    // the page has handled it.
    s.click("[data-testid=finding-reused-link]").await?;
    s.find(&format!("[data-testid=review][data-id=\"{}\"]", ids[0]))
        .await?;
    assert_eq!(s.count("[data-testid=review]").await?, 1);
    // Its video was handed in again later (folder 4): said as such, not as a reuse.
    s.wait_text("[data-testid=finding-reused-later]", |t| {
        t.contains(&ids[1])
    })
    .await?;
    assert_eq!(s.count("[data-testid=finding-reused]").await?, 0);
    s.click("[data-testid=review-back]").await?;
    s.find(&format!("[data-testid=review][data-id=\"{}\"]", ids[1]))
        .await?;
    assert_eq!(s.count("[data-testid=review]").await?, 1);
    s.click("[data-testid=review-back]").await?;

    // The video with a cut says where.
    s.click(&format!(
        "[data-testid=oversize-row][data-id=\"{}\"] td",
        ids[2]
    ))
    .await?;
    s.wait_text("[data-testid=finding-cuts]", |t| t.contains("00:0"))
        .await?;
    s.click("[data-testid=review-back]").await?;
    s.find("[data-testid=oversize-view]").await?;

    // Time from opening a cached video to its first frame, and the server's first byte.
    let mut open_ms = Vec::new();
    for _ in 0..5 {
        open_ms.push(open_and_time_first_frame(&s, &ids[0]).await?);
        s.click("[data-testid=review-back]").await?;
        s.find("[data-testid=oversize-view]").await?;
    }
    open_and_time_first_frame(&s, &ids[0]).await?;
    let src = video_state(&s).await?["src"]
        .as_str()
        .ok_or("the video's URL")?
        .to_string();
    let byte_ms = (0..20)
        .map(|_| first_byte_ms(&src))
        .collect::<Res<Vec<f64>>>()?;
    let timings = serde_json::json!({
        "open_to_loadeddata_ms": open_ms,
        "open_to_loadeddata_median_ms": median(open_ms.clone()),
        "server_first_byte_ms": byte_ms,
        "server_first_byte_median_ms": median(byte_ms.clone()),
    });
    eprintln!("permit review timings: {timings}");
    std::fs::write(
        artifacts_dir().join("permit-review-timings.json"),
        timings.to_string(),
    )?;

    // The same screen in English.
    s.choose_display("[data-testid=language-switch] label:nth-child(2)")
        .await?;
    s.wait_text("[data-testid=review]", |t| t.contains("Remote review"))
        .await?;
    s.wait_text("[data-testid=finding-reused-later]", |t| {
        t.contains("Handed in again with a later application")
    })
    .await?;
    s.quiet().await?;
    s.screenshot("review-en.png").await?;

    // 日结: the complete applications still undecided get their verdicts from their rows' 审核
    // (every item met, 通过); then the day closes, the desk verifies the revealed draw, and the list shows which
    // were sampled.
    s.choose_display("[data-testid=language-switch] label:nth-child(1)")
        .await?;
    s.click("[data-testid=review-back]").await?;
    s.find("[data-testid=oversize-view]").await?;
    // The day's report names the complete applications still awaiting a verdict.
    let awaiting = s
        .texts("[data-testid=oversize-pending][data-reason=awaiting_verdict] span:first-child")
        .await?;
    for id in &awaiting {
        s.click(&format!(
            "[data-testid=oversize-row][data-id=\"{id}\"] [data-testid=oversize-review]"
        ))
        .await?;
        s.mark_every_item_met().await?;
        s.pass_review_and_go_back().await?;
    }
    s.close_permit_day().await?;
    let sampled = s
        .attrs("[data-testid=oversize-row]", "data-sampled")
        .await?;
    assert!(
        sampled.iter().any(|m| m == "random"),
        "at least one drawn at random: {sampled:?}"
    );
    s.quiet().await?;
    s.screenshot("review-day-closed.png").await?;
    s.stop().await?;
    Ok(())
}
