//! `login`, `sync` and `logout` of the CLI binary against the real hub, in process on loopback.

use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Output, Stdio};

struct Hub {
    base: String,
    store: std::sync::Arc<dyn casedesk_hub::HubStore>,
    bucket: casedesk_hub::evidence::EvidenceBucket,
    rt: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

fn start_hub() -> Hub {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("hub.db").display().to_string();
    let bucket = casedesk_hub::evidence::EvidenceBucket::open(&format!("{db}.evidence"))
        .expect("evidence folder");
    let (base, store) = rt.block_on(async {
        let store = casedesk_hub::storage::open(&db).await.expect("open");
        casedesk_hub::demo::fill_open_orders(&*store)
            .await
            .expect("demo");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let service = casedesk_hub::app_with_evidence(
            store.clone(),
            casedesk_hub::HubConfig::default(),
            bucket.clone(),
        )
        .into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, service).await });
        (format!("http://{addr}"), store)
    });
    Hub {
        base,
        store,
        bucket,
        rt,
        _dir: dir,
    }
}

fn cli(data: &Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_casedesk-cli"));
    cmd.arg("--data")
        .arg(data)
        .args(args)
        .env("CASEDESK_TOKEN_STORE", "file")
        // Chinese messages unless a test asks for English, whatever the machine's locale.
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "zh_CN.UTF-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run casedesk-cli");
    if let Some(mut i) = child.stdin.take() {
        i.write_all(stdin.as_bytes()).expect("stdin");
    }
    child.wait_with_output().expect("wait")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn login_sync_logout() {
    let hub = start_hub();
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let o = cli(
        &data,
        &["login", "--hub", &hub.base, "--user", "zhang.wei"],
        "wrong password\n",
        &[],
    );
    assert!(!o.status.success());
    assert_eq!(text(&o.stderr).lines().count(), 1, "{}", text(&o.stderr));

    let o = cli(
        &data,
        &["--json", "login", "--hub", &hub.base, "--user", "zhang.wei"],
        "casedesk-demo\n",
        &[],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let who: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(who["username"], "zhang.wei");
    assert_eq!(who["token_store"], "file");
    let token = std::fs::read_to_string(data.join("hub-token.json")).expect("token file");
    assert!(
        !token.contains("casedesk-demo"),
        "the password is never stored"
    );

    let o = cli(&data, &["--json", "sync"], "", &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(r["pulled_orders"], 12);

    let o = cli(&data, &["--json", "list", "--status", "pending"], "", &[]);
    let page: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let no = page["rows"][0]["order_no"]
        .as_str()
        .expect("no")
        .to_string();
    assert!(cli(&data, &["claim", &no], "", &[]).status.success());
    let o = cli(&data, &["sync"], "", &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("1 sent"), "{}", text(&o.stdout));

    // The background timer from the command line: one JSON line per attempt.
    assert!(cli(
        &data,
        &["claim", page["rows"][1]["order_no"].as_str().expect("no")],
        "",
        &[]
    )
    .status
    .success());
    let o = cli(
        &data,
        &["--json", "sync", "--watch", "--rounds", "1"],
        "",
        &[],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let line: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON line");
    assert_eq!(line["state"], "synced", "{line}");
    assert_eq!(line["last_report"]["pushed"], 1, "{line}");
    assert_eq!(line["next_attempt_secs"], 60, "{line}");
    // A rectification's photo goes up before the rectification; the report says so.
    let photo = dir.path().join("现场.png");
    std::fs::write(
        &photo,
        [b"\x89PNG\r\n\x1a\n".as_slice(), &[7u8; 3000]].concat(),
    )
    .expect("photo");
    let handled = cli(
        &data,
        &["handle", &no, "--method", "education", "--result", "已约谈"],
        "",
        &[],
    );
    assert!(handled.status.success(), "{}", text(&handled.stderr));
    let photo_arg = photo.display().to_string();
    let rectified = cli(
        &data,
        &[
            "rectify",
            &no,
            "--description",
            "已整改",
            "--file",
            &photo_arg,
        ],
        "",
        &[],
    );
    assert!(rectified.status.success(), "{}", text(&rectified.stderr));
    let o = cli(&data, &["--json", "sync"], "", &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        (r["uploaded_files"].as_u64(), r["uploaded_bytes"].as_u64()),
        (Some(1), Some(3008))
    );
    assert_eq!(r["pushed"], 2);

    let o = cli(&data, &["logout"], "", &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!data.join("hub-token.json").exists());
    let o = cli(&data, &["sync", "--watch", "--rounds", "1"], "", &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("未登录"), "{}", text(&o.stdout));
    let o = cli(&data, &["sync"], "", &[]);
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("请先登录"), "{}", text(&o.stderr));
    let o = cli(&data, &["--lang", "en", "sync"], "", &[]);
    assert!(
        text(&o.stderr).contains("sign in first"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn an_unreachable_keyring_is_one_line_in_either_language() {
    let hub = start_hub();
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let o = cli(
        &data,
        &["login", "--hub", &hub.base, "--user", "zhang.wei"],
        "casedesk-demo\n",
        &[
            ("CASEDESK_TOKEN_STORE", "keyring"),
            (
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/casedesk-test-bus",
            ),
        ],
    );
    assert!(!o.status.success());
    let err = text(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("密钥环"), "{err}");
    let o = cli(
        &data,
        &[
            "--lang",
            "en",
            "login",
            "--hub",
            &hub.base,
            "--user",
            "zhang.wei",
        ],
        "casedesk-demo\n",
        &[
            ("CASEDESK_TOKEN_STORE", "keyring"),
            (
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/casedesk-test-bus",
            ),
        ],
    );
    let err = text(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("keyring") && !err.contains("密钥环"), "{err}");
    // Nothing was recorded: the desk is not signed in.
    let o = cli(&data, &["sync"], "", &[]);
    assert!(!o.status.success());
}

#[test]
fn refused_actions_are_listed_dismissed_or_redone() {
    let hub = start_hub();
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for (data, user) in [(&a, "zhang.wei"), (&b, "li.na")] {
        let o = cli(
            data,
            &["login", "--hub", &hub.base, "--user", user],
            "casedesk-demo\n",
            &[],
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
        // Both officers are of 长垣市: the line names the county, not only its code.
        assert!(
            text(&o.stdout).contains("新乡市 · 长垣市（410783）"),
            "{}",
            text(&o.stdout)
        );
        assert!(cli(data, &["sync"], "", &[]).status.success());
    }
    let o = cli(&a, &["--json", "list", "--status", "pending"], "", &[]);
    let page: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let no = page["rows"][0]["order_no"]
        .as_str()
        .expect("no")
        .to_string();
    for data in [&a, &b] {
        assert!(cli(data, &["claim", &no], "", &[]).status.success());
    }
    assert!(cli(&a, &["sync"], "", &[]).status.success());
    assert!(cli(&b, &["sync"], "", &[]).status.success());

    let o = cli(&b, &["--json", "refusals", "list"], "", &[]);
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list[0]["code"], "claimed_by_other");
    assert_eq!(list[0]["params"]["holder"], "zhang.wei");
    assert_eq!(list[0]["params"]["order_no"], no.as_str());
    // JSON: the reason and what to do in --lang, beside the hub's own texts.
    assert!(list[0]["message_en"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    assert_eq!(
        list[0]["reason"],
        format!("工单 {no} 已由 zhang.wei 先行认领（对方的认领先到达上级平台）。")
    );
    let seq = list[0]["seq"].to_string();
    let o = cli(&b, &["refusals", "list"], "", &[]);
    let out = text(&o.stdout);
    assert!(
        out.contains("工单已由 zhang.wei 认领。您记录的内容已转交监管负责人"),
        "{out}"
    );
    let o = cli(&b, &["--lang", "en", "refusals", "list"], "", &[]);
    let out = text(&o.stdout);
    assert!(
        out.contains(&format!("Work order {no} was claimed first by zhang.wei"))
            && out.contains("dismiss this entry, and contact the claimant"),
        "{out}"
    );
    // Redo is decided on the order as pulled: zhang.wei holds it, so it is refused, one line.
    let o = cli(&b, &["refusals", "redo", &seq], "", &[]);
    assert!(!o.status.success());
    assert_eq!(text(&o.stderr).lines().count(), 1, "{}", text(&o.stderr));
    let o = cli(&b, &["--json", "refusals", "dismiss", &seq], "", &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = cli(&b, &["--json", "refusals", "list"], "", &[]);
    assert_eq!(text(&o.stdout).trim(), "[]");
    let o = cli(&b, &["refusals", "dismiss", &seq], "", &[]);
    assert!(!o.status.success(), "only once");
    assert!(text(&o.stderr).contains(&seq), "{}", text(&o.stderr));
}

#[test]
fn a_supervisor_lists_and_resolves_the_attention_list() {
    let hub = start_hub();
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b, s) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("s"),
    );
    for (data, user) in [(&a, "zhang.wei"), (&b, "li.na"), (&s, "zhao.lei")] {
        let o = cli(
            data,
            &["login", "--hub", &hub.base, "--user", user],
            "casedesk-demo\n",
            &[],
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
        assert!(cli(data, &["sync"], "", &[]).status.success());
    }
    let o = cli(&a, &["--json", "list", "--status", "pending"], "", &[]);
    let page: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let no = page["rows"][0]["order_no"]
        .as_str()
        .expect("no")
        .to_string();
    for data in [&a, &b] {
        assert!(cli(data, &["claim", &no], "", &[]).status.success());
    }
    for data in [&a, &b, &s] {
        assert!(cli(data, &["sync"], "", &[]).status.success());
    }
    let o = cli(&s, &["--json", "attention", "list"], "", &[]);
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list[0]["order_no"], no.as_str());
    assert_eq!(list[0]["username"], "li.na");
    assert_eq!(list[0]["code"], "claimed_by_other");
    let id = list[0]["id"].to_string();
    let o = cli(&s, &["attention", "list"], "", &[]);
    assert!(text(&o.stdout).contains("li.na"), "{}", text(&o.stdout));
    let o = cli(
        &s,
        &[
            "--json",
            "attention",
            "resolve",
            &id,
            "--note",
            "已与两人核实，由张伟办理",
        ],
        "",
        &[],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = cli(&s, &["--json", "attention", "list"], "", &[]);
    assert_eq!(text(&o.stdout).trim(), "[]");
    let o = cli(
        &s,
        &["attention", "resolve", &id, "--note", "再次"],
        "",
        &[],
    );
    assert!(!o.status.success(), "only once");
    assert_eq!(text(&o.stderr).lines().count(), 1, "{}", text(&o.stderr));
}

#[test]
fn the_permit_desk_from_the_command_line() {
    let hub = start_hub();
    let submitted = (casedesk_hub::clock::beijing_now() - chrono::Duration::minutes(2))
        .format("%Y-%m-%dT%H:%M:%S+08:00")
        .to_string();
    let submission: casedesk_wire::Submission = serde_json::from_value(serde_json::json!({
        "carrier_reference": "HD-001", "service_point": "410783", "submitted_at": submitted,
        "carrier": {"name": "长垣市宏达重型运输有限公司", "credit_id": "91410783MA9XL0HJ8A"},
        "manufacturer": {"name": "河南森源电气股份有限公司", "credit_id": "91410700725822691A"},
        "goods": "110kV 油浸式变压器", "tractor_plate": "豫GA1234", "trailer_plate": "豫GB567挂",
        "vehicle": {"height_mm": 4300, "width_mm": 3200, "length_mm": 21000,
                    "total_mass_kg": 79000, "axles": 6, "configuration": "combination",
                    "single_drive_axle": false, "single_tyre_axles": 0},
        "route": "within_province", "route_text": "G4", "trips": "single",
        "track": "credit_fast_track", "travel_from": "2026-12-01", "travel_to": "2026-12-03",
        "materials": [{"material": "measurement_video", "file": "m.mp4"}]
    }))
    .expect("submission");
    let poster = casedesk_hub::permit::Poster {
        username: "admin".into(),
        device_id: String::new(),
        scope: casedesk_hub::jurisdiction::Jurisdiction::Province,
    };
    let files = vec![(
        "m.mp4".to_string(),
        b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isom".to_vec(),
    )];
    hub.rt
        .block_on(casedesk_hub::permit::submit(
            &*hub.store,
            &hub.bucket,
            submission,
            files,
            &poster,
        ))
        .expect("taken");

    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let login = |data: &Path, user: &str| {
        let o = cli(
            data,
            &["login", "--hub", &hub.base, "--user", user],
            "casedesk-demo\n",
            &[],
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
    };
    login(&data, "chen.jing");
    assert!(cli(&data, &["sync"], "", &[]).status.success());

    let o = cli(&data, &["--json", "permit", "applications"], "", &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(list[0]["classification"]["class"], "two");
    assert_eq!(list[0]["acceptance"]["state"], "notice_due");
    let o = cli(&data, &["--json", "permit", "day"], "", &[]);
    let day: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(day["verification"]["state"], "not_closed");

    // The materials come down by hash, with progress on stderr; a second run holds them.
    let o = cli(&data, &["--json", "permit", "fetch-materials"], "", &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let files: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(files[0]["status"], "downloaded");
    assert_eq!(files[0]["bytes"], 20);
    assert_eq!(files[0]["sha256"].as_str().map(str::len), Some(64));
    assert!(
        text(&o.stderr).contains("20/20 bytes"),
        "{}",
        text(&o.stderr)
    );
    let id = list[0]["application_id"].as_str().expect("id");
    let o = cli(&data, &["--json", "permit", "fetch-materials", id], "", &[]);
    let files: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(files[0]["status"], "held");
    // The stand-in bytes are no video: held, and the findings say why they cannot be shown.
    let o = cli(&data, &["permit", "findings", id], "", &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("已缓存") && text(&o.stdout).contains("无法读取"),
        "{}",
        text(&o.stdout)
    );
    let o = cli(&data, &["permit", "findings", "NO-SUCH"], "", &[]);
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("NO-SUCH"), "{}", text(&o.stderr));

    let o = cli(
        &data,
        &[
            "--json",
            "permit",
            "dishonest",
            "add",
            "91410783MA9XL0HJ8A",
            "--name",
            "宏达",
            "--behaviour",
            "视频剪辑拼接",
            "--penalty",
            "fast-track-removed",
            "--repair-conditions",
            "整改到位",
        ],
        "",
        &[],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = cli(&data, &["permit", "applications"], "", &[]);
    assert!(
        text(&o.stdout).contains("信用+申报：不可用"),
        "{}",
        text(&o.stdout)
    );
    // The same list to Excel, as the page's 导出Excel writes it.
    let xlsx = dir.path().join("大件运输.xlsx");
    let o = cli(
        &data,
        &[
            "--json",
            "permit",
            "applications",
            "--xlsx",
            xlsx.to_str().expect("utf-8 path"),
        ],
        "",
        &[],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        summary["rows"].as_u64(),
        list.as_array().map(|l| l.len() as u64)
    );
    assert!(std::fs::metadata(&xlsx).expect("written").len() > 0);

    // 暂停计时 from the CLI: a reason it does not know, and an application whose clock does not
    // run (materials missing), are refused and change nothing.
    let id = list[0]["application_id"].as_str().expect("id").to_string();
    let o = cli(
        &data,
        &["permit", "pause", &id, "--reason", "holiday"],
        "",
        &[],
    );
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("technical-assessment"),
        "{}",
        text(&o.stderr)
    );
    let o = cli(
        &data,
        &["permit", "pause", &id, "--reason", "reinforcement"],
        "",
        &[],
    );
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("材料齐全"), "{}", text(&o.stderr));
    let o = cli(&data, &["--json", "outbox"], "", &[]);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&o.stdout).expect("json"),
        serde_json::json!([])
    );

    // 审核 from the CLI: a verdict word it does not know changes nothing; more material with a
    // remark and a note at a time of the video; the review shown; the one-time notice written.
    let id = list[0]["application_id"].as_str().expect("id").to_string();
    let video = list[0]["materials"][0]["sha256"]
        .as_str()
        .expect("sha256")
        .to_string();
    let o = cli(
        &data,
        &["permit", "review", &id, "--verdict", "maybe"],
        "",
        &[],
    );
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("more-material"),
        "{}",
        text(&o.stderr)
    );
    let note = format!("{video}@62000:剪辑处");
    let o = cli(
        &data,
        &[
            "--json",
            "permit",
            "review",
            &id,
            "--tick",
            "plates_match,axles_tyres_match",
            "--untick",
            "continuous_shot:01:02 处有剪辑",
            "--note",
            &note,
            "--verdict",
            "more-material",
        ],
        "",
        &[],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let review: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(review["verdict"]["verdict"], "more_material");
    assert_eq!(review["verdict"]["synced"], false);
    assert_eq!(review["draft"]["notes"][0]["at_ms"], 62000);
    let shot = review["draft"]["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|m| m["item"] == "continuous_shot")
        .expect("marked")
        .clone();
    assert_eq!(shot["remark"], "01:02 处有剪辑");
    let o = cli(&data, &["permit", "review-show", &id], "", &[]);
    let shown = text(&o.stdout);
    assert!(
        shown.contains("补正材料") && shown.contains("01:02.000"),
        "{shown}"
    );
    let pdf = dir.path().join("notice.pdf");
    let o = cli(
        &data,
        &[
            "--json",
            "permit",
            "notice",
            &id,
            "--out",
            &pdf.display().to_string(),
        ],
        "",
        &[],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(std::fs::read(&pdf).expect("written").starts_with(b"%PDF-"));
    let written: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    // The missing materials and the item not met, at once.
    assert!(written["lines"].as_array().expect("lines").len() > 1);
    let o = cli(
        &data,
        &["permit", "review", &id, "--verdict", "pass"],
        "",
        &[],
    );
    assert!(!o.status.success(), "decided once");
    assert!(cli(&data, &["sync"], "", &[]).status.success());

    // An officer's desk cannot close the day; the desk staff closes it once.
    let officer = dir.path().join("officer");
    login(&officer, "zhang.wei");
    let o = cli(&officer, &["permit", "close"], "", &[]);
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("只有服务点工作人员可以日结"),
        "{}",
        text(&o.stderr)
    );
    let o = cli(&data, &["--json", "permit", "close"], "", &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let closed: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(closed["verification"]["state"], "verified");
    assert_eq!(closed["draw"]["random"].as_array().map(Vec::len), Some(1));
    let o = cli(&data, &["permit", "close"], "", &[]);
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("日结"), "{}", text(&o.stderr));
}
