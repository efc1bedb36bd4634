//! Argo CD in Kubernetes mode against the test API server, through the real kube client: the
//! apps and their tree appear, a MODIFIED Application changes its row, and the actions send
//! the documented patches (checked field by field), refuse what Argo CD refuses, and are
//! audited. A missing CRD and a 403 are said in the pane's words.

mod support;

use std::time::Duration;

use flightdeck::app::audit::AuditLog;
use flightdeck::app::executor::{Backend, Executor};
use flightdeck::config::sources::ArgocdConfig;
use flightdeck::domain::SourceId;
use flightdeck::domain::Target;
use flightdeck::domain::registry::ActionId;
use flightdeck::sources::{self as src, Clock, TaskGuard, argocd, kube};
use flightdeck::state::argocd::{HealthStatus, OperationPhase, SyncStatus};
use flightdeck::state::{Message, State};
use serde_json::{Value, json};
use support::kube_api::{FaultKind, Recorded, TestServer};

const WAIT: Duration = Duration::from_secs(20);
const APPS: &str = "/apis/argoproj.io/v1alpha1/namespaces/argocd/applications";

struct Rig {
    server: TestServer,
    state: State,
    rx: src::Receiver,
    executor: Executor,
    results: tokio::sync::mpsc::Receiver<Message>,
    audit: tempfile::TempDir,
    _guards: Vec<TaskGuard>,
}

async fn rig_with(server: TestServer, cfg: ArgocdConfig) -> Rig {
    let target =
        kube::Target { kubeconfig: Some(server.kubeconfig(&["shop-prod"])), ..kube::Target::default() };
    let resolved = kube::resolve(&target).unwrap();
    // The Kubernetes source's messages are not this test's business.
    let (kube_tx, kube_rx) = src::channel();
    let (handle, kube_guard) = kube::start(resolved, kube_tx);
    tokio::spawn(drain(kube_rx));
    let (tx, rx) = src::channel();
    let (argo, guard) = argocd::start(&cfg, Some(handle.clone()), "alice", tx, Clock::Wall).unwrap();
    let audit = tempfile::tempdir().unwrap();
    let (results_tx, results) = tokio::sync::mpsc::channel(8);
    let log = AuditLog::new(Some(audit.path().join("audit.jsonl")));
    let executor = Executor::new(Backend::Kube(handle), log, results_tx, Clock::Wall).with_argocd(Some(argo));
    Rig {
        server,
        state: State::new("shop-prod", 0),
        rx,
        executor,
        results,
        audit,
        _guards: vec![kube_guard, guard],
    }
}

async fn drain(mut rx: src::Receiver) {
    while rx.recv().await.is_some() {}
}

async fn rig() -> Rig {
    let (server, _) = TestServer::demo(7, 0).await;
    rig_with(server, ArgocdConfig::default()).await
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

    fn patches(&self, name: &str) -> Vec<Recorded> {
        self.server.requests_to("PATCH", &format!("{APPS}/{name}"))
    }

    fn app(&self, name: &str) -> Value {
        self.server.get("Application", "argocd", name).unwrap()
    }

    fn error(&self) -> Option<String> {
        self.state.sources[&"argocd".parse::<SourceId>().unwrap()].health.last_error.clone()
    }

    fn audit(&self) -> Vec<Value> {
        let text = std::fs::read_to_string(self.audit.path().join("audit.jsonl")).unwrap_or_default();
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }
}

fn sync(name: &str, prune: bool, dry_run: bool) -> Target {
    Target::AppSync { name: name.into(), prune, dry_run }
}

