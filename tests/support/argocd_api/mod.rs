//! A server for tests, on 127.0.0.1, that follows the Argo CD server's REST API as its
//! swagger describes it: the application list, the application stream (one
//! `{"result": {"type": …, "application": …}}` per line), sync, refresh, terminate, the
//! resource tree and the managed resources (each one's live and desired state as JSON text), behind `Authorization: Bearer <token>`. It keeps Applications, answers
//! errors as grpc-gateway does (`{"error", "code", "message"}`) and records every request.
//! Faults on demand on the list and the stream: a body cut short, 429 / 503 with Retry-After,
//! any status; and open streams can be ended, as a server restart does.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::Response;
use serde_json::{Value, json};
use tokio::sync::broadcast;

/// A managed resource: kind, namespace, name, live object, desired object.
pub type Managed<'a> = (&'a str, &'a str, &'a str, Option<Value>, Option<Value>);

pub const TOKEN: &str = "argocd-test-token";

#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: String,
    pub authorization: Option<String>,
    pub body: String,
}

impl Recorded {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// A fault on the application list and stream.
#[derive(Clone, Debug)]
pub enum ArgoFault {
    /// The list answers 200 with a body cut short; the stream works.
    ListCutShort,
    /// The stream answers 200 and ends at once, its first event cut off mid-line.
    StreamCutShort,
    /// Both answer 429 with `Retry-After: N`.
    Throttled(u64),
    /// Both answer 503 with `Retry-After: N`.
    Unavailable(u64),
}

pub struct Shared {
    /// By `namespace/name`.
    apps: Mutex<BTreeMap<String, Value>>,
    /// Managed resources by app name, as `GET …/managed-resources` answers them.
    managed: Mutex<BTreeMap<String, Vec<Value>>>,
    requests: Mutex<Vec<Recorded>>,
    events: broadcast::Sender<String>,
    rv: Mutex<u64>,
    faults: Mutex<Vec<ArgoFault>>,
    /// Bumped to end every open stream.
    restarts: tokio::sync::watch::Sender<u64>,
}

pub struct ArgoServer {
    pub shared: Arc<Shared>,
    pub addr: SocketAddr,
    _task: tokio::task::JoinHandle<()>,
}

impl ArgoServer {
    pub async fn start(apps: Vec<Value>) -> ArgoServer {
        let (events, _) = broadcast::channel(256);
        let shared = Arc::new(Shared {
            apps: Mutex::new(BTreeMap::new()),
            managed: Mutex::new(BTreeMap::new()),
            requests: Mutex::new(Vec::new()),
            events,
            rv: Mutex::new(100),
            faults: Mutex::new(Vec::new()),
            restarts: tokio::sync::watch::channel(0).0,
        });
        for a in apps {
            shared.store(a);
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let addr = listener.local_addr().unwrap();
        let s = shared.clone();
        let app = axum::Router::new().fallback(move |method, uri, headers, body: Bytes| {
            let s = s.clone();
            async move { handle(s, method, uri, headers, body).await }
        });
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        ArgoServer { shared, addr, _task: task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.requests.lock().unwrap().clone()
    }

    pub fn requests_to(&self, method: &str, path: &str) -> Vec<Recorded> {
        self.requests().into_iter().filter(|r| r.method == method && r.path == path).collect()
    }

    pub fn get(&self, name: &str) -> Option<Value> {
        self.shared.apps.lock().unwrap().values().find(|a| a["metadata"]["name"] == name).cloned()
    }

    /// What `GET /api/v1/applications/{name}/managed-resources` answers for `name`: resources
    /// with their live and desired objects (`None`: absent on that side), sent as Argo CD does,
    /// as JSON text (`"null"` when absent).
    pub fn set_managed(&self, name: &str, items: Vec<Managed>) {
        let text = |v: &Option<Value>| v.as_ref().map_or("null".to_string(), Value::to_string);
        let items = items
            .into_iter()
            .map(|(kind, ns, n, live, target)| {
                json!({"group": if kind == "Deployment" { "apps" } else { "" }, "version": "v1",
                    "kind": kind, "namespace": ns, "name": n,
                    "liveState": text(&live), "targetState": text(&target),
                    "normalizedLiveState": text(&live), "predictedLiveState": text(&target),
                    "hook": false, "modified": live != target})
            })
            .collect();
        self.shared.managed.lock().unwrap().insert(name.to_string(), items);
    }

    pub fn fault(&self, f: ArgoFault) {
        self.shared.faults.lock().unwrap().push(f);
    }

    pub fn clear_faults(&self) {
        self.shared.faults.lock().unwrap().clear();
    }

    /// End every open stream, as a restart of the server does.
    pub fn end_streams(&self) {
        self.shared.restarts.send_modify(|n| *n += 1);
    }

    /// Change an app as the controller would; stream watchers see a MODIFIED event.
    pub fn modify(&self, name: &str, f: impl FnOnce(&mut Value)) {
        let mut app = self.get(name).expect("no such app");
        f(&mut app);
        self.shared.store(app);
    }
}

impl Shared {
    fn store(&self, mut app: Value) -> Value {
        let mut rv = self.rv.lock().unwrap();
        *rv += 1;
        app["metadata"]["resourceVersion"] = json!(rv.to_string());
        let key = format!(
            "{}/{}",
            app["metadata"]["namespace"].as_str().unwrap_or("argocd"),
            app["metadata"]["name"].as_str().unwrap_or("")
        );
        let kind =
            if self.apps.lock().unwrap().insert(key, app.clone()).is_some() { "MODIFIED" } else { "ADDED" };
        let _ = self.events.send(json!({"result": {"type": kind, "application": app}}).to_string());
        app
    }
}

fn respond(code: u16, body: &Value) -> Response {
    Response::builder()
        .status(code)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// grpc-gateway's error body; `code` is the gRPC code.
fn error(http: u16, grpc: u16, message: &str) -> Response {
    respond(http, &json!({"error": message, "code": grpc, "message": message}))
}

async fn handle(shared: Arc<Shared>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let auth = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_string);
    shared.requests.lock().unwrap().push(Recorded {
        method: method.to_string(),
        path: uri.path().to_string(),
        query: uri.query().unwrap_or("").to_string(),
        authorization: auth.clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    if auth.as_deref() != Some(&format!("Bearer {TOKEN}")) {
        return error(401, 16, "invalid session: token signature is invalid");
    }
    let query: BTreeMap<String, String> =
        serde_urlencoded::from_str(uri.query().unwrap_or("")).unwrap_or_default();
    let ns = query.get("appNamespace").cloned().unwrap_or_else(|| "argocd".into());
    let segs: Vec<&str> = uri.path().trim_matches('/').split('/').collect();
    if let Some(r) = fault(&shared, &method, &segs) {
        return r;
    }
    match (&method, segs.as_slice()) {
        (&Method::GET, ["api", "v1", "applications"]) => {
            let items: Vec<Value> = shared.apps.lock().unwrap().values().cloned().collect();
            respond(
                200,
                &json!({"metadata": {"resourceVersion": shared.rv.lock().unwrap().to_string()}, "items": items}),
            )
        }
        (&Method::GET, ["api", "v1", "stream", "applications"]) => stream(&shared),
        (_, ["api", "v1", "applications", name, rest @ ..]) => {
            let key = format!("{ns}/{name}");
            let Some(mut app) = shared.apps.lock().unwrap().get(&key).cloned() else {
                return error(404, 5, &format!("applications.argoproj.io \"{name}\" not found"));
            };
            match (&method, rest) {
                (&Method::GET, []) => {
                    if let Some(kind) = query.get("refresh") {
                        app["metadata"]["annotations"]["argocd.argoproj.io/refresh"] = json!(kind);
                        app = shared.store(app);
                    }
                    respond(200, &app)
                }
                (&Method::POST, ["sync"]) => {
                    if app["operation"].is_object() {
                        return error(400, 9, "another operation is already in progress");
                    }
                    let req: Value = serde_json::from_slice(&body).unwrap_or_default();
                    app["operation"] = json!({"initiatedBy": {"username": "admin"}, "sync": {
                        "revision": req["revision"], "prune": req["prune"], "dryRun": req["dryRun"],
                        "syncStrategy": req["strategy"]}});
                    app["status"]["operationState"] = json!({"phase": "Running", "message": "one or more tasks are running",
                        "startedAt": "2026-11-18T14:00:00Z", "operation": app["operation"].clone()});
                    respond(200, &shared.store(app))
                }
                (&Method::POST, ["rollback"]) => {
                    // As the server's Rollback: refused under automated sync, while an operation
                    // runs, or for an id not in the history; else a sync of that entry's source.
                    let req: Value = serde_json::from_slice(&body).unwrap_or_default();
                    let automated = &app["spec"]["syncPolicy"]["automated"];
                    if automated.is_object() && automated["enabled"].as_bool() != Some(false) {
                        return error(400, 9, "rollback cannot be initiated when auto-sync is enabled");
                    }
                    if app["operation"].is_object() {
                        return error(400, 9, "another operation is already in progress");
                    }
                    let id = req["id"].as_i64().unwrap_or(-1);
                    let history = app["status"]["history"].as_array().cloned().unwrap_or_default();
                    let Some(entry) = history.iter().find(|h| h["id"].as_i64() == Some(id)) else {
                        return error(
                            400,
                            9,
                            &format!("application {name} does not have deployment with id {id}"),
                        );
                    };
                    app["operation"] = json!({"initiatedBy": {"username": "admin"}, "sync": {
                        "revision": entry["revision"], "source": entry["source"], "prune": req["prune"],
                        "dryRun": req["dryRun"], "syncStrategy": {"apply": {}}}});
                    app["status"]["operationState"] = json!({"phase": "Running", "message": "one or more tasks are running",
                        "startedAt": "2026-11-18T14:00:00Z", "operation": app["operation"].clone()});
                    respond(200, &shared.store(app))
                }
                (&Method::DELETE, ["operation"]) => {
                    if !app["operation"].is_object() || !app["status"]["operationState"].is_object() {
                        return error(400, 3, "Unable to terminate operation. No operation is in progress");
                    }
                    app["status"]["operationState"]["phase"] = json!("Terminating");
                    shared.store(app);
                    respond(200, &json!({}))
                }
                (&Method::GET, ["managed-resources"]) => {
                    let items = shared.managed.lock().unwrap().get(*name).cloned().unwrap_or_default();
                    respond(200, &json!({"items": items}))
                }
                (&Method::GET, ["resource-tree"]) => {
                    // The managed resources, and under each Deployment a ReplicaSet and a Pod.
                    let mut nodes = Vec::new();
                    for r in app["status"]["resources"].as_array().cloned().unwrap_or_default() {
                        nodes.push(json!({"kind": r["kind"], "name": r["name"], "namespace": r["namespace"],
                            "group": r["group"], "version": "v1", "health": r["health"]}));
                        if r["kind"] == "Deployment" {
                            let (ns, name) =
                                (r["namespace"].clone(), r["name"].as_str().unwrap_or("").to_string());
                            let rs = format!("{name}-5d4f8");
                            nodes.push(json!({"kind": "ReplicaSet", "group": "apps", "name": rs, "namespace": ns,
                                "health": {"status": "Healthy"},
                                "parentRefs": [{"kind": "Deployment", "group": "apps", "name": name, "namespace": ns}]}));
                            nodes.push(json!({"kind": "Pod", "name": format!("{rs}-abcde"), "namespace": ns,
                                "health": {"status": "Healthy"},
                                "parentRefs": [{"kind": "ReplicaSet", "group": "apps", "name": rs, "namespace": ns}]}));
                        }
                    }
                    respond(200, &json!({"nodes": nodes}))
                }
                _ => error(404, 5, "Not Found"),
            }
        }
        _ => error(404, 5, "Not Found"),
    }
}

/// The answer a fault gives to the list or the stream, if one holds.
fn fault(shared: &Shared, method: &Method, segs: &[&str]) -> Option<Response> {
    let (list, stream) = match (method, segs) {
        (&Method::GET, ["api", "v1", "applications"]) => (true, false),
        (&Method::GET, ["api", "v1", "stream", "applications"]) => (false, true),
        _ => return None,
    };
    let cut = |body: &'static str| {
        Response::builder()
            .status(200)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap()
    };
    let waiting = |code: u16, grpc: u16, secs: u64, msg: &str| {
        let mut r = error(code, grpc, msg);
        r.headers_mut().insert(header::RETRY_AFTER, secs.to_string().parse().unwrap());
        r
    };
    shared.faults.lock().unwrap().iter().find_map(|f| match f {
        ArgoFault::ListCutShort if list => Some(cut("{\"metadata\": {}, \"items\": [{\"metadata\": ")),
        ArgoFault::StreamCutShort if stream => {
            Some(cut("{\"result\": {\"type\": \"ADDED\", \"application\": {"))
        }
        ArgoFault::Throttled(secs) => Some(waiting(429, 8, *secs, "too many requests")),
        ArgoFault::Unavailable(secs) => Some(waiting(503, 14, *secs, "the server is shutting down")),
        _ => None,
    })
}

/// The application stream: newline-delimited JSON, one event per change, kept open until the
/// server "restarts".
fn stream(shared: &Shared) -> Response {
    let rx = shared.events.subscribe();
    let mut restarts = shared.restarts.subscribe();
    restarts.mark_unchanged();
    let lines = futures::stream::unfold((rx, restarts), |(mut rx, mut restarts)| async move {
        loop {
            let got = tokio::select! {
                got = rx.recv() => got,
                _ = restarts.changed() => return None,
            };
            match got {
                Ok(line) => return Some((Ok::<_, Infallible>(Bytes::from(line + "\n")), (rx, restarts))),
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from_stream(lines))
        .unwrap()
}
