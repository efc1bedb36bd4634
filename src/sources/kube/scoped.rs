//! One watcher per kind over the user's scope. With `-A`, a user whose roles are bound per
//! namespace is refused the cluster-wide list (403 at the cluster scope); kubectl then fails, but
//! the console falls back to one watcher per namespace, so the namespaces the user may read load
//! and each one refused is named in its pane. The per-namespace watchers are merged into one
//! stream that looks like a single watcher to the caller: one `Init … InitDone` for the first
//! complete listing, then changes; a namespace that relists (410) sends only its differences.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Debug;

use futures::StreamExt;
use futures::stream::{BoxStream, SelectAll};
use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::core::v1::Namespace;
use kube::api::ListParams;
use kube::runtime::utils::StreamBackoff;
use kube::runtime::watcher::{self, Event};
use kube::{Api, Resource, ResourceExt};
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;

use super::{Connection, WatchBackoff, client_error};
use crate::domain::Scope;
use crate::sources::TaskGuard;

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

/// What a scoped watcher yields: the kind's events, or news about one namespace it could not
/// read (or can again).
pub enum Scoped<K> {
    Event(watcher::Result<Event<K>>),
    Forbidden { namespace: String, error: String },
    Allowed { namespace: String },
}

impl<K> Scoped<K> {
    /// The same news with each object turned into `T` (a row), so only the row is kept.
    pub fn map<T>(self, f: impl Fn(K) -> T) -> Scoped<T> {
        let ev = match self {
            Scoped::Event(Ok(ev)) => ev,
            Scoped::Event(Err(e)) => return Scoped::Event(Err(e)),
            Scoped::Forbidden { namespace, error } => return Scoped::Forbidden { namespace, error },
            Scoped::Allowed { namespace } => return Scoped::Allowed { namespace },
        };
        Scoped::Event(Ok(match ev {
            Event::Init => Event::Init,
            Event::InitApply(k) => Event::InitApply(f(k)),
            Event::InitDone => Event::InitDone,
            Event::Apply(k) => Event::Apply(f(k)),
            Event::Delete(k) => Event::Delete(f(k)),
        }))
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
            StreamBackoff::new(watcher::watcher(api, cfg), WatchBackoff::new()).map(Scoped::Event).boxed()
        }
        Scope::All => {
            let (tx, mut rx) = mpsc::channel(256);
            let guard = TaskGuard(tokio::spawn(drive::<K>(conn.client.clone(), cfg, tx)));
            // The guard lives as long as the stream: dropping the stream stops the task.
            futures::stream::poll_fn(move |cx| {
                let _ = &guard;
                rx.poll_recv(cx)
            })
            .boxed()
        }
    }
}

fn forbidden(e: &watcher::Error) -> bool {
    match e {
        watcher::Error::InitialListFailed(kube::Error::Api(s))
        | watcher::Error::WatchStartFailed(kube::Error::Api(s))
        | watcher::Error::WatchFailed(kube::Error::Api(s)) => s.code == 403,
        watcher::Error::WatchError(s) => s.code == 403,
        _ => false,
    }
}

async fn drive<K>(client: kube::Client, cfg: watcher::Config, tx: mpsc::Sender<Scoped<K>>)
where
    K: Watched,
{
    let mut backoff = WatchBackoff::new();
    loop {
        let api = Api::<K>::all(client.clone());
        let mut all = StreamBackoff::new(watcher::watcher(api, cfg.clone()), WatchBackoff::new()).boxed();
        while let Some(item) = all.next().await {
            let refused = matches!(&item, Err(e) if forbidden(e));
            if tx.send(Scoped::Event(item)).await.is_err() {
                return;
            }
            if refused {
                break;
            }
        }
        drop(all);
        match Api::<Namespace>::all(client.clone()).list_metadata(&ListParams::default()).await {
            Ok(list) => {
                let names = list.items.iter().map(|n| n.name_any()).collect();
                return per_namespace::<K>(&client, cfg, names, tx).await;
            }
            Err(e) => {
                let error = format!(
                    "{}; the namespaces cannot be listed either ({}): pass -n NAMESPACE",
                    "forbidden at the cluster scope",
                    client_error(&e)
                );
                tracing::warn!(%error, "no per-namespace fallback");
                let failed = watcher::Error::InitialListFailed(e);
                if tx.send(Scoped::Event(Err(failed))).await.is_err() {
                    return;
                }
                tokio::time::sleep(Iterator::next(&mut backoff).unwrap_or_default()).await;
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
    names: Vec<String>,
    tx: mpsc::Sender<Scoped<K>>,
) where
    K: Watched,
{
    let mut merged: SelectAll<BoxStream<'static, (String, watcher::Result<Event<K>>)>> = SelectAll::new();
    for ns in &names {
        let api = Api::<K>::namespaced(client.clone(), ns);
        let ns = ns.clone();
        let s = StreamBackoff::new(watcher::watcher(api, cfg.clone()), WatchBackoff::new());
        merged.push(s.map(move |item| (ns.clone(), item)).boxed());
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
    out: Vec<Scoped<K>>,
}

impl<K: Resource + Clone + Default> Merge<K> {
    fn new(names: Vec<String>) -> Self {
        let mut m = Merge {
            nss: BTreeMap::new(),
            waiting: names.into_iter().collect(),
            deferred: Vec::new(),
            out: vec![Scoped::Event(Ok(Event::Init))],
        };
        if m.waiting.is_empty() {
            m.out.push(Scoped::Event(Ok(Event::InitDone)));
        }
        m
    }

    fn delete(&mut self, k: K, initial: bool) {
        let m = Scoped::Event(Ok(Event::Delete(k)));
        if initial { self.deferred.push(m) } else { self.out.push(m) }
    }

    fn step(&mut self, ns: String, item: watcher::Result<Event<K>>) {
        let initial = !self.waiting.is_empty();
        let state = self.nss.entry(ns.clone()).or_default();
        match item {
            Err(e) if forbidden(&e) => {
                if !state.forbidden {
                    state.forbidden = true;
                    let error = super::describe(&e);
                    self.out.push(Scoped::Forbidden { namespace: ns.clone(), error });
                }
                self.first_done(&ns);
            }
            Err(e) => self.out.push(Scoped::Event(Err(e))),
            Ok(Event::Init) => state.listing = Some(Vec::new()),
            Ok(Event::InitApply(k)) => state.listing.get_or_insert_with(Vec::new).push(k),
            Ok(Event::InitDone) => {
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
                    let ev = if initial { Event::InitApply(k) } else { Event::Apply(k) };
                    self.out.push(Scoped::Event(Ok(ev)));
                }
                if !first {
                    for name in gone {
                        self.delete(stub::<K>(&ns, name), initial);
                    }
                }
                self.first_done(&ns);
            }
            Ok(Event::Apply(k)) => {
                state.names.insert(k.name_any());
                let ev = if initial { Event::InitApply(k) } else { Event::Apply(k) };
                self.out.push(Scoped::Event(Ok(ev)));
            }
            Ok(Event::Delete(k)) => {
                state.names.remove(&k.name_any());
                self.delete(k, initial);
            }
        }
    }

    /// A namespace's first listing ended (or was refused): the merged listing completes with
    /// the last one.
    fn first_done(&mut self, ns: &str) {
        if self.waiting.remove(ns) && self.waiting.is_empty() {
            self.out.push(Scoped::Event(Ok(Event::InitDone)));
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
