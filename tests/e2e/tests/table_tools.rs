//! The inbox's table tools in the real window: it opens on 待我办理 (the orders whose running
//! clock is the user's, the same orders `casedesk-cli list --waiting` gives), several statuses
//! filter together, a filter saved under a name is applied again after a restart (and seen by the
//! CLI), hidden columns stay hidden, the printable list holds what the list shows, F5 refreshes
//! the list rather than the page, a row opens with the keyboard and the drawer leaves the list's
//! 办理时限 in sight. Screenshots at 100 % and 150 % text size.
//!
//! The print dialog itself is not opened: under Xvfb WebKitGTK's print dialog is modal and
//! nobody can dismiss it, so `window.print` is replaced by a counter and the print sheet's
//! content (title, filter, time, rows, columns) is checked instead.

use casedesk_e2e::{cli, cli_json, Res, Session, ENTER};

const INBOX: &str = "[data-testid=inbox-view]";
const FILTER_NAME: &str = "已认领和整改中";

/// The status texts of the rows shown (the 状态 column is the second).
async fn statuses(s: &Session) -> Res<Vec<String>> {
    s.texts(&format!("{INBOX} [data-testid=inbox-row] td:nth-child(2)"))
        .await
}

/// Order numbers of the rows shown, read by the page itself (WebKitWebDriver may report
/// re-rendered cells as empty).
async fn order_nos(s: &Session) -> Res<Vec<String>> {
    let v = s
        .client
        .execute(
            "return [...document.querySelectorAll(arguments[0])].map(r => r.querySelector('td').innerText.trim());",
            vec![serde_json::json!(format!("{INBOX} [data-testid=inbox-row]"))],
        )
        .await?;
    Ok(v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default())
}

