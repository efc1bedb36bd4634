//! What an action acts on, captured when the user asks, and how it is named in confirmations,
//! the status line and the audit log. The cluster it belongs to travels beside it (in
//! `Effect::Run` and the pending confirmation), so one target type serves every cluster.

use super::PaneId;
use super::kinds::WorkloadKind;
use super::resource::ObjectRef;
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
    /// Cost Explorer for the AWS account, while it is off (it charges per request).
    CostExplorer,
    /// Any object of any kind (to delete it).
    Object(ObjectRef),
    /// An object as the user edited it, ready to send.
    Edit(Box<EditedObject>),
    /// A workload's pod template back to an earlier revision (`kubectl rollout undo`).
    Rollback {
        namespace: String,
        kind: WorkloadKind,
        name: String,
        revision: i64,
        /// What that revision ran, for the confirmation.
        image: String,
    },
    /// An Argo CD app back to an entry of its sync history.
    AppRollback {
        name: String,
        id: i64,
        revision: String,
    },
    /// An interactive shell in a pod's container.
    Shell {
        namespace: String,
        pod: String,
        container: String,
    },
    /// A local port forwarded to a pod's port (`via` names the Service it was asked on).
    Forward {
        namespace: String,
        pod: String,
        local: u16,
        remote: u16,
        via: Option<String>,
    },
    /// A command from the config's `[[command]]`, as it runs.
    UserCommand {
        name: String,
        line: String,
    },
}

/// An edit to send: the merge patch of the user's changes, which carries the resourceVersion the
/// object was read at, so a change made meanwhile is refused (409) rather than overwritten.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditedObject {
    pub object: ObjectRef,
    pub resource_version: String,
    /// The JSON merge patch.
    pub patch: String,
    /// The object as read (JSON), and as the user saved it (YAML), to reopen the editor with.
    pub original: String,
    pub text: String,
    /// Lines of YAML that differ, for the confirmation.
    pub changed_lines: usize,
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
            Target::CostExplorer => "cost-explorer",
            Target::Object(o) => &o.name,
            Target::Edit(e) => &e.object.name,
            Target::Rollback { name, .. } | Target::AppRollback { name, .. } => name,
            Target::Shell { pod, .. } | Target::Forward { pod, .. } => pod,
            Target::UserCommand { name, .. } => name,
        }
    }

    /// The namespace it lives in, for targets that have one.
    pub fn namespace(&self) -> Option<&str> {
        match self {
            Target::Pod { namespace, .. }
            | Target::Workload { namespace, .. }
            | Target::Hpa { namespace, .. }
            | Target::Scale { namespace, .. }
            | Target::HpaLimits { namespace, .. }
            | Target::Rollback { namespace, .. }
            | Target::Shell { namespace, .. }
            | Target::Forward { namespace, .. } => Some(namespace),
            Target::Object(o) => o.namespace.as_deref(),
            Target::Edit(e) => e.object.namespace.as_deref(),
            Target::Node(_) | Target::App(_) | Target::AppSync { .. } | Target::Alert { .. } => None,
            Target::Silence { .. } | Target::NewSilence(_) | Target::CostData => None,
            Target::CostExplorer => None,
            Target::AppRollback { .. } | Target::UserCommand { .. } => None,
        }
    }

    /// The pane whose actions apply to this kind of target.
    pub fn pane(&self) -> PaneId {
        match self {
            Target::Node(_) => PaneId::Infrastructure,
            Target::App(_) | Target::AppSync { .. } | Target::AppRollback { .. } => PaneId::ArgoCd,
            Target::Pod { .. } | Target::Workload { .. } => PaneId::Pods,
            Target::Object(_) | Target::Edit(_) | Target::Rollback { .. } => PaneId::Pods,
            Target::Shell { .. } | Target::Forward { .. } | Target::UserCommand { .. } => PaneId::Pods,
            Target::Hpa { .. } | Target::Scale { .. } | Target::HpaLimits { .. } => PaneId::Scaling,
            Target::Alert { .. } | Target::Silence { .. } | Target::NewSilence(_) => PaneId::Alerts,
            Target::CostData | Target::CostExplorer => PaneId::Cost,
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
            Target::CostExplorer => {
                "for this account: it charges $0.01 per request (2 or more a fetch, about $0.02, fetched again every 8 h; cached on disk)".to_string()
            }
            Target::NewSilence(n) => {
                let d =
                    humantime::format_duration(std::time::Duration::from_secs(n.duration_ms as u64 / 1000));
                format!("silence of {{{}}} for {d}", format_matchers(&n.matchers))
            }
            Target::Object(o) => o.describe(),
            Target::Edit(e) => {
                let n = e.changed_lines;
                let lines = if n == 1 { "1 line".to_string() } else { format!("{n} lines") };
                format!(
                    "{} ({lines} changed, read at resourceVersion {})",
                    e.object.describe(),
                    e.resource_version
                )
            }
            Target::Rollback { namespace, kind, name, revision, image } => {
                let kind = kind.label().to_lowercase();
                format!("{kind} {namespace}/{name} to revision {revision} ({image})")
            }
            Target::AppRollback { name, id, revision } => {
                let rev: String = revision.chars().take(7).collect();
                format!("application {name} to history entry {id} ({rev})")
            }
            Target::Shell { namespace, pod, container } => {
                format!("pod {namespace}/{pod}, container {container}")
            }
            Target::Forward { namespace, pod, local, remote, via } => {
                let via = via.as_ref().map(|s| format!(" (service {s})")).unwrap_or_default();
                format!("127.0.0.1:{local} to pod {namespace}/{pod} port {remote}{via}")
            }
            Target::UserCommand { name, line } => format!("{name}: {line}"),
        }
    }
}
