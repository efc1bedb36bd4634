//! The Kubernetes sources against the test API server, through the real kube client over
//! HTTP: rows appear, watch events change them, a forced 410 relists without emptying the
//! pane, a 403 on one kind shows while the others load, a namespace refused under -A is named
//! while the others load, and the server going down and coming
//! back is survived.

mod support;

use std::time::Duration;

use flightdeck::domain::PodKey;
use flightdeck::domain::Scope;
use flightdeck::sources::kube::{self, Target};
use flightdeck::sources::{self as src, TaskGuard};
use flightdeck::state::{PaneId, SourceState, State, update};
use serde_json::json;
use support::kube_api::{FaultKind, TestServer};

const WAIT: Duration = Duration::from_secs(20);

struct Run {
    state: State,
    rx: src::Receiver,
    _guard: TaskGuard,
}

impl Run {
    async fn start(server: &TestServer, scope: Option<Scope>) -> Run {
        let target = Target { kubeconfig: Some(server.kubeconfig(&["shop-prod"])), context: None, scope };
        let conn = kube::connect(&target).await.expect("connect");
        assert_eq!(conn.context, "shop-prod");
        let (tx, rx) = src::channel();
        let guard = kube::spawn(conn, tx);
        Run { state: State::new("shop-prod", 0), rx, _guard: guard }
    }

    /// Apply messages until `cond` holds; false after WAIT.
    async fn until(&mut self, what: &str, cond: impl Fn(&State) -> bool) {
        support::store::until(&mut self.state, &mut self.rx, WAIT, what, cond, |s: &State| {
            format!("sources: {:#?}", s.sources)
        })
        .await;
    }
}

fn pod_count(server: &TestServer) -> usize {
    server.list("Pod").len()
}

#[tokio::test]
async fn pods_nodes_and_hpas_appear_as_the_demo_has_them() {
    let (server, epoch) = TestServer::demo(7, 150).await;
    let mut run = Run::start(&server, None).await;
    let n = pod_count(&server);
    run.until("all pods, nodes and HPAs", |s| {
        s.pods.len() == n && !s.infra.nodes.is_empty() && !s.scaling.hpas.is_empty()
    })
    .await;
    let (world, _) = flightdeck::sources::demo::run_headless(7, epoch, 150);
    // Every pod as the demo has it: phase, readiness, reason, owner, node.
    for want in world.pods() {
        let got = &run.state.pods.by_key[&want.key()];
        assert_eq!(got.phase, want.phase, "{}", want.name);
        assert_eq!((got.ready, got.containers), (want.ready, want.containers), "{}", want.name);
        assert_eq!(got.reason, want.reason, "{}", want.name);
        assert_eq!(got.restarts, want.restarts, "{}", want.name);
        assert_eq!(got.node, want.node, "{}", want.name);
        assert_eq!(got.owner, want.owner, "{}", want.name);
        assert_eq!(got.last_restart.map(|t| t / 1000), want.last_restart.map(|t| t / 1000), "{}", want.name);
    }
    assert!(run.state.pods.metrics_available);
    run.until("metrics on pods", |s| s.pods.by_key.values().any(|p| p.cpu_milli.is_some())).await;
    // Nodes: labels, allocatable and the requests of the pods on them.
    let mut want_nodes = world.nodes();
    want_nodes.sort_by(|a, b| a.name.cmp(&b.name));
    // The API keeps times to the second.
    want_nodes.iter_mut().for_each(|n| n.created_at = n.created_at / 1000 * 1000);
    let mut got_nodes = run.state.infra.nodes.clone();
    got_nodes.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(got_nodes, want_nodes);
    // HPAs as the demo has them.
    let mut want_hpas = world.hpas();
    want_hpas.sort_by_key(|h| h.key());
    let mut got_hpas = run.state.scaling.hpas.clone();
    got_hpas.sort_by_key(|h| h.key());
    assert_eq!(got_hpas.len(), want_hpas.len());
    for (g, w) in got_hpas.iter().zip(&want_hpas) {
        assert_eq!((g.min, g.max, g.current, g.desired), (w.min, w.max, w.current, w.desired));
        assert_eq!(g.metrics, w.metrics);
        assert_eq!(g.conditions, w.conditions);
        assert_eq!(g.target, w.target);
    }
    // Deployments, StatefulSets and DaemonSets as the demo has them, worst first.
    run.until("workloads", |s| s.workloads.len() == world.workloads().len()).await;
    let mut want_workloads = world.workloads();
    // The API keeps times to the second.
    want_workloads.iter_mut().for_each(|w| w.created_at = w.created_at / 1000 * 1000);
    flightdeck::state::workloads::sort(&mut want_workloads);
    assert_eq!(run.state.workloads, want_workloads);
    // Warning events arrive; normal ones are not asked for.
    run.until("warning events", |s| !s.events.is_empty()).await;
    assert!(run.state.events.iter().all(|e| e.warning));
    for id in ["kube/pods", "kube/workloads", "kube/nodes", "kube/hpas", "kube/events"] {
        let h = &run.state.sources[&id.parse::<flightdeck::domain::SourceId>().unwrap()].health;
        assert_eq!(h.state(run.state.now), SourceState::Ok, "{id}");
    }
    // One list and one watch per kind, however long it runs: no periodic relists. Every watch
    // sees a few bookmarks (the server's clock) before the lists are counted.
    let seen = server.bookmarks_sent();
    server
        .wait_until("bookmarks on every watch", |s| s.bookmarks_sent() >= seen + 3 * s.open_watches())
        .await;
    for path in [
        "/api/v1/pods",
        "/api/v1/nodes",
        "/apis/apps/v1/replicasets",
        "/apis/autoscaling/v2/horizontalpodautoscalers",
        "/api/v1/events",
        "/apis/apps/v1/deployments",
        "/apis/apps/v1/statefulsets",
        "/apis/apps/v1/daemonsets",
    ] {
        let reqs: Vec<_> = server.requests().into_iter().filter(|r| r.path == path).collect();
        let lists = reqs.iter().filter(|r| !r.is_watch()).count();
        let watches = reqs.iter().filter(|r| r.is_watch()).count();
        assert_eq!((lists, watches), (1, 1), "{path}: {reqs:#?}");
    }
}

