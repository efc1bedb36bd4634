//! What a sync would do, per resource: created, changed or pruned, with the diff of live against
//! desired and whether the change restarts pods. Plain data as the source delivered it; the
//! dialog and the app's Diff tab read it through [`for_app`].

use serde::Serialize;

use super::State;
use super::argocd::{AppResource, SyncStatus};
use crate::domain::ClusterId;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// In Git, not in the cluster.
    Create,
    /// In both, and different.
    Change,
    /// In the cluster, no longer in Git: deleted only by a pruning sync.
    Prune,
    /// In both, the same.
    None,
}

impl Change {
    pub fn label(self) -> &'static str {
        match self {
            Change::Create => "create",
            Change::Change => "change",
            Change::Prune => "prune",
            Change::None => "unchanged",
        }
    }

    /// The mark before a resource or a diff line: `+`, `~`, `-`.
    pub fn mark(self) -> &'static str {
        match self {
            Change::Create => "+",
            Change::Change => "~",
            Change::Prune => "-",
            Change::None => " ",
        }
    }
}

/// One line of a diff, live (`-`) against desired (`+`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum DiffLine {
    Same(String),
    Live(String),
    Desired(String),
    /// Unchanged lines left out between two hunks.
    Skipped(usize),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlannedResource {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub change: Change,
    /// The pod template changes: the workload's pods are replaced.
    pub restarts_pods: bool,
    pub diff: Vec<DiffLine>,
}

/// What a sync of one app would do.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum SyncPlan {
    /// From Argo CD's own comparison (its API's managed resources).
    Diff(Vec<PlannedResource>),
    /// Only which resources are out of sync is known, and why there is no diff.
    NoDiff { reason: String },
}

/// The plan as shown: its resources that change, in the order created, changed, pruned.
pub struct PlanView<'a> {
    pub resources: Vec<&'a PlannedResource>,
    /// Why there is no diff, with the out-of-sync resources the app lists.
    pub no_diff: Option<(&'a str, Vec<&'a AppResource>)>,
    /// Still being read from Argo CD.
    pub loading: bool,
    pub error: Option<&'a str>,
}

impl PlanView<'_> {
    pub fn count(&self, c: Change) -> usize {
        self.resources.iter().filter(|r| r.change == c).count()
    }

    pub fn restarts(&self) -> usize {
        self.resources.iter().filter(|r| r.restarts_pods).count()
    }
}

/// The plan of `app` (in its cluster) as the store has it.
pub fn for_app<'a>(state: &'a State, (cluster, app): (&ClusterId, &str)) -> PlanView<'a> {
    let mut view = PlanView { resources: Vec::new(), no_diff: None, loading: false, error: None };
    match state.argocd.plans.get(&(cluster.clone(), app.to_string())) {
        None => view.loading = true,
        Some(Err(e)) => view.error = Some(e),
        Some(Ok(SyncPlan::Diff(rs))) => {
            let mut rs: Vec<&PlannedResource> = rs.iter().filter(|r| r.change != Change::None).collect();
            rs.sort_by_key(|r| (r.change, r.kind.clone(), r.namespace.clone(), r.name.clone()));
            view.resources = rs;
        }
        Some(Ok(SyncPlan::NoDiff { reason })) => {
            let out: Vec<&AppResource> = state
                .argocd
                .get(cluster, app)
                .map(|a| a.resources.iter().filter(|r| r.sync == SyncStatus::OutOfSync).collect())
                .unwrap_or_default();
            view.no_diff = Some((reason.as_str(), out));
        }
    }
    view
}
