//! Kubernetes faults against the test API server, through the real kube client: for each fault
//! (a list body cut short, a watch cut short, 429 with Retry-After, 410 on every watch, 503) on
//! every kind at once (pods, ReplicaSets, Deployments, StatefulSets, DaemonSets, nodes, HPAs,
//! events, Argo CD Applications, metrics), the requests the server sees while it lasts stay few
//! (counted, not timed), every pane names it, the rows stay, and once it clears every error
//! goes and the changes made meanwhile show. The same for the per-namespace fallback under -A.
//! The watches run with a quick backoff (0.1 s doubling to 2 s) so a window of seconds shows it.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use flightdeck::config::sources::ArgocdConfig;
use flightdeck::domain::{PodKey, Scope, SourceId};
use flightdeck::sources::backoff::Policy;
use flightdeck::sources::kube::{self, Target};
use flightdeck::sources::{self as src, Clock, TaskGuard, argocd};
use flightdeck::state::argocd::HealthStatus;
use flightdeck::state::infra::NodeReadiness;
use flightdeck::state::pods::Owner;
use flightdeck::state::{PaneId, SourceState, State, update};
use serde_json::json;
use support::kube_api::{FaultKind, TestServer};

const WAIT: Duration = Duration::from_secs(20);
const POLICY: Policy =
    Policy { base: Duration::from_millis(100), max: Duration::from_secs(2), healthy: Duration::from_secs(3) };
/// How long each fault is held once every pane names it. With the policy above a watch tries
/// at most 7 times in the window (0.08 + 0.16 + 0.32 + 0.64 + 1.28 + 1.6 … s at the least
/// jitter), two requests a try at most (a relist and its watch): 20 a kind bounds it, where
/// retrying at the base rate would send about 90 and a watch reopened at once thousands.
const WINDOW: Duration = Duration::from_secs(4);
const BOUND: usize = 20;

const APPS: &str = "/apis/argoproj.io/v1alpha1/namespaces/argocd/applications";
/// Every collection the console lists or watches, by the path it asks for under -A.
const PATHS: &[&str] = &[
    "/api/v1/pods",
    "/apis/apps/v1/replicasets",
    "/apis/apps/v1/deployments",
    "/apis/apps/v1/statefulsets",
    "/apis/apps/v1/daemonsets",
    "/api/v1/nodes",
    "/apis/autoscaling/v2/horizontalpodautoscalers",
    "/api/v1/events",
    APPS,
];
const METRICS: &str = "/apis/metrics.k8s.io/v1beta1/pods";
const SOURCES: &[&str] = &["kube/pods", "kube/workloads", "kube/nodes", "kube/hpas", "kube/events", "argocd"];
const PANES: &[PaneId] = &[PaneId::Pods, PaneId::Infrastructure, PaneId::Scaling, PaneId::ArgoCd];

struct Rig {
    server: TestServer,
    state: State,
    rx: src::Receiver,
    _guards: Vec<TaskGuard>,
}

async fn rig(server: TestServer, scope: Option<Scope>) -> Rig {
    rig_reading_metrics(server, scope, kube::metrics::POLL).await
}

async fn rig_reading_metrics(server: TestServer, scope: Option<Scope>, every: Duration) -> Rig {
    let target = Target { kubeconfig: Some(server.kubeconfig(&["shop-prod"])), context: None, scope };
    let mut resolved = kube::resolve(&target).unwrap();
    resolved.backoff = POLICY;
    resolved.metrics_poll = every;
    let (tx, rx) = src::channel();
    let (handle, kube_guard) = kube::start(resolved, tx.clone());
    let (_, argo_guard) =
        argocd::start(&ArgocdConfig::default(), Some(handle), "alice", tx, Clock::Wall).unwrap();
    Rig { server, state: State::new("shop-prod", 0), rx, _guards: vec![kube_guard, argo_guard] }
}

fn error_of(s: &State, id: &str) -> Option<String> {
    s.sources.get(&id.parse::<SourceId>().unwrap()).and_then(|e| e.health.last_error.clone())
}

fn healthy(s: &State, id: &str) -> bool {
    s.sources.get(&id.parse::<SourceId>().unwrap()).is_some_and(|e| e.health.state(s.now) == SourceState::Ok)
}

impl Rig {
    async fn until(&mut self, what: &str, cond: impl Fn(&State) -> bool) {
        support::store::until(&mut self.state, &mut self.rx, WAIT, what, cond, |s: &State| {
            format!("sources: {:#?}", s.sources)
        })
        .await;
    }

