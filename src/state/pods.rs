//! Pods of the current context, keyed by namespace/name, with a derived order (problems first)
//! that the store refreshes after each batch so drawing never sorts.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use arcstr::ArcStr;
use serde::Serialize;

use super::{Data, Level, UnixMs};
use crate::domain::ClusterId;
use crate::domain::{PodKey, PodMap};

mod groups;
pub use groups::{GroupKey, Tally};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum PodPhase {
    Pending,
    Running,
    Succeeded,
    Failed,
    Unknown,
}

impl PodPhase {
    pub fn label(self) -> &'static str {
        match self {
            PodPhase::Pending => "Pending",
            PodPhase::Running => "Running",
            PodPhase::Succeeded => "Succeeded",
            PodPhase::Failed => "Failed",
            PodPhase::Unknown => "Unknown",
        }
    }
}

/// The workload that owns a pod, resolved through its ReplicaSet.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Owner {
    /// Deployment, StatefulSet, DaemonSet, Job.
    pub kind: ArcStr,
    /// Shared by the pods of one workload.
    pub name: ArcStr,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pod {
    /// The cluster it belongs to (empty for an alert of the whole fleet); the store sets it
    /// from the source that delivered the row.
    #[serde(skip_serializing_if = "ClusterId::is_empty")]
    pub cluster: ClusterId,
    /// Namespaces, nodes and owners are shared by the pods that name them (the source interns
    /// them); the name is shared with the pod's keys.
    pub namespace: ArcStr,
    pub name: ArcStr,
    pub phase: PodPhase,
    pub ready: u32,
    pub containers: u32,
    /// Why the pod is in trouble (CrashLoopBackOff, OOMKilled, ImagePullBackOff, Unschedulable,
    /// Evicted, Terminating, NotReady …); `None` when it is fine.
    pub reason: Option<String>,
    /// A longer explanation, e.g. the scheduler's message for an unschedulable pod.
    pub message: Option<String>,
    pub restarts: u32,
    pub last_restart: Option<UnixMs>,
    pub created_at: UnixMs,
    pub node: Option<ArcStr>,
    pub owner: Option<Owner>,
    /// From metrics.k8s.io; `None` when that API is absent.
    pub cpu_milli: Option<u64>,
    pub mem_bytes: Option<u64>,
}

impl Pod {
    pub fn key(&self) -> PodKey {
        PodKey::new(self.namespace.clone(), self.name.clone()).in_cluster(&self.cluster)
    }

    pub fn level(&self) -> Level {
        match self.reason.as_deref() {
            Some("Terminating") => Level::Muted,
            Some("Completed") => Level::Ok,
            Some(_) => Level::Crit,
            None if self.phase == PodPhase::Succeeded => Level::Ok,
            None if self.phase == PodPhase::Failed => Level::Crit,
            None if self.phase == PodPhase::Pending || self.ready < self.containers => Level::Warn,
            None if self.restarts > 5 => Level::Warn,
            None => Level::Ok,
        }
    }

    /// The workload that owns the pod, as the source resolved it (a Deployment through its
    /// ReplicaSet); none when its owner is no workload (a bare ReplicaSet, a Job).
    pub fn workload(&self) -> Option<(crate::domain::WorkloadKind, &ArcStr)> {
        let o = self.owner.as_ref()?;
        Some((crate::domain::WorkloadKind::parse(&o.kind)?, &o.name))
    }

    /// What the status column shows: the trouble reason, else the phase.
    pub fn status_label(&self) -> &str {
        self.reason.as_deref().unwrap_or(self.phase.label())
    }
}

#[cfg(test)]
impl Pod {
    /// A running pod, unready with `reason` when it has one; for tests.
    pub fn sample(namespace: &str, name: &str, reason: Option<&str>) -> Pod {
        Pod {
            cluster: ClusterId::default(),
            namespace: namespace.into(),
            name: name.into(),
            phase: PodPhase::Running,
            ready: u32::from(reason.is_none()),
            containers: 1,
            reason: reason.map(String::from),
            message: None,
            restarts: 0,
            last_restart: None,
            created_at: 0,
            node: None,
            owner: None,
            cpu_milli: None,
            mem_bytes: None,
        }
    }
}

/// Put the delivering source's cluster on a row. A source that knows its cluster has stamped
/// it already, so the row it shares is not copied.
pub fn stamp(pod: &mut Arc<Pod>, cluster: &ClusterId) {
    if &pod.cluster != cluster {
        Arc::make_mut(pod).cluster = cluster.clone();
    }
}

/// How far a cluster's first pod list has come while it loads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Loading {
    pub listed: usize,
    /// The server's estimate of what is left (`remainingItemCount`), when it gives one.
    pub remaining: Option<u64>,
}

