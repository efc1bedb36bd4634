//! A fleet of real clusters: three contexts of one kubeconfig, each its own Kubernetes-API test
//! server. Each cluster's rows come from its own server, one server refusing (403) or down
//! holds no other back and is named in its own fleet row, and an action reaches only the
//! server of the cluster it was asked on.

mod support;

use std::path::Path;
use std::time::Duration;

use flightdeck::app::audit::AuditLog;
use flightdeck::app::executor::{Backend, Executor};
use flightdeck::domain::registry::ActionId;
use flightdeck::domain::{ClusterId, Target, WorkloadKind};
use flightdeck::sources::{self as src, Clock, kube};
use flightdeck::state::Message;
use serde_json::Value;
use support::kube_api::{FaultKind, TestServer};

/// `flightdeck status --json` over every context of `kubeconfig`, Argo CD off.
async fn status_all(home: &Path, kubeconfig: &Path) -> Value {
    status_with(home, kubeconfig, "[argocd]\nenabled = false\n", &["--all-contexts"]).await
}

async fn status_with(home: &Path, kubeconfig: &Path, config: &str, args: &[&str]) -> Value {
    let cfg = home.join("config.toml");
    std::fs::write(&cfg, config).unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_flightdeck"));
    cmd.args(["--config", cfg.to_str().unwrap(), "--kubeconfig", kubeconfig.to_str().unwrap()])
        .args(args)
        .args(["status", "--json", "--timeout", "20"])
        .env_remove("KUBECONFIG")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("cache"));
    let out = tokio::task::spawn_blocking(move || cmd.output().expect("run flightdeck")).await.unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    })
}

fn cluster<'a>(json: &'a Value, name: &str) -> &'a Value {
    let rows = json["clusters"].as_array().expect("clusters");
    rows.iter().find(|r| r["cluster"] == name).unwrap_or_else(|| panic!("no {name} in {rows:#?}"))
}

#[tokio::test]
async fn each_cluster_is_read_from_its_own_server_and_one_failing_holds_no_other_back() {
    let (prod, _) = TestServer::demo(7, 0).await;
    let dev = TestServer::start().await;
    let mut pod = prod.list("Pod").into_iter().find(|p| p["metadata"]["namespace"] == "storefront").unwrap();
    pod["metadata"]["name"] = serde_json::json!("dev-only-pod");
    dev.put("Pod", pod);
    let refusing = TestServer::start().await;
    // Nodes are cluster-wide: no per-namespace fallback hides a refusal there.
    refusing.fault("nodes", None, FaultKind::Status(403));
    let gone = TestServer::start().await;
    gone.go_down();
    let kc = prod.kubeconfig_for(&[
        ("shop-prod", &prod, None),
        ("shop-dev", &dev, None),
        ("shop-stage", &refusing, None),
        ("shop-old", &gone, None),
    ]);
    let home = tempfile::tempdir().unwrap();
    let json = status_all(home.path(), &kc).await;

    assert_eq!(json["context"], "all clusters");
    assert_eq!(json["clusters"].as_array().unwrap().len(), 4, "{:#}", json["clusters"]);
    let n_prod = prod.list("Pod").len() as u64;
    assert_eq!(cluster(&json, "shop-prod")["pods"], n_prod);
    assert_eq!(cluster(&json, "shop-prod")["freshness"]["state"], "live", "{:#}", json["clusters"]);
    assert_eq!(cluster(&json, "shop-dev")["pods"], 1);
    let stage = &cluster(&json, "shop-stage")["freshness"];
    assert_eq!(stage["state"], "error", "{stage:#}");
    let why = stage["error"].as_str().unwrap().to_lowercase();
    assert!(why.contains("403") || why.contains("forbidden"), "{stage:#}");
    let old = &cluster(&json, "shop-old")["freshness"];
    assert_eq!(old["state"], "error", "{old:#}");
    // Every pod row names the cluster whose server it came from.
    let pods = json["pods"]["items"].as_array().unwrap();
    let dev_rows: Vec<&Value> = pods.iter().filter(|p| p["cluster"] == "shop-dev").collect();
    assert_eq!(dev_rows.len(), 1);
    assert_eq!(dev_rows[0]["name"], "dev-only-pod");
    assert_eq!(pods.iter().filter(|p| p["cluster"] == "shop-prod").count() as u64, n_prod);
    // Each server was asked for its own pods, once listed and then watched.
    assert!(dev.requests().iter().any(|r| r.path == "/api/v1/pods"));
    assert!(refusing.requests().iter().any(|r| r.path == "/api/v1/nodes"));
}

