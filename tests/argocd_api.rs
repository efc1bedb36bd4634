//! Argo CD in REST mode against a local server that follows Argo CD's REST API, through the
//! real reqwest client: the list and the application stream fill the pane, every request
//! carries the bearer token, the actions hit the server's endpoints with its request bodies,
//! and a bad token says "Argo CD: unauthorized". Faults on the list and the stream (a body cut
//! short, 429 and 503 with Retry-After) are named, cost few requests (counted) and clear.

mod support;

use std::time::Duration;

use flightdeck::app::audit::AuditLog;
use flightdeck::app::executor::{Backend, Executor};
use flightdeck::config::sources::{ArgocdConfig, ArgocdMode};
use flightdeck::domain::SourceId;
use flightdeck::domain::Target;
use flightdeck::domain::registry::ActionId;
use flightdeck::sources::argocd::{self, api, wire};
use flightdeck::sources::backoff::Policy;
use flightdeck::sources::{self as src, Clock, TaskGuard};
use flightdeck::state::argocd::{HealthStatus, OperationPhase};
use flightdeck::state::{Message, State, update};
use serde_json::{Value, json};
use support::argocd_api::{ArgoFault, ArgoServer, TOKEN};

const WAIT: Duration = Duration::from_secs(20);

struct Rig {
    server: ArgoServer,
    state: State,
    rx: src::Receiver,
    executor: Executor,
    results: tokio::sync::mpsc::Receiver<Message>,
    _dir: tempfile::TempDir,
    _guard: TaskGuard,
}

fn demo_apps() -> Vec<Value> {
    let (world, _) = flightdeck::sources::demo::run_headless(7, 1_763_474_400_000, 150);
    world.apps().iter().map(|a| wire::to_application(a, "argocd")).collect()
}

async fn rig_with(apps: Vec<Value>, token: &str) -> Rig {
    let server = ArgoServer::start(apps).await;
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, format!("{token}\n")).unwrap();
    let cfg = ArgocdConfig {
        mode: ArgocdMode::Api,
        server: Some(server.url()),
        token_file: Some(token_file.display().to_string()),
        ..ArgocdConfig::default()
    };
    let (tx, rx) = src::channel();
    let (handle, guard) = argocd::start(&cfg, None, "alice", tx, Clock::Wall).unwrap();
    let (results_tx, results) = tokio::sync::mpsc::channel(8);
    let log = AuditLog::new(Some(dir.path().join("audit.jsonl")));
    let executor = Executor::new(Backend::None, log, results_tx, Clock::Wall).with_argocd(Some(handle));
    Rig { server, state: State::new("shop-prod", 0), rx, executor, results, _dir: dir, _guard: guard }
}

async fn rig() -> Rig {
    rig_with(demo_apps(), TOKEN).await
}

impl Rig {
    async fn until(&mut self, what: &str, cond: impl Fn(&State) -> bool) {
        support::store::until(&mut self.state, &mut self.rx, WAIT, what, cond, |s: &State| {
            format!("sources: {:#?}", s.sources)
        })
        .await;
    }

    async fn act(&mut self, action: ActionId, target: Target) -> Result<String, String> {
        support::store::act(&self.executor, &mut self.results, WAIT, action, target).await
    }
}

#[tokio::test]
async fn the_list_and_the_stream_fill_the_pane_with_the_token_on_every_request() {
    let mut r = rig().await;
    r.until("every app", |s| s.argocd.apps.len() == 9).await;
    assert_eq!(r.state.argocd.tree()[0].1.name, "platform-root");
    assert!(
        r.state.argocd.get(&Default::default(), "services-cart").unwrap().parent.as_deref()
            == Some("platform-root")
    );
    // The stream was opened before the list, so a change now arrives over it.
    assert_eq!(r.server.requests_to("GET", "/api/v1/stream/applications").len(), 1);
    r.server.modify("services-order", |a| a["status"]["health"]["status"] = json!("Degraded"));
    r.until("the MODIFIED app", |s| {
        s.argocd
            .get(&Default::default(), "services-order")
            .is_some_and(|a| a.health == HealthStatus::Degraded)
    })
    .await;
    let reqs = r.server.requests();
    assert_eq!(reqs.iter().filter(|q| q.path == "/api/v1/applications").count(), 1, "{reqs:#?}");
    assert!(reqs.iter().all(|q| q.authorization.as_deref() == Some(&format!("Bearer {TOKEN}"))));
}

