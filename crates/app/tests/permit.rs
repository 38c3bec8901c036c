//! The permit desk against the real hub, in process on loopback, over real SQLite files on both
//! sides: carriers' applications reach the service point's desk (and no other county's), with
//! what the domain computes for each; the day's commitment comes before its first application;
//! after closure the desk recomputes the draw from the revealed seed over its own list, and a
//! seed changed on the hub is caught. Applications' materials come down to the desk by hash
//! (resumable, verified, fingerprinted) and the loopback media server serves them.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use casedesk_app::{
    ApplicationReview, Desk, FetchStatus, FetchedFile, MaterialProgress, MediaServer, MessageKey,
    PendingReason, ReviewedMaterial, Sampled, TokenStoreKind, Verification,
};
use casedesk_domain::permit::{
    checklist, Acceptance, ClockAction, ItemMark, ListPenalty, PauseReason, PermitClass,
    PinnedNote, ReviewDraft, Verdict,
};
use casedesk_domain::Role;
use casedesk_hub::evidence::EvidenceBucket;
use casedesk_hub::jurisdiction::Jurisdiction;
use casedesk_hub::permit::{submit, Poster};
use casedesk_hub::storage::{self, HubStore, NewUser};
use casedesk_hub::{app_with_evidence, HubConfig};
use casedesk_media::index::MatchHow;
use casedesk_media::inspect::{Facts, Finding};
use casedesk_wire::{ApplicationSubmitted, Submission};

const PASSWORD: &str = casedesk_hub::demo::DEMO_PASSWORD;

struct Hub {
    base: String,
    db: String,
    store: Arc<dyn HubStore>,
    bucket: EvidenceBucket,
    rt: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

fn start_hub() -> Hub {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("hub.db").display().to_string();
    let evidence = dir.path().join("hub.db.evidence").display().to_string();
    let bucket = EvidenceBucket::open(&evidence).expect("evidence folder");
    let (store, addr) = rt.block_on(async {
        let store = storage::open(&db).await.expect("open the hub's store");
        assert!(casedesk_hub::demo::fill_open_orders(&*store)
            .await
            .expect("demo"));
        store
            .add_user(
                NewUser {
                    username: "liu.yang".into(),
                    password_hash: casedesk_hub::auth::hash_password(PASSWORD).expect("hash"),
                    role: Role::DeskStaff,
                    jurisdiction: Jurisdiction::parse("410724").expect("获嘉县"),
                },
                "2026-11-30 08:00:00",
            )
            .await
            .expect("another county's desk staff");
        store
            .add_user(
                NewUser {
                    username: "wu.qiang".into(),
                    password_hash: casedesk_hub::auth::hash_password(PASSWORD).expect("hash"),
                    role: Role::DeskStaff,
                    jurisdiction: Jurisdiction::parse("410783").expect("长垣市"),
                },
                "2026-11-30 08:00:00",
            )
            .await
            .expect("a colleague at the same service point");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("addr");
        let service = app_with_evidence(store.clone(), HubConfig::default(), bucket.clone())
            .into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, service).await;
        });
        (store, addr)
    });
    Hub {
        base: format!("http://{addr}"),
        db,
        store,
        bucket,
        rt,
        _dir: dir,
    }
}

fn signed_in(hub: &Hub, dir: &Path, user: &str) -> Desk {
    let mut d = Desk::open(dir).expect("open desk");
    d.set_token_store(TokenStoreKind::File);
    d.login(&hub.base, user, PASSWORD).expect("login");
    d
}

/// A submission of the shared folder format; `complete` hands in every material a class II
/// fast-track application needs.
fn submission(reference: &str, complete: bool) -> (Submission, Vec<(String, Vec<u8>)>) {
    let mut materials = vec![
        ("measurement_video", "measurement.mp4"),
        ("watermarked_photos", "front.jpg"),
        ("dispatch_note", "dispatch.pdf"),
        ("carrier_commitment", "carrier-commitment.pdf"),
    ];
    if complete {
        materials.extend([
            ("manufacturer_commitment", "manufacturer-commitment.pdf"),
            ("application_form", "form.pdf"),
            ("operating_licence", "licence.pdf"),
            ("vehicle_licence", "vehicle.pdf"),
            ("agent_id", "agent.jpg"),
            ("agent_authorisation", "authorisation.pdf"),
        ]);
    }
    let submitted = (casedesk_hub::clock::beijing_now() - chrono::Duration::minutes(3))
        .format("%Y-%m-%dT%H:%M:%S+08:00")
        .to_string();
    let s: Submission = serde_json::from_value(serde_json::json!({
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
        "materials": materials.iter().map(|(m, f)| serde_json::json!({"material": m, "file": f}))
            .collect::<Vec<_>>(),
    }))
    .expect("the shared format");
    let files = materials
        .iter()
        .map(|(_, f)| {
            let bytes = if f.ends_with(".mp4") {
                b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41".to_vec()
            } else if f.ends_with(".jpg") {
                vec![0xFF, 0xD8, 0xFF, 0xE0, reference.len() as u8]
            } else {
                format!("%PDF-1.7\n% {reference} {f}\n%%EOF\n").into_bytes()
            };
            (f.to_string(), bytes)
        })
        .collect();
    (s, files)
}

impl Hub {
    fn submit(&self, reference: &str, complete: bool) -> String {
        let (s, files) = submission(reference, complete);
        self.take(s, files)
    }

    /// Takes a submission in as the carrier portal (an administrator) would: a new application.
    fn take(&self, s: Submission, files: Vec<(String, Vec<u8>)>) -> String {
        let poster = Poster {
            username: "admin".into(),
            device_id: "carrier-portal".into(),
            scope: Jurisdiction::Province,
        };
        match self
            .rt
            .block_on(submit(&*self.store, &self.bucket, s, files, &poster))
            .expect("taken")
        {
            ApplicationSubmitted::Created { application_id, .. } => application_id,
            other => panic!("expected a new application: {other:?}"),
        }
    }