#[tokio::test]
async fn apps_and_their_tree_appear() {
    let mut r = rig().await;
    let want = r.server.list("Application").len();
    assert_eq!(want, 9);
    r.until("every app", |s| s.argocd.apps.len() == want).await;
    let tree = r.state.argocd.tree();
    assert_eq!(tree[0].1.name, "platform-root");
    assert_eq!(tree[0].0, 0);
    // Every other app hangs under the root, which lists them as its resources.
    assert!(tree[1..].iter().all(|(depth, a)| *depth == 1 && a.parent.as_deref() == Some("platform-root")));
    let cart = r.state.argocd.get(&Default::default(), "services-cart").unwrap();
    assert_eq!(cart.project, "services");
    assert_eq!(cart.target_revision, "main");
    assert!(!cart.auto_sync);
    assert_eq!(cart.history.len(), 1);
    assert!(cart.manifest.contains("kind: Application"), "{}", cart.manifest);
    // One list and one watch, not a relist loop: counted after the watch saw two bookmarks.
    let seen = r.server.bookmarks_sent();
    r.server.wait_until("two bookmarks", |s| s.bookmarks_sent() >= seen + 2).await;
    let reqs: Vec<_> = r.server.requests().into_iter().filter(|q| q.path == APPS).collect();
    assert_eq!(reqs.iter().filter(|q| !q.is_watch()).count(), 1, "{reqs:#?}");
}

#[tokio::test]
async fn a_modified_application_changes_its_row() {
    let mut r = rig().await;
    r.until("every app", |s| s.argocd.apps.len() == 9).await;
    r.server.modify("Application", "argocd", "services-order", |a| {
        a["status"]["sync"]["status"] = json!("OutOfSync");
        a["status"]["health"]["status"] = json!("Degraded");
        a["status"]["conditions"] =
            json!([{"type": "ComparisonError", "message": "rpc error: repo unreachable"}]);
    });
    r.until("services-order degraded", |s| {
        s.argocd
            .get(&Default::default(), "services-order")
            .is_some_and(|a| a.health == HealthStatus::Degraded)
    })
    .await;
    let order = r.state.argocd.get(&Default::default(), "services-order").unwrap();
    assert_eq!(order.sync, SyncStatus::OutOfSync);
    assert_eq!(order.conditions[0].kind, "ComparisonError");
    // A problem app is listed before its healthy siblings.
    let tree = r.state.argocd.tree();
    let pos = |n: &str| tree.iter().position(|(_, a)| a.name == n).unwrap();
    assert!(pos("services-order") < pos("services-frontend"));
    r.server.delete("Application", "argocd", "services-order");
    r.until("services-order gone", |s| s.argocd.get(&Default::default(), "services-order").is_none()).await;
}

#[tokio::test]
async fn sync_sends_the_documented_patch_and_a_running_operation_blocks_another() {
    let mut r = rig().await;
    let out = r.act(ActionId::Sync, sync("services-cart", true, false)).await;
    assert_eq!(out, Ok("sync requested".into()));
    let patches = r.patches("services-cart");
    assert_eq!(patches.len(), 1, "{patches:#?}");
    let p = &patches[0];
    assert_eq!(p.content_type, "application/merge-patch+json");
    let body = p.json();
    // Field by field, as the sync-kubectl page documents it; nothing else.
    assert_eq!(body.as_object().unwrap().keys().collect::<Vec<_>>(), ["operation"]);
    let op = &body["operation"];
    assert_eq!(op["initiatedBy"], json!({"username": "alice"}));
    assert_eq!(op["sync"]["syncStrategy"], json!({"hook": {}}));
    assert_eq!(op["sync"]["prune"], json!(true));
    assert_eq!(op["sync"]["dryRun"], json!(false));
    assert_eq!(op["sync"]["revision"], json!("main"));
    assert_eq!(op["sync"].as_object().unwrap().len(), 4);
    assert_eq!(r.app("services-cart")["operation"]["sync"]["prune"], json!(true));

    // The controller has not cleared `operation`: Argo CD refuses a second one, so do we,
    // without sending anything.
    let again = r.act(ActionId::Sync, sync("services-cart", false, false)).await;
    assert_eq!(again, Err(argocd::ANOTHER_OPERATION.into()));
    assert_eq!(r.patches("services-cart").len(), 1);

    let audit = r.audit();
    assert_eq!(audit.len(), 2, "{audit:#?}");
    assert_eq!(audit[0]["action"], "sync");
    assert!(audit[0]["target"].as_str().unwrap().contains("services-cart (prune)"), "{audit:#?}");
}