#[tokio::test]
async fn sync_posts_the_sync_request_and_a_running_operation_refuses_another() {
    let mut r = rig().await;
    let out = r
        .act(ActionId::Sync, Target::AppSync { name: "services-cart".into(), prune: true, dry_run: true })
        .await;
    assert_eq!(out, Ok("dry-run sync started".into()));
    let posts = r.server.requests_to("POST", "/api/v1/applications/services-cart/sync");
    assert_eq!(posts.len(), 1);
    let body = posts[0].json();
    assert_eq!(body["name"], "services-cart");
    assert_eq!(body["appNamespace"], "argocd");
    assert_eq!(body["prune"], json!(true));
    assert_eq!(body["dryRun"], json!(true));
    assert_eq!(body["strategy"], json!({"hook": {}}));
    r.until("the running operation", |s| {
        s.argocd.get(&Default::default(), "services-cart").is_some_and(|a| a.operation_running())
    })
    .await;
    let again = r
        .act(ActionId::Sync, Target::AppSync { name: "services-cart".into(), prune: false, dry_run: false })
        .await;
    assert_eq!(again, Err(format!("Argo CD: {}", argocd::ANOTHER_OPERATION)));

    let out = r.act(ActionId::Terminate, Target::App("services-cart".into())).await;
    assert_eq!(out, Ok("operation terminating".into()));
    assert_eq!(r.server.requests_to("DELETE", "/api/v1/applications/services-cart/operation").len(), 1);
    r.until("terminating", |s| {
        s.argocd
            .get(&Default::default(), "services-cart")
            .and_then(|a| a.operation.as_ref())
            .is_some_and(|o| o.phase == OperationPhase::Terminating)
    })
    .await;
    let none = r.act(ActionId::Terminate, Target::App("services-order".into())).await;
    assert_eq!(none, Err(format!("Argo CD: {}", argocd::NO_OPERATION)));
}

#[tokio::test]
async fn rollback_posts_the_history_id_and_auto_sync_refuses_it_in_argo_cds_words() {
    let mut apps = demo_apps();
    let cart = apps.iter_mut().find(|a| a["metadata"]["name"] == "services-cart").unwrap();
    cart["spec"]["syncPolicy"] = json!({"automated": {"prune": true}});
    cart["status"]["history"] = json!([
        {"id": 1, "revision": "1111111aaaa", "source": {"repoURL": "https://git.example.com/shop", "path": "cart"}},
        {"id": 2, "revision": "2222222bbbb", "source": {"repoURL": "https://git.example.com/shop", "path": "cart"}}]);
    let mut r = rig_with(apps, TOKEN).await;
    let back = |id| Target::AppRollback { name: "services-cart".into(), id, revision: String::new() };
    let refused = r.act(ActionId::Rollback, back(1)).await;
    assert_eq!(refused, Err(format!("Argo CD: {}", flightdeck::domain::registry::ROLLBACK_AUTOSYNC)));
    r.server.modify("services-cart", |a| a["spec"]["syncPolicy"] = json!({}));
    let out = r.act(ActionId::Rollback, back(1)).await;
    assert_eq!(out, Ok("rollback to history entry 1 started".into()));
    let post = r.server.requests_to("POST", "/api/v1/applications/services-cart/rollback").pop().unwrap();
    assert_eq!(
        post.json(),
        json!({"name": "services-cart", "appNamespace": "argocd", "id": 1, "prune": false, "dryRun": false})
    );
    let op = &r.server.get("services-cart").unwrap()["operation"]["sync"];
    assert_eq!(op["revision"], "1111111aaaa");
    assert_eq!(op["syncStrategy"], json!({"apply": {}}));
}