    /// Changes the revealed seed behind the hub's back and numbers the row again, so desks
    /// pull it: what a hub that wanted another sample would have to do.
    fn tamper_seed(&self) {
        let conn = rusqlite::Connection::open(&self.db).expect("open the hub's file");
        let seq: i64 = conn
            .query_row(
                "UPDATE counters SET value = value + 1 WHERE name = 'change' RETURNING value",
                [],
                |r| r.get(0),
            )
            .expect("number");
        conn.execute(
            "UPDATE permit_days SET seed = ?1, seq = ?2 WHERE service_point = '410783'",
            rusqlite::params![hex::encode([7u8; 32]), seq],
        )
        .expect("tamper");
    }
}

#[test]
fn the_desk_pulls_the_days_applications_and_verifies_its_draw() {
    let hub = start_hub();
    let here = tempfile::tempdir().expect("desk dir");
    let elsewhere = tempfile::tempdir().expect("desk dir");
    let mut desk = signed_in(&hub, here.path(), "chen.jing");
    let mut other = signed_in(&hub, elsewhere.path(), "liu.yang");

    let complete = hub.submit("HD-001", true);
    let incomplete = hub.submit("HD-002", false);
    let third = hub.submit("HD-003", false);
    desk.sync().expect("sync");
    other.sync().expect("sync");

    let apps = desk.permit_applications(None).expect("applications");
    let ids: Vec<&str> = apps.iter().map(|a| a.application_id.as_str()).collect();
    assert_eq!(
        ids,
        vec![complete.as_str(), incomplete.as_str(), third.as_str()]
    );
    let a = &apps[0];
    assert!(a.classification.over_limit.is_over());
    assert_eq!(a.classification.class, Some(PermitClass::Two));
    assert_eq!(a.classification.time_limit_days, Some(5));
    assert!(a.missing.is_empty(), "{:?}", a.missing);
    let clock = a.time_limit.as_ref().expect("the clock runs");
    assert_eq!(clock.limit_days, 5);
    assert_eq!(clock.days_left, Some(5));
    assert!(a.fast_track.requested && a.fast_track.eligible);
    assert_eq!(
        a.on_top.len(),
        1,
        "the carrier's first application is checked on top"
    );
    assert_eq!(a.sampled, Sampled::NotDrawn);
    let b = &apps[1];
    assert!(matches!(b.acceptance, Acceptance::NoticeDue { .. }));
    assert!(b.time_limit.is_none());
    let missing: Vec<&str> = b.missing.iter().map(|m| m.code).collect();
    assert!(missing.contains(&"application_form") && missing.contains(&"manufacturer_commitment"));
    assert!(b.on_top.is_empty());
    assert_eq!(b.materials.len(), 4);
    assert_eq!(b.materials[0].mime, "video/mp4");

    // Published before the first application; the seed is still secret.
    let day = desk.permit_day(None).expect("day").expect("pulled");
    assert_eq!(day.applications, 3);
    assert!(day.seed.is_none());
    assert!(matches!(day.verification, Verification::NotClosed));
    assert!(day.committed_at < a.received_at);

    // Another county's desk staff never sees them.
    assert!(other.permit_applications(None).expect("list").is_empty());

    // 导出Excel of the page: the day's three, in the list's order, each fact in words.
    let xlsx = here.path().join("大件运输.xlsx");
    let summary = desk.export_permit_xlsx(None, &xlsx).expect("export");
    assert_eq!(summary.rows, 3);
    let cells = xlsx_cells(&xlsx, "大件运输");
    assert_eq!(cells[0][..3], ["申报号", "申报时间", "承运人"]);
    let ids_in_file: Vec<&str> = cells[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids_in_file, ids);
    let (c, i) = (&cells[1], &cells[2]);
    assert!(c[11].starts_with("二类（"), "{}", c[11]);
    assert!(c[12].ends_with("剩余 5 个工作日"), "{}", c[12]);
    assert!(c[13].starts_with("材料齐全（"), "{}", c[13]);
    assert_eq!(c[14], "信用+申报：可用");
    assert_eq!(c[16], "未抽取（日结后抽取）");
    assert!(c[17].starts_with("加抽理由："), "{}", c[17]);
    assert!(i[12].starts_with("材料不全：一次性告知书"), "{}", i[12]);
    assert!(
        i[13].starts_with("缺 ") && i[13].contains("申请表"),
        "{}",
        i[13]
    );
    assert_eq!(i[17], "");
    assert_eq!(i[18], "", "no verdict yet");
    assert!(other.permit_day(None).expect("day").is_none());

    // Listing the carrier on the dishonest-enterprise list removes its fast track at once; the
    // listing counts in draws from tomorrow on, so today's draw is unaffected.
    let entry = desk
        .list_dishonest(
            "91410783MA9XL0HJ8A",
            "长垣市宏达重型运输有限公司",
            "测量视频剪辑拼接，虚报外廓尺寸",
            ListPenalty::FastTrackRemoved,
            "整改到位并公开信用承诺满一年",
        )
        .expect("listed");
    assert_eq!(desk.dishonest_list().expect("list").len(), 1);
    let refused = desk.permit_applications(None).expect("applications");
    assert!(!refused[0].fast_track.eligible);
    assert_eq!(
        refused[0].fast_track.refusals[0].code(),
        "on_dishonest_list"
    );
    // A county's listing holds there: another county's desk does not get it.
    other.sync().expect("sync");
    assert!(other.dishonest_list().expect("list").is_empty());

    // Only desk staff close the day; the officer's desk is refused before asking the hub.
    let officer_dir = tempfile::tempdir().expect("desk dir");
    let mut officer = signed_in(&hub, officer_dir.path(), "zhang.wei");
    let refused = officer
        .close_permit_day(None)
        .expect_err("officers do not close");
    assert_eq!(refused.message.key, MessageKey::PermitCloseDeskStaffOnly);

    // Closing waits for the complete application's verdict.
    let waits = desk.close_permit_day(None).expect_err("undecided");
    assert_eq!(waits.message.key, MessageKey::PermitCloseUndecided);
    desk.decide_permit_review(&complete, Verdict::Pass, &all_ticked(PermitClass::Two))
        .expect("pass");

    // 日结 from the desk: the hub reveals the seed, the desk syncs and verifies.
    let day = desk.close_permit_day(None).expect("closed");
    assert!(
        matches!(day.verification, Verification::Verified),
        "{:?}",
        day.verification
    );
    let seed = hex::decode(day.seed.as_deref().expect("revealed")).expect("hex");
    assert_eq!(casedesk_domain::permit::commitment(&seed), day.commitment);
    let draw = day.draw.expect("draw");
    assert_eq!(draw.applications, 3);
    assert_eq!(draw.random.len(), 1);
    let apps = desk.permit_applications(None).expect("applications");
    for a in &apps {
        let expected = if draw.random.contains(&a.application_id) {
            Sampled::Random
        } else if draw
            .on_top
            .iter()
            .any(|o| o.application_id == a.application_id)
        {
            Sampled::OnTop
        } else {
            Sampled::NotTaken
        };
        assert_eq!(a.sampled, expected, "{}", a.application_id);
    }

    // Credit repair restores the fast track.
    desk.repair_dishonest(entry.id).expect("repaired");
    let restored = desk.permit_applications(None).expect("applications");
    assert!(restored[0].fast_track.eligible);

    // A seed changed on the hub after closure is caught at the desk.
    hub.tamper_seed();
    desk.sync().expect("sync");
    let day = desk.permit_day(None).expect("day").expect("pulled");
    // Closing twice is the hub's refusal, in both languages.
    let again = desk.close_permit_day(None).expect_err("closed once");
    assert_eq!(again.code, casedesk_app::ErrorCode::HubRefused);
    match day.verification {
        Verification::Mismatch { error } => assert_eq!(
            error.message.key,
            MessageKey::SampleSeedDoesNotMatchCommitment
        ),
        other => panic!("the tampered seed must be detected: {other:?}"),
    }
}

