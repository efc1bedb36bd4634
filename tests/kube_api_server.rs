//! The Kubernetes-API test server itself, driven by the real kube client over HTTP: if the
//! client's list, watch, patch and delete work against it as against a real API server, the
//! source tests that rely on it mean something.

mod support;

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Node, Pod};
use kube::api::{Api, ListParams, Patch, PatchParams, WatchEvent, WatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use serde_json::json;
use support::kube_api::{FaultKind, TestServer};

async fn client(server: &TestServer) -> kube::Client {
    let kc = Kubeconfig::read_from(server.kubeconfig(&["shop-prod"])).unwrap();
    let config = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default()).await.unwrap();
    kube::Client::try_from(config).unwrap()
}

#[tokio::test]
async fn lists_with_selectors_and_pages() {
    let (server, _) = TestServer::demo(7, 150).await;
    let c = client(&server).await;
    let pods: Api<Pod> = Api::all(c.clone());
    let all = pods.list(&ListParams::default()).await.unwrap();
    assert_eq!(all.items.len(), server.list("Pod").len());
    assert!(all.metadata.resource_version.is_some());
    let cart = pods.list(&ListParams::default().labels("app=cart")).await.unwrap();
    assert!(!cart.items.is_empty());
    assert!(cart.items.iter().all(|p| p.metadata.labels.as_ref().unwrap()["app"] == "cart"));
    let ns: Api<Pod> = Api::namespaced(c.clone(), "monitoring");
    let mon = ns.list(&ListParams::default().fields("status.phase=Running")).await.unwrap();
    assert!(mon.items.iter().all(|p| p.metadata.namespace.as_deref() == Some("monitoring")));
    // Pages of 5 add up to the whole list.
    let mut seen = 0;
    let mut lp = ListParams::default().limit(5);
    loop {
        let page = pods.list(&lp).await.unwrap();
        seen += page.items.len();
        match page.metadata.continue_.filter(|c| !c.is_empty()) {
            Some(token) => lp = lp.continue_token(&token),
            None => break,
        }
    }
    assert_eq!(seen, all.items.len());
}

#[tokio::test]
async fn watch_replays_from_a_version_and_expires() {
    let (server, _) = TestServer::demo(7, 150).await;
    let c = client(&server).await;
    let nodes: Api<Node> = Api::all(c);
    let list = nodes.list(&ListParams::default()).await.unwrap();
    let rv = list.metadata.resource_version.unwrap();
    let name = list.items[0].metadata.name.clone().unwrap();
    server.modify("Node", "", &name, |n| n["spec"]["unschedulable"] = json!(true));
    let mut stream = nodes.watch(&WatchParams::default().timeout(5), &rv).await.unwrap().boxed();
    match stream.try_next().await.unwrap().unwrap() {
        WatchEvent::Modified(n) => assert_eq!(n.spec.unwrap().unschedulable, Some(true)),
        other => panic!("expected MODIFIED, got {other:?}"),
    }
    server.expire();
    let mut stream = nodes.watch(&WatchParams::default(), &rv).await.unwrap().boxed();
    match stream.try_next().await.unwrap().unwrap() {
        WatchEvent::Error(e) => assert_eq!(e.code, 410),
        other => panic!("expected 410, got {other:?}"),
    }
}

#[tokio::test]
async fn bookmarks_and_timeout() {
    let (server, _) = TestServer::demo(7, 0).await;
    let nodes: Api<Node> = Api::all(client(&server).await);
    let rv = nodes.list(&ListParams::default()).await.unwrap().metadata.resource_version.unwrap();
    let wp = WatchParams::default().timeout(2);
    let started = std::time::Instant::now();
    let events: Vec<_> = nodes.watch(&wp, &rv).await.unwrap().collect().await;
    assert!(started.elapsed() >= Duration::from_secs(2) && started.elapsed() < Duration::from_secs(5));
    assert!(events.iter().any(|e| matches!(e, Ok(WatchEvent::Bookmark(_)))), "{events:?}");
}

#[tokio::test]
async fn patches_scale_and_forbidden() {
    let (server, _) = TestServer::demo(7, 0).await;
    let c = client(&server).await;
    let deployments: Api<Deployment> = Api::namespaced(c.clone(), "storefront");
    let patch = json!({"spec": {"template": {"metadata": {"annotations": {"a": "b"}}}}});
    let d = deployments.patch("cart", &PatchParams::default(), &Patch::Strategic(&patch)).await.unwrap();
    assert_eq!(d.spec.unwrap().template.metadata.unwrap().annotations.unwrap()["a"], "b");
    assert_eq!(d.metadata.generation, Some(2));
    let s = deployments
        .patch_scale("cart", &PatchParams::default(), &Patch::Merge(json!({"spec": {"replicas": 7}})))
        .await
        .unwrap();
    assert_eq!(s.spec.unwrap().replicas, Some(7));
    assert_eq!(server.get("Deployment", "storefront", "cart").unwrap()["spec"]["replicas"], 7);
    server.fault("pods", Some("data"), FaultKind::Status(403));
    let err = Api::<Pod>::namespaced(c.clone(), "data").list(&ListParams::default()).await.unwrap_err();
    assert!(err.to_string().contains("forbidden"), "{err}");
    Api::<Pod>::namespaced(c, "storefront").list(&ListParams::default()).await.unwrap();
}

#[test]
fn merge_and_strategic_patch_semantics() {
    use support::kube_api::patch::{json_patch, merge, strategic};
    let base = json!({"spec": {"unschedulable": true, "containers": [
        {"name": "a", "image": "a:1"}, {"name": "b", "image": "b:1"}]}});
    // A merge patch replaces lists and deletes with null.
    let mut m = base.clone();
    merge(&mut m, &json!({"spec": {"unschedulable": null, "containers": [{"name": "b", "image": "b:2"}]}}));
    assert_eq!(m, json!({"spec": {"containers": [{"name": "b", "image": "b:2"}]}}));
    // A strategic merge patch merges named lists by key and honours $patch: delete.
    let mut s = base.clone();
    strategic(
        &mut s,
        &json!({"spec": {"containers": [{"name": "b", "image": "b:2"}, {"name": "a", "$patch": "delete"}]}}),
    );
    assert_eq!(s, json!({"spec": {"unschedulable": true, "containers": [{"name": "b", "image": "b:2"}]}}));
    let mut j = base;
    json_patch(
        &mut j,
        &json!([{"op": "replace", "path": "/spec/containers/0/image", "value": "a:9"},
        {"op": "remove", "path": "/spec/unschedulable"}]),
    )
    .unwrap();
    assert_eq!(j["spec"]["containers"][0]["image"], "a:9");
    assert!(j["spec"].get("unschedulable").is_none());
    assert!(json_patch(&mut j, &json!([{"op": "remove", "path": "/spec/nope"}])).is_err());
}
