//! Pods of the current context, keyed by namespace/name, with a derived order (problems first)
//! that the store refreshes after each batch so drawing never sorts.

use std::collections::HashMap;

use serde::Serialize;

use super::{Level, UnixMs};
use crate::domain::ClusterId;
use crate::domain::PodKey;

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
    pub kind: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pod {
    /// The cluster it belongs to (empty for an alert of the whole fleet); the store sets it
    /// from the source that delivered the row.
    #[serde(skip_serializing_if = "ClusterId::is_empty")]
    pub cluster: ClusterId,
    pub namespace: String,
    pub name: String,
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
    pub node: Option<String>,
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

    /// What the status column shows: the trouble reason, else the phase.
    pub fn status_label(&self) -> &str {
        self.reason.as_deref().unwrap_or(self.phase.label())
    }
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Pods {
    #[serde(serialize_with = "serialize_in_order", rename = "items")]
    pub by_key: HashMap<PodKey, Pod>,
    /// Keys in display order (problems first, then namespace, name). Refreshed by
    /// [`Pods::refresh_order`] when `dirty`.
    #[serde(skip)]
    pub order: Vec<PodKey>,
    #[serde(skip)]
    pub dirty: bool,
    /// Whether each cluster serves metrics.k8s.io.
    #[serde(skip)]
    pub metrics: std::collections::BTreeMap<ClusterId, bool>,
    /// False when metrics.k8s.io is not served; the CPU/MEM columns say so.
    pub metrics_available: bool,
}

fn serialize_in_order<S: serde::Serializer>(map: &HashMap<PodKey, Pod>, s: S) -> Result<S::Ok, S::Error> {
    let mut pods: Vec<&Pod> = map.values().collect();
    pods.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    s.collect_seq(pods)
}

impl PartialEq for Pods {
    fn eq(&self, other: &Self) -> bool {
        self.by_key == other.by_key && self.metrics_available == other.metrics_available
    }
}

impl Pods {
    pub fn upsert(&mut self, pod: Pod) {
        let key = pod.key();
        match self.by_key.get_mut(&key) {
            Some(old) if *old == pod => {}
            Some(old) => {
                // A level change moves the row; anything else keeps the order valid.
                if old.level() != pod.level() {
                    self.dirty = true;
                }
                *old = pod;
            }
            None => {
                self.by_key.insert(key, pod);
                self.dirty = true;
            }
        }
    }

    pub fn remove(&mut self, key: &PodKey) {
        if self.by_key.remove(key).is_some() {
            self.dirty = true;
        }
    }

    /// Replace one cluster's pods (a complete list from its watch).
    pub fn replace_cluster(&mut self, cluster: &ClusterId, pods: Vec<Pod>, metrics_available: bool) {
        self.by_key.retain(|k, _| &k.cluster != cluster);
        self.by_key.extend(pods.into_iter().map(|p| (p.key(), p)));
        self.metrics.insert(cluster.clone(), metrics_available);
        self.metrics_available = self.metrics.values().any(|m| *m);
        self.dirty = true;
    }

    pub fn refresh_order(&mut self) {
        if !self.dirty {
            return;
        }
        let mut keyed: Vec<(Level, &PodKey)> = self.by_key.iter().map(|(k, p)| (p.level(), k)).collect();
        keyed.sort_unstable_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        self.order = keyed.into_iter().map(|(_, k)| k.clone()).collect();
        self.dirty = false;
    }

    /// Pods in display order.
    pub fn iter_ordered(&self) -> impl Iterator<Item = &Pod> {
        self.order.iter().filter_map(|k| self.by_key.get(k))
    }

    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    pub fn count_at(&self, level: Level) -> usize {
        self.by_key.values().filter(|p| p.level() == level).count()
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
