//! `:KIND` lists and the object view against the test API server through the real kube client:
//! discovery finds the CRDs' kinds by their short names, a list comes in the Table form with
//! kubectl's Accept header and stays live on one list and one watch, a failure is named while
//! the rows stay, and an object shows what it owns, its events and its Secret's keys only.

mod support;

use std::time::{Duration, Instant};

use flightdeck::domain::{Effect, StreamStart};
use flightdeck::input::objects::open_kind;
use flightdeck::sources::backoff::Policy;
use flightdeck::sources::kube::{self, Target};
use flightdeck::sources::{self as src, TaskGuard};
use flightdeck::state::resources::ListState;
use flightdeck::state::{Message, State, object_text, resource_rows, update};
use serde_json::json;
use support::kube_api::{FaultKind, TestServer};

const WAIT: Duration = Duration::from_secs(20);

async fn conn(server: &TestServer) -> kube::Connection {
    let target = Target { kubeconfig: Some(server.kubeconfig(&["shop-prod"])), context: None, scope: None };
    let mut c = kube::connect(&target).await.expect("connect");
    // Quick retries, so a recovery is seen within a test's wait.
    c.backoff = Policy {
        base: Duration::from_millis(100),
        max: Duration::from_millis(400),
        healthy: Duration::from_millis(300),
    };
    c
}

struct Console {
    state: State,
    rx: src::Receiver,
    guards: Vec<TaskGuard>,
    conn: kube::Connection,
}

impl Console {
    /// The store after discovery, as the console has it once connected.
    async fn new(server: &TestServer) -> Console {
        let conn = conn(server).await;
        let mut state = State::new("shop-prod", src::wall_now());
        let kinds = kube::discovery::catalog(&conn.client).await.expect("discovery");
        update(&mut state, Message::Catalog(Ok(kinds)));
        let (_, rx) = src::channel();
        Console { state, rx, guards: Vec::new(), conn }
    }

    /// Type `:word` and run the stream it asks for.
    fn open(&mut self, word: &str) {
        let Effect::Stream(StreamStart::Table { stream, kind, namespace, .. }) =
            open_kind(&mut self.state, word)
        else {
            panic!(":{word} opens no list: {:?}", self.state.view.status)
        };
        let (tx, rx) = src::channel();
        self.rx = rx;
        let c = self.conn.clone();
        self.guards.push(TaskGuard(tokio::spawn(kube::resource_watch::run(c, kind, namespace, stream, tx))));
    }

    async fn until(&mut self, what: &str, cond: impl Fn(&State) -> bool) {
        support::store::until(&mut self.state, &mut self.rx, WAIT, what, cond, |s: &State| {
            format!("list: {:?} rows, state {:?}", s.resources.rows.len(), s.resources.state)
        })
        .await;
    }
}

fn names(s: &State) -> Vec<String> {
    resource_rows::rows(s).iter().map(|r| r.name.clone()).collect()
}

#[tokio::test]
async fn discovery_finds_crds_and_short_names_open_lists_in_the_servers_columns() {
    let (server, _) = TestServer::demo(7, 0).await;
    let mut c = Console::new(&server).await;
    for (word, plural) in [
        ("svc", "services"),
        ("cm", "configmaps"),
        ("certs", "certificates"),
        ("crd", "customresourcedefinitions"),
        ("appsets", "applicationsets"),
        ("ing", "ingresses"),
        ("pvc", "persistentvolumeclaims"),
    ] {
        assert_eq!(c.state.catalog.resolve(word).map(|e| e.kind.plural.as_str()), Some(plural), "{word}");
    }
    c.open("certificates");
    c.until("the certificates", |s| s.resources.state == ListState::Live && s.resources.rows.len() == 2)
        .await;
    let cols: Vec<&str> = c.state.resources.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(cols, ["Name", "Ready", "Secret", "Age"]);
    let grafana =
        resource_rows::rows(&c.state).into_iter().find(|r| r.name == "grafana-tls").unwrap().clone();
    assert_eq!(grafana.cells[1], "False");
    // Asked as kubectl asks: the Table form, pages of 500.
    let list = server.requests_to("GET", "/certificates").into_iter().find(|r| !r.is_watch()).unwrap();
    assert_eq!(list.header("accept"), flightdeck::sources::kube::table::ACCEPT);
    assert!(list.query.contains("limit=500"), "{}", list.query);
}

#[tokio::test]
async fn a_list_stays_live_on_one_list_and_one_watch() {
    let (server, _) = TestServer::demo(7, 0).await;
    let mut c = Console::new(&server).await;
    c.open("svc");
    c.until("the services", |s| s.resources.state == ListState::Live && !s.resources.rows.is_empty()).await;
    let before = c.state.resources.rows.len();
    server.put("Service", json!({"metadata": {"name": "checkout", "namespace": "storefront"},
        "spec": {"type": "ClusterIP", "clusterIP": "10.100.9.9", "ports": [{"port": 80, "protocol": "TCP"}]}}));
    c.until("the new service", |s| names(s).contains(&"checkout".to_string())).await;
    server.modify("Service", "storefront", "checkout", |o| o["spec"]["type"] = json!("NodePort"));
    c.until("the change", |s| {
        resource_rows::rows(s).iter().any(|r| r.name == "checkout" && r.cells[1] == "NodePort")
    })
    .await;
    server.delete("Service", "storefront", "checkout");
    c.until("the row to go", |s| s.resources.rows.len() == before).await;
    // Many bookmarks later: still the one list and the one watch, never a relist.
    let seen = server.bookmarks_sent();
    server.wait_until("a few bookmarks", |s| s.bookmarks_sent() >= seen + 6).await;
    let reqs = server.requests_to("GET", "/services");
    let (watches, lists): (Vec<_>, Vec<_>) = reqs.iter().partition(|r| r.is_watch());
    assert_eq!((lists.len(), watches.len()), (1, 1), "{reqs:#?}");
    assert!(watches[0].header("accept").contains("as=Table"));
}

