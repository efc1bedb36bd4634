//! The pods source's rows: one trimmed row per pod, shared with the store (`Arc`), each given
//! its workload through the ReplicaSets and its usage from metrics.k8s.io. The first list goes
//! out page by page as it arrives; the end of any list sends only what changed.

use std::collections::HashMap;
use std::sync::Arc;

use kube::runtime::watcher::Event;

use super::super::intern::Interner;
use super::super::metrics::{self, Polled};
use super::super::pod_object::SlimPod;
use super::super::pods::{self, Tracked};
use super::super::replicasets::Rs;
use super::{Set, Step, data, step};
use crate::domain::source::KubeFeed;
use crate::domain::{ClusterId, PodKey, PodMap, UnixMs};
use crate::sources::wall_now;
use crate::state::pods::{Owner, Pod, StaleUsage};
use crate::state::{Data, Message};

/// ReplicaSet → the Deployment that owns it, by namespace then name: a pod finds its owner
/// without building a key.
#[derive(Default)]
struct RsOwners(HashMap<String, HashMap<String, Owner>>);

impl RsOwners {
    fn get(&self, namespace: &str, rs: &str) -> Option<&Owner> {
        self.0.get(namespace)?.get(rs)
    }

    /// True when that changed the owner.
    fn insert(&mut self, (namespace, rs): (String, String), owner: Owner) -> bool {
        self.0.entry(namespace).or_default().insert(rs, owner.clone()) != Some(owner)
    }

    fn remove(&mut self, (namespace, rs): &(String, String)) -> bool {
        self.0.get_mut(namespace).and_then(|m| m.remove(rs)).is_some()
    }
}

#[derive(Default)]
pub struct PodRows {
    /// Stamped on every row and key, so the store keeps the rows as they are sent.
    cluster: ClusterId,
    pods: PodMap<Tracked>,
    set: Set<Tracked>,
    /// Rows of the first list already sent while it loads.
    shown: usize,
    /// The first list started again after some of its pages went out.
    restarted: bool,
    rs_owner: RsOwners,
    /// The namespaces, nodes and owners the rows share.
    names: Interner,
    /// Whether metrics.k8s.io answered, once it has.
    metrics: Option<bool>,
    /// Metrics readings taken so far: the current one's stamp on the rows it named.
    readings: u32,
    /// When the last good reading came.
    read_at: Option<UnixMs>,
    /// Why the last reading failed, while they fail (the store was told).
    metrics_error: Option<String>,
    /// The metrics_available last sent, which only a list's end or a replacement carries.
    metrics_flag_sent: Option<bool>,
    /// Pods came, went or changed since the nodes' loads were last summed.
    pub loads_changed: bool,
}

impl PodRows {
    pub fn new(cluster: ClusterId) -> PodRows {
        PodRows { cluster, ..PodRows::default() }
    }

    /// The first list is whole.
    pub fn synced(&self) -> bool {
        self.set.synced
    }

    pub fn tracked(&self) -> impl Iterator<Item = &Tracked> {
        self.pods.values()
    }

    /// A pod's event. A relist keeps the old rows until it is whole, then sends only what
    /// changed.
    pub fn event(&mut self, ev: Event<SlimPod>, now: i64) -> Vec<Message> {
        if matches!(ev, Event::Init) {
            // A first list that starts again after pages went out: the store may hold rows
            // the new list lacks, so that one ends with a replacement.
            self.restarted |= self.shown > 0;
            self.shown = 0;
        }
        let was_synced = self.set.synced;
        let (cluster, names) = (&self.cluster, &mut self.names);
        let mut row = |p: &SlimPod| {
            let mut t = pods::map(p, now, names);
            Arc::make_mut(&mut t.pod).cluster = cluster.clone();
            t
        };
        match step(&mut self.set, ev, &mut row) {
            Step::None => Vec::new(),
            Step::Listed(list) => {
                let out = self.listed(list, was_synced);
                // The list's pages and the objects parsed from them are garbage now.
                release_freed_memory();
                out
            }
            Step::Apply(p) => {
                let mut t = row(&p);
                resolve(&mut t, &self.rs_owner);
                let key = t.pod.key();
                if let Some(old) = self.pods.get(&key) {
                    metrics::carry(old, &mut t);
                    if *old == t {
                        return Vec::new();
                    }
                }
                self.loads_changed = true;
                let row = t.pod.clone();
                self.pods.insert(key, t);
                vec![data(KubeFeed::Pods, Data::PodUpsert(row))]
            }
            Step::Delete(p) => {
                let (ns, name) =
                    (p.metadata.namespace.unwrap_or_default(), p.metadata.name.unwrap_or_default());
                let key = PodKey::new(ns, name).in_cluster(&self.cluster);
                match self.pods.remove(&key) {
                    Some(_) => {
                        self.loads_changed = true;
                        vec![data(KubeFeed::Pods, Data::PodDelete(key))]
                    }
                    None => Vec::new(),
                }
            }
        }
    }

