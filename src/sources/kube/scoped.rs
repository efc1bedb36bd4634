//! One watcher per kind over the user's scope. With `-A`, a user whose roles are bound per
//! namespace is refused the cluster-wide list (403 at the cluster scope); kubectl then fails, but
//! the console falls back to one watcher per namespace, so the namespaces the user may read load
//! and each one refused is named in its pane. The per-namespace watchers are merged into one
//! stream that looks like a single watcher to the caller: one `Init … InitDone` for the first
//! complete listing, then changes; a namespace that relists (410) sends only its differences;
//! healthy once every namespace it may read is.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Debug;

use futures::StreamExt;
use futures::stream::{BoxStream, SelectAll};
use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::core::v1::Namespace;
use kube::api::ListParams;
use kube::runtime::watcher::{self, Event};
use kube::{Api, Resource, ResourceExt};
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;

use super::Connection;
use super::list_watch::{AllHealthy, Failure, Trouble, Update, list_watch};
use crate::domain::Scope;
use crate::sources::TaskGuard;
use crate::sources::backoff::{Backoff, Policy};

/// A namespaced kind the watchers can list, watch and hand between tasks.
pub trait Watched:
    Resource<Scope = NamespaceResourceScope, DynamicType = ()>
    + Clone
    + Default
    + DeserializeOwned
    + Debug
    + Send
    + Sync
    + 'static
{
}

impl<K> Watched for K where
    K: Resource<Scope = NamespaceResourceScope, DynamicType = ()>
        + Clone
        + Default
        + DeserializeOwned
        + Debug
        + Send
        + Sync
        + 'static
{
}

/// What a scoped watcher yields: the kind's events and health, or news about one namespace it
/// could not read (or can again).
pub enum Scoped<K> {
    Update(Update<K>),
    Forbidden { namespace: String, error: String },
    Allowed { namespace: String },
}

fn event<K>(ev: Event<K>) -> Scoped<K> {
    Scoped::Update(Update::Event(ev))
}

impl<K> Scoped<K> {
    /// The same news with each object turned into `T` (a row), so only the row is kept.
    pub fn map<T>(self, f: impl Fn(K) -> T) -> Scoped<T> {
        let ev = match self {
            Scoped::Update(Update::Event(ev)) => ev,
            Scoped::Update(Update::Healthy) => return Scoped::Update(Update::Healthy),
            Scoped::Update(Update::Page { remaining }) => return Scoped::Update(Update::Page { remaining }),
            Scoped::Update(Update::Failed(e)) => return Scoped::Update(Update::Failed(e)),
            Scoped::Forbidden { namespace, error } => return Scoped::Forbidden { namespace, error },
            Scoped::Allowed { namespace } => return Scoped::Allowed { namespace },
        };
        event(match ev {
            Event::Init => Event::Init,
            Event::InitApply(k) => Event::InitApply(f(k)),
            Event::InitDone => Event::InitDone,
            Event::Apply(k) => Event::Apply(f(k)),
            Event::Delete(k) => Event::Delete(f(k)),
        })
    }
}

/// Watch `K` over the connection's scope, falling back to per-namespace watchers under `-A`
/// when the cluster-wide list is forbidden.
pub fn watch<K>(conn: &Connection, cfg: watcher::Config) -> BoxStream<'static, Scoped<K>>
where
    K: Watched,
{
    match &conn.scope {
        Scope::Namespace(ns) => {
            let api = Api::<K>::namespaced(conn.client.clone(), ns);
            list_watch(api, cfg, conn.backoff).map(Scoped::Update).boxed()
        }
        Scope::All => {
            let (tx, mut rx) = mpsc::channel(256);
            let guard = TaskGuard(tokio::spawn(drive::<K>(conn.client.clone(), cfg, conn.backoff, tx)));
            // The guard lives as long as the stream: dropping the stream stops the task.
            futures::stream::poll_fn(move |cx| {
                let _ = &guard;
                rx.poll_recv(cx)
            })
            .boxed()
        }
    }
}

async fn drive<K>(client: kube::Client, cfg: watcher::Config, policy: Policy, tx: mpsc::Sender<Scoped<K>>)
where
    K: Watched,
{
    let mut backoff = Backoff::with_policy(policy);
    loop {
        let api = Api::<K>::all(client.clone());
        let mut all = list_watch(api, cfg.clone(), policy);
        while let Some(item) = all.next().await {
            // Refused at the cluster scope is what roles bound per namespace look like: not an
            // error to show while each namespace is tried and named on its own.
            if matches!(&item, Update::Failed(f) if f.forbidden()) {
                break;
            }
            if tx.send(Scoped::Update(item)).await.is_err() {
                return;
            }
        }
        drop(all);
        match Api::<Namespace>::all(client.clone()).list_metadata(&ListParams::default()).await {
            Ok(list) => {
                let names = list.items.iter().map(|n| n.name_any()).collect();
                return per_namespace::<K>(&client, cfg, policy, names, tx).await;
            }
            Err(e) => {
                let failed = Failure { trouble: Trouble::NoFallback(e), retry_in: backoff.next_delay() };
                tracing::warn!(error = %failed.describe(), "no per-namespace fallback");
                let wait = failed.retry_in;
                if tx.send(Scoped::Update(Update::Failed(failed))).await.is_err() {
                    return;
                }
                tokio::time::sleep(wait).await;
            }
        }
    }
}

