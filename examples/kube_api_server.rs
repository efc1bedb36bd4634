//! The tests' Kubernetes-API server as a program, to point flightdeck or kubectl at by hand and
//! to measure with many pods: `cargo run --example kube_api_server -- --pods 10000`. It prints
//! the kubeconfig to use and serves until stopped.

#[allow(dead_code)]
#[path = "../tests/support/kube_api/mod.rs"]
mod kube_api;

use serde_json::json;

#[tokio::main]
async fn main() {
    let mut pods_wanted = 0usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--pods" => pods_wanted = args.next().and_then(|n| n.parse().ok()).expect("--pods N"),
            other => panic!("unknown argument {other}; use --pods N"),
        }
    }
    let (server, _) = kube_api::TestServer::demo(7, 0).await;
    let templates = server.list("Pod");
    let mut i = 0;
    while templates.len() + i < pods_wanted {
        // Copies of the demo's pods in extra namespaces, on the same nodes.
        let mut p = templates[i % templates.len()].clone();
        let name = format!("{}-x{i}", p["metadata"]["name"].as_str().unwrap());
        p["metadata"]["name"] = json!(name);
        p["metadata"]["namespace"] = json!(format!("load-{}", i % 20));
        p["metadata"].as_object_mut().unwrap().remove("uid");
        server.put("Pod", p);
        i += 1;
    }
    let kubeconfig = server.kubeconfig(&["shop-prod"]);
    println!("{} pods at {}", server.list("Pod").len(), server.url());
    println!("KUBECONFIG={}", kubeconfig.display());
    tokio::signal::ctrl_c().await.unwrap();
}
