//! The Kubernetes source task: one watcher (one list, then one watch) per kind, merged into
//! one loop that keeps trimmed copies and sends the store rows. A watcher that fails backs off
//! and reports its kind; the others go on; a source is healthy again when all its watchers are.
//! A 410 Expired makes its watcher relist, and the pane keeps its rows until the new list is
//! complete (`InitDone`), which replaces them.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::Duration;

use futures::{Stream, StreamExt};
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{Event as KEvent, Node as KNode};
use kube::Api;
use kube::runtime::watcher::{self, Event};

use super::list_watch::{AllHealthy, Failure, Update, list_watch};
use super::metrics::{self, Polled};
use super::objects::{self, loads};
use super::pod_object::SlimPod;
use super::replicasets::{self, Rs};
use super::scoped::{self, Scoped};
use super::workloads;
use super::{Connection, source};
use crate::domain::WorkloadKind;
use crate::domain::source::KubeFeed;
use crate::sources::{Sender, TaskGuard, wall_now};
use crate::state::pods::ClusterEvent;
use crate::state::scaling::Hpa;
use crate::state::workloads::Workload;
use crate::state::{Data, EVENTS_KEPT, Message};
use tokio::sync::mpsc;

mod pod_rows;

use pod_rows::PodRows;

/// How often batched kinds (nodes, HPAs, events) are sent when they changed.
const FLUSH: Duration = Duration::from_secs(1);
/// HPAs are re-sent this often even unchanged, so the utilisation history has a time base.
const HPA_SAMPLE_MS: i64 = 15_000;

// One lives per watch event and is moved once; boxing would only add an allocation per event.
#[allow(clippy::large_enum_variant)]
enum Item {
    Pods(Scoped<SlimPod>),
    ReplicaSets(Scoped<Rs>),
    Nodes(Update<KNode>),
    Hpas(Scoped<HorizontalPodAutoscaler>),
    Events(Scoped<KEvent>),
    Workloads(WorkloadKind, Scoped<Workload>),
}

fn boxed<S, T>(s: S, f: impl FnMut(T) -> Item + Send + 'static) -> futures::stream::BoxStream<'static, Item>
where
    S: Stream<Item = T> + Send + 'static,
    T: 'static,
{
    s.map(f).boxed()
}

/// The set of objects of one kind: a buffer while a (re)list is under way, then the live set.
struct Set<T> {
    listing: Option<Vec<T>>,
    synced: bool,
}

impl<T> Default for Set<T> {
    fn default() -> Self {
        Set { listing: None, synced: false }
    }
}

#[derive(Default)]
pub struct Watch {
    /// The pods, their owners and their metrics.
    pods: PodRows,
    /// Each ReplicaSet trimmed to its owner, revision and template's images: the rollouts.
    replicasets: HashMap<(String, String), Rs>,
    rs_set: Set<Rs>,
    revisions_dirty: bool,
    nodes: BTreeMap<String, KNode>,
    node_set: Set<KNode>,
    nodes_dirty: bool,
    hpas: BTreeMap<String, Hpa>,
    hpa_set: Set<Hpa>,
    hpas_dirty: bool,
    hpas_sent: i64,
    /// Workload rows by key; each kind lists on its own.
    workloads: BTreeMap<String, Workload>,
    workload_sets: [Set<Workload>; 3],
    workloads_dirty: bool,
    events: HashMap<String, ClusterEvent>,
    event_set: Set<(String, ClusterEvent)>,
    events_dirty: bool,
    /// Per source, its watchers that have not said they are healthy since they last failed.
    health: BTreeMap<KubeFeed, AllHealthy<&'static str>>,
}

/// Each source and the watchers behind it: ReplicaSets only name pods' owners, so their
/// trouble shows as the pods source's.
const PARTS: &[(KubeFeed, &[&str])] = &[
    (KubeFeed::Pods, &["pods", "replicasets"]),
    (KubeFeed::Workloads, &["Deployment", "StatefulSet", "DaemonSet"]),
    (KubeFeed::Nodes, &["nodes"]),
    (KubeFeed::Hpas, &["hpas"]),
    (KubeFeed::Events, &["events"]),
];

pub async fn run(conn: Connection, tx: Sender) {
    let cfg = watcher::Config::default();
    // The pods list first: on a cluster of 100,000 pods every other list (and the metrics'
    // tens of MB) competes with it for the server and the client. The others start when its
    // first page is in (or it failed), the metrics when it is whole.
    let mut all =
        futures::stream::select_all([boxed(scoped::watch::<SlimPod>(&conn, cfg.clone()), Item::Pods)]);
    let mut later = Some(after_pods(&conn, &cfg));
    let cluster = tx.cluster().cloned().unwrap_or_default();
    let mut state = Watch::new(PodRows::new(cluster.clone()));
    let mut poller = None;
    let mut flush = tokio::time::interval(FLUSH);
    flush.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let out = tokio::select! {
            item = all.next() => match item {
                Some(item) => {
                    if matches!(item, Item::Pods(_)) && let Some(rest) = later.take() {
                        rest.into_iter().for_each(|s| all.push(s));
                    }
                    state.handle(item)
                }
                None => return,
            },
            Some(polled) = next_reading(&mut poller) => state.pods.take_metrics(polled),
            _ = flush.tick() => state.flush(),
        };
        if poller.is_none() && state.pods.synced() {
            poller = Some(metrics::spawn(&conn, cluster.clone()));
        }
        for m in out {
            if tx.send(m).await.is_err() {
                return;
            }
        }
    }
}