#[tokio::test]
async fn a_multi_source_app_is_synced_without_a_single_revision() {
    let mut r = rig().await;
    r.server.modify("Application", "argocd", "services-order", |a| {
        let source = a["spec"]["source"].take();
        a["spec"].as_object_mut().unwrap().remove("source");
        a["spec"]["sources"] =
            json!([source, {"repoURL": "https://charts.example.com", "targetRevision": "1.2.3"}]);
    });
    r.act(ActionId::Sync, sync("services-order", false, false)).await.unwrap();
    let body = r.patches("services-order")[0].json();
    assert_eq!(body["operation"]["sync"].get("revision"), None, "{body}");
    assert_eq!(body["operation"]["sync"]["syncStrategy"], json!({"hook": {}}));
}

#[tokio::test]
async fn a_dry_run_says_so_in_the_patch() {
    let mut r = rig().await;
    assert_eq!(
        r.act(ActionId::Sync, sync("services-order", false, true)).await,
        Ok("dry-run sync requested".into())
    );
    let body = r.patches("services-order")[0].json();
    assert_eq!(body["operation"]["sync"]["dryRun"], json!(true));
    assert_eq!(body["operation"]["sync"]["prune"], json!(false));
}

#[tokio::test]
async fn refresh_and_hard_refresh_set_the_annotation() {
    let mut r = rig().await;
    assert_eq!(
        r.act(ActionId::HardRefresh, Target::App("services-cart".into())).await,
        Ok("hard refresh requested".into())
    );
    let body = r.patches("services-cart")[0].json();
    assert_eq!(body, json!({"metadata": {"annotations": {"argocd.argoproj.io/refresh": "hard"}}}));
    assert_eq!(r.app("services-cart")["metadata"]["annotations"]["argocd.argoproj.io/refresh"], "hard");
    assert_eq!(
        r.act(ActionId::Refresh, Target::App("services-order".into())).await,
        Ok("refresh requested".into())
    );
    assert_eq!(r.app("services-order")["metadata"]["annotations"]["argocd.argoproj.io/refresh"], "normal");
}

#[tokio::test]
async fn terminate_sets_the_running_operation_to_terminating() {
    let mut r = rig().await;
    // Nothing runs: Argo CD's refusal, and nothing sent.
    let none = r.act(ActionId::Terminate, Target::App("services-cart".into())).await;
    assert_eq!(none, Err(argocd::NO_OPERATION.into()));
    assert!(r.patches("services-cart").is_empty());
    r.server.modify("Application", "argocd", "services-cart", |a| {
        a["operation"] = json!({"sync": {"revision": "main"}, "initiatedBy": {"username": "bob"}});
        a["status"]["operationState"] =
            json!({"phase": "Running", "message": "one or more tasks are running", "startedAt": "2026-11-18T14:00:00Z"});
    });
    r.until("the running operation", |s| {
        s.argocd
            .get(&Default::default(), "services-cart")
            .and_then(|a| a.operation.as_ref())
            .is_some_and(|o| o.phase == OperationPhase::Running)
    })
    .await;
    let out = r.act(ActionId::Terminate, Target::App("services-cart".into())).await;
    assert_eq!(out, Ok("operation terminating".into()));
    let body = r.patches("services-cart")[0].json();
    assert_eq!(body["status"], json!({"operationState": {"phase": "Terminating"}}));
    // Based on the version read, so a finished operation is not brought back.
    assert!(body["metadata"]["resourceVersion"].is_string());
    assert_eq!(r.app("services-cart")["status"]["operationState"]["phase"], "Terminating");
    r.until("terminating shown", |s| {
        s.argocd
            .get(&Default::default(), "services-cart")
            .and_then(|a| a.operation.as_ref())
            .is_some_and(|o| o.phase == OperationPhase::Terminating)
    })
    .await;
}