#[tokio::test]
async fn watch_events_change_and_remove_rows() {
    let (server, _) = TestServer::demo(7, 0).await;
    let mut run = Run::start(&server, None).await;
    let n = pod_count(&server);
    run.until("pods", |s| s.pods.len() == n && !s.infra.nodes.is_empty()).await;
    let victim = server.list("Pod").into_iter().find(|p| p["status"]["phase"] == "Running").unwrap();
    let (ns, name) =
        (victim["metadata"]["namespace"].as_str().unwrap(), victim["metadata"]["name"].as_str().unwrap());
    let key = PodKey::new(ns, name);
    server.modify("Pod", ns, name, |p| {
        p["status"]["containerStatuses"][0]["ready"] = json!(false);
        p["status"]["containerStatuses"][0]["state"] =
            json!({"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image \"x:bad\""}});
    });
    run.until("the MODIFIED pod", |s| s.pods.by_key[&key].reason.as_deref() == Some("ImagePullBackOff"))
        .await;
    server.delete("Pod", ns, name);
    run.until("the DELETED pod", |s| !s.pods.by_key.contains_key(&key)).await;
    // A node goes NotReady.
    // The last by name, so only the worst-first order can bring it to the top.
    let node = server.list("Node").last().unwrap()["metadata"]["name"].as_str().unwrap().to_string();
    server.modify("Node", "", &node, |n| {
        let conds = n["status"]["conditions"].as_array_mut().unwrap();
        let ready = conds.iter_mut().find(|c| c["type"] == "Ready").unwrap();
        ready["status"] = json!("False");
        ready["reason"] = json!("KubeletNotReady");
        ready["message"] = json!("PLEG is not healthy: pleg was last seen active 3m0s ago");
    });
    run.until("the NotReady node", |s| {
        s.infra
            .nodes
            .iter()
            .any(|n| n.name == node && n.ready == flightdeck::state::infra::NodeReadiness::NotReady)
    })
    .await;
    // With the kubelet's words, for its detail and triage.
    let c = &run.state.infra.nodes.iter().find(|n| n.name == node).unwrap().conditions;
    assert_eq!(
        (c[0].label(), c[0].words()),
        ("NotReady".into(), "PLEG is not healthy: pleg was last seen active 3m0s ago")
    );
    // The node sorts first: worst first is the store's one order.
    assert_eq!(run.state.infra.nodes[0].name, node);
}

