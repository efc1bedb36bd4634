//! Actions through the executor's Kubernetes backend against the test API server: each sends
//! exactly the request kubectl sends for the same command, answers in the status line, and is
//! written to the audit log; refusals carry kubectl's or the API's words.

mod support;

use std::time::Duration;

use flightdeck::app::audit::AuditLog;
use flightdeck::app::executor::{Backend, Executor};
use flightdeck::domain::registry::ActionId;
use flightdeck::domain::{Target, WorkloadKind};
use flightdeck::sources::{self as src, Clock, TaskGuard, kube};
use flightdeck::state::{Message, UnixMs};
use serde_json::{Value, json};
use support::kube_api::{FaultKind, Recorded, TestServer};

struct Rig {
    server: TestServer,
    executor: Executor,
    results: tokio::sync::mpsc::Receiver<Message>,
    audit: tempfile::TempDir,
    _rx: src::Receiver,
    _guard: TaskGuard,
}

async fn rig() -> Rig {
    let (server, _) = TestServer::demo(7, 0).await;
    let target =
        kube::Target { kubeconfig: Some(server.kubeconfig(&["shop-prod"])), ..kube::Target::default() };
    let resolved = kube::resolve(&target).unwrap();
    let (tx, rx) = src::channel();
    let (handle, guard) = kube::start(resolved, tx);
    let audit = tempfile::tempdir().unwrap();
    let (results_tx, results) = tokio::sync::mpsc::channel(8);
    let log = AuditLog::new(Some(audit.path().join("audit.jsonl")));
    let executor = Executor::new(Backend::Kube(handle), log, results_tx, Clock::Wall);
    Rig { server, executor, results, audit, _rx: rx, _guard: guard }
}

impl Rig {
    async fn act(&mut self, action: ActionId, target: Target) -> Result<String, String> {
        support::store::act(&self.executor, &mut self.results, Duration::from_secs(10), action, target).await
    }

    fn mutations(&self) -> Vec<Recorded> {
        self.server.requests().into_iter().filter(|r| !matches!(r.method.as_str(), "GET")).collect()
    }

    fn audit(&self) -> Vec<Value> {
        let text = std::fs::read_to_string(self.audit.path().join("audit.jsonl")).unwrap_or_default();
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }
}

fn workload(kind: WorkloadKind, name: &str) -> Target {
    Target::Workload { namespace: "storefront".into(), kind, name: name.into() }
}

fn ms_of(rfc3339: &str) -> UnixMs {
    humantime::parse_rfc3339(rfc3339).unwrap().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis()
        as i64
}

#[tokio::test]
async fn rollout_restart_sends_kubectls_patch() {
    let mut r = rig().await;
    let before = src::wall_now() / 1000 * 1000;
    let result = r.act(ActionId::RolloutRestart, workload(WorkloadKind::Deployment, "cart")).await;
    assert_eq!(result, Ok("deployment.apps/cart restarted".to_string()));
    let sent = r.mutations();
    assert_eq!(sent.len(), 1, "{sent:#?}");
    let p = &sent[0];
    assert_eq!(
        (p.method.as_str(), p.path.as_str()),
        ("PATCH", "/apis/apps/v1/namespaces/storefront/deployments/cart")
    );
    assert_eq!(p.content_type, "application/strategic-merge-patch+json");
    assert!(p.query.contains("fieldManager=flightdeck"), "{}", p.query);
    let body = p.json();
    let at = body["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"]
        .as_str()
        .expect("the restartedAt annotation");
    assert_eq!(
        body,
        json!({"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": at}}}}})
    );
    assert!(at.ends_with('Z') && ms_of(at) >= before && ms_of(at) <= src::wall_now(), "{at}");
    // The server applied it to the pod template.
    let d = r.server.get("Deployment", "storefront", "cart").unwrap();
    assert_eq!(d["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"], at);
    let audit = r.audit();
    assert_eq!(audit.len(), 1);
    assert_eq!(
        (&audit[0]["context"], &audit[0]["action"], &audit[0]["target"], &audit[0]["ok"]),
        (&json!("shop-prod"), &json!("restart"), &json!("deployment storefront/cart"), &json!(true))
    );
    // StatefulSets and DaemonSets take the same patch.
    r.server.put("StatefulSet", json!({"metadata": {"name": "cache", "namespace": "storefront"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "cache"}}, "template": {"metadata": {}}}}));
    assert_eq!(
        r.act(ActionId::RolloutRestart, workload(WorkloadKind::StatefulSet, "cache")).await,
        Ok("statefulset.apps/cache restarted".into())
    );
}

#[tokio::test]
async fn a_paused_deployment_is_refused_with_kubectls_reason() {
    let mut r = rig().await;
    r.server.modify("Deployment", "storefront", "cart", |d| d["spec"]["paused"] = json!(true));
    let result = r.act(ActionId::RolloutRestart, workload(WorkloadKind::Deployment, "cart")).await;
    assert_eq!(
        result,
        Err("deployments.apps \"cart\" can't restart paused deployment (run rollout resume first)"
            .to_string())
    );
    assert!(r.mutations().is_empty());
    assert_eq!(r.audit()[0]["ok"], json!(false));
}

