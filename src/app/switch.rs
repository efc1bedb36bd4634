//! Switching the Kubernetes context or namespaces at run time (`:ctx NAME`, `:ns NAME`,
//! `:ns all`): the old watches stop, whatever they had queued is applied and then forgotten
//! with the rest of the old context's rows, and new watches fill the panes again. The command
//! palette hands the request to the loop as `Effect::SwitchContext` / `Effect::SwitchNamespace`
//! ([`parse`](crate::input::switch::parse) reads the typed line).

use crate::app::executor::Backend;
use crate::config::sources::ArgocdConfig;
use crate::input::switch::Switch;
use crate::sources::{self, Clock, TaskGuard, alertmanager, argocd, kube};
use crate::state::{Level, State, update};

/// Owns the running Kubernetes source so it can be replaced.
pub struct KubeSwitcher {
    pub tx: sources::Sender,
    pub target: kube::Target,
    pub guard: Option<TaskGuard>,
    /// Argo CD read through the cluster follows the context too.
    pub argocd: Option<ArgocdFollower>,
    /// So does the Alertmanager found in the cluster (none configured).
    pub alertmanager: Option<AlertmanagerFollower>,
}

/// The cluster's own Alertmanager, found again in each context switched to.
pub struct AlertmanagerFollower {
    pub every: std::time::Duration,
    pub clock: Clock,
    pub guard: Option<TaskGuard>,
    /// The executor's way to it (silences), replaced on a switch.
    pub client: alertmanager::Client,
}

/// What it takes to start Argo CD's Kubernetes-mode source again on a new context.
pub struct ArgocdFollower {
    pub cfg: ArgocdConfig,
    pub user: String,
    pub clock: Clock,
    pub guard: Option<TaskGuard>,
    pub handle: Option<argocd::Handle>,
}

impl KubeSwitcher {
    /// Switch, or say why not in the status line. Returns the backend for the executor.
    pub async fn switch(
        &mut self,
        to: Switch,
        state: &mut State,
        rx: &mut sources::Receiver,
    ) -> Option<Backend> {
        let mut target = self.target.clone();
        match &to {
            // Namespaces chosen with -n / -A / `:ns` stay; else the new context's own apply.
            Switch::Context(c) => target.context = Some(c.clone()),
            Switch::Namespace(s) => target.scope = Some(s.clone()),
        }
        let resolved = match kube::resolve(&target) {
            Ok(r) => r,
            Err(e) => {
                state.view.say(state.now, format!("{e:#}"), Level::Crit);
                return None;
            }
        };
        if let Some(old) = self.guard.take() {
            // Wait until the old watches are really gone, so nothing of theirs comes after
            // the clearing below.
            old.0.abort();
            let mut old = old;
            let _ = (&mut old.0).await;
        }
        if let Some(mut old) = self.argocd.as_mut().and_then(|a| a.guard.take()) {
            old.0.abort();
            let _ = (&mut old.0).await;
        }
        if let Some(mut old) = self.alertmanager.as_mut().and_then(|a| a.guard.take()) {
            old.0.abort();
            let _ = (&mut old.0).await;
        }
        while let Ok(m) = rx.try_recv() {
            update(state, m);
        }
        let (context, scope) = (resolved.context.clone(), resolved.scope.clone());
        state.switch_kubernetes(&context);
        let tx = self.tx.for_cluster(crate::domain::ClusterId::new(&context));
        let (handle, guard) = kube::start(resolved, tx.clone());
        self.guard = Some(guard);
        if let Some(a) = self.argocd.as_mut() {
            // The old context's apps are not this one's.
            state.argocd = Default::default();
            state.sources.retain(|id, _| id.kind != crate::domain::source::SourceKind::ArgoCd);
            state.view.reset_selection(crate::state::PaneId::ArgoCd);
            match argocd::start(&a.cfg, Some(handle.clone()), &a.user, tx.clone(), a.clock) {
                Ok((h, g)) => {
                    a.guard = Some(g);
                    a.handle = Some(h);
                }
                Err(e) => tracing::warn!(error = %e, "Argo CD not restarted"),
            }
        }
        if let Some(a) = self.alertmanager.as_mut() {
            // The old cluster's alerts and silences are not this one's.
            let old = a.client.source.clone();
            state.sources.remove(&old);
            state.alerts.replace_from(&old, Vec::new());
            state.alerts.replace_silences(&old, Vec::new());
            let (client, guard) = alertmanager::discover::spawn(handle.clone(), a.every, tx.clone(), a.clock);
            (a.client, a.guard) = (client, Some(guard));
        }
        // The kubeconfig may have gained contexts since (a new `aws eks update-kubeconfig`).
        if let Ok((all, _)) = kube::contexts(target.kubeconfig.as_deref()) {
            state.kube_contexts = all;
        }
        self.target = kube::Target { context: Some(context.clone()), ..target };
        state.view.say(state.now, format!("context {context}, {}", scope.label()), Level::Accent);
        Some(Backend::Kube(handle))
    }
}
