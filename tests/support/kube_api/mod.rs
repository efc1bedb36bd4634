//! A Kubernetes API server for tests, on 127.0.0.1, that the real kube client talks to over
//! HTTP through a kubeconfig. It keeps objects with resourceVersions, serves discovery, list
//! (selectors, limit / continue), watch (replay from a version, bookmarks, 410 Expired,
//! timeoutSeconds), get, create, update, merge / strategic-merge / JSON patch, delete (pods
//! terminate gracefully), the scale and status subresources, pod logs, metrics.k8s.io and the
//! Argo CD Application resource; and faults on demand: 401, 403 or 500 per resource and
//! namespace, a body cut short (on lists and on watches), throttling (429 with Retry-After),
//! 503, slowness, compaction (410, once or on every watch) and going down.
//! Every request is recorded so a test can assert exactly what a client sent.

pub mod discovery;
pub mod exec;
pub mod forward;
pub mod http;
pub mod patch;
pub mod proxy;
pub mod seed;
pub mod seed_kinds;
pub mod select;
pub mod store;
pub mod stream;
pub mod table;
pub mod upgrade;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::broadcast;

pub use store::Db;

#[derive(Clone, Debug)]
pub enum FaultKind {
    /// Answer with this status (401, 403, 500 …) as a Status object.
    Status(u16),
    /// A 200 whose body is cut short: a list that stops mid-object, or a watch whose first
    /// event is cut off mid-line before the stream ends.
    Malformed,
    /// Wait before answering.
    Slow(Duration),
    /// 429 Too Many Requests with `Retry-After: N` and a plain-text body, as API priority and
    /// fairness answers when it sheds load.
    Throttled(u64),
    /// 503 Service Unavailable with `Retry-After: N` and a Status body.
    Unavailable(u64),
    /// Every watch is answered with one ERROR event, 410 Expired, as when the client's version
    /// was compacted away; lists succeed. A client that relists at once loops.
    Expired,
}

#[derive(Clone, Debug)]
pub struct Fault {
    /// The resource's plural (`pods`, in any group), a subresource alone (`pods/log`), one
    /// group's resource (`pods.metrics.k8s.io`), or `*` for every one.
    pub plural: String,
    /// Only requests in this namespace (and cluster-wide ones, which need every namespace).
    pub namespace: Option<String>,
    /// Only this verb (`list`, `watch`, `get` …); every verb when `None`.
    pub verb: Option<String>,
    pub kind: FaultKind,
}

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: String,
    pub content_type: String,
    pub body: String,
    /// Every header, by lowercase name (repeated ones joined with ", ").
    pub headers: HashMap<String, String>,
}

impl Recorded {
    pub fn is_watch(&self) -> bool {
        self.query.split('&').any(|p| p == "watch=true" || p == "watch=1")
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }
}

pub type LogKey = (String, String, String, bool);

pub struct Shared {
    pub db: Mutex<Db>,
    pub faults: Mutex<Vec<Fault>>,
    pub requests: Mutex<Vec<Recorded>>,
    pub metrics: AtomicBool,
    pub down: AtomicBool,
    pub token: Mutex<String>,
    pub bookmark_every: Duration,
    /// Watches open now, and bookmarks sent on any: what tests wait on to know time has
    /// passed for the client (instead of sleeping).
    pub open_watches: std::sync::atomic::AtomicUsize,
    pub bookmarks_sent: std::sync::atomic::AtomicUsize,
    pub pod_grace: Duration,
    /// (namespace, pod, container, previous) → lines.
    pub logs: Mutex<HashMap<LogKey, Vec<String>>>,
    pub log_lines: broadcast::Sender<(LogKey, String)>,
    /// (namespace, pod, port) → where a port-forward to that pod's port goes.
    pub ports: Mutex<HashMap<(String, String, u16), SocketAddr>>,
    /// (namespace, service, port as the proxy path names it) → the server behind it.
    pub services: Mutex<HashMap<(String, String, String), SocketAddr>>,
}

pub struct TestServer {
    pub shared: Arc<Shared>,
    pub addr: SocketAddr,
    serve: Mutex<Option<tokio::task::JoinHandle<()>>>,
    dir: tempfile::TempDir,
}

pub const TOKEN: &str = "flightdeck-test-token";

impl TestServer {
    /// An empty server.
    pub async fn start() -> TestServer {
        TestServer::start_with_bookmarks(Duration::from_millis(500)).await
    }

