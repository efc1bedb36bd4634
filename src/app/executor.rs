//! Runs actions as tasks against whatever backs the current context (the demo world, a
//! cluster, Argo CD, Alertmanager, Cost Explorer), writes the audit log and reports each
//! outcome back to the loop as a message. The only place an action's I/O happens.

use super::audit::AuditLog;
use crate::domain::registry::{self, ActionId};
use tokio::sync::mpsc;

use crate::domain::{ClusterId, Target};
use crate::sources::{alertmanager, argocd, cost, demo, kube};
use crate::state::{ActionOutcome, Message};

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
                    let outcome =
                        ActionOutcome { action: "Resource tree".into(), target: app, result: Err(e) };
                    Message::ActionDone { at, outcome }
                }
            };
            let _ = this.results.send(msg).await;
        });
    }

    /// Act on another cluster from now on (after a context switch).
    pub fn set_backend(&mut self, backend: Backend) {
        self.backend = backend;
    }

    /// The handle of `context`'s cluster, for what the app does on it itself (a shell, the
    /// editor's read, a forward). One backend acts for every context until each has its own.
    pub fn kube_for(&self, _context: &str) -> Option<kube::Handle> {
        match &self.backend {
            Backend::Kube(h) => Some(h.clone()),
            _ => None,
        }
    }

    /// Append to the audit log what the app did itself (a shell, a user command, a forward).
    pub fn audit(&self, context: &str, action: &str, target: &str, result: &Result<String, String>) {
        tracing::info!(action, target, ok = result.is_ok(), "action finished");
        self.audit.record(context, action, target, result);
    }

    async fn send(&self, m: Message) {
        let _ = self.results.send(m).await;
    }

    /// Read the kinds the cluster serves, into the store (for `:KIND`).
    pub fn discover(&self) {
        let this = self.clone();
        tokio::spawn(async move {
            let result = match &this.backend {
                Backend::Kube(h) => h.discover().await,
                Backend::Demo(_) => Err(demo::NO_API_SERVER.into()),
                Backend::None => Err("not connected to a cluster: no kubeconfig context".into()),
            };
            this.send(Message::Catalog(result)).await;
        });
    }

    /// A workload's revisions, for the rollback picker asked for `subject`.
    pub fn fetch_history(&self, subject: Target, context: &str) {
        let this = self.clone();
        let kube = self.kube_for(context);
        tokio::spawn(async move {
            let result = match (&subject, kube) {
                (Target::Workload { namespace, kind, name }, Some(h)) => h
                    .history(namespace, *kind, name)
                    .await
                    .map(|revs| kube::rollout::pick_entries(&subject, &revs, this.clock.now())),
                (_, None) => Err("the demo platform keeps no rollout history; connect to a cluster".into()),
                _ => Err(format!("{} has no revision history", subject.describe())),
            };
            this.send(Message::History { subject, result }).await;
        });
    }

    /// The ports a pod declares (or a Service serves), for the port-forward prompt.
    pub fn fetch_ports(&self, subject: Target, cluster: ClusterId, context: &str) {
        let this = self.clone();
        let kube = self.kube_for(context);
        tokio::spawn(async move {
            let result = match (&subject, kube) {
                (Target::Forward { namespace, pod, via, .. }, Some(h)) => match via {
                    Some(svc) => h.ports(namespace, svc, true).await,
                    None => h.ports(namespace, pod, false).await,
                },
                (_, None) => Err("the demo platform has no pods to forward to; connect to a cluster".into()),
                _ => Err(format!("{} has no ports", subject.describe())),
            };
            this.send(Message::Ports { subject, cluster, result }).await;
        });
    }

    pub fn run(&self, action: ActionId, target: Target, context: String) {
        let this = self.clone();
        tokio::spawn(async move {
            let spec = registry::spec(action);
            if let (Target::Edit(e), Some(h)) = (&target, this.kube_for(&context)) {
                return this.edit(&h, e, context).await;
            }
            let result = match (this.alertmanager(&target), &target, &this.backend) {
                (_, Target::CostData, _) if this.cost.is_some() => {
                    this.cost.as_ref().map_or(Ok(String::new()), |c| c.refresh())
                }
                (_, Target::App(_) | Target::AppSync { .. } | Target::AppRollback { .. }, _)
                    if let Some(a) = &this.argocd =>
                {
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
            let outcome = ActionOutcome { action: spec.title.to_string(), target: described, result };
            let _ = this.results.send(Message::ActionDone { at: this.clock.now(), outcome }).await;
        });
    }

    /// Send an edit; a conflict or an invalid object opens the editor again with the answer.
    async fn edit(&self, h: &kube::Handle, e: &crate::domain::target::EditedObject, context: String) {
        let spec = registry::spec(ActionId::Edit);
        let target = Target::Edit(Box::new(e.clone()));
        let described = target.describe();
        let sent = h.edit(e).await;
        let result = sent.as_ref().map(String::clone).map_err(|r| r.message.clone());
        self.audit(&context, spec.name, &described, &result);
        let outcome = ActionOutcome { action: spec.title.to_string(), target: described, result };
        self.send(Message::ActionDone { at: self.clock.now(), outcome }).await;
        if let Err(r) = sent
            && r.reopen
        {
            // The action names its cluster by its context: the same cluster's safety decides again.
            let req = crate::domain::EditRequest {
                object: e.object.clone(),
                cluster: crate::domain::ClusterId::new(&context),
                context,
                again: Some(Box::new(e.clone())),
                error: Some(r.message),
            };
            self.send(Message::EditRefused(Box::new(req))).await;
        }
    }
}
