//! The desk against the real hub, in process on loopback (as crates/hub/tests/hub.rs starts
//! it), with its demo users and orders, over real SQLite files on both sides. The desk's
//! services are called from the test thread; the hub runs on its own tokio runtime.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use casedesk_app::{Desk, ErrorCode, HandlingMethod, InboxFilter, Lang, TokenStoreKind};
use casedesk_domain::{Catalog, OrderState, Status, WorkingCalendar};
use casedesk_hub::evidence::EvidenceBucket;
use casedesk_hub::storage::{self, HubStore};
use casedesk_hub::{app_with_evidence, HubConfig};
use casedesk_store::Store;
use casedesk_sync::HubClient;
use casedesk_wire::OrderFacts;

const PASSWORD: &str = casedesk_hub::demo::DEMO_PASSWORD;

struct Hub {
    base: String,
    store: Arc<dyn HubStore>,
    rt: tokio::runtime::Runtime,
    /// The folder the hub keeps evidence in.
    evidence: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

fn start_hub(config: HubConfig) -> Hub {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("hub.db").display().to_string();
    let (store, base) = rt.block_on(async {
        let store = storage::open(&db).await.expect("open the hub's store");
        assert!(casedesk_hub::demo::fill(&*store).await.expect("demo"));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("addr");
        let bucket = EvidenceBucket::open(&format!("{db}.evidence")).expect("evidence folder");
        let service = app_with_evidence(store.clone(), config, bucket)
            .into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, service).await });
        (store, format!("http://{addr}"))
    });
    Hub {
        base,
        store,
        rt,
        evidence: dir.path().join("hub.db.evidence"),
        _dir: dir,
    }
}

impl Hub {
    fn order(&self, order_no: &str) -> casedesk_hub::storage::OrderRecord {
        self.rt
            .block_on(self.store.order(order_no))
            .expect("read")
            .expect("the hub has the order")
    }
}

fn desk(dir: &Path) -> Desk {
    let mut d = Desk::open(dir).expect("open desk");
    d.set_token_store(TokenStoreKind::File);
    d
}

fn signed_in(hub: &Hub, dir: &Path, user: &str) -> Desk {
    let mut d = desk(dir);
    let who = d.login(&hub.base, user, PASSWORD).expect("login");
    assert_eq!(who.username, user);
    assert_eq!(
        d.profile().user_name,
        user,
        "the hub's user acts at the desk"
    );
    d
}

fn orders(d: &Desk) -> Vec<casedesk_app::InboxRow> {
    let mut q = InboxFilter {
        page_size: 200,
        ..InboxFilter::default()
    };
    q.open_only = false;
    d.list_inbox(&q).expect("inbox").rows
}

fn first_pending(d: &Desk) -> (i64, String) {
    let row = orders(d)
        .into_iter()
        .filter(|r| r.status == Status::Pending && !r.whitelisted)
        .min_by(|a, b| a.order_no.cmp(&b.order_no))
        .expect("a pending order");
    (row.id, row.order_no)
}

#[test]
fn an_empty_desk_pulls_the_hubs_orders_and_its_work_reaches_the_hub() {
    let hub = start_hub(HubConfig::default());
    let dir = tempfile::tempdir().expect("tempdir");
    let mut d = signed_in(&hub, dir.path(), "zhang.wei");
    let r = d.sync().expect("first sync");
    assert_eq!(r.pulled_orders, 12, "长垣市's demo orders, not 获嘉县's");
    assert_eq!(r.pushed, 0);
    let rows = orders(&d);
    assert_eq!(rows.len(), 12);
    assert!(rows.iter().all(|o| o.county_code == "410783"));
    // The facts the hub sends, completed from the desk's catalog.
    let row = &rows[0];
    let violation = Catalog::embedded()
        .get(&row.violation_code)
        .expect("known violation");
    assert_eq!(row.violation_name, violation.name);
    assert!(row.plate.starts_with("豫G"));
    assert!(
        !row.licensed,
        "no enterprise details travel on the wire yet"
    );

    // Offline work: claim and handle.
    let (id, no) = first_pending(&d);
    d.claim(id).expect("claim");
    d.handle(id, HandlingMethod::PhoneWarning, "已电话警示", "")
        .expect("handle");
    assert_eq!(d.outbox().expect("outbox").len(), 2);
    let r = d.sync().expect("sync");
    assert_eq!((r.pushed, r.already_applied, r.refused.len()), (2, 0, 0));
    assert!(
        d.outbox().expect("outbox").is_empty(),
        "the outbox is empty"
    );
    assert_eq!(r.unsent, 0);
    let on_hub = hub.order(&no);
    assert_eq!(on_hub.state.status, Status::Handled);
    assert_eq!(on_hub.state.claimed_by.as_deref(), Some("zhang.wei"));
    assert_eq!(on_hub.version, 3);
    // The pull after the push brought the hub's row back.
    assert!(r.pulled_orders >= 1);
    let detail = d.order(id).expect("detail");
    assert_eq!(detail.version, 3);
    assert_eq!(detail.row.status, Status::Handled);
    assert_eq!(detail.timeline.len(), 2, "the desk's own timeline stays");

    // Another desk of the same county sees it handled by pulling.
    let dir2 = tempfile::tempdir().expect("tempdir");
    let mut d2 = signed_in(&hub, dir2.path(), "li.na");
    d2.sync().expect("sync");
    let seen = orders(&d2)
        .into_iter()
        .find(|o| o.order_no == no)
        .expect("pulled");
    assert_eq!(seen.status, Status::Handled);
    assert_eq!(seen.claimed_by.as_deref(), Some("zhang.wei"));
}