    /// Watch the store for `window` while a fault holds, checking after every message that
    /// the rows stay. An observation window: the test asserts what the server counted in it.
    async fn hold(&mut self, window: Duration, rows_stay: impl Fn(&State)) {
        let end = tokio::time::Instant::now() + window;
        while let Ok(Some(m)) = tokio::time::timeout_at(end, self.rx.recv()).await {
            update(&mut self.state, m);
            self.state.finish_batch();
            rows_stay(&self.state);
        }
    }

    /// Requests per path since `mark`.
    fn counts(&self, mark: usize) -> BTreeMap<String, usize> {
        let mut by = BTreeMap::new();
        for r in &self.server.requests()[mark..] {
            *by.entry(r.path.clone()).or_default() += 1;
        }
        by
    }
}

fn first(server: &TestServer, kind: &str) -> (String, String) {
    let o = server.list(kind).into_iter().next().unwrap_or_else(|| panic!("the demo has a {kind}"));
    (
        o["metadata"]["namespace"].as_str().unwrap_or("").to_string(),
        o["metadata"]["name"].as_str().unwrap().to_string(),
    )
}

/// One change of every kind, made while a fault holds; `seen` says whether the store has
/// every one of them.
fn change_every_kind(server: &TestServer) -> impl Fn(&State) -> bool + use<> {
    let (pod_ns, pod) = first(server, "Pod");
    server.modify("Pod", &pod_ns, &pod, |p| {
        p["status"]["containerStatuses"][0]["ready"] = json!(false);
        p["status"]["containerStatuses"][0]["state"] =
            json!({"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image"}});
    });
    let (_, node) = first(server, "Node");
    server.modify("Node", "", &node, |n| {
        let conds = n["status"]["conditions"].as_array_mut().unwrap();
        conds.iter_mut().find(|c| c["type"] == "Ready").unwrap()["status"] = json!("False");
    });
    let (hpa_ns, hpa) = first(server, "HorizontalPodAutoscaler");
    server.modify("HorizontalPodAutoscaler", &hpa_ns, &hpa, |h| h["spec"]["maxReplicas"] = json!(77));
    for kind in ["Deployment", "StatefulSet"] {
        let (ns, name) = first(server, kind);
        server.modify(kind, &ns, &name, |d| d["spec"]["replicas"] = json!(42));
    }
    let (ds_ns, ds) = first(server, "DaemonSet");
    server.modify("DaemonSet", &ds_ns, &ds, |d| d["status"]["desiredNumberScheduled"] = json!(42));
    // A new ReplicaSet and its pod: the pod's owner is the Deployment only once both are seen.
    let mut rs = server.list("ReplicaSet").into_iter().next().unwrap();
    let rs_ns = rs["metadata"]["namespace"].as_str().unwrap().to_string();
    rs["metadata"] = json!({"name": "late-5d4f8", "namespace": rs_ns,
        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "late", "uid": "u-late", "controller": true}]});
    server.put("ReplicaSet", rs);
    let mut late = server.get("Pod", &pod_ns, &pod).unwrap();
    late["metadata"] = json!({"name": "late-5d4f8-x1", "namespace": rs_ns,
        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "late-5d4f8", "uid": "u-rs", "controller": true}]});
    server.put("Pod", late);
    server.put(
        "Event",
        json!({"metadata": {"name": "fault-test.1", "namespace": pod_ns},
            "involvedObject": {"kind": "Pod", "name": pod, "namespace": pod_ns},
            "type": "Warning", "reason": "FaultTest", "message": "made while the API server failed", "count": 1,
            "lastTimestamp": "2026-11-18T14:02:00Z"}),
    );
    server.modify("Application", "argocd", "services-order", |a| {
        a["status"]["health"]["status"] = json!("Degraded")
    });
    let (pod_key, late_key) = (PodKey::new(&pod_ns, &pod), PodKey::new(&rs_ns, "late-5d4f8-x1"));
    let workload = move |s: &State, name: &str| s.workloads.iter().any(|w| w.name == name && w.desired == 42);
    let names: Vec<String> =
        ["Deployment", "StatefulSet", "DaemonSet"].iter().map(|k| first(server, k).1).collect();
    move |s: &State| {
        s.pods.by_key.get(&pod_key).is_some_and(|p| p.reason.as_deref() == Some("ImagePullBackOff"))
            && s.pods.by_key.get(&late_key).and_then(|p| p.owner.clone())
                == Some(Owner { kind: "Deployment".into(), name: "late".into() })
            && s.infra.nodes.iter().any(|n| n.name == node && n.ready == NodeReadiness::NotReady)
            && s.scaling.hpas.iter().any(|h| h.name == hpa && h.max == 77)
            && names.iter().all(|n| workload(s, n))
            && s.events.iter().any(|e| e.reason == "FaultTest")
            && s.argocd
                .get(&Default::default(), "services-order")
                .is_some_and(|a| a.health == HealthStatus::Degraded)
    }
}

