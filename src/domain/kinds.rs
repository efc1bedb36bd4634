//! Kubernetes words the layers share: which namespaces are watched, a pod's key, and the
//! workload kinds an action can act on. Plain data.

use arcstr::ArcStr;
use serde::{Deserialize, Serialize};

use super::ClusterId;

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

/// A pod's identity: its cluster, namespace and name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct PodKey {
    /// Empty from a source (which watches one cluster); the store stamps it.
    #[serde(skip_serializing_if = "ClusterId::is_empty")]
    pub cluster: ClusterId,
    /// Shared with the pod's row (and the namespace with every pod in it): a key is three
    /// pointers, and a copy of it allocates nothing.
    pub namespace: ArcStr,
    pub name: ArcStr,
}

impl PodKey {
    pub fn new(namespace: impl Into<ArcStr>, name: impl Into<ArcStr>) -> Self {
        PodKey { cluster: ClusterId::default(), namespace: namespace.into(), name: name.into() }
    }

    /// The same key in `cluster`.
    pub fn in_cluster(self, cluster: &ClusterId) -> PodKey {
        PodKey { cluster: cluster.clone(), ..self }
    }
}

/// A map by pod. Every pod is looked up in two of these at each metrics reading (100,000 of
/// them each minute in a big cluster), where SipHash was some 15 % of the reading's CPU;
/// foldhash is still seeded per process, so names a cluster's users pick cannot aim at one
/// bucket.
pub type PodMap<V> = std::collections::HashMap<PodKey, V, foldhash::fast::RandomState>;

impl std::fmt::Display for PodKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum WorkloadKind {
    Deployment,
    StatefulSet,
    DaemonSet,
}

impl WorkloadKind {
    pub fn label(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::DaemonSet => "DaemonSet",
        }
    }

    /// kubectl's short name.
    pub fn short(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "deploy",
            WorkloadKind::StatefulSet => "sts",
            WorkloadKind::DaemonSet => "ds",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Deployment" => Some(WorkloadKind::Deployment),
            "StatefulSet" => Some(WorkloadKind::StatefulSet),
            "DaemonSet" => Some(WorkloadKind::DaemonSet),
            _ => None,
        }
    }

    /// Whether `kubectl scale` applies (a DaemonSet runs one pod per node).
    pub fn scalable(self) -> bool {
        self != WorkloadKind::DaemonSet
    }
}
