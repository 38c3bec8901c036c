//! The CLI binary on real data folders: success paths, JSON, and one-line failures.

use std::process::{Command, Output};

fn cli(data: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_casedesk-cli"))
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

    assert!(cli(&data, &["claim", &no]).status.success());
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
    let o = cli(&data, &["--json", "outbox"]);
    let outbox: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(outbox.as_array().expect("array").len(), 3);
    let o = cli(&data, &["list", "--mine"]);
    assert!(stdout(&o).contains(&no));
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
    assert!(stderr(&o).contains("不能抽查通过"), "{}", stderr(&o));

    let o = cli(
        &data,
        &["profile", "--user", "王主任", "--role", "supervisor"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("监管负责人"));
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
