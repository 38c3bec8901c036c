//! The `casedesk-hub` binary: user administration with the password on stdin, audit verify's
//! exit codes, the OpenAPI document, one-line failures.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn hub(db: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_casedesk-hub"))
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run casedesk-hub");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn one_line_failure(out: &Output) -> String {
    assert!(!out.status.success(), "expected a failure");
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    err
}

#[test]
fn users_audit_and_openapi_from_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("hub.db").display().to_string();

    let out = hub(
        &db,
        &[
            "user",
            "add",
            "zhang.wei",
            "--role",
            "county_officer",
            "--jurisdiction",
            "410783",
        ],
        "s3cret-密码\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = hub(
        &db,
        &[
            "user",
            "add",
            "zhang.wei",
            "--role",
            "county_officer",
            "--jurisdiction",
            "410783",
        ],
        "s3cret-密码\n",
    );
    assert!(one_line_failure(&again).contains("already exists"));
    let wrong_level = hub(
        &db,
        &[
            "user",
            "add",
            "zhao.lei",
            "--role",
            "supervisor",
            "--jurisdiction",
            "410783",
        ],
        "s3cret-密码\n",
    );
    one_line_failure(&wrong_level);
    let short = hub(
        &db,
        &[
            "user",
            "add",
            "li.na",
            "--role",
            "county_officer",
            "--jurisdiction",
            "410783",
        ],
        "short\n",
    );
    assert!(one_line_failure(&short).contains("at least 8"));
    assert!(
        hub(&db, &["user", "passwd", "zhang.wei"], "another-password\n")
            .status
            .success()
    );
    one_line_failure(&hub(&db, &["user", "disable", "nobody"], ""));
    assert!(hub(&db, &["user", "disable", "zhang.wei"], "")
        .status
        .success());

    let list = hub(&db, &["--json", "user", "list"], "");
    assert!(list.status.success());
    let users: serde_json::Value = serde_json::from_slice(&list.stdout).expect("json list");
    assert_eq!(users[0]["username"], "zhang.wei");
    assert_eq!(users[0]["disabled"], true);
    assert_eq!(users[0]["jurisdiction"], "410783");

    let verify = hub(&db, &["--json", "audit", "verify"], "");
    assert!(verify.status.success());
    let report: serde_json::Value = serde_json::from_slice(&verify.stdout).expect("json report");
    assert_eq!(report["rows"], 3, "add, passwd, disable");

    let conn = rusqlite::Connection::open(&db).expect("open");
    conn.execute("UPDATE audit_log SET username = 'someone' WHERE id = 2", [])
        .expect("tamper");
    let broken = hub(&db, &["audit", "verify"], "");
    assert_eq!(broken.status.code(), Some(2));
    assert!(one_line_failure(&broken).contains("row 2"));

    let openapi = hub(&db, &["openapi"], "");
    assert!(openapi.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&openapi.stdout).expect("openapi json");
    assert!(doc["paths"]["/api/v1/push"].is_object());

    let busy = hub(&db, &["serve", "--listen", "not-an-address"], "");
    assert!(one_line_failure(&busy).contains("cannot listen"));
}

#[test]
fn serve_keeps_evidence_beside_the_database_or_where_told() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("hub.db").display().to_string();

    let bad = hub(&db, &["serve", "--evidence", "s3://"], "");
    assert!(one_line_failure(&bad).contains("no bucket name"));

    let mut child = Command::new(env!("CARGO_BIN_EXE_casedesk-hub"))
        .args(["--db", &db, "serve", "--listen", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run casedesk-hub serve");
    let mut line = String::new();
    std::io::BufReader::new(child.stderr.take().expect("stderr"))
        .read_line(&mut line)
        .expect("the start-up line");
    let _ = child.kill();
    let _ = child.wait();
    let folder = format!("{db}.evidence");
    assert!(line.contains(&format!("evidence in {folder}")), "{line}");
    assert!(std::path::Path::new(&folder).is_dir());
}