/// Hold `fault` on every kind: it is named in every pane, the server sees at most `bound`
/// requests a kind, the rows stay; cleared, every error goes and the rows are fresh.
async fn a_fault_is_named_bounded_and_cleared(fault: impl Fn(&TestServer), says: &str, bound: usize) {
    let (server, _) = TestServer::demo(7, 0).await;
    let mut r = rig(server, None).await;
    let pods = r.server.list("Pod").len();
    r.until("everything loaded and healthy", |s| {
        s.pods.len() == pods && s.argocd.apps.len() == 9 && SOURCES.iter().all(|id| healthy(s, id))
    })
    .await;
    let nodes = r.state.infra.nodes.len();
    let mark = r.server.requests().len();
    fault(&r.server);
    // Compaction and a restart: every open watch ends, so every kind meets the fault.
    r.server.expire();
    r.until("every source names the fault", |s| {
        SOURCES.iter().all(|id| error_of(s, id).is_some_and(|e| e.contains(says)))
    })
    .await;
    for pane in PANES {
        let f = r.state.pane_freshness(*pane);
        assert_eq!(f.state, Some(SourceState::Error), "{pane:?}");
        assert!(f.error.as_deref().is_some_and(|e| e.contains(says)), "{pane:?}: {f:?}");
    }
    let fresh = change_every_kind(&r.server);
    r.hold(WINDOW, |s| {
        assert!(s.pods.len() >= pods && s.infra.nodes.len() == nodes, "rows lost during the fault");
        assert_eq!(s.argocd.apps.len(), 9, "apps lost during the fault");
    })
    .await;
    let counts = r.counts(mark);
    for path in PATHS {
        let n = counts.get(*path).copied().unwrap_or(0);
        assert!((1..=bound).contains(&n), "{path}: {n} requests while the fault held: {counts:#?}");
    }
    assert!(counts.get(METRICS).copied().unwrap_or(0) <= 1, "{counts:#?}");
    r.server.clear_faults();
    r.until("every error gone", |s| SOURCES.iter().all(|id| healthy(s, id))).await;
    r.until("the changes made during the fault", fresh).await;
}

#[tokio::test]
async fn a_list_cut_short_is_named_backs_off_and_clears() {
    let fault = |s: &TestServer| s.fault_on("list", "*", None, FaultKind::Malformed);
    a_fault_is_named_bounded_and_cleared(fault, "the API server's answer could not be read", BOUND).await;
}

#[tokio::test]
async fn a_watch_cut_short_is_named_backs_off_and_clears() {
    let fault = |s: &TestServer| s.fault_on("watch", "*", None, FaultKind::Malformed);
    a_fault_is_named_bounded_and_cleared(fault, "the watch ended as soon as it opened", BOUND).await;
}

#[tokio::test]
async fn expiring_on_every_watch_is_named_backs_off_and_clears() {
    let fault = |s: &TestServer| s.fault("*", None, FaultKind::Expired);
    a_fault_is_named_bounded_and_cleared(fault, "expired (410 Gone) again right after a relist", BOUND).await;
}

/// The server's wait is honoured: one try per 2 s, whatever the backoff would allow.
#[tokio::test]
async fn throttling_waits_what_the_server_asks_and_says_so() {
    let fault = |s: &TestServer| s.fault("*", None, FaultKind::Throttled(2));
    a_fault_is_named_bounded_and_cleared(fault, "throttled by the API server, retrying in 2 s", 4).await;
}

#[tokio::test]
async fn unavailable_waits_what_the_server_asks_and_says_so() {
    let fault = |s: &TestServer| s.fault("*", None, FaultKind::Unavailable(2));
    a_fault_is_named_bounded_and_cleared(fault, "the API server is unavailable", 4).await;
}