/// Every watch but the pods'.
fn after_pods(conn: &Connection, cfg: &watcher::Config) -> Vec<futures::stream::BoxStream<'static, Item>> {
    vec![
        // Whole ReplicaSets, trimmed at once to owner, revision and images (`replicasets::trim`).
        boxed(scoped::watch::<ReplicaSet>(conn, cfg.clone()), |s| {
            Item::ReplicaSets(s.map(replicasets::trim))
        }),
        boxed(list_watch(Api::<KNode>::all(conn.client.clone()), cfg.clone(), conn.backoff), Item::Nodes),
        boxed(scoped::watch::<HorizontalPodAutoscaler>(conn, cfg.clone()), Item::Hpas),
        // Only warnings: normal events are most of the volume and the panes do not show them.
        boxed(scoped::watch::<KEvent>(conn, cfg.clone().fields("type=Warning")), Item::Events),
        boxed(scoped::watch::<Deployment>(conn, cfg.clone()), |s| {
            Item::Workloads(WorkloadKind::Deployment, s.map(|d| workloads::deployment(&d)))
        }),
        boxed(scoped::watch::<StatefulSet>(conn, cfg.clone()), |s| {
            Item::Workloads(WorkloadKind::StatefulSet, s.map(|d| workloads::statefulset(&d)))
        }),
        boxed(scoped::watch::<DaemonSet>(conn, cfg.clone()), |s| {
            Item::Workloads(WorkloadKind::DaemonSet, s.map(|d| workloads::daemonset(&d)))
        }),
    ]
}

