//! The hub's evidence in an S3 bucket (`--evidence s3://bucket/prefix`, credentials and endpoint
//! from the usual `AWS_*` variables), as a hub configured for one runs: a carrier's submission
//! taken in, its files stored in the bucket, then served to a desk whole and by range.
//!
//! The real S3 service cannot run here. moto's S3 server (Python, `python3 -m moto.server`) stands
//! in for it on loopback: the hub's S3 client speaks real HTTP to it, signed requests included.
//! The test says so and passes without checking anything when moto is not installed.
//!
//! Its own test binary: the `AWS_*` variables are set before any other thread runs.

use std::net::{SocketAddr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use casedesk_domain::Role;
use casedesk_hub::evidence::EvidenceBucket;
use casedesk_hub::jurisdiction::Jurisdiction;
use casedesk_hub::permit::{submit, Poster};
use casedesk_hub::storage::{self, NewUser};
use casedesk_hub::{app_with_evidence, HubConfig};
use casedesk_wire::{ApplicationSubmitted, TokenResponse};
use reqwest::StatusCode;
use serde_json::json;

mod common;

/// moto's server, stopped when dropped.
struct Moto(Child);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Starts moto's S3 server on loopback, or None when moto is not installed.
fn start_moto() -> Option<(Moto, String)> {
    let installed = Command::new("python3")
        .args(["-c", "import moto.server"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !installed {
        return None;
    }
    let port = free_port();
    let child = Command::new("python3")
        .args([
            "-m",
            "moto.server",
            "-H",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start moto");
    let moto = Moto(child);
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "moto did not listen"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Some((moto, format!("http://127.0.0.1:{port}")))
}

#[test]
fn materials_are_kept_in_an_s3_bucket_and_served_by_range() {
    let Some((_moto, endpoint)) = start_moto() else {
        eprintln!("moto (python3 -m moto.server) is not installed: the S3 test is skipped");
        return;
    };
    // What an operator sets for `--evidence s3://…` (no thread reads the environment yet).
    for (k, v) in [
        ("AWS_ACCESS_KEY_ID", "casedesk"),
        ("AWS_SECRET_ACCESS_KEY", "casedesk-secret"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
        ("AWS_ENDPOINT", endpoint.as_str()),
        ("AWS_ALLOW_HTTP", "true"),
    ] {
        std::env::set_var(k, v);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let http = reqwest::Client::new();
    rt.block_on(async {
        // The bucket exists before the hub starts, as an operator makes it.
        let made = http
            .put(format!("{endpoint}/casedesk-evidence"))
            .send()
            .await
            .expect("create the bucket");
        assert!(made.status().is_success(), "{}", made.status());
        let bucket = EvidenceBucket::open("s3://casedesk-evidence/hub").expect("the S3 bucket");
        assert_eq!(bucket.location(), "s3://casedesk-evidence/hub");

        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("hub.db").display().to_string();
        let store = storage::open(&db).await.expect("open the store");
        store
            .add_user(
                NewUser {
                    username: "chen.jing".into(),
                    password_hash: casedesk_hub::auth::hash_password("s3-test-password")
                        .expect("hash"),
                    role: Role::DeskStaff,
                    jurisdiction: Jurisdiction::parse("410783").expect("长垣市"),
                },
                "2026-11-30 08:00:00",
            )
            .await
            .expect("a desk user");
        let poster = Poster {
            username: "admin".into(),
            device_id: "carrier-portal".into(),
            scope: Jurisdiction::Province,
        };
        let (manifest, files) = common::submission("S3-001", "410783");
        let video = files[0].1.clone();
        let manifest = serde_json::from_value(manifest).expect("the shared format");
        let taken = submit(&*store, &bucket, manifest, files, &poster)
            .await
            .expect("taken");
        assert!(matches!(taken, ApplicationSubmitted::Created { .. }));

        // The objects are in the bucket, under the prefix, by hash.
        let listed = http
            .get(format!(
                "{endpoint}/casedesk-evidence?list-type=2&prefix=hub/"
            ))
            .send()
            .await
            .expect("list")
            .text()
            .await
            .expect("listing");
        let sha = {
            use sha2::Digest;
            hex::encode(sha2::Sha256::digest(&video))
        };
        assert!(listed.contains(&sha), "{listed}");

        // A desk of the service point gets the file back whole and from an offset.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let service = app_with_evidence(store.clone(), HubConfig::default(), bucket)
            .into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, service).await;
        });
        let base = format!("http://{addr}/api/v1");
        let token: TokenResponse = http
            .post(format!("{base}/login"))
            .json(
                &json!({"username": "chen.jing", "password": "s3-test-password",
                          "device_id": "desk-s3"}),
            )
            .send()
            .await
            .expect("login")
            .json()
            .await
            .expect("tokens");
        let get = |range: Option<&'static str>| {
            let mut req = http
                .get(format!("{base}/evidence/{sha}"))
                .bearer_auth(&token.access_token);
            if let Some(r) = range {
                req = req.header(reqwest::header::RANGE, r);
            }
            req.send()
        };
        let whole = get(None).await.expect("download");
        assert_eq!(whole.status(), StatusCode::OK);
        assert_eq!(
            whole.bytes().await.expect("bytes").as_ref(),
            video.as_slice()
        );
        let part = get(Some("bytes=1000-")).await.expect("range");
        assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(part.bytes().await.expect("bytes").as_ref(), &video[1000..]);
        let past = get(Some("bytes=999999999-")).await.expect("past the end");
        assert_eq!(past.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    });
}