#[tokio::test]
async fn refresh_and_hard_refresh_ask_the_server() {
    let mut r = rig().await;
    assert_eq!(
        r.act(ActionId::HardRefresh, Target::App("services-cart".into())).await,
        Ok("hard refresh done".into())
    );
    assert_eq!(
        r.act(ActionId::Refresh, Target::App("services-order".into())).await,
        Ok("refresh done".into())
    );
    let gets = r.server.requests_to("GET", "/api/v1/applications/services-cart");
    assert_eq!(gets.len(), 1);
    assert_eq!(gets[0].query, "refresh=hard");
    assert_eq!(r.server.requests_to("GET", "/api/v1/applications/services-order")[0].query, "refresh=normal");
    let missing = r.act(ActionId::Refresh, Target::App("nope".into())).await;
    assert_eq!(missing, Err("Argo CD: applications.argoproj.io \"nope\" not found".into()));
}

#[tokio::test]
async fn an_app_in_another_namespace_is_addressed_with_app_namespace() {
    let mut apps = demo_apps();
    let mut team = apps[0].clone();
    team["metadata"] = json!({"name": "reports", "namespace": "team-a"});
    apps.push(team);
    let mut r = rig_with(apps, TOKEN).await;
    r.until("the team's app", |s| s.argocd.get(&Default::default(), "team-a/reports").is_some()).await;
    assert_eq!(
        r.act(ActionId::Refresh, Target::App("team-a/reports".into())).await,
        Ok("refresh done".into())
    );
    let gets = r.server.requests_to("GET", "/api/v1/applications/reports");
    assert_eq!(gets[0].query, "appNamespace=team-a&refresh=normal");
}

#[tokio::test]
async fn a_bad_token_says_unauthorized() {
    let mut r = rig_with(demo_apps(), "not-the-token").await;
    r.until("the error", |s| {
        s.sources.get(&"argocd".parse::<SourceId>().unwrap()).is_some_and(|e| e.health.last_error.is_some())
    })
    .await;
    let h = &r.state.sources[&"argocd".parse::<SourceId>().unwrap()].health;
    assert_eq!(h.last_error.as_deref(), Some("Argo CD: unauthorized"));
    assert!(r.state.argocd.apps.is_empty());
    let out = r
        .act(ActionId::Sync, Target::AppSync { name: "services-cart".into(), prune: false, dry_run: false })
        .await;
    assert_eq!(out, Err("Argo CD: unauthorized".into()));
    let reqs = r.server.requests();
    assert!(reqs.iter().all(|q| q.authorization.as_deref() == Some("Bearer not-the-token")));
    // Backs off: each list is a refusal the pane was told of, the next only after a wait; no
    // hidden retries in between.
    let id = "argocd".parse::<SourceId>().unwrap();
    r.until("the retry refused too", |s| s.sources[&id].health.failures >= 2).await;
    assert!(r.server.requests_to("GET", "/api/v1/applications").len() <= 2);
}

#[tokio::test]
async fn the_resource_tree_comes_from_the_server_into_the_store() {
    let mut r = rig().await;
    r.executor.fetch_tree("services-cart".into(), Default::default());
    let msg = tokio::time::timeout(WAIT, r.results.recv()).await.unwrap().unwrap();
    update(&mut r.state, msg);
    let nodes = &r.state.argocd.trees[&(Default::default(), "services-cart".to_string())];
    let pod = nodes.iter().find(|n| n.kind == "Pod").unwrap_or_else(|| panic!("no pod: {nodes:#?}"));
    assert_eq!(pod.parent.as_deref(), Some("ReplicaSet/storefront/cart-5d4f8"));
    let rs = nodes.iter().find(|n| n.kind == "ReplicaSet").unwrap();
    assert_eq!(rs.parent.as_deref(), Some("Deployment/storefront/cart"));
    assert_eq!(rs.health, Some(HealthStatus::Healthy));
    let gets = r.server.requests_to("GET", "/api/v1/applications/services-cart/resource-tree");
    assert_eq!(gets.len(), 1);
    assert_eq!(gets[0].authorization.as_deref(), Some(&format!("Bearer {TOKEN}")[..]));
}

