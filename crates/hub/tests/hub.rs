//! The hub over HTTP on loopback, in process: a real server on 127.0.0.1:0, a reqwest client,
//! a real SQLite file in a temporary folder. Every test runs on SQLite, and again on a fresh
//! PostgreSQL database when `CASEDESK_TEST_PG` holds a postgres:// URL
//! (scripts/pg-test-cluster.sh starts a throwaway cluster and prints one).

use std::net::SocketAddr;
use std::sync::Arc;

use casedesk_domain::whitelist::WhitelistAction;
use casedesk_domain::{
    Catalog, Due, Industry, InterceptionOutcome, OrderAction, OrderState, Role, Status,
    WhitelistKind, WhitelistStatus, WorkingCalendar,
};
use casedesk_hub::auth::hash_password;
use casedesk_hub::clock::{beijing_now, stamp};
use casedesk_hub::evidence::EvidenceBucket;
use casedesk_hub::jurisdiction::Jurisdiction;
use casedesk_hub::storage::{self, HubStore, NewUser, SeedOrder};
use casedesk_hub::{app_with_evidence, HubConfig};
use casedesk_wire::{
    ApplicationChange, ApplicationSubmitted, AttentionItem, AttentionList, AttentionResolved,
    Change, Entity, ErrorBody, IngestRecord, IngestResponse, IngestResult, Mutation,
    MutationResult, OrderFacts, PermitDay, PullResponse, PushResponse, TokenResponse,
    UploadCreated, UploadRequest, UploadStatus,
};
use reqwest::StatusCode;
use serde_json::json;

mod common;
use common::{pdf_bytes, submission};

const PASSWORD: &str = "correct horse 马";

#[derive(Clone)]
enum Backend {
    Sqlite,
    Postgres(String),
}

struct Hub {
    base: String,
    http: reqwest::Client,
    store: Arc<dyn HubStore>,
    db: String,
    /// The folder this hub keeps evidence in (another instance on `db` is given the same).
    evidence: String,
    _dir: tempfile::TempDir,
}

/// A client that opens a connection per request. The hub answers some refusals (a body over the
/// limit) without reading the body and then closes the connection; a pooled client may send the
/// next request on it in that moment and get "incomplete message", which is the test's race, not
/// the hub's answer.
fn test_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("http client")
}

fn pg_base() -> Option<String> {
    std::env::var("CASEDESK_TEST_PG")
        .ok()
        .filter(|u| !u.is_empty())
}

/// A new, empty database on the test cluster, so tests never see each other's rows.
async fn fresh_pg(base: &str) -> String {
    use sqlx::Connection;
    let name = format!("casedesk_test_{}", uuid::Uuid::now_v7().simple());
    let mut conn = sqlx::PgConnection::connect(base)
        .await
        .expect("connect to CASEDESK_TEST_PG");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create a test database");
    let (head, query) = match base.split_once('?') {
        Some((h, q)) => (h, format!("?{q}")),
        None => (base, String::new()),
    };
    let root = match head.rfind('/') {
        Some(i) if i > "postgres://".len() => &head[..i],
        _ => head,
    };
    format!("{root}/{name}{query}")
}

async fn start(backend: Backend, config: HubConfig) -> Hub {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = match backend {
        Backend::Sqlite => dir.path().join("hub.db").display().to_string(),
        Backend::Postgres(base) => fresh_pg(&base).await,
    };
    let store = storage::open(&db).await.expect("open the store");
    let evidence = dir.path().join("evidence").display().to_string();
    let (base, _) = serve(store.clone(), config, &evidence).await;
    Hub {
        base,
        http: test_client(),
        store,
        db,
        evidence,
        _dir: dir,
    }
}

/// Serves `store` on a fresh loopback port, with evidence in the folder `evidence`; returns
/// the base URL and the server's task (aborting it stops this instance).
async fn serve(
    store: Arc<dyn HubStore>,
    config: HubConfig,
    evidence: &str,
) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    let bucket = EvidenceBucket::open(evidence).expect("evidence folder");
    let service = app_with_evidence(store, config, bucket)
        .into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, service).await;
    });
    (format!("http://{addr}"), task)
}

impl Hub {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn add_user(&self, name: &str, role: Role, jurisdiction: &str) {
        self.store
            .add_user(
                NewUser {
                    username: name.into(),
                    password_hash: hash_password(PASSWORD).expect("hash"),
                    role,
                    jurisdiction: Jurisdiction::parse(jurisdiction).expect("jurisdiction"),
                },
                &stamp(beijing_now()),
            )
            .await
            .expect("add user");
    }

    async fn add_order(&self, order_no: &str, county: &str, plate: &str) {
        let violation = Catalog::embedded().all().first().expect("a violation");
        let detected = beijing_now() - chrono::Duration::minutes(10);
        let state = OrderState::open(violation, detected, county, &WorkingCalendar::embedded());
        let facts = OrderFacts {
            violation_code: violation.code.clone(),
            plate: plate.into(),
            place: "G4京港澳高速K600".into(),
            detected_at: detected.format("%Y-%m-%d %H:%M").to_string(),
            enterprise: None,
            driver: None,
        };
        let order = SeedOrder {
            order_no: order_no.into(),
            facts,
            state,
            version: 1,
        };
        self.store
            .insert_order(&order, "test", &stamp(beijing_now()))
            .await
            .expect("insert order");
    }

    /// An alarm-made order of violation `code` whose vehicle belongs to an enterprise of
    /// `industry`, as the platform reports it.
    async fn add_order_of(&self, order_no: &str, code: &str, plate: &str, industry: Industry) {
        let violation = Catalog::embedded().get(code).expect("the violation");
        let detected = beijing_now() - chrono::Duration::minutes(10);
        let state = OrderState::open(violation, detected, "410783", &WorkingCalendar::embedded());
        let facts = OrderFacts {
            violation_code: code.into(),
            plate: plate.into(),
            place: "G4京港澳高速K600".into(),
            detected_at: detected.format("%Y-%m-%d %H:%M").to_string(),
            enterprise: Some(casedesk_wire::EnterpriseFacts {
                name: format!("{plate}所属企业"),
                credit_id: None,
                industry,
                credit_score: Some(820),
            }),
            driver: None,
        };
        let order = SeedOrder {
            order_no: order_no.into(),
            facts,
            state,
            version: 1,
        };
        self.store
            .insert_order(&order, "test", &stamp(beijing_now()))
            .await
            .expect("insert order");
    }

    async fn login(&self, name: &str, password: &str) -> reqwest::Response {
        self.http
            .post(self.url("/api/v1/login"))
            .json(&json!({"username": name, "password": password, "device_id": "dev-1"}))
            .send()
            .await
            .expect("login request")
    }

    async fn token(&self, name: &str) -> String {
        let r = self.login(name, PASSWORD).await;
        assert_eq!(r.status(), StatusCode::OK, "login of {name}");
        r.json::<TokenResponse>()
            .await
            .expect("token body")
            .access_token
    }

    async fn push(&self, token: &str, mutations: &[Mutation]) -> Vec<MutationResult> {
        let r = self
            .http
            .post(self.url("/api/v1/push"))
            .bearer_auth(token)
            .json(&json!({ "mutations": mutations }))
            .send()
            .await
            .expect("push request");
        assert_eq!(r.status(), StatusCode::OK, "push");
        r.json::<PushResponse>().await.expect("push body").results
    }

    async fn pull(&self, token: &str, after: i64, limit: u32) -> PullResponse {
        let r = self
            .http
            .get(self.url(&format!("/api/v1/changes?after={after}&limit={limit}")))
            .bearer_auth(token)
            .send()
            .await
            .expect("pull request");
        assert_eq!(r.status(), StatusCode::OK, "pull");
        r.json().await.expect("pull body")
    }

    async fn version_of(&self, order_no: &str) -> i64 {
        self.store
            .order(order_no)
            .await
            .expect("read order")
            .expect("order exists")
            .version
    }

    /// A second hub process on the same database and evidence folder, as behind a balancer.
    async fn second_instance(&self) -> Hub {
        self.second_instance_of(&self.db, &self.evidence).await
    }

