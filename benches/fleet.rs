//! What a fleet costs, printed as figures (no pass/fail): the real binary in tmux (200×50)
//! watching N Kubernetes-API test servers of P pods each with `--all-contexts`. For each
//! fleet: seconds from start until the Pods pane counts every pod, resident memory then and
//! its peak, CPU over an idle minute, and the requests the servers saw in that minute (watches
//! only: there must be no periodic list). Then the same with one more, empty, cluster.
//! Run: `cargo bench --bench fleet` (`-- --quick`: 2 × 2,000 pods and a 15 s idle window).

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::kube_api::TestServer;
use support::proc::figures as proc_figures;
use support::tmux::Tmux;

fn pod(cluster: usize, i: usize) -> Value {
    let ns = ["storefront", "data", "monitoring", "kube-system", "argocd"][i % 5];
    let name = format!("worker-{:05}-7d9f8b6c4-{:05x}", i / 10, i);
    let owner = format!("worker-{:05}-7d9f8b6c4", i / 10);
    json!({
        "metadata": {
            "name": name, "namespace": ns, "labels": {"app": format!("worker-{:05}", i / 10)},
            "creationTimestamp": "2026-11-18T13:00:00Z",
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": owner,
                                 "uid": format!("rs-{cluster}-{owner}"), "controller": true}]
        },
        "spec": {"nodeName": format!("ip-10-{cluster}-{}-{}.ec2.internal", i % 4, i % 200),
                 "containers": [{"name": "app", "image": "registry.example.com/worker:1.4.2",
                                 "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}]},
        "status": {"phase": "Running", "startTime": "2026-11-18T13:00:00Z",
                   "conditions": [{"type": "Ready", "status": "True"}],
                   "containerStatuses": [{"name": "app", "image": "registry.example.com/worker:1.4.2",
                       "imageID": "", "ready": true, "restartCount": 0, "started": true,
                       "state": {"running": {"startedAt": "2026-11-18T13:00:00Z"}}}]}
    })
}

async fn servers(n: usize, pods: usize, empty: usize) -> Vec<TestServer> {
    let mut out = Vec::new();
    for c in 0..n + empty {
        // A bookmark a minute on each watch, as a real API server sends (the tests' every 0.5 s
        // would be most of an idle fleet's work: ten clusters of nine watches).
        let s = TestServer::start_with_bookmarks(Duration::from_secs(60)).await;
        s.set_metrics(false);
        if c < n {
            for i in 0..pods {
                s.put("Pod", pod(c, i));
            }
        }
        out.push(s);
    }
    out
}

async fn measure(label: &str, n: usize, pods: usize, empty: usize, idle: Duration) {
    let fleet = servers(n, pods, empty).await;
    let names: Vec<String> = (0..fleet.len()).map(|i| format!("bench-{i:02}")).collect();
    let contexts: Vec<(&str, &TestServer, Option<&str>)> =
        names.iter().zip(&fleet).map(|(name, s)| (name.as_str(), s, None)).collect();
    let kubeconfig = fleet[0].kubeconfig_for(&contexts);
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "[argocd]\nenabled = false\n").unwrap();
    let args = if fleet.len() > 1 { "--all-contexts" } else { "" };
    let line = format!(
        "env XDG_CONFIG_HOME={d}/c XDG_STATE_HOME={d}/s XDG_CACHE_HOME={d}/k {bin} --config {cfg} --kubeconfig {kc} {args}",
        d = dir.path().display(),
        bin = env!("CARGO_BIN_EXE_flightdeck"),
        cfg = cfg.display(),
        kc = kubeconfig.display(),
    );
    let t = Tmux::start(200, 50);
    let started = Instant::now();
    t.type_line(&line);
    t.keys(&["3"]);
    let total = n * pods;
    let want = format!("{total} pods");
    t.wait_for("every pod counted", Duration::from_secs(300), |s| s.contains(&want));
    let loaded = started.elapsed();
    let pid =
        std::process::Command::new("pgrep").args(["-n", "-f", &kubeconfig.display().to_string()]).output();
    let pid = String::from_utf8_lossy(&pid.unwrap().stdout).trim().to_string();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let requests_before: usize = fleet.iter().map(|s| s.requests().len()).sum();
    let (t0, rss0, _) = proc_figures(&pid);
    tokio::time::sleep(idle).await;
    let (t1, rss1, peak) = proc_figures(&pid);
    let requests: usize = fleet.iter().map(|s| s.requests().len()).sum::<usize>() - requests_before;
    let hz = 100.0; // USER_HZ on Linux
    let cpu = (t1 - t0) as f64 / hz / idle.as_secs_f64() * 100.0;
    let per_min = requests as f64 * 60.0 / idle.as_secs_f64();
    println!(
        "{label:<28} all {total:>6} pods on screen {:>6.2} s · RSS {:>6.1} MB (peak {:>6.1} MB, {:>5.2} KB/pod) · idle CPU {cpu:>5.2} % · {per_min:>5.1} requests/min",
        loaded.as_secs_f64(),
        rss1.max(rss0) as f64 / 1024.0,
        peak as f64 / 1024.0,
        if total > 0 { rss1 as f64 / total as f64 } else { 0.0 },
    );
    t.keys(&["q"]);
}

#[tokio::main]
async fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (n, pods, idle) = if quick { (2, 2_000, 15) } else { (10, 5_000, 60) };
    let idle = Duration::from_secs(idle);
    println!("fleet benchmark: {n} clusters × {pods} pods, idle window {} s", idle.as_secs());
    measure("one cluster", 1, pods, 0, idle).await;
    measure("one cluster + one empty", 1, pods, 1, idle).await;
    measure(&format!("{n} clusters"), n, pods, 0, idle).await;
}
