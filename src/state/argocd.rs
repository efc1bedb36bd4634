//! Argo CD applications: sync, health, operation and the app-of-apps parent link.
//! Plain data; the Argo CD pane draws it as a tree.

use serde::Serialize;

use super::{Level, UnixMs};
use crate::domain::ClusterId;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ArgoCd {
    pub apps: Vec<ArgoApp>,
    /// Resource trees from the Argo CD server, by app, fetched when the detail asks.
    pub trees: std::collections::BTreeMap<(ClusterId, String), Vec<TreeNode>>,
}

/// One node of an app's resource tree (a Deployment, its ReplicaSets, their Pods …).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TreeNode {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub health: Option<HealthStatus>,
    /// `kind/namespace/name` of the node it hangs under, if any.
    pub parent: Option<String>,
}

impl TreeNode {
    pub fn id(&self) -> String {
        format!("{}/{}/{}", self.kind, self.namespace, self.name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum SyncStatus {
    Synced,
    OutOfSync,
    Unknown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum HealthStatus {
    Healthy,
    Progressing,
    Degraded,
    Suspended,
    Missing,
    Unknown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum OperationPhase {
    Running,
    Terminating,
    Succeeded,
    Failed,
    Error,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Operation {
    pub phase: OperationPhase,
    pub message: String,
    pub started_at: UnixMs,
    pub finished_at: Option<UnixMs>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AppCondition {
    /// ComparisonError, SyncError, OrphanedResourceWarning …
    pub kind: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AppResource {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub sync: SyncStatus,
    pub health: Option<HealthStatus>,
}

/// One entry of `status.history`: a sync that was deployed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SyncHistory {
    pub id: i64,
    pub revision: String,
    pub deployed_at: UnixMs,
    pub initiated_by: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ArgoApp {
    /// The cluster it belongs to (empty for an alert of the whole fleet); the store sets it
    /// from the source that delivered the row.
    #[serde(skip_serializing_if = "ClusterId::is_empty")]
    pub cluster: ClusterId,
    /// As Argo CD names it: `name`, or `namespace/name` for an app outside the control-plane
    /// namespace (apps in any namespace).
    pub name: String,
    pub project: String,
    /// The app-of-apps parent that manages this Application, if any.
    pub parent: Option<String>,
    pub sync: SyncStatus,
    pub health: HealthStatus,
    pub target_revision: String,
    /// Full commit SHA the app is synced to; panes show it short.
    pub synced_revision: String,
    pub auto_sync: bool,
    pub destination_namespace: String,
    /// The last finished operation.
    pub last_sync: Option<Operation>,
    /// The running operation, if one is in progress.
    pub operation: Option<Operation>,
    pub conditions: Vec<AppCondition>,
    pub resources: Vec<AppResource>,
    /// Newest last, as Argo CD keeps it.
    pub history: Vec<SyncHistory>,
    /// The Application as its source read it, as YAML, for the detail view; the demo and
    /// tests may leave it empty.
    #[serde(skip)]
    pub manifest: String,
}

impl SyncStatus {
    pub fn level(self) -> Level {
        match self {
            SyncStatus::Synced => Level::Ok,
            SyncStatus::OutOfSync => Level::Warn,
            SyncStatus::Unknown => Level::Muted,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            SyncStatus::Synced => "Synced",
            SyncStatus::OutOfSync => "OutOfSync",
            SyncStatus::Unknown => "Unknown",
        }
    }
}

impl HealthStatus {
    pub fn level(self) -> Level {
        match self {
            HealthStatus::Healthy => Level::Ok,
            HealthStatus::Progressing | HealthStatus::Suspended => Level::Warn,
            HealthStatus::Degraded | HealthStatus::Missing => Level::Crit,
            HealthStatus::Unknown => Level::Muted,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            HealthStatus::Healthy => "Healthy",
            HealthStatus::Progressing => "Progressing",
            HealthStatus::Degraded => "Degraded",
            HealthStatus::Suspended => "Suspended",
            HealthStatus::Missing => "Missing",
            HealthStatus::Unknown => "Unknown",
        }
    }
}

impl OperationPhase {
    pub fn label(self) -> &'static str {
        match self {
            OperationPhase::Running => "Running",
            OperationPhase::Terminating => "Terminating",
            OperationPhase::Succeeded => "Succeeded",
            OperationPhase::Failed => "Failed",
            OperationPhase::Error => "Error",
        }
    }
    pub fn level(self) -> Level {
        match self {
            OperationPhase::Running | OperationPhase::Terminating => Level::Accent,
            OperationPhase::Succeeded => Level::Ok,
            OperationPhase::Failed | OperationPhase::Error => Level::Crit,
        }
    }
}

#[cfg(test)]
impl ArgoApp {
    /// A services app drifted from Git (OutOfSync, Degraded, no operation): tests change what
    /// they need with `..ArgoApp::drifted(name)`.
    pub fn drifted(name: &str) -> ArgoApp {
        ArgoApp {
            cluster: Default::default(),
            name: name.into(),
            project: "services".into(),
            parent: None,
            sync: SyncStatus::OutOfSync,
            health: HealthStatus::Degraded,
            target_revision: "main".into(),
            synced_revision: "abc".into(),
            auto_sync: false,
            destination_namespace: "storefront".into(),
            last_sync: None,
            operation: None,
            conditions: Vec::new(),
            resources: Vec::new(),
            history: Vec::new(),
            manifest: String::new(),
        }
    }
}

impl ArgoApp {
    pub fn level(&self) -> Level {
        let cond =
            if self.conditions.iter().any(|c| c.kind.ends_with("Error")) { Level::Crit } else { Level::Ok };
        self.health.level().max(self.sync.level()).max(cond)
    }

    pub fn short_revision(&self) -> &str {
        short_sha(&self.synced_revision)
    }

    /// An operation is running or terminating: Argo CD refuses another one.
    pub fn operation_running(&self) -> bool {
        self.operation
            .as_ref()
            .is_some_and(|o| matches!(o.phase, OperationPhase::Running | OperationPhase::Terminating))
    }
}

pub fn short_sha(rev: &str) -> &str {
    if rev.len() > 7 && rev.chars().all(|c| c.is_ascii_hexdigit()) { &rev[..7] } else { rev }
}

impl ArgoCd {
    /// Apps in tree order: roots first (problem roots before healthy ones), each followed by its
    /// children (problem children first), with their depth.
    pub fn tree(&self) -> Vec<(usize, &ArgoApp)> {
        let mut out = Vec::with_capacity(self.apps.len());
        // A parent is looked for in the app's own cluster: two clusters' trees never mix.
        let names: std::collections::HashSet<(&ClusterId, &str)> =
            self.apps.iter().map(|a| (&a.cluster, a.name.as_str())).collect();
        let mut roots: Vec<&ArgoApp> = self
            .apps
            .iter()
            .filter(|a| a.parent.as_deref().is_none_or(|p| !names.contains(&(&a.cluster, p))))
            .collect();
        sort_problem_first(&mut roots);
        for root in roots {
            self.push_subtree(root, 0, &mut out);
        }
        out
    }

    fn push_subtree<'a>(&'a self, app: &'a ArgoApp, depth: usize, out: &mut Vec<(usize, &'a ArgoApp)>) {
        // A cycle in parent links would otherwise recurse forever.
        if depth > 16 || out.iter().any(|(_, a)| a.name == app.name && a.cluster == app.cluster) {
            return;
        }
        out.push((depth, app));
        let mut kids: Vec<&ArgoApp> = self
            .apps
            .iter()
            .filter(|a| a.cluster == app.cluster && a.parent.as_deref() == Some(app.name.as_str()))
            .collect();
        sort_problem_first(&mut kids);
        for k in kids {
            self.push_subtree(k, depth + 1, out);
        }
    }

    /// The app of this name in `cluster`.
    pub fn get(&self, cluster: &ClusterId, name: &str) -> Option<&ArgoApp> {
        self.apps.iter().find(|a| &a.cluster == cluster && a.name == name)
    }
}

fn sort_problem_first(apps: &mut [&ArgoApp]) {
    apps.sort_by(|a, b| b.level().cmp(&a.level()).then_with(|| a.name.cmp(&b.name)));
}
