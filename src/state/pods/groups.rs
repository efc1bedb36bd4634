//! Each workload's pods as a tally kept up to date as rows change: how many, how many ready,
//! and which are a problem. Triage reads these instead of grouping every row again after each
//! batch (at 100,000 pods that pass cost 20–70 ms of a frame while a list loaded, and a key
//! pressed meanwhile waited for it); a change costs one lookup, and none when it leaves its
//! workload's tally as it was (a usage reading).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use arcstr::ArcStr;

use super::{Pod, PodPhase};
use crate::domain::{ClusterId, Level, PodKey, WorkloadKind};

/// A workload as its pods name it: namespace, kind and name (shared with the rows).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct GroupKey {
    pub namespace: ArcStr,
    pub kind: WorkloadKind,
    pub name: ArcStr,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tally {
    pub total: usize,
    pub ready: usize,
    /// The pods that are a problem for triage ([`unwell`]); few, even in a big cluster.
    pub unwell: BTreeSet<PodKey>,
}

/// The tallies, by cluster then workload; and each node's pods of warning or worse (a node in
/// trouble shows how many it has).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Groups {
    workloads: BTreeMap<ClusterId, HashMap<GroupKey, Tally>>,
    on_node: BTreeMap<ClusterId, HashMap<ArcStr, usize>>,
}

/// A pod that is a problem to triage: warning or worse, and not merely waiting for a node or
/// its containers (not broken yet) or running and ready with a history of restarts (the Pods
/// pane shows those).
fn unwell(p: &Pod) -> bool {
    let starting = p.phase == PodPhase::Pending
        && p.reason.as_deref().is_none_or(|r| matches!(r, "ContainerCreating" | "PodInitializing"));
    let only_restarts = p.reason.is_none() && p.phase == PodPhase::Running && p.ready >= p.containers;
    p.level() >= Level::Warn && !(starting || only_restarts)
}

fn is_ready(p: &Pod) -> bool {
    p.ready >= p.containers && p.phase == PodPhase::Running
}

/// The node of a pod of warning or worse.
fn warn_on(p: &Pod) -> Option<&ArcStr> {
    p.node.as_ref().filter(|_| p.level() >= Level::Warn)
}

fn group_of(p: &Pod) -> Option<GroupKey> {
    let (kind, name) = p.workload()?;
    Some(GroupKey { namespace: p.namespace.clone(), kind, name: name.clone() })
}

impl Groups {
    pub fn add(&mut self, p: &Pod) {
        if let Some(node) = warn_on(p) {
            *self.on_node.entry(p.cluster.clone()).or_default().entry(node.clone()).or_default() += 1;
        }
        let Some(k) = group_of(p) else { return };
        let t = self.workloads.entry(p.cluster.clone()).or_default().entry(k).or_default();
        t.total += 1;
        t.ready += usize::from(is_ready(p));
        if unwell(p) {
            t.unwell.insert(p.key());
        }
    }

    pub fn sub(&mut self, p: &Pod) {
        if let Some(node) = warn_on(p)
            && let Some(nodes) = self.on_node.get_mut(&p.cluster)
            && let Some(n) = nodes.get_mut(node)
        {
            *n -= 1;
            if *n == 0 {
                nodes.remove(node);
                if nodes.is_empty() {
                    self.on_node.remove(&p.cluster);
                }
            }
        }
        let Some(k) = group_of(p) else { return };
        let Some(groups) = self.workloads.get_mut(&p.cluster) else { return };
        let Some(t) = groups.get_mut(&k) else { return };
        t.total = t.total.saturating_sub(1);
        t.ready = t.ready.saturating_sub(usize::from(is_ready(p)));
        if unwell(p) {
            t.unwell.remove(&p.key());
        }
        if t.total == 0 {
            groups.remove(&k);
            if groups.is_empty() {
                self.workloads.remove(&p.cluster);
            }
        }
    }

    /// A row replaced by another: only a change of owner, node, readiness or trouble touches a
    /// tally.
    pub fn change(&mut self, old: &Pod, new: &Pod) {
        let same = old.owner == new.owner
            && is_ready(old) == is_ready(new)
            && unwell(old) == unwell(new)
            && warn_on(old) == warn_on(new);
        if !same {
            self.sub(old);
            self.add(new);
        }
    }

    pub fn clear(&mut self, cluster: &ClusterId) {
        self.workloads.remove(cluster);
        self.on_node.remove(cluster);
    }

    /// One cluster's workloads with pods, and their tallies.
    pub fn of(&self, cluster: &ClusterId) -> Option<&HashMap<GroupKey, Tally>> {
        self.workloads.get(cluster)
    }

    /// How many of a node's pods are of warning or worse.
    pub fn warn_on_node(&self, cluster: &ClusterId, node: &str) -> usize {
        self.on_node.get(cluster).and_then(|n| n.get(node)).copied().unwrap_or(0)
    }
}