impl Loading {
    /// About how many pods the list will have.
    pub fn expected(&self) -> Option<usize> {
        self.remaining.map(|r| self.listed + r as usize)
    }
}

/// The headline's counts for one cluster, kept up to date as rows change so no frame counts
/// 100,000 rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub total: usize,
    pub failing: usize,
    pub pending: usize,
    pub not_ready: usize,
    pub restarting: usize,
    /// Rows at each level (`Level as usize`).
    pub levels: [usize; 5],
}

impl Counts {
    fn field(p: &Pod) -> Option<fn(&mut Counts) -> &mut usize> {
        if is_pending(p) {
            return Some(|c| &mut c.pending);
        }
        match p.level() {
            Level::Crit => Some(|c| &mut c.failing),
            Level::Warn if p.ready < p.containers => Some(|c| &mut c.not_ready),
            Level::Warn => Some(|c| &mut c.restarting),
            _ => None,
        }
    }

    fn add(&mut self, p: &Pod) {
        self.total += 1;
        self.levels[p.level() as usize] += 1;
        if let Some(f) = Counts::field(p) {
            *f(self) += 1;
        }
    }

    fn sub(&mut self, p: &Pod) {
        self.total = self.total.saturating_sub(1);
        let at = &mut self.levels[p.level() as usize];
        *at = at.saturating_sub(1);
        if let Some(f) = Counts::field(p) {
            let n = f(self);
            *n = n.saturating_sub(1);
        }
    }

    pub fn plus(mut self, o: &Counts) -> Counts {
        self.total += o.total;
        self.failing += o.failing;
        self.pending += o.pending;
        self.not_ready += o.not_ready;
        self.restarting += o.restarting;
        for (a, b) in self.levels.iter_mut().zip(o.levels) {
            *a += b;
        }
        self
    }
}

/// Waiting for a node or for its containers to start, rather than broken.
pub fn is_pending(p: &Pod) -> bool {
    p.phase == PodPhase::Pending
        && p.reason
            .as_deref()
            .is_none_or(|r| matches!(r, "Unschedulable" | "ContainerCreating" | "PodInitializing"))
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Pods {
    /// Each row is shared with the source that sent it (`Arc`): a cluster of 100,000 pods keeps
    /// one copy of each, and a change replaces only its own row.
    #[serde(serialize_with = "serialize_in_order", rename = "items")]
    pub by_key: PodMap<Arc<Pod>>,
    /// Keys in display order (problems first, then cluster, namespace, name). Kept by
    /// [`Pods::refresh_order`] after each batch: rows added are merged in and rows gone or moved
    /// are dropped, in one pass; only a replaced cluster sorts it all again.
    #[serde(skip)]
    pub order: Vec<PodKey>,
    /// The order must be built again from scratch.
    #[serde(skip)]
    dirty: bool,
    /// Rows to merge into the order, and rows to take out of it (gone, or moved by a level
    /// change: those are in both).
    #[serde(skip)]
    added: Vec<PodKey>,
    #[serde(skip)]
    removed: HashSet<PodKey>,
    #[serde(skip)]
    counts: BTreeMap<ClusterId, Counts>,
    /// Each workload's pods, tallied as rows change (what triage groups).
    #[serde(skip)]
    groups: groups::Groups,
    /// Clusters whose first pod list is still loading.
    #[serde(skip)]
    pub loading: BTreeMap<ClusterId, Loading>,
    /// Whether each cluster serves metrics.k8s.io.
    #[serde(skip)]
    pub metrics: BTreeMap<ClusterId, bool>,
    /// False when metrics.k8s.io is not served; the CPU/MEM columns say so.
    pub metrics_available: bool,
    /// The clusters whose metrics readings fail: their rows keep the last good reading's usage
    /// and the pane says how old it is.
    #[serde(skip)]
    pub usage_stale: BTreeMap<ClusterId, StaleUsage>,
}

/// A cluster's metrics readings fail (the rows keep the last good one's usage).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaleUsage {
    /// When the last good reading was taken; `None` when none was.
    pub read_at: Option<UnixMs>,
    /// Why the last reading failed.
    pub error: String,
}

fn serialize_in_order<S: serde::Serializer>(map: &PodMap<Arc<Pod>>, s: S) -> Result<S::Ok, S::Error> {
    let mut pods: Vec<&Pod> = map.values().map(|p| &**p).collect();
    pods.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    s.collect_seq(pods)
}

impl PartialEq for Pods {
    fn eq(&self, other: &Self) -> bool {
        self.by_key == other.by_key && self.metrics_available == other.metrics_available
    }
}

