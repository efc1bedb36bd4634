//! Nodes, HPAs (autoscaling/v2) and events as the store's rows.

use std::collections::{BTreeMap, HashMap};

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{Event, Node as KNode};
use kube::runtime::watcher;

use super::pods::{Tracked, ms};
use super::quantity;
use crate::state::infra::{CapacityType, Node, NodeCondition, NodeReadiness};
use crate::state::pods::{ClusterEvent, Owner};
use crate::state::scaling::{Hpa, HpaCondition, HpaMetric};

/// What the pods on one node request.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct NodeLoad {
    pub pods: u32,
    pub cpu_milli: u64,
    pub mem_bytes: u64,
}

pub fn loads<'a>(pods: impl Iterator<Item = &'a Tracked>) -> HashMap<String, NodeLoad> {
    let mut out: HashMap<String, NodeLoad> = HashMap::new();
    for t in pods.filter(|t| t.holds_node) {
        let Some(node) = &t.pod.node else { continue };
        let l = out.entry(node.to_string()).or_default();
        l.pods += 1;
        l.cpu_milli += t.cpu_req_milli;
        l.mem_bytes += t.mem_req_bytes;
    }
    out
}

pub fn node(n: &KNode, load: NodeLoad) -> Node {
    let labels = n.metadata.labels.clone().unwrap_or_default();
    let label = |k: &str| labels.get(k).cloned();
    let status = n.status.as_ref();
    let conditions = status.and_then(|s| s.conditions.as_deref()).unwrap_or(&[]);
    let ready = match conditions.iter().find(|c| c.type_ == "Ready").map(|c| c.status.as_str()) {
        Some("True") => NodeReadiness::Ready,
        Some("False") => NodeReadiness::NotReady,
        _ => NodeReadiness::Unknown,
    };
    let pressure = conditions
        .iter()
        .filter(|c| c.type_.ends_with("Pressure") && c.status == "True")
        .map(|c| c.type_.clone())
        .collect();
    // Ready is the one condition that is good when True; every other one says trouble then.
    // Readiness first: it is what the node's state turns on.
    let mut wrong: Vec<NodeCondition> = conditions
        .iter()
        .filter(|c| if c.type_ == "Ready" { c.status != "True" } else { c.status == "True" })
        .map(|c| NodeCondition {
            kind: c.type_.clone(),
            status: c.status.clone(),
            reason: c.reason.clone().unwrap_or_default(),
            message: c.message.clone().unwrap_or_default(),
        })
        .collect();
    wrong.sort_by_key(|c| c.kind != "Ready");
    let alloc = status.and_then(|s| s.allocatable.as_ref());
    let alloc_of = |k: &str, f: fn(&str) -> Option<u64>| alloc.and_then(|a| a.get(k)).and_then(|q| f(&q.0));
    // EKS managed node groups and Karpenter label the capacity type differently.
    let capacity_type = label("eks.amazonaws.com/capacityType")
        .or_else(|| label("karpenter.sh/capacity-type"))
        .and_then(|c| match c.to_ascii_lowercase().as_str() {
            "spot" => Some(CapacityType::Spot),
            "on_demand" | "on-demand" => Some(CapacityType::OnDemand),
            _ => None,
        });
    Node {
        cluster: Default::default(),
        name: n.metadata.name.clone().unwrap_or_default(),
        ready,
        cordoned: n.spec.as_ref().and_then(|s| s.unschedulable).unwrap_or(false),
        zone: label("topology.kubernetes.io/zone")
            .or_else(|| label("failure-domain.beta.kubernetes.io/zone"))
            .unwrap_or_default(),
        instance_type: label("node.kubernetes.io/instance-type")
            .or_else(|| label("beta.kubernetes.io/instance-type"))
            .unwrap_or_default(),
        node_group: label("eks.amazonaws.com/nodegroup"),
        capacity_type,
        pods: load.pods,
        cpu_requested_milli: load.cpu_milli,
        cpu_allocatable_milli: alloc_of("cpu", quantity::cpu_milli).unwrap_or(0),
        mem_requested_bytes: load.mem_bytes,
        mem_allocatable_bytes: alloc_of("memory", quantity::bytes).unwrap_or(0),
        pressure,
        conditions: wrong,
        created_at: n.metadata.creation_timestamp.as_ref().map_or(0, ms),
    }
}

