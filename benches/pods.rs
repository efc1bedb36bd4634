//! What a big cluster costs, printed as one table (no pass/fail): the project's Kubernetes-API
//! test server holding N pods (with their ReplicaSets, Deployments and pod metrics), the real
//! binary in tmux (200×50) on the Pods pane. Per size:
//! - first rows: seconds from start until the first pod row is on screen;
//! - all pods: until the Pods pane counts every pod (the screen polled every 20 ms);
//! - key → frame while loading: a second start, a pane switch (Infrastructure, Pods) sent every
//!   150 ms from the first frame until the list is whole, each timed until the screen shows it
//!   (tmux polled every 2 ms, so this is an upper bound that includes tmux's own capture);
//! - over the idle window, from the second metrics reading being asked for to the first asked
//!   for after 60 s (whole intervals between readings; the pods' usage changing every 15 s, as
//!   a real metrics-server's does, so each reading changes most rows): resident memory (median
//!   and peak of samples every second, and the kernel's high-water mark), CPU, requests a minute;
//! - with `--churn R`: R pod changes a second for 30 s on the largest size, CPU over them, and
//!   how far behind the screen is (a pod turned CrashLoopBackOff every 2 s, timed until its row
//!   shows at the top).
//!
//! Run: `scripts/bench` or `cargo bench --bench pods -- [--pods 5000,20000,100000] [--idle 60]
//! [--churn 200] [--quick]` (`--quick`: 5,000 and 20,000 pods, 15 s idle, churn 200);
//! `-- --serve N` only serves N pods and prints the kubeconfig, for profiling by hand;
//! `-- --lists N` compares ways of fetching the first list instead (`pods/lists.rs`).

#[path = "pods/lists.rs"]
mod lists;
#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use flightdeck::domain::format::count as group;
use serde_json::{Value, json};
use support::kube_api::TestServer;
use support::proc::figures as proc_figures;
use support::tmux::Tmux;

/// Pods per ReplicaSet, and per node (kubelet's default maximum is 110).
const PER_RS: usize = 10;
const PER_NODE: usize = 100;

fn namespace(i: usize) -> String {
    format!("team-{:02}", (i / PER_RS) % 40)
}

fn rs_name(d: usize) -> String {
    format!("svc-{d:05}-7d9f8b6c4")
}

fn pod_name(i: usize) -> String {
    format!("{}-{i:06x}", rs_name(i / PER_RS))
}

fn pod(i: usize) -> Value {
    let d = i / PER_RS;
    let rs = rs_name(d);
    let image = format!("123456789012.dkr.ecr.eu-west-1.amazonaws.com/svc-{:03}:1.{}.0", d % 300, d % 7);
    json!({
        "metadata": {
            "name": pod_name(i), "namespace": namespace(i),
            "labels": {"app": format!("svc-{d:05}"), "pod-template-hash": "7d9f8b6c4"},
            "uid": format!("pod-{i}"),
            "creationTimestamp": "2026-11-18T13:00:00Z",
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs,
                                 "uid": format!("rs-{d}"), "controller": true}]
        },
        "spec": {"nodeName": format!("ip-10-0-{}-{}.eu-west-1.compute.internal", (i / PER_NODE) / 250, (i / PER_NODE) % 250),
                 "containers": [{"name": "app", "image": image,
                                 "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}]},
        "status": {"phase": "Running", "startTime": "2026-11-18T13:00:00Z", "podIP": format!("10.1.{}.{}", i / 250 % 250, i % 250),
                   "conditions": [{"type": "Ready", "status": "True"}],
                   "containerStatuses": [{"name": "app", "image": image,
                       "imageID": "", "ready": true, "restartCount": 0, "started": true,
                       "state": {"running": {"startedAt": "2026-11-18T13:00:00Z"}}}]}
    })
}

fn replicaset(d: usize) -> Value {
    json!({
        "metadata": {"name": rs_name(d), "namespace": namespace(d * PER_RS), "uid": format!("rs-{d}"),
            "annotations": {"deployment.kubernetes.io/revision": "1"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": format!("svc-{d:05}"),
                                 "uid": format!("deploy-{d}"), "controller": true}]},
        "spec": {"replicas": PER_RS, "selector": {"matchLabels": {"app": format!("svc-{d:05}")}}},
        "status": {"replicas": PER_RS, "readyReplicas": PER_RS, "availableReplicas": PER_RS}
    })
}