#[test]
fn a_claim_undone_before_sync_never_reaches_the_hub_and_one_synced_cannot_be_undone() {
    let hub = start_hub(HubConfig::default());
    let dir = tempfile::tempdir().expect("tempdir");
    let mut d = signed_in(&hub, dir.path(), "zhang.wei");
    d.sync().expect("first sync");
    let (id, no) = first_pending(&d);
    d.claim(id).expect("claim");
    d.undo_claim(id).expect("undo while unsent");
    let r = d.sync().expect("sync");
    assert_eq!(r.pushed, 0, "nothing to send");
    assert_eq!(hub.order(&no).state.status, Status::Pending);

    d.claim(id).expect("claim");
    let r = d.sync().expect("sync");
    assert_eq!(r.pushed, 1);
    let err = d.undo_claim(id).expect_err("sent");
    assert_eq!(err.code, ErrorCode::RefusedTransition);
    assert!(
        err.text(casedesk_app::Lang::Zh).contains("已同步"),
        "{}",
        err.text(casedesk_app::Lang::Zh)
    );
    assert!(
        err.text(casedesk_app::Lang::En).contains("sent to the hub"),
        "{}",
        err.text(casedesk_app::Lang::En)
    );
    assert_eq!(d.order(id).expect("order").row.status, Status::Claimed);
    assert_eq!(hub.order(&no).state.status, Status::Claimed);
}

#[test]
fn a_push_retried_after_a_lost_answer_is_applied_once() {
    let hub = start_hub(HubConfig::default());
    let dir = tempfile::tempdir().expect("tempdir");
    let mut d = signed_in(&hub, dir.path(), "zhang.wei");
    d.sync().expect("pull");
    let (id, no) = first_pending(&d);
    d.claim(id).expect("claim");
    // The push reaches the hub but its answer is lost: sent here behind the desk's back.
    let cache = Store::open(&dir.path().join("cache.sqlite")).expect("cache");
    let unsent: Vec<_> = cache
        .unsent_mutations(0, 500)
        .expect("unsent")
        .into_iter()
        .map(|(_, m)| m)
        .collect();
    assert_eq!(unsent.len(), 1);
    hub.rt.block_on(async {
        let mut c = HubClient::new(&hub.base).expect("client");
        c.login("zhang.wei", PASSWORD, "other")
            .await
            .expect("login");
        c.push(&unsent).await.expect("push");
    });
    assert_eq!(hub.order(&no).version, 2);
    let r = d.sync().expect("sync again");
    assert_eq!((r.pushed, r.already_applied), (0, 1));
    assert!(d.outbox().expect("outbox").is_empty());
    assert_eq!(hub.order(&no).version, 2, "applied once");
}