/// Display order: problems first, then by key.
fn rank(level: Level, key: &PodKey) -> (Reverse<Level>, &PodKey) {
    (Reverse(level), key)
}

impl Pods {
    /// A pods source's delivery for `cluster`: its rows stamped with it and kept.
    pub fn take(&mut self, cluster: &ClusterId, data: Data) {
        let stamped = |mut p: Arc<Pod>| {
            stamp(&mut p, cluster);
            p
        };
        match data {
            Data::PodsReplace { pods, metrics_available } => {
                self.replace_cluster(cluster, pods.into_iter().map(stamped).collect(), metrics_available);
            }
            Data::PodsLoading { pods, listed, remaining } => {
                // A first list's first page: rows of this cluster from before go.
                if self.loading.insert(cluster.clone(), Loading { listed, remaining }).is_none() {
                    self.clear_cluster(cluster);
                }
                pods.into_iter().for_each(|p| self.upsert(stamped(p)));
            }
            Data::PodsListed { pods, gone, metrics_available } => {
                pods.into_iter().for_each(|p| self.upsert(stamped(p)));
                gone.iter().for_each(|k| self.remove(&k.clone().in_cluster(cluster)));
                self.loading.remove(cluster);
                self.set_metrics(cluster, metrics_available);
            }
            Data::PodUpsert(p) => self.upsert(stamped(p)),
            Data::PodRows(rows) | Data::PodsListedPart(rows) => {
                rows.into_iter().for_each(|p| self.upsert(stamped(p)))
            }
            Data::PodUsage(rows) => rows.into_iter().for_each(|p| self.set_usage(stamped(p))),
            Data::PodDelete(k) => self.remove(&k.in_cluster(cluster)),
            _ => {}
        }
    }

    pub fn upsert(&mut self, pod: Arc<Pod>) {
        let key = pod.key();
        let counts = self.counts.entry(key.cluster.clone()).or_default();
        match self.by_key.get_mut(&key) {
            Some(old) if *old == pod => {}
            Some(old) => {
                counts.sub(old);
                counts.add(&pod);
                self.groups.change(old, &pod);
                // A level change moves the row; anything else keeps the order valid.
                if old.level() != pod.level() && !self.dirty {
                    self.removed.insert(key.clone());
                    self.added.push(key);
                }
                *old = pod;
            }
            None => {
                counts.add(&pod);
                self.groups.add(&pod);
                self.by_key.insert(key.clone(), pod);
                if !self.dirty {
                    self.added.push(key);
                }
            }
        }
    }

    /// A row whose usage alone changed (a metrics reading: at 100,000 pods, most rows each
    /// minute). Counts, tallies and the order do not read usage, so it only takes the old
    /// row's place: one lookup, where an upsert compares the rows and recounts them.
    fn set_usage(&mut self, pod: Arc<Pod>) {
        match self.by_key.get_mut(&pod.key()) {
            Some(old) => *old = pod,
            None => self.upsert(pod),
        }
    }

    pub fn remove(&mut self, key: &PodKey) {
        if let Some(p) = self.by_key.remove(key) {
            self.counts.entry(key.cluster.clone()).or_default().sub(&p);
            self.groups.sub(&p);
            if !self.dirty {
                self.removed.insert(key.clone());
            }
        }
    }

    /// Replace one cluster's pods (a complete list from its watch): its list has loaded.
    pub fn replace_cluster(&mut self, cluster: &ClusterId, pods: Vec<Arc<Pod>>, metrics_available: bool) {
        self.by_key.retain(|k, _| &k.cluster != cluster);
        let mut counts = Counts::default();
        self.groups.clear(cluster);
        for p in &pods {
            counts.add(p);
            self.groups.add(p);
        }
        self.counts.insert(cluster.clone(), counts);
        self.by_key.extend(pods.into_iter().map(|p| (p.key(), p)));
        self.loading.remove(cluster);
        self.set_metrics(cluster, metrics_available);
        self.dirty = true;
    }

    fn set_metrics(&mut self, cluster: &ClusterId, available: bool) {
        self.metrics.insert(cluster.clone(), available);
        self.metrics_available = self.metrics.values().any(|m| *m);
    }

    /// A cluster's readings failed (`Some`) or succeed again (`None`).
    pub fn set_usage_stale(&mut self, cluster: &ClusterId, stale: Option<StaleUsage>) {
        match stale {
            Some(s) => self.usage_stale.insert(cluster.clone(), s),
            None => self.usage_stale.remove(cluster),
        };
    }

    /// Drop one cluster's rows (its first list starts again).
    fn clear_cluster(&mut self, cluster: &ClusterId) {
        self.groups.clear(cluster);
        if self.counts.remove(cluster).is_some_and(|c| c.total > 0) {
            self.by_key.retain(|k, _| &k.cluster != cluster);
            self.dirty = true;
        }
    }