#[tokio::test]
async fn the_sync_plan_is_argo_cds_managed_resources_diffed_live_against_desired() {
    let mut r = rig().await;
    r.until("every app", |s| s.argocd.apps.len() == 9).await;
    let deploy = |image: &str| {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "cart", "namespace": "storefront", "resourceVersion": "9"},
            "spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "cart", "image": image}]}}}})
    };
    let cm = |v: &str| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cart-config"}, "data": {"v": v}});
    r.server.set_managed(
        "services-cart",
        vec![
            ("Deployment", "storefront", "cart", Some(deploy("cart:2.5.0-rc1")), Some(deploy("cart:2.4.3"))),
            ("ConfigMap", "storefront", "cart-flags", None, Some(cm("new"))),
            ("ConfigMap", "storefront", "cart-old", Some(cm("old")), None),
            ("Service", "storefront", "cart", Some(cm("same")), Some(cm("same"))),
        ],
    );
    r.executor.fetch_plan("services-cart".into(), Default::default());
    let msg = tokio::time::timeout(WAIT, r.results.recv()).await.unwrap().unwrap();
    update(&mut r.state, msg);
    let asked = r.server.requests_to("GET", "/api/v1/applications/services-cart/managed-resources");
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].authorization.as_deref(), Some(format!("Bearer {TOKEN}").as_str()));
    use flightdeck::state::sync_plan::{Change, DiffLine, for_app};
    let view = for_app(&r.state, (&Default::default(), "services-cart"));
    let got: Vec<(Change, &str, &str, bool)> = view
        .resources
        .iter()
        .map(|p| (p.change, p.kind.as_str(), p.name.as_str(), p.restarts_pods))
        .collect();
    assert_eq!(
        got,
        [
            (Change::Create, "ConfigMap", "cart-flags", false),
            (Change::Change, "Deployment", "cart", true),
            (Change::Prune, "ConfigMap", "cart-old", false),
        ]
    );
    let cart = view.resources.iter().find(|p| p.kind == "Deployment").unwrap();
    assert!(cart.diff.contains(&DiffLine::Live("      - image: cart:2.5.0-rc1".into())), "{:#?}", cart.diff);
    assert!(cart.diff.contains(&DiffLine::Desired("      - image: cart:2.4.3".into())), "{:#?}", cart.diff);
    // The dialog's summary line counts them, and says a prune is off.
    let theme = flightdeck::config::Theme::default_theme();
    let line = flightdeck::ui::plan::summary(&view, Some(false), &theme).to_string();
    assert_eq!(
        line,
        "Plan: 1 to change (1 restarts pods) · 1 to create · 1 to prune (prune is off: they stay; p turns it on)"
    );
}

/// Argo CD in REST mode with a quick backoff (0.1 s doubling to 2 s), so a fault held for a
/// few seconds shows whether it backs off.
struct Following {
    server: ArgoServer,
    state: State,
    rx: src::Receiver,
    _dir: tempfile::TempDir,
    _guard: TaskGuard,
}

const QUICK: Policy =
    Policy { base: Duration::from_millis(100), max: Duration::from_secs(2), healthy: Duration::from_secs(3) };
/// How long a fault is held once named: at most 7 tries of the stream (and list) fit in it.
const WINDOW: Duration = Duration::from_secs(4);

