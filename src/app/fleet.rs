//! Starting a fleet: each chosen context resolved against the kubeconfig with its own settings
//! (safety, AWS account, Argo CD, Alertmanagers), then its sources started at once, each
//! through a sender that stamps its cluster. One cluster that cannot start holds no other back:
//! its sources say why in its panes and its fleet row.

use crate::app::executor::Backend;
use crate::config::clusters::{ClusterConfig, WatchMode};
use crate::config::sources::{AlertmanagerConfig, ArgocdConfig, AwsConfig};
use crate::domain::ClusterId;
use crate::sources::kube::eks_context::EksContext;
use crate::sources::{self, Clock, TaskGuard, alertmanager, argocd, kube};
use crate::state::fleet::ClusterInfo;
use crate::state::{Message, PaneId};

use super::startup::Settings;

/// One cluster to watch, as the settings say it.
#[derive(Clone, Debug)]
pub struct Plan {
    pub context: String,
    pub production: bool,
    pub readonly: bool,
    pub aws: AwsConfig,
    pub argocd: ArgocdConfig,
    pub alertmanagers: Vec<AlertmanagerConfig>,
    pub lazy: bool,
    /// The EKS cluster the context points at, as `aws eks update-kubeconfig` wrote it.
    pub eks: Option<EksContext>,
}

impl Plan {
    pub fn info(&self) -> ClusterInfo {
        ClusterInfo {
            name: ClusterId::new(&self.context),
            production: self.production,
            readonly: self.readonly,
            account: self.aws.profile.clone(),
            region: self.aws.region.clone(),
            lazy: self.lazy,
        }
    }
}

/// The contexts to watch, each with its settings: a `[[cluster]]` entry of that context, else
/// the config's defaults. An empty list: one cluster, the current context, as ever.
pub fn plans(settings: &Settings) -> anyhow::Result<Vec<Plan>> {
    let wanted = if settings.contexts == Default::default() {
        Vec::new()
    } else {
        let (available, _) = kube::contexts(settings.kubeconfig.as_deref())?;
        settings.contexts.pick(&available).map_err(|e| anyhow::anyhow!(e))?
    };
    Ok(wanted.into_iter().map(|c| plan(settings, c)).collect())
}

pub fn plan(settings: &Settings, context: String) -> Plan {
    let own: Option<&ClusterConfig> = settings.clusters.iter().find(|c| c.context == context);
    let mut alertmanagers: Vec<AlertmanagerConfig> =
        settings.alertmanagers.iter().filter(|a| a.cluster.as_deref() == Some(&context)).cloned().collect();
    alertmanagers.extend(own.map(|c| c.alertmanager.clone()).unwrap_or_default());
    let (production, readonly) = settings.safety_of(&context);
    let eks =
        if settings.demo { None } else { kube::eks_context(settings.kubeconfig.as_deref(), Some(&context)) };
    let aws = own.and_then(|c| c.aws.clone()).unwrap_or_else(|| settings.aws.clone());
    Plan {
        production,
        readonly,
        aws: super::aws_start::fill(&aws, eks.as_ref()),
        eks,
        argocd: own.and_then(|c| c.argocd.clone()).unwrap_or_else(|| settings.argocd.clone()),
        alertmanagers,
        lazy: own.is_some_and(|c| c.watch == WatchMode::Open),
        context,
    }
}

/// What one cluster's start gives the loop.
pub struct Started {
    pub context: String,
    pub backend: Backend,
    pub argocd: Option<argocd::Handle>,
    pub alertmanagers: Vec<alertmanager::Client>,
    pub guards: Vec<TaskGuard>,
}

/// Start one cluster's Kubernetes watches, its Argo CD and its own Alertmanagers, stamped with
/// its name. Connecting happens in the tasks, so no cluster waits for another.
pub fn start(settings: &Settings, plan: &Plan, tx: &sources::Sender, clock: Clock) -> Started {
    let tx = tx.for_cluster(ClusterId::new(&plan.context));
    let mut guards = Vec::new();
    let target = kube::Target {
        kubeconfig: settings.kubeconfig.clone(),
        context: Some(plan.context.clone()),
        scope: settings.scope.clone(),
    };
    let backend = match kube::resolve(&target) {
        Ok(resolved) => {
            let (handle, guard) = kube::start(resolved, tx.clone());
            guards.push(guard);
            Backend::Kube(handle)
        }
        Err(e) => {
            disable_kube(&tx, &format!("{e:#}"));
            Backend::None
        }
    };
    let mut argocd_handle = None;
    if plan.argocd.enabled {
        let kube_handle = match &backend {
            Backend::Kube(h) => Some(h.clone()),
            _ => None,
        };
        match argocd::start(&plan.argocd, kube_handle, &settings.user, tx.clone(), clock) {
            Ok((h, g)) => {
                argocd_handle = Some(h);
                guards.push(g);
            }
            Err(reason) => disable(&tx, argocd::source(), PaneId::ArgoCd, reason),
        }
    }
    let mut alertmanagers = Vec::new();
    // Alertmanagers of no cluster answer for the fleet; with none at all, each finds its own.
    if plan.alertmanagers.is_empty()
        && settings.alertmanagers.iter().all(|a| a.cluster.is_some())
        && let Backend::Kube(h) = &backend
    {
        super::startup::discover_alertmanager(settings, h, &tx, clock, &mut guards, &mut alertmanagers);
    }
    for cfg in &plan.alertmanagers {
        match alertmanager::Client::new(cfg) {
            Ok(client) => {
                guards.push(alertmanager::spawn(client.clone(), cfg.interval.0, tx.clone(), clock));
                alertmanagers.push(client);
            }
            Err(e) => {
                disable(&tx, cfg.source_id(), PaneId::Alerts, format!("[[alertmanager]] {}: {e}", cfg.url))
            }
        }
    }
    Started { context: plan.context.clone(), backend, argocd: argocd_handle, alertmanagers, guards }
}

