//! Runs actions as tasks against whatever backs the current context (the demo world, a
//! cluster, Argo CD, Alertmanager, Cost Explorer), writes the audit log and reports each
//! outcome back to the loop as a message. The only place an action's I/O happens.

use super::audit::AuditLog;
use crate::domain::registry::{self, ActionId};
use tokio::sync::mpsc;

use crate::domain::{ClusterId, Target};
use crate::sources::{alertmanager, argocd, cost, demo, kube};
use crate::state::sync_plan::SyncPlan;
use crate::state::{ActionOutcome, Message};

/// Why a sync in Kubernetes mode shows no diff.
pub const KUBE_MODE: &str = "Kubernetes mode reads the Application resources, which say which resources are out of sync but not what Git wants them to be: the desired manifests are rendered by Argo CD's repo server, which only its API serves (set [argocd] mode = \"api\" for a diff)";

#[derive(Clone)]
pub enum Backend {
    Demo(demo::Handle),
    Kube(kube::Handle),
    /// No source that can act is configured.
    None,
}

#[derive(Clone)]
pub struct Executor {
    backend: Backend,
    audit: AuditLog,
    /// Results go back on their own channel, so a flood of source updates cannot delay them.
    results: mpsc::Sender<Message>,
    clock: crate::sources::Clock,
    /// Silences go to the Alertmanager that reported the alert, whatever backs the context.
    alertmanagers: std::sync::Arc<Vec<alertmanager::Client>>,
    cost: Option<cost::Handle>,
    /// Argo CD's actions go to the Argo CD source when one runs (Kubernetes or REST mode).
    argocd: Option<argocd::Handle>,
}

impl Executor {
    pub fn new(
        backend: Backend,
        audit: AuditLog,
        results: mpsc::Sender<Message>,
        clock: crate::sources::Clock,
    ) -> Self {
        Executor {
            backend,
            audit,
            results,
            clock,
            alertmanagers: Default::default(),
            cost: None,
            argocd: None,
        }
    }

    pub fn with_cost(mut self, handle: Option<cost::Handle>) -> Self {
        self.cost = handle;
        self
    }

    pub fn with_argocd(mut self, handle: Option<argocd::Handle>) -> Self {
        self.argocd = handle;
        self
    }

    pub fn with_alertmanagers(mut self, clients: Vec<alertmanager::Client>) -> Self {
        self.alertmanagers = std::sync::Arc::new(clients);
        self
    }

    fn alertmanager(&self, target: &Target) -> Option<&alertmanager::Client> {
        let source = match target {
            Target::NewSilence(n) => &n.source,
            Target::Silence { source, .. } => source,
            _ => return None,
        };
        self.alertmanagers.iter().find(|c| &c.source == source)
    }

    /// Where the app loop's own results go (a report written), with the clock they are dated by.
    pub fn results(&self) -> (mpsc::Sender<Message>, crate::sources::Clock) {
        (self.results.clone(), self.clock)
    }

    /// Argo CD's actions go here from now on (after a context switch).
    pub fn set_argocd(&mut self, handle: Option<argocd::Handle>) {
        self.argocd = handle;
    }

    /// An app's resource tree from the Argo CD server, into the store. Reading, not acting:
    /// not audited; a failure is said in the status line. Without the server (Kubernetes mode,
    /// the demo) the pane draws the tree from the pods it has, so nothing is asked.
    pub fn fetch_tree(&self, app: String) {
        let Some(argocd::Handle::Api(client)) = self.argocd.clone() else { return };
        let this = self.clone();
        tokio::spawn(async move {
            let at = this.clock.now();
            let msg = match client.resource_tree(&app).await {
                Ok(nodes) => Message::AppTree { app, nodes },
                Err(e) => {
                    let outcome = ActionOutcome {
                        cluster: ClusterId::default(),
                        action: "Resource tree".into(),
                        target: app,
                        result: Err(e),
                    };
                    Message::ActionDone { at, outcome }
                }
            };
            let _ = this.results.send(msg).await;
        });
    }

    /// What a sync of `app` would do, into the store: Argo CD's managed resources in API mode,
    /// the demo's own comparison, or, in Kubernetes mode (the desired manifests are rendered
    /// by Argo CD's repo server, which only its API reaches), why there is no diff.
    pub fn fetch_plan(&self, app: String) {
        let this = self.clone();
        tokio::spawn(async move {
            let plan = match (&this.argocd, &this.backend) {
                (Some(argocd::Handle::Api(client)), _) => {
                    client.managed_resources(&app).await.map(SyncPlan::Diff)
                }
                (Some(argocd::Handle::Kube(_)), _) => Ok(SyncPlan::NoDiff { reason: KUBE_MODE.to_string() }),
                (None, Backend::Demo(h)) => h.plan(&app).await,
                (None, _) => Err("no Argo CD source is configured".to_string()),
            };
            let _ = this.results.send(Message::SyncPlan { app, plan }).await;
        });
    }

    /// Act on another cluster from now on (after a context switch).
    pub fn set_backend(&mut self, backend: Backend) {
        self.backend = backend;
    }

    pub fn run(&self, action: ActionId, target: Target, context: String) {
        let this = self.clone();
        tokio::spawn(async move {
            let spec = registry::spec(action);
            let result = match (this.alertmanager(&target), &target, &this.backend) {
                (_, Target::CostData, _) if this.cost.is_some() => {
                    this.cost.as_ref().map_or(Ok(String::new()), |c| c.refresh())
                }
                (_, Target::App(_) | Target::AppSync { .. }, _) if let Some(a) = &this.argocd => {
                    a.run(action, &target).await
                }
                (Some(am), Target::NewSilence(n), _) => am.create_silence(n, this.clock.now()).await,
                (Some(am), Target::Silence { id, .. }, _) => am.expire_silence(id).await,
                (_, _, Backend::Demo(h)) => h.run(action, target.clone()).await,
                (_, _, Backend::Kube(h)) => h.run(action, &target).await,
                (_, _, Backend::None) => Err("no source that can act on this is configured".to_string()),
            };
            let described = target.describe();
            tracing::info!(action = spec.name, target = %described, ok = result.is_ok(), "action finished");
            this.audit.record(&context, spec.name, &described, &result);
            // The context an action names is its cluster's (`input::dispatch::context_of`).
            let cluster = ClusterId::new(&context);
            let outcome =
                ActionOutcome { cluster, action: spec.title.to_string(), target: described, result };
            let _ = this.results.send(Message::ActionDone { at: this.clock.now(), outcome }).await;
        });
    }
}
