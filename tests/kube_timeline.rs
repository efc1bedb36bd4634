//! Timeline entries from a cluster: the Kubernetes and Argo CD sources against the
//! Kubernetes-API test server (seeded with the demo world at the incident), through the real
//! kube client. A rollout read from the ReplicaSets, a new revision, an HPA's decision, a
//! manual scale, a node turning NotReady and an Argo CD sync each land on the timeline.

mod support;

use std::time::Duration;

use flightdeck::config::sources::ArgocdConfig;
use flightdeck::sources::{self as src, Clock, TaskGuard, argocd, kube};
use flightdeck::state::State;
use flightdeck::state::timeline::{Entry, Kind};
use serde_json::json;
use support::kube_api::TestServer;

const WAIT: Duration = Duration::from_secs(20);

struct Run {
    server: TestServer,
    epoch: i64,
    state: State,
    rx: src::Receiver,
    _guards: Vec<TaskGuard>,
}

async fn start() -> Run {
    let (server, epoch) = TestServer::demo(7, 150).await;
    let target =
        kube::Target { kubeconfig: Some(server.kubeconfig(&["shop-prod"])), ..kube::Target::default() };
    let resolved = kube::resolve(&target).unwrap();
    // Both sources on one channel, as the console has them.
    let (tx, rx) = src::channel();
    let (handle, kube_guard) = kube::start(resolved, tx.clone());
    let (_, argo_guard) =
        argocd::start(&ArgocdConfig::default(), Some(handle), "alice", tx, Clock::Wall).unwrap();
    Run { server, epoch, state: State::new("shop-prod", 0), rx, _guards: vec![kube_guard, argo_guard] }
}

impl Run {
    async fn until_entry(&mut self, what: &str, f: impl Fn(&Entry) -> bool) -> Entry {
        let found = |s: &State| s.timeline.newest_first().any(&f);
        support::store::until(&mut self.state, &mut self.rx, WAIT, what, found, |s: &State| {
            let entries: Vec<String> = s
                .timeline
                .newest_first()
                .take(40)
                .map(|e| format!("{:?} {} | {}", e.kind, e.subject.label(), e.what))
                .collect();
            format!("timeline: {entries:#?}")
        })
        .await;
        self.state.timeline.newest_first().find(|e| f(e)).cloned().unwrap()
    }

    /// Wait until every source has delivered its first list, so later changes are compared
    /// with a baseline.
    async fn listed(&mut self) {
        support::store::until(
            &mut self.state,
            &mut self.rx,
            WAIT,
            "every kind listed",
            |s| {
                !s.infra.nodes.is_empty()
                    && !s.scaling.hpas.is_empty()
                    && !s.workloads.is_empty()
                    && !s.argocd.apps.is_empty()
            },
            |s: &State| format!("sources: {:#?}", s.sources),
        )
        .await;
    }
}

#[tokio::test]
async fn the_cart_image_change_is_read_from_its_replicasets_with_its_time() {
    let mut run = start().await;
    let e = run
        .until_entry("cart's rollout", |e| e.kind == Kind::Rollout && e.what.contains("cart:2.5.0-rc1"))
        .await;
    assert!(e.what.starts_with("revision 6: image cart:2.4.3 → cart:2.5.0-rc1"), "{}", e.what);
    assert!(e.subject.belongs_to_workload("storefront", "cart"), "{:?}", e.subject);
    assert_eq!(e.cluster, "shop-prod");
    // Dated by the ReplicaSet's creation (the API keeps seconds), not when it was read.
    let (world, _) = flightdeck::sources::demo::run_headless(7, run.epoch, 150);
    let want = world.revisions().into_iter().find(|r| r.workload == "cart" && r.revision == 6).unwrap();
    assert_eq!(e.at / 1000, want.created_at / 1000);
}

#[tokio::test]
async fn a_new_revision_a_scale_a_node_not_ready_and_a_sync_each_land_on_the_timeline() {
    let mut run = start().await;
    run.listed().await;
    // A rollout: the Deployment controller's new ReplicaSet for cart.
    let cart = run.server.get("Deployment", "storefront", "cart").unwrap();
    run.server.put("ReplicaSet", json!({
        "metadata": {"name": "cart-5c8f7", "namespace": "storefront",
            "labels": {"app": "cart", "pod-template-hash": "5c8f7"},
            "annotations": {"deployment.kubernetes.io/revision": "7"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "cart",
                "uid": cart["metadata"]["uid"], "controller": true}]},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "cart", "pod-template-hash": "5c8f7"}},
            "template": {"metadata": {"labels": {"app": "cart"}},
                "spec": {"containers": [{"name": "cart", "image": "registry.example.com/shop/cart:2.5.1"}]}}}}));
    let e = run
        .until_entry("cart's revision 7", |e| {
            e.what.starts_with("revision 7") && e.subject.belongs_to_workload("storefront", "cart")
        })
        .await;
    assert_eq!(e.what, "revision 7: image cart:2.5.0-rc1 → cart:2.5.1");

    // An HPA's decision.
    let before = run.state.scaling.hpas.iter().find(|h| h.name == "cart").unwrap().desired;
    run.server.modify("HorizontalPodAutoscaler", "storefront", "cart", |h| {
        h["status"]["desiredReplicas"] = json!(11);
    });
    let e =
        run.until_entry("the HPA's decision", |e| e.kind == Kind::Autoscale && e.what.contains("→ 11")).await;
    assert!(e.what.starts_with(&format!("HPA scaled cart {before} → 11")), "{}", e.what);

    // A manual scale of a workload no HPA drives.
    let grafana = run.server.get("Deployment", "monitoring", "grafana").unwrap();
    let replicas = grafana["spec"]["replicas"].as_u64().unwrap();
    run.server.modify("Deployment", "monitoring", "grafana", |d| d["spec"]["replicas"] = json!(replicas + 2));
    let e = run.until_entry("grafana's scale", |e| e.kind == Kind::Scale).await;
    assert_eq!(e.what, format!("scaled {replicas} → {} replicas", replicas + 2));

    // A node turning NotReady.
    let node = run.state.infra.nodes.iter().find(|n| !n.cordoned).unwrap().name.clone();
    run.server.modify("Node", "", &node, |n| {
        for c in n["status"]["conditions"].as_array_mut().unwrap() {
            if c["type"] == "Ready" {
                c["status"] = json!("False");
                c["reason"] = json!("KubeletNotReady");
            }
        }
    });
    let e = run.until_entry("the node NotReady", |e| e.kind == Kind::NodeReadiness).await;
    assert_eq!((e.subject.label(), e.what.as_str()), (format!("node {node}"), "NotReady"));

    // An Argo CD sync, as the controller records it in the Application's history.
    run.server.modify("Application", "argocd", "services-cart", |a| {
        let history = a["status"]["history"].as_array_mut().unwrap();
        let id = history.last().and_then(|h| h["id"].as_i64()).unwrap_or(0) + 1;
        history.push(json!({"id": id, "revision": "4f2c9a17be0c", "deployedAt": "2026-11-18T14:03:00Z",
            "initiatedBy": {"username": "bob"}, "source": {}}));
    });
    let e = run.until_entry("the sync", |e| e.kind == Kind::Sync && e.what.contains("4f2c9a1")).await;
    assert!(e.what.starts_with("synced to 4f2c9a1"), "{}", e.what);
    assert!(e.what.ends_with("by bob"), "{}", e.what);
}
