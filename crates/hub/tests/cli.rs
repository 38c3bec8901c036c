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
fn ingest_of_a_csv_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("hub.db").display().to_string();
    // The README's sample, and a row cut short.
    let sample = include_str!("../../../assets/demo/ingest-sample.csv");
    let csv = dir.path().join("alarms.csv");
    std::fs::write(
        &csv,
        format!("{sample}HN-PT-20261128-0005,KY-001,豫G12121\n"),
    )
    .expect("write csv");
    let csv = csv.display().to_string();

    let out = hub(&db, &["--json", "ingest", &csv], "");
    assert_eq!(out.status.code(), Some(2), "a record was rejected");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json summary");
    assert_eq!(
        (
            &summary["created"],
            &summary["duplicate"],
            &summary["rejected"]
        ),
        (&3.into(), &0.into(), &2.into())
    );
    let results = summary["results"].as_array().expect("results");
    assert_eq!(results[2]["county_code"], "410724");
    assert_eq!(results[3]["result"], "rejected");
    assert_eq!(results[3]["code"], "unknown_violation");
    assert_eq!(results[3]["line"], 5);
    assert_eq!(results[4]["code"], "bad_csv_row");
    assert_eq!(results[4]["line"], 6);
    assert_eq!(results[4]["alarm_id"], "HN-PT-20261128-0005");
    let conn = rusqlite::Connection::open(&db).expect("open");
    let (orders, with_enterprise): (i64, i64) = conn
        .query_row(
            "SELECT count(*), count(enterprise) FROM work_orders",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("count");
    assert_eq!((orders, with_enterprise), (3, 2));

    // Again: the same alarms are duplicates (text lines name each order), nothing added.
    let again = hub(&db, &["ingest", &csv], "");
    assert_eq!(again.status.code(), Some(2));
    let text = String::from_utf8_lossy(&again.stdout);
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("duplicate GD"))
            .count(),
        3
    );
    assert!(text.contains("rejected line 6"));
    assert!(text
        .trim_end()
        .ends_with("0 created, 3 duplicate, 2 rejected"));

    // A header the hub cannot map refuses the whole file.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "alarm,code\nX,KY-001\n").expect("write");
    let refused = hub(&db, &["ingest", &bad.display().to_string()], "");
    assert!(one_line_failure(&refused).contains("nothing ingested"));
    let verify = hub(&db, &["--json", "audit", "verify"], "");
    let report: serde_json::Value = serde_json::from_slice(&verify.stdout).expect("report");
    assert_eq!(report["rows"], 3, "one audit row per created order");
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

/// A submission folder of the shared format (application.json and its files).
fn submission_folder(dir: &std::path::Path, reference: &str) {
    std::fs::create_dir_all(dir).expect("folder");
    let submitted = (chrono::Utc::now() - chrono::Duration::minutes(5))
        .format("%Y-%m-%dT%H:%M:%S+00:00")
        .to_string();
    let manifest = serde_json::json!({
        "carrier_reference": reference,
        "service_point": "410783",
        "submitted_at": submitted,
        "carrier": {"name": "长垣市宏达重型运输有限公司", "credit_id": "91410783MA9XL0HJ8A"},
        "manufacturer": {"name": "河南森源电气股份有限公司", "credit_id": "91410700725822691A"},
        "goods": "110kV 油浸式变压器",
        "tractor_plate": "豫GA1234",
        "trailer_plate": "豫GB567挂",
        "vehicle": {"height_mm": 4300, "width_mm": 3200, "length_mm": 21000,
                    "total_mass_kg": 79000, "axles": 6, "configuration": "combination",
                    "single_drive_axle": false, "single_tyre_axles": 0},
        "route": "within_province",
        "route_text": "长垣市 G230 → G4 京港澳高速 → 郑州市航空港区",
        "trips": "single",
        "track": "credit_fast_track",
        "travel_from": "2026-12-01",
        "travel_to": "2026-12-03",
        "materials": [
            {"material": "measurement_video", "file": "measurement.mp4"},
            {"material": "watermarked_photos", "file": "front.jpg"},
            {"material": "dispatch_note", "file": "dispatch.pdf"}
        ]
    });
    std::fs::write(dir.join("application.json"), manifest.to_string()).expect("manifest");
    std::fs::write(
        dir.join("measurement.mp4"),
        b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41 video",
    )
    .expect("video");
    std::fs::write(dir.join("front.jpg"), [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]).expect("photo");
    std::fs::write(dir.join("dispatch.pdf"), b"%PDF-1.7\n%%EOF\n").expect("pdf");
}