    /// A page of the first list came: its rows go out now, with how far the list has come.
    /// A relist says nothing until it is complete (the pane keeps the rows it has).
    pub fn page(&mut self, remaining: Option<u64>) -> Vec<Message> {
        if self.set.synced {
            return Vec::new();
        }
        let Some(listing) = self.set.listing.as_mut() else { return Vec::new() };
        let start = self.shown.min(listing.len());
        let mut rows = Vec::with_capacity(listing.len() - start);
        for t in &mut listing[start..] {
            resolve(t, &self.rs_owner);
            rows.push(t.pod.clone());
        }
        self.shown = listing.len();
        let listed = listing.len();
        vec![data(KubeFeed::Pods, Data::PodsLoading { pods: rows, listed, remaining })]
    }

    /// A list is whole. After a first list shown page by page only the rows not sent yet or
    /// changed since (owners or usage that came meanwhile) go out; after a relist, the rows
    /// that differ from the last list and the keys gone. The rows that did not change stay the
    /// ones the store holds (one copy).
    fn listed(&mut self, list: Vec<Tracked>, was_synced: bool) -> Vec<Message> {
        self.loads_changed = true;
        let paged = !was_synced && self.shown > 0 && !std::mem::take(&mut self.restarted);
        if !was_synced && !paged {
            self.pods = list.into_iter().map(|t| (t.pod.key(), t)).collect();
            for t in self.pods.values_mut() {
                resolve(t, &self.rs_owner);
            }
            self.shown = 0;
            return vec![self.replace()];
        }
        let mut old = std::mem::take(&mut self.pods);
        let mut pods = PodMap::with_capacity_and_hasher(list.len(), Default::default());
        let mut changed = Vec::new();
        for (i, mut t) in list.into_iter().enumerate() {
            let sent = t.pod.clone();
            resolve(&mut t, &self.rs_owner);
            let key = t.pod.key();
            let same = match old.remove(&key) {
                Some(o) => {
                    metrics::carry(&o, &mut t);
                    let same = o == t;
                    if same {
                        t = o;
                    }
                    same
                }
                None => paged && i < self.shown && Arc::ptr_eq(&sent, &t.pod),
            };
            if !same {
                changed.push(t.pod.clone());
            }
            pods.insert(key, t);
        }
        self.pods = pods;
        self.shown = 0;
        let gone = old.into_keys().collect();
        let metrics_available = self.metrics == Some(true);
        self.metrics_flag_sent = Some(metrics_available);
        listed(changed, gone, metrics_available)
    }

    fn replace(&mut self) -> Message {
        let pods = self.pods.values().map(|t| t.pod.clone()).collect();
        let metrics_available = self.metrics == Some(true);
        self.metrics_flag_sent = Some(metrics_available);
        data(KubeFeed::Pods, Data::PodsReplace { pods, metrics_available })
    }

    /// Every ReplicaSet's owner, after their list.
    pub fn owners_listed(&mut self, list: &[Rs]) {
        self.rs_owner = RsOwners::default();
        for r in list {
            self.rs_owner.insert(r.key.clone(), r.owner.clone());
        }
    }

    /// True when that changed the ReplicaSet's owner.
    pub fn owner_set(&mut self, rs: (String, String), owner: Owner) -> bool {
        self.rs_owner.insert(rs, owner)
    }

    pub fn owner_gone(&mut self, rs: &(String, String)) -> bool {
        self.rs_owner.remove(rs)
    }

    /// Owners after the ReplicaSets changed: the pods whose owner moved are sent again.
    pub fn reresolve(&mut self) -> Vec<Message> {
        if !self.set.synced {
            return Vec::new();
        }
        let owners = &self.rs_owner;
        let changed: Vec<Arc<Pod>> =
            self.pods.values_mut().filter_map(|t| resolve(t, owners).then(|| t.pod.clone())).collect();
        rows(changed, Data::PodRows)
    }