/// The platform's record of a carrier reaches the desk with each application: ten unrepaired
/// administrative penalties refuse the fast track, a yellow code puts the application on top of
/// the draw (and the desk's check of the draw agrees), and after credit repair the carrier's
/// next application is eligible again.
#[test]
fn a_carriers_penalties_and_code_judge_its_applications() {
    use casedesk_domain::permit::AdministrativePenalty;
    use casedesk_domain::CreditCode;
    let hub = start_hub();
    let here = tempfile::tempdir().expect("desk dir");
    let mut desk = signed_in(&hub, here.path(), "chen.jing");
    let today = casedesk_hub::clock::beijing_now();
    let decided = today.date() - chrono::Duration::days(120);
    let record = |penalties: u32, repaired: bool, code| {
        let update = casedesk_wire::CarrierCreditUpdate {
            enterprise_name: "长垣市宏达重型运输有限公司".into(),
            standing: casedesk_wire::CarrierStanding {
                credit_code: Some(code),
                penalties: (0..penalties)
                    .map(|_| AdministrativePenalty {
                        decided_on: decided,
                        repaired_on: repaired.then_some(today.date()),
                    })
                    .collect(),
            },
            device_id: "platform".into(),
        };
        let r = casedesk_hub::permit::carrier_credit_record(
            "91410783MA9XL0HJ8A",
            update,
            "admin",
            today,
        )
        .expect("a valid record");
        hub.rt
            .block_on(hub.store.set_carrier_credit(r))
            .expect("kept");
    };
    record(10, false, CreditCode::Yellow);
    let refused = hub.submit("HD-201", true);
    record(10, true, CreditCode::Green);
    let eligible = hub.submit("HD-202", true);
    desk.sync().expect("sync");

    let apps = desk.permit_applications(None).expect("applications");
    let view = |id: &str| {
        apps.iter()
            .find(|a| a.application_id == id)
            .expect("pulled")
    };
    let a = view(&refused);
    let standing = a.carrier_standing.expect("the hub's record came with it");
    assert_eq!(standing.credit_code, Some(CreditCode::Yellow));
    assert_eq!(standing.unrepaired_penalties, 10);
    assert!(!a.fast_track.eligible);
    assert_eq!(
        a.fast_track.refusals[0].code(),
        "too_many_unrepaired_penalties"
    );
    assert!(a
        .on_top
        .contains(&casedesk_domain::permit::OnTopReason::YellowCode));
    let b = view(&eligible);
    assert_eq!(b.carrier_standing.expect("record").unrepaired_penalties, 0);
    assert!(b.fast_track.eligible, "{:?}", b.fast_track.refusals);
    assert!(!b
        .on_top
        .contains(&casedesk_domain::permit::OnTopReason::YellowCode));

    // Both are complete: each gets its verdict before 日结. The hub draws with the codes the
    // applications arrived with; the desk's check agrees.
    for id in [&refused, &eligible] {
        desk.decide_permit_review(id, Verdict::Pass, &all_ticked(PermitClass::Two))
            .expect("a verdict");
    }
    let day = desk.close_permit_day(None).expect("closed");
    assert!(
        matches!(day.verification, Verification::Verified),
        "{:?}",
        day.verification
    );
    let draw = day.draw.expect("draw");
    assert!(
        draw.random.contains(&refused)
            || draw.on_top.iter().any(|o| o.application_id == refused
                && o.reasons
                    .contains(&casedesk_domain::permit::OnTopReason::YellowCode)),
        "{draw:?}"
    );
}