pub fn hpa(h: &HorizontalPodAutoscaler) -> Hpa {
    let spec = h.spec.as_ref();
    let status = h.status.as_ref();
    let current_of = |name: &str| {
        status
            .and_then(|s| s.current_metrics.as_deref())
            .unwrap_or(&[])
            .iter()
            .filter_map(|m| m.resource.as_ref())
            .find(|r| r.name == name)
            .and_then(|r| r.current.average_utilization)
            .map(|u| u.max(0) as u32)
    };
    let metrics = spec
        .and_then(|s| s.metrics.as_deref())
        .unwrap_or(&[])
        .iter()
        .filter_map(|m| {
            let r = m.resource.as_ref()?;
            let target = r.target.average_utilization?.max(0) as u32;
            Some(HpaMetric { name: r.name.clone(), current: current_of(&r.name), target })
        })
        .collect();
    let conditions = status
        .and_then(|s| s.conditions.as_deref())
        .unwrap_or(&[])
        .iter()
        .map(|c| HpaCondition {
            kind: c.type_.clone(),
            status: c.status == "True",
            reason: c.reason.clone().unwrap_or_default(),
            message: c.message.clone().unwrap_or_default(),
        })
        .collect();
    let target = spec.map(|s| &s.scale_target_ref);
    Hpa {
        cluster: Default::default(),
        namespace: h.metadata.namespace.clone().unwrap_or_default(),
        name: h.metadata.name.clone().unwrap_or_default(),
        target: Owner {
            kind: target.map(|t| t.kind.as_str().into()).unwrap_or_default(),
            name: target.map(|t| t.name.as_str().into()).unwrap_or_default(),
        },
        min: spec.and_then(|s| s.min_replicas).unwrap_or(1).max(0) as u32,
        max: spec.map_or(0, |s| s.max_replicas.max(0) as u32),
        current: status.and_then(|s| s.current_replicas).unwrap_or(0).max(0) as u32,
        desired: status.map_or(0, |s| s.desired_replicas.max(0) as u32),
        metrics,
        conditions,
        last_scale: status.and_then(|s| s.last_scale_time.as_ref()).map(ms),
    }
}

pub fn event(e: &Event) -> ClusterEvent {
    let o = &e.involved_object;
    let kind = o.kind.clone().unwrap_or_default();
    let name = o.name.clone().unwrap_or_default();
    let object = match o.namespace.as_deref().filter(|n| !n.is_empty()) {
        Some(ns) => format!("{kind} {ns}/{name}"),
        None => format!("{kind} {name}"),
    };
    let at = e
        .last_timestamp
        .as_ref()
        .map(ms)
        .or_else(|| e.event_time.as_ref().map(|t| t.0.as_millisecond()))
        .or_else(|| e.metadata.creation_timestamp.as_ref().map(ms))
        .unwrap_or(0);
    ClusterEvent {
        cluster: Default::default(),
        at,
        warning: e.type_.as_deref() == Some("Warning"),
        reason: e.reason.clone().unwrap_or_default(),
        object,
        message: e.message.clone().unwrap_or_default(),
        count: e.count.unwrap_or(1).max(1) as u32,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_node_keeps_its_wrong_conditions_in_the_kubelets_words() {
        let n: KNode = serde_json::from_value(json!({
            "metadata": {"name": "ip-10-0-3-7.ec2.internal"},
            "status": {"conditions": [
                {"type": "MemoryPressure", "status": "True", "reason": "KubeletHasInsufficientMemory",
                 "message": "kubelet has insufficient memory available"},
                {"type": "DiskPressure", "status": "False", "reason": "KubeletHasNoDiskPressure"},
                {"type": "KernelDeadlock", "status": "True", "reason": "DockerHung"},
                {"type": "Ready", "status": "False", "reason": "KubeletNotReady",
                 "message": "container runtime network not ready: NetworkReady=false"}]}
        }))
        .unwrap();
        let node = node(&n, NodeLoad::default());
        assert_eq!(node.ready, NodeReadiness::NotReady);
        assert_eq!(node.pressure, ["MemoryPressure"]);
        let said: Vec<(String, &str)> = node.conditions.iter().map(|c| (c.label(), c.words())).collect();
        assert_eq!(
            said,
            [
                ("NotReady".to_string(), "container runtime network not ready: NetworkReady=false"),
                ("MemoryPressure".to_string(), "kubelet has insufficient memory available"),
                ("KernelDeadlock".to_string(), "DockerHung"),
            ]
        );
    }
}

/// Events of one object kept; a crash-looping pod's BackOff is one event with a count.
const OBJECT_EVENTS_KEPT: usize = 100;

/// The events of one object (a pod's, or the object view's), by name, newest last; a relist
/// replaces them.
#[derive(Default)]
pub struct ObjectEvents {
    live: BTreeMap<String, ClusterEvent>,
    listing: Option<BTreeMap<String, ClusterEvent>>,
}

impl ObjectEvents {
    /// Take one watch event of the object's events; the events to show when they changed.
    /// Events of another `kind` are left out: the name filter alone would also match a Node or
    /// a Service of the same name.
    pub fn step(&mut self, ev: watcher::Event<Event>, kind: &str) -> Option<Vec<ClusterEvent>> {
        let ours = |e: &Event| e.involved_object.kind.as_deref().is_none_or(|k| k == kind);
        let name = |e: &Event| e.metadata.name.clone().unwrap_or_default();
        match ev {
            watcher::Event::Init => self.listing = Some(BTreeMap::new()),
            watcher::Event::InitApply(e) if ours(&e) => {
                self.listing.get_or_insert_with(BTreeMap::new).insert(name(&e), event(&e));
            }
            watcher::Event::InitApply(_) => {}
            watcher::Event::InitDone => self.live = self.listing.take().unwrap_or_default(),
            watcher::Event::Apply(e) if ours(&e) => {
                self.live.insert(name(&e), event(&e));
            }
            watcher::Event::Apply(_) => return None,
            watcher::Event::Delete(e) => {
                self.live.remove(&name(&e))?;
            }
        }
        if self.listing.is_some() {
            return None;
        }
        let mut out: Vec<ClusterEvent> = self.live.values().cloned().collect();
        out.sort_by_key(|e| e.at);
        let skip = out.len().saturating_sub(OBJECT_EVENTS_KEPT);
        Some(out.split_off(skip))
    }
}