/// Waits until every row shown has one of `wanted` statuses (and there is at least one).
async fn wait_statuses(s: &Session, wanted: &[&str]) -> Res<Vec<String>> {
    let started = std::time::Instant::now();
    loop {
        s.wait_gone(".el-loading-mask").await?;
        let seen = statuses(s).await?;
        if !seen.is_empty() && seen.iter().all(|t| wanted.iter().any(|w| t.contains(w))) {
            return Ok(seen);
        }
        if started.elapsed() > std::time::Duration::from_secs(20) {
            return Err(format!("rows still show {seen:?}, not only {wanted:?}").into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

async fn is_true(s: &Session, script: &str) -> Res<bool> {
    Ok(s.client.execute(script, vec![]).await? == serde_json::Value::Bool(true))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_tools_and_a_saved_filter_across_a_restart() -> Res<()> {
    let home = tempfile::tempdir()?;
    let data = home.path().join("casedesk");
    cli(&data, &["demo", "--orders", "3000"])?;

    let s = Session::start(home.path()).await?;
    s.find(&format!("{INBOX} [data-testid=inbox-row]")).await?;
    s.wait_text("[data-testid=inbox-count]", |t| {
        t.chars().any(|c| c.is_ascii_digit())
    })
    .await?;
    s.wait_gone(".el-loading-mask").await?;

    // The default view is 待我办理, and it lists what the backend's rule says waits for me.
    assert!(
        is_true(&s, "return document.querySelector('[data-testid=view-waiting]').classList.contains('is-active');")
            .await?,
        "the inbox opens on 待我办理"
    );
    let expected: Vec<String> =
        cli_json(&data, &["list", "--waiting", "--open", "--page-size", "50"])?["rows"]
            .as_array()
            .ok_or("rows")?
            .iter()
            .filter_map(|r| r["order_no"].as_str().map(str::to_string))
            .collect();
    assert!(!expected.is_empty());
    assert_eq!(order_nos(&s).await?, expected, "待我办理 = list --waiting");
    let shown = statuses(&s).await?;
    assert!(
        shown
            .iter()
            .all(|t| !t.contains("整改中") && !t.contains("待抽查")),
        "the enterprise's and the supervisor's clocks are not mine: {shown:?}"
    );
    // 办理时限 sits right after the plate.
    let heads = s.texts(&format!("{INBOX} thead th")).await?;
    assert!(
        heads[2].contains("车牌") && heads[3].contains("办理时限"),
        "{heads:?}"
    );

    // All orders, then two statuses at once: only those show, as many as the CLI counts.
    s.click("[data-testid=view-all]").await?;
    s.click_until_visible("[data-testid=filter-status]", ".el-select-dropdown__item")
        .await?;
    for name in ["已认领", "整改中"] {
        let index = s
            .client
            .execute(
                "return [...document.querySelectorAll('.el-select-dropdown__item')].findIndex(e => e.innerText.trim() === arguments[0]);",
                vec![serde_json::json!(name)],
            )
            .await?
            .as_i64()
            .ok_or("option index")?;
        s.click(&format!(
            ".el-select-dropdown__item:nth-child({})",
            index + 1
        ))
        .await?;
    }
    s.client
        .execute(
            "document.activeElement && document.activeElement.blur(); document.body.click();",
            vec![],
        )
        .await?;
    let seen = wait_statuses(&s, &["已认领", "整改中"]).await?;
    assert!(
        seen.iter().any(|t| t.contains("已认领")) && seen.iter().any(|t| t.contains("整改中")),
        "both statuses show: {seen:?}"
    );
    let both: Vec<String> = cli_json(
        &data,
        &[
            "list",
            "--status",
            "claimed,rectifying",
            "--open",
            "--page-size",
            "50",
        ],
    )?["rows"]
        .as_array()
        .ok_or("rows")?
        .iter()
        .filter_map(|r| r["order_no"].as_str().map(str::to_string))
        .collect();
    assert_eq!(
        order_nos(&s).await?,
        both,
        "the window lists what the CLI lists"
    );

    // Save it under a name.
    s.click("[data-testid=saved-filters]").await?;
    s.click_until_visible("[data-testid=save-filter]", ".el-message-box__input input")
        .await?;
    s.type_into(".el-message-box__input input", FILTER_NAME)
        .await?;
    s.click(".el-message-box__btns .el-button--primary").await?;
    s.wait_text("[data-testid=saved-filters]", |t| t.contains(FILTER_NAME))
        .await?;

    // Hide a column: it is gone from the table.
    s.click("[data-testid=column-chooser]").await?;
    s.click("[data-testid=column-category]").await?;
    s.wait_gone(&format!("{INBOX} th[data-col=category]"))
        .await?;
    s.client.execute("document.body.click();", vec![]).await?;

    // 打印: the sheet holds every row of the filter (not only the page), the filter, the time
    // and the columns chosen.
    s.client
        .execute(
            "window.__printed = 0; window.print = () => { window.__printed += 1; };",
            vec![],
        )
        .await?;
    s.click("[data-testid=print-button]").await?;
    s.find("[data-testid=print-sheet]").await?;
    let printed = s
        .client
        .execute(
            "const p = document.querySelector('[data-testid=print-sheet]');\
             return { calls: window.__printed, rows: p.querySelectorAll('[data-testid=print-row]').length,\
                      filter: p.querySelector('[data-testid=print-filter]').innerText,\
                      time: p.querySelector('[data-testid=print-time]').innerText,\
                      heads: [...p.querySelectorAll('th')].map(t => t.innerText.trim()),\
                      title: p.querySelector('h1').innerText,\
                      count: document.querySelector('[data-testid=inbox-count]').innerText };",
            vec![],
        )
        .await?;
    assert_eq!(printed["calls"], 1, "{printed}");
    let count: u64 = printed["count"]
        .as_str()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or_default();
    assert_eq!(printed["rows"], count.min(500), "{printed}");
    let filter = printed["filter"].as_str().unwrap_or_default();
    assert!(
        filter.contains("已认领") && filter.contains("整改中"),
        "{printed}"
    );
    assert!(
        printed["time"]
            .as_str()
            .unwrap_or_default()
            .contains("打印时间"),
        "{printed}"
    );
    let print_heads: Vec<&str> = printed["heads"]
        .as_array()
        .ok_or("heads")?
        .iter()
        .filter_map(|h| h.as_str())
        .collect();
    assert!(
        print_heads.contains(&"办理时限") && !print_heads.contains(&"线索类别"),
        "{printed}"
    );
    assert_eq!(printed["title"], "工单列表");

    // F5 refreshes the list and keeps the page (a reload would forget this mark).
    s.client.execute("window.__kept = true;", vec![]).await?;
    let prevented = s
        .client
        .execute(
            "return !window.dispatchEvent(new KeyboardEvent('keydown', { key: 'F5', cancelable: true }));",
            vec![],
        )
        .await?;
    assert_eq!(prevented, serde_json::Value::Bool(true), "F5 is the list's");
    s.wait_gone(".el-loading-mask").await?;
    assert!(is_true(&s, "return window.__kept === true;").await?);

    s.quiet().await?;
    s.check_layout().await?;
    s.screenshot("table-tools.png").await?;
    s.stop().await?;

    // The CLI sees the saved filter, in use.
    let listed = cli_json(&data, &["filters", "list"])?;
    let saved = listed
        .as_array()
        .and_then(|a| a.iter().find(|f| f["name"] == FILTER_NAME))
        .ok_or("the saved filter is in the cache")?;
    assert_eq!(saved["in_use"], true);
    assert_eq!(
        saved["query"]["status"],
        serde_json::json!(["claimed", "rectifying"])
    );

    // Restart: the filter is applied again and listed; the column stays hidden.
    let s = Session::start(home.path()).await?;
    s.wait_text("[data-testid=saved-filters]", |t| t.contains(FILTER_NAME))
        .await?;
    s.find(&format!("{INBOX} [data-testid=inbox-row]")).await?;
    wait_statuses(&s, &["已认领", "整改中"]).await?;
    assert!(
        is_true(&s, "return document.querySelector('[data-testid=view-all]').classList.contains('is-active');")
            .await?,
        "the saved view (全部工单) is restored"
    );
    assert_eq!(s.count(&format!("{INBOX} th[data-col=category]")).await?, 0);
    s.click("[data-testid=saved-filters]").await?;
    s.wait_text("[data-testid=saved-filters-panel]", |t| {
        t.contains(FILTER_NAME)
    })
    .await?;
    s.client.execute("document.body.click();", vec![]).await?;

    // A row takes the focus and opens with Enter.
    s.client
        .execute(
            "document.querySelector(arguments[0]).focus();",
            vec![serde_json::json!(format!(
                "{INBOX} [data-testid=inbox-row]"
            ))],
        )
        .await?;
    s.client.active_element().await?.send_keys(ENTER).await?;
    s.drawer_settled().await?;
    // The drawer leaves the list's 办理时限 column in sight.
    let gap = s
        .client
        .execute(
            "const th = document.querySelector(arguments[0]);\
             const d = document.querySelector('.order-drawer-el');\
             return d.getBoundingClientRect().left - th.getBoundingClientRect().right;",
            vec![serde_json::json!(format!("{INBOX} th[data-col=deadline]"))],
        )
        .await?
        .as_f64()
        .ok_or("gap")?;
    assert!(gap >= 0.0, "the drawer covers 办理时限 by {gap}px");
    s.quiet().await?;
    s.wait_visible("[data-testid=order-drawer] [data-testid=order-no]")
        .await?;
    s.screenshot("table-tools-drawer.png").await?;
    s.close_drawer().await?;

    // 150 %: still no sideways scrolling of the page, and the tools all there.
    s.choose_display("[data-testid=text-size] label:nth-child(3)")
        .await?;
    s.check_layout().await?;
    s.quiet().await?;
    s.screenshot("table-tools-150.png").await?;
    // The smallest window the UI guide names: in Chinese the header keeps the role.
    s.client.set_window_size(1280, 800).await?;
    s.wait_visible("[data-testid=user-role]").await?;
    s.quiet().await?;
    s.check_layout().await?;
    s.stop().await?;
    Ok(())
}