    /// Put fresh metrics on the pods; send the rows that changed. A failed reading changes no
    /// row: the store is told once that their usage is stale, and again when it is not.
    pub fn take_metrics(&mut self, polled: Polled) -> Vec<Message> {
        let (available, usage) = match polled {
            Polled::Absent => (false, Vec::new()),
            Polled::Usage(u) => (true, u),
            Polled::Failed(error) => return self.metrics_failed(error),
        };
        let mut out = Vec::new();
        if self.metrics_error.take().is_some() {
            out.push(data(KubeFeed::Pods, Data::PodUsageStale(None)));
        }
        if available {
            self.read_at = Some(wall_now());
        }
        out.extend(self.apply_reading(available, usage));
        out
    }

    fn metrics_failed(&mut self, error: String) -> Vec<Message> {
        if self.metrics_error.as_ref() == Some(&error) {
            return Vec::new();
        }
        self.metrics_error = Some(error.clone());
        let stale = StaleUsage { read_at: self.read_at, error };
        vec![data(KubeFeed::Pods, Data::PodUsageStale(Some(stale)))]
    }

    fn apply_reading(&mut self, available: bool, usage: Vec<(PodKey, (u64, u64))>) -> Vec<Message> {
        self.metrics = Some(available);
        self.readings += 1;
        let reading = self.readings;
        let mut changed = Vec::new();
        for (key, u) in &usage {
            if let Some(t) = self.pods.get_mut(key) {
                t.reading = reading;
                if metrics::apply(t, Some(u)) {
                    changed.push(t.pod.clone());
                }
            }
        }
        drop(usage);
        // The pods this reading did not name (pending, or too new for metrics-server) lose theirs.
        for t in self.pods.values_mut().filter(|t| t.reading != reading) {
            if metrics::apply(t, None) {
                changed.push(t.pod.clone());
            }
        }
        // The reading's keys are garbage now: at 100,000 pods, some 10 MB.
        release_freed_memory();
        if !self.set.synced {
            return Vec::new();
        }
        // Whether metrics exist goes with a list's end; it changes rarely.
        if Some(available) != self.metrics_flag_sent {
            self.metrics_flag_sent = Some(available);
            return listed(changed, Vec::new(), available);
        }
        rows(changed, Data::PodUsage)
    }
}

/// The most rows in one message. The console's loop applies a message whole, and a key pressed
/// meanwhile waits for it: the end of a 100,000-pod list that changed most rows (owners that
/// came while it loaded, a first metrics reading) held it some 90 ms in one message; a piece of
/// 2,000 takes a few.
pub const PIECE: usize = 2_000;

/// Rows in pieces of at most [`PIECE`], in order; none for none.
fn pieces(rows: Vec<Arc<Pod>>) -> Vec<Vec<Arc<Pod>>> {
    if rows.len() <= PIECE {
        return if rows.is_empty() { Vec::new() } else { vec![rows] };
    }
    let mut rows = rows.into_iter();
    std::iter::from_fn(|| Some(rows.by_ref().take(PIECE).collect::<Vec<_>>()).filter(|p| !p.is_empty()))
        .collect()
}

/// Changed rows (owners after a ReplicaSet change, a metrics reading), each a shared pointer,
/// in a few messages.
fn rows(changed: Vec<Arc<Pod>>, as_data: fn(Vec<Arc<Pod>>) -> Data) -> Vec<Message> {
    pieces(changed).into_iter().map(|p| data(KubeFeed::Pods, as_data(p))).collect()
}

/// A list's end: the rows that changed in pieces, the last of them with the keys gone.
fn listed(changed: Vec<Arc<Pod>>, gone: Vec<PodKey>, metrics_available: bool) -> Vec<Message> {
    let mut parts = pieces(changed);
    let pods = parts.pop().unwrap_or_default();
    let mut out: Vec<Message> =
        parts.into_iter().map(|p| data(KubeFeed::Pods, Data::PodsListedPart(p))).collect();
    out.push(data(KubeFeed::Pods, Data::PodsListed { pods, gone, metrics_available }));
    out
}

/// Give the pod its workload (a Deployment through its ReplicaSet); true when that changed the
/// row, which is copied only then (the store shares it).
fn resolve(t: &mut Tracked, rs_owner: &RsOwners) -> bool {
    let Some(rs) = &t.replicaset else { return false };
    let owner = rs_owner.get(&t.pod.namespace, rs);
    let same = match (&t.pod.owner, owner) {
        (Some(have), Some(o)) => have == o,
        (Some(have), None) => have.kind == "ReplicaSet" && &have.name == rs,
        (None, _) => false,
    };
    if same {
        return false;
    }
    let owner =
        owner.cloned().unwrap_or_else(|| Owner { kind: arcstr::literal!("ReplicaSet"), name: rs.clone() });
    Arc::make_mut(&mut t.pod).owner = Some(owner);
    true
}

