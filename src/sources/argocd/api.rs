//! Argo CD through its REST API: the application stream for changes plus one list (both again
//! after the stream ends or fails), and the actions as the server's own endpoints. The token
//! is read from the environment or a file when used, never from the config and never logged.

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};

use super::{SyncOptions, source, status_error, wire};
use crate::config::sources::ArgocdConfig;
use crate::domain::registry::ActionId;
use crate::sources::backoff::Backoff;
use crate::sources::{Clock, Sender};
use crate::state::argocd::{ArgoApp, TreeNode};
use crate::state::{Data, Message};

#[derive(Clone, Debug)]
enum Token {
    Env(String),
    File(String),
}

impl Token {
    fn read(&self) -> Result<String, String> {
        match self {
            Token::Env(var) => std::env::var(var)
                .map(|t| t.trim().to_string())
                .map_err(|_| format!("Argo CD: environment variable {var} is not set")),
            Token::File(path) => std::fs::read_to_string(path)
                .map(|s| s.trim().to_string())
                .map_err(|e| format!("Argo CD: cannot read the token file {path}: {e}")),
        }
    }
}

#[derive(Clone)]
pub struct Client {
    base: String,
    /// Requests that answer at once.
    http: reqwest::Client,
    /// The stream stays open for as long as the server keeps it: no overall timeout.
    streaming: reqwest::Client,
    token: Token,
    control_ns: String,
}

impl Client {
    pub fn new(cfg: &ArgocdConfig) -> Result<Client, String> {
        let base = cfg.server.clone().ok_or("[argocd] mode = \"api\" needs `server`")?;
        let token = match (&cfg.token_env, &cfg.token_file) {
            (Some(e), _) => Token::Env(e.clone()),
            (None, Some(f)) => Token::File(f.clone()),
            (None, None) => return Err("[argocd] mode = \"api\" needs `token_env` or `token_file`".into()),
        };
        let builder = || {
            reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(5))
                .user_agent(concat!("flightdeck/", env!("CARGO_PKG_VERSION")))
                .tls_danger_accept_invalid_certs(cfg.insecure)
        };
        let http =
            builder().timeout(Duration::from_secs(20)).build().map_err(|e| format!("HTTP client: {e}"))?;
        let streaming = builder().build().map_err(|e| format!("HTTP client: {e}"))?;
        Ok(Client {
            base: base.trim_end_matches('/').to_string(),
            http,
            streaming,
            token,
            control_ns: cfg.namespace.clone(),
        })
    }

    fn request(
        &self,
        client: &reqwest::Client,
        method: Method,
        path: &str,
    ) -> Result<RequestBuilder, String> {
        Ok(client.request(method, format!("{}/api/v1{path}", self.base)).bearer_auth(self.token.read()?))
    }

    async fn send(&self, req: RequestBuilder) -> Result<reqwest::Response, String> {
        let resp = req.send().await.map_err(|e| format!("Argo CD: {}", describe(&e)))?;
        if resp.status().is_success() {
            return Ok(resp);
        }
        let code = resp.status().as_u16();
        let body: Value = resp.json().await.unwrap_or_default();
        // grpc-gateway errors: {"error": …, "code": …, "message": …}.
        let detail = body["message"].as_str().or(body["error"].as_str()).unwrap_or("");
        Err(status_error(code, detail))
    }

    /// `/applications/{name}` with `appNamespace` for an app outside the control plane's.
    fn app_path(&self, app: &str, rest: &str) -> (String, Vec<(&'static str, String)>) {
        let (ns, name) = wire::split_qualified(app, &self.control_ns);
        let mut query = Vec::new();
        if ns != self.control_ns {
            query.push(("appNamespace", ns.to_string()));
        }
        (format!("/applications/{name}{rest}"), query)
    }

    pub async fn list(&self) -> Result<Vec<Value>, String> {
        let resp = self.send(self.request(&self.http, Method::GET, "/applications")?).await?;
        let body: Value = resp.json().await.map_err(|e| format!("Argo CD: reading the list: {e}"))?;
        Ok(body["items"].as_array().cloned().unwrap_or_default())
    }

    /// `GET /applications/{name}/resource-tree`: every live node with its health and parents.
    pub async fn resource_tree(&self, app: &str) -> Result<Vec<TreeNode>, String> {
        let (path, query) = self.app_path(app, "/resource-tree");
        let resp = self.send(self.request(&self.http, Method::GET, &path)?.query(&query)).await?;
        let body: Value =
            resp.json().await.map_err(|e| format!("Argo CD: reading the resource tree: {e}"))?;
        Ok(wire::tree_nodes(&body))
    }

    pub async fn run(&self, action: ActionId, app: &str, options: SyncOptions) -> Result<String, String> {
        match action {
            ActionId::Sync => {
                let (path, query) = self.app_path(app, "/sync");
                let (ns, name) = wire::split_qualified(app, &self.control_ns);
                let body = json!({"name": name, "appNamespace": ns, "prune": options.prune,
                    "dryRun": options.dry_run, "strategy": {"hook": {}}});
                self.send(self.request(&self.http, Method::POST, &path)?.query(&query).json(&body)).await?;
                Ok(if options.dry_run { "dry-run sync started" } else { "sync started" }.into())
            }
            ActionId::Refresh | ActionId::HardRefresh => {
                let hard = action == ActionId::HardRefresh;
                let (path, mut query) = self.app_path(app, "");
                query.push(("refresh", if hard { "hard" } else { "normal" }.into()));
                self.send(self.request(&self.http, Method::GET, &path)?.query(&query)).await?;
                Ok(if hard { "hard refresh done" } else { "refresh done" }.into())
            }
            ActionId::Terminate => {
                let (path, query) = self.app_path(app, "/operation");
                self.send(self.request(&self.http, Method::DELETE, &path)?.query(&query)).await?;
                Ok("operation terminating".into())
            }
            other => Err(format!("{other:?} is not an Argo CD action")),
        }
    }

    /// `POST /applications/{name}/rollback` to a history entry: the server refuses it while
    /// automated sync is on, in its own words.
    pub async fn rollback(&self, app: &str, id: i64) -> Result<String, String> {
        let (path, query) = self.app_path(app, "/rollback");
        let (ns, name) = wire::split_qualified(app, &self.control_ns);
        let body = json!({"name": name, "appNamespace": ns, "id": id, "prune": false, "dryRun": false});
        self.send(self.request(&self.http, Method::POST, &path)?.query(&query).json(&body)).await?;
        Ok(format!("rollback to history entry {id} started"))
    }
}

