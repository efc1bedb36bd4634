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
use crate::sources::backoff::{Backoff, Policy};
use crate::sources::kube::list_watch::HELD;
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
    /// How the stream and the list retry: [`Policy::WATCH`] unless a test wants it quicker.
    pub backoff: Policy,
}

impl Client {
    pub fn new(cfg: &ArgocdConfig) -> Result<Client, String> {
        let base = cfg.server.clone().ok_or("[argocd] mode = \"api\" needs `server`")?;
        let token = match (&cfg.token_env, &cfg.token_file) {
            (Some(e), _) => Token::Env(e.clone()),
            (None, Some(f)) => Token::File(f.clone()),
            (None, None) => return Err("[argocd] mode = \"api\" needs `token_env` or `token_file`".into()),
        };
        crate::sources::tls::install_provider();
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
            backoff: Policy::WATCH,
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
        self.answer(req).await.map_err(|r| r.message)
    }

    /// The server's answer, or why there is none and how long the server asked to wait.
    async fn answer(&self, req: RequestBuilder) -> Result<reqwest::Response, Refused> {
        let resp = req.send().await.map_err(|e| Refused::said(format!("Argo CD: {}", describe(&e))))?;
        if resp.status().is_success() {
            return Ok(resp);
        }
        let code = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body: Value = resp.json().await.unwrap_or_default();
        // grpc-gateway errors: {"error": …, "code": …, "message": …}.
        let detail = body["message"].as_str().or(body["error"].as_str()).unwrap_or("");
        Err(Refused { message: status_error(code, detail), code: Some(code), retry_after })
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

    pub async fn list(&self) -> Result<Vec<Value>, Refused> {
        let resp = self.answer(self.request(&self.http, Method::GET, "/applications")?).await?;
        let body: Value = resp
            .json()
            .await
            .map_err(|e| Refused::said(format!("Argo CD: reading the list: {}", describe(&e))))?;
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

    /// `GET /applications/{name}/managed-resources`: each resource's live and desired state, as
    /// the sync plan.
    pub async fn managed_resources(
        &self,
        app: &str,
    ) -> Result<Vec<crate::state::sync_plan::PlannedResource>, String> {
        let (path, query) = self.app_path(app, "/managed-resources");
        let resp = self.send(self.request(&self.http, Method::GET, &path)?.query(&query)).await?;
        let body: Value =
            resp.json().await.map_err(|e| format!("Argo CD: reading the managed resources: {e}"))?;
        Ok(super::plan::from_managed(body["items"].as_array().map_or(&[][..], Vec::as_slice)))
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

/// Why the server gave no answer: the pane's words, and what the server said of it.
#[derive(Debug)]
pub struct Refused {
    message: String,
    code: Option<u16>,
    /// A 429's or 503's `Retry-After`.
    retry_after: Option<Duration>,
}

impl Refused {
    fn said(message: String) -> Refused {
        Refused { message, code: None, retry_after: None }
    }

    /// As the pane says it, with the wait when the server set one.
    fn describe(&self, wait: Duration) -> String {
        let secs = wait.as_secs_f64().ceil() as u64;
        match self.code {
            Some(429) => format!("Argo CD: throttled by the API server, retrying in {secs} s"),
            Some(503) => format!("{}, retrying in {secs} s", self.message),
            _ => self.message.clone(),
        }
    }
}

impl From<String> for Refused {
    fn from(message: String) -> Refused {
        Refused::said(message)
    }
}

/// Open the stream, list, then follow the stream; both again when it ends. Every failure
/// backs off (1 s to 60 s, at least what a 429 asks), and only a healthy while forgets them.
pub async fn run(client: Client, tx: Sender, clock: Clock) {
    let backoff = Backoff::with_policy(client.backoff);
    let mut f = Follower { client, tx, clock, backoff, unproven: true, empty_ends: 0 };
    while f.follow().await.is_ok() {}
}

/// The app has gone: stop.
struct Stop;

struct Follower {
    client: Client,
    tx: Sender,
    clock: Clock,
    backoff: Backoff,
    /// Healthy is owed: at the start, and after a failure was reported.
    unproven: bool,
    /// Streams in a row that ended empty as soon as they opened.
    empty_ends: u32,
}

impl Follower {
    /// One stream and one list, followed until the stream ends or fails.
    async fn follow(&mut self) -> Result<(), Stop> {
        // The stream first, then the list: a change made in between arrives on the stream
        // after the list is applied, so none is lost.
        let req = match self.client.request(&self.client.streaming, Method::GET, "/stream/applications") {
            Ok(r) => r,
            Err(e) => return self.fail(e.into()).await,
        };
        let mut resp = match self.client.answer(req).await {
            Ok(r) => r,
            Err(r) => return self.fail(r).await,
        };
        let opened = tokio::time::Instant::now();
        let mut apps: BTreeMap<String, ArgoApp> = match self.client.list().await {
            Ok(items) => items.iter().filter_map(|a| Some((key(a), self.map(a)?))).collect(),
            Err(r) => return self.fail(r).await,
        };
        self.publish(&apps).await?;
        let (mut buf, mut lines) = (Vec::new(), false);
        loop {
            let chunk = if self.unproven && !lines {
                // A quiet stream that stays open is healthy; one that ends at once is not.
                match tokio::time::timeout_at(opened + HELD, resp.chunk()).await {
                    Ok(c) => c,
                    Err(_) => {
                        self.healthy().await?;
                        continue;
                    }
                }
            } else {
                resp.chunk().await
            };
            match chunk {
                Ok(Some(bytes)) => {
                    buf.extend_from_slice(&bytes);
                    if self.apply_lines(&mut buf, &mut apps) {
                        lines = true;
                        self.healthy().await?;
                        self.publish(&apps).await?;
                    }
                }
                // The server closed the stream: after a while (a restart, a proxy's timeout)
                // relist at once. Empty as soon as it opened, once may be a restart; twice in a
                // row it would loop.
                Ok(None) if !lines && opened.elapsed() < self.client.backoff.healthy => {
                    self.empty_ends += 1;
                    if self.empty_ends < 2 {
                        return Ok(());
                    }
                    let r =
                        Refused::said("Argo CD: the application stream ended as soon as it opened".into());
                    return self.fail(r).await;
                }
                Ok(None) => return Ok(()),
                Err(e) => {
                    let r = Refused::said(format!("Argo CD: the application stream: {}", describe(&e)));
                    return self.fail(r).await;
                }
            }
        }
    }

    fn map(&self, app: &Value) -> Option<ArgoApp> {
        wire::from_application(app, &self.client.control_ns, self.clock.now())
    }

    /// Apply the stream's complete lines in `buf` (the rest waits for more bytes); whether any
    /// was an event.
    fn apply_lines(&self, buf: &mut Vec<u8>, apps: &mut BTreeMap<String, ArgoApp>) -> bool {
        let mut changed = false;
        while let Some(nl) = buf.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = buf.drain(..=nl).collect();
            let Some((kind, app)) = stream_event(&String::from_utf8_lossy(&line)) else {
                continue;
            };
            changed = true;
            match (kind.as_str(), self.map(&app)) {
                ("DELETED", _) => apps.remove(&key(&app)),
                (_, Some(mapped)) => apps.insert(key(&app), mapped),
                (_, None) => None,
            };
        }
        changed
    }

    /// Apps are mapped once when they change (the YAML is the costly part), linked on publish.
    async fn publish(&self, apps: &BTreeMap<String, ArgoApp>) -> Result<(), Stop> {
        let apps = wire::linked(apps.values().cloned().collect(), &self.client.control_ns);
        let m = Message::Data { source: source(), at: self.clock.now(), data: Data::Apps(apps) };
        self.tx.send(m).await.map_err(|_| Stop)
    }

    async fn fail(&mut self, r: Refused) -> Result<(), Stop> {
        let wait = self.backoff.next_delay_after(r.retry_after);
        let error = r.describe(wait);
        tracing::warn!(%error, "Argo CD API failed");
        self.unproven = true;
        let m = Message::Failed { source: source(), at: self.clock.now(), error };
        self.tx.send(m).await.map_err(|_| Stop)?;
        tokio::time::sleep(wait).await;
        Ok(())
    }

    async fn healthy(&mut self) -> Result<(), Stop> {
        self.backoff.healthy();
        self.empty_ends = 0;
        if std::mem::take(&mut self.unproven) {
            self.tx.send(Message::Healthy { source: source() }).await.map_err(|_| Stop)?;
        }
        Ok(())
    }
}