fn deployment(d: usize) -> Value {
    json!({
        "metadata": {"name": format!("svc-{d:05}"), "namespace": namespace(d * PER_RS), "uid": format!("deploy-{d}"),
            "generation": 1},
        "spec": {"replicas": PER_RS, "selector": {"matchLabels": {"app": format!("svc-{d:05}")}},
            "template": {"metadata": {"labels": {"app": format!("svc-{d:05}")}}, "spec": {"containers": [{"name": "app", "image": "x"}]}}},
        "status": {"observedGeneration": 1, "replicas": PER_RS, "readyReplicas": PER_RS, "availableReplicas": PER_RS, "updatedReplicas": PER_RS}
    })
}

/// Pod `i`'s usage in metrics-server's `round`th reading: like a real cluster's, most pods'
/// figures differ from one reading to the next.
fn metrics(i: usize, round: usize) -> Value {
    let (cpu, mem) = ((i + round * 13) % 90 + 5, 90_000 + (i + round * 997) % 40_000);
    json!({"metadata": {"name": pod_name(i), "namespace": namespace(i)},
        "timestamp": "2026-11-18T14:00:00Z", "window": "30s",
        "containers": [{"name": "app", "usage": {"cpu": format!("{}n", cpu * 1_000_000), "memory": format!("{mem}Ki")}}]})
}

/// While it lives, every pod's usage changes every 15 s, as metrics-server scrapes: each of the
/// console's readings (every 30 s, 60 s above 50,000 pods) changes most rows, as on a real
/// cluster. Only over the idle window: rewriting 100,000 readings takes the bench's cores.
struct VaryingMetrics(tokio::task::JoinHandle<()>);

impl VaryingMetrics {
    fn start(s: &Arc<TestServer>, pods: usize) -> VaryingMetrics {
        let s = Arc::downgrade(s);
        VaryingMetrics(tokio::spawn(async move {
            for round in 1.. {
                let Some(s) = s.upgrade() else { return };
                for i in 0..pods {
                    s.put_metrics("PodMetrics", metrics(i, round));
                }
                drop(s);
                tokio::time::sleep(Duration::from_secs(15)).await;
            }
        }))
    }
}

impl Drop for VaryingMetrics {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn server(pods: usize) -> Arc<TestServer> {
    // A real API server sends a bookmark about once a minute; the tests' default (every 0.5 s,
    // so tests can wait on them) would be most of an idle client's work.
    let s = TestServer::start_with_bookmarks(Duration::from_secs(60)).await;
    for d in 0..pods.div_ceil(PER_RS) {
        s.put("Deployment", deployment(d));
        s.put("ReplicaSet", replicaset(d));
    }
    for i in 0..pods {
        s.put("Pod", pod(i));
        s.put_metrics("PodMetrics", metrics(i, 0));
    }
    Arc::new(s)
}

/// USER_HZ on Linux.
const HZ: f64 = 100.0;

struct Run {
    tmux: Tmux,
    started: Instant,
    kubeconfig: String,
    _dir: tempfile::TempDir,
}

impl Run {
    fn start(s: &TestServer) -> Run {
        let kubeconfig = s.kubeconfig(&["bench"]).display().to_string();
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("config.toml");
        std::fs::write(&cfg, "[argocd]\nenabled = false\n").unwrap();
        let line = format!(
            "env XDG_CONFIG_HOME={d}/c XDG_STATE_HOME={d}/s XDG_CACHE_HOME={d}/k {bin} --config {cfg} --kubeconfig {kubeconfig} -A",
            d = dir.path().display(),
            bin = env!("CARGO_BIN_EXE_flightdeck"),
            cfg = cfg.display(),
        );
        let tmux = Tmux::start(200, 50);
        let started = Instant::now();
        tmux.type_line(&line);
        tmux.keys(&["3"]);
        Run { tmux, started, kubeconfig, _dir: dir }
    }

