//! Argo CD, reached through the Kubernetes API (Application resources, the default) or the
//! Argo CD server's REST API; both feed the Argo CD pane and carry its actions. Never UI state.

pub mod api;
pub mod kube;
pub mod plan;
pub mod wire;

use std::time::Duration;

use crate::config::sources::{ArgocdConfig, ArgocdMode};
use crate::domain::SourceId;
use crate::domain::Target;
use crate::domain::registry::ActionId;
use crate::domain::source::SourceKind;
use crate::sources::{Clock, Sender, TaskGuard};
use crate::state::{Message, PaneId};

/// What the pane says when the cluster has no `applications.argoproj.io`.
pub const NOT_INSTALLED: &str = "Argo CD not installed in this cluster";
pub use crate::domain::registry::ANOTHER_OPERATION;
/// Argo CD's own words when there is nothing to terminate.
pub const NO_OPERATION: &str = "Unable to terminate operation. No operation is in progress";
/// A missing CRD is not fixed by retrying quickly: look again this often.
pub const RECHECK_MISSING: Duration = Duration::from_secs(300);

pub fn source() -> SourceId {
    SourceId::of(SourceKind::ArgoCd)
}

/// A watch or a stream delivers only changes, so a quiet one is not stale (interval 0).
pub fn register() -> Message {
    Message::Register { source: source(), interval_ms: 0, feeds: vec![PaneId::ArgoCd] }
}

/// An HTTP status as the pane says it.
pub fn status_error(code: u16, detail: &str) -> String {
    let detail = detail.trim();
    let with = |what: &str| if detail.is_empty() { what.to_string() } else { format!("{what} ({detail})") };
    match code {
        401 => "Argo CD: unauthorized".to_string(),
        403 => with("Argo CD: forbidden"),
        _ if detail.is_empty() => format!("Argo CD: HTTP {code}"),
        _ => format!("Argo CD: {detail}"),
    }
}

/// What a sync asks for, taken from the confirmation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyncOptions {
    pub prune: bool,
    pub dry_run: bool,
}

/// The app an Argo CD action acts on and, for a sync, its options.
pub fn app_of(target: &Target) -> Option<(&str, SyncOptions)> {
    match target {
        Target::App(name) => Some((name, SyncOptions::default())),
        Target::AppSync { name, prune, dry_run } => {
            Some((name, SyncOptions { prune: *prune, dry_run: *dry_run }))
        }
        _ => None,
    }
}

pub use crate::domain::registry::ROLLBACK_AUTOSYNC;

/// How actions reach Argo CD.
#[derive(Clone)]
pub enum Handle {
    Kube(kube::Actions),
    Api(api::Client),
}

impl Handle {
    pub async fn run(&self, action: ActionId, target: &Target) -> Result<String, String> {
        if let Target::AppRollback { name, id, .. } = target {
            return match self {
                Handle::Kube(k) => k.rollback(name, *id).await,
                Handle::Api(c) => c.rollback(name, *id).await,
            };
        }
        let Some((app, options)) = app_of(target) else {
            return Err(format!("{action:?} does not apply to {}", target.describe()));
        };
        match self {
            Handle::Kube(k) => k.run(action, app, options).await,
            Handle::Api(c) => c.run(action, app, options).await,
        }
    }
}

/// Start the configured Argo CD source. Kubernetes mode rides on the Kubernetes source's
/// connection; without one it says why.
pub fn start(
    cfg: &ArgocdConfig,
    kube_handle: Option<crate::sources::kube::Handle>,
    user: &str,
    tx: Sender,
    clock: Clock,
) -> Result<(Handle, TaskGuard), String> {
    // Registered before the task starts, so a one-shot `status` waits for it too.
    let _ = tx.try_send(register());
    match cfg.mode {
        ArgocdMode::Kubernetes => {
            let Some(k) = kube_handle else {
                return Err("no Kubernetes context to read Applications through ([argocd] mode = \"api\" reads the Argo CD server instead)".into());
            };
            let actions = kube::Actions::new(k, cfg, user);
            let guard = TaskGuard(tokio::spawn(kube::run(actions.clone(), tx, clock)));
            Ok((Handle::Kube(actions), guard))
        }
        ArgocdMode::Api => {
            let client = api::Client::new(cfg)?;
            let guard = TaskGuard(tokio::spawn(api::run(client.clone(), tx, clock)));
            Ok((Handle::Api(client), guard))
        }
    }
}
