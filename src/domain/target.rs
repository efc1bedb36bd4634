//! What an action acts on, captured when the user asks, and how it is named in confirmations,
//! the status line and the audit log. The cluster it belongs to travels beside it (in
//! `Effect::Run` and the pending confirmation), so one target type serves every cluster.

use super::PaneId;
use super::kinds::WorkloadKind;
use super::silence::{NewSilence, format_matchers};

/// What an action acts on, captured when the user asks so a reorder cannot change it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Node(String),
    App(String),
    /// An Argo CD app to sync, with the options chosen in the confirmation.
    AppSync {
        name: String,
        prune: bool,
        dry_run: bool,
    },
    Pod {
        namespace: String,
        name: String,
    },
    /// A workload, e.g. the owner of the selected pod.
    Workload {
        namespace: String,
        kind: WorkloadKind,
        name: String,
    },
    Hpa {
        namespace: String,
        name: String,
    },
    /// A workload and the replica count the user asked for.
    Scale {
        namespace: String,
        kind: WorkloadKind,
        name: String,
        replicas: u32,
    },
    /// An HPA and the min / max the user asked for.
    HpaLimits {
        namespace: String,
        name: String,
        min: u32,
        max: u32,
    },
    Alert {
        fingerprint: String,
        name: String,
    },
    Silence {
        source: super::SourceId,
        id: String,
    },
    NewSilence(NewSilence),
    /// The month's bill in Cost Explorer.
    CostData,
}

impl Target {
    /// The name a user types to confirm an action on it in production.
    pub fn name(&self) -> &str {
        match self {
            Target::Node(n) | Target::App(n) | Target::AppSync { name: n, .. } => n,
            Target::Pod { name, .. } | Target::Workload { name, .. } | Target::Hpa { name, .. } => name,
            Target::Scale { name, .. } | Target::HpaLimits { name, .. } => name,
            Target::Alert { name, .. } => name,
            Target::Silence { id, .. } => id,
            Target::NewSilence(_) => "silence",
            Target::CostData => "bill",
        }
    }

    /// The namespace it lives in, for targets that have one.
    pub fn namespace(&self) -> Option<&str> {
        match self {
            Target::Pod { namespace, .. }
            | Target::Workload { namespace, .. }
            | Target::Hpa { namespace, .. }
            | Target::Scale { namespace, .. }
            | Target::HpaLimits { namespace, .. } => Some(namespace),
            Target::Node(_) | Target::App(_) | Target::AppSync { .. } | Target::Alert { .. } => None,
            Target::Silence { .. } | Target::NewSilence(_) | Target::CostData => None,
        }
    }

    /// The pane whose actions apply to this kind of target.
    pub fn pane(&self) -> PaneId {
        match self {
            Target::Node(_) => PaneId::Infrastructure,
            Target::App(_) | Target::AppSync { .. } => PaneId::ArgoCd,
            Target::Pod { .. } | Target::Workload { .. } => PaneId::Pods,
            Target::Hpa { .. } | Target::Scale { .. } | Target::HpaLimits { .. } => PaneId::Scaling,
            Target::Alert { .. } | Target::Silence { .. } | Target::NewSilence(_) => PaneId::Alerts,
            Target::CostData => PaneId::Cost,
        }
    }

    /// How the target is named in confirmations, the status line and the audit log.
    pub fn describe(&self) -> String {
        match self {
            Target::Node(n) => format!("node {n}"),
            Target::App(a) => format!("application {a}"),
            Target::AppSync { name, prune, dry_run } => {
                let opts: Vec<&str> =
                    [(*prune, "prune"), (*dry_run, "dry run")].iter().filter(|o| o.0).map(|o| o.1).collect();
                if opts.is_empty() {
                    format!("application {name}")
                } else {
                    format!("application {name} ({})", opts.join(", "))
                }
            }
            Target::Pod { namespace, name } => format!("pod {namespace}/{name}"),
            Target::Workload { namespace, kind, name } => {
                format!("{} {namespace}/{name}", kind.label().to_lowercase())
            }
            Target::Hpa { namespace, name } => format!("hpa {namespace}/{name}"),
            Target::Scale { namespace, kind, name, replicas } => {
                format!("{} {namespace}/{name} to {replicas} replicas", kind.label().to_lowercase())
            }
            Target::HpaLimits { namespace, name, min, max } => {
                format!("hpa {namespace}/{name} to min {min} max {max}")
            }
            Target::Alert { name, .. } => format!("alert {name}"),
            Target::Silence { id, .. } => format!("silence {id}"),
            Target::CostData => {
                "the bill from Cost Explorer (2 or more requests at $0.01 each, about $0.02)".to_string()
            }
            Target::NewSilence(n) => {
                let d =
                    humantime::format_duration(std::time::Duration::from_secs(n.duration_ms as u64 / 1000));
                format!("silence of {{{}}} for {d}", format_matchers(&n.matchers))
            }
        }
    }
}
