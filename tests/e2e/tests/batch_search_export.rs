//! The table tools and their feedback, in the real window: search by order number (part of one,
//! then a whole one, which opens the order) and by driver name; batch claim of three orders of
//! which a colleague claimed one from the CLI meanwhile (each row's result shown); batch return
//! with a reason; a claim made with the C key undone with 撤销; and the export of the current
//! filter to .xlsx, read back with calamine and compared with the list the CLI gives for the same
//! filter.
//!
//! The export's native save dialog (GTK) cannot be driven through WebDriver, and the app has no
//! test hook to bypass it: the test calls the window's own `export_inbox` command from the page
//! (the command the 导出Excel button runs once a path is chosen) with the current filter and a
//! path of its own, and checks the CLI's `list --xlsx` gives the same workbook rows; the same
//! for the whitelist's export (`export_whitelist`, `whitelist list --xlsx`).

use std::path::Path;

use calamine::{open_workbook, Data, Reader, Xlsx};
use casedesk_e2e::{cli, cli_json, count_in, Res, Session};

const INBOX: &str = "[data-testid=inbox-view]";

/// The order numbers of a workbook's data rows (the header row skipped).
fn xlsx_order_numbers(path: &Path) -> Res<Vec<String>> {
    xlsx_first_column(path, "工单号")
}

/// The first column of a workbook's data rows, under the header `title`.
fn xlsx_first_column(path: &Path, title: &str) -> Res<Vec<String>> {
    let mut book: Xlsx<_> = open_workbook(path)?;
    let sheet = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or("a workbook without sheets")?;
    let range = book.worksheet_range(&sheet)?;
    let mut rows = range.rows();
    let header = rows.next().ok_or("no header row")?;
    assert_eq!(header.first(), Some(&Data::String(title.into())));
    Ok(rows.map(|r| r[0].to_string()).collect())
}

/// The order numbers the CLI lists for a filter, every page.
fn cli_order_numbers(data: &Path, filter: &[&str]) -> Res<Vec<String>> {
    let mut out = Vec::new();
    for page in 1.. {
        let p = page.to_string();
        let mut args = vec!["list", "--page-size", "200", "--page", &p];
        args.extend_from_slice(filter);
        let v = cli_json(data, &args)?;
        let rows = v["rows"].as_array().ok_or("rows")?;
        out.extend(
            rows.iter()
                .filter_map(|r| r["order_no"].as_str().map(String::from)),
        );
        if v["has_more"] != serde_json::Value::Bool(true) {
            break;
        }
    }
    Ok(out)
}

/// The order numbers of the rows the window shows, top to bottom.
async fn shown_order_numbers(s: &Session) -> Res<Vec<String>> {
    s.attrs(
        &format!("{INBOX} [data-testid=inbox-row] td:first-child"),
        "title",
    )
    .await
}

/// Ticks the rows of the given order numbers, by their tick boxes (named after the order).
async fn tick(s: &Session, numbers: &[String]) -> Res<()> {
    for no in numbers {
        s.click(&format!(
            "{INBOX} [data-testid=row-check][aria-label='选择工单 {no}']"
        ))
        .await?;
    }
    s.wait_text("[data-testid=batch-bar]", |t| {
        t.contains(&format!("已选 {} 条", numbers.len()))
    })
    .await?;
    Ok(())
}