    async fn second_instance_of(&self, db: &str, evidence: &str) -> Hub {
        let store = storage::open(db).await.expect("second store");
        let (base, _) = serve(store.clone(), HubConfig::default(), evidence).await;
        Hub {
            base,
            http: test_client(),
            store,
            db: db.to_string(),
            evidence: evidence.to_string(),
            _dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// Changes a stored audit row behind the hub's back.
    async fn tamper_audit(&self, id: i64) {
        let sql = format!("UPDATE audit_log SET after = '{{\"forged\":true}}' WHERE id = {id}");
        if self.db.starts_with("postgres") {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&self.db)
                .await
                .expect("connect");
            sqlx::query(&sql).execute(&mut conn).await.expect("tamper");
        } else {
            let conn = rusqlite::Connection::open(&self.db).expect("open file");
            conn.execute(&sql, []).expect("tamper");
        }
    }
}

fn order_mutation(order_no: &str, action: OrderAction) -> Mutation {
    Mutation {
        mutation_id: uuid::Uuid::now_v7().to_string(),
        device_id: "dev-1".into(),
        entity: Entity::WorkOrder,
        entity_key: order_no.into(),
        action: action.kind().code().into(),
        payload: serde_json::to_value(&action).expect("payload"),
        base_version: 1,
        created_at: "2026-11-29 09:00".into(),
    }
}

fn whitelist_mutation(plate: &str, action: WhitelistAction) -> Mutation {
    Mutation {
        mutation_id: uuid::Uuid::now_v7().to_string(),
        device_id: "dev-9".into(),
        entity: Entity::Whitelist,
        entity_key: plate.into(),
        action: action.code().into(),
        payload: serde_json::to_value(&action).expect("payload"),
        base_version: 0,
        created_at: "2026-11-29 09:00".into(),
    }
}

fn rejected_code(r: &MutationResult) -> (&str, &str) {
    match r {
        MutationResult::Rejected { rejection, .. } => {
            (rejection.code.as_str(), rejection.message_zh.as_str())
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
}

fn order_nos(page: &PullResponse) -> Vec<String> {
    page.changes
        .iter()
        .filter_map(|c| match c {
            Change::WorkOrder(o) => Some(o.order_no.clone()),
            _ => None,
        })
        .collect()
}

fn departures(page: &PullResponse) -> Vec<String> {
    page.changes
        .iter()
        .filter_map(|c| match c {
            Change::Departure(d) => Some(d.order_no.clone()),
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------

async fn login_and_rate_limits(backend: Backend) {
    let config = HubConfig {
        max_failures_per_user: 3,
        max_failures_per_client: 6,
        ..HubConfig::default()
    };
    let hub = start(backend, config.clone()).await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    hub.add_user("li.na", Role::CountyOfficer, "410783").await;

    let ok = hub.login("zhang.wei", PASSWORD).await;
    assert_eq!(ok.status(), StatusCode::OK);
    let body: TokenResponse = ok.json().await.expect("tokens");
    assert_eq!(body.token_type, "Bearer");
    assert_eq!(body.user.jurisdiction, "410783");
    assert_eq!(body.user.role, Role::CountyOfficer);

    for _ in 0..3 {
        let bad = hub.login("zhang.wei", "wrong password").await;
        assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    }
    // The name is locked, even with the right password; another name is not.
    let locked = hub.login("zhang.wei", PASSWORD).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.headers().contains_key("retry-after"));
    assert_eq!(hub.login("li.na", PASSWORD).await.status(), StatusCode::OK);

    // The count lives in the database: another hub process on the same store refuses too.
    let other = storage::open(&hub.db).await.expect("second store");
    let (second, _) = serve(other, config, &hub.evidence).await;
    let r = hub
        .http
        .post(format!("{second}/api/v1/login"))
        .json(&json!({"username": "zhang.wei", "password": PASSWORD}))
        .send()
        .await
        .expect("login on the second hub");
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);

    // Per client: failures under other names from this address add up (3 so far, 3 more).
    for name in ["nobody.1", "nobody.2", "nobody.3"] {
        assert_eq!(
            hub.login(name, "x").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        hub.login("li.na", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

async fn tokens_are_required_and_refresh_rotates(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    for (method, path) in [
        ("GET", "/api/v1/changes"),
        ("POST", "/api/v1/push"),
        ("GET", "/api/v1/orders/GD1"),
    ] {
        let req = match method {
            "GET" => hub.http.get(hub.url(path)),
            _ => hub.http.post(hub.url(path)).json(&json!({"mutations": []})),
        };
        let r = req.send().await.expect("request");
        assert_eq!(
            r.status(),
            StatusCode::UNAUTHORIZED,
            "{path} without a token"
        );
        let r = hub
            .http
            .get(hub.url("/api/v1/changes"))
            .bearer_auth("not-a-token")
            .send()
            .await
            .expect("request");
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }

    let first: TokenResponse = hub
        .login("zhang.wei", PASSWORD)
        .await
        .json()
        .await
        .expect("tokens");
    let refresh = |token: String| {
        let http = hub.http.clone();
        let url = hub.url("/api/v1/refresh");
        async move {
            http.post(url)
                .json(&json!({ "refresh_token": token }))
                .send()
                .await
                .expect("refresh request")
        }
    };
    let r = refresh(first.refresh_token.clone()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let second: TokenResponse = r.json().await.expect("tokens");
    assert_ne!(second.refresh_token, first.refresh_token);
    hub.pull(&second.access_token, 0, 10).await;
    // The used token again: refused, and its family (the second token too) is revoked.
    assert_eq!(
        refresh(first.refresh_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        refresh(second.refresh_token).await.status(),
        StatusCode::UNAUTHORIZED
    );

    // A disabled user's access token stops working at once.
    hub.store
        .set_disabled("zhang.wei", true, "2026-11-29 10:00:00")
        .await
        .expect("disable");
    let r = hub
        .http
        .get(hub.url("/api/v1/changes"))
        .bearer_auth(&second.access_token)
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

async fn a_retried_push_is_already_applied(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    hub.add_order("GD202611290000001", "410783", "豫G12345")
        .await;
    let token = hub.token("zhang.wei").await;

    let claim = order_mutation("GD202611290000001", OrderAction::Claim);
    let results = hub.push(&token, std::slice::from_ref(&claim)).await;
    assert_eq!(
        results,
        [MutationResult::Applied {
            mutation_id: claim.mutation_id.clone(),
            new_version: 2
        }]
    );
    let audit_rows = hub.store.audit_head().await.expect("audit head");

    // The answer was lost after the commit; the desk sends the same mutation again.
    let results = hub.push(&token, std::slice::from_ref(&claim)).await;
    assert_eq!(
        results,
        [MutationResult::AlreadyApplied {
            mutation_id: claim.mutation_id.clone(),
            version: 2
        }]
    );
    assert_eq!(hub.version_of("GD202611290000001").await, 2);
    assert_eq!(hub.store.audit_head().await.expect("head"), audit_rows);

    // The same id asking something else is refused, not applied.
    let mut reused = order_mutation(
        "GD202611290000001",
        OrderAction::Handle {
            method: casedesk_domain::HandlingMethod::PhoneWarning,
            result: "已电话警示".into(),
            notes: String::new(),
        },
    );
    reused.mutation_id = claim.mutation_id.clone();
    let results = hub.push(&token, &[reused]).await;
    assert_eq!(rejected_code(&results[0]).0, "mutation_id_reused");

    // A batch: applied in order, one result each; a bad id is refused on its own.
    let handle = order_mutation(
        "GD202611290000001",
        OrderAction::Handle {
            method: casedesk_domain::HandlingMethod::PhoneWarning,
            result: "已电话警示".into(),
            notes: String::new(),
        },
    );
    let mut bad_id = handle.clone();
    bad_id.mutation_id = "not-a-uuid".into();
    let unknown = order_mutation("GD-NO-SUCH", OrderAction::Claim);
    let results = hub.push(&token, &[handle.clone(), bad_id, unknown]).await;
    assert_eq!(results.len(), 3);
    assert!(matches!(
        results[0],
        MutationResult::Applied { new_version: 3, .. }
    ));
    assert_eq!(rejected_code(&results[1]).0, "bad_mutation_id");
    assert_eq!(rejected_code(&results[2]).0, "unknown_entity");
}

async fn a_batch_is_decided_in_order_within_one_push(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    hub.add_order("GD202611290000009", "410783", "豫G99999")
        .await;
    let token = hub.token("zhang.wei").await;
    let audit_before = hub.store.audit_head().await.expect("audit head");
    // The claim and the handling of one order in one push: the handling is decided on the
    // state the claim left (on SQLite all in one transaction); the claim sent twice in the
    // same batch is applied once.
    let claim = order_mutation("GD202611290000009", OrderAction::Claim);
    let handle = order_mutation(
        "GD202611290000009",
        OrderAction::Handle {
            method: casedesk_domain::HandlingMethod::PhoneWarning,
            result: "已电话警示".into(),
            notes: String::new(),
        },
    );
    let again = order_mutation("GD202611290000009", OrderAction::Claim);
    let results = hub
        .push(
            &token,
            &[claim.clone(), handle.clone(), claim.clone(), again],
        )
        .await;
    assert_eq!(results.len(), 4);
    assert_eq!(
        results[0],
        MutationResult::Applied {
            mutation_id: claim.mutation_id.clone(),
            new_version: 2
        }
    );
    assert_eq!(
        results[1],
        MutationResult::Applied {
            mutation_id: handle.mutation_id.clone(),
            new_version: 3
        }
    );
    assert_eq!(
        results[2],
        MutationResult::AlreadyApplied {
            mutation_id: claim.mutation_id.clone(),
            version: 2
        }
    );
    assert!(
        matches!(results[3], MutationResult::Rejected { .. }),
        "a second claim of a handled order is refused: {:?}",
        results[3]
    );
    assert_eq!(hub.version_of("GD202611290000009").await, 3);
    assert_eq!(
        hub.store.audit_head().await.expect("head"),
        audit_before + 2,
        "one audit row per applied mutation"
    );
}

async fn a_lost_claim_race_names_the_winner(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    hub.add_user("li.na", Role::CountyOfficer, "410783").await;
    hub.add_order("GD202611290000002", "410783", "豫G22222")
        .await;
    let zhang = hub.token("zhang.wei").await;
    let li = hub.token("li.na").await;
    // Both claimed offline; zhang.wei's desk reaches the hub first.
    let first = order_mutation("GD202611290000002", OrderAction::Claim);
    let second = order_mutation("GD202611290000002", OrderAction::Claim);
    let r = hub.push(&zhang, &[first]).await;
    assert!(matches!(r[0], MutationResult::Applied { .. }));
    let r = hub.push(&li, std::slice::from_ref(&second)).await;
    let (code, zh) = rejected_code(&r[0]);
    assert_eq!(code, "claimed_by_other");
    assert!(zh.contains("zhang.wei"), "{zh}");
    // The refusal travels as its code and parameters, for the desk's catalogue.
    let params = |r: &MutationResult| match r {
        MutationResult::Rejected { rejection, .. } => rejection.params.clone(),
        other => panic!("expected a rejection, got {other:?}"),
    };
    let expected: std::collections::BTreeMap<String, String> = [
        ("holder".to_string(), "zhang.wei".to_string()),
        ("order_no".to_string(), "GD202611290000002".to_string()),
    ]
    .into();
    assert_eq!(params(&r[0]), expected);
    match &r[0] {
        MutationResult::Rejected { rejection, .. } => {
            assert!(rejection.message_en.contains("zhang.wei"))
        }
        _ => unreachable!(),
    }
    // A retry is answered from the stored refusal, parameters included.
    let again = hub.push(&li, &[second]).await;
    assert_eq!(again[0], r[0]);
    // li.na cannot work on it either.
    let handle = order_mutation(
        "GD202611290000002",
        OrderAction::Handle {
            method: casedesk_domain::HandlingMethod::Education,
            result: "约谈".into(),
            notes: String::new(),
        },
    );
    let r = hub.push(&li, &[handle]).await;
    assert_eq!(rejected_code(&r[0]).0, "not_claimant");
    let expected: std::collections::BTreeMap<String, String> = [
        ("claimant".to_string(), "zhang.wei".to_string()),
        ("order_no".to_string(), "GD202611290000002".to_string()),
    ]
    .into();
    assert_eq!(params(&r[0]), expected);
}

async fn jurisdictions_and_roles(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    hub.add_user("wang.fang", Role::CountyOfficer, "410724")
        .await;
    hub.add_user("zhao.lei", Role::Supervisor, "4107").await;
    hub.add_user("kaifeng.sup", Role::Supervisor, "4102").await;
    hub.add_user("sun.min", Role::Supervisor, "41").await;
    hub.add_order("GD-CY-1", "410783", "豫G30001").await;
    hub.add_order("GD-HJ-1", "410724", "豫G30002").await;
    let zhang = hub.token("zhang.wei").await;
    let wang = hub.token("wang.fang").await;
    let zhao = hub.token("zhao.lei").await;
    let kaifeng = hub.token("kaifeng.sup").await;

    // Another county's order: 403 to read, refused to act on, absent from the pull.
    let r = hub
        .http
        .get(hub.url("/api/v1/orders/GD-CY-1"))
        .bearer_auth(&wang)
        .send()
        .await
        .expect("get order");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = hub
        .http
        .get(hub.url("/api/v1/orders/GD-CY-1"))
        .bearer_auth(&zhang)
        .send()
        .await
        .expect("get order");
    assert_eq!(r.status(), StatusCode::OK);
    let r = hub
        .push(&wang, &[order_mutation("GD-CY-1", OrderAction::Claim)])
        .await;
    assert_eq!(rejected_code(&r[0]).0, "outside_jurisdiction");
    assert_eq!(order_nos(&hub.pull(&wang, 0, 100).await), ["GD-HJ-1"]);
    assert_eq!(order_nos(&hub.pull(&zhang, 0, 100).await), ["GD-CY-1"]);
    // The city's supervisor sees both counties; another city's sees neither.
    assert_eq!(
        order_nos(&hub.pull(&zhao, 0, 100).await),
        ["GD-CY-1", "GD-HJ-1"]
    );
    assert!(order_nos(&hub.pull(&kaifeng, 0, 100).await).is_empty());
    let province = hub.token("sun.min").await;
    assert_eq!(
        order_nos(&hub.pull(&province, 0, 100).await),
        ["GD-CY-1", "GD-HJ-1"]
    );

    // A county officer doing a supervisor's action, and the reverse: refused per mutation.
    let pass = OrderAction::SpotCheck {
        passed: true,
        notes: String::new(),
    };
    let r = hub
        .push(
            &zhang,
            &[
                order_mutation("GD-CY-1", pass.clone()),
                order_mutation("GD-CY-1", OrderAction::Claim),
            ],
        )
        .await;
    assert_eq!(rejected_code(&r[0]).0, "not_allowed");
    assert!(matches!(r[1], MutationResult::Applied { .. }));
    let r = hub
        .push(&zhao, &[order_mutation("GD-HJ-1", OrderAction::Claim)])
        .await;
    assert_eq!(rejected_code(&r[0]).0, "not_allowed");
    // The supervisor may transfer an order of the city.
    let transfer = OrderAction::Transfer {
        to_unit: "获嘉县应急管理局".into(),
        reason: "涉及危化品储存".into(),
    };
    let r = hub
        .push(&zhao, &[order_mutation("GD-HJ-1", transfer)])
        .await;
    assert!(matches!(r[0], MutationResult::Applied { .. }), "{r:?}");
}

async fn a_reassigned_order_departs_from_the_county_it_left(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    hub.add_user("wang.fang", Role::CountyOfficer, "410724")
        .await;
    hub.add_user("zhao.lei", Role::Supervisor, "4107").await;
    hub.add_user("sun.min", Role::Supervisor, "41").await;
    hub.add_order("GD-CY-1", "410783", "豫G30001").await;
    hub.add_order("GD-CY-2", "410783", "豫G30002").await;
    let zhang = hub.token("zhang.wei").await;
    let wang = hub.token("wang.fang").await;
    let zhao = hub.token("zhao.lei").await;
    let province = hub.token("sun.min").await;
    let returned = OrderAction::Return {
        reason_code: casedesk_domain::ReturnReason::Other,
        reason: "不属于本县管辖".into(),
    };
    let r = hub
        .push(
            &zhang,
            &[
                order_mutation("GD-CY-1", OrderAction::Claim),
                order_mutation("GD-CY-1", returned.clone()),
            ],
        )
        .await;
    assert!(
        r.iter()
            .all(|r| matches!(r, MutationResult::Applied { .. })),
        "{r:?}"
    );
    let caught_up = |p: &PullResponse| p.next_checkpoint;
    let zhang_at = caught_up(&hub.pull(&zhang, 0, 100).await);
    let wang_at = caught_up(&hub.pull(&wang, 0, 100).await);
    let zhao_at = caught_up(&hub.pull(&zhao, 0, 100).await);
    let province_at = caught_up(&hub.pull(&province, 0, 100).await);
    let to = |county: &str| OrderAction::Reassign {
        county_code: county.into(),
        reason: "请获嘉县认领办理".into(),
    };
    let r = hub
        .push(&zhao, &[order_mutation("GD-CY-1", to("410724"))])
        .await;
    assert!(matches!(r[0], MutationResult::Applied { .. }), "{r:?}");

    // The county it left hears of it as a departure, and only of that.
    let p = hub.pull(&zhang, zhang_at, 100).await;
    assert_eq!(departures(&p), ["GD-CY-1"]);
    assert!(order_nos(&p).is_empty());
    // The county it went to gets the order; the city and the province see a move within.
    let p = hub.pull(&wang, wang_at, 100).await;
    assert_eq!(
        (order_nos(&p), departures(&p)),
        (vec!["GD-CY-1".to_string()], vec![])
    );
    for (token, at) in [(&zhao, zhao_at), (&province, province_at)] {
        let p = hub.pull(token, at, 100).await;
        assert_eq!(
            (order_nos(&p), departures(&p)),
            (vec!["GD-CY-1".to_string()], vec![])
        );
    }
    // A first pull of the county it left does not bring it back (its departure may come along:
    // a desk drops an order it does not have as a no-op).
    let p = hub.pull(&zhang, 0, 100).await;
    assert_eq!(order_nos(&p), ["GD-CY-2"]);

    // Back again: the first county gets the order itself, the second its departure.
    let r = hub
        .push(
            &wang,
            &[
                order_mutation("GD-CY-1", OrderAction::Claim),
                order_mutation("GD-CY-1", returned),
            ],
        )
        .await;
    assert!(
        r.iter()
            .all(|r| matches!(r, MutationResult::Applied { .. })),
        "{r:?}"
    );
    let r = hub
        .push(&zhao, &[order_mutation("GD-CY-1", to("410783"))])
        .await;
    assert!(matches!(r[0], MutationResult::Applied { .. }), "{r:?}");
    let p = hub.pull(&zhang, zhang_at, 100).await;
    assert_eq!(
        (order_nos(&p), departures(&p)),
        (vec!["GD-CY-1".to_string()], vec![])
    );
    let p = hub.pull(&wang, wang_at, 100).await;
    assert_eq!(
        (order_nos(&p), departures(&p)),
        (vec![], vec!["GD-CY-1".to_string()])
    );
}

async fn a_coach_intercepted_clean_twice_is_proposed_once(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    hub.add_user("li.na", Role::CountyOfficer, "410783").await;
    hub.add_user("zhao.lei", Role::Supervisor, "4107").await;
    for (no, plate, industry) in [
        ("GD-W-1", "豫G55555", Industry::CharterCoach),
        ("GD-W-2", "豫G55555", Industry::CharterCoach),
        ("GD-W-3", "豫G55555", Industry::CharterCoach),
        ("GD-T-1", "豫G66666", Industry::GeneralFreight),
        ("GD-T-2", "豫G66666", Industry::GeneralFreight),
    ] {
        hub.add_order_of(no, "KY-001", plate, industry).await;
    }
    let zhang = hub.token("zhang.wei").await;
    let li = hub.token("li.na").await;
    let zhao = hub.token("zhao.lei").await;
    let clean = OrderAction::Intercept {
        outcome: InterceptionOutcome::NothingFound,
        notes: "未发现违法行为".into(),
    };
    let intercept = |no: &str| {
        [
            order_mutation(no, OrderAction::Claim),
            order_mutation(no, clean.clone()),
        ]
    };
    let proposals = |p: &PullResponse, plate: &str| -> Vec<(String, WhitelistStatus)> {
        p.changes
            .iter()
            .filter_map(|c| match c {
                Change::Whitelist(w) if w.entry.plate == plate => {
                    Some((w.division.clone(), w.entry.status))
                }
                _ => None,
            })
            .collect()
    };
    let applied = |r: &[MutationResult]| {
        assert!(
            r.iter()
                .all(|r| matches!(r, MutationResult::Applied { .. })),
            "{r:?}"
        );
    };

    // One clean interception each, at two desks: the hub counts both and proposes.
    applied(&hub.push(&zhang, &intercept("GD-W-1")).await);
    assert!(proposals(&hub.pull(&zhao, 0, 100).await, "豫G55555").is_empty());
    applied(&hub.push(&li, &intercept("GD-W-2")).await);
    let expected = vec![("410783".to_string(), WhitelistStatus::Proposed)];
    assert_eq!(
        proposals(&hub.pull(&zhao, 0, 100).await, "豫G55555"),
        expected
    );
    assert_eq!(
        proposals(&hub.pull(&zhang, 0, 100).await, "豫G55555"),
        expected
    );
    let audit = hub.store.audit_rows(0, 1000).await.expect("audit");
    assert!(audit
        .iter()
        .any(|a| a.action == "propose" && a.entity_key == "豫G55555" && a.username == "li.na"));
    // A third: the open entry stands, no second one.
    applied(&hub.push(&zhang, &intercept("GD-W-3")).await);
    assert_eq!(
        proposals(&hub.pull(&zhao, 0, 100).await, "豫G55555").len(),
        1
    );
    // A lorry is never proposed, however clean.
    applied(&hub.push(&zhang, &intercept("GD-T-1")).await);
    applied(&hub.push(&zhang, &intercept("GD-T-2")).await);
    assert!(proposals(&hub.pull(&zhao, 0, 100).await, "豫G66666").is_empty());
    // The city's supervisor decides the proposal like any other.
    let r = hub
        .push(
            &zhao,
            &[whitelist_mutation(
                "豫G55555",
                WhitelistAction::Approve {
                    reason: "两次拦截均未发现违法".into(),
                },
            )],
        )
        .await;
    applied(&r);
    assert_eq!(
        proposals(&hub.pull(&zhang, 0, 100).await, "豫G55555"),
        [("410783".to_string(), WhitelistStatus::Approved)]
    );
    assert!(casedesk_hub::audit::verify(hub.store.as_ref())
        .await
        .expect("verify")
        .first_broken
        .is_none());
}

async fn whitelist_decisions(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    hub.add_user("zhao.lei", Role::Supervisor, "4107").await;
    hub.add_order("GD-WL-1", "410783", "豫G88888").await;
    let zhang = hub.token("zhang.wei").await;
    let zhao = hub.token("zhao.lei").await;
    let today = beijing_now().date();
    let add = WhitelistAction::Add {
        kind: WhitelistKind::EnterpriseSelfUse,
        reason: "企业自用通勤车".into(),
        event_name: None,
        valid_from: today,
        valid_until: None,
    };
    let r = hub
        .push(&zhang, &[whitelist_mutation("豫G88888", add.clone())])
        .await;
    assert_eq!(rejected_code(&r[0]).0, "not_supervisor");
    let r = hub
        .push(&zhao, &[whitelist_mutation("豫G88888", add.clone())])
        .await;
    assert!(
        matches!(r[0], MutationResult::Applied { new_version: 1, .. }),
        "{r:?}"
    );
    let r = hub
        .push(&zhao, &[whitelist_mutation("豫G88888", add)])
        .await;
    assert_eq!(rejected_code(&r[0]).0, "already_listed");

    // The county officer pulls the entry, and the hub refuses to intercept the vehicle.
    let page = hub.pull(&zhang, 0, 100).await;
    assert!(page.changes.iter().any(
        |c| matches!(c, Change::Whitelist(w) if w.entry.plate == "豫G88888" && w.division == "4107")
    ));
    let r = hub
        .push(
            &zhang,
            &[
                order_mutation("GD-WL-1", OrderAction::Claim),
                order_mutation(
                    "GD-WL-1",
                    OrderAction::Intercept {
                        outcome: InterceptionOutcome::NothingFound,
                        notes: String::new(),
                    },
                ),
            ],
        )
        .await;
    assert!(matches!(r[0], MutationResult::Applied { .. }));
    assert_eq!(rejected_code(&r[1]).0, "whitelisted");
}

async fn pull_pages_with_checkpoints(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    for i in 0..7 {
        hub.add_order(&format!("GD-P-{i}"), "410783", &format!("豫G4000{i}"))
            .await;
        // Another county's orders interleave; they are skipped, never sent.
        hub.add_order(&format!("GD-X-{i}"), "410724", &format!("豫G5000{i}"))
            .await;
    }
    let token = hub.token("zhang.wei").await;
    let mut after = 0;
    let mut pages = Vec::new();
    let mut seen = Vec::new();
    loop {
        let page = hub.pull(&token, after, 3).await;
        assert!(page.next_checkpoint >= after);
        for c in &page.changes {
            assert!(c.seq() > after, "a change at or before the checkpoint");
        }
        seen.extend(order_nos(&page));
        pages.push((page.changes.len(), page.has_more));
        after = page.next_checkpoint;
        if !page.has_more {
            break;
        }
    }
    assert_eq!(pages, [(3, true), (3, true), (1, false)]);
    let expected: Vec<String> = (0..7).map(|i| format!("GD-P-{i}")).collect();
    assert_eq!(seen, expected);
    // Up to date: nothing new, checkpoint stays.
    let empty = hub.pull(&token, after, 3).await;
    assert!(empty.changes.is_empty() && !empty.has_more);
    assert_eq!(empty.next_checkpoint, after);
    // A change to one order: the next pull has exactly that order, at its new version.
    hub.push(&token, &[order_mutation("GD-P-3", OrderAction::Claim)])
        .await;
    let page = hub.pull(&token, after, 3).await;
    match page.changes.as_slice() {
        [Change::WorkOrder(o)] => {
            assert_eq!(o.order_no, "GD-P-3");
            assert_eq!(o.version, 2);
            assert_eq!(o.state.claimed_by.as_deref(), Some("zhang.wei"));
        }
        other => panic!("expected one order, got {other:?}"),
    }
    // Limits are clamped, a negative checkpoint is refused.
    let r = hub
        .http
        .get(hub.url("/api/v1/changes?after=-1"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("pull");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = hub
        .http
        .get(hub.url("/api/v1/changes?after=abc"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("pull");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

async fn the_audit_chain_verifies_and_detects_tampering(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    hub.add_order("GD-A-1", "410783", "豫G60001").await;
    let token = hub.token("zhang.wei").await;
    hub.push(
        &token,
        &[
            order_mutation("GD-A-1", OrderAction::Claim),
            order_mutation(
                "GD-A-1",
                OrderAction::Handle {
                    method: casedesk_domain::HandlingMethod::PhoneWarning,
                    result: "已电话警示".into(),
                    notes: String::new(),
                },
            ),
        ],
    )
    .await;
    let report = casedesk_hub::audit::verify(hub.store.as_ref())
        .await
        .expect("verify");
    assert_eq!(report.rows, 4, "user, order, claim, handle");
    assert_eq!(report.first_broken, None);
    let rows = hub.store.audit_rows(0, 10).await.expect("rows");
    assert_eq!(rows[2].action, "claim");
    assert_eq!(rows[2].username, "zhang.wei");
    assert_eq!(rows[2].device_id, "dev-1");
    assert!(rows[2].after.contains("claimed_by"));

    hub.tamper_audit(3).await;
    let report = casedesk_hub::audit::verify(hub.store.as_ref())
        .await
        .expect("verify");
    assert_eq!(report.first_broken.map(|b| b.id), Some(3));
}

async fn bad_bodies_change_nothing(backend: Backend) {
    let config = HubConfig {
        body_limit_bytes: 64 * 1024,
        ..HubConfig::default()
    };
    let hub = start(backend, config).await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    hub.add_order("GD-B-1", "410783", "豫G70001").await;
    let token = hub.token("zhang.wei").await;
    let head = hub.store.audit_head().await.expect("head");
    let post = |body: String| {
        let req = hub
            .http
            .post(hub.url("/api/v1/push"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body);
        async move { req.send().await.expect("push") }
    };
    let claim = serde_json::to_string(&order_mutation("GD-B-1", OrderAction::Claim)).expect("json");
    // Malformed.
    let r = post(format!("{{\"mutations\": [{claim}")).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: casedesk_wire::ErrorBody = r.json().await.expect("error body");
    assert_eq!(body.code, "bad_json");
    // Deeply nested: as the payload (free JSON), and as the whole body.
    let nested = "[".repeat(5000) + &"]".repeat(5000);
    let mut deep = order_mutation("GD-B-1", OrderAction::Claim);
    deep.payload = json!("placeholder");
    let deep = serde_json::to_string(&json!({ "mutations": [deep] }))
        .expect("json")
        .replace("\"placeholder\"", &nested);
    assert_eq!(post(deep).await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(post(nested).await.status(), StatusCode::BAD_REQUEST);
    // Wrong shape.
    assert_eq!(
        post("{\"mutations\": 7}".into()).await.status(),
        StatusCode::BAD_REQUEST
    );
    // Over the body limit.
    let big = format!(
        "{{\"mutations\": [{claim}], \"pad\": \"{}\"}}",
        "x".repeat(100 * 1024)
    );
    assert_eq!(post(big).await.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Not JSON at all.
    let r = hub
        .http
        .post(hub.url("/api/v1/push"))
        .bearer_auth(&token)
        .header("content-type", "text/plain")
        .body(claim.clone())
        .send()
        .await
        .expect("push");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // Too many mutations in one push.
    let many: Vec<Mutation> = (0..casedesk_wire::MAX_PUSH_BATCH + 1)
        .map(|_| order_mutation("GD-B-1", OrderAction::Claim))
        .collect();
    let r = hub
        .http
        .post(hub.url("/api/v1/push"))
        .bearer_auth(&token)
        .json(&json!({ "mutations": many }))
        .send()
        .await
        .expect("push");
    assert!(
        r.status() == StatusCode::BAD_REQUEST || r.status() == StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        r.status()
    );
    // A payload that is not the action it names is refused on its own.
    let mut lying = order_mutation("GD-B-1", OrderAction::Claim);
    lying.action = "spot_check_pass".into();
    let r = hub.push(&token, &[lying]).await;
    assert_eq!(rejected_code(&r[0]).0, "action_mismatch");

    assert_eq!(hub.version_of("GD-B-1").await, 1, "nothing applied");
    assert_eq!(hub.store.audit_head().await.expect("head"), head);
}

async fn openapi_is_served(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    let r = hub
        .http
        .get(hub.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("openapi");
    assert_eq!(r.status(), StatusCode::OK);
    let doc: serde_json::Value = r.json().await.expect("json");
    for path in [
        "/api/v1/login",
        "/api/v1/refresh",
        "/api/v1/push",
        "/api/v1/changes",
        "/api/v1/orders/{order_no}",
        "/api/v1/ingest",
        "/api/v1/evidence/uploads",
        "/api/v1/evidence/uploads/{upload_id}",
        "/api/v1/evidence/{sha256}",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    assert!(doc["components"]["schemas"]["MutationResult"].is_object());
}

async fn concurrent_pushes_on_two_hub_instances(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    hub.add_user("li.na", Role::CountyOfficer, "410783").await;
    // A second hub process on the same database, as behind a load balancer.
    let other = hub.second_instance().await;
    let zhang = hub.token("zhang.wei").await;
    let li = other.token("li.na").await;
    for round in 0..5 {
        let order_no = format!("GD-RACE-{round}");
        hub.add_order(&order_no, "410783", "豫G90001").await;
        let a = order_mutation(&order_no, OrderAction::Claim);
        let b = order_mutation(&order_no, OrderAction::Claim);
        // The same mutation sent to both instances at once, and a rival claim.
        let (ra, ra_again, rb) = tokio::join!(
            hub.push(&zhang, std::slice::from_ref(&a)),
            other.push(&zhang, std::slice::from_ref(&a)),
            other.push(&li, std::slice::from_ref(&b)),
        );
        let a_results = [&ra[0], &ra_again[0]];
        let applied_a = a_results
            .iter()
            .filter(|r| matches!(r, MutationResult::Applied { .. }))
            .count();
        let b_applied = matches!(rb[0], MutationResult::Applied { .. });
        // zhang.wei's claim applied at most once; exactly one of the two officers holds it.
        assert!(applied_a <= 1, "{a_results:?}");
        assert_eq!(applied_a == 1, !b_applied, "{a_results:?} {rb:?}");
        if b_applied {
            assert!(a_results
                .iter()
                .all(|r| rejected_code(r).1.contains("li.na")));
        } else {
            assert!(a_results
                .iter()
                .any(|r| matches!(r, MutationResult::AlreadyApplied { version: 2, .. })));
            assert!(rejected_code(&rb[0]).1.contains("zhang.wei"));
        }
        assert_eq!(hub.version_of(&order_no).await, 2);
    }
    let report = casedesk_hub::audit::verify(hub.store.as_ref())
        .await
        .expect("verify");
    assert_eq!(report.first_broken, None);
}

async fn a_password_guessed_a_hundred_times_never_gets_in(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    let head = hub.store.audit_head().await.expect("head");
    let mut answers = std::collections::BTreeMap::new();
    for guess in 0..99 {
        let r = hub.login("zhang.wei", &format!("guess-{guess}")).await;
        *answers.entry(r.status().as_u16()).or_insert(0) += 1;
    }
    // The 100th guess is the right password: still refused, the name is locked.
    let r = hub.login("zhang.wei", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        answers,
        [(401, 5), (429, 94)].into_iter().collect(),
        "five tries, then locked"
    );
    let body: casedesk_wire::ErrorBody = r.json().await.expect("error body");
    assert_eq!(body.code, "rate_limited");
    assert!(!body.message_zh.is_empty() && !body.message_en.is_empty());
    assert_eq!(
        hub.store.audit_head().await.expect("head"),
        head,
        "failed logins change no state"
    );
}

/// Every path of the OpenAPI document (so every endpoint added later too), without a token and
/// with a forged one: 401 and nothing changed. Only sign-in, refresh and the document are open.
async fn every_endpoint_refuses_a_missing_or_forged_token(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    hub.add_order("GD-T-1", "410783", "豫G70001").await;
    let head = hub.store.audit_head().await.expect("head");
    let doc = serde_json::to_value(casedesk_hub::api::openapi()).expect("openapi");
    let paths = doc["paths"].as_object().expect("paths");
    let open = ["/api/v1/login", "/api/v1/refresh"];
    let mut checked = 0;
    for (path, ops) in paths {
        if open.contains(&path.as_str()) {
            continue;
        }
        // Path parameters get a plausible value: the refusal must come before any lookup.
        let concrete = path
            .split('/')
            .map(|seg| if seg.starts_with('{') { "GD-T-1" } else { seg })
            .collect::<Vec<_>>()
            .join("/");
        for method in ops.as_object().expect("operations").keys() {
            let Ok(m) = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()) else {
                continue;
            };
            for token in [None, Some("forged.token.value")] {
                let mut req = hub
                    .http
                    .request(m.clone(), hub.url(&concrete))
                    .header("content-type", "application/json")
                    .body("{}");
                if let Some(t) = token {
                    req = req.bearer_auth(t);
                }
                let r = req.send().await.expect("request");
                assert_eq!(
                    r.status(),
                    StatusCode::UNAUTHORIZED,
                    "{method} {path} with token {token:?}"
                );
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 6,
        "only {checked} requests: the document lost its paths?"
    );
    assert_eq!(hub.version_of("GD-T-1").await, 1);
    assert_eq!(hub.store.audit_head().await.expect("head"), head);
}

// --- ingest --------------------------------------------------------------------------------

/// A detection time 40 minutes ago, on the minute, as the platform sends it.
fn detected_minutes_ago(minutes: i64) -> chrono::NaiveDateTime {
    use chrono::Timelike;
    let t = beijing_now() - chrono::Duration::minutes(minutes);
    t.with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .expect("on the minute")
}

fn alarm(alarm_id: &str, code: &str, plate: &str, county: &str) -> IngestRecord {
    IngestRecord {
        alarm_id: alarm_id.into(),
        violation_code: code.into(),
        plate: plate.into(),
        detected_at: detected_minutes_ago(40)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        place: "S308长垣段K12".into(),
        county_code: county.into(),
        ..IngestRecord::default()
    }
}

impl Hub {
    async fn ingest(&self, token: Option<&str>, records: &[IngestRecord]) -> reqwest::Response {
        let mut req = self
            .http
            .post(self.url("/api/v1/ingest"))
            .json(&json!({ "records": records }));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("ingest request")
    }

    async fn ingest_ok(&self, token: &str, records: &[IngestRecord]) -> Vec<IngestResult> {
        let r = self.ingest(Some(token), records).await;
        assert_eq!(r.status(), StatusCode::OK, "ingest");
        r.json::<IngestResponse>()
            .await
            .expect("ingest body")
            .results
    }

    /// The change counter now: nothing changed while it stays.
    async fn change_head(&self, token: &str) -> i64 {
        self.pull(token, 0, 1000).await.next_checkpoint
    }
}

fn created(r: &IngestResult) -> (String, String, Option<WhitelistKind>) {
    match r {
        IngestResult::Created {
            order_no,
            county_code,
            whitelisted,
            ..
        } => (order_no.clone(), county_code.clone(), *whitelisted),
        other => panic!("expected created, got {other:?}"),
    }
}

fn ingest_rejection(r: &IngestResult) -> &str {
    match r {
        IngestResult::Rejected { code, .. } => code,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

async fn ingest_makes_orders_in_their_county_once(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("platform", Role::Administrator, "41").await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    hub.add_user("wang.fang", Role::CountyOfficer, "410724")
        .await;
    let platform = hub.token("platform").await;
    let zhang = hub.token("zhang.wei").await;
    let wang = hub.token("wang.fang").await;

    let mut coach = alarm("PT-0001", "KY-009", "豫g·a1234", "410783");
    coach.enterprise_name = "长垣市宏达客运有限公司".into();
    coach.enterprise_credit_id = "91410783MA9XL0HJ8A".into();
    coach.enterprise_credit_score = "870".into();
    coach.driver_name = "刘强".into();
    coach.driver_phone = "13903730001".into();
    let mut late = alarm("PT-0002", "KY-010", "豫G55555", "410724");
    late.detected_at = format!("{}:59", late.detected_at);
    let results = hub
        .ingest_ok(&platform, &[coach.clone(), late.clone()])
        .await;
    assert_eq!(results.len(), 2);
    let (no_cy, county, wl) = created(&results[0]);
    assert_eq!((county.as_str(), wl), ("410783", None));
    let (no_hj, county, _) = created(&results[1]);
    assert_eq!(county, "410724");

    // Opened as the domain opens an order: suspected illegal operation answers in 120 minutes
    // on the clock (the catalog's KY-009), an after-the-fact clue in working days.
    let catalog = Catalog::embedded();
    let detected = detected_minutes_ago(40);
    let cy = hub.store.order(&no_cy).await.expect("read").expect("order");
    assert_eq!(
        cy.state.handling_due,
        Due::At(detected + chrono::Duration::minutes(120))
    );
    assert_eq!(cy.state.status, Status::Pending);
    assert_eq!(cy.facts.plate, "豫GA1234", "the plate is normalised");
    let enterprise = cy.facts.enterprise.clone().expect("enterprise");
    assert_eq!(
        enterprise.industry,
        Industry::ScheduledCoach,
        "the violation's"
    );
    assert_eq!(enterprise.credit_score, Some(870));
    assert_eq!(
        cy.facts.driver.as_ref().map(|d| d.phone.as_str()),
        Some("13903730001")
    );
    let hj = hub.store.order(&no_hj).await.expect("read").expect("order");
    let expected = OrderState::open(
        catalog.get("KY-010").expect("KY-010"),
        detected,
        "410724",
        &WorkingCalendar::embedded(),
    );
    assert_eq!(hj.state, expected);
    assert!(matches!(hj.state.handling_due, Due::Day(_)));
    assert_eq!(
        hj.facts.detected_at,
        detected.format("%Y-%m-%d %H:%M").to_string()
    );
    assert_eq!(
        (hj.facts.enterprise.clone(), hj.facts.driver.clone()),
        (None, None)
    );

    // Each county pulls its own, with the enterprise and the driver.
    let page = hub.pull(&zhang, 0, 100).await;
    assert_eq!(order_nos(&page), std::slice::from_ref(&no_cy));
    match &page.changes[0] {
        Change::WorkOrder(o) => {
            assert_eq!(
                o.facts.enterprise.as_ref().map(|e| e.name.as_str()),
                Some("长垣市宏达客运有限公司")
            );
            assert_eq!(
                o.facts.driver.as_ref().map(|d| d.name.as_str()),
                Some("刘强")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        order_nos(&hub.pull(&wang, 0, 100).await),
        std::slice::from_ref(&no_hj)
    );

    // The same alarms again, and twice in one batch: no second order, nothing changed.
    let head = hub.change_head(&zhang).await;
    let audit = hub.store.audit_head().await.expect("audit head");
    let again = hub
        .ingest_ok(&platform, &[coach.clone(), late, coach])
        .await;
    for (r, no) in again.iter().zip([&no_cy, &no_hj, &no_cy]) {
        assert!(
            matches!(r, IngestResult::Duplicate { order_no, .. } if order_no == no),
            "{r:?}"
        );
    }
    assert_eq!(hub.change_head(&zhang).await, head);
    assert_eq!(hub.store.audit_head().await.expect("audit head"), audit);

    // Every created order is audited, and the chain holds.
    let rows = hub.store.audit_rows(0, 1000).await.expect("audit rows");
    let ingested: Vec<_> = rows.iter().filter(|r| r.action == "ingest").collect();
    assert_eq!(ingested.len(), 2);
    assert!(ingested.iter().all(|r| r.username == "platform"));
    assert!(ingested[0].after.contains("PT-0001"));
    let report = casedesk_hub::audit::verify(hub.store.as_ref())
        .await
        .expect("verify");
    assert_eq!(report.first_broken, None);
}

async fn ingest_rejects_bad_records_alone(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("platform", Role::Administrator, "41").await;
    hub.add_user("sun.min", Role::Supervisor, "41").await;
    let platform = hub.token("platform").await;
    let province = hub.token("sun.min").await;
    let good = alarm("PT-GOOD", "KY-001", "豫G10001", "410783");
    let mut bad_time = alarm("PT-T", "KY-001", "豫G10002", "410783");
    bad_time.detected_at = "2026-13-01 08:00".into();
    let mut future = alarm("PT-F", "KY-001", "豫G10003", "410783");
    future.detected_at = (beijing_now() + chrono::Duration::hours(2))
        .format("%Y-%m-%d %H:%M")
        .to_string();
    let mut bad_id = alarm("PT-C", "KY-001", "豫G10004", "410783");
    bad_id.enterprise_name = "某公司".into();
    bad_id.enterprise_credit_id = "91410783MA9XL0HJ8B".into();
    let mut no_name = alarm("PT-N", "KY-001", "豫G10005", "410783");
    no_name.enterprise_industry = "hazmat".into();
    let mut bad_industry = alarm("PT-I", "KY-001", "豫G10006", "410783");
    bad_industry.enterprise_name = "某公司".into();
    bad_industry.enterprise_industry = "taxi".into();
    let mut no_place = alarm("PT-P", "KY-001", "豫G10007", "410783");
    no_place.place = "  ".into();
    let batch = [
        alarm("PT-V", "XX-999", "豫G10008", "410783"),
        alarm("PT-K", "KY-001", "豫G10009", "110101"),
        bad_time,
        future,
        alarm("PT-E", "KY-001", " ", "410783"),
        good.clone(),
        alarm("", "KY-001", "豫G10010", "410783"),
        bad_id,
        no_name,
        bad_industry,
        no_place,
    ];
    let head = hub.change_head(&province).await;
    let audit = hub.store.audit_head().await.expect("audit head");
    let results = hub.ingest_ok(&platform, &batch).await;
    let codes: Vec<&str> = results
        .iter()
        .filter(|r| matches!(r, IngestResult::Rejected { .. }))
        .map(ingest_rejection)
        .collect();
    assert_eq!(
        codes,
        [
            "unknown_violation",
            "unknown_county",
            "bad_time",
            "bad_time",
            "empty_plate",
            "missing_alarm_id",
            "bad_credit_id",
            "bad_enterprise",
            "unknown_industry",
            "bad_place"
        ]
    );
    match &results[0] {
        IngestResult::Rejected {
            alarm_id,
            message_zh,
            message_en,
            ..
        } => {
            assert_eq!(alarm_id, "PT-V");
            assert!(message_zh.contains("XX-999") && message_en.contains("XX-999"));
        }
        other => panic!("{other:?}"),
    }
    // Only the good record went in: one change, one audit row.
    let (order_no, _, _) = created(&results[5]);
    let page = hub.pull(&province, head, 100).await;
    assert_eq!(order_nos(&page), [order_no]);
    assert_eq!(hub.store.audit_head().await.expect("audit head"), audit + 1);

    // A batch over the limit is refused whole.
    let head = hub.change_head(&province).await;
    let many: Vec<IngestRecord> = (0..=casedesk_wire::MAX_INGEST_BATCH)
        .map(|i| alarm(&format!("PT-M{i}"), "KY-001", "豫G20001", "410783"))
        .collect();
    let r = hub.ingest(Some(&platform), &many).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: casedesk_wire::ErrorBody = r.json().await.expect("error body");
    assert_eq!(body.code, "batch_too_large");
    assert_eq!(hub.change_head(&province).await, head);
}

async fn ingest_needs_the_platforms_account(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    hub.add_user("zhao.lei", Role::Supervisor, "4107").await;
    hub.add_user("xinxiang.admin", Role::Administrator, "4107")
        .await;
    let record = alarm("PT-A1", "KY-001", "豫G40001", "410783");
    let head = hub.store.audit_head().await.expect("audit head");
    let r = hub.ingest(None, std::slice::from_ref(&record)).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    for name in ["zhang.wei", "zhao.lei"] {
        let token = hub.token(name).await;
        let r = hub
            .ingest(Some(&token), std::slice::from_ref(&record))
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{name}");
        let body: casedesk_wire::ErrorBody = r.json().await.expect("error body");
        assert_eq!(body.code, "not_allowed");
    }
    assert_eq!(hub.store.audit_head().await.expect("audit head"), head);
    // An administrator of a city posts for its counties only.
    let city_admin = hub.token("xinxiang.admin").await;
    let outside = alarm("PT-A2", "KY-001", "豫A40002", "410184");
    let r = hub.ingest_ok(&city_admin, &[outside, record]).await;
    assert_eq!(ingest_rejection(&r[0]), "outside_jurisdiction");
    created(&r[1]);
}

async fn a_whitelisted_vehicles_alarm(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("platform", Role::Administrator, "41").await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    hub.add_user("zhao.lei", Role::Supervisor, "4107").await;
    hub.add_user("kaifeng.sup", Role::Supervisor, "4102").await;
    let platform = hub.token("platform").await;
    let zhang = hub.token("zhang.wei").await;
    let zhao = hub.token("zhao.lei").await;
    let kaifeng = hub.token("kaifeng.sup").await;
    let add = |reason: &str| WhitelistAction::Add {
        kind: WhitelistKind::EnterpriseSelfUse,
        reason: reason.into(),
        event_name: None,
        valid_from: beijing_now().date(),
        valid_until: None,
    };
    // Listed by Xinxiang (holds in 长垣市) and, another vehicle, by Kaifeng (does not).
    let r = hub
        .push(
            &zhao,
            &[whitelist_mutation("豫G66666", add("企业自用通勤车"))],
        )
        .await;
    assert!(matches!(r[0], MutationResult::Applied { .. }), "{r:?}");
    let r = hub
        .push(&kaifeng, &[whitelist_mutation("豫G77777", add("企业自用"))])
        .await;
    assert!(matches!(r[0], MutationResult::Applied { .. }), "{r:?}");
    let results = hub
        .ingest_ok(
            &platform,
            &[
                alarm("PT-W1", "KY-001", "豫G66666", "410783"),
                alarm("PT-W2", "KY-001", "豫G77777", "410783"),
            ],
        )
        .await;
    // The order exists either way; the whitelist in force where it is travels with the answer.
    let (listed, _, kind) = created(&results[0]);
    assert_eq!(kind, Some(WhitelistKind::EnterpriseSelfUse));
    let (other, _, kind) = created(&results[1]);
    assert_eq!(kind, None, "a Kaifeng entry does not hold in 长垣市");
    let audit = hub.store.audit_rows(0, 1000).await.expect("audit");
    assert!(audit
        .iter()
        .any(|a| a.entity_key == listed && a.after.contains("enterprise_self_use")));

    // As the domain says: no interception of the listed vehicle without a supervisor's
    // written override; the other vehicle is intercepted.
    let intercept = OrderAction::Intercept {
        outcome: InterceptionOutcome::NothingFound,
        notes: String::new(),
    };
    let r = hub
        .push(
            &zhang,
            &[
                order_mutation(&listed, OrderAction::Claim),
                order_mutation(&listed, intercept.clone()),
                order_mutation(&other, OrderAction::Claim),
                order_mutation(&other, intercept.clone()),
            ],
        )
        .await;
    assert!(matches!(r[0], MutationResult::Applied { .. }), "{r:?}");
    assert_eq!(rejected_code(&r[1]).0, "whitelisted");
    assert!(matches!(r[3], MutationResult::Applied { .. }), "{r:?}");
    let r = hub
        .push(
            &zhao,
            &[order_mutation(
                &listed,
                OrderAction::OverrideWhitelist {
                    reason: "群众举报，书面指令布控".into(),
                },
            )],
        )
        .await;
    assert!(matches!(r[0], MutationResult::Applied { .. }), "{r:?}");
    let r = hub
        .push(&zhang, &[order_mutation(&listed, intercept)])
        .await;
    assert!(matches!(r[0], MutationResult::Applied { .. }), "{r:?}");
}

async fn the_same_alarm_on_two_hub_instances_makes_one_order(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("platform", Role::Administrator, "41").await;
    let other = hub.second_instance().await;
    let token = hub.token("platform").await;
    for round in 0..5 {
        let record = alarm(&format!("PT-RACE-{round}"), "KY-001", "豫G90001", "410783");
        let (a, b) = tokio::join!(
            hub.ingest_ok(&token, std::slice::from_ref(&record)),
            other.ingest_ok(&token, std::slice::from_ref(&record)),
        );
        let made: Vec<&IngestResult> = [&a[0], &b[0]]
            .into_iter()
            .filter(|r| matches!(r, IngestResult::Created { .. }))
            .collect();
        assert_eq!(made.len(), 1, "{a:?} {b:?}");
        let (order_no, _, _) = created(made[0]);
        assert!([&a[0], &b[0]]
            .iter()
            .any(|r| matches!(r, IngestResult::Duplicate { order_no: n, .. } if *n == order_no)));
    }
    let report = casedesk_hub::audit::verify(hub.store.as_ref())
        .await
        .expect("verify");
    assert_eq!(report.first_broken, None);
}

// --- evidence ----------------------------------------------------------------------------

const CHUNK: usize = 1024 * 1024;

/// A PNG-looking file of `len` bytes (the hub checks the first bytes against the type).
fn png_bytes(len: usize, seed: u8) -> Vec<u8> {
    let mut b: Vec<u8> = (0..len)
        .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[1] ^ seed)
        .collect();
    b[..8].copy_from_slice(b"\x89PNG\r\n\x1a\n");
    b
}

fn sha256_hex(b: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(b))
}

fn upload_request(bytes: &[u8], order_no: &str) -> UploadRequest {
    UploadRequest {
        sha256: sha256_hex(bytes),
        size: bytes.len() as u64,
        file_name: "整改照片.png".into(),
        mime: "image/png".into(),
        order_no: order_no.into(),
        device_id: "dev-1".into(),
    }
}

impl Hub {
    async fn create_upload(&self, token: &str, req: &UploadRequest) -> reqwest::Response {
        self.http
            .post(self.url("/api/v1/evidence/uploads"))
            .bearer_auth(token)
            .json(req)
            .send()
            .await
            .expect("create upload")
    }

    async fn started(&self, token: &str, req: &UploadRequest) -> String {
        let r = self.create_upload(token, req).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        match r.json::<UploadCreated>().await.expect("created body") {
            UploadCreated::Started { upload_id, offset } => {
                assert_eq!(offset, 0);
                upload_id
            }
            other => panic!("expected a new upload, got {other:?}"),
        }
    }

    async fn patch(&self, token: &str, id: &str, offset: u64, chunk: &[u8]) -> reqwest::Response {
        self.http
            .patch(self.url(&format!("/api/v1/evidence/uploads/{id}")))
            .bearer_auth(token)
            .header("Upload-Offset", offset.to_string())
            .header("Content-Type", "application/offset+octet-stream")
            .body(chunk.to_vec())
            .send()
            .await
            .expect("patch")
    }

    /// HEAD: the status and the Upload-Offset header, if any.
    async fn head_offset(&self, token: &str, id: &str) -> (StatusCode, Option<u64>) {
        let r = self
            .http
            .head(self.url(&format!("/api/v1/evidence/uploads/{id}")))
            .bearer_auth(token)
            .send()
            .await
            .expect("head");
        let offset = r
            .headers()
            .get("upload-offset")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok());
        (r.status(), offset)
    }

    async fn download(
        &self,
        token: Option<&str>,
        sha: &str,
        range: Option<&str>,
    ) -> reqwest::Response {
        let mut req = self.http.get(self.url(&format!("/api/v1/evidence/{sha}")));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(r) = range {
            req = req.header("Range", r);
        }
        req.send().await.expect("download")
    }

    /// Files under the evidence folder (stored ones and chunks alike).
    fn evidence_files(&self) -> Vec<String> {
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else {
                    out.push(p.display().to_string());
                }
            }
        }
        let mut out = Vec::new();
        walk(std::path::Path::new(&self.evidence), &mut out);
        out
    }
}

async fn status_of(r: reqwest::Response) -> UploadStatus {
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.expect("upload status")
}

async fn error_code(r: reqwest::Response) -> String {
    r.json::<ErrorBody>().await.expect("error body").code
}

async fn a_rectification_waits_for_its_evidence(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    hub.add_order("GD-R-1", "410783", "豫G10011").await;
    hub.add_order("GD-R-2", "410783", "豫G10012").await;
    let zhang = hub.token("zhang.wei").await;
    let bytes = png_bytes(CHUNK / 2, 9);
    let req = upload_request(&bytes, "GD-R-1");
    let rectify = OrderAction::RecordRectification {
        description: "已更换监控终端，附现场照片".into(),
        evidence: vec![casedesk_domain::EvidenceRef {
            hash: req.sha256.clone(),
            file_name: req.file_name.clone(),
            size: req.size,
            mime: req.mime.clone(),
        }],
    };
    let handle = |no: &str| {
        [
            order_mutation(no, OrderAction::Claim),
            order_mutation(
                no,
                OrderAction::Handle {
                    method: casedesk_domain::HandlingMethod::Education,
                    result: "已约谈".into(),
                    notes: String::new(),
                },
            ),
        ]
    };
    let r = hub.push(&zhang, &handle("GD-R-1")).await;
    assert!(
        r.iter()
            .all(|r| matches!(r, MutationResult::Applied { .. })),
        "{r:?}"
    );
    let version = hub.version_of("GD-R-1").await;

    // Named but never uploaded: refused, and nothing changes.
    let first = order_mutation("GD-R-1", rectify.clone());
    let r = hub.push(&zhang, std::slice::from_ref(&first)).await;
    let (code, message) = rejected_code(&r[0]);
    assert_eq!(code, "evidence_missing");
    assert!(message.contains("整改照片.png"), "{message}");
    assert_eq!(hub.version_of("GD-R-1").await, version);

    // Uploaded for another order: still not this order's evidence.
    let r = hub.push(&zhang, &handle("GD-R-2")).await;
    assert!(
        r.iter()
            .all(|r| matches!(r, MutationResult::Applied { .. })),
        "{r:?}"
    );
    let elsewhere = upload_request(&bytes, "GD-R-2");
    let id = hub.started(&zhang, &elsewhere).await;
    assert!(
        status_of(hub.patch(&zhang, &id, 0, &bytes).await)
            .await
            .complete
    );
    let r = hub
        .push(&zhang, &[order_mutation("GD-R-1", rectify.clone())])
        .await;
    assert_eq!(rejected_code(&r[0]).0, "evidence_missing");

    // Declared for this order (the hub has the bytes already and attaches them): the
    // rectification applies (a new mutation; the refused one keeps its answer).
    let r = hub.create_upload(&zhang, &req).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(matches!(
        r.json::<UploadCreated>().await.expect("created body"),
        UploadCreated::AlreadyStored { .. }
    ));
    let r = hub.push(&zhang, &[order_mutation("GD-R-1", rectify)]).await;
    assert!(matches!(r[0], MutationResult::Applied { .. }), "{r:?}");
    let r = hub.push(&zhang, &[first]).await;
    assert_eq!(
        rejected_code(&r[0]).0,
        "evidence_missing",
        "a refusal is final"
    );
}

async fn the_evidence_sweep_removes_abandoned_uploads_and_orphan_chunks(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    hub.add_order("GD-S-1", "410783", "豫G10021").await;
    let zhang = hub.token("zhang.wei").await;
    // One upload left half way (a desk that gave up), one completed.
    let half = png_bytes(CHUNK * 2, 3);
    let abandoned = hub.started(&zhang, &upload_request(&half, "GD-S-1")).await;
    assert!(
        !status_of(hub.patch(&zhang, &abandoned, 0, &half[..CHUNK]).await)
            .await
            .complete
    );
    let whole = png_bytes(CHUNK / 3, 4);
    let done = hub.started(&zhang, &upload_request(&whole, "GD-S-1")).await;
    assert!(
        status_of(hub.patch(&zhang, &done, 0, &whole).await)
            .await
            .complete
    );
    // A chunk a killed hub wrote but never counted.
    let ghost = std::path::Path::new(&hub.evidence).join("uploads/ghost");
    std::fs::create_dir_all(&ghost).expect("mkdir");
    std::fs::write(ghost.join("00000000000000000000-x"), b"half a chunk").expect("write");
    let chunk_files = |hub: &Hub| -> usize {
        hub.evidence_files()
            .iter()
            .filter(|p| p.contains("/uploads/"))
            .count()
    };
    assert_eq!(chunk_files(&hub), 2);
    let bucket = EvidenceBucket::open(&hub.evidence).expect("bucket");
    let sweep = |age| casedesk_hub::evidence::sweep(hub.store.as_ref(), &bucket, age);

    // Young things are left alone: the upload may be resumed, the chunk may be under way.
    let r = sweep(chrono::Duration::hours(1)).await.expect("sweep");
    assert_eq!((r.abandoned_uploads, r.orphan_chunks), (0, 0));
    assert_eq!(chunk_files(&hub), 2);

    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let r = sweep(chrono::Duration::zero()).await.expect("sweep");
    assert_eq!((r.abandoned_uploads, r.orphan_chunks), (1, 1), "{r:?}");
    assert_eq!(chunk_files(&hub), 0);
    assert_eq!(
        hub.head_offset(&zhang, &abandoned).await.0,
        StatusCode::NOT_FOUND
    );
    // The stored file is untouched and still served.
    let r = hub
        .http
        .get(hub.url(&format!("/api/v1/evidence/{}", sha256_hex(&whole))))
        .bearer_auth(&zhang)
        .send()
        .await
        .expect("download");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.expect("bytes").as_ref(), whole.as_slice());
    // Again: nothing left to do.
    let r = sweep(chrono::Duration::zero()).await.expect("sweep");
    assert_eq!(r, casedesk_hub::evidence::SweepReport::default());
}

async fn evidence_uploads_in_chunks_and_downloads_with_range(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    hub.add_user("wang.qiang", Role::Supervisor, "4107").await;
    hub.add_user("zhao.min", Role::CountyOfficer, "410724")
        .await;
    hub.add_order("GD-E-1", "410783", "豫G10001").await;
    hub.add_order("GD-E-2", "410783", "豫G10002").await;
    let zhang = hub.token("zhang.wei").await;
    let bytes = png_bytes(CHUNK * 2 + CHUNK / 2, 1);
    let req = upload_request(&bytes, "GD-E-1");
    let id = hub.started(&zhang, &req).await;

    let s = status_of(hub.patch(&zhang, &id, 0, &bytes[..CHUNK]).await).await;
    assert_eq!((s.offset, s.complete), (CHUNK as u64, false));
    // A chunk sent again at the old offset: 409 with where the hub stands.
    let r = hub.patch(&zhang, &id, 0, &bytes[..CHUNK]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(
        r.headers()
            .get("upload-offset")
            .and_then(|v| v.to_str().ok()),
        Some(CHUNK.to_string().as_str())
    );
    assert_eq!(error_code(r).await, "offset_mismatch");
    assert_eq!(
        hub.head_offset(&zhang, &id).await,
        (StatusCode::OK, Some(CHUNK as u64))
    );
    let s = status_of(
        hub.patch(&zhang, &id, CHUNK as u64, &bytes[CHUNK..2 * CHUNK])
            .await,
    )
    .await;
    assert!(!s.complete);
    let s = status_of(
        hub.patch(&zhang, &id, 2 * CHUNK as u64, &bytes[2 * CHUNK..])
            .await,
    )
    .await;
    assert_eq!((s.offset, s.complete), (bytes.len() as u64, true));
    // The answer to the last chunk lost: the empty retry at the end tells the outcome again.
    let s = status_of(hub.patch(&zhang, &id, bytes.len() as u64, &[]).await).await;
    assert!(s.complete);

    // The whole file, a range, the last bytes, and a range past the end.
    let r = hub.download(Some(&zhang), &req.sha256, None).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("image/png")
    );
    assert_eq!(r.bytes().await.expect("body").as_ref(), bytes.as_slice());
    let r = hub
        .download(Some(&zhang), &req.sha256, Some("bytes=1048570-1048585"))
        .await;
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        r.headers()
            .get("content-range")
            .and_then(|v| v.to_str().ok()),
        Some(format!("bytes 1048570-1048585/{}", bytes.len()).as_str())
    );
    assert_eq!(
        r.bytes().await.expect("body").as_ref(),
        &bytes[1_048_570..=1_048_585]
    );
    let r = hub
        .download(Some(&zhang), &req.sha256, Some("bytes=-7"))
        .await;
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        r.bytes().await.expect("body").as_ref(),
        &bytes[bytes.len() - 7..]
    );
    let past = format!("bytes={}-", bytes.len());
    let r = hub.download(Some(&zhang), &req.sha256, Some(&past)).await;
    assert_eq!(r.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        r.headers()
            .get("content-range")
            .and_then(|v| v.to_str().ok()),
        Some(format!("bytes */{}", bytes.len()).as_str())
    );

    // The city's supervisor sees it; another county's officer does not; nobody without a token.
    let wang = hub.token("wang.qiang").await;
    let r = hub
        .download(Some(&wang), &req.sha256, Some("bytes=0-7"))
        .await;
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    let zhao = hub.token("zhao.min").await;
    let r = hub.download(Some(&zhao), &req.sha256, None).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = hub.download(None, &req.sha256, None).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    // The same bytes for another order: nothing to send, attached and audited.
    let r = hub
        .create_upload(&zhang, &upload_request(&bytes, "GD-E-2"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.json::<UploadCreated>().await.expect("body"),
        UploadCreated::AlreadyStored {
            sha256: req.sha256.clone()
        }
    );
    let rows = hub.store.audit_rows(0, 1000).await.expect("audit");
    let actions: Vec<&str> = rows
        .iter()
        .filter(|r| r.entity == "evidence")
        .map(|r| r.action.as_str())
        .collect();
    assert_eq!(actions, ["evidence_store", "evidence_attach"]);
    let report = casedesk_hub::audit::verify(hub.store.as_ref())
        .await
        .expect("verify");
    assert_eq!(report.first_broken, None);
    // Stored once, under its hash; no chunk left behind.
    let files = hub.evidence_files();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].ends_with(&req.sha256));
}

async fn evidence_refusals_change_nothing(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    hub.add_user("li.na", Role::CountyOfficer, "410783").await;
    hub.add_order("GD-R-1", "410783", "豫G10001").await;
    hub.add_order("GD-R-2", "410724", "豫G10002").await;
    let zhang = hub.token("zhang.wei").await;
    let bytes = png_bytes(1000, 2);
    let head = hub.store.audit_head().await.expect("head");

    // No token: every endpoint.
    let r = hub
        .http
        .post(hub.url("/api/v1/evidence/uploads"))
        .json(&upload_request(&bytes, "GD-R-1"))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = hub
        .http
        .patch(hub.url("/api/v1/evidence/uploads/x"))
        .header("Upload-Offset", "0")
        .body(vec![1u8])
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = hub
        .http
        .head(hub.url("/api/v1/evidence/uploads/x"))
        .send()
        .await
        .expect("head");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    let cases: Vec<(UploadRequest, StatusCode, &str)> = vec![
        (
            UploadRequest {
                size: 50 * 1024 * 1024 + 1,
                ..upload_request(&bytes, "GD-R-1")
            },
            StatusCode::PAYLOAD_TOO_LARGE,
            "evidence_too_large",
        ),
        (
            UploadRequest {
                mime: "image/gif".into(),
                ..upload_request(&bytes, "GD-R-1")
            },
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_type",
        ),
        (
            UploadRequest {
                file_name: "../../etc/passwd".into(),
                ..upload_request(&bytes, "GD-R-1")
            },
            StatusCode::BAD_REQUEST,
            "bad_file_name",
        ),
        (
            UploadRequest {
                sha256: "../".repeat(21) + "x",
                ..upload_request(&bytes, "GD-R-1")
            },
            StatusCode::BAD_REQUEST,
            "bad_hash",
        ),
        (
            upload_request(&bytes, "GD-R-2"),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            upload_request(&bytes, "GD-NONE"),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
    ];
    for (req, status, code) in cases {
        let r = hub.create_upload(&zhang, &req).await;
        assert_eq!(r.status(), status, "{code}");
        assert_eq!(error_code(r).await, code);
    }
    // Another user's upload is not theirs to continue or read.
    let id = hub.started(&zhang, &upload_request(&bytes, "GD-R-1")).await;
    let li = hub.token("li.na").await;
    let r = hub.patch(&li, &id, 0, &bytes).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(hub.head_offset(&li, &id).await.0, StatusCode::FORBIDDEN);
    // Past the declared size.
    let r = hub.patch(&zhang, &id, 0, &png_bytes(1001, 2)).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(r).await, "beyond_size");
    // A chunk over the body limit.
    let r = hub.patch(&zhang, &id, 0, &vec![0u8; 3 * CHUNK]).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        hub.head_offset(&zhang, &id).await,
        (StatusCode::OK, Some(0))
    );
    assert!(hub.evidence_files().is_empty());
    assert_eq!(hub.store.audit_head().await.expect("head"), head);
}

async fn evidence_whose_bytes_do_not_match_is_discarded(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    hub.add_order("GD-M-1", "410783", "豫G10001").await;
    let zhang = hub.token("zhang.wei").await;
    let declared = png_bytes(CHUNK + 10, 3);
    let sent = png_bytes(CHUNK + 10, 4);
    let req = upload_request(&declared, "GD-M-1");
    let id = hub.started(&zhang, &req).await;
    status_of(hub.patch(&zhang, &id, 0, &sent[..CHUNK]).await).await;
    let r = hub.patch(&zhang, &id, CHUNK as u64, &sent[CHUNK..]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: ErrorBody = r.json().await.expect("body");
    assert_eq!(body.code, "hash_mismatch");
    assert!(body.message_zh.contains("SHA-256"), "{}", body.message_zh);
    // Gone: no upload to resume, nothing under either hash, no chunk left, nothing audited.
    assert_eq!(hub.head_offset(&zhang, &id).await.0, StatusCode::NOT_FOUND);
    for sha in [&req.sha256, &sha256_hex(&sent)] {
        let r = hub.download(Some(&zhang), sha, None).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
    assert!(
        hub.evidence_files().is_empty(),
        "{:?}",
        hub.evidence_files()
    );
    assert!(hub
        .store
        .evidence(&req.sha256)
        .await
        .expect("read")
        .is_none());

    // Bytes that hash right but are not the declared type are refused the same way.
    let pdf_named = UploadRequest {
        mime: "application/pdf".into(),
        ..upload_request(&declared, "GD-M-1")
    };
    let id = hub.started(&zhang, &pdf_named).await;
    let r = hub.patch(&zhang, &id, 0, &declared[..CHUNK]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = hub
        .patch(&zhang, &id, CHUNK as u64, &declared[CHUNK..])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(r).await, "type_mismatch");
    assert!(hub.evidence_files().is_empty());
}

async fn an_upload_resumes_after_a_restart_and_on_another_instance(backend: Backend) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = match &backend {
        Backend::Sqlite => dir.path().join("hub.db").display().to_string(),
        Backend::Postgres(base) => fresh_pg(base).await,
    };
    let evidence = dir.path().join("evidence").display().to_string();
    let store = storage::open(&db).await.expect("open");
    let (base, first) = serve(store.clone(), HubConfig::default(), &evidence).await;
    let hub = Hub {
        base,
        http: test_client(),
        store,
        db: db.clone(),
        evidence: evidence.clone(),
        _dir: tempfile::tempdir().expect("temp dir"),
    };
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    hub.add_order("GD-S-1", "410783", "豫G10001").await;
    let zhang = hub.token("zhang.wei").await;
    let bytes = png_bytes(CHUNK * 3, 5);
    let req = upload_request(&bytes, "GD-S-1");
    let id = hub.started(&zhang, &req).await;
    status_of(hub.patch(&zhang, &id, 0, &bytes[..CHUNK]).await).await;

    // The hub stops; a new process starts on the same database and folder.
    first.abort();
    let _ = first.await;
    let restarted = hub.second_instance_of(&db, &evidence).await;
    drop(hub.store);
    assert!(
        test_client()
            .head(format!("{}/api/v1/evidence/uploads/{id}", hub.base))
            .bearer_auth(&zhang)
            .send()
            .await
            .is_err(),
        "the first instance is gone"
    );
    assert_eq!(
        restarted.head_offset(&zhang, &id).await,
        (StatusCode::OK, Some(CHUNK as u64))
    );
    status_of(
        restarted
            .patch(&zhang, &id, CHUNK as u64, &bytes[CHUNK..2 * CHUNK])
            .await,
    )
    .await;

    // A second instance beside it sees the same offset; the same chunk sent to both at once
    // counts once.
    let other = restarted.second_instance().await;
    assert_eq!(
        other.head_offset(&zhang, &id).await,
        (StatusCode::OK, Some(2 * CHUNK as u64))
    );
    let last = &bytes[2 * CHUNK..];
    let (a, b) = tokio::join!(
        restarted.patch(&zhang, &id, 2 * CHUNK as u64, last),
        other.patch(&zhang, &id, 2 * CHUNK as u64, last),
    );
    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let r = other.download(Some(&zhang), &req.sha256, None).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.expect("body").as_ref(), bytes.as_slice());
    let files = other.evidence_files();
    assert_eq!(files.len(), 1, "{files:?}");
}

// --- attention list ------------------------------------------------------------------------

impl Hub {
    async fn attention(&self, token: &str) -> reqwest::Response {
        self.http
            .get(self.url("/api/v1/attention"))
            .bearer_auth(token)
            .send()
            .await
            .expect("attention request")
    }

    async fn open_items(&self, token: &str) -> Vec<AttentionItem> {
        let r = self.attention(token).await;
        assert_eq!(r.status(), StatusCode::OK, "attention list");
        r.json::<AttentionList>()
            .await
            .expect("attention body")
            .items
    }

    async fn resolve(&self, token: &str, id: i64, note: &str) -> reqwest::Response {
        self.http
            .post(self.url(&format!("/api/v1/attention/{id}/resolve")))
            .bearer_auth(token)
            .json(&json!({ "note": note, "device_id": "sup-1" }))
            .send()
            .await
            .expect("resolve request")
    }
}

/// The loser of a claim race keeps working on the order offline; what they recorded reaches
/// the supervisors of the order's city (and the province), once, and is resolved once.
async fn a_lost_race_goes_to_the_supervisors_attention(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    hub.add_user("li.na", Role::CountyOfficer, "410783").await;
    hub.add_user("zhao.lei", Role::Supervisor, "4107").await;
    hub.add_user("sun.hao", Role::Supervisor, "4101").await;
    hub.add_user("qian.sheng", Role::Supervisor, "41").await;
    hub.add_order("GD202611290000003", "410783", "豫G33333")
        .await;
    let zhang = hub.token("zhang.wei").await;
    let li = hub.token("li.na").await;
    let zhao = hub.token("zhao.lei").await;
    let sun = hub.token("sun.hao").await;
    let qian = hub.token("qian.sheng").await;
    assert!(hub.open_items(&zhao).await.is_empty());

    let r = hub
        .push(
            &zhang,
            &[order_mutation("GD202611290000003", OrderAction::Claim)],
        )
        .await;
    assert!(matches!(r[0], MutationResult::Applied { .. }));
    // li.na claimed offline too and recorded her handling; both reach the hub after zhang.wei.
    let claim = order_mutation("GD202611290000003", OrderAction::Claim);
    let handle = order_mutation(
        "GD202611290000003",
        OrderAction::Handle {
            method: casedesk_domain::HandlingMethod::Education,
            result: "已约谈企业负责人".into(),
            notes: "驾驶员承认超员".into(),
        },
    );
    let r = hub.push(&li, &[claim.clone(), handle.clone()]).await;
    assert_eq!(rejected_code(&r[0]).0, "claimed_by_other");
    assert_eq!(rejected_code(&r[1]).0, "not_claimant");
    // The same push again (its answer was lost): the stored refusals, no new items.
    let again = hub.push(&li, &[claim.clone(), handle.clone()]).await;
    assert_eq!(again, r);

    let items = hub.open_items(&zhao).await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0].mutation_id, claim.mutation_id);
    assert_eq!(items[0].code, "claimed_by_other");
    let h = &items[1];
    assert_eq!(h.mutation_id, handle.mutation_id);
    assert_eq!(
        (h.order_no.as_str(), h.county_code.as_str()),
        ("GD202611290000003", "410783")
    );
    assert_eq!(
        (h.username.as_str(), h.device_id.as_str()),
        ("li.na", "dev-1")
    );
    assert_eq!(h.holder.as_deref(), Some("zhang.wei"));
    assert_eq!(h.action, "handle");
    assert_eq!(h.payload, handle.payload, "what she recorded, as recorded");
    assert_eq!(h.payload["notes"], "驾驶员承认超员");
    assert_eq!(h.code, "not_claimant");
    // The parameters travel with the item, so the supervisor's desk words it itself.
    assert_eq!(
        h.params.get("claimant").map(String::as_str),
        Some("zhang.wei")
    );
    assert_eq!(
        h.params.get("order_no").map(String::as_str),
        Some("GD202611290000003")
    );
    assert!(h.message_zh.contains("zhang.wei"), "{}", h.message_zh);
    assert_eq!(h.recorded_at, "2026-11-29 09:00");
    assert_eq!(
        hub.open_items(&qian).await.len(),
        2,
        "the province sees all"
    );

    // A county officer may not look; another city's supervisor sees none and cannot resolve.
    let r = hub.attention(&li).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = hub.resolve(&zhang, h.id, "我来").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(hub.open_items(&sun).await.is_empty());
    let r = hub.resolve(&sun, h.id, "不归我管").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = hub.resolve(&zhao, 9999, "无此事项").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = hub.resolve(&zhao, h.id, "   ").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let head = hub.store.audit_head().await.expect("head");

    let r = hub.resolve(&zhao, h.id, "约谈记录已转张伟补录").await;
    assert_eq!(r.status(), StatusCode::OK);
    let done: AttentionResolved = r.json().await.expect("resolved body");
    assert_eq!(done.resolved_by, "zhao.lei");
    assert_eq!(done.note, "约谈记录已转张伟补录");
    let r = hub.resolve(&qian, h.id, "再处理一次").await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body: ErrorBody = r.json().await.expect("error body");
    assert_eq!(body.code, "already_resolved");
    let left = hub.open_items(&zhao).await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].mutation_id, claim.mutation_id);

    assert_eq!(hub.store.audit_head().await.expect("head"), head + 1);
    let rows = hub.store.audit_rows(head, 10).await.expect("rows");
    assert_eq!(rows[0].action, "attention_resolve");
    assert_eq!(rows[0].username, "zhao.lei");
    assert_eq!(rows[0].device_id, "sup-1");
    assert!(rows[0].after.contains("约谈记录已转张伟补录"));
    let report = casedesk_hub::audit::verify(hub.store.as_ref())
        .await
        .expect("verify");
    assert_eq!(report.first_broken, None);
}

// The permit desk: carriers' applications, the day's commitment, closure and draw.

fn today() -> String {
    beijing_now().format("%Y-%m-%d").to_string()
}

fn upload_body(s: &serde_json::Value, files: &[(String, Vec<u8>)]) -> serde_json::Value {
    use base64::Engine;
    let files: Vec<serde_json::Value> = files
        .iter()
        .map(|(name, bytes)| {
            json!({"file": name,
                   "content_base64": base64::engine::general_purpose::STANDARD.encode(bytes)})
        })
        .collect();
    json!({"submission": s, "files": files})
}

impl Hub {
    async fn submit(&self, token: &str, body: &serde_json::Value) -> reqwest::Response {
        self.http
            .post(self.url("/api/v1/permit/applications"))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("submit request")
    }

    async fn day(&self, token: &str, service_point: &str, day: &str) -> reqwest::Response {
        self.http
            .get(self.url(&format!("/api/v1/permit/days/{service_point}/{day}")))
            .bearer_auth(token)
            .send()
            .await
            .expect("day request")
    }

    async fn close(&self, token: &str, service_point: &str, day: &str) -> reqwest::Response {
        self.http
            .post(self.url(&format!("/api/v1/permit/days/{service_point}/{day}/close")))
            .bearer_auth(token)
            .send()
            .await
            .expect("close request")
    }
}

fn applications(page: &PullResponse) -> Vec<ApplicationChange> {
    page.changes
        .iter()
        .filter_map(|c| match c {
            Change::Application(a) => Some((**a).clone()),
            _ => None,
        })
        .collect()
}

fn days(page: &PullResponse) -> Vec<PermitDay> {
    page.changes
        .iter()
        .filter_map(|c| match c {
            Change::PermitDay(d) => Some((**d).clone()),
            _ => None,
        })
        .collect()
}

async fn applications_are_taken_once_and_the_day_is_drawn(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("portal", Role::Administrator, "41").await;
    hub.add_user("chen.jing", Role::DeskStaff, "410783").await;
    hub.add_user("li.na", Role::DeskStaff, "410724").await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    let portal = hub.token("portal").await;
    let desk = hub.token("chen.jing").await;
    let other_desk = hub.token("li.na").await;
    let officer = hub.token("zhang.wei").await;
    let day = today();

    // The commitment is published before the day's first application.
    let r = hub.day(&desk, "410783", &day).await;
    assert_eq!(r.status(), StatusCode::OK);
    let published: PermitDay = r.json().await.expect("day");
    assert_eq!(published.seed, None, "the seed stays secret until closure");
    assert_eq!(published.commitment.len(), 64);
    assert_eq!(
        hub.day(&other_desk, "410783", &day).await.status(),
        StatusCode::FORBIDDEN
    );

    let (s1, f1) = submission("HD-001", "410783");
    let r = hub.submit(&portal, &upload_body(&s1, &f1)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let first: ApplicationSubmitted = r.json().await.expect("answer");
    let ApplicationSubmitted::Created {
        application_id: id1,
        day: d1,
        commitment,
    } = first
    else {
        panic!("created expected: {first:?}")
    };
    assert_eq!(d1, day);
    assert_eq!(commitment, published.commitment);

    // The same submission again is the same application; nothing changes.
    let head = hub.store.audit_head().await.expect("head");
    let r = hub.submit(&portal, &upload_body(&s1, &f1)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.json::<ApplicationSubmitted>().await.expect("answer"),
        ApplicationSubmitted::Duplicate {
            application_id: id1.clone()
        }
    );
    assert_eq!(hub.store.audit_head().await.expect("head"), head);

    // A second one shares the first one's photos: the bytes are kept once.
    let (s2, f2) = submission("HD-002", "410783");
    let r = hub.submit(&portal, &upload_body(&s2, &f2)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    // A desk staff member cannot submit as a carrier.
    let (s3, f3) = submission("HD-003", "410783");
    let r = hub.submit(&desk, &upload_body(&s3, &f3)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(r).await, "not_allowed");

    // The service point's desk pulls both, with the day; another county's desk sees neither.
    let page = hub.pull(&desk, 0, 1000).await;
    let apps = applications(&page);
    assert_eq!(apps.len(), 2);
    assert_eq!(apps[0].application_id, id1);
    assert!(apps[0].first_application && !apps[1].first_application);
    assert_eq!(apps[0].materials.len(), 4);
    assert_eq!(apps[0].materials[0].mime, "video/mp4");
    assert_eq!(apps[0].materials[0].sha256, sha256_hex(&f1[0].1));
    assert_eq!(apps[0].submission.carrier_reference, "HD-001");
    let pulled_days = days(&page);
    assert_eq!(pulled_days.len(), 1);
    assert_eq!(pulled_days[0].commitment, published.commitment);
    assert!(
        pulled_days[0].seq < apps[0].seq,
        "committed before the first application"
    );
    assert!(pulled_days[0].committed_at < apps[0].received_at);
    let elsewhere = hub.pull(&other_desk, 0, 1000).await;
    assert!(applications(&elsewhere).is_empty() && days(&elsewhere).is_empty());

    // Materials download by hash within the jurisdiction only.
    let sha = &apps[0].materials[1].sha256;
    let r = hub
        .http
        .get(hub.url(&format!("/api/v1/evidence/{sha}")))
        .bearer_auth(&desk)
        .send()
        .await
        .expect("download");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.expect("bytes").to_vec(), f1[1].1);
    // The desk resumes a download cut short from the bytes it kept.
    let r = hub
        .http
        .get(hub.url(&format!("/api/v1/evidence/{sha}")))
        .bearer_auth(&desk)
        .header("Range", "bytes=2-")
        .send()
        .await
        .expect("download");
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.bytes().await.expect("bytes").to_vec(), f1[1].1[2..]);
    let r = hub
        .http
        .get(hub.url(&format!("/api/v1/evidence/{sha}")))
        .bearer_auth(&other_desk)
        .send()
        .await
        .expect("download");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Closing: desk staff of that service point only, once.
    assert_eq!(
        hub.close(&officer, "410783", &day).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        hub.close(&other_desk, "410783", &day).await.status(),
        StatusCode::FORBIDDEN
    );
    let r = hub.close(&desk, "410783", &day).await;
    assert_eq!(r.status(), StatusCode::OK);
    let closed: PermitDay = r.json().await.expect("closed day");
    let seed = hex::decode(closed.seed.as_deref().expect("seed revealed")).expect("hex");
    assert_eq!(seed.len(), 32);
    assert_eq!(
        casedesk_domain::permit::commitment(&seed),
        published.commitment
    );
    let candidates = closed.candidates.clone().expect("inputs stored");
    let draw = closed.draw.clone().expect("draw stored");
    assert_eq!(draw.applications, 2);
    assert_eq!(draw.random.len(), 1);
    casedesk_domain::permit::verify(&published.commitment, &seed, &candidates, &draw)
        .expect("the draw verifies");
    let r = hub.close(&desk, "410783", &day).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(error_code(r).await, "already_closed");

    // An application after closure counts in the next day.
    let r = hub.submit(&portal, &upload_body(&s3, &f3)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let ApplicationSubmitted::Created { day: later, .. } = r.json().await.expect("answer") else {
        panic!("created expected")
    };
    assert!(later > day, "{later} after {day}");

    let rows = hub.store.audit_rows(0, 1000).await.expect("audit");
    let actions: Vec<&str> = rows.iter().map(|r| r.action.as_str()).collect();
    for a in [
        "permit_commit",
        "permit_application",
        "evidence_store",
        "permit_close",
    ] {
        assert!(actions.contains(&a), "{a} audited: {actions:?}");
    }
    // Four distinct files in the first application, one new PDF in the second and the third.
    assert_eq!(
        actions.iter().filter(|a| **a == "evidence_store").count(),
        6
    );
    let report = casedesk_hub::audit::verify(hub.store.as_ref())
        .await
        .expect("verify");
    assert_eq!(report.first_broken, None);
}

async fn bad_submissions_change_nothing(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("portal", Role::Administrator, "41").await;
    hub.add_user("xinxiang", Role::Administrator, "4107").await;
    hub.add_user("chen.jing", Role::DeskStaff, "410783").await;
    let portal = hub.token("portal").await;
    let xinxiang = hub.token("xinxiang").await;
    let desk = hub.token("chen.jing").await;
    let head = hub.store.audit_head().await.expect("head");
    let before = hub.pull(&desk, 0, 1000).await.next_checkpoint;

    let (s, files) = submission("BAD-1", "410783");
    let cases: Vec<(&str, serde_json::Value, StatusCode, &str)> = vec![
        (
            "missing file",
            upload_body(&s, &files[1..]),
            StatusCode::BAD_REQUEST,
            "missing_file",
        ),
        (
            "a video that is a PDF",
            upload_body(&s, &{
                let mut f = files.clone();
                f[0].1 = pdf_bytes("not a video");
                f
            }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "type_mismatch",
        ),
        (
            "absurd height",
            upload_body(
                &{
                    let mut s = s.clone();
                    s["vehicle"]["height_mm"] = json!(4_200_000);
                    s
                },
                &files,
            ),
            StatusCode::BAD_REQUEST,
            "permit_dimension_absurd",
        ),
        (
            "unknown material",
            upload_body(
                &{
                    let mut s = s.clone();
                    s["materials"][3]["material"] = json!("selfie");
                    s
                },
                &files,
            ),
            StatusCode::BAD_REQUEST,
            "unknown_material",
        ),
        (
            "a file no material names",
            upload_body(&s, &{
                let mut f = files.clone();
                f.push(("extra.pdf".into(), pdf_bytes("extra")));
                f
            }),
            StatusCode::BAD_REQUEST,
            "unexpected_file",
        ),
        (
            "not base64",
            {
                let mut b = upload_body(&s, &files);
                b["files"][0]["content_base64"] = json!("***");
                b
            },
            StatusCode::BAD_REQUEST,
            "bad_base64",
        ),
        (
            "no JSON",
            json!({"submission": 1}),
            StatusCode::BAD_REQUEST,
            "bad_json",
        ),
    ];
    for (what, body, status, code) in cases {
        let r = hub.submit(&portal, &body).await;
        assert_eq!(r.status(), status, "{what}");
        let e: ErrorBody = r.json().await.expect("error body");
        assert_eq!(e.code, code, "{what}");
        assert!(
            !e.message_zh.is_empty() && !e.message_en.is_empty(),
            "{what}"
        );
    }
    // Oversized: a file over 50 MiB.
    let mut big = files.clone();
    big[3].1 = pdf_bytes("big");
    big[3].1.resize(50 * 1024 * 1024 + 1, b' ');
    let r = hub.submit(&portal, &upload_body(&s, &big)).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(r).await, "file_too_large");
    // A city's account cannot post for another city's service point.
    let (other, other_files) = submission("BAD-2", "410102");
    let r = hub
        .submit(&xinxiang, &upload_body(&other, &other_files))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(r).await, "outside_jurisdiction");

    assert_eq!(
        hub.store.audit_head().await.expect("head"),
        head,
        "nothing audited"
    );
    let after = hub.pull(&desk, 0, 1000).await;
    assert_eq!(after.next_checkpoint, before, "no change numbered");
    assert!(applications(&after).is_empty() && days(&after).is_empty());
    // Nothing stored: the evidence folder holds no file.
    let stored = std::path::Path::new(&hub.evidence).join("sha256");
    assert!(!stored.exists(), "no bytes kept");
}

async fn the_dishonest_list_is_kept_and_puts_carriers_on_top(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("portal", Role::Administrator, "41").await;
    hub.add_user("chen.jing", Role::DeskStaff, "410783").await;
    hub.add_user("zz.desk", Role::DeskStaff, "410102").await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    let portal = hub.token("portal").await;
    let desk = hub.token("chen.jing").await;
    let zhengzhou = hub.token("zz.desk").await;
    let officer = hub.token("zhang.wei").await;
    let listing = json!({
        "credit_id": "91410783MA9XL0HJ8A", "enterprise_name": "长垣市宏达重型运输有限公司",
        "behaviour": "测量视频剪辑拼接，虚报外廓尺寸", "penalty": {"grade": "fast_track_removed"},
        "repair_conditions": "整改到位并公开信用承诺满一年", "device_id": "desk-1"
    });
    let post = |token: &str, path: &str, body: serde_json::Value| {
        hub.http
            .post(hub.url(path))
            .bearer_auth(token.to_string())
            .json(&body)
            .send()
    };
    let r = post(&officer, "/api/v1/permit/dishonest", listing.clone())
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let mut empty = listing.clone();
    empty["behaviour"] = json!("  ");
    let r = post(&desk, "/api/v1/permit/dishonest", empty)
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(r).await, "dishonest_list_text_empty");
    let r = post(&desk, "/api/v1/permit/dishonest", listing)
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::CREATED);
    let listed: casedesk_wire::DishonestEntry = r.json().await.expect("entry");
    assert_eq!(listed.division, "410783");
    assert_eq!(listed.entry.listed_on, beijing_now().date());

    // The county pulls it; another city's desk does not.
    let page = hub.pull(&desk, 0, 1000).await;
    assert!(page
        .changes
        .iter()
        .any(|c| matches!(c, Change::Dishonest(d) if d.id == listed.id)));
    let elsewhere = hub.pull(&zhengzhou, 0, 1000).await;
    assert!(!elsewhere
        .changes
        .iter()
        .any(|c| matches!(c, Change::Dishonest(_))));

    // Repaired once, audited; a second repair is 409.
    let path = format!("/api/v1/permit/dishonest/{}/repair", listed.id);
    let r = post(&zhengzhou, &path, json!({"device_id": "zz"}))
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = post(&desk, &path, json!({"device_id": "desk-1"}))
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::OK);
    let repaired: casedesk_wire::DishonestEntry = r.json().await.expect("entry");
    assert_eq!(repaired.entry.repaired_on, Some(beijing_now().date()));
    let r = post(&desk, &path, json!({"device_id": "desk-1"}))
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // A listing in force as the day began puts the carrier's applications on top of the draw.
    let yesterday = beijing_now().date() - chrono::Duration::days(1);
    hub.store
        .add_dishonest(casedesk_hub::storage::NewDishonest {
            credit_id: "91410700725822691A".into(),
            enterprise_name: "河南森源电气股份有限公司".into(),
            division: "4107".into(),
            entry: casedesk_domain::permit::ListEntry::new(
                "虚假信用承诺",
                casedesk_domain::permit::ListPenalty::CloseChecks,
                yesterday,
                "补交真实材料",
            )
            .expect("entry"),
            by: "zhao.lei".into(),
            device_id: String::new(),
            at: stamp(beijing_now()),
        })
        .await
        .expect("listed yesterday");
    for reference in ["SY-001", "SY-002"] {
        let (mut s, f) = submission(reference, "410783");
        s["carrier"]["credit_id"] = json!("91410700725822691A");
        let r = hub.submit(&portal, &upload_body(&s, &f)).await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let (s, f) = submission("HD-009", "410783");
    assert_eq!(
        hub.submit(&portal, &upload_body(&s, &f)).await.status(),
        StatusCode::CREATED
    );
    let r = hub.close(&desk, "410783", &today()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let closed: PermitDay = r.json().await.expect("day");
    let candidates = closed.candidates.expect("inputs");
    let listed_flags: Vec<bool> = candidates.iter().map(|c| c.carrier_listed).collect();
    // The two of the carrier listed yesterday; the one listed (and repaired) today counts only
    // from tomorrow's draw, so today's closed draw never changes.
    assert_eq!(listed_flags, vec![true, true, false], "{candidates:?}");
    let draw = closed.draw.expect("draw");
    for c in candidates.iter().filter(|c| c.carrier_listed) {
        if !draw.random.contains(&c.application_id) {
            let top = draw
                .on_top
                .iter()
                .find(|o| o.application_id == c.application_id)
                .expect("a listed carrier's application is checked");
            assert!(top
                .reasons
                .contains(&casedesk_domain::permit::OnTopReason::DishonestList));
        }
    }
    let report = casedesk_hub::audit::verify(hub.store.as_ref())
        .await
        .expect("verify");
    assert_eq!(report.first_broken, None);
}

async fn a_carriers_credit_record_judges_its_applications(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("portal", Role::Administrator, "41").await;
    hub.add_user("chen.jing", Role::DeskStaff, "410783").await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    let portal = hub.token("portal").await;
    let desk = hub.token("chen.jing").await;
    let officer = hub.token("zhang.wei").await;
    let carrier = "91410783MA9XL0HJ8A";
    let path = format!("/api/v1/permit/carriers/{carrier}");
    let put = |token: &str, path: &str, body: serde_json::Value| {
        hub.http
            .put(hub.url(path))
            .bearer_auth(token.to_string())
            .json(&body)
            .send()
    };
    let decided = (beijing_now().date() - chrono::Duration::days(200)).to_string();
    let penalties: Vec<serde_json::Value> = (0..10)
        .map(|_| json!({"decided_on": decided, "repaired_on": null}))
        .collect();
    let record = json!({"enterprise_name": "长垣市宏达重型运输有限公司", "credit_code": "yellow",
        "penalties": penalties, "device_id": "platform"});

    // Only the platform's account sends records; bad ones are refused whole.
    let r = put(&desk, &path, record.clone()).await.expect("put");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = put(
        &portal,
        "/api/v1/permit/carriers/91410783MA9XL0HJ8B",
        record.clone(),
    )
    .await
    .expect("put");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(r).await, "bad_credit_id");
    let mut backwards = record.clone();
    backwards["penalties"] = json!([{"decided_on": decided, "repaired_on": "2020-01-01"}]);
    let r = put(&portal, &path, backwards).await.expect("put");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(r).await, "penalty_repaired_before_decided");
    let mut future = record.clone();
    future["penalties"] = json!([{"decided_on": "2099-01-01", "repaired_on": null}]);
    let r = put(&portal, &path, future).await.expect("put");
    assert_eq!(error_code(r).await, "penalty_decided_in_future");
    let mut bad_code = record.clone();
    bad_code["credit_code"] = json!("purple");
    let r = put(&portal, &path, bad_code).await.expect("put");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(hub
        .store
        .carrier_credit(carrier)
        .await
        .expect("read")
        .is_none());

    let r = put(&portal, &path, record).await.expect("put");
    assert_eq!(r.status(), StatusCode::OK);
    let kept: casedesk_wire::CarrierCredit = r.json().await.expect("record");
    assert_eq!(kept.version, 1);
    assert_eq!(kept.standing.penalties.len(), 10);
    let r = hub
        .http
        .get(hub.url(&path))
        .bearer_auth(&officer)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = hub
        .http
        .get(hub.url(&path))
        .bearer_auth(&desk)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::OK);

    // An application carries the standing it arrived with, to the desk and to the draw.
    let (s, f) = submission("HD-101", "410783");
    assert_eq!(
        hub.submit(&portal, &upload_body(&s, &f)).await.status(),
        StatusCode::CREATED
    );
    // Credit repair of every penalty, and a green code: later applications carry that.
    let repaired = beijing_now().date().to_string();
    let penalties: Vec<serde_json::Value> = (0..10)
        .map(|_| json!({"decided_on": decided, "repaired_on": repaired}))
        .collect();
    let r = put(
        &portal,
        &path,
        json!({"enterprise_name": "长垣市宏达重型运输有限公司", "credit_code": "green",
            "penalties": penalties, "device_id": "platform"}),
    )
    .await
    .expect("put");
    assert_eq!(r.status(), StatusCode::OK);
    let (s, f) = submission("HD-102", "410783");
    assert_eq!(
        hub.submit(&portal, &upload_body(&s, &f)).await.status(),
        StatusCode::CREATED
    );
    let page = hub.pull(&desk, 0, 1000).await;
    let apps = applications(&page);
    let standing = |reference: &str| {
        apps.iter()
            .find(|a| a.submission.carrier_reference == reference)
            .and_then(|a| a.carrier_standing.clone())
            .expect("standing")
    };
    let first = standing("HD-101");
    assert_eq!(first.credit_code, Some(casedesk_domain::CreditCode::Yellow));
    assert!(first.penalties.iter().all(|p| p.repaired_on.is_none()));
    let second = standing("HD-102");
    assert_eq!(second.credit_code, Some(casedesk_domain::CreditCode::Green));
    assert!(second.penalties.iter().all(|p| p.repaired_on.is_some()));

    let r = hub.close(&desk, "410783", &today()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let closed: PermitDay = r.json().await.expect("day");
    let codes: Vec<Option<casedesk_domain::CreditCode>> = closed
        .candidates
        .expect("inputs")
        .iter()
        .map(|c| c.carrier_code)
        .collect();
    assert_eq!(
        codes,
        vec![
            Some(casedesk_domain::CreditCode::Yellow),
            Some(casedesk_domain::CreditCode::Green)
        ]
    );
    let audit = hub.store.audit_rows(0, 1000).await.expect("audit");
    let rows: Vec<_> = audit
        .iter()
        .filter(|r| r.action == "carrier_credit")
        .collect();
    assert_eq!(rows.len(), 2);
    assert!(rows[1].before.contains("yellow"));
    let report = casedesk_hub::audit::verify(hub.store.as_ref())
        .await
        .expect("verify");
    assert_eq!(report.first_broken, None);
}

/// A submission with every material its class (II, fast track, single trip) needs.
fn complete_submission(reference: &str) -> (serde_json::Value, Vec<(String, Vec<u8>)>) {
    let (mut s, mut files) = submission(reference, "410783");
    for (material, file) in [
        ("application_form", "form.pdf"),
        ("operating_licence", "licence.pdf"),
        ("vehicle_licence", "xingshizheng.pdf"),
        ("agent_id", "agent-id.pdf"),
        ("agent_authorisation", "authorisation.pdf"),
        ("carrier_commitment", "carrier-commitment.pdf"),
        ("manufacturer_commitment", "maker-commitment.pdf"),
    ] {
        s["materials"]
            .as_array_mut()
            .expect("materials")
            .push(json!({"material": material, "file": file}));
        files.push((file.to_string(), pdf_bytes(&format!("{reference} {file}"))));
    }
    (s, files)
}

fn review_mutation(application_id: &str, review: serde_json::Value) -> Mutation {
    Mutation {
        mutation_id: uuid::Uuid::now_v7().to_string(),
        device_id: "desk-7".into(),
        entity: Entity::PermitApplication,
        entity_key: application_id.into(),
        action: casedesk_wire::REVIEW_ACTION.into(),
        payload: review,
        base_version: 1,
        created_at: "2026-11-30 09:00".into(),
    }
}

fn all_ticked(class: casedesk_domain::permit::PermitClass) -> Vec<serde_json::Value> {
    casedesk_domain::permit::checklist()
        .items_for(class)
        .iter()
        .map(|i| json!({"item": i.code, "ticked": true}))
        .collect()
}

async fn reviews_are_given_once_and_closing_waits_for_them(backend: Backend) {
    use casedesk_domain::permit::{PermitClass, Verdict};
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("portal", Role::Administrator, "41").await;
    hub.add_user("chen.jing", Role::DeskStaff, "410783").await;
    hub.add_user("wang.fang", Role::DeskStaff, "410783").await;
    hub.add_user("li.na", Role::DeskStaff, "410724").await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    let portal = hub.token("portal").await;
    let desk = hub.token("chen.jing").await;
    let colleague = hub.token("wang.fang").await;
    let other_county = hub.token("li.na").await;
    let officer = hub.token("zhang.wei").await;
    let day = today();

    let mut ids = Vec::new();
    for reference in ["RV-001", "RV-002"] {
        let (s, f) = complete_submission(reference);
        let r = hub.submit(&portal, &upload_body(&s, &f)).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let ApplicationSubmitted::Created { application_id, .. } = r.json().await.expect("answer")
        else {
            panic!("created expected")
        };
        ids.push(application_id);
    }
    // An incomplete one (materials missing) does not hold the closure: it waits for its notice.
    let (s, f) = submission("RV-003", "410783");
    assert_eq!(
        hub.submit(&portal, &upload_body(&s, &f)).await.status(),
        StatusCode::CREATED
    );
    let apps = applications(&hub.pull(&desk, 0, 1000).await);
    assert_eq!(apps.len(), 3);
    assert!(apps[0].awaits_verdict() && apps[1].awaits_verdict() && !apps[2].awaits_verdict());
    let video = apps[0].materials[0].sha256.clone();

    // Closing is refused while the two complete ones have no verdict; nothing changes.
    let head = hub.store.audit_head().await.expect("head");
    let r = hub.close(&desk, "410783", &day).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body: ErrorBody = r.json().await.expect("error body");
    assert_eq!(body.code, "undecided_applications");
    assert!(body.message_zh.contains("2 件"), "{}", body.message_zh);
    assert!(body.message_en.contains(&ids[0]) && body.message_en.contains(&ids[1]));
    assert_eq!(hub.store.audit_head().await.expect("head"), head);

    let pass = json!({"verdict": "pass", "items": all_ticked(PermitClass::Two),
        "notes": [{"sha256": video, "at_ms": 83_250, "text": "卷尺读数 21.0 m"}]});
    // An officer and another county's desk are refused; a pass with an item not ticked too.
    let r = hub
        .push(&officer, &[review_mutation(&ids[0], pass.clone())])
        .await;
    assert_eq!(rejected_code(&r[0]).0, "not_reviewer");
    let r = hub
        .push(&other_county, &[review_mutation(&ids[0], pass.clone())])
        .await;
    assert_eq!(rejected_code(&r[0]).0, "outside_jurisdiction");
    let mut half = pass.clone();
    half["items"].as_array_mut().expect("items").pop();
    let r = hub.push(&desk, &[review_mutation(&ids[0], half)]).await;
    assert_eq!(rejected_code(&r[0]).0, "bad_review");
    match &r[0] {
        MutationResult::Rejected { rejection, .. } => assert_eq!(
            rejection.params["problem"],
            "review_pass_with_items_not_ticked"
        ),
        other => panic!("{other:?}"),
    }

    // The desk's pass applies once; a retry is already applied; a colleague's second verdict is
    // refused, naming who decided.
    let m = review_mutation(&ids[0], pass.clone());
    let r = hub.push(&desk, std::slice::from_ref(&m)).await;
    assert!(
        matches!(r[0], MutationResult::Applied { new_version: 2, .. }),
        "{r:?}"
    );
    let r = hub.push(&desk, std::slice::from_ref(&m)).await;
    assert!(
        matches!(r[0], MutationResult::AlreadyApplied { .. }),
        "{r:?}"
    );
    let more = json!({"verdict": "more_material",
        "items": [{"item": "continuous_shot", "ticked": false, "remark": "01:02 处有剪辑"}],
        "notes": []});
    let r = hub
        .push(&colleague, &[review_mutation(&ids[0], more.clone())])
        .await;
    let (code, _) = rejected_code(&r[0]);
    assert_eq!(code, "already_decided");
    match &r[0] {
        MutationResult::Rejected { rejection, .. } => {
            assert_eq!(rejection.params["by"], "chen.jing");
            assert_eq!(rejection.params["verdict"], "pass");
        }
        other => panic!("{other:?}"),
    }

    // Still one undecided: the closure names it alone.
    let r = hub.close(&desk, "410783", &day).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body: ErrorBody = r.json().await.expect("error body");
    assert!(body.message_en.contains(&ids[1]) && !body.message_en.contains(&ids[0]));

    // More material on the second, from a colleague's desk: pulled back by every desk there.
    let r = hub
        .push(&colleague, &[review_mutation(&ids[1], more)])
        .await;
    assert!(matches!(r[0], MutationResult::Applied { .. }), "{r:?}");
    let pulled = applications(&hub.pull(&desk, 0, 1000).await);
    let decided = |id: &str| {
        pulled
            .iter()
            .find(|a| a.application_id == id)
            .and_then(|a| a.review.clone())
            .expect("decided")
    };
    let first = decided(&ids[0]);
    assert_eq!(first.review.verdict, Verdict::Pass);
    assert_eq!(first.decided_by, "chen.jing");
    assert_eq!(first.review.notes[0].at_ms, Some(83_250));
    let second = decided(&ids[1]);
    assert_eq!(second.review.verdict, Verdict::MoreMaterial);
    assert_eq!(second.decided_by, "wang.fang");
    assert_eq!(
        second.review.items[0].remark.as_deref(),
        Some("01:02 处有剪辑")
    );
    assert!(applications(&hub.pull(&other_county, 0, 1000).await).is_empty());

    // Now the day closes; a verdict on an application of a closed day is refused.
    let r = hub.close(&desk, "410783", &day).await;
    assert_eq!(r.status(), StatusCode::OK);
    let late = apps[2].application_id.clone();
    let r = hub
        .push(
            &desk,
            &[review_mutation(
                &late,
                json!({"verdict": "fail", "items": [], "notes": [{"sha256": apps[2].materials[0].sha256, "at_ms": null, "text": "车货不符"}]}),
            )],
        )
        .await;
    assert_eq!(rejected_code(&r[0]).0, "permit_day_closed");

    let rows = hub.store.audit_rows(0, 10_000).await.expect("audit");
    let reviews: Vec<_> = rows
        .iter()
        .filter(|r| r.action == "permit_review")
        .collect();
    assert_eq!(reviews.len(), 2, "each review audited once");
    assert_eq!(reviews[0].entity, "permit_application");
    assert!(reviews[0].mutation_id.is_some());
    let report = casedesk_hub::audit::verify(hub.store.as_ref())
        .await
        .expect("verify");
    assert_eq!(report.first_broken, None);
}

fn clock_mutation(application_id: &str, action: serde_json::Value) -> Mutation {
    let code = match action["action"].as_str() {
        Some("pause") => casedesk_domain::permit::PAUSE_ACTION,
        _ => casedesk_domain::permit::RESUME_ACTION,
    };
    Mutation {
        action: code.into(),
        payload: action,
        ..review_mutation(application_id, json!(null))
    }
}

async fn a_paused_clock_lets_the_day_close_and_carries_its_application_over(backend: Backend) {
    use casedesk_domain::permit::{open_pause, PauseReason, PermitClass};
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("portal", Role::Administrator, "41").await;
    hub.add_user("chen.jing", Role::DeskStaff, "410783").await;
    hub.add_user("li.na", Role::DeskStaff, "410724").await;
    hub.add_user("zhang.wei", Role::CountyOfficer, "410783")
        .await;
    let portal = hub.token("portal").await;
    let desk = hub.token("chen.jing").await;
    let other_county = hub.token("li.na").await;
    let officer = hub.token("zhang.wei").await;
    let day = today();
    let tomorrow = (chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").expect("day")
        + chrono::Duration::days(1))
    .to_string();

    let mut ids = Vec::new();
    for reference in ["PA-001", "PA-002"] {
        let (s, f) = complete_submission(reference);
        let r = hub.submit(&portal, &upload_body(&s, &f)).await;
        let ApplicationSubmitted::Created { application_id, .. } = r.json().await.expect("answer")
        else {
            panic!("created expected")
        };
        ids.push(application_id);
    }
    let pause = json!({"action": "pause", "reason": "reinforcement", "from": day});

    // Only the service point's reviewers stop its clock.
    let r = hub
        .push(&officer, &[clock_mutation(&ids[0], pause.clone())])
        .await;
    assert_eq!(rejected_code(&r[0]).0, "not_reviewer");
    let r = hub
        .push(&other_county, &[clock_mutation(&ids[0], pause.clone())])
        .await;
    assert_eq!(rejected_code(&r[0]).0, "outside_jurisdiction");
    // A payload that is not the action its code names.
    let mut mismatched = clock_mutation(&ids[0], pause.clone());
    mismatched.action = casedesk_domain::permit::RESUME_ACTION.into();
    let r = hub.push(&desk, &[mismatched]).await;
    assert_eq!(rejected_code(&r[0]).0, "action_mismatch");

    // The pause applies; a second one and a pause from tomorrow are refused with the reason.
    let r = hub
        .push(&desk, &[clock_mutation(&ids[0], pause.clone())])
        .await;
    assert!(
        matches!(r[0], MutationResult::Applied { new_version: 2, .. }),
        "{r:?}"
    );
    let r = hub
        .push(
            &desk,
            &[
                clock_mutation(&ids[0], pause.clone()),
                clock_mutation(
                    &ids[1],
                    json!({"action": "pause", "reason": "technical_assessment", "from": tomorrow}),
                ),
                clock_mutation(&ids[1], json!({"action": "resume", "until": day})),
            ],
        )
        .await;
    let problem = |r: &MutationResult| match r {
        MutationResult::Rejected { rejection, .. } => {
            assert_eq!(rejection.code, "bad_clock_action");
            rejection.params["clock_problem"].clone()
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(problem(&r[0]), "permit_clock_already_paused");
    assert_eq!(problem(&r[1]), "permit_clock_date_in_future");
    assert_eq!(problem(&r[2]), "permit_clock_not_paused");

    // Every desk of the service point pulls the pause; the paused one does not hold the day.
    let apps = applications(&hub.pull(&desk, 0, 1000).await);
    let paused = apps
        .iter()
        .find(|a| a.application_id == ids[0])
        .expect("paused");
    let open = open_pause(&paused.pauses).expect("open pause");
    assert_eq!(open.reason, PauseReason::Reinforcement);
    assert_eq!(open.from.to_string(), day);
    assert!(!paused.awaits_verdict() && paused.carries_over());
    let r = hub.close(&desk, "410783", &day).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "the running one holds it");
    let pass = json!({"verdict": "pass", "items": all_ticked(PermitClass::Two), "notes": []});
    let r = hub
        .push(&desk, &[review_mutation(&ids[1], pass.clone())])
        .await;
    assert!(matches!(r[0], MutationResult::Applied { .. }), "{r:?}");
    let r = hub.close(&desk, "410783", &day).await;
    assert_eq!(r.status(), StatusCode::OK);

    // After the closure the paused application resumes and is decided; the other one, not
    // carried over, takes no pause.
    let r = hub
        .push(
            &desk,
            &[
                clock_mutation(&ids[0], json!({"action": "resume", "until": day})),
                review_mutation(&ids[0], pass),
                clock_mutation(&ids[1], pause.clone()),
            ],
        )
        .await;
    assert!(matches!(r[0], MutationResult::Applied { .. }), "{r:?}");
    assert!(matches!(r[1], MutationResult::Applied { .. }), "{r:?}");
    assert_eq!(rejected_code(&r[2]).0, "permit_day_closed");
    let apps = applications(&hub.pull(&desk, 0, 1000).await);
    let done = apps
        .iter()
        .find(|a| a.application_id == ids[0])
        .expect("done");
    assert_eq!(done.pauses.len(), 1);
    assert_eq!(done.pauses[0].until.map(|u| u.to_string()), Some(day));
    assert!(done.review.is_some());
    // Decided: its clock no longer moves.
    let r = hub.push(&desk, &[clock_mutation(&ids[0], pause)]).await;
    assert_eq!(rejected_code(&r[0]).0, "already_decided");

    let rows = hub.store.audit_rows(0, 10_000).await.expect("audit");
    let clock: Vec<_> = rows
        .iter()
        .filter(|r| r.action.starts_with("permit_pause") || r.action == "permit_resume")
        .collect();
    assert_eq!(
        clock.len(),
        2,
        "the pause and the resumption, audited once each"
    );
    assert!(clock[0].before.contains("[]") && clock[0].after.contains("reinforcement"));
    assert!(clock[1]
        .after
        .contains(&format!("\"until\":\"{}\"", today())));
    let report = casedesk_hub::audit::verify(hub.store.as_ref())
        .await
        .expect("verify");
    assert_eq!(report.first_broken, None);
}

async fn a_photo_or_video_handed_in_before_elsewhere_is_named(backend: Backend) {
    let hub = start(backend, HubConfig::default()).await;
    hub.add_user("portal", Role::Administrator, "41").await;
    hub.add_user("chen.jing", Role::DeskStaff, "410783").await;
    hub.add_user("li.na", Role::DeskStaff, "410724").await;
    let portal = hub.token("portal").await;
    let changyuan = hub.token("chen.jing").await;
    let huojia = hub.token("li.na").await;
    let mut ids = Vec::new();
    // The same video and photos (the helper's bytes), first at 长垣, then at 获嘉县.
    for (reference, point) in [("SP-001", "410783"), ("SP-002", "410724")] {
        let (s, f) = submission(reference, point);
        let r = hub.submit(&portal, &upload_body(&s, &f)).await;
        let ApplicationSubmitted::Created { application_id, .. } = r.json().await.expect("answer")
        else {
            panic!("created expected")
        };
        ids.push(application_id);
    }
    let there = applications(&hub.pull(&huojia, 0, 1000).await);
    assert_eq!(there.len(), 1, "获嘉县 sees its own application only");
    let later = &there[0];
    for m in &later.materials {
        if m.material == "dispatch_note" {
            assert!(m.handed_in_before.is_empty(), "papers are not compared");
            continue;
        }
        assert_eq!(
            m.handed_in_before.len(),
            1,
            "{}: {:?}",
            m.file_name,
            m.handed_in_before
        );
        let u = &m.handed_in_before[0];
        assert_eq!(u.application_id, ids[0]);
        assert_eq!(u.service_point, "410783");
        assert_eq!(u.file_name, m.file_name);
    }
    // The earlier one names nothing: it came first.
    let first = applications(&hub.pull(&changyuan, 0, 1000).await);
    assert!(first[0]
        .materials
        .iter()
        .all(|m| m.handed_in_before.is_empty()));
}

macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    match super::pg_base() {
                        Some(url) => super::$name(super::Backend::Postgres(url)).await,
                        None => eprintln!("CASEDESK_TEST_PG is not set: skipped on PostgreSQL"),
                    }
                }
            )*
        }
    };
}

on_both_engines!(
    login_and_rate_limits,
    tokens_are_required_and_refresh_rotates,
    a_retried_push_is_already_applied,
    a_batch_is_decided_in_order_within_one_push,
    a_lost_claim_race_names_the_winner,
    jurisdictions_and_roles,
    a_reassigned_order_departs_from_the_county_it_left,
    a_coach_intercepted_clean_twice_is_proposed_once,
    whitelist_decisions,
    pull_pages_with_checkpoints,
    the_audit_chain_verifies_and_detects_tampering,
    bad_bodies_change_nothing,
    openapi_is_served,
    concurrent_pushes_on_two_hub_instances,
    a_password_guessed_a_hundred_times_never_gets_in,
    every_endpoint_refuses_a_missing_or_forged_token,
    ingest_makes_orders_in_their_county_once,
    ingest_rejects_bad_records_alone,
    ingest_needs_the_platforms_account,
    a_whitelisted_vehicles_alarm,
    the_same_alarm_on_two_hub_instances_makes_one_order,
    a_rectification_waits_for_its_evidence,
    the_evidence_sweep_removes_abandoned_uploads_and_orphan_chunks,
    evidence_uploads_in_chunks_and_downloads_with_range,
    evidence_refusals_change_nothing,
    evidence_whose_bytes_do_not_match_is_discarded,
    an_upload_resumes_after_a_restart_and_on_another_instance,
    a_lost_race_goes_to_the_supervisors_attention,
    applications_are_taken_once_and_the_day_is_drawn,
    bad_submissions_change_nothing,
    the_dishonest_list_is_kept_and_puts_carriers_on_top,
    a_carriers_credit_record_judges_its_applications,
    a_paused_clock_lets_the_day_close_and_carries_its_application_over,
    a_photo_or_video_handed_in_before_elsewhere_is_named,
    reviews_are_given_once_and_closing_waits_for_them,
);
