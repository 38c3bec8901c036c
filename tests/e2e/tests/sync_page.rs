//! The 同步 page in the real window against a real hub on loopback: sign in, sync, see what
//! was pulled and what the hub refused (kept with its reason), and the screenshot of the page.
//!
//! The tokens go to a 0600 file in the data folder (`CASEDESK_TOKEN_STORE=file`): the test
//! machine has no unlocked Secret Service for the app's session; the keyring path is the
//! default everywhere else.

use casedesk_e2e::{cli, cli_json, start_hub, Res, Session};

#[tokio::test]
async fn sign_in_sync_and_see_refusals_on_the_sync_page() -> Res<()> {
    let home = tempfile::tempdir()?;
    let hubdir = tempfile::tempdir()?;
    let data = home.path().join("casedesk");
    let (_hub, url) = start_hub(hubdir.path(), None)?;
    // The desk's own demo orders are unknown to the hub: a claim of one is refused there.
    cli(&data, &["demo", "--orders", "200"])?;
    let page = cli_json(&data, &["list", "--status", "pending", "--page-size", "1"])?;
    let local = page["rows"][0]["order_no"]
        .as_str()
        .ok_or("a pending demo order")?
        .to_string();
    cli(&data, &["claim", &local])?;

    std::env::set_var("CASEDESK_TOKEN_STORE", "file");
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
    // The claim of the desk-only order stays, refused, with the hub's reason.
    let refused = s
        .wait_any_text("[data-testid=refusal-row]", |t| t.contains(&local))
        .await?;
    assert!(
        refused.chars().count() > local.chars().count() + 4,
        "{refused}"
    );
    s.screenshot("sync.png").await?;

    // The hub's orders of 长垣市 are in the cache now, and the refused claim is still queued.
    let pulled = cli_json(&data, &["list", "--page-size", "500"])?;
    let hub_orders = pulled["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter(|r| r["order_no"].as_str().is_some_and(|n| n.contains("0783")))
                .count()
        })
        .unwrap_or(0);
    assert!(hub_orders > 0, "pulled orders in the cache");
    let outbox = cli_json(&data, &["outbox"])?;
    assert!(
        outbox
            .as_array()
            .is_some_and(|o| o.iter().any(|e| e["entity_key"] == local.as_str())),
        "the refused claim is kept: {outbox}"
    );
    s.stop().await?;
    Ok(())
}
