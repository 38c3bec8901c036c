//! The CLI binary on real data folders: success paths, JSON, and one-line failures.

use std::process::{Command, Output};

fn cli(data: &std::path::Path, args: &[&str]) -> Output {
    // Chinese messages unless a test asks for English, whatever the machine's locale.
    Command::new(env!("CARGO_BIN_EXE_casedesk-cli"))
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "zh_CN.UTF-8")
        .arg("--data")
        .arg(data)
        .args(args)
        .output()
        .expect("run casedesk-cli")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn demo_list_claim_handle_rectify_outbox() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let o = cli(&data, &["demo", "--orders", "500"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = cli(
        &data,
        &["--json", "list", "--status", "pending", "--page-size", "5"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let page: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let rows = page["rows"].as_array().expect("rows");
    let row = rows
        .iter()
        .find(|r| r["whitelisted"] == false)
        .expect("row");
    let no = row["order_no"].as_str().expect("no").to_string();
    let plate = row["plate"].as_str().expect("plate").to_string();

    let o = cli(&data, &["list", "--search", &plate]);
    assert!(stdout(&o).contains(&no), "search by plate finds the order");
    // By its number, whole or typed loosely: exactly that order.
    for typed in [
        no.clone(),
        no.to_lowercase(),
        format!("{} {}", &no[..10], &no[10..]),
    ] {
        let o = cli(&data, &["--json", "list", "--search", &typed]);
        assert!(o.status.success(), "{}", stderr(&o));
        let page: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
        let nos: Vec<&str> = page["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .filter_map(|r| r["order_no"].as_str())
            .collect();
        assert_eq!(nos, [no.as_str()], "{typed}");
    }
    // The same filters to Excel: every matching order, not one page.
    let xlsx = dir.path().join("待认领.xlsx");
    let o = cli(
        &data,
        &[
            "--json",
            "list",
            "--status",
            "pending",
            "--page-size",
            "5",
            "--xlsx",
            xlsx.to_str().expect("utf-8 path"),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let o = cli(
        &data,
        &["list", "--status", "pending", "--page-size", "500"],
    );
    let pending = stdout(&o).lines().count() as u64;
    assert!(pending > 5);
    assert_eq!(summary["rows"].as_u64(), Some(pending));
    assert!(std::fs::metadata(&xlsx).expect("written").len() > 0);

    assert!(cli(&data, &["claim", &no]).status.success());
    // 批量认领: the one already claimed is refused with its reason, the others are claimed.
    let others: Vec<String> = rows
        .iter()
        .filter(|r| r["whitelisted"] == false)
        .filter_map(|r| r["order_no"].as_str())
        .filter(|n| *n != no)
        .take(2)
        .map(str::to_string)
        .collect();
    let o = cli(&data, &["claim", &others[0], &no, &others[1]]);
    assert!(!o.status.success(), "one refused: non-zero exit");
    let out = stdout(&o);
    assert!(out.contains(&format!("{}\t已认领", others[0])), "{out}");
    assert!(out.contains(&format!("{}\t已认领", others[1])), "{out}");
    assert!(out.contains(&format!("{no}\t未认领：")), "{out}");
    assert!(
        stderr(&o).contains("3 条工单中有 1 条未能认领"),
        "{}",
        stderr(&o)
    );
    let o = cli(
        &data,
        &[
            "handle",
            &no,
            "--method",
            "phone-warning",
            "--result",
            "已电话警示",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = dir.path().join("整改报告.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n%...").expect("pdf");
    let o = cli(
        &data,
        &[
            "rectify",
            &no,
            "--description",
            "已整改",
            "--file",
            pdf.to_str().expect("utf8"),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = cli(&data, &["show", &no]);
    assert!(stdout(&o).contains("整改报告.pdf"), "{}", stdout(&o));
    // The order's evidence: listed with who attached it, exported by its hash.
    let o = cli(&data, &["--json", "evidence", "list", &no]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(files[0]["file_name"], "整改报告.pdf");
    assert_eq!(files[0]["size"], 13);
    assert_eq!(files[0]["mime"], "application/pdf");
    assert!(files[0]["attached_by"].is_string());
    let hash = files[0]["hash"].as_str().expect("hash").to_string();
    let out = dir.path().join("导出.pdf");
    let o = cli(
        &data,
        &["evidence", "export", &hash, out.to_str().expect("utf8")],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(&out).expect("exported"), b"%PDF-1.4\n%...");
    let o = cli(
        &data,
        &[
            "evidence",
            "export",
            &"0".repeat(64),
            out.to_str().expect("utf8"),
        ],
    );
    assert!(!o.status.success());
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    let o = cli(&data, &["--json", "outbox"]);
    let outbox: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    // claim, handle, rectify, and the batch's two claims.
    assert_eq!(outbox.as_array().expect("array").len(), 5);
    let o = cli(&data, &["list", "--mine"]);
    assert!(stdout(&o).contains(&no));
}

#[test]
fn batch_return_and_transfer_report_each_order_and_undo_takes_back_an_unsent_claim() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    assert!(cli(&data, &["demo", "--orders", "300"]).status.success());
    let o = cli(
        &data,
        &["--json", "list", "--status", "pending", "--page-size", "6"],
    );
    let page: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let nos: Vec<String> = page["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["order_no"].as_str().map(str::to_string))
        .collect();
    assert!(nos.len() >= 5);

    // "other" without its text: every order refused, nothing changed, exit 1.
    let o = cli(
        &data,
        &[
            "batch",
            "return",
            &nos[0],
            &nos[1],
            "--reason-code",
            "other",
        ],
    );
    assert!(!o.status.success());
    assert!(
        stdout(&o).contains(&format!("{}\t未退回：", nos[0])),
        "{}",
        stdout(&o)
    );
    assert!(
        stderr(&o).contains("2 条工单中有 2 条未能退回"),
        "{}",
        stderr(&o)
    );
    let o = cli(
        &data,
        &[
            "--json",
            "batch",
            "return",
            &nos[0],
            &nos[1],
            "--reason-code",
            "duplicate",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let items: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(items[1]["row"]["status"], "returned");
    assert!(items[1]["error"].is_null());

    // A transfer of an order already returned is refused; the other goes.
    let o = cli(
        &data,
        &[
            "batch",
            "transfer",
            &nos[0],
            &nos[2],
            "--to",
            "长垣市应急管理局",
            "--reason",
            "涉及危化品储存",
        ],
    );
    assert!(!o.status.success());
    let out = stdout(&o);
    assert!(out.contains(&format!("{}\t未转办：", nos[0])), "{out}");
    assert!(out.contains(&format!("{}\t已转办", nos[2])), "{out}");

    // 撤销: a claim undone while unsent; a second undo, and an undo after handling, refused.
    assert!(cli(&data, &["claim", &nos[3]]).status.success());
    let o = cli(&data, &["--json", "undo", &nos[3]]);
    assert!(o.status.success(), "{}", stderr(&o));
    let d: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(d["row"]["status"], "pending");
    assert_eq!(
        d["timeline"]
            .as_array()
            .and_then(|t| t.last())
            .map(|e| e["kind"].clone()),
        Some("claim_withdrawn".into())
    );
    let o = cli(&data, &["undo", &nos[3]]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("没有您可以撤销的认领"),
        "{}",
        stderr(&o)
    );
    assert!(cli(&data, &["claim", &nos[4]]).status.success());
    let handled = cli(
        &data,
        &[
            "handle",
            &nos[4],
            "--method",
            "phone-warning",
            "--result",
            "已电话警示",
        ],
    );
    assert!(handled.status.success());
    let o = cli(&data, &["undo", &nos[4]]);
    assert!(!o.status.success());
    assert_eq!(stderr(&o).lines().count(), 1);
    assert!(stderr(&o).contains("不能再撤销认领"), "{}", stderr(&o));
}

#[test]
fn failures_are_one_line_and_non_zero() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    assert!(cli(&data, &["demo", "--orders", "50"]).status.success());

    let o = cli(&data, &["show", "GD-NO-SUCH"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("找不到工单"));

    // A newer schema.
    let newer = dir.path().join("newer");
    std::fs::create_dir_all(&newer).expect("dir");
    let conn = rusqlite::Connection::open(newer.join("cache.sqlite")).expect("sqlite");
    conn.execute_batch("PRAGMA user_version = 42;")
        .expect("version");
    drop(conn);
    let o = cli(&newer, &["status"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("更新版本"), "{}", stderr(&o));
    assert_eq!(stderr(&o).trim().lines().count(), 1);

    // A cache locked by another writer.
    let conn = rusqlite::Connection::open(data.join("cache.sqlite")).expect("sqlite");
    conn.execute_batch("BEGIN EXCLUSIVE; UPDATE setting SET value = value;")
        .expect("lock");
    let o = cli(
        &data,
        &["--json", "list", "--status", "pending", "--page-size", "1"],
    );
    let no = serde_json::from_str::<serde_json::Value>(&stdout(&o))
        .expect("reads still work under WAL")["rows"][0]["order_no"]
        .as_str()
        .expect("no")
        .to_string();
    let o = cli(&data, &["claim", &no]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("正被另一个"), "{}", stderr(&o));
    assert_eq!(stderr(&o).trim().lines().count(), 1);
    conn.execute_batch("ROLLBACK;").expect("unlock");
    assert!(cli(&data, &["claim", &no]).status.success());
}

#[test]
fn a_supervisor_spot_checks_what_an_officer_submitted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    assert!(cli(&data, &["demo", "--orders", "300"]).status.success());
    let o = cli(
        &data,
        &[
            "--json",
            "list",
            "--status",
            "submitted",
            "--page-size",
            "1",
        ],
    );
    let page: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let no = page["rows"][0]["order_no"]
        .as_str()
        .expect("a submitted order")
        .to_string();

    // The officer may not spot-check.
    let o = cli(&data, &["spot-check", &no, "--pass"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("不能执行“抽查通过”"), "{}", stderr(&o));
    assert!(
        !stderr(&o).contains("CountyOfficer"),
        "no Rust names: {}",
        stderr(&o)
    );
    // The same refusal in English, from the same catalogue as the window: by --lang or LANG.
    let o = cli(&data, &["--lang", "en", "spot-check", &no, "--pass"]);
    let err = stderr(&o);
    assert!(
        err.contains("\"Pass spot check\" is not open to the role \"County officer\""),
        "{err}"
    );
    assert!(
        !err.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{err}"
    );
    let o = Command::new(env!("CARGO_BIN_EXE_casedesk-cli"))
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "en_US.UTF-8")
        .arg("--data")
        .arg(&data)
        .args(["--json", "spot-check", &no, "--pass"])
        .output()
        .expect("run casedesk-cli");
    assert!(stderr(&o).contains("Pass spot check"), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json error");
    assert_eq!(v["error"]["code"], "refused_transition");
    assert_eq!(v["error"]["message"]["key"], "not_allowed");
    assert_eq!(
        v["error"]["message"]["params"]["action"],
        serde_json::json!({"kind": "action", "value": "spot_check_pass"})
    );

    let o = cli(
        &data,
        &["profile", "--user", "王主任", "--role", "supervisor"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("监管负责人"));
    // What the role may do travels with the status, for scripts and for the window.
    let o = cli(&data, &["--json", "status"]);
    let s: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("status json");
    assert_eq!(s["rights"]["spot_check"], true);
    assert_eq!(s["rights"]["decide_whitelist"], true);
    assert_eq!(s["rights"]["close_permit_day"], false);
    let o = cli(
        &data,
        &["--json", "spot-check", &no, "--pass", "--notes", "整改到位"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let d: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(d["row"]["status"], "closed");

    let o = cli(&data, &["profile", "--county", "110101"]);
    assert!(!o.status.success(), "a county outside Henan is refused");
    assert!(cli(&data, &["profile", "--county", "410184"])
        .status
        .success());
}

#[test]
fn a_coach_intercepted_twice_clean_is_proposed_approved_and_then_not_intercepted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    assert!(cli(&data, &["demo", "--orders", "400"]).status.success());
    let o = cli(
        &data,
        &[
            "--json",
            "list",
            "--status",
            "pending",
            "--industry",
            "scheduled-coach",
            "--page-size",
            "100",
        ],
    );
    let page: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    // A coach with no other order: no violation record that would bar the proposal.
    let row = page["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|r| r["whitelisted"] == false)
        .find(|r| {
            let plate = r["plate"].as_str().expect("plate");
            let o = cli(&data, &["--json", "list", "--search", plate]);
            let p: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
            p["rows"].as_array().expect("rows").len() == 1
        })
        .expect("a coach with one order");
    let no = row["order_no"].as_str().expect("no").to_string();
    let plate = row["plate"].as_str().expect("plate").to_string();
    assert!(cli(&data, &["claim", &no]).status.success());
    for _ in 0..2 {
        let o = cli(&data, &["intercept", &no, "--outcome", "nothing-found"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let o = cli(&data, &["--json", "vehicle", &plate]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["interceptions"].as_array().expect("list").len(), 2);
    assert_eq!(v["whitelist"][0]["entry"]["status"], "proposed");
    let o = cli(&data, &["whitelist", "list", "--status", "proposed"]);
    assert!(stdout(&o).contains(&plate), "{}", stdout(&o));
    assert!(stdout(&o).contains("\t待审批\t"), "{}", stdout(&o));
    // Found by part of its plate, as typed.
    let part = plate
        .chars()
        .skip(1)
        .take(4)
        .collect::<String>()
        .to_lowercase();
    let o = cli(&data, &["whitelist", "list", "--plate", &part]);
    assert!(stdout(&o).contains(&plate), "{part}: {}", stdout(&o));
    let o = cli(&data, &["whitelist", "list", "--plate", "京A"]);
    assert_eq!(stdout(&o).trim(), "白名单中没有符合条件的记录");
    // The same list to Excel, as the window's 导出Excel writes it.
    let xlsx = dir.path().join("白名单.xlsx");
    let o = cli(
        &data,
        &[
            "--json",
            "whitelist",
            "list",
            "--status",
            "proposed",
            "--xlsx",
            xlsx.to_str().expect("utf-8 path"),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(summary["rows"].as_u64(), Some(1));
    assert!(std::fs::metadata(&xlsx).expect("written").len() > 0);
    // Only a supervisor approves.
    let o = cli(
        &data,
        &["whitelist", "approve", &plate, "--reason", "核实无违法记录"],
    );
    assert!(!o.status.success());
    assert!(cli(
        &data,
        &["profile", "--user", "王主任", "--role", "supervisor"]
    )
    .status
    .success());
    let o = cli(
        &data,
        &["whitelist", "approve", &plate, "--reason", "核实无违法记录"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(cli(
        &data,
        &["profile", "--user", "张伟", "--role", "county-officer"]
    )
    .status
    .success());
    let o = cli(&data, &["intercept", &no, "--outcome", "nothing-found"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("白名单"), "{}", stderr(&o));
    assert_eq!(stderr(&o).trim().lines().count(), 1);
    let o = cli(&data, &["--json", "outbox"]);
    let outbox: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let actions: Vec<&str> = outbox
        .as_array()
        .expect("array")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert_eq!(
        actions,
        ["claim", "intercept", "intercept", "whitelist_approve"]
    );
}

#[test]
fn calendar_counts_provisional_holidays_without_a_cache() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("no-such-folder");
    // Thu 31 Dec 2026 + 1: New Year's Day 2027 is statutory, so Mon 4 Jan, marked provisional.
    let o = cli(&data, &["calendar", "add", "2026-12-31", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).trim(),
        "2027-01-04（暂定：2027 年放假安排未载入）"
    );
    let o = cli(&data, &["--json", "calendar", "add", "2026-12-31", "1"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(
        v,
        serde_json::json!({"start": "2026-12-31", "working_days": 1, "date": "2027-01-04",
                           "provisional": true})
    );
    // Within the embedded notices nothing is provisional.
    let o = cli(&data, &["--json", "calendar", "add", "2026-02-13", "2"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["date"], "2026-02-24");
    assert_eq!(v["provisional"], false);

    let o = cli(&data, &["--json", "calendar", "is-workday", "2027-01-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(
        v,
        serde_json::json!({"date": "2027-01-01", "working_day": false, "provisional": true,
                           "holiday": "元旦"})
    );
    let o = cli(&data, &["--json", "calendar", "is-workday", "2026-02-14"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["working_day"], true, "a make-up Saturday");
    assert_eq!(v["provisional"], false);
    assert_eq!(v["holiday"], serde_json::Value::Null);
    let o = cli(&data, &["calendar", "is-workday", "2027-02-05"]);
    assert!(stdout(&o).contains("非工作日（春节）"), "{}", stdout(&o));
    assert!(
        !data.exists(),
        "the calendar neither opens nor creates a cache"
    );
}

#[test]
fn calendar_reads_the_data_folders_notice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("dir");
    // A made-up 2027 notice: 1-3 Jan off, Saturday 9 Jan a make-up working day.
    std::fs::write(
        data.join("calendar.json"),
        r#"{"years": [2027],
            "holidays": [{"date": "2027-01-01", "name": "元旦"}, {"date": "2027-01-02", "name": "元旦"},
                         {"date": "2027-01-03", "name": "元旦"}],
            "workdays": [{"date": "2027-01-09", "name": "元旦调休上班"}]}"#,
    )
    .expect("write notice");
    let o = cli(&data, &["--json", "calendar", "add", "2026-12-31", "5"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    // Mon 4 .. Fri 8 are five working days; the notice covers 2027, so nothing is provisional.
    assert_eq!(v["date"], "2027-01-08");
    assert_eq!(v["provisional"], false);
    let o = cli(&data, &["calendar", "add", "2027-01-08", "1"]);
    assert_eq!(
        stdout(&o).trim(),
        "2027-01-09",
        "the make-up Saturday counts"
    );
    let o = cli(&data, &["--json", "calendar", "is-workday", "2027-01-09"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["working_day"], true);
    assert_eq!(v["provisional"], false);
    // The notice replaced 2027's provisional days: its Spring Festival is no longer known.
    let o = cli(&data, &["--json", "calendar", "is-workday", "2027-02-05"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["working_day"], true);
    assert!(!data.join("cache.sqlite").exists());
}

#[test]
fn calendar_failures_are_one_line_and_non_zero() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let bad: [&[&str]; 3] = [
        &["calendar", "add", "2027-13-01", "1"],
        &["calendar", "add", "2027-1-4", "1"],
        &["calendar", "is-workday", "明天"],
    ];
    for args in bad {
        let o = cli(&data, args);
        assert!(!o.status.success(), "{args:?}");
        let err = stderr(&o);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains("不是有效日期"), "{err}");
    }
    std::fs::create_dir_all(&data).expect("dir");
    std::fs::write(
        data.join("calendar.json"),
        r#"{"years": [2027], "holidays": []}"#,
    )
    .expect("write");
    let o = cli(&data, &["calendar", "is-workday", "2027-01-01"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("节假日文件") && err.contains("2027"), "{err}");
}

#[test]
fn filters_are_saved_listed_applied_and_deleted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    assert!(cli(&data, &["demo", "--orders", "400"]).status.success());
    let statuses = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--json", "list", "--page-size", "500"];
        all.extend_from_slice(args);
        let o = cli(&data, &all);
        assert!(o.status.success(), "{}", stderr(&o));
        let page: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
        page["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .map(|r| r["status"].as_str().expect("status").to_string())
            .collect()
    };
    // Several statuses: only those, and more than either alone.
    let both = statuses(&["--status", "claimed,rectifying"]);
    assert!(both.iter().all(|s| s == "claimed" || s == "rectifying"));
    let claimed = statuses(&["--status", "claimed"]);
    assert!(both.len() > claimed.len() && !claimed.is_empty());
    assert_eq!(
        statuses(&["--status", "claimed", "--status", "rectifying"]),
        both
    );

    let o = cli(
        &data,
        &[
            "filters",
            "save",
            "整改中的",
            "--status",
            "claimed,rectifying",
            "--desc",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("已认领、整改中"), "{}", stdout(&o));
    let o = cli(
        &data,
        &["filters", "save", "待我办理", "--waiting", "--open"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = cli(&data, &["--json", "filters", "list"]);
    let list: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let names: Vec<&str> = list
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert_eq!(names, ["待我办理", "整改中的"]);
    assert_eq!(list[0]["in_use"], true, "the last saved is in use");

    // Applying one lists what its flags list and makes it the one in use.
    let mut applied = statuses(&["--filter", "整改中的"]);
    let mut by_flags = statuses(&["--status", "claimed,rectifying", "--desc"]);
    assert_eq!(applied.len(), by_flags.len());
    applied.sort();
    by_flags.sort();
    assert_eq!(applied, by_flags);
    let o = cli(&data, &["filters", "list"]);
    assert!(stdout(&o).contains("* 整改中的"), "{}", stdout(&o));

    // Bad input changes nothing.
    for args in [
        &["filters", "save", "  "][..],
        &["filters", "save", &"长".repeat(41)][..],
        &["filters", "delete", "没有这个"][..],
        &["list", "--filter", "没有这个"][..],
        &["list", "--filter", "整改中的", "--status", "closed"][..],
    ] {
        let o = cli(&data, args);
        assert!(!o.status.success(), "{args:?}");
        assert_eq!(stderr(&o).trim().lines().count().min(1), 1);
    }
    let o = cli(&data, &["filters", "delete", "整改中的"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = cli(&data, &["--json", "filters", "list"]);
    let list: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(list.as_array().expect("list").len(), 1);
}

#[test]
fn permit_classify_names_each_limit_exceeded_and_the_class_without_a_cache() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("none");
    // Exactly class I's maxima (4.2 m, 3 m, 20 m) with a legal mass: over article 3, class I.
    let o = cli(
        &data,
        &[
            "--json",
            "permit",
            "classify",
            "--height",
            "4.2",
            "--width",
            "3",
            "--length",
            "20",
            "--mass",
            "49000",
            "--axles",
            "6",
            "--combination",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["class"], "one");
    assert_eq!(v["time_limit_days"], 2);
    let measures: Vec<&str> = v["over_limit"]["exceeded"]
        .as_array()
        .expect("exceeded")
        .iter()
        .filter_map(|e| e["measure"].as_str())
        .collect();
    assert_eq!(measures, ["height", "width", "length"]);
    // One millimetre more height is class II; across provinces its limit is 10 working days.
    let o = cli(
        &data,
        &[
            "permit",
            "classify",
            "--height",
            "4.201",
            "--width",
            "3",
            "--length",
            "20",
            "--mass",
            "49000",
            "--axles",
            "6",
            "--combination",
            "--cross-province",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("二类（跨省，10 个工作日"),
        "{}",
        stdout(&o)
    );
    // Millimetres typed as metres are refused with the reason, in the language asked for.
    let o = cli(
        &data,
        &[
            "--lang", "en", "permit", "classify", "--height", "4200", "--width", "3", "--length",
            "20", "--mass", "49000", "--axles", "6",
        ],
    );
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("overall height") && err.contains("plausible maximum"),
        "{err}"
    );
    assert!(!data.exists(), "no cache was made");
}

#[test]
fn permit_materials_and_a_daily_sample_anybody_can_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("none");
    // Class III on the fast track, with two materials handed in.
    let o = cli(
        &data,
        &[
            "--json",
            "permit",
            "materials",
            "--class",
            "three",
            "--fast-track",
            "--present",
            "application_form,measurement_video",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let m: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let codes = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .expect("list")
            .iter()
            .map(|m| m["code"].as_str().expect("code").to_string())
            .collect()
    };
    let required = codes(&m["required"]);
    let missing = codes(&m["missing"]);
    assert!(
        required.contains(&"escort_plan".to_string()),
        "{required:?}"
    );
    assert!(required.contains(&"carrier_commitment".to_string()));
    assert_eq!(missing.len(), required.len() - 2);
    assert!(!missing.contains(&"measurement_video".to_string()));
    let o = cli(
        &data,
        &[
            "permit",
            "materials",
            "--class",
            "one",
            "--present",
            "photo",
        ],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("photo"), "{}", stderr(&o));

    // The day: 25 applications, one red-coded carrier and one first-timer.
    let list: Vec<serde_json::Value> = (0..25)
        .map(|i| {
            serde_json::json!({
                "application_id": format!("SQ20261130{i:04}"),
                "carrier_code": if i == 3 { "red" } else { "green" },
                "carrier_listed": false,
                "first_application": i == 7,
            })
        })
        .collect();
    let apps = dir.path().join("apps.json");
    std::fs::write(&apps, serde_json::to_string(&list).expect("json")).expect("write");
    let apps = apps.display().to_string();
    let seed = "5a".repeat(32);
    let o = cli(&data, &["permit", "sample", "commit", "--seed", &seed]);
    assert!(o.status.success(), "{}", stderr(&o));
    let commitment = stdout(&o).trim().to_string();
    assert_eq!(commitment.len(), 64);

    let o = cli(
        &data,
        &[
            "--json",
            "permit",
            "sample",
            "draw",
            "--seed",
            &seed,
            "--applications",
            &apps,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let draw: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(
        draw["random"].as_array().map(Vec::len),
        Some(3),
        "10 % of 25, rounded up"
    );
    let draw_file = dir.path().join("draw.json");
    std::fs::write(&draw_file, stdout(&o)).expect("write");
    let draw_arg = draw_file.display().to_string();
    let verify = |commitment: &str, seed: &str, draw: &str| {
        cli(
            &data,
            &[
                "permit",
                "sample",
                "verify",
                "--commitment",
                commitment,
                "--seed",
                seed,
                "--applications",
                &apps,
                "--draw",
                draw,
            ],
        )
    };
    let o = verify(&commitment, &seed, &draw_arg);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("verified"));
    // Another seed than the committed one, and a draw someone changed: both refused.
    let o = verify(&commitment, &"5b".repeat(32), &draw_arg);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("承诺值"), "{}", stderr(&o));
    let mut changed = draw.clone();
    changed["random"][0] = serde_json::json!("SQ202611300024");
    if changed == draw {
        changed["random"][0] = serde_json::json!("SQ202611300023");
    }
    std::fs::write(&draw_file, changed.to_string()).expect("write");
    let o = verify(&commitment, &seed, &draw_arg);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("改动"), "{}", stderr(&o));
    // A seed too short to hide behind its commitment.
    let o = cli(&data, &["permit", "sample", "commit", "--seed", "abcd"]);
    assert!(!o.status.success());
    assert_eq!(stderr(&o).lines().count(), 1);
}

/// 大件运输 media checks from the command line: demo folders with real media, indexed, a reused
/// video named with the earlier application (JSON), a "video" that is text refused in one line.
#[test]
fn demo_media_index_and_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let out = dir.path().join("submissions");
    let out_s = out.to_string_lossy().into_owned();
    let o = cli(
        &data,
        &[
            "--json",
            "demo-media",
            &out_s,
            "--count",
            "4",
            "--seed",
            "5",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let folders: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(folders[3]["defect"], "reused_video");
    for f in folders.as_array().expect("folders") {
        let folder = out.join(f["folder"].as_str().expect("folder"));
        let o = cli(&data, &["permit", "media-index", &folder.to_string_lossy()]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stdout(&o).contains("已记录 3 个"), "{}", stdout(&o));
    }
    let reused = out.join("HD-20261130-004").join("measurement.mp4");
    let o = cli(
        &data,
        &["--json", "permit", "media-check", &reused.to_string_lossy()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let check: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(check["kind"], "video");
    let matches = check["matches"].as_array().expect("matches");
    let earlier = matches
        .iter()
        .find(|m| m["application_id"] == "HD-20261130-001")
        .expect("the earlier application is named");
    assert_eq!(earlier["how"], "shared_footage");

    let fake = dir.path().join("fake.mp4");
    std::fs::write(&fake, "plain text").expect("write");
    let o = cli(&data, &["permit", "media-check", &fake.to_string_lossy()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("应为视频"), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
}
