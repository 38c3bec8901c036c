//! When the desk cannot open its cache at start-up, the user who started it from the menu sees
//! no terminal: the real app must show a window saying why, in both languages, with the data
//! folder, instead of vanishing. Provoked here with a malformed `catalog.json` in the data folder
//! (a supervisor's override file that someone broke), which the desk refuses with its reason.

use casedesk_e2e::{Res, Session};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cache_that_cannot_open_is_explained_in_a_window() -> Res<()> {
    let home = tempfile::tempdir()?;
    let data = home.path().join("casedesk");
    std::fs::create_dir_all(&data)?;
    std::fs::write(data.join("catalog.json"), "{ \"entries\": [ 这不是 JSON")?;

    let s = Session::start(home.path()).await?;
    let zh = s
        .wait_text("#reason-zh", |t| t.contains("catalog.json"))
        .await?;
    let en = s
        .wait_text("#reason-en", |t| t.contains("catalog.json"))
        .await?;
    let folder = s.text_of("#data-dir").await?;
    s.screenshot("startup-error.png").await?;
    assert!(
        zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "the Chinese reason is Chinese: {zh}"
    );
    assert!(
        !en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "the English reason has no Chinese: {en}"
    );
    assert_eq!(
        folder,
        data.display().to_string(),
        "the data folder is named"
    );
    // The desk itself did not load: none of its views is in the page.
    assert_eq!(s.count("[data-testid=inbox-view]").await?, 0);
    s.stop().await?;
    Ok(())
}
