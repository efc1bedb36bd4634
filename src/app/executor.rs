//! Runs actions as tasks against what backs the action's own cluster (the demo world, a
//! cluster and its Argo CD) or the Alertmanager or AWS account it names, writes the audit log
//! and reports each outcome back to the loop as a message. The only place an action's I/O
//! happens; an action can only reach its own cluster.

use super::audit::AuditLog;
use crate::domain::registry::{self, ActionId};
use tokio::sync::mpsc;

use std::collections::BTreeMap;

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

/// What acts on one cluster: the cluster (or the demo world) and its Argo CD.
#[derive(Clone)]
struct Actor {
    backend: Backend,
    argocd: Option<argocd::Handle>,
}

#[derive(Clone)]
pub struct Executor {
    /// By context. An action goes to its own context's, never another's; with a single
    /// cluster (or a test's one backend) that one takes every action.
    actors: std::sync::Arc<BTreeMap<String, Actor>>,
    audit: AuditLog,
    /// Results go back on their own channel, so a flood of source updates cannot delay them.
    results: mpsc::Sender<Message>,
    clock: crate::sources::Clock,
    /// Silences go to the Alertmanager that reported the alert, whatever backs the context.
    alertmanagers: std::sync::Arc<Vec<alertmanager::Client>>,
    /// Each AWS account's bill.
    cost: Vec<cost::Handle>,
}

impl Executor {
    /// An executor with one backend, for whatever context an action names.
    pub fn new(
        backend: Backend,
        audit: AuditLog,
        results: mpsc::Sender<Message>,
        clock: crate::sources::Clock,
    ) -> Self {
        let one = BTreeMap::from([(String::new(), Actor { backend, argocd: None })]);
        Executor {
            actors: std::sync::Arc::new(one),
            audit,
            results,
            clock,
            alertmanagers: Default::default(),
            cost: Vec::new(),
        }
    }

    /// An executor for a fleet: each context's backend and Argo CD.
    pub fn for_fleet(
        clusters: Vec<(String, Backend, Option<argocd::Handle>)>,
        audit: AuditLog,
        results: mpsc::Sender<Message>,
        clock: crate::sources::Clock,
    ) -> Self {
        let actors =
            clusters.into_iter().map(|(c, backend, argocd)| (c, Actor { backend, argocd })).collect();
        Executor {
            actors: std::sync::Arc::new(actors),
            audit,
            results,
            clock,
            alertmanagers: Default::default(),
            cost: Vec::new(),
        }
    }

    pub fn with_cost(mut self, handles: Vec<cost::Handle>) -> Self {
        self.cost = handles;
        self
    }

    /// Argo CD for the one cluster there is.
    pub fn with_argocd(mut self, handle: Option<argocd::Handle>) -> Self {
        self.set_argocd(handle);
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
        // A configured one's id names no cluster; the alerts it delivers carry their cluster's.
        let unstamped = crate::domain::SourceId { cluster: None, ..source.clone() };
        self.alertmanagers.iter().find(|c| &c.source == source).or_else(|| {
            self.alertmanagers.iter().find(|c| c.source.cluster.is_none() && c.source == unstamped)
        })
    }

    /// What acts on `context`: its own, or the only one there is.
    fn actor(&self, context: &str) -> Option<&Actor> {
        match self.actors.get(context) {
            Some(a) => Some(a),
            None if self.actors.len() == 1 => self.actors.values().next(),
            None => None,
        }
    }

    /// Where the app loop's own results go (a report written), with the clock they are dated by.
    pub fn results(&self) -> (mpsc::Sender<Message>, crate::sources::Clock) {
        (self.results.clone(), self.clock)
    }

    /// The one cluster's actor, after a context switch (one cluster only: a fleet never switches).
    fn sole(&mut self) -> Option<&mut Actor> {
        let actors = std::sync::Arc::make_mut(&mut self.actors);
        match actors.len() {
            1 => actors.values_mut().next(),
            _ => None,
        }
    }

    /// Argo CD's actions go here from now on (after a context switch).
    pub fn set_argocd(&mut self, handle: Option<argocd::Handle>) {
        if let Some(a) = self.sole() {
            a.argocd = handle;
        }
    }

    /// A cluster of the fleet started after the others (`watch = "open"`), with the
    /// Alertmanagers bound to it.
    pub fn add_cluster(
        &mut self,
        context: String,
        backend: Backend,
        argocd: Option<argocd::Handle>,
        alertmanagers: Vec<alertmanager::Client>,
    ) {
        std::sync::Arc::make_mut(&mut self.actors).insert(context, Actor { backend, argocd });
        std::sync::Arc::make_mut(&mut self.alertmanagers).extend(alertmanagers);
    }

    /// Silences go to this Alertmanager, found in the cluster switched to, instead of the one
    /// found in the old one.
    pub fn set_discovered_alertmanager(&mut self, client: alertmanager::Client) {
        let found = |c: &alertmanager::Client| {
            c.source.instance.as_deref() == Some(alertmanager::discover::IN_CLUSTER)
        };
        let clients = std::sync::Arc::make_mut(&mut self.alertmanagers);
        clients.retain(|c| !found(c));
        clients.push(client);
    }

    /// Act on another cluster from now on (after a context switch).
    pub fn set_backend(&mut self, backend: Backend) {
        if let Some(a) = self.sole() {
            a.backend = backend;
        }
    }