/// Every checklist item of `class` ticked.
/// A workbook's sheet as text, row by row.
fn xlsx_cells(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    use calamine::{open_workbook, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(path).expect("open the export");
    assert_eq!(book.sheet_names(), [sheet]);
    let range = book.worksheet_range(sheet).expect("sheet");
    let width = range.width();
    range
        .rows()
        .map(|r| {
            let mut line: Vec<String> = r.iter().map(|c| c.to_string()).collect();
            line.resize(width, String::new());
            line
        })
        .collect()
}

fn all_ticked(class: PermitClass) -> ReviewDraft {
    ReviewDraft {
        items: checklist()
            .items_for(class)
            .iter()
            .map(|i| ItemMark {
                item: i.code.clone(),
                ticked: true,
                remark: None,
            })
            .collect(),
        notes: Vec::new(),
    }
}

/// The text of a PDF as pdftotext reads it, white space removed.
fn pdf_text(path: &Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils, installed by scripts/setup.sh)");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[test]
fn reviews_are_given_offline_synced_once_and_the_day_closes_after_them() {
    let hub = start_hub();
    let dirs: Vec<tempfile::TempDir> = (0..5)
        .map(|_| tempfile::tempdir().expect("desk dir"))
        .collect();
    let mut desk = signed_in(&hub, dirs[0].path(), "chen.jing");
    let mut colleague = signed_in(&hub, dirs[1].path(), "wu.qiang");
    let mut officer = signed_in(&hub, dirs[2].path(), "zhang.wei");
    let mut other_county = signed_in(&hub, dirs[3].path(), "liu.yang");
    let mut supervisor = signed_in(&hub, dirs[4].path(), "zhao.lei");

    let first = hub.submit("RV-001", true);
    let second = hub.submit("RV-002", true);
    let incomplete = hub.submit("RV-003", false);
    for d in [
        &mut desk,
        &mut colleague,
        &mut officer,
        &mut other_county,
        &mut supervisor,
    ] {
        d.sync().expect("sync");
    }

    // The panel: class II's seven items, nothing decided, the notice clock running.
    let view = desk.permit_review(&first).expect("review");
    assert_eq!(view.class, Some(PermitClass::Two));
    assert_eq!(view.checklist.len(), 7);
    assert!(view.editable && view.verdict.is_none());
    assert_eq!(view.notice.days_left, Some(5));
    let video = view.materials[0].sha256.clone();

    // The closure is refused at the desk, naming both complete applications.
    let waits = desk.close_permit_day(None).expect_err("undecided");
    assert_eq!(waits.message.key, MessageKey::PermitCloseUndecided);
    let ids = format!("{:?}", waits.message.params.get("ids"));
    assert!(ids.contains(&first) && ids.contains(&second) && !ids.contains(&incomplete));

    // Officers and other counties do not review.
    let err = officer
        .decide_permit_review(&first, Verdict::Pass, &all_ticked(PermitClass::Two))
        .expect_err("an officer");
    assert_eq!(err.message.key, MessageKey::ReviewNotReviewer);
    let err = other_county
        .permit_review(&first)
        .expect_err("not pulled there");
    assert_eq!(err.message.key, MessageKey::PermitApplicationNotFound);

    // The draft survives a restart; a pass with an item not ticked is refused.
    let mut draft = all_ticked(PermitClass::Two);
    draft.items.pop();
    draft.notes.push(PinnedNote {
        sha256: video.clone(),
        at_ms: Some(83_250),
        text: "卷尺读数 21.0 m，与申报一致".into(),
    });
    desk.save_permit_review(&first, &draft).expect("draft kept");
    drop(desk);
    let mut desk = signed_in(&hub, dirs[0].path(), "chen.jing");
    let kept = desk.permit_review(&first).expect("review");
    assert_eq!(kept.draft.notes[0].at_ms, Some(83_250));
    assert_eq!(kept.draft.items.len(), 6);
    let err = desk
        .decide_permit_review(&first, Verdict::Pass, &kept.draft)
        .expect_err("an item not ticked");
    assert_eq!(err.message.key, MessageKey::ReviewPassWithItemsNotTicked);

    // The verdict is kept offline with its outbox row; the hub has nothing yet.
    let mut full = all_ticked(PermitClass::Two);
    full.notes = kept.draft.notes.clone();
    let given = desk
        .decide_permit_review(&first, Verdict::Pass, &full)
        .expect("pass");
    let v = given.verdict.expect("verdict");
    assert!(!v.synced && v.verdict == Verdict::Pass && !given.editable);
    // The page's export shows it, unsent as it is.
    let xlsx = dirs[0].path().join("大件运输.xlsx");
    desk.export_permit_xlsx(None, &xlsx).expect("export");
    let row = xlsx_cells(&xlsx, "大件运输")
        .into_iter()
        .find(|r| r[0] == first)
        .expect("the first application");
    assert_eq!(row[18..20], ["通过", "chen.jing"]);
    assert_eq!(desk.outbox().expect("outbox").len(), 1);
    assert_eq!(
        desk.outbox().expect("outbox")[0].entity,
        "permit_application"
    );
    let again = desk
        .decide_permit_review(&first, Verdict::Fail, &full)
        .expect_err("decided once");
    assert_eq!(again.message.key, MessageKey::ReviewAlreadyDecided);

    // A colleague decides the same application before the first desk syncs: whoever reaches
    // the hub first wins, the other is refused with who decided.
    let mut defect = ReviewDraft::default();
    defect.items.push(ItemMark {
        item: "continuous_shot".into(),
        ticked: false,
        remark: Some("01:02 处画面跳切".into()),
    });
    colleague
        .decide_permit_review(&first, Verdict::MoreMaterial, &defect)
        .expect("kept at the colleague's desk");
    let report = desk.sync().expect("sync");
    assert_eq!(report.pushed, 1);
    let synced = desk.permit_review(&first).expect("review");
    assert!(synced.verdict.expect("verdict").synced);
    let report = colleague.sync().expect("sync");
    assert_eq!(report.refused.len(), 1);
    let refusal = &colleague.sync_overview().expect("overview").refusals[0];
    assert_eq!(refusal.code, "already_decided");
    assert_eq!(refusal.params["by"], "chen.jing");
    let said = casedesk_app::explain_refusal(refusal, casedesk_app::Lang::Zh);
    assert!(
        said.reason.contains("chen.jing") && said.reason.contains("通过"),
        "{}",
        said.reason
    );
    let seen = colleague.permit_review(&first).expect("review");
    assert_eq!(seen.verdict.expect("the hub's").decided_by, "chen.jing");
    assert_eq!(seen.refused_code.as_deref(), Some("already_decided"));

    // The supervisor sends the second back for more material; the one-time notice is its PDF.
    supervisor
        .decide_permit_review(&second, Verdict::MoreMaterial, &defect)
        .expect("more material");
    supervisor.sync().expect("sync");
    desk.sync().expect("sync");
    let out = dirs[0].path().join("告知书.pdf");
    let written = desk.permit_notice(&second, &out).expect("notice");
    assert!(!written.late);
    assert_eq!(written.lines.len(), 1);
    let bytes = std::fs::read(&out).expect("written");
    assert!(bytes.starts_with(b"%PDF-"));
    let text = pdf_text(&out);
    assert!(
        text.contains("不是一镜到底拍摄") && text.contains("01:02处画面跳切"),
        "{text}"
    );
    assert!(text.contains(&second));
    let err = desk
        .permit_notice(&first, &out)
        .expect_err("a pass has no notice");
    assert_eq!(err.message.key, MessageKey::NoticeNeedsMoreMaterial);

    // The day's report, then the closure; a verdict on the closed day is refused at the desk.
    let day = desk.permit_day(None).expect("day").expect("pulled");
    let r = &day.report;
    assert_eq!(
        (r.applications, r.decided, r.passed, r.more_material),
        (3, 2, 1, 1)
    );
    assert!(r.undecided.is_empty());
    assert_eq!(r.pending.len(), 2, "{:?}", r.pending);
    let day = desk.close_permit_day(None).expect("closed");
    assert!(day.closed_at.is_some());
    assert_eq!(
        day.report.sampled,
        day.draw.as_ref().expect("draw").random.len()
            + day.draw.as_ref().expect("draw").on_top.len()
    );
    let late = desk
        .decide_permit_review(&incomplete, Verdict::Fail, &defect)
        .expect_err("the day is closed");
    assert_eq!(late.message.key, MessageKey::ReviewDayClosed);
}

#[test]
fn a_paused_clock_is_kept_offline_lets_the_day_close_and_resumes_after_it() {
    let hub = start_hub();
    let dirs: Vec<tempfile::TempDir> = (0..3)
        .map(|_| tempfile::tempdir().expect("desk dir"))
        .collect();
    let mut desk = signed_in(&hub, dirs[0].path(), "chen.jing");
    let mut colleague = signed_in(&hub, dirs[1].path(), "wu.qiang");
    let mut officer = signed_in(&hub, dirs[2].path(), "zhang.wei");
    let bridge = hub.submit("PA-001", true);
    let plain = hub.submit("PA-002", true);
    let incomplete = hub.submit("PA-003", false);
    for d in [&mut desk, &mut colleague, &mut officer] {
        d.sync().expect("sync");
    }
    let today = desk.today();
    let pause = ClockAction::Pause {
        reason: PauseReason::Reinforcement,
        from: today,
    };

    // Before: due on a known day. Officers do not touch the clock; an incomplete application
    // has no clock running; a pause from tomorrow did not happen yet.
    let running = desk.permit_application(&bridge).expect("view");
    let limit = running.time_limit.expect("a clock");
    assert!(limit.due.is_some() && limit.pauses.is_empty());
    let err = officer
        .permit_clock(&bridge, pause)
        .expect_err("an officer");
    assert_eq!(err.message.key, MessageKey::ReviewNotReviewer);
    let err = desk.permit_clock(&incomplete, pause).expect_err("no clock");
    assert_eq!(err.message.key, MessageKey::PermitClockNotRunning);
    let tomorrow = ClockAction::Pause {
        reason: PauseReason::Reinforcement,
        from: today + chrono::Duration::days(1),
    };
    let err = desk.permit_clock(&bridge, tomorrow).expect_err("future");
    assert_eq!(err.message.key, MessageKey::PermitClockDateInFuture);
    let err = desk
        .permit_clock(&bridge, ClockAction::Resume { until: today })
        .expect_err("not paused");
    assert_eq!(err.message.key, MessageKey::PermitClockNotPaused);
    assert!(desk.outbox().expect("outbox").is_empty(), "nothing kept");

    // Paused offline: shown at once, kept in the outbox, and it survives a restart.
    let paused = desk.permit_clock(&bridge, pause).expect("paused");
    let limit = paused.time_limit.expect("a clock");
    assert_eq!(limit.due, None, "unknown while paused");
    assert_eq!(limit.open_pause().map(|p| p.from), Some(today));
    let outbox = desk.outbox().expect("outbox");
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].action, "permit_pause");
    drop(desk);
    let mut desk = signed_in(&hub, dirs[0].path(), "chen.jing");
    let err = desk.permit_clock(&bridge, pause).expect_err("twice");
    assert_eq!(err.message.key, MessageKey::PermitClockAlreadyPaused);

    // The day's report lists it as paused, not as holding the closure: only the other one does.
    let day = desk.permit_day(None).expect("day").expect("pulled");
    assert_eq!(day.report.undecided, vec![plain.clone()]);
    assert!(day.report.pending.iter().any(|p| p.application_id == bridge
        && matches!(p.reason, PendingReason::ClockPaused { since, .. } if since == today)));

    // Synced: the hub has it and the colleague's desk pulls it.
    assert_eq!(desk.sync().expect("sync").pushed, 1);
    assert!(desk.outbox().expect("outbox").is_empty());
    colleague.sync().expect("sync");
    let there = colleague.permit_application(&bridge).expect("view");
    assert!(there.time_limit.expect("clock").open_pause().is_some());

    // The other one decided, the day closes while the bridge is under reinforcement.
    desk.decide_permit_review(&plain, Verdict::Pass, &all_ticked(PermitClass::Two))
        .expect("pass");
    desk.sync().expect("sync");
    desk.close_permit_day(None).expect("closed");

    // After the closure the paused one resumes and is decided; the clock counts again.
    let resumed = desk
        .permit_clock(&bridge, ClockAction::Resume { until: today })
        .expect("resumed");
    let limit = resumed.time_limit.expect("clock");
    assert!(limit.due.is_some() && limit.open_pause().is_none());
    let review = desk.permit_review(&bridge).expect("review");
    assert!(review.editable, "carried over past the closure");
    desk.decide_permit_review(&bridge, Verdict::Pass, &all_ticked(PermitClass::Two))
        .expect("pass after the closure");
    let report = desk.sync().expect("sync");
    assert_eq!((report.pushed, report.refused.len()), (2, 0));
    // Decided: the clock stopped for good.
    let err = desk
        .permit_clock(&bridge, pause)
        .expect_err("decided: the clock stopped for good");
    assert_eq!(err.message.key, MessageKey::ReviewAlreadyDecided);
}

