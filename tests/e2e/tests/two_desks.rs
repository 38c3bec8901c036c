//! Two desks (two built apps under Xvfb, each with its own data folder) against one hub: both
//! sign in and pull; the hub goes down; both claim the same order while it is away; the hub
//! comes back and both sync. Whoever reached the hub first keeps the order; the other sees the
//! refusal naming the holder on its 同步 page, and its own claim stays in the order's history.
//! Then the city's supervisor signs in, finds the loser's claim on the attention list (待关注事项)
//! and resolves it with a note. Screenshots of the three 同步 pages.
//!
//! The tokens go to a 0600 file in each data folder (`CASEDESK_TOKEN_STORE=file`): the test
//! machine has no unlocked Secret Service for the apps' sessions.

use casedesk_e2e::{cli_json, start_hub, Res, Session};

const INBOX: &str = "[data-testid=inbox-view]";

/// Opens the order by its number among all orders (an exact number opens it; the default view,
/// 待我办理, leaves out an order someone else holds).
async fn open_order(s: &Session, order_no: &str) -> Res<()> {
    s.click("[data-testid=nav-orders]").await?;
    s.click(&format!("{INBOX} [data-testid=view-all]")).await?;
    s.search(INBOX, order_no).await?;
    s.drawer_settled().await?;
    s.wait_text("[data-testid=order-no]", |t| t.contains(order_no))
        .await?;
    Ok(())
}

async fn claim(s: &Session, order_no: &str) -> Res<()> {
    open_order(s, order_no).await?;
    s.click("[data-testid=action-claim]").await?;
    s.wait_text("[data-testid=order-status]", |t| t.contains("已认领"))
        .await?;
    s.close_drawer().await
}

#[tokio::test]
async fn two_desks_claim_the_same_order_while_the_hub_is_away() -> Res<()> {
    std::env::set_var("CASEDESK_TOKEN_STORE", "file");
    let hubdir = tempfile::tempdir()?;
    let (hub, url) = start_hub(hubdir.path(), None)?;
    let listen = url.trim_start_matches("http://").to_string();
    let (home_a, home_b) = (tempfile::tempdir()?, tempfile::tempdir()?);
    let a = Session::start(home_a.path()).await?;
    let b = Session::start(home_b.path()).await?;
    let desks = [(&a, "zhang.wei"), (&b, "li.na")];
    for (s, user) in desks {
        s.sign_in(&url, user).await?;
        s.sync_now().await?;
    }
    let page = cli_json(
        &home_a.path().join("casedesk"),
        &["list", "--status", "pending", "--page-size", "1"],
    )?;
    let no = page["rows"][0]["order_no"]
        .as_str()
        .ok_or("a pending order pulled from the hub")?
        .to_string();

    // The hub goes away; both officers claim the same order meanwhile.
    drop(hub);
    for (s, _) in desks {
        claim(s, &no).await?;
    }
    // Back on the same address and database. The background syncs may send before the
    // buttons do: whoever reaches the hub first keeps the order, which is the rule.
    let (_hub, _) = start_hub(hubdir.path(), Some(&listen))?;
    for (s, _) in desks {
        s.sync_now().await?;
    }
    // Once more, so that the first desk's pull brings the other's state too.
    for (s, _) in desks {
        s.sync_now().await?;
    }

    let refused: Vec<usize> = [
        a.count("[data-testid=refusal-row]").await?,
        b.count("[data-testid=refusal-row]").await?,
    ]
    .to_vec();
    let (loser, loser_name, winner, winner_name) = match refused.as_slice() {
        [0, 1] => (&b, "li.na", &a, "zhang.wei"),
        [1, 0] => (&a, "zhang.wei", &b, "li.na"),
        other => return Err(format!("one desk should hold one refusal: {other:?}").into()),
    };
    let row = loser
        .wait_any_text("[data-testid=refusal-row]", |t| t.contains(&no))
        .await?;
    assert!(
        row.contains(winner_name),
        "the refusal names who holds the order: {row}"
    );
    loser.quiet().await?;
    loser.screenshot("two-desks-refused.png").await?;
    winner.quiet().await?;
    winner.screenshot("two-desks-kept.png").await?;

    // The loser's desk shows the hub's holder, and its own claim stays in the history.
    open_order(loser, &no).await?;
    loser
        .wait_text("[data-testid=order-drawer]", |t| t.contains(winner_name))
        .await?;
    let history = loser.text_of("[data-testid=timeline]").await?;
    assert!(
        history.contains(loser_name) && history.contains("认领"),
        "the loser's own claim is preserved: {history}"
    );
    a.stop().await?;
    b.stop().await?;

    // The city's supervisor syncs: the loser's claim is on the attention list, resolved once
    // with a note.
    let home_s = tempfile::tempdir()?;
    let sup = Session::start(home_s.path()).await?;
    sup.sign_in(&url, "zhao.lei").await?;
    sup.sync_now().await?;
    let item = sup
        .wait_any_text("[data-testid=attention-row]", |t| t.contains(&no))
        .await?;
    assert!(
        item.contains(loser_name) && item.contains("认领"),
        "the loser's refused claim reaches the supervisor: {item}"
    );
    sup.quiet().await?;
    sup.screenshot("two-desks-attention.png").await?;
    sup.click("[data-testid=attention-resolve]").await?;
    sup.type_into(
        "[data-testid=attention-note] textarea",
        "已与两人核实，由认领人继续办理",
    )
    .await?;
    sup.click("[data-testid=attention-ok]").await?;
    sup.find("[data-testid=attention-empty]").await?;
    sup.stop().await?;
    Ok(())
}