#[tokio::test]
async fn an_action_reaches_only_its_own_clusters_server() {
    let (prod, _) = TestServer::demo(7, 0).await;
    let (dev, _) = TestServer::demo(7, 0).await;
    let kc = prod.kubeconfig_for(&[("shop-prod", &prod, None), ("shop-dev", &dev, None)]);
    let (tx, _rx) = src::channel();
    let mut guards = Vec::new();
    let mut clusters = Vec::new();
    for name in ["shop-prod", "shop-dev"] {
        let target =
            kube::Target { kubeconfig: Some(kc.clone()), context: Some(name.into()), ..Default::default() };
        let resolved = kube::resolve(&target).unwrap();
        let (handle, guard) = kube::start(resolved, tx.for_cluster(ClusterId::new(name)));
        guards.push(guard);
        clusters.push((name.to_string(), Backend::Kube(handle), None));
    }
    let audit = tempfile::tempdir().unwrap();
    let (results_tx, mut results) = tokio::sync::mpsc::channel(8);
    let log = AuditLog::new(Some(audit.path().join("audit.jsonl")));
    let executor = Executor::for_fleet(clusters, log, results_tx, Clock::Wall);

    let cart = Target::Workload {
        namespace: "storefront".into(),
        kind: WorkloadKind::Deployment,
        name: "cart".into(),
    };
    executor.run(ActionId::RolloutRestart, cart, "shop-dev".into());
    let outcome = tokio::time::timeout(Duration::from_secs(10), results.recv()).await.unwrap().unwrap();
    let Message::ActionDone { outcome: o, .. } = outcome else { panic!("{outcome:?}") };
    assert!(o.result.is_ok(), "{o:?}");
    let patch = "/apis/apps/v1/namespaces/storefront/deployments/cart";
    assert_eq!(dev.requests_to("PATCH", patch).len(), 1, "the restart reached shop-dev");
    assert!(prod.requests_to("PATCH", patch).is_empty(), "and nothing reached shop-prod");
    let entry: Value = serde_json::from_str(
        std::fs::read_to_string(audit.path().join("audit.jsonl")).unwrap().lines().last().unwrap(),
    )
    .unwrap();
    assert_eq!((entry["action"].as_str(), entry["context"].as_str()), (Some("restart"), Some("shop-dev")));

    // A context the fleet does not watch reaches no cluster at all.
    let cart = Target::Workload {
        namespace: "storefront".into(),
        kind: WorkloadKind::Deployment,
        name: "cart".into(),
    };
    executor.run(ActionId::RolloutRestart, cart, "shop-stage".into());
    let outcome = tokio::time::timeout(Duration::from_secs(10), results.recv()).await.unwrap().unwrap();
    let Message::ActionDone { outcome: o, .. } = outcome else { panic!("{outcome:?}") };
    assert!(o.result.is_err(), "{o:?}");
    assert_eq!(prod.requests_to("PATCH", patch).len() + dev.requests_to("PATCH", patch).len(), 1);
}

#[tokio::test]
async fn a_cluster_watched_once_opened_is_not_asked_anything_before() {
    let (prod, _) = TestServer::demo(7, 0).await;
    let (far, _) = TestServer::demo(7, 0).await;
    let kc = prod.kubeconfig_for(&[("shop-prod", &prod, None), ("shop-far", &far, None)]);
    let config = "[argocd]\nenabled = false\n\n[[cluster]]\ncontext = \"shop-prod\"\n\n[[cluster]]\ncontext = \"shop-far\"\nwatch = \"open\"\n";
    let home = tempfile::tempdir().unwrap();
    let json = status_with(home.path(), &kc, config, &[]).await;
    assert_eq!(cluster(&json, "shop-prod")["freshness"]["state"], "live", "{:#}", json["clusters"]);
    assert_eq!(cluster(&json, "shop-far")["freshness"]["state"], "lazy", "{:#}", json["clusters"]);
    assert!(far.requests().is_empty(), "shop-far was asked: {:?}", far.requests().len());
    assert!(!prod.requests().is_empty());
}
