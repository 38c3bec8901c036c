//! The 同步 page in the real window against a real hub on loopback: sign in, sync, see what
//! was pulled and what the hub refused (kept with its reason), and the screenshot of the page.
//!
//! The tokens go to a 0600 file in the data folder (`CASEDESK_TOKEN_STORE=file`): the test
//! machine has no unlocked Secret Service for the app's session; the keyring path is the
//! default everywhere else.

use casedesk_e2e::{cli, cli_json, cli_login, start_hub, Res, Session};

#[tokio::test]
async fn sign_in_sync_and_see_refusals_on_the_sync_page() -> Res<()> {
    std::env::set_var("CASEDESK_TOKEN_STORE", "file");
    let home = tempfile::tempdir()?;
    let hubdir = tempfile::tempdir()?;
    let data = home.path().join("casedesk");
    let (_hub, url) = start_hub(hubdir.path(), None)?;
    // Another officer of 长垣, li.na, at a desk of her own (the CLI's).
    let other = home.path().join("li.na");
    cli_login(&other, &url, "li.na")?;
    cli(&other, &["sync"])?;

    let s = Session::start(home.path()).await?;
    s.click("[data-testid=nav-sync]").await?;
    s.find("[data-testid=sync-signin]").await?;
    s.type_into("[data-testid=sync-hub-url] input", &url)
        .await?;
    s.type_into("[data-testid=sync-username] input", "zhang.wei")
        .await?;
    s.type_into("[data-testid=sync-password] input", "casedesk-demo")
        .await?;
    s.click("[data-testid=sync-signin-submit]").await?;
    s.wait_text("[data-testid=sync-user]", |t| t.contains("zhang.wei"))
        .await?;

    s.click("[data-testid=sync-now]").await?;
    s.wait_text("[data-testid=sync-result]", |t| {
        t.chars().any(|c| c.is_ascii_digit())
    })
    .await?;
    // li.na claims a pending order first; zhang.wei's claim of it, made later at this desk,
    // is refused by the hub and stays with the reason (who holds it).
    let page = cli_json(&data, &["list", "--status", "pending", "--page-size", "1"])?;
    let taken = page["rows"][0]["order_no"]
        .as_str()
        .ok_or("a pending order pulled from the hub")?
        .to_string();
    cli(&other, &["claim", &taken])?;
    cli(&other, &["sync"])?;
    cli(&data, &["claim", &taken])?;
    s.click("[data-testid=sync-now]").await?;
    let refused = s
        .wait_any_text("[data-testid=refusal-row]", |t| t.contains(&taken))
        .await?;
    assert!(
        refused.contains("li.na"),
        "the refusal names who holds it: {refused}"
    );
    s.screenshot("sync.png").await?;

    // The hub's orders of 长垣市 are in the cache now (the hub's demo: 300 of 长垣, 30 of
    // 获嘉), and the refused claim is still queued.
    let status = cli_json(&data, &["status"])?;
    assert_eq!(status["order_count"], 300, "{status}");
    let outbox = cli_json(&data, &["outbox"])?;
    assert!(
        outbox
            .as_array()
            .is_some_and(|o| o.iter().any(|e| e["entity_key"] == taken.as_str())),
        "the refused claim is kept: {outbox}"
    );
    s.stop().await?;
    Ok(())
}