#[test]
fn two_desks_claim_the_same_order_offline_and_the_second_keeps_its_refusal() {
    let hub = start_hub(HubConfig::default());
    let (da, db) = (
        tempfile::tempdir().expect("a"),
        tempfile::tempdir().expect("b"),
    );
    let mut a = signed_in(&hub, da.path(), "zhang.wei");
    let mut b = signed_in(&hub, db.path(), "li.na");
    a.sync().expect("a pulls");
    b.sync().expect("b pulls");
    let (ida, no) = first_pending(&a);
    let idb = b.resolve_order(&no).expect("b has it");
    a.claim(ida).expect("a claims");
    b.claim(idb).expect("b claims offline");
    b.handle(idb, HandlingMethod::PhoneWarning, "已电话警示驾驶员", "")
        .expect("b handles offline");
    // And a second order, which nobody else touched: B's queue must not be blocked.
    let other = orders(&b)
        .into_iter()
        .filter(|r| r.status == Status::Pending && r.order_no != no && !r.whitelisted)
        .map(|r| (r.id, r.order_no))
        .next()
        .expect("another order");
    b.claim(other.0).expect("b claims another");

    let ra = a.sync().expect("a syncs first");
    assert_eq!(ra.pushed, 1);
    let rb = b.sync().expect("b syncs second");
    assert_eq!(
        rb.pushed, 1,
        "the later, unrelated claim still went through"
    );
    assert_eq!(rb.refused.len(), 2, "{:?}", rb.refused);
    assert_eq!(rb.refused[0].code, "claimed_by_other");
    assert!(
        rb.refused[0].message_zh.contains("zhang.wei"),
        "{:?}",
        rb.refused[0]
    );
    assert!(!rb.refused[0].message_en.is_empty());
    // Kept in the outbox with the reason, not dropped, and not sent again.
    let kept = b.outbox().expect("outbox");
    assert_eq!(kept.len(), 2);
    assert!(kept.iter().all(|k| k.entity_key == no));
    let again = b.sync().expect("b syncs again");
    assert_eq!((again.pushed, again.refused.len()), (0, 0));
    assert_eq!(again.refused_total, 2);
    assert_eq!(b.outbox().expect("outbox").len(), 2);
    // The hub's state wins on the order; what B recorded stays in its timeline.
    let detail = b.order(idb).expect("detail");
    assert_eq!(detail.row.claimed_by.as_deref(), Some("zhang.wei"));
    assert_eq!(
        detail.timeline.len(),
        2,
        "B's claim and handling are preserved"
    );
    assert_eq!(
        hub.order(&no).state.claimed_by.as_deref(),
        Some("zhang.wei")
    );
    assert_eq!(
        hub.order(&other.1).state.claimed_by.as_deref(),
        Some("li.na")
    );
}

#[test]
fn a_page_that_cannot_be_applied_leaves_the_checkpoint_and_the_cache_unchanged() {
    let hub = start_hub(HubConfig::default());
    // An order whose violation this desk's catalog does not know, after the demo orders.
    let violation = Catalog::embedded().all().first().expect("violation");
    let detected = chrono::Local::now().naive_local() - chrono::Duration::hours(1);
    let state = OrderState::open(violation, detected, "410783", &WorkingCalendar::embedded());
    let facts = OrderFacts {
        violation_code: "XX-999".into(),
        plate: "豫G99999".into(),
        place: "S308".into(),
        detected_at: detected.format("%Y-%m-%d %H:%M").to_string(),
    };
    hub.rt
        .block_on(hub.store.insert_order(
            "GD-UNKNOWN",
            &facts,
            &state,
            "test",
            "2026-11-29 09:00:00",
        ))
        .expect("insert");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut d = signed_in(&hub, dir.path(), "zhang.wei");
    let e = d.sync().expect_err("the page is refused");
    assert!(e.text(Lang::En).contains("XX-999"), "{e:?}");
    assert!(orders(&d).is_empty(), "no row of the page was kept");
    let cache = Store::open(&dir.path().join("cache.sqlite")).expect("cache");
    assert_eq!(
        cache.sync_state().expect("state").map(|s| s.checkpoint),
        Some(0)
    );
}

#[test]
fn a_wrong_password_is_a_clear_error_and_signs_nobody_in() {
    let hub = start_hub(HubConfig::default());
    let dir = tempfile::tempdir().expect("tempdir");
    let mut d = desk(dir.path());
    let e = d
        .login(&hub.base, "zhang.wei", "wrong password")
        .expect_err("refused");
    assert_eq!(e.code, ErrorCode::BadCredentials);
    assert!(!e.text(Lang::Zh).is_empty() && !e.text(Lang::En).is_empty());
    assert!(d.signed_in().expect("state").is_none());
    let e = d.sync().expect_err("not signed in");
    assert_eq!(e.code, ErrorCode::SignInRequired);
}