    /// An empty server that sends a bookmark on each watch every `every` (a real API server:
    /// about once a minute; tests wait on them, so the default is short).
    pub async fn start_with_bookmarks(every: Duration) -> TestServer {
        let (log_lines, _) = broadcast::channel(1024);
        let shared = Arc::new(Shared {
            db: Mutex::new(Db::new("2026-11-18T14:00:00Z".into())),
            faults: Mutex::new(Vec::new()),
            requests: Mutex::new(Vec::new()),
            metrics: AtomicBool::new(true),
            down: AtomicBool::new(false),
            token: Mutex::new(TOKEN.into()),
            bookmark_every: every,
            open_watches: Default::default(),
            bookmarks_sent: Default::default(),
            pod_grace: Duration::from_millis(300),
            logs: Mutex::new(HashMap::new()),
            log_lines,
            ports: Mutex::new(HashMap::new()),
            services: Mutex::new(HashMap::new()),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let addr = listener.local_addr().unwrap();
        let server = TestServer { shared, addr, serve: Mutex::new(None), dir: tempfile::tempdir().unwrap() };
        server.serve(listener);
        server
    }

    /// A server holding the demo world at `seed` after `at_secs` simulated seconds, started so
    /// that its present is now (the source judges "not ready for a minute" by the wall clock).
    /// Returns the world's epoch too, to build the same world for comparison.
    pub async fn demo(seed: u64, at_secs: u64) -> (TestServer, i64) {
        let epoch = flightdeck::sources::wall_now() / 1000 * 1000 - at_secs as i64 * 1000;
        (TestServer::demo_at(seed, epoch, at_secs).await, epoch)
    }

    pub async fn demo_at(seed: u64, epoch: i64, at_secs: u64) -> TestServer {
        let server = TestServer::start().await;
        seed::demo_world(&server, seed, epoch, at_secs);
        server
    }

    fn serve(&self, listener: tokio::net::TcpListener) {
        let shared = self.shared.clone();
        let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
            let shared = shared.clone();
            async move {
                if upgrade::wants(&req) {
                    http::record(&shared, &req, "");
                    return upgrade::handle(shared, req).await;
                }
                let (parts, body) = req.into_parts();
                let body = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
                http::handle(shared, parts.method, parts.uri, parts.headers, body).await
            }
        });
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        *self.serve.lock().unwrap() = Some(task);
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A kubeconfig file with one context per name given, all pointing at this server.
    pub fn kubeconfig(&self, contexts: &[&str]) -> PathBuf {
        let mut text = format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: test\n  cluster:\n    server: {}\nusers:\n- name: tester\n  user:\n    token: {TOKEN}\ncontexts:\n",
            self.url()
        );
        for c in contexts {
            text.push_str(&format!("- name: {c}\n  context:\n    cluster: test\n    user: tester\n"));
        }
        text.push_str(&format!("current-context: {}\n", contexts[0]));
        let path = self.dir.path().join(format!("kubeconfig-{}", contexts.join("-")));
        std::fs::write(&path, text).unwrap();
        path
    }

    /// A kubeconfig whose contexts point at different servers: (context, server, namespace).
    pub fn kubeconfig_for(&self, contexts: &[(&str, &TestServer, Option<&str>)]) -> PathBuf {
        let mut text = String::from("apiVersion: v1\nkind: Config\nclusters:\n");
        for (i, (_, server, _)) in contexts.iter().enumerate() {
            text.push_str(&format!("- name: c{i}\n  cluster:\n    server: {}\n", server.url()));
        }
        text.push_str(&format!("users:\n- name: tester\n  user:\n    token: {TOKEN}\ncontexts:\n"));
        for (i, (name, _, ns)) in contexts.iter().enumerate() {
            text.push_str(&format!("- name: {name}\n  context:\n    cluster: c{i}\n    user: tester\n"));
            if let Some(ns) = ns {
                text.push_str(&format!("    namespace: {ns}\n"));
            }
        }
        text.push_str(&format!("current-context: {}\n", contexts[0].0));
        let path = self.dir.path().join("kubeconfig-multi");
        std::fs::write(&path, text).unwrap();
        path
    }

