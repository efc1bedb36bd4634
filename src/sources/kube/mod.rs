//! Kubernetes through the kube client: kubeconfig and context, then one watcher per kind
//! (pods, replicasets, Deployments / StatefulSets / DaemonSets, nodes, HPAs, warning events) feeding the Pods, Scaling and
//! Infrastructure panes, plus metrics.k8s.io, and the actions a user can take on them.

pub mod actions;
pub mod discovery;
pub mod edit;
pub mod eks_context;
pub mod exec;
pub mod forward;
mod intern;
mod list_items;
pub mod list_watch;
pub mod logs;
pub mod metrics;
pub mod object_watch;
pub mod objects;
pub mod pod_detail;
pub mod pod_object;
pub mod pod_watch;
pub mod pods;
pub mod quantity;
pub mod replicasets;
pub mod resource_watch;
mod retry_after;
pub mod rollout;
pub mod scoped;
pub mod table;
mod watch;
pub mod workload_logs;
pub mod workloads;

use std::path::PathBuf;

use kube::config::{KubeConfigOptions, Kubeconfig};

use super::backoff::Policy;
use super::{Sender, TaskGuard};
use crate::domain::source::KubeFeed;
use crate::domain::{Scope, SourceId};
use crate::state::{Message, PaneId};

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
    /// How every watch on this connection retries (tests make it quick).
    pub backoff: Policy,
    /// How often metrics.k8s.io is read ([`metrics::POLL`]; tests make it quick).
    pub metrics_poll: std::time::Duration,
}

/// The kubeconfig read and the context and namespaces chosen: enough to name the context on
/// screen before any request is made.
#[derive(Clone)]
pub struct Resolved {
    kubeconfig: Kubeconfig,
    pub context: String,
    pub scope: Scope,
    /// How the watches retry: [`Policy::WATCH`] unless a test wants it quicker.
    pub backoff: Policy,
    /// How often metrics.k8s.io is read: [`metrics::POLL`] unless a test wants it quicker.
    pub metrics_poll: std::time::Duration,
}

fn read_kubeconfig(path: Option<&std::path::Path>) -> anyhow::Result<Kubeconfig> {
    match path {
        Some(p) => Kubeconfig::read_from(p)
            .map_err(|e| anyhow::anyhow!("reading the kubeconfig {}: {e}", p.display())),
        None => Kubeconfig::read().map_err(|e| anyhow::anyhow!("reading the kubeconfig: {e}")),
    }
}

/// The kubeconfig's contexts in its order, and its current one: what `--contexts GLOB`,
/// `--all-contexts` and `:ctx` completion choose from.
pub fn contexts(path: Option<&std::path::Path>) -> anyhow::Result<(Vec<String>, Option<String>)> {
    let kc = read_kubeconfig(path)?;
    Ok((kc.contexts.iter().map(|c| c.name.clone()).collect(), kc.current_context))
}

/// The EKS cluster `context` (else the current one) points at, when the kubeconfig says so.
pub fn eks_context(path: Option<&std::path::Path>, context: Option<&str>) -> Option<eks_context::EksContext> {
    let kc = read_kubeconfig(path).ok()?;
    let name = context.map(str::to_string).or_else(|| kc.current_context.clone())?;
    eks_context::eks_of(&kc, &name)
}

/// The person `context` (else the current one) names as its user, when it names one.
pub fn kubeconfig_user(path: Option<&std::path::Path>, context: Option<&str>) -> Option<String> {
    let kc = read_kubeconfig(path).ok()?;
    let name = context.map(str::to_string).or_else(|| kc.current_context.clone())?;
    eks_context::user_of(&kc, &name)
}

/// Read the kubeconfig and pick the context, as kubectl does.
pub fn resolve(target: &Target) -> anyhow::Result<Resolved> {
    let kc = read_kubeconfig(target.kubeconfig.as_deref())?;
    let context = match target.context.clone().or_else(|| kc.current_context.clone()) {
        Some(c) => c,
        None => anyhow::bail!("the kubeconfig has no current context; pass --context"),
    };
    let Some(named) = kc.contexts.iter().find(|c| c.name == context) else {
        let names: Vec<&str> = kc.contexts.iter().map(|c| c.name.as_str()).collect();
        anyhow::bail!("no context \"{context}\" in the kubeconfig (it has: {})", names.join(", "));
    };
    let ctx_ns = named.context.as_ref().and_then(|c| c.namespace.clone());
    let scope = target.scope.clone().unwrap_or_else(|| ctx_ns.map_or(Scope::All, Scope::Namespace));
    Ok(Resolved { kubeconfig: kc, context, scope, backoff: Policy::WATCH, metrics_poll: metrics::POLL })
}

/// Build a client for the resolved context. Exec plugins (`aws eks get-token`) run as kube runs
/// them, when a request needs a token.
pub async fn connect_resolved(r: Resolved) -> anyhow::Result<Connection> {
    let Resolved { kubeconfig, context, scope, backoff, metrics_poll } = r;
    let options = KubeConfigOptions { context: Some(context.clone()), ..KubeConfigOptions::default() };
    let mut config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .map_err(|e| anyhow::anyhow!("context \"{context}\": {e}"))?;
    // kube's own retry repeats a 429 or 503 inside the request, up to 15 times, while the pane
    // says "live". The watches retry themselves, with their backoff, and say so.
    config.default_retry = false;
    crate::sources::tls::install_provider();
    let client = kube::client::ClientBuilder::try_from(config)
        .map_err(|e| anyhow::anyhow!("context \"{context}\": {e}"))?
        .with_layer(&retry_after::RetryAfterLayer)
        .build();
    Ok(Connection { client, context, scope, backoff, metrics_poll })
}

