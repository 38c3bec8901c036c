//! Clocks and roles in the real window, on demo data the CLI loads and reads beside it:
//! (a) a suspected illegal operation by an unlicensed vehicle runs a clock in hours and
//!     minutes; the officer claims it and records an interception that found a violation;
//! (b) a licensed coach intercepted twice with nothing found is proposed for the whitelist; the
//!     supervisor 王主任 approves it on the 白名单 page (the desk switches profile in the
//!     window); back as 张伟, the next interception is refused and the window says why;
//! (c) the supervisor passes one spot check and fails another, with a reason, from 待抽查.
//! Screenshots: the drawer with the minutes clock, the 白名单 page, the 待抽查 list.

use std::path::Path;

use casedesk_e2e::{cli, cli_json, Res, Session};

const INBOX: &str = "[data-testid=inbox-view]";
const SPOT_CHECKS: &str = "[data-testid=spot-check-view]";

/// Demo orders: enough for unlicensed vehicles, clean coaches and submitted orders, few enough
/// that some coaches have a clean record.
const DEMO_ORDERS: &str = "600";

fn rows(page: &serde_json::Value) -> Vec<serde_json::Value> {
    page["rows"].as_array().cloned().unwrap_or_default()
}

fn text(v: &serde_json::Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

/// A pending order of suspected illegal operation by a vehicle without a licensed enterprise:
/// (order number, plate).
fn unlicensed_suspect(data: &Path) -> Res<(String, String)> {
    let page = cli_json(
        data,
        &[
            "list",
            "--search",
            "疑似非法营运",
            "--status",
            "pending",
            "--page-size",
            "200",
        ],
    )?;
    let row = rows(&page)
        .into_iter()
        .find(|r| r["licensed"] == false)
        .ok_or("no pending 疑似非法营运 order of an unlicensed vehicle in the demo data")?;
    assert!(row["credit_code"].is_null() && text(&row, "enterprise_name").is_empty());
    assert_eq!(row["time_left"]["unit"], "minutes", "{row}");
    Ok((text(&row, "order_no"), text(&row, "plate")))
}

/// A pending order of a licensed coach whose record would let two clean interceptions propose
/// it for the whitelist: no other order (as crates/cli/tests/cli.rs picks it), else no
/// interception that found a violation, no order closed as a confirmed violation and no
/// whitelist entry. (order number, plate).
fn clean_coach(data: &Path) -> Res<(String, String)> {
    let mut candidates = Vec::new();
    for industry in ["scheduled-coach", "charter-coach"] {
        let page = cli_json(
            data,
            &[
                "list",
                "--status",
                "pending",
                "--industry",
                industry,
                "--page-size",
                "200",
            ],
        )?;
        candidates.extend(
            rows(&page)
                .into_iter()
                .filter(|r| r["whitelisted"] == false),
        );
    }
    let mut fallback = None;
    for row in candidates {
        let plate = text(&row, "plate");
        let orders = rows(&cli_json(
            data,
            &["list", "--search", &plate, "--page-size", "100"],
        )?);
        if orders.len() == 1 {
            return Ok((text(&row, "order_no"), plate));
        }
        if fallback.is_some() {
            continue;
        }
        let vehicle = cli_json(data, &["vehicle", &plate])?;
        let found_violation = vehicle["interceptions"]
            .as_array()
            .is_some_and(|l| l.iter().any(|i| i["outcome"] == "violation_found"));
        let has_entry = vehicle["whitelist"]
            .as_array()
            .is_some_and(|l| !l.is_empty());
        if found_violation || has_entry {
            continue;
        }
        let mut confirmed = false;
        for o in orders.iter().filter(|o| o["status"] == "closed") {
            let detail = cli_json(data, &["show", &text(o, "order_no")])?;
            confirmed |= detail["outcome"] == "confirmed";
        }
        if !confirmed {
            fallback = Some((text(&row, "order_no"), plate));
        }
    }
    fallback.ok_or_else(|| "no coach with a clean record in the demo data".into())
}

/// Records an interception with `outcome` in the open drawer and waits for the toast.
async fn intercept(s: &Session, outcome: &str, notes: &str) -> Res<()> {
    s.click("[data-testid=action-intercept]").await?;
    s.click(&format!("[data-testid=intercept-outcome-{outcome}]"))
        .await?;
    if !notes.is_empty() {
        s.type_into("[data-testid=intercept-notes] textarea", notes)
            .await?;
    }
    s.click("[data-testid=intercept-submit]").await?;
    Ok(())
}

/// How many interceptions the drawer lists for the vehicle (its history from other orders too).
async fn interceptions_shown(s: &Session) -> Res<usize> {
    s.find("[data-testid=vehicle-records]").await?;
    Ok(s.texts("[data-testid=vehicle-interceptions] tbody tr")
        .await?
        .len())
}

/// Waits until the vehicle's interceptions in the drawer list `n` entries.
async fn interceptions_listed(s: &Session, n: usize) -> Res<()> {
    let want = n;
    let started = std::time::Instant::now();
    loop {
        let listed = s
            .texts("[data-testid=vehicle-interceptions] tbody tr")
            .await?
            .len();
        if listed == want {
            return Ok(());
        }
        if started.elapsed() > std::time::Duration::from_secs(20) {
            return Err(format!("{listed} interceptions listed, not {want}").into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clocks_interceptions_whitelist_and_spot_checks() -> Res<()> {
    let home = tempfile::tempdir()?;
    let data = home.path().join("casedesk");
    cli(&data, &["demo", "--orders", DEMO_ORDERS])?;
    let (suspect_no, suspect_plate) = unlicensed_suspect(&data)?;
    let (coach_no, coach_plate) = clean_coach(&data)?;

    let s = Session::start(home.path()).await?;
    let result = scenario(&s, &suspect_no, &suspect_plate, &coach_no, &coach_plate).await;
    if let Err(e) = &result {
        let shot = s.screenshot("clocks-roles-failure.png").await?;
        eprintln!("failed: {e} (see {})", shot.display());
    }
    let (first, second, before) = result?;
    s.stop().await?;

    // What the window did is in the cache the CLI reads.
    let first_detail = cli_json(&data, &["show", &first])?;
    assert_eq!(first_detail["row"]["status"], "closed");
    let second_detail = cli_json(&data, &["show", &second])?;
    assert_eq!(second_detail["row"]["status"], "rework");
    let vehicle = cli_json(&data, &["vehicle", &coach_plate])?;
    assert_eq!(vehicle["whitelist"][0]["entry"]["status"], "approved");
    assert_eq!(
        vehicle["interceptions"].as_array().map(Vec::len),
        Some(before + 2),
        "{vehicle}"
    );
    let outbox = cli_json(&data, &["outbox"])?;
    let actions: Vec<&str> = outbox
        .as_array()
        .ok_or("outbox")?
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for a in [
        "intercept",
        "whitelist_approve",
        "spot_check_pass",
        "spot_check_fail",
    ] {
        assert!(actions.contains(&a), "{a} not queued: {actions:?}");
    }
    Ok(())
}

/// The window's part; returns the two spot-checked orders and the coach's interceptions
/// before the test.
async fn scenario(
    s: &Session,
    suspect_no: &str,
    suspect_plate: &str,
    coach_no: &str,
    coach_plate: &str,
) -> Res<(String, String, usize)> {
    s.find("[data-testid=inbox-row]").await?;
    // Open orders on a minutes clock are counted in the header.
    s.wait_text("[data-testid=running-alarms]", |t| t.contains("实时预警"))
        .await?;

    // (a) The unlicensed vehicle: no enterprise, a clock in hours and minutes.
    s.search(INBOX, suspect_plate).await?;
    s.open_row_with(INBOX, suspect_no).await?;
    s.wait_text("[data-testid=order-status]", |t| t.contains("待认领"))
        .await?;
    s.wait_text("[data-testid=detail-unlicensed]", |t| {
        t.contains("无经营许可")
    })
    .await?;
    let clock = s
        .wait_text("[data-testid=drawer-clock]", |t| !t.is_empty())
        .await?;
    assert!(
        clock.contains("超时")
            || (clock.contains("剩余") && (clock.contains("小时") || clock.contains("分"))),
        "not a minutes clock: {clock}"
    );
    s.find("[data-testid=drawer-clock] .clock-unit-minutes")
        .await?;
    s.quiet().await?;
    s.screenshot("drawer-minutes-clock.png").await?;
    s.click("[data-testid=action-claim]").await?;
    s.wait_text("[data-testid=order-status]", |t| t.contains("已认领"))
        .await?;
    let before = interceptions_shown(s).await?;
    // The outcome is required.
    s.click("[data-testid=action-intercept]").await?;
    s.click("[data-testid=intercept-submit]").await?;
    s.wait_text(".el-form-item__error", |t| t.contains("请选择拦截结果"))
        .await?;
    s.click("[data-testid=intercept-outcome-violation_found]")
        .await?;
    s.type_into(
        "[data-testid=intercept-notes] textarea",
        "车上 5 名乘客，驾驶员无法出示道路运输证",
    )
    .await?;
    s.click("[data-testid=intercept-submit]").await?;
    s.wait_text("[data-testid=order-status]", |t| t.contains("已处置"))
        .await?;
    s.wait_text("[data-testid=timeline]", |t| {
        t.contains("拦截到车辆，发现违法行为")
    })
    .await?;
    interceptions_listed(s, before + 1).await?;
    s.close_drawer().await?;

    // (b) A licensed coach, intercepted twice with nothing found.
    s.search(INBOX, coach_plate).await?;
    s.open_row_with(INBOX, coach_no).await?;
    s.click("[data-testid=action-claim]").await?;
    s.wait_text("[data-testid=order-status]", |t| t.contains("已认领"))
        .await?;
    let before = interceptions_shown(s).await?;
    intercept(s, "nothing_found", "").await?;
    s.wait_text("[data-testid=order-status]", |t| t.contains("已处置"))
        .await?;
    interceptions_listed(s, before + 1).await?;
    intercept(s, "nothing_found", "车辆手续齐全").await?;
    interceptions_listed(s, before + 2).await?;
    // The rule proposed it: the vehicle's whitelist entry waits for a supervisor.
    s.wait_text("[data-testid=vehicle-whitelist]", |t| t.contains("待审批"))
        .await
        .map_err(|e| format!("{coach_plate} was not proposed for the whitelist: {e}"))?;
    s.close_drawer().await?;

    // The supervisor approves the proposal on the 白名单 page.
    s.switch_profile("王主任", "supervisor").await?;
    s.wait_text("[data-testid=user-role]", |t| t.contains("监管负责人"))
        .await?;
    s.click("[data-testid=nav-whitelist]").await?;
    let row = format!("[data-testid=whitelist-row][data-plate=\"{coach_plate}\"]");
    s.wait_text(&row, |t| t.contains("待审批")).await?;
    s.click_until_visible(
        &format!("{row} [data-testid=wl-approve]"),
        "[data-testid=decision-form]",
    )
    .await?;
    s.wait_gone(".dialog-fade-enter-active").await?;
    // Approving needs a reason.
    s.click("[data-testid=decision-ok]").await?;
    s.wait_text("[data-testid=decision-form] .el-form-item__error", |t| {
        t.contains("请填写原因")
    })
    .await?;
    s.type_into(
        "[data-testid=decision-reason] textarea",
        "两次拦截均未发现违法，核实无违法失信记录",
    )
    .await?;
    s.click("[data-testid=decision-ok]").await?;
    s.wait_hidden("[data-testid=decision-form]").await?;
    s.wait_text(&row, |t| t.contains("已批准")).await?;
    let status = s
        .client
        .execute(
            "return document.querySelector(arguments[0]).dataset.status;",
            vec![serde_json::json!(row)],
        )
        .await?;
    assert_eq!(status, "approved");
    s.quiet().await?;
    s.screenshot("whitelist.png").await?;
    // The plate search keeps that coach alone, typed as people type it (lower case, a dot).
    let typed = format!(
        "{}·{}",
        coach_plate.chars().nth(1).ok_or("a plate")?.to_lowercase(),
        coach_plate.chars().skip(2).collect::<String>()
    );
    s.type_into("input[data-testid=whitelist-plate]", &typed)
        .await?;
    s.wait_text("[data-testid=whitelist-count]", |t| t.contains("共 1 条"))
        .await?;
    assert_eq!(
        s.attrs("[data-testid=whitelist-row]", "data-plate").await?,
        [coach_plate]
    );
    // 打印 of the found row: its status worded as the page words it.
    let printed = s.print_sheet_rows("[data-testid=whitelist-print]").await?;
    assert_eq!(printed.len(), 1, "{printed:?}");
    assert!(printed[0][2].starts_with("已批准"), "{printed:?}");
    s.type_into("input[data-testid=whitelist-plate]", "")
        .await?;
    s.wait_text("[data-testid=whitelist-count]", |t| !t.contains("共 1 条"))
        .await?;

    // Back as the county officer: the whitelisted coach is not intercepted.
    s.switch_profile("张伟", "county_officer").await?;
    s.click("[data-testid=nav-orders]").await?;
    s.search(INBOX, coach_plate).await?;
    s.open_row_with(INBOX, coach_no).await?;
    s.wait_text("[data-testid=detail-whitelist]", |t| {
        t.contains("多次拦截未发现违法")
    })
    .await?;
    s.click("[data-testid=action-intercept]").await?;
    s.wait_text("[data-testid=intercept-whitelist-warning]", |t| {
        t.contains("原则上不予布控拦截")
    })
    .await?;
    s.click("[data-testid=intercept-outcome-nothing_found]")
        .await?;
    s.click("[data-testid=intercept-submit]").await?;
    let refusal = s
        .wait_any_text(".el-message--error", |t| t.contains("白名单"))
        .await?;
    assert!(!refusal.is_empty());
    s.wait_text("[data-testid=order-status]", |t| t.contains("已处置"))
        .await?;
    interceptions_listed(s, before + 2).await?;
    s.close_drawer().await?;

    // (c) Spot checks from 待抽查, as the supervisor: one passes, one fails with a reason.
    s.switch_profile("王主任", "supervisor").await?;
    s.click("[data-testid=nav-spot_check]").await?;
    let first = s
        .wait_text(
            &format!("{SPOT_CHECKS} [data-testid=inbox-row] td:nth-child(1)"),
            |t| t.starts_with("GD"),
        )
        .await?;
    let listed = s
        .texts(&format!(
            "{SPOT_CHECKS} [data-testid=inbox-row] td:nth-child(1)"
        ))
        .await?;
    assert!(
        listed.len() >= 2,
        "fewer than two orders await a spot check: {listed:?}"
    );
    let second = listed[1].clone();
    s.wait_gone(".el-loading-mask").await?;
    s.quiet().await?;
    s.screenshot("spot-check.png").await?;

    s.open_row_with(SPOT_CHECKS, &first).await?;
    s.wait_text("[data-testid=order-status]", |t| t.contains("待抽查"))
        .await?;
    s.click("[data-testid=action-spot-check-pass]").await?;
    s.click("[data-testid=action-text-submit]").await?;
    s.wait_text("[data-testid=order-status]", |t| t.contains("已办结"))
        .await?;
    s.wait_text("[data-testid=detail-outcome]", |t| t.contains("违法属实"))
        .await?;

    s.open_row_with(SPOT_CHECKS, &second).await?;
    s.wait_text("[data-testid=order-no]", |t| t == second)
        .await?;
    s.wait_text("[data-testid=order-status]", |t| t.contains("待抽查"))
        .await?;
    s.click("[data-testid=action-spot-check-fail]").await?;
    s.click("[data-testid=action-text-submit]").await?;
    s.wait_text(".el-form-item__error", |t| {
        t.contains("请写明抽查不通过的原因")
    })
    .await?;
    s.wait_text("[data-testid=order-status]", |t| t.contains("待抽查"))
        .await?;
    s.type_into(
        "[data-testid=action-text] textarea",
        "整改照片未体现培训现场，请补充",
    )
    .await?;
    s.click("[data-testid=action-text-submit]").await?;
    s.wait_text("[data-testid=order-status]", |t| t.contains("抽查退回"))
        .await?;
    s.wait_text("[data-testid=timeline]", |t| {
        t.contains("整改照片未体现培训现场")
    })
    .await?;
    Ok((first, second, before))
}
