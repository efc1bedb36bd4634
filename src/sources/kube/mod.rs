//! Kubernetes through the kube client: kubeconfig and context, then one watcher per kind
//! (pods, replicasets, nodes, HPAs, warning events) feeding the Pods, Scaling and
//! Infrastructure panes, plus metrics.k8s.io, and the actions a user can take on them.

pub mod actions;
mod metrics;
pub mod objects;
pub mod pods;
pub mod quantity;
mod watch;

use std::path::PathBuf;
use std::time::Duration;

use kube::config::{KubeConfigOptions, Kubeconfig};

use super::backoff::Backoff;
use super::{Sender, TaskGuard};
use crate::state::{Message, PaneId, SourceId};

/// Which namespaces the panes show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    All,
    Namespace(String),
}

impl Scope {
    pub fn label(&self) -> &str {
        match self {
            Scope::All => "all namespaces",
            Scope::Namespace(ns) => ns,
        }
    }
}

/// What to connect to: all optional, resolved as kubectl does.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Target {
    /// A kubeconfig file; else KUBECONFIG, else ~/.kube/config.
    pub kubeconfig: Option<PathBuf>,
    /// A context name; else the kubeconfig's current context.
    pub context: Option<String>,
    /// `-n` / `-A`; else the context's namespace if it sets one, else all namespaces.
    pub scope: Option<Scope>,
}

#[derive(Clone)]
pub struct Connection {
    pub client: kube::Client,
    pub context: String,
    pub scope: Scope,
}

/// Read the kubeconfig and build a client for the context. Exec plugins (`aws eks get-token`)
/// run as kube runs them, when a request needs a token.
pub async fn connect(target: &Target) -> anyhow::Result<Connection> {
    let kc = match &target.kubeconfig {
        Some(p) => Kubeconfig::read_from(p)
            .map_err(|e| anyhow::anyhow!("reading the kubeconfig {}: {e}", p.display()))?,
        None => Kubeconfig::read().map_err(|e| anyhow::anyhow!("reading the kubeconfig: {e}"))?,
    };
    let context = match target.context.clone().or_else(|| kc.current_context.clone()) {
        Some(c) => c,
        None => anyhow::bail!("the kubeconfig has no current context; pass --context"),
    };
    let Some(named) = kc.contexts.iter().find(|c| c.name == context) else {
        let names: Vec<&str> = kc.contexts.iter().map(|c| c.name.as_str()).collect();
        anyhow::bail!("no context \"{context}\" in the kubeconfig (it has: {})", names.join(", "));
    };
    let ctx_ns = named.context.as_ref().and_then(|c| c.namespace.clone());
    let options = KubeConfigOptions { context: Some(context.clone()), ..KubeConfigOptions::default() };
    let config = kube::Config::from_custom_kubeconfig(kc, &options)
        .await
        .map_err(|e| anyhow::anyhow!("context \"{context}\": {e}"))?;
    let client = kube::Client::try_from(config).map_err(|e| anyhow::anyhow!("context \"{context}\": {e}"))?;
    let scope = target.scope.clone().unwrap_or_else(|| ctx_ns.map_or(Scope::All, Scope::Namespace));
    Ok(Connection { client, context, scope })
}

/// The sources this module runs and the panes each feeds.
pub const FEEDS: &[(&str, &[PaneId])] = &[
    ("kube/pods", &[PaneId::Pods]),
    ("kube/nodes", &[PaneId::Infrastructure]),
    ("kube/hpas", &[PaneId::Scaling]),
    ("kube/events", &[PaneId::Pods]),
];

pub fn source(id: &str) -> SourceId {
    SourceId::new(id)
}

/// Watches deliver only changes, so a quiet watch is not a stale one: interval 0 means the
/// source is never marked stale for silence; errors still show.
pub fn register() -> Vec<Message> {
    FEEDS
        .iter()
        .map(|(id, feeds)| Message::Register { source: source(id), interval_ms: 0, feeds: feeds.to_vec() })
        .collect()
}

/// Start watching. The messages go out on `tx`; dropping the guard stops every watch.
pub fn spawn(conn: Connection, tx: Sender) -> TaskGuard {
    TaskGuard(tokio::spawn(async move {
        for m in register() {
            if tx.send(m).await.is_err() {
                return;
            }
        }
        watch::run(conn, tx).await;
    }))
}

/// The project's backoff for kube-runtime's watchers: 1 s doubling to 60 s, with jitter.
pub struct WatchBackoff(Backoff);

impl WatchBackoff {
    pub fn new() -> Self {
        WatchBackoff(Backoff::new(Duration::from_secs(1), Duration::from_secs(60)))
    }
}

impl Default for WatchBackoff {
    fn default() -> Self {
        Self::new()
    }
}

impl Iterator for WatchBackoff {
    type Item = Duration;
    fn next(&mut self) -> Option<Duration> {
        Some(self.0.next_delay())
    }
}

impl kube::runtime::utils::Backoff for WatchBackoff {
    fn reset(&mut self) {
        self.0.reset();
    }
}

/// An error as the user should read it: the API's own message when there is one (a 403 names
/// the resource, the verb and the namespace).
pub fn describe(e: &kube::runtime::watcher::Error) -> String {
    use kube::runtime::watcher::Error as W;
    match e {
        W::InitialListFailed(e) | W::WatchStartFailed(e) | W::WatchFailed(e) => client_error(e),
        W::WatchError(s) => s.message.clone(),
        W::NoResourceVersion => e.to_string(),
    }
}

pub fn client_error(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) if !s.message.is_empty() => s.message.clone(),
        kube::Error::Api(s) => format!("{} ({})", s.reason, s.code),
        other => other.to_string(),
    }
}
