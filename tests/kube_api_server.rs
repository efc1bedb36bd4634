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
async fn the_watch_list_form_sends_every_object_then_marks_their_end() {
    let (server, _) = TestServer::demo(7, 0).await;
    let pods: Api<Pod> = Api::all(client(&server).await);
    // As the API server answers `sendInitialEvents=true`: ADDED for each, then a bookmark
    // annotated `k8s.io/initial-events-end`.
    let wp = WatchParams::streaming_lists().timeout(1);
    let events: Vec<_> = pods.watch(&wp, "0").await.unwrap().try_collect().await.unwrap();
    let added = events.iter().take_while(|e| matches!(e, WatchEvent::Added(_))).count();
    assert_eq!(added, server.list("Pod").len());
    let Some(WatchEvent::Bookmark(end)) = events.get(added) else { panic!("{:?}", events.get(added)) };
    assert_eq!(end.metadata.annotations.get("k8s.io/initial-events-end").map(String::as_str), Some("true"));
    // kube-runtime's watcher in that form sees the whole list, then the changes.
    let mut w =
        kube::runtime::watcher(pods, kube::runtime::watcher::Config::default().streaming_lists()).boxed();
    let mut listed = 0;
    while let Some(ev) = w.try_next().await.unwrap() {
        match ev {
            kube::runtime::watcher::Event::InitApply(_) => listed += 1,
            kube::runtime::watcher::Event::InitDone => break,
            _ => {}
        }
    }
    assert_eq!(listed, server.list("Pod").len());
    let (ns, name) = {
        let p = &server.list("Pod")[0];
        (
            p["metadata"]["namespace"].as_str().unwrap().to_string(),
            p["metadata"]["name"].as_str().unwrap().to_string(),
        )
    };
    server.delete("Pod", &ns, &name);
    let ev = tokio::time::timeout(Duration::from_secs(5), w.try_next()).await.unwrap().unwrap();
    assert!(matches!(ev, Some(kube::runtime::watcher::Event::Delete(_))), "{ev:?}");
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

/// A running pod of the demo's `cart`, and its container.
fn running_cart(server: &TestServer) -> (String, String) {
    let pod = server
        .list("Pod")
        .into_iter()
        .find(|p| {
            p["metadata"]["namespace"] == "storefront"
                && p["metadata"]["labels"]["app"] == "cart"
                && p["status"]["containerStatuses"][0]["state"]["running"].is_object()
        })
        .expect("a running cart pod");
    let name = pod["metadata"]["name"].as_str().unwrap().to_string();
    let container = pod["spec"]["containers"][0]["name"].as_str().unwrap().to_string();
    (name, container)
}

#[tokio::test]
async fn the_table_form_as_kubectl_gets_it_and_crds_serve_their_kinds() {
    let (server, _) = TestServer::demo(7, 0).await;
    let c = client(&server).await;
    let table = |path: &str| {
        axum::http::Request::get(path)
            .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
            .body(Vec::new())
            .unwrap()
    };
    let t: serde_json::Value =
        c.request(table("/api/v1/namespaces/storefront/services?limit=500")).await.unwrap();
    assert_eq!(t["kind"], "Table");
    let cols: Vec<&str> =
        t["columnDefinitions"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(cols, ["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"]);
    let cart =
        t["rows"].as_array().unwrap().iter().find(|r| r["cells"][0] == "cart").expect("the cart service");
    assert_eq!(cart["cells"][4], "80/TCP");
    assert_eq!(cart["object"]["kind"], "PartialObjectMetadata");
    // A CRD's printer columns; its kind is found by discovery.
    let t: serde_json::Value = c.request(table("/apis/cert-manager.io/v1/certificates")).await.unwrap();
    let cols: Vec<&str> =
        t["columnDefinitions"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(cols, ["Name", "Ready", "Secret", "Age"]);
    let d = kube::discovery::Discovery::new(c.clone()).run().await.unwrap();
    assert!(d.groups().any(|g| g.name() == "cert-manager.io"), "discovery finds the CRD's group");
    // A watch in the Table form: one row an event, the columns in the first only.
    let rv = t["metadata"]["resourceVersion"].as_str().unwrap().to_string();
    let req = axum::http::Request::get(format!(
        "/apis/cert-manager.io/v1/certificates?watch=1&resourceVersion={rv}"
    ))
    .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
    .body(Vec::new())
    .unwrap();
    let mut events = c.request_events::<serde_json::Value>(req).await.unwrap().boxed();
    for (ns, name) in [("storefront", "storefront-tls"), ("monitoring", "grafana-tls")] {
        server.modify("Certificate", ns, name, |o| o["metadata"]["labels"] = json!({"touched": "yes"}));
    }
    let first = events.try_next().await.unwrap().unwrap();
    let second = events.try_next().await.unwrap().unwrap();
    let (WatchEvent::Modified(first), WatchEvent::Modified(second)) = (first, second) else {
        panic!("two changes")
    };
    assert_eq!(first["rows"].as_array().unwrap().len(), 1);
    assert!(first["columnDefinitions"].is_array() && second["columnDefinitions"].is_null(), "{second}");
}

#[tokio::test]
async fn exec_runs_the_command_and_reports_its_exit() {
    use kube::api::AttachParams;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (server, _) = TestServer::demo(7, 0).await;
    let pods: Api<Pod> = Api::namespaced(client(&server).await, "storefront");
    let (pod, container) = running_cart(&server);
    let ap = AttachParams::default().container(&container).stderr(false);
    let mut p = pods.exec(&pod, ["sh", "-c", "echo hello from $HOSTNAME; exit 3"], &ap).await.unwrap();
    let mut out = String::new();
    p.stdout().unwrap().read_to_string(&mut out).await.unwrap();
    let status = p.take_status().unwrap().await.unwrap();
    assert_eq!(out, format!("hello from {pod}\n"));
    assert_eq!(status.reason.as_deref(), Some("NonZeroExitCode"), "{status:?}");
    // With a terminal: an interactive shell reads a line, answers, and exits.
    let ap = AttachParams::interactive_tty().container(&container);
    let mut p = pods.exec(&pod, ["sh"], &ap).await.unwrap();
    let mut stdin = p.stdin().unwrap();
    let mut stdout = p.stdout().unwrap();
    stdin.write_all(b"echo $((6 * 7))\r").await.unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 1024];
    while !seen.contains("42\r\n") {
        let n = tokio::time::timeout(Duration::from_secs(10), stdout.read(&mut buf)).await.unwrap().unwrap();
        assert!(n > 0, "the shell ended early: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    stdin.write_all(b"exit\r").await.unwrap();
    let status =
        tokio::time::timeout(Duration::from_secs(10), p.take_status().unwrap()).await.unwrap().unwrap();
    assert_eq!(status.status.as_deref(), Some("Success"), "{status:?}");
    // A container that does not run cannot be exec'd into.
    server.modify("Pod", "storefront", &pod, |o| o["status"]["phase"] = json!("Pending"));
    let err = pods.exec(&pod, ["true"], &AttachParams::default().container(&container)).await.err().unwrap();
    assert!(err.to_string().contains("container not found"), "{err}");
}

#[tokio::test]
async fn port_forward_reaches_the_pods_port_and_ends_with_the_pod() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (server, _) = TestServer::demo(7, 0).await;
    let pods: Api<Pod> = Api::namespaced(client(&server).await, "storefront");
    let (pod, _) = running_cart(&server);
    let echo = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    server.serve_port("storefront", &pod, 8080, echo.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut s, _)) = echo.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 64];
                while let Ok(n) = s.read(&mut buf).await {
                    if n == 0 || s.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    let mut pf = pods.portforward(&pod, &[8080]).await.unwrap();
    let mut stream = pf.take_stream(8080).unwrap();
    stream.write_all(b"ping").await.unwrap();
    let mut buf = [0u8; 4];
    stream.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"ping");
    let forward = server.requests_to("GET", &format!("/pods/{pod}/portforward")).pop().unwrap();
    assert_eq!(forward.query.trim_start_matches('&'), "ports=8080");
    assert_eq!(forward.header("sec-websocket-protocol"), "v5.channel.k8s.io, v4.channel.k8s.io");
    // The pod goes: the forward ends.
    server.delete("Pod", "storefront", &pod);
    let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf)).await.unwrap().unwrap_or(0);
    assert_eq!(n, 0, "the stream ends with the pod");
    // A port nothing listens on: the kubelet's refusal on the error channel.
    let (other, _) = running_cart(&server);
    let mut pf = pods.portforward(&other, &[9999]).await.unwrap();
    let err = tokio::time::timeout(Duration::from_secs(10), pf.take_error(9999).unwrap()).await.unwrap();
    assert!(err.unwrap_or_default().contains("connection refused"));
}