#[tokio::test]
async fn a_410_relists_without_emptying_the_pane() {
    let (server, _) = TestServer::demo(7, 0).await;
    let mut run = Run::start(&server, None).await;
    let n = pod_count(&server);
    run.until("pods", |s| s.pods.len() == n).await;
    let lists_before = server.requests_to("GET", "/api/v1/pods").iter().filter(|r| !r.is_watch()).count();
    server.expire();
    // A pod added while the watch is down arrives with the relist.
    let mut extra = server.list("Pod")[0].clone();
    extra["metadata"]["name"] = json!("added-during-relist");
    extra["metadata"].as_object_mut().unwrap().remove("uid");
    server.put("Pod", extra);
    let key =
        PodKey::new(server.list("Pod")[0]["metadata"]["namespace"].as_str().unwrap(), "added-during-relist");
    let deadline = tokio::time::Instant::now() + WAIT;
    while !run.state.pods.by_key.contains_key(&key) {
        let m = tokio::time::timeout_at(deadline, run.rx.recv()).await.expect("relist in time").unwrap();
        update(&mut run.state, m);
        // Never fewer rows than before the relist.
        assert!(run.state.pods.len() >= n, "the pane emptied during the relist");
    }
    let lists_after = server.requests_to("GET", "/api/v1/pods").iter().filter(|r| !r.is_watch()).count();
    assert_eq!(lists_after, lists_before + 1, "one relist");
    let h = &run.state.sources[&"kube/pods".parse::<flightdeck::domain::SourceId>().unwrap()].health;
    assert!(h.last_error.is_none(), "a 410 is not an error to show: {:?}", h.last_error);
}

#[tokio::test]
async fn a_403_on_one_kind_shows_while_the_others_load() {
    let (server, _) = TestServer::demo(7, 0).await;
    server.fault("horizontalpodautoscalers", Some("storefront"), FaultKind::Status(403));
    let mut run = Run::start(&server, Some(Scope::Namespace("storefront".into()))).await;
    run.until("storefront pods and the HPA error", |s| {
        !s.pods.is_empty() && s.pane_freshness(PaneId::Scaling).state == Some(SourceState::Error)
    })
    .await;
    assert!(run.state.pods.by_key.keys().all(|k| k.namespace == "storefront"));
    let err = run.state.pane_freshness(PaneId::Scaling).error.unwrap();
    assert!(err.contains("kube/hpas"), "{err}");
    assert!(err.contains("horizontalpodautoscalers.autoscaling is forbidden"), "{err}");
    assert!(err.contains("in the namespace \"storefront\""), "{err}");
    run.until("the pods pane healthy", |s| s.pane_freshness(PaneId::Pods).state == Some(SourceState::Ok))
        .await;
    // Access granted: the watcher retries with backoff and the HPAs appear.
    server.clear_faults();
    run.until("HPAs after the 403 is lifted", |s| !s.scaling.hpas.is_empty()).await;
}

#[tokio::test]
async fn survives_the_server_going_down_and_coming_back() {
    let (server, _) = TestServer::demo(7, 0).await;
    let mut run = Run::start(&server, None).await;
    let n = pod_count(&server);
    run.until("pods", |s| s.pods.len() == n).await;
    server.go_down();
    run.until("an error while down", |s| s.pane_freshness(PaneId::Pods).state == Some(SourceState::Error))
        .await;
    assert_eq!(run.state.pods.len(), n, "rows stay while the server is down");
    let name = server.list("Pod")[0]["metadata"]["name"].as_str().unwrap().to_string();
    let ns = server.list("Pod")[0]["metadata"]["namespace"].as_str().unwrap().to_string();
    server.delete("Pod", &ns, &name);
    server.come_up().await;
    let key = PodKey::new(ns, name);
    run.until("the change made while down", |s| !s.pods.by_key.contains_key(&key)).await;
    run.until("healthy again", |s| s.pane_freshness(PaneId::Pods).state == Some(SourceState::Ok)).await;
}