#[tokio::test]
async fn the_resource_tree_is_not_asked_of_the_cluster() {
    let mut r = rig().await;
    r.executor.fetch_tree("services-cart".into(), Default::default());
    // Kubernetes mode has no server to ask; the pane draws the tree from the pods it watches.
    let got = tokio::time::timeout(Duration::from_millis(500), r.results.recv()).await;
    assert!(got.is_err(), "{got:?}");
    assert!(r.server.requests().iter().all(|q| !q.path.contains("resource-tree")));
}

#[tokio::test]
async fn a_missing_crd_is_said_once_without_a_retry_storm() {
    let (server, _) = TestServer::demo(7, 0).await;
    server.fault("applications", None, FaultKind::Status(404));
    let mut r = rig_with(server, ArgocdConfig::default()).await;
    r.until("the error", |s| {
        s.sources.get(&"argocd".parse::<SourceId>().unwrap()).is_some_and(|e| e.health.last_error.is_some())
    })
    .await;
    assert_eq!(r.error().as_deref(), Some(argocd::NOT_INSTALLED));
    // An observation window, the one left in these tests: what is asserted is that nothing
    // happens for a while (the next look is 5 minutes away), which no condition can show.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let lists = r.server.requests().into_iter().filter(|q| q.path == APPS).count();
    assert_eq!(lists, 1, "asked again within seconds");
    // Said once: no second message while it waits to look again.
    let mut more = 0;
    while let Ok(m) = r.rx.try_recv() {
        more += matches!(m, Message::Failed { .. }) as usize;
    }
    assert_eq!(more, 0);
}

#[tokio::test]
async fn forbidden_is_named_and_retried_with_backoff() {
    let (server, _) = TestServer::demo(7, 0).await;
    server.fault("applications", Some("argocd"), FaultKind::Status(403));
    let mut r = rig_with(server, ArgocdConfig::default()).await;
    r.until("the error", |s| {
        s.sources.get(&"argocd".parse::<SourceId>().unwrap()).is_some_and(|e| e.health.last_error.is_some())
    })
    .await;
    let error = r.error().unwrap();
    assert!(error.starts_with("Argo CD: forbidden"), "{error}");
    assert!(error.contains("applications"), "{error}");
    r.server.clear_faults();
    r.until("apps after the backoff", |s| s.argocd.apps.len() == 9).await;
}

#[tokio::test]
async fn apps_in_any_namespace_are_named_with_their_namespace() {
    let (server, _) = TestServer::demo(7, 0).await;
    let mut team = flightdeck::sources::argocd::wire::to_application(
        &flightdeck::sources::argocd::wire::from_application(
            &server.get("Application", "argocd", "services-cart").unwrap(),
            "argocd",
            0,
        )
        .unwrap(),
        "argocd",
    );
    team["metadata"] = json!({"name": "reports", "namespace": "team-a"});
    server.put("Application", team);
    let cfg = ArgocdConfig { namespaces: vec!["team-a".into()], ..ArgocdConfig::default() };
    let mut r = rig_with(server, cfg).await;
    r.until("the team's app", |s| s.argocd.get(&Default::default(), "team-a/reports").is_some()).await;
    r.until("every app", |s| s.argocd.apps.len() == 10).await;
    assert_eq!(
        r.act(ActionId::Refresh, Target::App("team-a/reports".into())).await,
        Ok("refresh requested".into())
    );
    let patched = r.server.get("Application", "team-a", "reports").unwrap();
    assert_eq!(patched["metadata"]["annotations"]["argocd.argoproj.io/refresh"], "normal");
}