#[test]
fn an_unreachable_hub_is_offline_and_the_queue_is_untouched() {
    let hub = start_hub(HubConfig::default());
    let dir = tempfile::tempdir().expect("tempdir");
    let mut d = signed_in(&hub, dir.path(), "zhang.wei");
    d.sync().expect("pull");
    let (id, _) = first_pending(&d);
    d.claim(id).expect("claim");
    let before = d.outbox().expect("outbox");
    // The hub goes away: its runtime, listener and all.
    let Hub { rt, _dir, .. } = hub;
    rt.shutdown_timeout(std::time::Duration::from_secs(5));
    let e = d.sync().expect_err("offline");
    assert_eq!(e.code, ErrorCode::Offline, "{e:?}");
    assert_eq!(d.outbox().expect("outbox"), before);
    assert!(d.signed_in().expect("state").is_some(), "still signed in");
}

#[test]
fn an_expired_access_token_is_refreshed_once_and_the_new_pair_kept() {
    let hub = start_hub(HubConfig {
        access_ttl_secs: 1,
        ..HubConfig::default()
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let mut d = signed_in(&hub, dir.path(), "zhang.wei");
    let token_file = dir.path().join(casedesk_sync::TOKEN_FILE);
    let first = std::fs::read(&token_file).expect("token file");
    std::thread::sleep(std::time::Duration::from_millis(2100));
    d.sync().expect("sync after expiry");
    let second = std::fs::read(&token_file).expect("token file");
    assert_ne!(first, second, "the rotated pair replaced the used one");
    std::thread::sleep(std::time::Duration::from_millis(2100));
    d.sync().expect("and again with the kept pair");
    // Logging out forgets the tokens but keeps the queue.
    let (id, _) = first_pending(&d);
    d.claim(id).expect("claim");
    d.logout().expect("logout");
    assert!(!token_file.exists());
    assert_eq!(d.outbox().expect("outbox").len(), 1);
    assert_eq!(
        d.sync().expect_err("signed out").code,
        ErrorCode::SignInRequired
    );
}

// --- evidence ------------------------------------------------------------------------------

const MIB: usize = 1024 * 1024;

/// A PNG-looking file of `len` bytes in `dir`.
fn png_file(dir: &Path, name: &str, len: usize, seed: u8) -> (std::path::PathBuf, Vec<u8>) {
    let mut b: Vec<u8> = (0..len)
        .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[2] ^ seed)
        .collect();
    b[..8].copy_from_slice(b"\x89PNG\r\n\x1a\n");
    let path = dir.join(name);
    std::fs::write(&path, &b).expect("write the photo");
    (path, b)
}

/// A synced desk's first pending order, claimed, handled and rectified with `files`; the
/// hashes of the evidence recorded.
fn rectified(d: &mut Desk, files: &[std::path::PathBuf]) -> (String, Vec<String>) {
    let (id, no) = first_pending(d);
    d.claim(id).expect("claim");
    d.handle(id, HandlingMethod::Education, "已约谈", "")
        .expect("handle");
    let detail = d
        .record_rectification(id, "已整改，附现场照片", files)
        .expect("rectify");
    let hashes = detail
        .timeline
        .last()
        .expect("the rectification")
        .evidence
        .iter()
        .map(|e| e.hash.clone())
        .collect();
    (no, hashes)
}

impl Hub {
    /// The bytes the hub stored under `hash`.
    fn stored(&self, hash: &str) -> Option<Vec<u8>> {
        std::fs::read(
            self.evidence
                .join("sha256")
                .join(&hash[0..2])
                .join(&hash[2..4])
                .join(hash),
        )
        .ok()
    }

    /// A loopback proxy to this hub that passes at most `budget` bytes from the desk (then
    /// cuts every connection, as a network going away mid-upload); `i64::MAX` for no limit.
    fn proxy(&self, budget: Arc<std::sync::atomic::AtomicI64>) -> String {
        use std::sync::atomic::Ordering;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let upstream = self.base.trim_start_matches("http://").to_string();
        self.rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind the proxy");
            let addr = listener.local_addr().expect("proxy addr");
            tokio::spawn(async move {
                while let Ok((client, _)) = listener.accept().await {
                    let (budget, upstream) = (budget.clone(), upstream.clone());
                    tokio::spawn(async move {
                        let Ok(hub) = tokio::net::TcpStream::connect(&upstream).await else {
                            return;
                        };
                        let (mut cr, mut cw) = client.into_split();
                        let (mut hr, mut hw) = hub.into_split();
                        let down = tokio::spawn(async move {
                            let _ = tokio::io::copy(&mut hr, &mut cw).await;
                        });
                        let mut buf = vec![0u8; 64 * 1024];
                        loop {
                            let n = match cr.read(&mut buf).await {
                                Ok(0) | Err(_) => break,
                                Ok(n) => n,
                            };
                            if budget.fetch_sub(n as i64, Ordering::SeqCst) < n as i64 {
                                break;
                            }
                            if hw.write_all(&buf[..n]).await.is_err() {
                                break;
                            }
                        }
                        // The cut: both directions go.
                        down.abort();
                    });
                }
            });
            format!("http://{addr}")
        })
    }
}