#[test]
fn ingest_application_takes_a_folder_once_and_refuses_bad_ones() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("hub.db").display().to_string();
    let good = dir.path().join("HD-001");
    submission_folder(&good, "HD-001");
    let folder = good.display().to_string();

    let out = hub(&db, &["--json", "ingest-application", &folder], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(first["result"], "created");
    let id = first["application_id"].as_str().expect("id").to_string();
    assert!(id.starts_with("DJ"));
    assert_eq!(first["commitment"].as_str().map(str::len), Some(64));
    let again = hub(&db, &["ingest-application", &folder], "");
    assert!(again.status.success());
    assert_eq!(
        String::from_utf8_lossy(&again.stdout).trim(),
        format!("duplicate {id}")
    );

    // A missing file, then a file over 50 MiB (sparse: never read): refused in both languages.
    let bad = dir.path().join("HD-002");
    submission_folder(&bad, "HD-002");
    std::fs::remove_file(bad.join("front.jpg")).expect("remove");
    let out = hub(&db, &["ingest-application", &bad.display().to_string()], "");
    assert_eq!(out.status.code(), Some(2));
    let err = one_line_failure(&out);
    assert!(
        err.contains("missing_file") && err.contains("缺少文件 front.jpg"),
        "{err}"
    );
    submission_folder(&bad, "HD-002");
    std::fs::File::options()
        .write(true)
        .open(bad.join("dispatch.pdf"))
        .expect("open")
        .set_len(50 * 1024 * 1024 + 1)
        .expect("grow");
    let out = hub(&db, &["ingest-application", &bad.display().to_string()], "");
    assert_eq!(out.status.code(), Some(2));
    let err = one_line_failure(&out);
    assert!(
        err.contains("file_too_large") && err.contains("超过上限"),
        "{err}"
    );

    // Only the first folder's application and its commitment are in the audit chain.
    let out = hub(&db, &["--json", "audit", "verify"], "");
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    // permit_commit, three evidence_store, permit_application.
    assert_eq!(report["rows"], 5, "{report}");
}

#[test]
fn the_evidence_sweep_from_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("hub.db").display().to_string();
    // A chunk no upload counts, written long ago.
    let ghost = std::path::Path::new(&format!("{db}.evidence")).join("uploads/ghost");
    std::fs::create_dir_all(&ghost).expect("mkdir");
    let chunk = ghost.join("00000000000000000000-x");
    std::fs::write(&chunk, b"half a chunk").expect("write");
    let young = hub(&db, &["--json", "evidence", "sweep"], "");
    assert!(young.status.success(), "{}", one_line_failure(&young));
    let r: serde_json::Value = serde_json::from_slice(&young.stdout).expect("json");
    assert_eq!(r["orphan_chunks"], 0, "younger than the default age: left");
    assert!(chunk.exists());
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let swept = hub(&db, &["evidence", "sweep", "--older-than-hours", "0"], "");
    assert!(swept.status.success(), "{}", one_line_failure(&swept));
    let text = String::from_utf8_lossy(&swept.stdout);
    assert!(text.contains("1 orphan chunks (12 bytes)"), "{text}");
    assert!(!chunk.exists());
}

#[test]
fn carriers_credit_records_from_a_json_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("hub.db").display().to_string();
    let file = dir.path().join("carriers.json");
    std::fs::write(
        &file,
        r#"[
  {"credit_id": "91410783MA9XL0HJ8A", "enterprise_name": "长垣市宏达重型运输有限公司",
   "credit_code": "yellow",
   "penalties": [{"decided_on": "2026-03-01", "repaired_on": null},
                 {"decided_on": "2026-04-01", "repaired_on": "2026-06-01"}]},
  {"credit_id": "91410700725822691A", "enterprise_name": "河南森源电气股份有限公司",
   "credit_code": null,
   "penalties": [{"decided_on": "2026-05-01", "repaired_on": "2026-04-01"}]},
  {"credit_id": "not-an-id", "enterprise_name": "x", "credit_code": "green", "penalties": []}
]"#,
    )
    .expect("write");
    let path = file.display().to_string();
    let out = hub(&db, &["--json", "carrier", "import", &path], "");
    // Two records refused on their own, the first kept: exit 2.
    assert_eq!(out.status.code(), Some(2));
    let results: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let codes: Vec<&str> = results
        .as_array()
        .expect("array")
        .iter()
        .map(|r| {
            r["code"]
                .as_str()
                .unwrap_or(r["result"].as_str().unwrap_or(""))
        })
        .collect();
    assert_eq!(
        codes,
        vec!["kept", "penalty_repaired_before_decided", "bad_credit_id"]
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("早于决定日期"), "{err}");

    let out = hub(&db, &["carrier", "show", "91410783MA9XL0HJ8A"], "");
    assert!(out.status.success());
    let line = String::from_utf8_lossy(&out.stdout);
    assert!(
        line.contains("yellow") && line.contains("1 条未修复处罚"),
        "{line}"
    );
    let out = hub(&db, &["carrier", "show", "91410700725822691A"], "");
    assert_eq!(out.status.code(), Some(2));

    // The same file again replaces the record (version 2); a file that is not an array is refused.
    let out = hub(&db, &["--json", "carrier", "import", &path], "");
    let results: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(results[0]["version"], 2);
    std::fs::write(&file, "{}").expect("write");
    let out = hub(&db, &["carrier", "import", &path], "");
    assert!(!out.status.success());
    assert!(one_line_failure(&out).contains("not a JSON array"));
}