/// Under -A with pods refused in kube-system, each namespace is watched on its own: a fault in
/// one namespace is named, its requests and the refused namespace's stay few, and it clears.
#[tokio::test]
async fn the_per_namespace_fallback_backs_off_and_clears() {
    let (server, _) = TestServer::demo(7, 0).await;
    server.fault("pods", Some("kube-system"), FaultKind::Status(403));
    let readable = server.list("Pod").iter().filter(|p| p["metadata"]["namespace"] != "kube-system").count();
    let mut r = rig(server, Some(Scope::All)).await;
    r.until("every readable pod, healthy", |s| s.pods.len() == readable && healthy(s, "kube/pods")).await;
    let mark = r.server.requests().len();
    r.server.fault("pods", Some("storefront"), FaultKind::Expired);
    r.server.expire();
    let says = "expired (410 Gone) again right after a relist";
    r.until("the fault named", |s| error_of(s, "kube/pods").is_some_and(|e| e.contains(says))).await;
    let p = r.server.list("Pod").into_iter().find(|p| p["metadata"]["namespace"] == "storefront").unwrap();
    let name = p["metadata"]["name"].as_str().unwrap().to_string();
    r.server.delete("Pod", "storefront", &name);
    r.hold(WINDOW, |s| assert!(s.pods.len() >= readable - 1, "rows lost during the fault")).await;
    let counts = r.counts(mark);
    for ns in ["storefront", "kube-system"] {
        let n = counts.get(&format!("/api/v1/namespaces/{ns}/pods")).copied().unwrap_or(0);
        assert!((1..=BOUND).contains(&n), "{ns}: {n} requests: {counts:#?}");
    }
    r.server.clear_faults();
    r.server.fault("pods", Some("kube-system"), FaultKind::Status(403));
    r.until("kube/pods healthy again", |s| healthy(s, "kube/pods")).await;
    let gone = PodKey::new("storefront", name);
    r.until("the deletion made during the fault", |s| !s.pods.by_key.contains_key(&gone)).await;
    // The refused namespace is still named on its own.
    let f = r.state.pane_freshness(PaneId::Pods);
    assert!(f.error.is_some_and(|e| e.starts_with("kube/pods@kube-system: ")));
}

/// Every pod's usage, as the rows show it.
fn usage(s: &State) -> BTreeMap<PodKey, (Option<u64>, Option<u64>)> {
    s.pods.by_key.iter().map(|(k, p)| (k.clone(), (p.cpu_milli, p.mem_bytes))).collect()
}

/// metrics.k8s.io failing (a 500, 401 or 403, a 429 with Retry-After, an answer cut short)
/// costs the pods nothing: the rows keep the usage they had and the pods source stays live,
/// while the reader asks again no faster than its backoff (from one interval, 0.2 s here,
/// doubling to ten) or than the 429 asks; once the fault clears, a reading made meanwhile shows.
#[tokio::test]
async fn a_failing_metrics_api_keeps_the_usage_and_backs_off() {
    const EVERY: Duration = Duration::from_millis(200);
    for (fault, what) in [
        (FaultKind::Status(500), "500"),
        (FaultKind::Status(401), "401"),
        (FaultKind::Status(403), "403"),
        (FaultKind::Throttled(1), "429"),
        (FaultKind::Malformed, "cut short"),
    ] {
        let (server, _) = TestServer::demo(7, 0).await;
        let mut r = rig_reading_metrics(server, None, EVERY).await;
        r.until("usage on the rows", |s| {
            !s.pods.is_empty() && s.pods.by_key.values().any(|p| p.cpu_milli.is_some())
        })
        .await;
        let before = usage(&r.state);
        let mark = r.server.requests().len();
        r.server.fault("pods.metrics.k8s.io", None, fault);
        // A reading the fault hides until it clears.
        let (ns, name) = first(&r.server, "Pod");
        r.server.put_metrics(
            "PodMetrics",
            json!({"metadata": {"name": name, "namespace": ns}, "timestamp": "2026-12-07T12:00:00Z", "window": "30s",
                "containers": [{"name": "app", "usage": {"cpu": "777m", "memory": "1Mi"}}]}),
        );
        let key = PodKey::new(ns, name);
        r.until("the usage said to be stale", |s| !s.pods.usage_stale.is_empty()).await;
        let stale = r.state.pods.usage_stale.values().next().unwrap().clone();
        assert!(stale.read_at.is_some(), "{what}: the last good reading's time: {stale:?}");
        assert!(!stale.error.is_empty(), "{what}: why it failed");
        r.hold(WINDOW, |s| {
            assert_eq!(usage(s), before, "{what}: the usage changed during the fault");
            assert!(healthy(s, "kube/pods"), "{what}: the pods source is not live: {:#?}", s.sources);
            assert_eq!(s.pods.usage_stale.len(), 1, "{what}: the usage stopped being stale");
        })
        .await;
        let n = r.counts(mark).get(METRICS).copied().unwrap_or(0);
        // Every 0.2 s would be 20 in the window; the backoff allows about 5.
        assert!((2..=8).contains(&n), "{what}: {n} metrics readings while the fault held");
        assert!(
            r.counts(mark).get("/api/v1/pods").copied().unwrap_or(0) <= 1,
            "{what}: the pods watch was touched"
        );
        r.server.clear_faults();
        r.until("the reading made during the fault", |s| {
            s.pods.by_key.get(&key).and_then(|p| p.cpu_milli) == Some(777)
        })
        .await;
        assert!(r.state.pods.usage_stale.is_empty(), "{what}: still stale after a good reading");
    }
}