/// The Kubernetes sources of a context that cannot be read, each saying why.
pub fn disable_kube(tx: &sources::Sender, reason: &str) {
    for (id, feeds) in kube::FEEDS {
        let m = Message::Disabled {
            source: kube::source(*id),
            feeds: feeds.to_vec(),
            reason: reason.to_string(),
        };
        let _ = tx.try_send(m);
    }
}

fn disable(tx: &sources::Sender, source: crate::domain::SourceId, pane: PaneId, reason: String) {
    let _ = tx.try_send(Message::Disabled { source, feeds: vec![pane], reason });
}

/// One AWS account the clusters use: its settings, the one cluster it belongs to when only one
/// does (its rows and bill are then that cluster's; else the fleet's), and the EKS clusters its
/// contexts point at.
pub struct Account {
    pub aws: AwsConfig,
    pub cluster: Option<ClusterId>,
    pub eks: Vec<EksContext>,
}

/// The AWS accounts the fleet uses, each once. With one cluster (no plans), the current
/// context's EKS cluster, if it is one, fills in what `[aws]` leaves unset.
pub fn accounts(settings: &Settings, plans: &[Plan]) -> Vec<Account> {
    if plans.is_empty() {
        let eks = kube::eks_context(settings.kubeconfig.as_deref(), settings.context.as_deref());
        let aws = super::aws_start::fill(&settings.aws, eks.as_ref());
        return vec![Account { aws, cluster: None, eks: eks.into_iter().collect() }];
    }
    let mut out: Vec<(AwsConfig, Vec<ClusterId>, Vec<EksContext>)> = Vec::new();
    for p in plans {
        let name = ClusterId::new(&p.context);
        let i = match out.iter().position(|(a, _, _)| a == &p.aws) {
            Some(i) => i,
            None => {
                out.push((p.aws.clone(), Vec::new(), Vec::new()));
                out.len() - 1
            }
        };
        out[i].1.push(name);
        out[i].2.extend(p.eks.clone());
    }
    out.into_iter()
        .map(|(aws, users, eks)| {
            let cluster = (users.len() == 1).then(|| users[0].clone());
            Account { aws, cluster, eks }
        })
        .collect()
}

/// The clusters configured `watch = "open"`: started when first opened, not before.
pub struct Lazy {
    plans: Vec<Plan>,
    /// Kept only while a lazy cluster waits to start (it keeps the source channel open).
    tx: Option<sources::Sender>,
    clock: Clock,
    guards: Vec<TaskGuard>,
}

impl Lazy {
    pub fn new(plans: Vec<Plan>, tx: &sources::Sender, clock: Clock) -> Lazy {
        let tx = (!plans.is_empty()).then(|| tx.clone());
        Lazy { plans, tx, clock, guards: Vec::new() }
    }

    /// Start `cluster`'s sources and give the executor and the pod view its backend; false
    /// when it is not one waiting (already started, or not lazy).
    pub fn start(
        &mut self,
        settings: &Settings,
        cluster: &ClusterId,
        executor: &mut super::executor::Executor,
        streams: &mut super::pod_streams::PodStreams,
    ) -> bool {
        let Some(i) = self.plans.iter().position(|p| p.context == cluster.as_str()) else { return false };
        let Some(tx) = &self.tx else { return false };
        let plan = self.plans.remove(i);
        let s = start(settings, &plan, tx, self.clock);
        streams.add_backend(s.context.clone(), s.backend.clone());
        executor.add_cluster(s.context, s.backend, s.argocd, s.alertmanagers);
        self.guards.extend(s.guards);
        if self.plans.is_empty() {
            self.tx = None;
        }
        true
    }
}
