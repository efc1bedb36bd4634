//! Switching the Kubernetes context or namespaces at run time (`:ctx NAME`, `:ns NAME`,
//! `:ns all`): the old watches stop, whatever they had queued is applied and then forgotten
//! with the rest of the old context's rows, and new watches fill the panes again. The command
//! palette hands the request to the loop as `Effect::SwitchContext` / `Effect::SwitchNamespace`
//! ([`parse`](crate::actions::switch::parse) reads the typed line).

use crate::actions::executor::Backend;
use crate::actions::switch::Switch;
use crate::sources::{self, TaskGuard, kube};
use crate::state::{Level, State, update};

/// Owns the running Kubernetes source so it can be replaced.
pub struct KubeSwitcher {
    pub tx: sources::Sender,
    pub target: kube::Target,
    pub guard: Option<TaskGuard>,
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
        while let Ok(m) = rx.try_recv() {
            update(state, m);
        }
        let (context, scope) = (resolved.context.clone(), resolved.scope.clone());
        state.switch_kubernetes(&context, "kube/");
        let (handle, guard) = kube::start(resolved, self.tx.clone());
        self.guard = Some(guard);
        self.target = kube::Target { context: Some(context.clone()), ..target };
        state.view.say(state.now, format!("context {context}, {}", scope.label()), Level::Accent);
        Some(Backend::Kube(handle))
    }
}