    pub fn refresh_order(&mut self) {
        if self.dirty {
            let mut keyed: Vec<(Level, &PodKey)> = self.by_key.iter().map(|(k, p)| (p.level(), k)).collect();
            keyed.sort_unstable_by(|a, b| rank(a.0, a.1).cmp(&rank(b.0, b.1)));
            self.order = keyed.into_iter().map(|(_, k)| k.clone()).collect();
            self.dirty = false;
            self.added.clear();
            self.removed.clear();
            return;
        }
        if !self.removed.is_empty() {
            let removed = std::mem::take(&mut self.removed);
            self.order.retain(|k| !removed.contains(k));
        }
        if self.added.is_empty() {
            return;
        }
        let by_key = &self.by_key;
        let level = |k: &PodKey| by_key.get(k).map_or(Level::Muted, |p| p.level());
        let mut added = std::mem::take(&mut self.added);
        added.retain(|k| by_key.contains_key(k));
        added.sort_unstable_by(|a, b| rank(level(a), a).cmp(&rank(level(b), b)));
        added.dedup();
        // Each new key goes where a binary search puts it, and the rows between are moved
        // across whole: a page of 500 rows into 100,000 costs 500 searches and one pass.
        let old = std::mem::take(&mut self.order);
        let mut at = Vec::with_capacity(added.len());
        let mut from = 0;
        for k in &added {
            let r = rank(level(k), k);
            from += old[from..].partition_point(|x| rank(level(x), x) < r);
            at.push(from);
        }
        let mut merged = Vec::with_capacity(old.len() + added.len());
        let mut old = old.into_iter();
        let mut taken = 0;
        for (k, at) in added.into_iter().zip(at) {
            merged.extend(old.by_ref().take(at - taken));
            taken = at;
            merged.push(k);
        }
        merged.extend(old);
        self.order = merged;
    }

    /// Pods in display order.
    pub fn iter_ordered(&self) -> impl Iterator<Item = &Pod> {
        self.order.iter().filter_map(|k| self.by_key.get(k).map(|p| &**p))
    }

    /// The headline's counts over the clusters `shown` accepts.
    pub fn counts(&self, shown: impl Fn(&ClusterId) -> bool) -> Counts {
        self.counts.iter().filter(|(c, _)| shown(c)).fold(Counts::default(), |acc, (_, c)| acc.plus(c))
    }

    /// While a first list loads in some cluster `shown` accepts: the rows listed so far and,
    /// when every such server gave an estimate, about how many there will be.
    pub fn loading(&self, shown: impl Fn(&ClusterId) -> bool) -> Option<(usize, Option<usize>)> {
        let mut it = self.loading.iter().filter(|(c, _)| shown(c)).map(|(_, l)| l).peekable();
        it.peek()?;
        let (mut listed, mut expected) = (0, Some(0));
        for l in it {
            listed += l.listed;
            expected = expected.zip(l.expected()).map(|(a, b)| a + b);
        }
        Some((listed, expected))
    }

    /// One cluster's workloads with pods, each with its tally.
    pub fn groups(&self, cluster: &ClusterId) -> Option<&HashMap<GroupKey, Tally>> {
        self.groups.of(cluster)
    }

    /// How many pods of warning or worse a node of `cluster` has.
    pub fn unwell_on(&self, cluster: &ClusterId, node: &str) -> usize {
        self.groups.warn_on_node(cluster, node)
    }

    /// The clusters some row is in.
    pub fn clusters(&self) -> impl Iterator<Item = &ClusterId> {
        self.counts.iter().filter(|(_, c)| c.total > 0).map(|(k, _)| k)
    }

    /// The worst level of any row (a terminating pod's muted one aside).
    pub fn worst(&self) -> Option<Level> {
        let all = self.counts(|_| true);
        [Level::Crit, Level::Warn, Level::Accent, Level::Ok].into_iter().find(|l| all.levels[*l as usize] > 0)
    }

    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }
}

/// A Kubernetes event worth showing (warnings mostly): BackOff, NodeNotReady, FailedScheduling.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClusterEvent {
    /// The cluster it belongs to (empty for an alert of the whole fleet); the store sets it
    /// from the source that delivered the row.
    #[serde(skip_serializing_if = "ClusterId::is_empty")]
    pub cluster: ClusterId,
    pub at: UnixMs,
    pub warning: bool,
    pub reason: String,
    /// "Pod storefront/cart-7d9f…", "Node ip-10-0-1-12…".
    pub object: String,
    pub message: String,
    pub count: u32,
}

#[cfg(test)]
mod tests;