    /// The kind named `kind` (`Pod`, `Certificate`), built in or served through a CRD.
    pub fn kind(&self, kind: &str) -> &'static store::Kind {
        let db = self.shared.db.lock().unwrap();
        db.kind_named(kind).unwrap_or_else(|| panic!("the test server does not serve {kind}"))
    }

    pub fn put(&self, kind: &str, obj: Value) -> Value {
        let k = self.kind(kind);
        self.shared.db.lock().unwrap().put(k, obj)
    }

    /// Change a stored object in place (as a controller or the kubelet would).
    pub fn modify(&self, kind: &str, ns: &str, name: &str, f: impl FnOnce(&mut Value)) -> Value {
        let k = self.kind(kind);
        let mut db = self.shared.db.lock().unwrap();
        let mut obj = db.get(k, ns, name).unwrap_or_else(|| panic!("no {kind} {ns}/{name}"));
        f(&mut obj);
        db.put(k, obj)
    }

    /// metrics.k8s.io objects (PodMetrics, NodeMetrics), which clients can only read.
    pub fn put_metrics(&self, kind: &str, obj: Value) -> Value {
        let k = store::KINDS.iter().find(|k| k.kind == kind && k.readonly).expect("a metrics kind");
        self.shared.db.lock().unwrap().put(k, obj)
    }

    pub fn get(&self, kind: &str, ns: &str, name: &str) -> Option<Value> {
        let k = self.kind(kind);
        self.shared.db.lock().unwrap().get(k, ns, name)
    }

    pub fn delete(&self, kind: &str, ns: &str, name: &str) -> Option<Value> {
        let k = self.kind(kind);
        self.shared.db.lock().unwrap().remove(k, ns, name)
    }

    pub fn list(&self, kind: &str) -> Vec<Value> {
        let k = self.kind(kind);
        self.shared.db.lock().unwrap().list(k, None)
    }

    /// Compaction plus an API server restart: open watches end and old versions give 410.
    pub fn expire(&self) {
        self.shared.db.lock().unwrap().expire();
    }

    pub fn fault(&self, plural: &str, namespace: Option<&str>, kind: FaultKind) {
        let f = Fault { plural: plural.into(), namespace: namespace.map(str::to_string), verb: None, kind };
        self.shared.faults.lock().unwrap().push(f);
    }

    /// A fault on one verb only, e.g. watches cut short while lists answer.
    pub fn fault_on(&self, verb: &str, plural: &str, namespace: Option<&str>, kind: FaultKind) {
        let f = Fault {
            plural: plural.into(),
            namespace: namespace.map(str::to_string),
            verb: Some(verb.into()),
            kind,
        };
        self.shared.faults.lock().unwrap().push(f);
    }

    pub fn clear_faults(&self) {
        self.shared.faults.lock().unwrap().clear();
    }

    pub fn set_metrics(&self, on: bool) {
        self.shared.metrics.store(on, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn append_log(&self, ns: &str, pod: &str, container: &str, previous: bool, line: &str) {
        let key = (ns.to_string(), pod.to_string(), container.to_string(), previous);
        self.shared.logs.lock().unwrap().entry(key.clone()).or_default().push(line.to_string());
        let _ = self.shared.log_lines.send((key, line.to_string()));
    }

    /// Stop listening (new connections are refused) and end open watches.
    pub fn go_down(&self) {
        self.shared.down.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(t) = self.serve.lock().unwrap().take() {
            t.abort();
        }
        self.shared.db.lock().unwrap().watch_epoch.send_modify(|e| *e += 1);
    }

    /// Listen again on the same address.
    pub async fn come_up(&self) {
        let listener = loop {
            match tokio::net::TcpListener::bind(self.addr).await {
                Ok(l) => break l,
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        };
        self.shared.down.store(false, std::sync::atomic::Ordering::SeqCst);
        self.serve(listener);
    }

    /// A port-forward to `pod`'s `port` reaches `addr` (a server the test runs).
    pub fn serve_port(&self, ns: &str, pod: &str, port: u16, addr: SocketAddr) {
        self.shared.ports.lock().unwrap().insert((ns.to_string(), pod.to_string(), port), addr);
    }

    /// The service proxy to `ns/name`'s `port` (a name or a number, as the path names it)
    /// reaches `addr` (a server the test runs).
    pub fn serve_service(&self, ns: &str, name: &str, port: &str, addr: SocketAddr) {
        self.shared
            .services
            .lock()
            .unwrap()
            .insert((ns.to_string(), name.to_string(), port.to_string()), addr);
    }

    /// An Alertmanager's Service as kube-prometheus-stack makes it (labelled, web port 9093 named
    /// `http-web`), its proxy reaching `addr`.
    pub fn alertmanager_service(&self, ns: &str, name: &str, addr: SocketAddr) {
        self.put(
            "Service",
            serde_json::json!({"metadata": {"name": name, "namespace": ns,
                    "labels": {"app.kubernetes.io/name": "alertmanager"}},
                "spec": {"type": "ClusterIP", "clusterIP": "10.100.9.93",
                    "selector": {"app.kubernetes.io/name": "alertmanager"},
                    "ports": [{"name": "http-web", "port": 9093, "targetPort": 9093, "protocol": "TCP"}]}}),
        );
        self.serve_service(ns, name, "http-web", addr);
    }

    /// Watches open on the server now.
    pub fn open_watches(&self) -> usize {
        self.shared.open_watches.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Bookmarks sent so far on every watch.
    pub fn bookmarks_sent(&self) -> usize {
        self.shared.bookmarks_sent.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Wait until `cond` holds of the server (a count it keeps); fail naming `what`.
    pub async fn wait_until(&self, what: &str, cond: impl Fn(&TestServer) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while !cond(self) {
            assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
            // The server's counters change from its own tasks; there is nothing to await.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.requests.lock().unwrap().clone()
    }

    /// Requests whose method is `method` and whose path ends with `suffix`.
    pub fn requests_to(&self, method: &str, suffix: &str) -> Vec<Recorded> {
        self.requests().into_iter().filter(|r| r.method == method && r.path.ends_with(suffix)).collect()
    }
}