#[test]
fn a_video_handed_in_before_at_another_service_point_is_named_with_it() {
    let hub = start_hub();
    let dir = tempfile::tempdir().expect("desk dir");
    let mut huojia = signed_in(&hub, dir.path(), "liu.yang");
    // The same video, first at 长垣, then at 获嘉县: this desk holds only the later one.
    let first = hub.submit("EL-001", true);
    let (mut s, files) = submission("EL-002", true);
    s.service_point = "410724".into();
    let later = hub.take(s, files);
    huojia.sync().expect("sync");
    assert!(
        huojia.permit_application(&first).is_err(),
        "not this desk's"
    );
    let review = huojia.application_review(&later).expect("review");
    let video = material(&review, "measurement.mp4");
    assert_eq!(video.repeats.len(), 1, "{:?}", video.repeats);
    let r = &video.repeats[0];
    assert_eq!(r.application_id, first);
    assert!(r.earlier && r.received_at.is_none());
    assert!(matches!(r.how, MatchHow::SameBytes));
    assert_eq!(r.elsewhere.as_deref(), Some("长垣市大件运输申报服务点"));
    // Papers are not compared: the same licence comes with every application.
    assert!(material(&review, "dispatch.pdf").repeats.is_empty());
}

/// The demo generator's submission folders (`casedesk-cli demo-media`) are what the hub's
/// carrier ingest takes: the shared format, valid credit ids and plates, files of their kinds.
#[test]
fn the_demo_generators_folders_are_valid_submissions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let folders = casedesk_app::demo_media(dir.path(), 8, 2026).expect("demo media");
    // The generator dates its submissions on 2026-11-30, between 08:00 and 18:00.
    let evening = chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
        .and_then(|d| d.and_hms_opt(23, 0, 0))
        .expect("time");
    for f in &folders {
        let path = dir.path().join(&f.folder);
        let (submission, files) = casedesk_hub::permit::read_folder(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", f.folder));
        let checked = casedesk_wire::check_submission(&submission, evening)
            .unwrap_or_else(|r| panic!("{}: {} {}", f.folder, r.code, r.en));
        for m in &checked.materials {
            let (_, bytes) = files
                .iter()
                .find(|(name, _)| *name == m.file)
                .unwrap_or_else(|| panic!("{}: {} is missing", f.folder, m.file));
            assert!(m.kind.looks_right(bytes), "{}: {}", f.folder, m.file);
        }
    }
    // Its carriers' credit records are what the hub's `carrier import` takes, and one of them
    // has lost the fast track (ten unrepaired penalties).
    let lines: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(dir.path().join("carriers.json")).expect("carriers"))
            .expect("a JSON array");
    assert_eq!(lines.len(), 4);
    let mut refused = 0;
    for mut line in lines {
        let credit_id = line["credit_id"].as_str().expect("credit id").to_string();
        line["device_id"] = "".into();
        let update: casedesk_wire::CarrierCreditUpdate =
            serde_json::from_value(line).expect("a carrier record");
        let record = casedesk_hub::permit::carrier_credit_record(
            &credit_id,
            update,
            "carrier-import",
            evening,
        )
        .unwrap_or_else(|r| panic!("{credit_id}: {} {}", r.code, r.en));
        let carrier = casedesk_domain::permit::CarrierRecord {
            penalties: record.standing.penalties.clone(),
            list_entries: Vec::new(),
        };
        if !casedesk_domain::permit::fast_track_refusals(&carrier, evening.date()).is_empty() {
            refused += 1;
        }
    }
    assert_eq!(refused, 1, "one carrier has lost the fast track");
}

