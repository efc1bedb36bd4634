//! Workloads: Deployments, StatefulSets and DaemonSets with their rollout state, as `kubectl
//! get deploy,sts,ds` and `kubectl rollout status` would report them.

use serde::Serialize;

use super::{Level, UnixMs};
use crate::domain::ClusterId;
use crate::domain::WorkloadKind;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Workload {
    /// The cluster it belongs to (empty for an alert of the whole fleet); the store sets it
    /// from the source that delivered the row.
    #[serde(skip_serializing_if = "ClusterId::is_empty")]
    pub cluster: ClusterId,
    pub namespace: String,
    pub kind: WorkloadKind,
    pub name: String,
    /// Replicas asked for; for a DaemonSet, the nodes it should run on.
    pub desired: u32,
    pub ready: u32,
    /// Pods running the current template.
    pub updated: u32,
    pub available: u32,
    pub paused: bool,
    /// The controller has not yet acted on the latest spec (generation > observedGeneration).
    pub spec_pending: bool,
    /// A condition that says the rollout is in trouble: its reason and message
    /// (ProgressDeadlineExceeded, ReplicaFailure …).
    pub failure: Option<(String, String)>,
    /// The main container's image.
    pub image: String,
    pub created_at: UnixMs,
}

impl Workload {
    pub fn key(&self) -> String {
        format!("{}/{}/{}", self.namespace, self.kind.short(), self.name)
    }

    /// Rolling out: not every replica runs the current template yet, or the controller has
    /// not caught up with the spec.
    pub fn rolling(&self) -> bool {
        !self.paused && (self.spec_pending || self.updated < self.desired)
    }

    pub fn level(&self) -> Level {
        if self.failure.is_some() || (self.desired > 0 && self.available == 0) {
            return Level::Crit;
        }
        if self.paused || self.ready < self.desired {
            return Level::Warn;
        }
        if self.rolling() {
            return Level::Accent;
        }
        if self.desired == 0 { Level::Muted } else { Level::Ok }
    }

    /// One word or phrase for the status column, worst first.
    pub fn status(&self) -> String {
        if let Some((reason, _)) = &self.failure {
            return reason.clone();
        }
        if self.desired > 0 && self.available == 0 {
            return "Unavailable".into();
        }
        if self.paused {
            return "Paused".into();
        }
        if self.rolling() {
            return format!("Rolling {}/{} updated", self.updated, self.desired);
        }
        if self.ready < self.desired {
            return format!("{} not ready", self.desired - self.ready);
        }
        if self.desired == 0 { "Scaled to 0".into() } else { "Available".into() }
    }
}

/// Worst first (scaled to zero last), then by namespace, kind and name: the order the pane
/// lists them.
pub fn sort(list: &mut [Workload]) {
    let rank = |w: &Workload| match w.level() {
        Level::Muted => 0,
        Level::Ok => 1,
        Level::Accent => 2,
        Level::Warn => 3,
        Level::Crit => 4,
    };
    list.sort_by(|a, b| {
        rank(b)
            .cmp(&rank(a))
            .then_with(|| a.namespace.cmp(&b.namespace))
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.name.cmp(&b.name))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deploy(desired: u32, ready: u32, updated: u32) -> Workload {
        Workload {
            cluster: Default::default(),
            namespace: "storefront".into(),
            kind: WorkloadKind::Deployment,
            name: "cart".into(),
            desired,
            ready,
            updated,
            available: ready,
            paused: false,
            spec_pending: false,
            failure: None,
            image: "cart:1.4.2".into(),
            created_at: 0,
        }
    }

    #[test]
    fn status_and_level_say_the_worst_first() {
        assert_eq!((deploy(3, 3, 3).status(), deploy(3, 3, 3).level()), ("Available".into(), Level::Ok));
        assert_eq!(deploy(3, 3, 1).status(), "Rolling 1/3 updated");
        assert_eq!(deploy(3, 3, 1).level(), Level::Accent);
        assert_eq!((deploy(3, 2, 3).status(), deploy(3, 2, 3).level()), ("1 not ready".into(), Level::Warn));
        assert_eq!((deploy(3, 0, 3).status(), deploy(3, 0, 3).level()), ("Unavailable".into(), Level::Crit));
        let mut stuck = deploy(3, 2, 1);
        stuck.failure =
            Some(("ProgressDeadlineExceeded".into(), "ReplicaSet \"cart-7d\" has timed out".into()));
        assert_eq!((stuck.status(), stuck.level()), ("ProgressDeadlineExceeded".into(), Level::Crit));
        let mut paused = deploy(3, 3, 1);
        paused.paused = true;
        assert_eq!(
            (paused.status(), paused.level(), paused.rolling()),
            ("Paused".into(), Level::Warn, false)
        );
        assert_eq!((deploy(0, 0, 0).status(), deploy(0, 0, 0).level()), ("Scaled to 0".into(), Level::Muted));
    }

    #[test]
    fn the_worst_sort_first() {
        let mut list = vec![deploy(0, 0, 0), deploy(3, 3, 3), deploy(3, 0, 3), deploy(3, 2, 3)];
        sort(&mut list);
        let levels: Vec<Level> = list.iter().map(Workload::level).collect();
        assert_eq!(levels, [Level::Crit, Level::Warn, Level::Ok, Level::Muted]);
    }
}