#[tokio::test]
async fn a_refused_list_is_named_keeps_its_rows_and_recovers() {
    let (server, _) = TestServer::demo(7, 0).await;
    let mut c = Console::new(&server).await;
    c.open("cm");
    c.until("the config maps", |s| s.resources.state == ListState::Live).await;
    let rows = c.state.resources.rows.len();
    server.fault("configmaps", None, FaultKind::Status(403));
    server.expire();
    c.until("the refusal", |s| matches!(&s.resources.state, ListState::Failed(e) if e.contains("forbidden")))
        .await;
    assert_eq!(c.state.resources.rows.len(), rows, "the rows stay while it fails");
    server.clear_faults();
    c.until("recovery", |s| s.resources.state == ListState::Live).await;
    assert_eq!(c.state.resources.rows.len(), rows);
}

#[tokio::test]
async fn five_thousand_objects_list_in_pages_and_the_first_rows_come_early() {
    let (server, _) = TestServer::demo(7, 0).await;
    for i in 0..5_000 {
        server.put(
            "ConfigMap",
            json!({"metadata": {"name": format!("load-{i:05}"), "namespace": format!("load-{}", i % 10)},
            "data": {"k": "v", "n": i.to_string()}}),
        );
    }
    let mut c = Console::new(&server).await;
    let started = Instant::now();
    c.open("cm");
    c.until("the first rows", |s| !s.resources.rows.is_empty()).await;
    let first = started.elapsed();
    c.until("every row", |s| s.resources.state == ListState::Live && s.resources.rows.len() > 5_000).await;
    let all = started.elapsed();
    let pages = server.requests_to("GET", "/configmaps").iter().filter(|r| !r.is_watch()).count();
    // A figure for the record, not a limit: tests do not time the machine.
    println!(
        "5,000 config maps: first rows after {first:?}, all {} after {all:?}, {pages} pages",
        c.state.resources.rows.len()
    );
    // A first page of 500 (rows at once), then pages of 2,000: 5,008 objects are four.
    assert!(pages >= 4, "listed in pages: {pages}");
}

#[tokio::test]
async fn an_object_shows_what_it_owns_its_events_and_a_secrets_keys_only() {
    use flightdeck::domain::{ApiKind, ObjectRef};
    let (server, _) = TestServer::demo(7, 0).await;
    let c = Console::new(&server).await;
    let mut state = c.state;
    let (tx, mut rx) = src::channel();
    let deploy = ObjectRef::new(
        ApiKind::new("apps", "v1", "Deployment", "deployments", true),
        Some("storefront".into()),
        "cart",
    );
    let stream = state.open_object(deploy.clone(), Default::default()).unwrap();
    let _g = TaskGuard(tokio::spawn(kube::object_watch::run(c.conn.clone(), deploy, stream, tx.clone())));
    server.put(
        "Event",
        json!({"metadata": {"name": "cart.1", "namespace": "storefront"},
        "involvedObject": {"kind": "Deployment", "name": "cart", "namespace": "storefront"},
        "reason": "ScalingReplicaSet", "message": "Scaled up replica set cart-9 to 2", "type": "Normal",
        "count": 1, "lastTimestamp": "2026-11-18T14:00:00Z"}),
    );
    support::store::until(
        &mut state,
        &mut rx,
        WAIT,
        "the deployment, its ReplicaSets and event",
        |s| s.object_data.owned.len() == 2 && !s.object_data.events.is_empty(),
        |s| format!("{:#?}", s.object_data.owned),
    )
    .await;
    let text = object_text::text(&state).plain().join("\n");
    assert!(
        text.contains("ReplicaSet") && text.contains("revision 1") && text.contains("ScalingReplicaSet"),
        "{text}"
    );
    assert!(text.contains("kind: Deployment") && !text.contains("managedFields"), "{text}");
    // A Secret: keys and sizes, never the values, until decoded.
    let secret = ObjectRef::new(
        ApiKind::new("", "v1", "Secret", "secrets", true),
        Some("storefront".into()),
        "cart-db",
    );
    let stream = state.open_object(secret.clone(), Default::default()).unwrap();
    let _g2 = TaskGuard(tokio::spawn(kube::object_watch::run(c.conn.clone(), secret, stream, tx)));
    support::store::until(
        &mut state,
        &mut rx,
        WAIT,
        "the secret",
        |s| s.object_data.object.is_some(),
        |_| String::new(),
    )
    .await;
    let text = object_text::text(&state).plain().join("\n");
    assert!(text.contains("password: 14 bytes") && !text.contains("s3cr3t-cart-pw"), "{text}");
    state.view.object.as_mut().unwrap().decoded = true;
    assert!(object_text::text(&state).plain().join("\n").contains("s3cr3t-cart-pw"));
}