#[test]
fn a_rectifications_evidence_reaches_the_hub_before_its_mutation() {
    let hub = start_hub(HubConfig::default());
    let dir = tempfile::tempdir().expect("tempdir");
    let mut d = signed_in(&hub, dir.path(), "zhang.wei");
    d.sync().expect("first sync");
    let (photo, photo_bytes) = png_file(dir.path(), "现场照片.png", MIB + MIB / 3, 7);
    let pdf = dir.path().join("整改报告.pdf");
    let pdf_bytes: Vec<u8> = [b"%PDF-1.4\n".as_slice(), &[b'x'; 5000]].concat();
    std::fs::write(&pdf, &pdf_bytes).expect("pdf");
    let (no, hashes) = rectified(&mut d, &[photo, pdf]);

    let r = d.sync().expect("sync");
    assert_eq!(r.pushed, 3, "claim, handle, rectification");
    assert_eq!(r.uploaded_files, 2);
    assert_eq!(
        r.uploaded_bytes,
        (photo_bytes.len() + pdf_bytes.len()) as u64
    );
    assert!(r.upload_refusals.is_empty(), "{:?}", r.upload_refusals);
    assert_eq!(
        hub.stored(&hashes[0]).as_deref(),
        Some(photo_bytes.as_slice())
    );
    assert_eq!(
        hub.stored(&hashes[1]).as_deref(),
        Some(pdf_bytes.as_slice())
    );
    let on_hub = hub
        .rt
        .block_on(hub.store.evidence(&hashes[0]))
        .expect("read")
        .expect("recorded");
    assert_eq!(on_hub.counties, ["410783"]);
    assert_eq!(hub.order(&no).state.status, Status::Rectified);
    // The 同步 page shows the last file sent, whole.
    let shown = d
        .sync_overview()
        .expect("overview")
        .upload
        .expect("progress");
    assert_eq!((shown.sent, shown.total, shown.done), (5009, 5009, true));
    assert_eq!(shown.order_no, no);

    // Nothing is sent twice.
    let again = d.sync().expect("sync again");
    assert_eq!((again.uploaded_files, again.uploaded_bytes), (0, 0));
}

#[test]
fn an_upload_cut_after_its_first_chunk_resumes_from_the_hubs_offset_after_a_restart() {
    use std::sync::atomic::{AtomicI64, Ordering};
    let hub = start_hub(HubConfig::default());
    let budget = Arc::new(AtomicI64::new(i64::MAX));
    let via = hub.proxy(budget.clone());
    let dir = tempfile::tempdir().expect("tempdir");
    let mut d = desk(dir.path());
    d.login(&via, "zhang.wei", PASSWORD).expect("login");
    d.sync().expect("first sync");
    let (photo, bytes) = png_file(dir.path(), "现场照片.png", 3 * MIB, 9);
    let (_, hashes) = rectified(&mut d, &[photo]);

    // The network goes away half-way through the second chunk.
    budget.store((MIB + MIB / 2) as i64, Ordering::SeqCst);
    let e = d.sync().expect_err("cut");
    assert_eq!(e.code, ErrorCode::Offline, "{e:?}");
    assert!(hub.stored(&hashes[0]).is_none());
    assert_eq!(
        d.outbox().expect("outbox").len(),
        3,
        "nothing pushed before its file"
    );
    drop(d);

    // The app starts again on the same data folder; the network is back.
    budget.store(i64::MAX, Ordering::SeqCst);
    let mut d = desk(dir.path());
    let r = d.sync().expect("resumed sync");
    assert_eq!(r.uploaded_files, 1);
    assert_eq!(
        r.uploaded_bytes,
        (bytes.len() - MIB) as u64,
        "only what the hub did not hold was sent"
    );
    assert_eq!(r.pushed, 3);
    assert_eq!(hub.stored(&hashes[0]).as_deref(), Some(bytes.as_slice()));
}
