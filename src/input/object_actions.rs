//! The actions that do more than ask and run: an edit hands the terminal to the editor first
//! (the confirmation comes after the save), a shell hands it to the container, a port-forward
//! reads the ports to offer before asking, a rollback lists the revisions to pick from. Pure:
//! what needs the cluster comes back as an effect.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::domain::registry::{self, ActionId};
use crate::domain::resource::Known;
use crate::domain::{ClusterId, EditRequest, Effect, Handover, ObjectRef, Target};
use crate::state::view::object::{PickEntry, Picker};
use crate::state::view::{Overlay, Pending};
use crate::state::{Level, State};

/// The next step of action `id` on `target` (already retargeted and allowed), for the actions
/// with one of their own; None for those that ask and run as every action does.
pub fn ask(state: &mut State, id: ActionId, target: Target, cluster: &ClusterId) -> Option<Effect> {
    let context = state.context_for(cluster);
    let cluster = cluster.clone();
    let now = state.now;
    Some(match (id, target) {
        (ActionId::Edit, Target::Object(object)) => Effect::Handover(Handover::Edit(EditRequest {
            object,
            cluster,
            context,
            again: None,
            error: None,
        })),
        (ActionId::Shell, Target::Shell { namespace, pod, container }) => {
            state.view.say(now, format!("Shell: opening pod {namespace}/{pod}…"), Level::Accent);
            Effect::Handover(Handover::Shell { namespace, pod, container, context })
        }
        (ActionId::PortForward, t @ Target::Forward { .. }) => {
            state.view.say(
                now,
                format!("Port-forward: reading the ports of {}…", t.describe()),
                Level::Accent,
            );
            Effect::FetchPorts { subject: t, cluster, context }
        }
        (ActionId::Rollback, Target::App(name)) => {
            app_history(state, &name, cluster, context);
            Effect::None
        }
        (ActionId::Rollback, subject @ Target::Workload { .. }) => {
            state.view.overlay = Overlay::Pick(Picker {
                action: ActionId::Rollback,
                subject: subject.clone(),
                cluster,
                context: context.clone(),
                header: header(),
                entries: Vec::new(),
                selected: 0,
                loading: true,
                error: None,
            });
            Effect::FetchHistory { subject, context }
        }
        _ => return None,
    })
}

fn header() -> Vec<String> {
    ["REVISION", "IMAGE", "CREATED", "CHANGE-CAUSE"].map(String::from).to_vec()
}

/// An Argo CD app's sync history to pick from, newest first; refused up front, in Argo CD's
/// words, while automated sync is on.
fn app_history(state: &mut State, name: &str, cluster: ClusterId, context: String) {
    let now = state.now;
    let Some(app) = state.argocd.get(&cluster, name) else { return };
    if app.auto_sync {
        let why = registry::ROLLBACK_AUTOSYNC;
        state.view.say(now, format!("Rollback application {name}: {why}"), Level::Warn);
        return;
    }
    let current = app.history.iter().map(|h| h.id).max();
    let entries: Vec<PickEntry> = app
        .history
        .iter()
        .rev()
        .map(|h| PickEntry {
            cells: vec![
                h.id.to_string(),
                crate::state::argocd::short_sha(&h.revision).to_string(),
                format!("{} ago", crate::domain::format::age(now, h.deployed_at)),
                h.initiated_by.clone(),
            ],
            choice: (Some(h.id) != current).then(|| Target::AppRollback {
                name: name.to_string(),
                id: h.id,
                revision: h.revision.clone(),
            }),
            note: (Some(h.id) == current).then(|| "deployed now".to_string()),
        })
        .collect();
    let selected = entries.iter().position(|e| e.choice.is_some()).unwrap_or(0);
    state.view.overlay = Overlay::Pick(Picker {
        action: ActionId::Rollback,
        subject: Target::App(name.to_string()),
        cluster,
        context,
        header: ["ID", "REVISION", "DEPLOYED", "BY"].map(String::from).to_vec(),
        error: entries.is_empty().then(|| "no sync history yet".to_string()),
        entries,
        selected,
        loading: false,
    });
}

/// A key while the picker is open: move, Enter picks (then the confirmation), Esc closes.
pub fn pick_key(state: &mut State, ev: &KeyEvent) -> Effect {
    let Overlay::Pick(p) = &mut state.view.overlay else { return Effect::None };
    let n = p.entries.len();
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    match ev.code {
        KeyCode::Char('j') | KeyCode::Down => p.selected = (p.selected + 1).min(n.saturating_sub(1)),
        KeyCode::Char('k') | KeyCode::Up => p.selected = p.selected.saturating_sub(1),
        KeyCode::Esc | KeyCode::Char('q') => {
            state.view.overlay = Overlay::None;
            state.view.say(state.now, "cancelled", Level::Muted);
        }
        KeyCode::Char('c') if ctrl => state.view.overlay = Overlay::None,
        KeyCode::Enter => {
            let entry = p.entries.get(p.selected).cloned();
            let (action, cluster, context) = (p.action, p.cluster.clone(), p.context.clone());
            match entry.and_then(|e| e.choice) {
                Some(target) => {
                    let spec = registry::spec(action);
                    let pending = Pending { action, target, cluster, context, destructive: spec.destructive };
                    state.view.overlay = super::dispatch::confirmation(state, pending);
                }
                None => state.view.say(state.now, "that is the revision running now", Level::Muted),
            }
        }
        _ => {}
    }
    Effect::None
}

/// The object a pane's row or an object names, for the actions on any object.
pub fn object_of(state: &State, t: &Target) -> Option<ObjectRef> {
    use crate::domain::ApiKind;
    Some(match t {
        Target::Object(o) => o.clone(),
        Target::Pod { namespace, name } => {
            ObjectRef::new(ApiKind::pod(), Some(namespace.clone()), name.clone())
        }
        Target::Workload { namespace, kind, name } => {
            ObjectRef::new(ApiKind::of_workload(*kind), Some(namespace.clone()), name.clone())
        }
        Target::Node(n) => ObjectRef::new(state.catalog.by_kind("v1", "Node")?.clone(), None, n.clone()),
        Target::Hpa { namespace, name } => ObjectRef::new(
            state.catalog.by_kind("autoscaling/v2", "HorizontalPodAutoscaler")?.clone(),
            Some(namespace.clone()),
            name.clone(),
        ),
        _ => return None,
    })
}

/// What the pod-only actions take from an object: a pod, or a Service's name to resolve.
pub fn forward_of(t: &Target) -> Option<Target> {
    let (namespace, pod, via) = match t {
        Target::Pod { namespace, name } => (namespace.clone(), name.clone(), None),
        Target::Object(o) if o.kind.known() == Some(Known::Pod) => {
            (o.namespace.clone()?, o.name.clone(), None)
        }
        Target::Object(o) if o.kind.known() == Some(Known::Service) => {
            (o.namespace.clone()?, String::new(), Some(o.name.clone()))
        }
        _ => return None,
    };
    Some(Target::Forward { namespace, pod, local: 0, remote: 0, via })
}