impl Hub {
    /// Takes in a submission folder (the demo generator's, with real media) as a carrier's
    /// portal would, dated a few minutes ago.
    fn submit_folder(&self, folder: &Path) -> String {
        let (mut s, files) = casedesk_hub::permit::read_folder(folder).expect("folder");
        s.submitted_at = (casedesk_hub::clock::beijing_now() - chrono::Duration::minutes(3))
            .format("%Y-%m-%dT%H:%M:%S+08:00")
            .to_string();
        self.take(s, files)
    }
}

fn material<'a>(review: &'a ApplicationReview, file_name: &str) -> &'a ReviewedMaterial {
    review
        .files
        .iter()
        .find(|f| f.material.file_name == file_name)
        .unwrap_or_else(|| panic!("{file_name} is a material"))
}

fn status_of<'a>(fetched: &'a [FetchedFile], app: &str, file_name: &str) -> &'a FetchStatus {
    &fetched
        .iter()
        .find(|f| f.application_id == app && f.file_name == file_name)
        .unwrap_or_else(|| panic!("{app} {file_name} fetched"))
        .status
}

/// Materials come down by hash from the real hub: a download cut short continues from the
/// bytes kept (and verifies), a corrupted partial file is caught and nothing of it kept, the
/// next attempt fetches it whole; photos and videos are read and fingerprinted under the hub's
/// application ids, so the re-encoded video names the application it was first handed in
/// with; another county's desk is refused the files.
#[test]
fn materials_come_down_resumably_verified_and_fingerprinted_under_the_hubs_ids() {
    let hub = start_hub();
    let media = tempfile::tempdir().expect("media dir");
    // 0 clean, 3 the first folder's video re-encoded, 4 a video with a cut, 5 a photo without EXIF.
    let folders = casedesk_app::demo_media(media.path(), 6, 2026).expect("demo media");
    let ids: Vec<String> = [0, 3, 4, 5]
        .iter()
        .map(|&i| hub.submit_folder(&media.path().join(&folders[i].folder)))
        .collect();
    let here = tempfile::tempdir().expect("desk dir");
    let mut desk = signed_in(&hub, here.path(), "chen.jing");
    desk.sync().expect("sync");

    // Before any download: the review lists the materials, none held.
    let before = desk.application_review(&ids[0]).expect("review");
    assert!(before.files.iter().all(|f| !f.held));
    assert_eq!(
        before.application.carrier_reference,
        folders[0].carrier_reference
    );

    // An interrupted download: half of the first video kept; a corrupted partial photo.
    let video = std::fs::read(
        media
            .path()
            .join(&folders[0].folder)
            .join("measurement.mp4"),
    )
    .expect("video");
    let video_hash = casedesk_store::evidence::hash_of(&video);
    let photo =
        std::fs::read(media.path().join(&folders[0].folder).join("front.jpg")).expect("photo");
    let photo_hash = casedesk_store::evidence::hash_of(&photo);
    let evidence = desk.evidence_store();
    let half = video.len() / 2;
    evidence
        .open_partial(&video_hash, false)
        .expect("partial")
        .append(&video[..half])
        .expect("half written");
    let mut bad = photo[..photo.len() / 3].to_vec();
    bad[100] ^= 0xFF;
    evidence
        .open_partial(&photo_hash, false)
        .expect("partial")
        .append(&bad)
        .expect("corrupted part written");

    let progress = MaterialProgress::default();
    let fetched = desk
        .fetch_materials(Some(&ids[0]), &progress)
        .expect("fetched");
    assert_eq!(
        status_of(&fetched, &ids[0], "measurement.mp4"),
        &FetchStatus::Downloaded {
            resumed_from: half as u64
        }
    );
    match status_of(&fetched, &ids[0], "front.jpg") {
        FetchStatus::Refused { error } => {
            assert_eq!(error.message.key, MessageKey::MaterialHashMismatch)
        }
        other => panic!("the corrupted partial must be caught: {other:?}"),
    }
    assert!(!evidence.holds(&photo_hash), "nothing of it kept");
    assert_eq!(evidence.partial_len(&photo_hash).expect("len"), 0);
    assert!(evidence.verify(&video_hash).expect("verify"));
    let p = progress.of(&ids[0]).expect("progress");
    assert_eq!(p.state, casedesk_app::FetchState::Done);
    assert_eq!(p.refusals.len(), 1);
    assert_eq!(p.files_held + 1, p.files_total);

    // The next attempt (all applications) fetches the photo whole and the other files once.
    let fetched = desk.fetch_materials(None, &progress).expect("fetched");
    assert_eq!(
        status_of(&fetched, &ids[0], "front.jpg"),
        &FetchStatus::Downloaded { resumed_from: 0 }
    );
    assert_eq!(
        status_of(&fetched, &ids[0], "measurement.mp4"),
        &FetchStatus::Held
    );
    assert!(fetched
        .iter()
        .all(|f| !matches!(f.status, FetchStatus::Refused { .. })));
    let p = progress.of(&ids[0]).expect("progress");
    assert_eq!(p.bytes_done, p.bytes_total);
    assert_eq!((p.files_held, p.refusals.len()), (p.files_total, 0));
    // Nothing is missing now: the fetch after the next sync has nothing to do.
    assert!(desk
        .fetch_materials(None, &MaterialProgress::default())
        .expect("fetched")
        .is_empty());

    // Findings, kept at the desk under the hub's application ids.
    let clean = desk.application_review(&ids[0]).expect("review");
    assert!(clean.files.iter().all(|f| f.held));
    let front = material(&clean, "front.jpg");
    match &front.facts {
        Some(Facts::Photo(p)) => {
            let exif = p.exif.as_ref().expect("the demo photo has EXIF");
            assert!(exif.captured_at.is_some() && exif.gps.is_some());
        }
        other => panic!("a photo's facts: {other:?}"),
    }
    assert!(front.findings.is_empty() && front.repeats.is_empty());
    // The first application's video was reused later: named, as a later application.
    let first_video = material(&clean, "measurement.mp4");
    assert_eq!(first_video.repeats.len(), 1);
    assert_eq!(first_video.repeats[0].application_id, ids[1]);
    assert!(!first_video.repeats[0].earlier);
    let reused = desk.application_review(&ids[1]).expect("review");
    let v = material(&reused, "measurement.mp4");
    assert_eq!(v.repeats.len(), 1, "{:?}", v.repeats);
    assert_eq!(v.repeats[0].application_id, ids[0]);
    assert!(v.repeats[0].received_at.is_some());
    assert!(v.repeats[0].earlier);
    assert!(matches!(v.repeats[0].how, MatchHow::SharedFootage { .. }));
    let cut = desk.application_review(&ids[2]).expect("review");
    assert!(matches!(
        material(&cut, "measurement.mp4").findings.as_slice(),
        [Finding::Cuts { at_seconds }] if !at_seconds.is_empty()
    ));
    let no_exif = desk.application_review(&ids[3]).expect("review");
    assert_eq!(
        material(&no_exif, "front.jpg").findings,
        vec![Finding::NoExif]
    );
    let unknown = desk
        .application_review("NO-SUCH-ID")
        .expect_err("not in the cache");
    assert_eq!(unknown.message.key, MessageKey::PermitApplicationNotFound);

    // Another county's desk staff is refused the file by the hub.
    let mut other = casedesk_sync::HubClient::new(&hub.base).expect("client");
    hub.rt
        .block_on(other.login("liu.yang", PASSWORD, "other-desk"))
        .expect("login");
    match hub.rt.block_on(other.download_evidence(&video_hash, 0)) {
        Err(casedesk_sync::SyncError::Refused { status, .. }) => assert_eq!(status, 403),
        Err(e) => panic!("expected 403, got {e}"),
        Ok(_) => panic!("another county must be refused"),
    }
    // The service point's own staff may fetch it, from an offset.
    let mut own = casedesk_sync::HubClient::new(&hub.base).expect("client");
    hub.rt
        .block_on(own.login("chen.jing", PASSWORD, "desk-2"))
        .expect("login");
    assert!(matches!(
        hub.rt.block_on(own.download_evidence(&video_hash, 10)),
        Ok(casedesk_sync::DownloadStart::FromOffset(_))
    ));
}