/// Where one namespace's watcher is.
#[derive(Default)]
struct Ns<K> {
    /// A (re)list under way.
    listing: Option<Vec<K>>,
    /// The names it holds, to send deletions when a relist drops some.
    names: BTreeSet<String>,
    listed_once: bool,
    forbidden: bool,
}

async fn per_namespace<K>(
    client: &kube::Client,
    cfg: watcher::Config,
    policy: Policy,
    names: Vec<String>,
    tx: mpsc::Sender<Scoped<K>>,
) where
    K: Watched,
{
    let mut merged: SelectAll<BoxStream<'static, (String, Update<K>)>> = SelectAll::new();
    for ns in &names {
        let api = Api::<K>::namespaced(client.clone(), ns);
        let ns = ns.clone();
        merged.push(list_watch(api, cfg.clone(), policy).map(move |item| (ns.clone(), item)).boxed());
    }
    let mut merge = Merge::new(names);
    loop {
        for m in merge.out.drain(..) {
            if tx.send(m).await.is_err() {
                return;
            }
        }
        match merged.next().await {
            Some((ns, item)) => merge.step(ns, item),
            None => return,
        }
    }
}

/// Turns many namespaces' watcher events into one watcher's.
struct Merge<K> {
    nss: BTreeMap<String, Ns<K>>,
    /// Namespaces whose first listing is not complete: until it is, everything is `InitApply`.
    waiting: HashSet<String>,
    /// Deletions seen before the merged listing was complete: sent after it, or the listing
    /// would bring the objects back.
    deferred: Vec<Scoped<K>>,
    /// The namespaces it may read that have not said they are healthy since they last failed.
    health: AllHealthy<String>,
    out: Vec<Scoped<K>>,
}

impl<K: Resource + Clone + Default> Merge<K> {
    fn new(names: Vec<String>) -> Self {
        let mut m = Merge {
            nss: BTreeMap::new(),
            waiting: names.iter().cloned().collect(),
            deferred: Vec::new(),
            health: AllHealthy::new(names),
            out: vec![event(Event::Init)],
        };
        if m.waiting.is_empty() {
            m.out.push(event(Event::InitDone));
            m.out.push(Scoped::Update(Update::Healthy));
        }
        m
    }

    fn delete(&mut self, k: K, initial: bool) {
        let m = event(Event::Delete(k));
        if initial { self.deferred.push(m) } else { self.out.push(m) }
    }

    fn healthy(&mut self, ns: &String) {
        if self.health.healthy(ns) {
            self.out.push(Scoped::Update(Update::Healthy));
        }
    }

    fn step(&mut self, ns: String, item: Update<K>) {
        let initial = !self.waiting.is_empty();
        let state = self.nss.entry(ns.clone()).or_default();
        let ev = match item {
            Update::Event(ev) => ev,
            Update::Failed(f) if f.forbidden() => {
                if !state.forbidden {
                    state.forbidden = true;
                    self.out.push(Scoped::Forbidden { namespace: ns.clone(), error: f.describe() });
                }
                self.first_done(&ns);
                // Its refusal has a source of its own; the others' health is this one's.
                return self.healthy(&ns);
            }
            Update::Failed(f) => {
                self.health.failed(ns);
                return self.out.push(Scoped::Update(Update::Failed(f)));
            }
            Update::Healthy => return self.healthy(&ns),
            // Namespaces merge into one listing, which shows when all have listed.
            Update::Page { .. } => return,
        };
        match ev {
            Event::Init => state.listing = Some(Vec::new()),
            Event::InitApply(k) => state.listing.get_or_insert_with(Vec::new).push(k),
            Event::InitDone => {
                let listed = state.listing.take().unwrap_or_default();
                let names: BTreeSet<String> = listed.iter().map(|k| k.name_any()).collect();
                let gone: Vec<String> = state.names.difference(&names).cloned().collect();
                let first = !state.listed_once;
                state.listed_once = true;
                state.names = names;
                if std::mem::take(&mut state.forbidden) {
                    self.out.push(Scoped::Allowed { namespace: ns.clone() });
                }
                for k in listed {
                    self.out.push(event(if initial { Event::InitApply(k) } else { Event::Apply(k) }));
                }
                if !first {
                    for name in gone {
                        self.delete(stub::<K>(&ns, name), initial);
                    }
                }
                self.first_done(&ns);
            }
            Event::Apply(k) => {
                state.names.insert(k.name_any());
                self.out.push(event(if initial { Event::InitApply(k) } else { Event::Apply(k) }));
            }
            Event::Delete(k) => {
                state.names.remove(&k.name_any());
                self.delete(k, initial);
            }
        }
    }

    /// A namespace's first listing ended (or was refused): the merged listing completes with
    /// the last one.
    fn first_done(&mut self, ns: &str) {
        if self.waiting.remove(ns) && self.waiting.is_empty() {
            self.out.push(event(Event::InitDone));
            self.out.append(&mut self.deferred);
        }
    }
}

/// An object that carries only its name and namespace: what a deletion needs.
fn stub<K: Resource + Default>(ns: &str, name: String) -> K {
    let mut k = K::default();
    k.meta_mut().name = Some(name);
    k.meta_mut().namespace = Some(ns.to_string());
    k
}

#[cfg(test)]
mod tests;