fn describe(e: &reqwest::Error) -> String {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg = format!("{msg}: {s}");
        src = s.source();
    }
    msg
}

/// One line of the application stream: `{"result": {"type": …, "application": {…}}}`, bare
/// or as a server-sent event's `data:`.
fn stream_event(line: &str) -> Option<(String, Value)> {
    let line = line.trim();
    let line = line.strip_prefix("data:").unwrap_or(line).trim();
    if line.is_empty() {
        return None;
    }
    let v: Value = serde_json::from_str(line).ok()?;
    let r = &v["result"];
    Some((r["type"].as_str()?.to_string(), r["application"].clone()))
}

fn key(obj: &Value) -> String {
    format!(
        "{}/{}",
        obj["metadata"]["namespace"].as_str().unwrap_or(""),
        obj["metadata"]["name"].as_str().unwrap_or("")
    )
}

/// Open the stream, list, then follow the stream; both again when it ends. Failures back off
/// from 1 s to 60 s.
pub async fn run(client: Client, tx: Sender, clock: Clock) {
    let mut backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
    // Apps are mapped once when they change (the YAML is the costly part), linked on publish.
    let publish = |apps: &BTreeMap<String, ArgoApp>| Message::Data {
        source: source(),
        at: clock.now(),
        data: Data::Apps(wire::linked(apps.values().cloned().collect(), &client.control_ns)),
    };
    while follow(&client, &tx, clock, &publish, &mut backoff).await.is_ok() {}

    struct Stop;

    /// One stream and one list; `Err(Stop)` when the app has gone.
    async fn follow(
        client: &Client,
        tx: &Sender,
        clock: Clock,
        publish: &impl Fn(&BTreeMap<String, ArgoApp>) -> Message,
        backoff: &mut Backoff,
    ) -> Result<(), Stop> {
        let fail = |error: String| {
            tracing::warn!(%error, "Argo CD API failed");
            Message::Failed { source: source(), at: clock.now(), error }
        };
        // The stream first, then the list: a change made in between arrives on the stream
        // after the list is applied, so none is lost.
        let req = match client.request(&client.streaming, Method::GET, "/stream/applications") {
            Ok(r) => r,
            Err(e) => {
                tx.send(fail(e)).await.map_err(|_| Stop)?;
                tokio::time::sleep(backoff.next_delay()).await;
                return Ok(());
            }
        };
        let mut resp = match client.send(req).await {
            Ok(r) => r,
            Err(e) => {
                tx.send(fail(e)).await.map_err(|_| Stop)?;
                tokio::time::sleep(backoff.next_delay()).await;
                return Ok(());
            }
        };
        let map = |v: &Value| wire::from_application(v, &client.control_ns, clock.now());
        let mut apps: BTreeMap<String, ArgoApp> = match client.list().await {
            Ok(items) => items.iter().filter_map(|a| Some((key(a), map(a)?))).collect(),
            Err(e) => {
                tx.send(fail(e)).await.map_err(|_| Stop)?;
                tokio::time::sleep(backoff.next_delay()).await;
                return Ok(());
            }
        };
        tx.send(publish(&apps)).await.map_err(|_| Stop)?;
        backoff.reset();
        let mut buf = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(bytes)) => {
                    buf.extend_from_slice(&bytes);
                    let mut changed = false;
                    while let Some(nl) = buf.iter().position(|b| *b == b'\n') {
                        let line: Vec<u8> = buf.drain(..=nl).collect();
                        let Some((kind, app)) = stream_event(&String::from_utf8_lossy(&line)) else {
                            continue;
                        };
                        changed = true;
                        match (kind.as_str(), map(&app)) {
                            ("DELETED", _) => {
                                apps.remove(&key(&app));
                            }
                            (_, Some(mapped)) => {
                                apps.insert(key(&app), mapped);
                            }
                            (_, None) => {}
                        }
                    }
                    if changed {
                        tx.send(publish(&apps)).await.map_err(|_| Stop)?;
                    }
                }
                Ok(None) => {
                    // The server closed the stream (a restart, a proxy's timeout): relist.
                    tokio::time::sleep(backoff.next_delay()).await;
                    return Ok(());
                }
                Err(e) => {
                    tx.send(fail(format!("Argo CD: the application stream: {}", describe(&e))))
                        .await
                        .map_err(|_| Stop)?;
                    tokio::time::sleep(backoff.next_delay()).await;
                    return Ok(());
                }
            }
        }
    }
}