#[tokio::test]
async fn scale_and_hpa_limits_are_merge_patches() {
    let mut r = rig().await;
    let t = Target::Scale {
        namespace: "storefront".into(),
        kind: WorkloadKind::Deployment,
        name: "cart".into(),
        replicas: 6,
    };
    assert_eq!(r.act(ActionId::Scale, t).await, Ok("deployment.apps/cart scaled".into()));
    let p = &r.mutations()[0];
    assert_eq!(
        (p.method.as_str(), p.path.as_str()),
        ("PATCH", "/apis/apps/v1/namespaces/storefront/deployments/cart/scale")
    );
    assert_eq!(p.content_type, "application/merge-patch+json");
    assert_eq!(p.json(), json!({"spec": {"replicas": 6}}));
    assert_eq!(r.server.get("Deployment", "storefront", "cart").unwrap()["spec"]["replicas"], 6);

    let t = Target::HpaLimits { namespace: "storefront".into(), name: "cart".into(), min: 3, max: 12 };
    assert_eq!(
        r.act(ActionId::EditHpa, t).await,
        Ok("horizontalpodautoscaler.autoscaling/cart patched".into())
    );
    let p = &r.mutations()[1];
    assert_eq!(p.path, "/apis/autoscaling/v2/namespaces/storefront/horizontalpodautoscalers/cart");
    assert_eq!(p.content_type, "application/merge-patch+json");
    assert_eq!(p.json(), json!({"spec": {"minReplicas": 3, "maxReplicas": 12}}));
    let hpa = r.server.get("HorizontalPodAutoscaler", "storefront", "cart").unwrap();
    assert_eq!(
        (hpa["spec"]["minReplicas"].clone(), hpa["spec"]["maxReplicas"].clone()),
        (json!(3), json!(12))
    );
}

#[tokio::test]
async fn delete_pod_and_cordon_uncordon() {
    let mut r = rig().await;
    let pod = r.server.list("Pod").into_iter().find(|p| p["metadata"]["namespace"] == "storefront").unwrap();
    let name = pod["metadata"]["name"].as_str().unwrap().to_string();
    let t = Target::Pod { namespace: "storefront".into(), name: name.clone() };
    assert_eq!(r.act(ActionId::DeletePod, t).await, Ok(format!("pod \"{name}\" deleted")));
    let p = &r.mutations()[0];
    assert_eq!(
        (p.method.as_str(), p.path.clone()),
        ("DELETE", format!("/api/v1/namespaces/storefront/pods/{name}"))
    );
    // Graceful: Terminating first, then gone.
    assert!(r.server.get("Pod", "storefront", &name).unwrap()["metadata"]["deletionTimestamp"].is_string());
    r.server
        .wait_until("the pod gone after its grace", |s| s.get("Pod", "storefront", &name).is_none())
        .await;

    let node = r.server.list("Node")[0]["metadata"]["name"].as_str().unwrap().to_string();
    let t = Target::Node(node.clone());
    assert_eq!(r.act(ActionId::Cordon, t.clone()).await, Ok(format!("node/{node} cordoned")));
    assert_eq!(r.act(ActionId::Cordon, t.clone()).await, Ok("already cordoned".into()));
    assert_eq!(r.act(ActionId::Uncordon, t).await, Ok(format!("node/{node} uncordoned")));
    let patches: Vec<Recorded> = r.mutations().into_iter().filter(|m| m.method == "PATCH").collect();
    assert_eq!(patches.len(), 2, "the second cordon sends nothing");
    assert!(patches.iter().all(|p| p.path == format!("/api/v1/nodes/{node}")
        && p.content_type == "application/strategic-merge-patch+json"));
    assert_eq!(patches[0].json(), json!({"spec": {"unschedulable": true}}));
    assert_eq!(patches[1].json(), json!({"spec": {"unschedulable": null}}));
    assert!(r.server.get("Node", "", &node).unwrap()["spec"].get("unschedulable").is_none());
}

#[tokio::test]
async fn rbac_denial_shows_the_apis_message() {
    let mut r = rig().await;
    r.server.fault("pods", Some("storefront"), FaultKind::Status(403));
    let t = Target::Pod { namespace: "storefront".into(), name: "anything".into() };
    let err = r.act(ActionId::DeletePod, t).await.unwrap_err();
    assert_eq!(
        err,
        "pods is forbidden: User \"system:serviceaccount:test:viewer\" cannot delete resource \"pods\" in API group \"\" in the namespace \"storefront\""
    );
    let missing = Target::Node("ip-10-9-9-9.ec2.internal".into());
    assert_eq!(
        r.act(ActionId::Cordon, missing).await,
        Err("nodes \"ip-10-9-9-9.ec2.internal\" not found".into())
    );
}