pub async fn connect(target: &Target) -> anyhow::Result<Connection> {
    connect_resolved(resolve(target)?).await
}

/// What actions use to reach the cluster: the connection once the source task has made it.
#[derive(Clone)]
pub struct Handle {
    conn: tokio::sync::watch::Receiver<Option<Result<Connection, String>>>,
}

impl Handle {
    /// The connection, once the source task has made it (or the reason it could not).
    pub async fn connection(&self) -> Result<Connection, String> {
        let mut rx = self.conn.clone();
        rx.wait_for(Option::is_some)
            .await
            .map_err(|_| "the Kubernetes source has stopped".to_string())?
            .clone()
            .expect("waited for Some")
    }

    pub async fn run(
        &self,
        action: crate::domain::registry::ActionId,
        target: &crate::domain::Target,
    ) -> Result<String, String> {
        actions::run(&self.connection().await?, action, target).await
    }

    /// The kinds the cluster serves.
    pub async fn discover(&self) -> Result<Vec<crate::state::resources::KindEntry>, String> {
        discovery::catalog(&self.connection().await?.client).await
    }

    /// A workload's revisions, newest first.
    pub async fn history(
        &self,
        ns: &str,
        kind: crate::domain::WorkloadKind,
        name: &str,
    ) -> Result<Vec<rollout::Revision>, String> {
        rollout::history(&self.connection().await?, ns, kind, name).await
    }

    /// The ports a pod declares, or a Service serves.
    pub async fn ports(&self, ns: &str, name: &str, service: bool) -> Result<Vec<(u16, String)>, String> {
        use crate::domain::ApiKind;
        let conn = self.connection().await?;
        let kind = if service { ApiKind::new("", "v1", "Service", "services", true) } else { ApiKind::pod() };
        let o = object_watch::dyn_api(conn.client.clone(), &kind, Some(ns))
            .get(name)
            .await
            .map_err(|e| client_error(&e))?;
        let v = object_watch::plain(&o, &kind);
        Ok(if service { forward::service_ports(&v) } else { forward::pod_ports(&v) })
    }

    /// Send an edit; a refusal says whether the editor should open again.
    pub async fn edit(&self, e: &crate::domain::target::EditedObject) -> Result<String, edit::Refused> {
        let conn = self.connection().await.map_err(|message| edit::Refused { message, reopen: false })?;
        edit::send(&conn, e).await
    }
}

/// Connect and watch in one task, so startup need not wait for the cluster. A context that
/// cannot be reached disables the kube sources with the reason.
pub fn start(resolved: Resolved, tx: Sender) -> (Handle, TaskGuard) {
    let (conn_tx, conn_rx) = tokio::sync::watch::channel(None);
    let guard = TaskGuard(tokio::spawn(async move {
        match connect_resolved(resolved).await {
            Ok(conn) => {
                conn_tx.send_replace(Some(Ok(conn.clone())));
                watch_all(conn, tx).await;
            }
            Err(e) => {
                let reason = format!("{e:#}");
                conn_tx.send_replace(Some(Err(reason.clone())));
                for (id, feeds) in FEEDS {
                    let m = Message::Disabled {
                        source: source(*id),
                        feeds: feeds.to_vec(),
                        reason: reason.clone(),
                    };
                    if tx.send(m).await.is_err() {
                        return;
                    }
                }
            }
        }
    }));
    (Handle { conn: conn_rx }, guard)
}

/// The sources this module runs and the panes each feeds.
pub const FEEDS: &[(KubeFeed, &[PaneId])] = &[
    (KubeFeed::Pods, &[PaneId::Pods]),
    (KubeFeed::Workloads, &[PaneId::Pods]),
    (KubeFeed::Nodes, &[PaneId::Infrastructure]),
    (KubeFeed::Hpas, &[PaneId::Scaling]),
    (KubeFeed::Events, &[PaneId::Pods]),
];

pub fn source(feed: KubeFeed) -> SourceId {
    SourceId::kube(feed)
}

/// Watches deliver only changes, so a quiet watch is not a stale one: interval 0 means the
/// source is never marked stale for silence; errors still show.
pub fn register() -> Vec<Message> {
    FEEDS
        .iter()
        .map(|(id, feeds)| Message::Register { source: source(*id), interval_ms: 0, feeds: feeds.to_vec() })
        .collect()
}

/// Start watching. The messages go out on `tx`; dropping the guard stops every watch.
pub fn spawn(conn: Connection, tx: Sender) -> TaskGuard {
    TaskGuard(tokio::spawn(watch_all(conn, tx)))
}

async fn watch_all(conn: Connection, tx: Sender) {
    for m in register() {
        if tx.send(m).await.is_err() {
            return;
        }
    }
    watch::run(conn, tx).await;
}

/// An error from the kube client as the user should read it: the API's own message when
/// there is one (a 403 names the resource, the verb and the namespace).
pub fn client_error(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) if !s.message.is_empty() => s.message.clone(),
        kube::Error::Api(s) => format!("{} ({})", s.reason, s.code),
        kube::Error::SerdeError(e) => format!("the API server's answer could not be read: {e}"),
        other => other.to_string(),
    }
}