/// Hand memory freed after a burst (a list of 100,000 pods parsed page by page, a metrics
/// answer) back to the system. glibc's malloc keeps freed blocks in its arenas, and the
/// resident size stayed at the burst's peak: at 100,000 pods about half of it was free space.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages of the allocator's own heap to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(i: usize) -> Arc<Pod> {
        Arc::new(Pod::sample("ns", &format!("pod-{i}"), None))
    }

    fn sizes(out: &[Message]) -> Vec<(&'static str, usize)> {
        out.iter()
            .map(|m| match m {
                Message::Data { data: Data::PodsListedPart(p), .. } => ("part", p.len()),
                Message::Data { data: Data::PodsListed { pods, .. }, .. } => ("listed", pods.len()),
                Message::Data { data: Data::PodUsage(p), .. } => ("usage", p.len()),
                _ => ("other", 0),
            })
            .collect()
    }

    #[test]
    fn many_changed_rows_go_in_pieces_the_last_with_the_end_of_the_list() {
        let rows = |n: usize| (0..n).map(row).collect::<Vec<_>>();
        let out = listed(rows(4_500), vec![PodKey::new("ns", "gone")], true);
        assert_eq!(sizes(&out), [("part", 2_000), ("part", 2_000), ("listed", 500)]);
        let Message::Data { data: Data::PodsListed { gone, .. }, .. } = &out[2] else { unreachable!() };
        assert_eq!(gone.len(), 1, "the keys gone go with the end");
        assert_eq!(sizes(&listed(Vec::new(), Vec::new(), false)), [("listed", 0)], "an end with no change");
        assert_eq!(sizes(&rows_of(rows(2_001))), [("usage", 2_000), ("usage", 1)]);
        assert!(rows_of(Vec::new()).is_empty());
    }

    fn rows_of(r: Vec<Arc<Pod>>) -> Vec<Message> {
        rows(r, Data::PodUsage)
    }

    fn slim(name: &str) -> SlimPod {
        serde_json::from_value(serde_json::json!({
            "metadata": {"namespace": "ns", "name": name},
            "status": {"phase": "Running"}
        }))
        .unwrap()
    }

    fn reading(pods: &[(&str, u64)]) -> Polled {
        let cluster = ClusterId::new("c");
        Polled::Usage(
            pods.iter().map(|&(n, cpu)| (PodKey::new("ns", n).in_cluster(&cluster), (cpu, 1))).collect(),
        )
    }

    fn usage(r: &PodRows, name: &str) -> Option<u64> {
        r.tracked().find(|t| &*t.pod.name == name).and_then(|t| t.pod.cpu_milli)
    }

    #[test]
    fn a_reading_sets_the_usage_it_names_and_clears_what_it_does_not() {
        let mut r = PodRows::new(ClusterId::new("c"));
        r.event(Event::Init, 0);
        for n in ["a", "b", "c"] {
            r.event(Event::InitApply(slim(n)), 0);
        }
        r.event(Event::InitDone, 0);
        assert_eq!(sizes(&r.take_metrics(reading(&[("a", 5), ("b", 7)]))), [("listed", 2)]);
        assert_eq!([usage(&r, "a"), usage(&r, "b"), usage(&r, "c")], [Some(5), Some(7), None]);
        // b changes, a is gone from the reading, c comes, and an unknown pod is ignored.
        let out = r.take_metrics(reading(&[("b", 9), ("c", 1), ("x", 3)]));
        assert_eq!(sizes(&out), [("usage", 3)]);
        assert_eq!([usage(&r, "a"), usage(&r, "b"), usage(&r, "c")], [None, Some(9), Some(1)]);
        assert!(
            r.take_metrics(reading(&[("b", 9), ("c", 1)])).is_empty(),
            "the same reading changes nothing"
        );
        // A pod's new row keeps the usage, and whether the last reading named it.
        r.event(Event::Apply(slim("b")), 0);
        assert_eq!(usage(&r, "b"), Some(9));
        assert!(r.take_metrics(reading(&[("b", 9), ("c", 1)])).is_empty());
    }
}