async fn following() -> Following {
    let server = ArgoServer::start(demo_apps()).await;
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, TOKEN).unwrap();
    let cfg = ArgocdConfig {
        mode: ArgocdMode::Api,
        server: Some(server.url()),
        token_file: Some(token_file.display().to_string()),
        ..ArgocdConfig::default()
    };
    let mut client = api::Client::new(&cfg).unwrap();
    client.backoff = QUICK;
    let (tx, rx) = src::channel();
    let _ = tx.try_send(argocd::register());
    let guard = TaskGuard(tokio::spawn(api::run(client, tx, Clock::Wall)));
    Following { server, state: State::new("shop-prod", 0), rx, _dir: dir, _guard: guard }
}

fn argo_error(s: &State) -> Option<String> {
    s.sources.get(&"argocd".parse::<SourceId>().unwrap()).and_then(|e| e.health.last_error.clone())
}

/// Hold `fault`: named in the pane, at most `bound` requests to the list and to the stream,
/// the apps stay; cleared, the error goes and a change made meanwhile shows.
async fn an_api_fault_is_named_bounded_and_cleared(fault: ArgoFault, says: &str, bound: usize) {
    let mut f = following().await;
    let ok = |s: &State| {
        s.sources[&"argocd".parse::<SourceId>().unwrap()].health.state(s.now)
            == flightdeck::state::SourceState::Ok
    };
    support::store::until(
        &mut f.state,
        &mut f.rx,
        WAIT,
        "every app, healthy",
        |s| s.argocd.apps.len() == 9 && ok(s),
        |s| format!("{:#?}", s.sources),
    )
    .await;
    let mark = f.server.requests().len();
    f.server.fault(fault);
    f.server.end_streams();
    support::store::until(
        &mut f.state,
        &mut f.rx,
        WAIT,
        "the fault named",
        |s| argo_error(s).is_some_and(|e| e.contains(says)),
        |s| format!("{:#?}", s.sources),
    )
    .await;
    let pane = f.state.pane_freshness(flightdeck::state::PaneId::ArgoCd);
    assert!(pane.error.is_some_and(|e| e.contains(says)));
    f.server.modify("services-order", |a| a["status"]["health"]["status"] = json!("Degraded"));
    // An observation window: what the server counts in it is the assertion.
    let end = tokio::time::Instant::now() + WINDOW;
    while let Ok(Some(m)) = tokio::time::timeout_at(end, f.rx.recv()).await {
        update(&mut f.state, m);
        assert_eq!(f.state.argocd.apps.len(), 9, "apps lost during the fault");
    }
    let reqs = &f.server.requests()[mark..];
    for path in ["/api/v1/applications", "/api/v1/stream/applications"] {
        let n = reqs.iter().filter(|q| q.path == path).count();
        assert!(n <= bound, "{path}: {n} requests while the fault held");
    }
    f.server.clear_faults();
    support::store::until(
        &mut f.state,
        &mut f.rx,
        WAIT,
        "healthy, with the change",
        |s| {
            ok(s)
                && s.argocd
                    .get(&Default::default(), "services-order")
                    .is_some_and(|a| a.health == HealthStatus::Degraded)
        },
        |s| format!("{:#?}", s.sources),
    )
    .await;
}

#[tokio::test]
async fn a_list_cut_short_is_named_backs_off_and_clears() {
    an_api_fault_is_named_bounded_and_cleared(ArgoFault::ListCutShort, "Argo CD: reading the list", 10).await;
}

#[tokio::test]
async fn a_stream_that_ends_at_once_is_named_backs_off_and_clears() {
    let says = "the application stream ended as soon as it opened";
    an_api_fault_is_named_bounded_and_cleared(ArgoFault::StreamCutShort, says, 12).await;
}

#[tokio::test]
async fn throttling_waits_what_the_server_asks_and_says_so() {
    let says = "Argo CD: throttled by the API server, retrying in 2 s";
    an_api_fault_is_named_bounded_and_cleared(ArgoFault::Throttled(2), says, 4).await;
}

#[tokio::test]
async fn unavailable_waits_what_the_server_asks() {
    an_api_fault_is_named_bounded_and_cleared(ArgoFault::Unavailable(2), "retrying in 2 s", 4).await;
}