/// Waits until the list has settled on rows matching `ok` (after a filter or a reload).
async fn rows_settle(s: &Session, ok: impl Fn(&[String]) -> bool) -> Res<Vec<String>> {
    let started = std::time::Instant::now();
    loop {
        s.wait_gone(".el-loading-mask").await?;
        let rows = shown_order_numbers(s).await?;
        if ok(&rows) {
            return Ok(rows);
        }
        if started.elapsed() > std::time::Duration::from_secs(20) {
            return Err(format!("the list never settled; last {rows:?}").into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    }
}

fn status_of(data: &Path, order_no: &str) -> Res<String> {
    Ok(cli_json(data, &["show", order_no])?["row"]["status"]
        .as_str()
        .unwrap_or_default()
        .to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_batch_undo_and_export() -> Res<()> {
    let home = tempfile::tempdir()?;
    let data = home.path().join("casedesk");
    cli(&data, &["demo", "--orders", "3000"])?;
    let s = Session::start(home.path()).await?;
    s.find(&format!("{INBOX} [data-testid=inbox-row]")).await?;
    s.wait_gone(".el-loading-mask").await?;
    // The window opens on 待我办理; the CLI's lists compared below are of every order.
    s.click("[data-testid=view-all]").await?;
    s.wait_gone(".el-loading-mask").await?;

    // --- Search by part of an order number, then by a whole one (which opens the order).
    let pending = cli_order_numbers(&data, &["--status", "pending", "--open"])?;
    let target = pending.get(5).ok_or("pending orders")?.clone();
    let tail = &target[target.len() - 7..];
    s.search(INBOX, tail).await?;
    let found = rows_settle(&s, |r| r.iter().any(|n| n == &target)).await?;
    assert!(found.iter().all(|n| n.contains(tail)), "{found:?}");
    s.search(INBOX, &target.to_lowercase()).await?;
    s.wait_text("[data-testid=order-drawer] [data-testid=order-no]", |t| {
        t == target
    })
    .await?;
    s.drawer_settled().await?;
    s.close_drawer().await?;

    // --- Search by driver name: the same orders as the CLI's search.
    let driver = cli_json(&data, &["show", &target])?["driver_name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(!driver.is_empty(), "the demo order has a driver");
    let by_driver = cli_order_numbers(&data, &["--search", &driver, "--open"])?;
    assert!(by_driver.contains(&target));
    s.search(INBOX, &driver).await?;
    let shown = rows_settle(&s, |r| r.first() == by_driver.first()).await?;
    assert_eq!(
        shown,
        by_driver[..by_driver.len().min(50)],
        "the window lists what the CLI lists"
    );
    s.wait_text("[data-testid=inbox-count]", |t| {
        count_in(t) == Some(by_driver.len() as u64)
    })
    .await?;

    // --- Export the current filter (the driver's orders) and read it back.
    let out = tempfile::tempdir()?;
    let window_xlsx = out.path().join("窗口导出.xlsx");
    let query = serde_json::json!({
        "status": [], "industry": null, "violation_code": null, "clue_category": null, "due": null,
        "mine": false, "open_only": true, "search": driver, "sort": "deadline", "descending": false,
        "page": 1, "page_size": 50,
    });
    let summary = s
        .invoke(
            "export_inbox",
            serde_json::json!({ "query": query, "path": window_xlsx }),
        )
        .await?;
    assert_eq!(summary["rows"].as_u64(), Some(by_driver.len() as u64));
    assert_eq!(
        xlsx_order_numbers(&window_xlsx)?,
        by_driver,
        "the workbook lists the filter's orders in the list's order"
    );
    let cli_xlsx = out.path().join("命令行导出.xlsx");
    cli(
        &data,
        &[
            "list",
            "--search",
            &driver,
            "--open",
            "--xlsx",
            cli_xlsx.to_str().ok_or("utf8")?,
        ],
    )?;
    assert_eq!(xlsx_order_numbers(&cli_xlsx)?, by_driver);

    // --- The whitelist's 导出Excel: the window's command and the CLI write the list's plates,
    // in the list's order (the save dialog is skipped as above).
    let plates: Vec<String> = cli_json(&data, &["whitelist", "list"])?
        .as_array()
        .ok_or("a list")?
        .iter()
        .filter_map(|r| r["entry"]["plate"].as_str().map(str::to_string))
        .collect();
    assert!(!plates.is_empty(), "the demo has whitelist entries");
    let window_wl = out.path().join("白名单窗口导出.xlsx");
    let summary = s
        .invoke(
            "export_whitelist",
            serde_json::json!({ "status": null, "plate": null, "path": window_wl }),
        )
        .await?;
    assert_eq!(summary["rows"].as_u64(), Some(plates.len() as u64));
    assert_eq!(xlsx_first_column(&window_wl, "车牌")?, plates);
    let cli_wl = out.path().join("白名单命令行导出.xlsx");
    cli(
        &data,
        &[
            "whitelist",
            "list",
            "--xlsx",
            cli_wl.to_str().ok_or("utf8")?,
        ],
    )?;
    assert_eq!(xlsx_first_column(&cli_wl, "车牌")?, plates);

    // --- Batch claim of three pending orders; a colleague claims one from the CLI meanwhile.
    s.search(INBOX, "").await?;
    s.click("[data-testid=filter-status]").await?;
    s.click(".el-select-dropdown__item:first-child").await?;
    let first = pending[0].clone();
    let rows = rows_settle(&s, |r| r.first() == Some(&first)).await?;
    let three: Vec<String> = rows[..3].to_vec();
    cli(
        &data,
        &[
            "profile",
            "--user",
            "李娜",
            "--role",
            "county-officer",
            "--county",
            "410783",
        ],
    )?;
    cli(&data, &["claim", &three[1]])?;
    cli(
        &data,
        &[
            "profile",
            "--user",
            "张伟",
            "--role",
            "county-officer",
            "--county",
            "410783",
        ],
    )?;
    tick(&s, &three).await?;
    s.click("[data-testid=batch-claim]").await?;
    let dialog = s
        .wait_text("[data-testid=batch-dialog]", |t| {
            t.contains("确认认领以下 3 条工单")
        })
        .await?;
    assert!(
        three.iter().all(|n| dialog.contains(n.as_str())),
        "{dialog}"
    );
    s.click_until_gone("[data-testid=batch-ok]", "[data-testid=batch-ok]")
        .await?;
    s.wait_text("[data-testid=batch-summary]", |t| {
        t.contains("已认领 2 条，未认领 1 条")
    })
    .await?;
    let results = s.texts("[data-testid=batch-result]").await?;
    assert_eq!(results.len(), 3);
    assert!(
        results[0].contains("已认领") && results[2].contains("已认领"),
        "{results:?}"
    );
    assert!(
        results[1].contains("未认领") && results[1].contains("已认领"),
        "{results:?}"
    );
    s.screenshot("batch-claim-results.png").await?;
    s.click("[data-testid=batch-close]").await?;
    s.wait_hidden("[data-testid=batch-dialog]").await?;
    assert_eq!(status_of(&data, &three[0])?, "claimed");
    assert_eq!(
        cli_json(&data, &["show", &three[1]])?["row"]["claimed_by"].as_str(),
        Some("李娜"),
        "the colleague's claim stands"
    );

    // --- Batch return of two pending orders of the list, with a reason from the list.
    let rows = rows_settle(&s, |r| {
        r.len() >= 2 && !r.contains(&three[0]) && !r.contains(&three[1])
    })
    .await?;
    let two: Vec<String> = rows[..2].to_vec();
    tick(&s, &two).await?;
    s.click("[data-testid=batch-return]").await?;
    s.wait_text("[data-testid=batch-dialog]", |t| {
        t.contains("确认退回以下 2 条工单")
    })
    .await?;
    s.click("[data-testid=batch-reason-not_our_county]").await?;
    s.click_until_gone("[data-testid=batch-ok]", "[data-testid=batch-ok]")
        .await?;
    s.wait_text("[data-testid=batch-summary]", |t| {
        t.contains("已退回 2 条，未退回 0 条")
    })
    .await?;
    s.screenshot("batch-return-results.png").await?;
    s.click("[data-testid=batch-close]").await?;
    s.wait_hidden("[data-testid=batch-dialog]").await?;
    for no in &two {
        assert_eq!(status_of(&data, no)?, "returned");
    }
    let timeline = cli_json(&data, &["show", &two[0]])?["timeline"].clone();
    assert_eq!(
        timeline
            .as_array()
            .and_then(|t| t.last())
            .map(|e| e["reason_code"].clone()),
        Some(serde_json::json!("not_our_county"))
    );

    // --- Claim with the C key, then 撤销 while it is unsent.
    let rows = rows_settle(&s, |r| !r.is_empty() && !r.contains(&two[0])).await?;
    let undo_no = rows[0].clone();
    s.open_row_with(INBOX, &undo_no).await?;
    let unsent_before = cli_json(&data, &["status"])?["unsent"].as_u64();
    s.client
        .execute(
            "document.activeElement && document.activeElement.blur();\
             window.dispatchEvent(new KeyboardEvent('keydown', { key: 'c', bubbles: true }));",
            vec![],
        )
        .await?;
    s.wait_text("[data-testid=order-status]", |t| t.contains("已认领"))
        .await?;
    s.wait_visible(".undo-message [data-testid=undo-button]")
        .await?;
    s.wait_gone(".el-message-fade-enter-active").await?;
    s.screenshot("undo-offer-with-drawer.png").await?;
    // The message sits below the drawer's head, never over its title or close button.
    let overlap = s
        .client
        .execute(
            "const m = document.querySelector('.undo-message').getBoundingClientRect();\
             return [...document.querySelectorAll('.order-drawer-el .el-drawer__header, .order-drawer-el .drawer-head')]\
               .map(e => e.getBoundingClientRect())\
               .some(h => m.top < h.bottom && m.bottom > h.top && m.left < h.right && m.right > h.left);",
            vec![],
        )
        .await?;
    assert_eq!(
        overlap,
        serde_json::Value::Bool(false),
        "the message covers the drawer's head"
    );
    assert_eq!(status_of(&data, &undo_no)?, "claimed");
    s.click("[data-testid=undo-button]").await?;
    s.wait_text("[data-testid=order-status]", |t| t.contains("待认领"))
        .await?;
    s.wait_any_text(".timeline-entry", |t| t.contains("撤销认领"))
        .await?;
    assert_eq!(status_of(&data, &undo_no)?, "pending");
    assert_eq!(
        cli_json(&data, &["status"])?["unsent"].as_u64(),
        unsent_before,
        "the claim never leaves the desk"
    );
    s.quiet().await?;
    s.screenshot("undo-done.png").await?;

    // The CLI's undo says why once there is nothing to undo.
    let refused = cli(&data, &["undo", &undo_no]).expect_err("nothing to undo");
    assert!(
        refused.to_string().contains("没有您可以撤销的认领"),
        "{refused}"
    );

    s.stop().await
}