/// The metrics poller's next reading; never, before it is started.
async fn next_reading(poller: &mut Option<(TaskGuard, mpsc::Receiver<Polled>)>) -> Option<Polled> {
    match poller {
        Some((_, rx)) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// One watcher's event, after its health news is taken out.
#[allow(clippy::large_enum_variant)]
enum Change {
    Pods(Event<SlimPod>),
    ReplicaSets(Event<Rs>),
    Nodes(Event<KNode>),
    Hpas(Event<HorizontalPodAutoscaler>),
    Events(Event<KEvent>),
    Workloads(WorkloadKind, Event<Workload>),
}

fn data(id: KubeFeed, data: Data) -> Message {
    Message::Data { source: source(id), at: wall_now(), data }
}

fn failed(id: KubeFeed, f: &Failure) -> Message {
    let error = f.describe();
    tracing::warn!(source = ?id, %error, "watch failed");
    Message::Failed { source: source(id), at: wall_now(), error }
}

/// Feed one watcher event into a set: returns the complete list when a (re)list finishes.
fn step<T, K>(set: &mut Set<T>, ev: Event<K>, mut map: impl FnMut(&K) -> T) -> Step<T, K> {
    match ev {
        Event::Init => {
            set.listing = Some(Vec::new());
            Step::None
        }
        Event::InitApply(k) => {
            set.listing.get_or_insert_with(Vec::new).push(map(&k));
            Step::None
        }
        Event::InitDone => {
            set.synced = true;
            Step::Listed(set.listing.take().unwrap_or_default())
        }
        Event::Apply(k) => Step::Apply(k),
        Event::Delete(k) => Step::Delete(k),
    }
}

enum Step<T, K> {
    None,
    Listed(Vec<T>),
    Apply(K),
    Delete(K),
}

/// A namespace the user may not read under `-A` gets a source of its own (`kube/pods@ns`),
/// so its refusal stays on the pane while the namespaces that load keep it fresh.
fn namespace_news(id: KubeFeed, namespace: String, refusal: Option<String>) -> Vec<Message> {
    let sub = source(id).in_namespace(&namespace);
    let Some(error) = refusal else { return vec![Message::Unregister { source: sub }] };
    tracing::warn!(source = ?id, %namespace, %error, "namespace forbidden");
    let feeds = super::FEEDS.iter().find(|(f, _)| *f == id).map(|(_, p)| p.to_vec()).unwrap_or_default();
    vec![
        Message::Register { source: sub.clone(), interval_ms: 0, feeds },
        Message::Failed { source: sub, at: wall_now(), error },
    ]
}

impl Watch {
    fn new(pods: PodRows) -> Watch {
        let health = PARTS.iter().map(|(id, parts)| (*id, AllHealthy::new(parts.iter().copied()))).collect();
        Watch { pods, health, ..Watch::default() }
    }

    fn handle(&mut self, item: Item) -> Vec<Message> {
        let item = match item {
            Item::Pods(s) => self.news(KubeFeed::Pods, "pods", s).map(Change::Pods),
            Item::ReplicaSets(s) => self.news(KubeFeed::Pods, "replicasets", s).map(Change::ReplicaSets),
            Item::Hpas(s) => self.news(KubeFeed::Hpas, "hpas", s).map(Change::Hpas),
            Item::Events(s) => self.news(KubeFeed::Events, "events", s).map(Change::Events),
            Item::Nodes(u) => self.news(KubeFeed::Nodes, "nodes", Scoped::Update(u)).map(Change::Nodes),
            Item::Workloads(k, s) => {
                self.news(KubeFeed::Workloads, k.label(), s).map(|e| Change::Workloads(k, e))
            }
        };
        match item {
            Ok(item) => self.handle_event(item),
            Err(messages) => messages,
        }
    }

    /// A watcher's news: events go on to the rows; its failures, its recovery and a
    /// namespace's refusal become its source's messages here, the same for every kind.
    fn news<K>(
        &mut self,
        id: KubeFeed,
        part: &'static str,
        news: Scoped<K>,
    ) -> Result<Event<K>, Vec<Message>> {
        let parts = self.health.get_mut(&id).expect("every source has its parts");
        match news {
            Scoped::Update(Update::Event(e)) => Ok(e),
            Scoped::Update(Update::Failed(f)) => {
                parts.failed(part);
                Err(vec![failed(id, &f)])
            }
            Scoped::Update(Update::Healthy) if parts.healthy(&part) => {
                Err(vec![Message::Healthy { source: source(id) }])
            }
            Scoped::Update(Update::Healthy) => Err(Vec::new()),
            Scoped::Update(Update::Page { remaining }) if part == "pods" => Err(self.pods.page(remaining)),
            Scoped::Update(Update::Page { .. }) => Err(Vec::new()),
            Scoped::Forbidden { namespace, error } => Err(namespace_news(id, namespace, Some(error))),
            Scoped::Allowed { namespace } => Err(namespace_news(id, namespace, None)),
        }
    }

    fn handle_event(&mut self, item: Change) -> Vec<Message> {
        let now = wall_now();
        match item {
            Change::Pods(ev) => {
                let out = self.pods.event(ev, now);
                self.nodes_dirty |= std::mem::take(&mut self.pods.loads_changed);
                out
            }
            Change::ReplicaSets(ev) => {
                let changed = match step(&mut self.rs_set, ev, Rs::clone) {
                    Step::None => return Vec::new(),
                    Step::Listed(list) => {
                        self.pods.owners_listed(&list);
                        self.replicasets = list.into_iter().map(|r| (r.key.clone(), r)).collect();
                        self.revisions_dirty = true;
                        true
                    }
                    Step::Apply(rs) => {
                        let (k, o) = (rs.key.clone(), rs.owner.clone());
                        self.revisions_dirty |= self.replicasets.get(&k) != Some(&rs);
                        self.replicasets.insert(k.clone(), rs);
                        self.pods.owner_set(k, o)
                    }
                    Step::Delete(rs) => {
                        self.replicasets.remove(&rs.key);
                        self.pods.owner_gone(&rs.key)
                    }
                };
                if changed { self.pods.reresolve() } else { Vec::new() }
            }
            Change::Nodes(ev) => {
                match step(&mut self.node_set, ev, |n| trim_node(n.clone())) {
                    Step::None => return Vec::new(),
                    Step::Listed(list) => {
                        self.nodes = list
                            .into_iter()
                            .map(|n| (n.metadata.name.clone().unwrap_or_default(), n))
                            .collect();
                    }
                    Step::Apply(n) => {
                        self.nodes.insert(n.metadata.name.clone().unwrap_or_default(), trim_node(n));
                    }
                    Step::Delete(n) => {
                        self.nodes.remove(n.metadata.name.as_deref().unwrap_or(""));
                    }
                }
                self.nodes_dirty = true;
                Vec::new()
            }
            Change::Hpas(ev) => {
                match step(&mut self.hpa_set, ev, objects::hpa) {
                    Step::None => return Vec::new(),
                    Step::Listed(list) => self.hpas = list.into_iter().map(|h| (h.key(), h)).collect(),
                    Step::Apply(h) => {
                        let h = objects::hpa(&h);
                        self.hpas.insert(h.key(), h);
                    }
                    Step::Delete(h) => {
                        self.hpas.remove(&objects::hpa(&h).key());
                    }
                }
                self.hpas_dirty = true;
                Vec::new()
            }
            Change::Workloads(kind, ev) => {
                let set = &mut self.workload_sets[kind as usize];
                match step(set, ev, Workload::clone) {
                    Step::None => return Vec::new(),
                    Step::Listed(list) => {
                        self.workloads.retain(|_, w| w.kind != kind);
                        self.workloads.extend(list.into_iter().map(|w| (w.key(), w)));
                    }
                    Step::Apply(w) => {
                        self.workloads.insert(w.key(), w);
                    }
                    Step::Delete(w) => {
                        self.workloads.remove(&w.key());
                    }
                }
                self.workloads_dirty = true;
                Vec::new()
            }
            Change::Events(ev) => {
                let key = |e: &KEvent| {
                    format!(
                        "{}/{}",
                        e.metadata.namespace.as_deref().unwrap_or(""),
                        e.metadata.name.as_deref().unwrap_or("")
                    )
                };
                match step(&mut self.event_set, ev, |e| (key(e), objects::event(e))) {
                    Step::None => return Vec::new(),
                    Step::Listed(list) => self.events = list.into_iter().collect(),
                    Step::Apply(e) => {
                        self.events.insert(key(&e), objects::event(&e));
                    }
                    Step::Delete(e) => {
                        self.events.remove(&key(&e));
                    }
                }
                self.events_dirty = true;
                Vec::new()
            }
        }
    }

    /// Send the batched kinds that changed.
    pub fn flush(&mut self) -> Vec<Message> {
        let now = wall_now();
        let mut out = Vec::new();
        if self.nodes_dirty && self.node_set.synced {
            self.nodes_dirty = false;
            let loads = loads(self.pods.tracked());
            let nodes = self
                .nodes
                .values()
                .map(|n| {
                    objects::node(
                        n,
                        loads.get(n.metadata.name.as_deref().unwrap_or("")).copied().unwrap_or_default(),
                    )
                })
                .collect();
            out.push(data(KubeFeed::Nodes, Data::Nodes(nodes)));
        }
        if self.hpa_set.synced && (self.hpas_dirty || now - self.hpas_sent >= HPA_SAMPLE_MS) {
            self.hpas_dirty = false;
            self.hpas_sent = now;
            out.push(data(KubeFeed::Hpas, Data::Hpas(self.hpas.values().cloned().collect())));
        }
        // Each kind sends once it has listed: one forbidden kind does not hold back the others.
        if self.workloads_dirty && self.workload_sets.iter().any(|s| s.synced) {
            self.workloads_dirty = false;
            out.push(data(KubeFeed::Workloads, Data::Workloads(self.workloads.values().cloned().collect())));
        }
        if self.revisions_dirty && self.rs_set.synced {
            self.revisions_dirty = false;
            let revisions = self.replicasets.values().filter_map(Rs::as_revision).collect();
            for piece in replicasets::revision_pieces(revisions, pod_rows::PIECE) {
                out.push(data(KubeFeed::Pods, Data::Revisions(piece)));
            }
        }
        if self.events_dirty && self.event_set.synced {
            self.events_dirty = false;
            let mut ev: Vec<ClusterEvent> = self.events.values().cloned().collect();
            ev.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.object.cmp(&b.object)));
            let ev: VecDeque<ClusterEvent> = ev.into_iter().rev().take(EVENTS_KEPT).rev().collect();
            out.push(data(KubeFeed::Events, Data::Events(ev.into())));
        }
        out
    }
}

/// Keep only what the Infrastructure pane reads: images and managed fields are most of a node.
fn trim_node(mut n: KNode) -> KNode {
    n.metadata.managed_fields = None;
    n.metadata.annotations = None;
    if let Some(s) = n.status.as_mut() {
        s.images = None;
        s.volumes_attached = None;
        s.volumes_in_use = None;
    }
    n
}