    fn pid(&self) -> String {
        let out = std::process::Command::new("pgrep").args(["-n", "-f", &self.kubeconfig]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Poll the screen every 2 ms until `pred` holds; the time from `since`.
    fn until(&self, since: Instant, limit: Duration, pred: impl Fn(&str) -> bool) -> Option<Duration> {
        self.until_every(Duration::from_millis(2), since, limit, pred)
    }

    /// The same, polling every `every`: a capture costs tmux some 3 ms of CPU, so polling every
    /// 2 ms through a load of several seconds took most of one of the two cores from the
    /// console and the server.
    fn until_every(
        &self,
        every: Duration,
        since: Instant,
        limit: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> Option<Duration> {
        loop {
            if pred(&self.tmux.screen()) {
                return Some(since.elapsed());
            }
            if since.elapsed() > limit {
                return None;
            }
            std::thread::sleep(every);
        }
    }

    fn stop(self) {
        self.tmux.keys(&["q"]);
    }
}

fn all_counted(total: usize) -> impl Fn(&str) -> bool {
    let plain = format!(" {total} pods");
    let grouped = format!(" {} pods", group(total));
    move |s: &str| s.contains(&plain) || s.contains(&grouped)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

struct Row {
    pods: usize,
    first: Option<Duration>,
    all: Option<Duration>,
    rss_median: f64,
    rss_peak: f64,
    hwm: f64,
    idle_cpu: f64,
    per_min: f64,
    key_median: f64,
    key_max: f64,
    keys: usize,
}

/// Start, first rows, all rows; then the idle window.
fn load_and_idle(
    s: &Arc<TestServer>,
    pods: usize,
    idle: Duration,
) -> (Option<Duration>, Option<Duration>, [f64; 5]) {
    let run = Run::start(s);
    let limit = Duration::from_secs(300);
    let first = run.until(run.started, limit, |scr| scr.contains("svc-0"));
    let all = run.until_every(Duration::from_millis(20), run.started, limit, all_counted(pods));
    let pid = run.pid();
    // The steady state: the usage changes from now on, and the window runs from the second
    // metrics reading being asked for (the first, once the list is whole, puts usage on every
    // row) to the first one asked for after `idle`. It holds whole intervals between readings
    // (30 s; 60 s above 50,000 pods), each reading changing most rows, as on a real cluster.
    let varying = VaryingMetrics::start(s, pods);
    wait_for_reading(s, 2, limit);
    let requests_before = s.requests().len();
    let (t0, _, _) = proc_figures(&pid);
    let mut rss = Vec::new();
    let idle_start = Instant::now();
    while idle_start.elapsed() < idle {
        std::thread::sleep(Duration::from_secs(1));
        rss.push(proc_figures(&pid).1 as f64 / 1024.0);
    }
    let read = readings(s);
    wait_for_reading(s, read + 1, idle * 2);
    let (t1, _, hwm) = proc_figures(&pid);
    let window = idle_start.elapsed().as_secs_f64();
    drop(varying);
    let requests = s.requests().len() - requests_before;
    println!("{} pods: idle window {window:.1} s, metrics readings in it: {}", group(pods), read - 1);
    rss.sort_by(f64::total_cmp);
    let cpu = (t1 - t0) as f64 / HZ / window * 100.0;
    let per_min = requests as f64 * 60.0 / window;
    run.stop();
    let figures =
        [percentile(&rss, 0.5), *rss.last().unwrap_or(&f64::NAN), hwm as f64 / 1024.0, cpu, per_min];
    (first, all, figures)
}

/// Metrics readings asked for so far (not discovery's look at the group).
fn readings(s: &TestServer) -> usize {
    s.requests().iter().filter(|r| r.path.ends_with("metrics.k8s.io/v1beta1/pods")).count()
}

/// Until the `n`th reading is asked for (or `limit` passes).
fn wait_for_reading(s: &TestServer, n: usize, limit: Duration) {
    let since = Instant::now();
    while readings(s) < n && since.elapsed() < limit {
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A second start: while the list loads, switch panes every 150 ms and time each frame.
fn key_latency(s: &TestServer, pods: usize) -> Vec<f64> {
    let run = Run::start(s);
    let limit = Duration::from_secs(300);
    run.until_every(Duration::from_millis(20), run.started, limit, |scr| scr.contains("3 Pods"));
    let done = all_counted(pods);
    let mut times = Vec::new();
    // The Infrastructure pane's title and the Pods pane's, alternately.
    let mut to_infra = true;
    loop {
        let screen = run.tmux.screen();
        if done(&screen) || run.started.elapsed() > limit {
            break;
        }
        let (key, marker) = if to_infra { ("1", "┏ 1 Infrastructure") } else { ("3", "┏ 3 Pods") };
        let sent = Instant::now();
        run.tmux.keys(&[key]);
        if let Some(t) = run.until(sent, Duration::from_secs(10), |scr| scr.contains(marker)) {
            times.push(t.as_secs_f64() * 1000.0);
        }
        to_infra = !to_infra;
        std::thread::sleep(Duration::from_millis(150));
    }
    run.stop();
    times.sort_by(f64::total_cmp);
    times
}

async fn measure(pods: usize, idle: Duration) -> Row {
    let s = server(pods).await;
    let (first, all, [rss_median, rss_peak, hwm, idle_cpu, per_min]) =
        tokio::task::block_in_place(|| load_and_idle(&s, pods, idle));
    let keys = tokio::task::block_in_place(|| key_latency(&s, pods));
    Row {
        pods,
        first,
        all,
        rss_median,
        rss_peak,
        hwm,
        idle_cpu,
        per_min,
        key_median: percentile(&keys, 0.5),
        key_max: *keys.last().unwrap_or(&f64::NAN),
        keys: keys.len(),
    }
}

fn secs(d: Option<Duration>) -> String {
    d.map_or("  >300".into(), |d| format!("{:>6.2}", d.as_secs_f64()))
}

fn print(rows: &[Row]) {
    println!();
    println!(
        "| pods | first rows | all pods | RSS median / peak (high-water) | KB a pod | idle CPU | requests/min | key → frame while loading (median / max, n) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {} s | {} s | {:.0} / {:.0} ({:.0}) MB | {:.1} | {:.2} % | {:.1} | {:.0} / {:.0} ms ({}) |",
            group(r.pods),
            secs(r.first).trim(),
            secs(r.all).trim(),
            r.rss_median,
            r.rss_peak,
            r.hwm,
            r.rss_median * 1024.0 / r.pods as f64,
            r.idle_cpu,
            r.per_min,
            r.key_median,
            r.key_max,
            r.keys,
        );
    }
}

/// `rate` pod changes a second for `window` (restart counts go up on a rotating set of pods),
/// with a pod turned CrashLoopBackOff every 2 s and timed until it heads the screen.
async fn churn(pods: usize, rate: usize, window: Duration) {
    let s = server(pods).await;
    let run = Run::start(&s);
    let all = all_counted(pods);
    let limit = Duration::from_secs(300);
    tokio::task::block_in_place(|| run.until_every(Duration::from_millis(20), run.started, limit, all));
    std::thread::sleep(Duration::from_secs(2));
    let pid = run.pid();
    let (t0, rss0, _) = proc_figures(&pid);
    let begun = Instant::now();
    let mut lags = Vec::new();
    let mut changed = 0usize;
    let mut next_mark = Duration::from_secs(1);
    let mut marked_pod = None;
    let tick = Duration::from_millis(50);
    let per_tick = (rate * tick.as_millis() as usize / 1000).max(1);
    let mut n = 0usize;
    while begun.elapsed() < window {
        let tick_start = Instant::now();
        for _ in 0..per_tick {
            let i = (n * 7919) % pods;
            n += 1;
            s.modify("Pod", &namespace(i), &pod_name(i), |p| {
                let c = &mut p["status"]["containerStatuses"][0]["restartCount"];
                *c = json!(c.as_u64().unwrap_or(0) + 1);
            });
            changed += 1;
        }
        if begun.elapsed() >= next_mark {
            next_mark += Duration::from_secs(2);
            // The last mark is healed first, so the new one is the only problem and heads the list.
            if let Some(last) = marked_pod.take() {
                s.put("Pod", pod(last));
            }
            let i = (n * 104_729) % pods;
            marked_pod = Some(i);
            let name = pod_name(i);
            s.modify("Pod", &namespace(i), &name, |p| {
                p["status"]["containerStatuses"][0]["ready"] = json!(false);
                p["status"]["containerStatuses"][0]["state"] =
                    json!({"waiting": {"reason": "CrashLoopBackOff", "message": "back-off"}});
            });
            let marked = Instant::now();
            let lag = tokio::task::block_in_place(|| {
                run.until(marked, Duration::from_secs(30), |scr| {
                    scr.lines().take(12).any(|l| l.contains(&name) && l.contains("CrashLoop"))
                })
            });
            lags.push(lag.map_or(f64::INFINITY, |d| d.as_secs_f64() * 1000.0));
        }
        tokio::time::sleep(tick.saturating_sub(tick_start.elapsed())).await;
    }
    let elapsed = begun.elapsed().as_secs_f64();
    let (t1, rss1, hwm) = proc_figures(&pid);
    run.stop();
    let cpu = (t1 - t0) as f64 / HZ / elapsed * 100.0;
    let lag_text: Vec<String> = lags.iter().map(|l| format!("{l:.0}")).collect();
    println!(
        "\nchurn on {} pods: {:.0} changes/s for {elapsed:.0} s · CPU {cpu:.1} % of a core · RSS {:.0} → {:.0} MB (high-water {:.0}) · screen behind by (ms, every 2 s): {}",
        group(pods),
        changed as f64 / elapsed,
        rss0 as f64 / 1024.0,
        rss1 as f64 / 1024.0,
        hwm as f64 / 1024.0,
        lag_text.join(" "),
    );
}

fn arg(name: &str) -> Option<String> {
    arg_after(name, 1)
}

/// The `n`th argument after `name`.
fn arg_after(name: &str, n: usize) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + n).cloned())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    if let Some(n) = arg("--serve").and_then(|n| n.replace('_', "").parse().ok()) {
        // For profiling by hand: a server of N pods, its kubeconfig printed, until interrupted.
        let s = server(n).await;
        // `--static`: the usage never changes (for `--lists`, whose figures are the client's).
        let _varying = (!std::env::args().any(|a| a == "--static")).then(|| VaryingMetrics::start(&s, n));
        // `--rtt MS`: each pods request answered that much later, as a cluster far away.
        if let Some(ms) = arg("--rtt").and_then(|ms| ms.parse().ok()) {
            s.fault("pods", None, support::kube_api::FaultKind::Slow(Duration::from_millis(ms)));
        }
        println!("{n} pods; kubeconfig: {}", s.kubeconfig(&["bench"]).display());
        std::future::pending::<()>().await;
    }
    if let Some(n) = arg("--lists").and_then(|n| n.replace('_', "").parse().ok()) {
        return tokio::task::block_in_place(|| lists::run(n));
    }
    if let (Some(kubeconfig), Some(form)) = (arg("--list-client"), arg_after("--list-client", 2)) {
        return lists::client(&kubeconfig, &form).await;
    }
    let quick = std::env::args().any(|a| a == "--quick");
    let sizes: Vec<usize> = match arg("--pods") {
        Some(list) => list.split(',').filter_map(|n| n.trim().replace('_', "").parse().ok()).collect(),
        None if quick => vec![5_000, 20_000],
        None => vec![5_000, 20_000, 100_000],
    };
    let idle = Duration::from_secs(arg("--idle").and_then(|s| s.parse().ok()).unwrap_or(if quick {
        15
    } else {
        60
    }));
    let rate: usize = arg("--churn").and_then(|s| s.parse().ok()).unwrap_or(200);
    println!(
        "pods benchmark: {sizes:?} pods ({PER_RS} a ReplicaSet, {PER_NODE} a node, with metrics), tmux 200×50, idle window {} s",
        idle.as_secs()
    );
    let mut rows = Vec::new();
    for &n in &sizes {
        let row = measure(n, idle).await;
        print(std::slice::from_ref(&row));
        rows.push(row);
    }
    print(&rows);
    if rate > 0 {
        let n = sizes.iter().copied().filter(|&n| n <= 20_000).max().unwrap_or(sizes[0]);
        churn(n, rate, Duration::from_secs(30)).await;
    }
}