#[tokio::test]
async fn argo_cd_follows_a_context_switch() {
    use flightdeck::app::switch::{ArgocdFollower, KubeSwitcher};
    use flightdeck::input::switch::Switch;
    let (prod, _) = TestServer::demo(7, 0).await;
    let dev = TestServer::start().await;
    let mut only = prod.get("Application", "argocd", "services-order").unwrap();
    only["metadata"] = json!({"name": "dev-app", "namespace": "argocd"});
    dev.put("Application", only);
    let kubeconfig = prod.kubeconfig_for(&[("shop-prod", &prod, None), ("shop-dev", &dev, None)]);
    let target = kube::Target { kubeconfig: Some(kubeconfig), ..kube::Target::default() };
    let (tx, mut rx) = src::channel();
    let (handle, guard) = kube::start(kube::resolve(&target).unwrap(), tx.clone());
    let cfg = ArgocdConfig::default();
    let (argo, argo_guard) = argocd::start(&cfg, Some(handle), "alice", tx.clone(), Clock::Wall).unwrap();
    let follower = ArgocdFollower {
        cfg,
        user: "alice".into(),
        clock: Clock::Wall,
        guard: Some(argo_guard),
        handle: Some(argo),
    };
    let mut switcher =
        KubeSwitcher { tx, target, guard: Some(guard), argocd: Some(follower), alertmanager: None };
    let mut state = State::new("shop-prod", 0);
    let apps = |s: &State| format!("apps: {:?}", s.argocd.apps.iter().map(|a| &a.name).collect::<Vec<_>>());
    support::store::until(&mut state, &mut rx, WAIT, "prod's apps", |s| s.argocd.apps.len() == 9, apps).await;
    switcher.switch(Switch::Context("shop-dev".into()), &mut state, &mut rx).await.unwrap();
    assert!(state.argocd.apps.is_empty(), "the old context's apps are gone at once");
    support::store::until(&mut state, &mut rx, WAIT, "dev's app", |s| s.argocd.apps.len() == 1, apps).await;
    assert_eq!(state.argocd.apps[0].name, "dev-app");
    // Actions go to the new cluster.
    let handle = switcher.argocd.as_ref().unwrap().handle.clone().unwrap();
    assert_eq!(
        handle.run(ActionId::Refresh, &Target::App("dev-app".into())).await,
        Ok("refresh requested".into())
    );
    assert_eq!(
        dev.get("Application", "argocd", "dev-app").unwrap()["metadata"]["annotations"]["argocd.argoproj.io/refresh"],
        "normal"
    );
    assert!(prod.requests_to("PATCH", "/dev-app").is_empty());
}

/// kubectl, as Argo CD's "sync with kubectl" page has it, sends the request flightdeck sends.
#[tokio::test]
async fn the_sync_patch_is_what_kubectl_sends_for_the_documented_patch() {
    let mut r = rig().await;
    r.act(ActionId::Sync, sync("services-cart", true, false)).await.unwrap();
    let ours = r.patches("services-cart").remove(0);
    let doc =
        argocd::kube::sync_patch("alice", Some("main"), argocd::SyncOptions { prune: true, dry_run: false });
    let kc = r.server.kubeconfig(&["shop-prod"]);
    let cache = tempfile::tempdir().unwrap();
    let doc_text = doc.to_string();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(&kc)
            .arg("--cache-dir")
            .arg(cache.path())
            .args(["-n", "argocd", "patch", "app", "services-order", "--type", "merge", "-p", &doc_text])
            .env_remove("KUBECONFIG")
            .output()
            .expect("kubectl is installed (scripts/test installs it)")
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let theirs = r.patches("services-order").remove(0);
    assert_eq!(theirs.content_type, ours.content_type);
    assert_eq!(theirs.json(), ours.json());
    assert_eq!(r.app("services-order")["operation"], r.app("services-cart")["operation"]);
}
