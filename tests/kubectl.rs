//! kubectl against the Kubernetes-API test server: if the real client can get, watch, rollout
//! restart, scale and cordon against it, the server is faithful enough for the other tests —
//! and flightdeck's own requests can be compared with kubectl's, request for request.

mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use support::kube_api::TestServer;

fn kubectl(kubeconfig: &Path, cache: &Path, args: &[&str]) -> Command {
    let mut c = Command::new("kubectl");
    c.arg("--kubeconfig").arg(kubeconfig).arg("--cache-dir").arg(cache).args(args);
    c.env_remove("KUBECONFIG");
    c
}

async fn run(kubeconfig: &Path, cache: &Path, args: &[&str]) -> String {
    let mut c = kubectl(kubeconfig, cache, args);
    let out = tokio::task::spawn_blocking(move || {
        c.output().expect("kubectl is installed (scripts/test installs it)")
    })
    .await
    .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "kubectl {args:?} failed:\n{stdout}\n{stderr}");
    stdout.into_owned()
}

#[tokio::test]
async fn kubectl_gets_watches_restarts_scales_and_cordons() {
    let (server, _) = TestServer::demo(7, 0).await;
    let kc = server.kubeconfig(&["shop-prod"]);
    let cache = tempfile::tempdir().unwrap();
    let cache = cache.path();

    let pods: Value =
        serde_json::from_str(&run(&kc, cache, &["get", "pods", "-A", "-o", "json"]).await).unwrap();
    assert_eq!(pods["items"].as_array().unwrap().len(), server.list("Pod").len());
    let names = run(&kc, cache, &["get", "pods", "-n", "storefront", "-l", "app=cart", "-o", "name"]).await;
    assert!(!names.is_empty() && names.lines().all(|l| l.starts_with("pod/cart-")), "{names}");
    let table = run(&kc, cache, &["get", "nodes"]).await;
    let node = server.list("Node")[0]["metadata"]["name"].as_str().unwrap().to_string();
    assert!(table.contains(&node), "{table}");

    // get -w: the initial list, then a change as it happens.
    let mut watch =
        kubectl(&kc, cache, &["get", "nodes", "-w", "-o", "name"]).stdout(Stdio::piped()).spawn().unwrap();
    let stdout = watch.stdout.take().unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let n = server.list("Node").len();
    for _ in 0..n {
        tokio::time::timeout(Duration::from_secs(20), rx.recv()).await.expect("initial list").unwrap();
    }
    server.modify("Node", "", &node, |o| o["metadata"]["labels"]["touched"] = json!("yes"));
    let line = tokio::time::timeout(Duration::from_secs(20), rx.recv()).await.expect("the change").unwrap();
    assert_eq!(line, format!("node/{node}"));
    watch.kill().unwrap();
    let _ = watch.wait();

    // rollout restart: the patch flightdeck sends is kubectl's.
    let out = run(&kc, cache, &["rollout", "restart", "deployment/cart", "-n", "storefront"]).await;
    assert_eq!(out.trim(), "deployment.apps/cart restarted");
    let patch = server.requests_to("PATCH", "/deployments/cart").pop().unwrap();
    assert_eq!(patch.content_type, "application/strategic-merge-patch+json");
    let body = patch.json();
    let at = body["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"].clone();
    assert!(at.is_string(), "{body}");
    assert_eq!(
        body,
        json!({"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": at}}}}})
    );
    let d = server.get("Deployment", "storefront", "cart").unwrap();
    assert_eq!(d["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"], at);

    let out = run(&kc, cache, &["scale", "deployment/cart", "--replicas=4", "-n", "storefront"]).await;
    assert_eq!(out.trim(), "deployment.apps/cart scaled");
    assert_eq!(server.get("Deployment", "storefront", "cart").unwrap()["spec"]["replicas"], 4);

    // cordon / uncordon: the patches flightdeck sends.
    assert_eq!(run(&kc, cache, &["cordon", &node]).await.trim(), format!("node/{node} cordoned"));
    assert_eq!(run(&kc, cache, &["uncordon", &node]).await.trim(), format!("node/{node} uncordoned"));
    let patches: Vec<Value> =
        server.requests_to("PATCH", &format!("/nodes/{node}")).iter().map(|r| r.json()).collect();
    assert_eq!(patches, [json!({"spec": {"unschedulable": true}}), json!({"spec": {"unschedulable": null}})]);
}