#[tokio::test]
async fn without_metrics_the_columns_say_so_and_nothing_fails() {
    let (server, _) = TestServer::demo(7, 0).await;
    server.set_metrics(false);
    let mut run = Run::start(&server, None).await;
    let n = pod_count(&server);
    run.until("pods", |s| s.pods.len() == n).await;
    // The metrics poll was answered 404 (it runs right after the lists); what it sent is queued.
    server
        .wait_until("the metrics poll", |s| s.requests().iter().any(|r| r.path.contains("metrics.k8s.io")))
        .await;
    while let Ok(m) = run.rx.try_recv() {
        update(&mut run.state, m);
    }
    assert!(!run.state.pods.metrics_available);
    assert!(run.state.pods.by_key.values().all(|p| p.cpu_milli.is_none()));
    run.until("the pods pane healthy", |s| s.pane_freshness(PaneId::Pods).state == Some(SourceState::Ok))
        .await;
}

#[tokio::test]
async fn the_binary_reads_the_cluster_headless() {
    let (server, _) = TestServer::demo(7, 0).await;
    let kc = server.kubeconfig(&["shop-prod"]);
    let home = tempfile::tempdir().unwrap();
    let run = |args: Vec<String>| {
        let home = home.path().to_path_buf();
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_flightdeck"))
                .args(args)
                .env_remove("KUBECONFIG")
                .env("HOME", &home)
                .env("XDG_CONFIG_HOME", home.join("config"))
                .env("XDG_STATE_HOME", home.join("state"))
                .output()
                .unwrap()
        })
    };
    let kc_arg = kc.to_str().unwrap().to_string();
    let out = run(vec![
        "status".into(),
        "--json".into(),
        "--kubeconfig".into(),
        kc_arg.clone(),
        "-n".into(),
        "storefront".into(),
    ])
    .await
    .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["context"], "shop-prod");
    let want = server.list("Pod").iter().filter(|p| p["metadata"]["namespace"] == "storefront").count();
    assert_eq!(v["pods"]["items"].as_array().unwrap().len(), want, "{v}");
    for id in ["kube/pods", "kube/nodes", "kube/hpas", "kube/events"] {
        assert_eq!(v["sources"][id]["state"], "ok", "{id}: {}", v["sources"]);
    }
    // An unknown context is named, not a crash.
    let out = run(vec![
        "status".into(),
        "--json".into(),
        "--kubeconfig".into(),
        kc_arg,
        "--context".into(),
        "nope".into(),
    ])
    .await
    .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let err = v["sources"]["kube/pods"]["error"].as_str().unwrap_or_default();
    assert!(err.contains("no context \"nope\""), "{v}");
}

#[tokio::test]
async fn malformed_answers_and_server_errors_back_off_and_recover() {
    let (server, _) = TestServer::demo(7, 0).await;
    server.fault("nodes", None, FaultKind::Malformed);
    server.fault("horizontalpodautoscalers", None, FaultKind::Status(500));
    let mut run = Run::start(&server, None).await;
    let n = pod_count(&server);
    run.until("pods, and errors for nodes and HPAs", |s| {
        s.pods.len() == n
            && s.pane_freshness(PaneId::Infrastructure).state == Some(SourceState::Error)
            && s.pane_freshness(PaneId::Scaling).state == Some(SourceState::Error)
    })
    .await;
    let hpa_err = run.state.pane_freshness(PaneId::Scaling).error.unwrap();
    assert!(hpa_err.contains("Internal error occurred"), "{hpa_err}");
    // Retries are spaced by the backoff, not a tight loop.
    let node_lists = || server.requests().iter().filter(|r| r.path == "/api/v1/nodes").count();
    let before = node_lists();
    // An observation window on the server's clock: the healthy watches get 4 bookmarks each.
    let seen = server.bookmarks_sent();
    server
        .wait_until("4 bookmarks per watch", |s| s.bookmarks_sent() >= seen + 4 * s.open_watches().max(1))
        .await;
    assert!(node_lists() - before <= 2, "{} retries in 4 bookmark periods", node_lists() - before);
    server.clear_faults();
    run.until("nodes and HPAs after recovery", |s| !s.infra.nodes.is_empty() && !s.scaling.hpas.is_empty())
        .await;
}