    /// An app's resource tree from its cluster's Argo CD server, into the store. Reading, not
    /// acting: not audited; a failure is said in the status line. Without the server
    /// (Kubernetes mode, the demo) the pane draws the tree from the pods it has.
    pub fn fetch_tree(&self, app: String, cluster: ClusterId) {
        let Some(argocd::Handle::Api(client)) = self.actor(cluster.as_str()).and_then(|a| a.argocd.clone())
        else {
            return;
        };
        let this = self.clone();
        tokio::spawn(async move {
            let at = this.clock.now();
            let msg = match client.resource_tree(&app).await {
                Ok(nodes) => Message::AppTree { cluster, app, nodes },
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

    /// The bill fetched again, for every account.
    fn refresh_cost(&self) -> Result<String, String> {
        let said: Result<Vec<String>, String> = self.cost.iter().map(cost::Handle::refresh).collect();
        said.map(|s| s.join("; "))
    }

    /// Cost Explorer turned on for every account it waits in, the user having accepted the charge.
    fn enable_cost(&self) -> Result<String, String> {
        let said: Result<Vec<String>, String> = self.cost.iter().map(cost::Handle::enable).collect();
        said.map(|s| s.join("; "))
    }

    /// What a sync of `app` in `cluster` would do, into the store: Argo CD's managed resources
    /// in API mode, the demo's own comparison, or, in Kubernetes mode (the desired manifests
    /// are rendered by Argo CD's repo server, which only its API reaches), why there is no diff.
    pub fn fetch_plan(&self, app: String, cluster: ClusterId) {
        let this = self.clone();
        tokio::spawn(async move {
            let actor = this.actor(cluster.as_str());
            let argocd = actor.and_then(|a| a.argocd.as_ref());
            let backend = actor.map_or(&Backend::None, |a| &a.backend);
            let plan = match (argocd, backend) {
                (Some(argocd::Handle::Api(client)), _) => {
                    client.managed_resources(&app).await.map(SyncPlan::Diff)
                }
                (Some(argocd::Handle::Kube(_)), _) => Ok(SyncPlan::NoDiff { reason: KUBE_MODE.to_string() }),
                (None, Backend::Demo(h)) => h.plan(&app).await,
                (None, _) => Err("no Argo CD source is configured".to_string()),
            };
            let _ = this.results.send(Message::SyncPlan { app, cluster, plan }).await;
        });
    }

    /// The handle of `context`'s cluster, for what the app does on it itself (a shell, the
    /// editor's read, a forward): its own, or the only one there is.
    pub fn kube_for(&self, context: &str) -> Option<kube::Handle> {
        match self.actor(context).map(|a| &a.backend) {
            Some(Backend::Kube(h)) => Some(h.clone()),
            _ => None,
        }
    }

    /// What backs `context`'s cluster, for the streams and forwards the app runs on it.
    pub fn backend_for(&self, context: &str) -> Backend {
        self.actor(context).map_or(Backend::None, |a| a.backend.clone())
    }

    /// Append to the audit log what the app did itself (a shell, a user command, a forward).
    pub fn audit(&self, context: &str, action: &str, target: &str, result: &Result<String, String>) {
        tracing::info!(action, target, ok = result.is_ok(), "action finished");
        self.audit.record(context, action, target, result);
    }

    async fn send(&self, m: Message) {
        let _ = self.results.send(m).await;
    }

    /// Read the kinds `context`'s cluster serves, into the store (for `:KIND`).
    pub fn discover(&self, context: &str) {
        let this = self.clone();
        let backend = self.actor(context).map(|a| a.backend.clone());
        tokio::spawn(async move {
            let result = match backend {
                Some(Backend::Kube(h)) => h.discover().await,
                Some(Backend::Demo(_)) => Err(demo::NO_API_SERVER.into()),
                Some(Backend::None) => Err("not connected to a cluster: no kubeconfig context".into()),
                None => Err("open one cluster first (:ctx NAME): a kind is listed in one".into()),
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
            this.send(Message::RolloutHistory { subject, result }).await;
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
            let actor = this.actor(&context);
            if let (Target::Edit(e), Some(Backend::Kube(h))) = (&target, actor.map(|a| &a.backend)) {
                return this.edit(h, e, context).await;
            }
            let argocd = actor.and_then(|a| a.argocd.as_ref());
            let backend = actor.map_or(&Backend::None, |a| &a.backend);
            let result = match (this.alertmanager(&target), &target, backend) {
                (_, Target::CostData, _) if !this.cost.is_empty() => this.refresh_cost(),
                (_, Target::CostExplorer, _) if !this.cost.is_empty() => this.enable_cost(),
                (_, Target::CostExplorer, _) => Err("Cost Explorer cannot start here: no AWS account".into()),
                (_, Target::App(_) | Target::AppSync { .. } | Target::AppRollback { .. }, _)
                    if let Some(a) = argocd =>
                {
                    a.run(action, &target).await
                }
                (Some(am), Target::NewSilence(n), _) => am.create_silence(n, this.clock.now()).await,
                (Some(am), Target::Silence { id, .. }, _) => am.expire_silence(id).await,
                (_, _, Backend::Demo(h)) => h.run(action, target.clone()).await,
                (_, _, Backend::Kube(h)) => h.run(action, &target).await,
                (_, _, Backend::None) if actor.is_none() => Err(format!("no connection to {context}")),
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

    /// Send an edit; a conflict or an invalid object opens the editor again with the answer.
    async fn edit(&self, h: &kube::Handle, e: &crate::domain::target::EditedObject, context: String) {
        let spec = registry::spec(ActionId::Edit);
        let target = Target::Edit(Box::new(e.clone()));
        let described = target.describe();
        let sent = h.edit(e).await;
        let result = sent.as_ref().map(String::clone).map_err(|r| r.message.clone());
        self.audit(&context, spec.name, &described, &result);
        let outcome = ActionOutcome {
            cluster: ClusterId::new(&context),
            action: spec.title.to_string(),
            target: described,
            result,
        };
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
