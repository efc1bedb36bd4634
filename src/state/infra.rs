//! Infrastructure data: EKS clusters with node groups and add-ons, Kubernetes nodes, and
//! CloudWatch metric series. Plain data; sources fill it, the Infrastructure pane reads it.

use serde::Serialize;

use super::{Level, UnixMs};
use crate::domain::{ClusterId, SourceId};

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Infrastructure {
    /// EKS clusters of every AWS account polled.
    pub clusters: Vec<Cluster>,
    /// Nodes of every watched cluster.
    pub nodes: Vec<Node>,
    pub metrics: Vec<MetricSeries>,
    /// What each source delivered, so one account's poll replaces only its own rows.
    #[serde(skip)]
    by_source: std::collections::BTreeMap<SourceId, (Vec<Cluster>, Vec<MetricSeries>)>,
}

impl Infrastructure {
    pub fn replace_clusters(&mut self, source: &SourceId, clusters: Vec<Cluster>) {
        self.by_source.entry(source.clone()).or_default().0 = clusters;
        self.clusters = self.by_source.values().flat_map(|(c, _)| c.iter().cloned()).collect();
    }

    pub fn replace_metrics(&mut self, source: &SourceId, metrics: Vec<MetricSeries>) {
        self.by_source.entry(source.clone()).or_default().1 = metrics;
        self.metrics = self.by_source.values().flat_map(|(_, m)| m.iter().cloned()).collect();
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cluster {
    /// The cluster it belongs to (empty for an alert of the whole fleet); the store sets it
    /// from the source that delivered the row.
    #[serde(skip_serializing_if = "ClusterId::is_empty")]
    pub cluster: ClusterId,
    pub name: String,
    pub region: String,
    /// As EKS reports it: ACTIVE, CREATING, UPDATING, DELETING, FAILED.
    pub status: String,
    pub version: String,
    pub platform_version: String,
    /// "public", "private" or "public+private".
    pub endpoint_access: String,
    pub created_at: UnixMs,
    pub node_groups: Vec<NodeGroup>,
    /// `None` when the add-ons could not be listed (the reason is in `addons_error`).
    pub addons: Option<Vec<Addon>>,
    pub addons_error: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CapacityType {
    OnDemand,
    Spot,
}

impl CapacityType {
    pub fn label(self) -> &'static str {
        match self {
            CapacityType::OnDemand => "on-demand",
            CapacityType::Spot => "spot",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeGroup {
    pub name: String,
    pub status: String,
    pub desired: u32,
    pub min: u32,
    pub max: u32,
    pub instance_types: Vec<String>,
    pub capacity_type: CapacityType,
    pub ami_release: String,
    /// Health issues as EKS reports them ("code: message"); any is an error.
    pub health_issues: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Addon {
    pub name: String,
    pub version: String,
    pub status: String,
    pub health_issues: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum NodeReadiness {
    Ready,
    NotReady,
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Node {
    /// The cluster it belongs to (empty for an alert of the whole fleet); the store sets it
    /// from the source that delivered the row.
    #[serde(skip_serializing_if = "ClusterId::is_empty")]
    pub cluster: ClusterId,
    pub name: String,
    pub ready: NodeReadiness,
    pub cordoned: bool,
    pub zone: String,
    pub instance_type: String,
    pub node_group: Option<String>,
    pub capacity_type: Option<CapacityType>,
    pub pods: u32,
    pub cpu_requested_milli: u64,
    pub cpu_allocatable_milli: u64,
    pub mem_requested_bytes: u64,
    pub mem_allocatable_bytes: u64,
    /// Pressure conditions that are True: MemoryPressure, DiskPressure, PIDPressure.
    pub pressure: Vec<String>,
    /// The conditions that are wrong (Ready not True; a pressure, NetworkUnavailable or a
    /// node-problem-detector condition True), with the kubelet's reason and message.
    pub conditions: Vec<NodeCondition>,
    pub created_at: UnixMs,
}

/// A node condition that is wrong, in the words of whoever set it (the kubelet, the node
/// controller, node-problem-detector). Text from the cluster: shown cleaned, never raw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeCondition {
    /// The condition's type as the API names it: "Ready", "MemoryPressure" …
    pub kind: String,
    /// "True", "False" or "Unknown".
    pub status: String,
    pub reason: String,
    pub message: String,
}

impl NodeCondition {
    /// "NotReady" for a Ready condition that is not True, else the condition's own name.
    pub fn label(&self) -> String {
        match (self.kind.as_str(), self.status.as_str()) {
            ("Ready", "Unknown") => "Unknown".into(),
            ("Ready", _) => "NotReady".into(),
            _ => self.kind.clone(),
        }
    }

    /// What happened, most telling first: the message, else the reason.
    pub fn words(&self) -> &str {
        if self.message.trim().is_empty() { &self.reason } else { &self.message }
    }
}

impl Node {
    pub fn level(&self) -> Level {
        match self.ready {
            NodeReadiness::NotReady | NodeReadiness::Unknown => Level::Crit,
            NodeReadiness::Ready if !self.pressure.is_empty() || self.cordoned => Level::Warn,
            NodeReadiness::Ready => Level::Ok,
        }
    }

    pub fn cpu_ratio(&self) -> f64 {
        ratio(self.cpu_requested_milli, self.cpu_allocatable_milli)
    }

    pub fn mem_ratio(&self) -> f64 {
        ratio(self.mem_requested_bytes, self.mem_allocatable_bytes)
    }
}

/// The one order of nodes: worst first, then the busiest by requests (to the percent, so small
/// changes do not shuffle rows), then by name.
pub fn sort_nodes(nodes: &mut [Node]) {
    let busy = |n: &Node| (n.cpu_ratio().max(n.mem_ratio()) * 100.0).round() as i64;
    nodes.sort_by(|a, b| {
        b.level().cmp(&a.level()).then_with(|| busy(b).cmp(&busy(a))).then_with(|| a.name.cmp(&b.name))
    });
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

impl NodeGroup {
    pub fn level(&self) -> Level {
        if !self.health_issues.is_empty() || self.status == "DEGRADED" {
            Level::Crit
        } else if self.status != "ACTIVE" {
            Level::Warn
        } else {
            Level::Ok
        }
    }
}

impl Cluster {
    pub fn level(&self) -> Level {
        let own = match self.status.as_str() {
            "ACTIVE" => Level::Ok,
            "FAILED" => Level::Crit,
            _ => Level::Warn,
        };
        self.node_groups.iter().map(NodeGroup::level).fold(own, Level::max)
    }
}

/// A CloudWatch metric over the last hours, for a sparkline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricSeries {
    /// The cluster it belongs to (empty for an alert of the whole fleet); the store sets it
    /// from the source that delivered the row.
    #[serde(skip_serializing_if = "ClusterId::is_empty")]
    pub cluster: ClusterId,
    /// What the user configured it as, e.g. "ALB 5xx".
    pub label: String,
    pub unit: String,
    /// Oldest first.
    pub points: Vec<(UnixMs, f64)>,
    /// At or above this the latest value is drawn as a warning.
    pub warn_at: Option<f64>,
}

impl MetricSeries {
    pub fn latest(&self) -> Option<f64> {
        self.points.last().map(|p| p.1)
    }

    pub fn level(&self) -> Level {
        match (self.latest(), self.warn_at) {
            (Some(v), Some(w)) if v >= w => Level::Warn,
            _ => Level::Ok,
        }
    }
}