#[tokio::test]
async fn under_all_namespaces_a_forbidden_namespace_is_named_and_the_others_load() {
    let (server, _) = TestServer::demo(7, 0).await;
    // Roles bound per namespace, none in kube-system: the cluster-wide list is refused too.
    server.fault("pods", Some("kube-system"), FaultKind::Status(403));
    let readable = server.list("Pod").iter().filter(|p| p["metadata"]["namespace"] != "kube-system").count();
    assert!(readable > 0 && readable < pod_count(&server));
    let mut run = Run::start(&server, Some(Scope::All)).await;
    run.until("every pod outside kube-system", |s| s.pods.len() == readable).await;
    assert!(run.state.pods.by_key.keys().all(|k| k.namespace != "kube-system"));
    let f = run.state.pane_freshness(PaneId::Pods);
    assert_eq!(f.state, Some(SourceState::Error), "the refusal stays on the pane");
    let err = f.error.unwrap();
    assert!(err.starts_with("kube/pods@kube-system: "), "{err}");
    assert!(err.contains("pods is forbidden") && err.contains("in the namespace \"kube-system\""), "{err}");
    // The namespaces that load stay live: a change in one of them arrives.
    let p = server.list("Pod").into_iter().find(|p| p["metadata"]["namespace"] == "storefront").unwrap();
    let name = p["metadata"]["name"].as_str().unwrap().to_string();
    server.delete("Pod", "storefront", &name);
    let key = PodKey::new("storefront", name);
    run.until("the deletion in storefront", |s| !s.pods.by_key.contains_key(&key)).await;
    // Access granted: kube-system loads on the watcher's retry and its refusal leaves the pane.
    server.clear_faults();
    let all = pod_count(&server);
    run.until("kube-system's pods", |s| s.pods.len() == all).await;
    run.until("no refusal left", |s| !s.sources.keys().any(|id| id.instance.is_some())).await;
    run.until("the pods pane healthy", |s| s.pane_freshness(PaneId::Pods).state == Some(SourceState::Ok))
        .await;
}

#[tokio::test]
async fn a_rollout_past_its_deadline_turns_its_workload_row_red() {
    use flightdeck::state::Level;
    let (server, _) = TestServer::demo(7, 0).await;
    let mut run = Run::start(&server, Some(Scope::Namespace("storefront".into()))).await;
    run.until("storefront workloads", |s| s.workloads.iter().any(|w| w.name == "product")).await;
    let row = |s: &State| s.workloads.iter().find(|w| w.name == "product").cloned().unwrap();
    assert_eq!(row(&run.state).level(), Level::Ok);
    // The controller reports the new ReplicaSet stuck: a MODIFIED event with its conditions.
    let mut d = server.get("Deployment", "storefront", "product").expect("product deployment");
    d["metadata"]["generation"] = json!(2);
    d["status"]["observedGeneration"] = json!(2);
    d["status"]["updatedReplicas"] = json!(1);
    d["status"]["conditions"] = json!([{"type": "Progressing", "status": "False",
        "reason": "ProgressDeadlineExceeded", "message": "ReplicaSet \"product-5f6d\" has timed out progressing."}]);
    server.put("Deployment", d);
    run.until("the failed rollout", |s| row(s).failure.is_some()).await;
    let w = row(&run.state);
    assert_eq!((w.level(), w.status().as_str()), (Level::Crit, "ProgressDeadlineExceeded"));
    assert_eq!(run.state.workloads[0].name, "product", "the failing workload sorts first");
    // Deleted: the row goes.
    server.delete("Deployment", "storefront", "product");
    run.until("the row gone", |s| !s.workloads.iter().any(|w| w.name == "product")).await;
}