/// The loopback media server: a held material by hash with ranges and its type; a wrong
/// token, an unknown hash, another method or a path trick is 404.
#[test]
fn the_media_server_serves_held_materials_by_range_and_nothing_else() {
    use std::io::{Read, Write};
    let hub = start_hub();
    let media = tempfile::tempdir().expect("media dir");
    let folders = casedesk_app::demo_media(media.path(), 1, 7).expect("demo media");
    let id = hub.submit_folder(&media.path().join(&folders[0].folder));
    let here = tempfile::tempdir().expect("desk dir");
    let mut desk = signed_in(&hub, here.path(), "chen.jing");
    desk.sync().expect("sync");
    let server = MediaServer::start(desk.media_files().expect("files")).expect("server");
    let video = std::fs::read(
        media
            .path()
            .join(&folders[0].folder)
            .join("measurement.mp4"),
    )
    .expect("video");
    let hash = casedesk_store::evidence::hash_of(&video);
    let base = server.base_url();
    let (addr, token) = {
        let rest = base.strip_prefix("http://").expect("http");
        let (a, t) = rest.split_once('/').expect("token");
        (a.to_string(), t.to_string())
    };
    assert!(addr.starts_with("127.0.0.1:"));
    assert_eq!(token.len(), 32);

    // One request on its own connection: the status line, the head, the body.
    let ask = |head: &str| -> (String, String, Vec<u8>) {
        let mut s = std::net::TcpStream::connect(&addr).expect("connect");
        s.write_all(head.as_bytes()).expect("send");
        let mut all = Vec::new();
        s.read_to_end(&mut all).expect("read");
        let split = all
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a head");
        let text = String::from_utf8_lossy(&all[..split]).to_string();
        let status = text.lines().next().unwrap_or_default().to_string();
        (status, text, all[split + 4..].to_vec())
    };
    let get = |path: &str, extra: &str| {
        ask(&format!(
            "GET {path} HTTP/1.1\r\nHost: x\r\n{extra}Connection: close\r\n\r\n"
        ))
    };

    // Not yet held: 404, though the hash is an application's.
    assert!(get(&format!("/{token}/{hash}"), "").0.contains("404"));
    desk.fetch_materials(Some(&id), &MaterialProgress::default())
        .expect("fetched");

    let (status, head, body) = get(&format!("/{token}/{hash}"), "");
    assert!(status.contains("200"), "{status}");
    assert!(head.contains("Content-Type: video/mp4"), "{head}");
    assert!(head.contains("Accept-Ranges: bytes"), "{head}");
    assert_eq!(body, video);
    let (status, head, body) = get(&format!("/{token}/{hash}"), "Range: bytes=100-199\r\n");
    assert!(status.contains("206"), "{status}");
    assert!(
        head.contains(&format!("Content-Range: bytes 100-199/{}", video.len())),
        "{head}"
    );
    assert_eq!(body, video[100..200]);
    let (status, _, body) = get(&format!("/{token}/{hash}"), "Range: bytes=-10\r\n");
    assert!(status.contains("206"));
    assert_eq!(body, video[video.len() - 10..]);
    let (status, head, _) = get(
        &format!("/{token}/{hash}"),
        &format!("Range: bytes={}-\r\n", video.len()),
    );
    assert!(status.contains("416"), "{status}");
    assert!(head.contains(&format!("Content-Range: bytes */{}", video.len())));
    let (status, head, body) = ask(&format!(
        "HEAD /{token}/{hash} HTTP/1.1\r\nConnection: close\r\n\r\n"
    ));
    assert!(status.contains("200") && head.contains(&format!("Content-Length: {}", video.len())));
    assert!(body.is_empty());

    // Two ranges on one kept-alive connection, as the player asks.
    let mut s = std::net::TcpStream::connect(&addr).expect("connect");
    s.write_all(
        format!(
            "GET /{token}/{hash} HTTP/1.1\r\nRange: bytes=0-3\r\n\r\n\
             GET /{token}/{hash} HTTP/1.1\r\nRange: bytes=4-7\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    )
    .expect("send");
    let mut all = Vec::new();
    s.read_to_end(&mut all).expect("read");
    let text = String::from_utf8_lossy(&all);
    assert_eq!(text.matches("206 Partial Content").count(), 2, "{text}");

    let wrong_token = format!("{:032x}", 1u128);
    let other_hash = "0".repeat(64);
    for path in [
        format!("/{wrong_token}/{hash}"),
        format!("/{token}/{other_hash}"),
        format!("/{token}/{hash}?download=1"),
        format!("/{token}/../{token}/{hash}"),
        format!("/{token}/%2e%2e/{hash}"),
        format!("/{token}"),
        format!("/{hash}"),
        "/".into(),
    ] {
        assert!(get(&path, "").0.contains("404"), "{path}");
    }
    let (status, _, _) = ask(&format!(
        "POST /{token}/{hash} HTTP/1.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    ));
    assert!(status.contains("404"), "{status}");
}
