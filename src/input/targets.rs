//! What an action acts on, given the row it was asked on: a restart or a scale asked on a pod
//! acts on the pod's owner, a scale asked on an HPA on what the HPA targets.

use crate::domain::registry::ActionId;
use crate::domain::{ClusterId, PodKey, Target, WorkloadKind};
use crate::state::State;

/// Whether an action can act on a row's target in `cluster` (for the status line's hints).
pub fn applies(state: &State, id: ActionId, target: &Target, cluster: &ClusterId) -> bool {
    if let (ActionId::Silence, Target::Alert { fingerprint, .. }) = (id, target) {
        // Only Alertmanager silences; a CloudWatch alarm is not silenced from here.
        let alert = state.alerts.items.iter().find(|a| &a.fingerprint == fingerprint);
        return alert.is_some_and(|a| a.source.kind.silences());
    }
    retarget(state, id, target.clone(), cluster).is_some()
}

/// Some actions act on something the row points at: a restart acts on the pod's owner.
/// Everything looked up is in `cluster`, the row's own.
pub fn retarget(state: &State, id: ActionId, t: Target, cluster: &ClusterId) -> Option<Target> {
    if let Some(argo) = super::argo::retarget(state, id, &t, cluster) {
        return argo;
    }
    if let Some(t) = on_objects(state, id, &t, cluster) {
        return t;
    }
    match (id, t) {
        (ActionId::RolloutRestart, Target::Pod { namespace, name }) => {
            let pod = state.pods.by_key.get(&PodKey::new(namespace.clone(), name).in_cluster(cluster))?;
            let owner = pod.owner.as_ref()?;
            let kind = WorkloadKind::parse(&owner.kind)?;
            Some(Target::Workload { namespace, kind, name: owner.name.to_string() })
        }
        (ActionId::DeletePod, t) => matches!(t, Target::Pod { .. }).then_some(t),
        (ActionId::ExpireSilence, t @ Target::Silence { .. }) => Some(t),
        (ActionId::ExpireSilence, _) | (_, Target::Silence { .. }) => None,
        // Scaling from the Scaling pane scales what the HPA targets.
        (ActionId::Scale, Target::Hpa { namespace, name }) => {
            let hpa = state
                .scaling
                .hpas
                .iter()
                .find(|h| &h.cluster == cluster && h.namespace == namespace && h.name == name)?;
            let kind = WorkloadKind::parse(&hpa.target.kind)?;
            Some(Target::Workload { namespace, kind, name: hpa.target.name.to_string() })
        }
        // From a pod, its owner; a DaemonSet runs one pod per node and has no replicas.
        (ActionId::Scale, Target::Pod { namespace, name }) => {
            let pod = state.pods.by_key.get(&PodKey::new(namespace.clone(), name).in_cluster(cluster))?;
            let owner = pod.owner.as_ref()?;
            let kind = WorkloadKind::parse(&owner.kind).filter(|k| k.scalable())?;
            Some(Target::Workload { namespace, kind, name: owner.name.to_string() })
        }
        (ActionId::Scale, Target::Workload { kind, .. }) if !kind.scalable() => None,
        // Cost Explorer is turned on while it is off, and the bill refreshed once it is on.
        (ActionId::EnableCost, t) => matches!(t, Target::CostExplorer).then_some(t),
        (ActionId::RefreshCost, t) => matches!(t, Target::CostData).then_some(t),
        (_, t) => Some(t),
    }
}

/// What the actions on objects of any kind act on: `Some(None)` when this target is not one
/// they take, None when the action is not one of them.
fn on_objects(state: &State, id: ActionId, t: &Target, cluster: &ClusterId) -> Option<Option<Target>> {
    use super::object_actions::{forward_of, object_of};
    use crate::domain::resource::Known;
    let workload = |t: &Target| match t {
        Target::Object(o) => Some(Target::Workload {
            namespace: o.namespace.clone()?,
            kind: o.kind.workload()?,
            name: o.name.clone(),
        }),
        Target::Workload { .. } => Some(t.clone()),
        Target::Pod { .. } => retarget(state, ActionId::RolloutRestart, t.clone(), cluster),
        _ => None,
    };
    Some(match id {
        ActionId::DeleteObject | ActionId::Edit => match t {
            // A pane's rows keep their own delete (a pod's) and edit (an HPA's limits).
            Target::Pod { .. } if id == ActionId::DeleteObject => None,
            _ => object_of(state, t).map(Target::Object),
        },
        ActionId::Shell => match t {
            Target::Pod { namespace, name } => Some(Target::Shell {
                namespace: namespace.clone(),
                pod: name.clone(),
                container: shell_container(state, name, cluster),
            }),
            Target::Object(o) if o.kind.known() == Some(Known::Pod) => Some(Target::Shell {
                namespace: o.namespace.clone()?,
                pod: o.name.clone(),
                container: String::new(),
            }),
            _ => None,
        },
        ActionId::PortForward => forward_of(t),
        ActionId::Rollback => match t {
            Target::App(_) => Some(t.clone()),
            other => workload(other).filter(|w| matches!(w, Target::Workload { .. })),
        },
        ActionId::RolloutRestart | ActionId::Scale if matches!(t, Target::Object(_)) => {
            workload(t).filter(|w| {
                !(id == ActionId::Scale && matches!(w, Target::Workload { kind, .. } if !kind.scalable()))
            })
        }
        _ => return None,
    })
}

/// The container a shell opens in: the one whose log is shown, else the pod's default.
fn shell_container(state: &State, pod: &str, cluster: &ClusterId) -> String {
    let open = state.view.pod.as_ref().filter(|p| p.key.name == pod && &p.key.cluster == cluster);
    let logs = open.and_then(|p| p.logs.as_ref()).map(|l| l.container.clone());
    let detail = open.and(state.pod_data.detail.as_ref()).and_then(|d| d.logs_container());
    // Empty: the shell's flow asks the pod for its default container.
    logs.or(detail).unwrap_or_default()
}

/// Whether this particular use of a non-destructive action takes something away, so that in
/// production it wants the target's name typed like a delete: a sync that prunes, a scale
/// below what runs now, an HPA whose max drops below its replicas.
pub fn risky(state: &State, id: ActionId, target: &Target, cluster: &ClusterId) -> bool {
    match (id, target) {
        (ActionId::Sync, Target::AppSync { prune, dry_run, .. }) => *prune && !*dry_run,
        (ActionId::Scale, Target::Scale { namespace, kind, name, replicas }) => {
            *replicas == 0
                || current_replicas(state, cluster, namespace, *kind, name).is_some_and(|now| *replicas < now)
        }
        (ActionId::EditHpa, Target::HpaLimits { namespace, name, max, .. }) => {
            state.scaling.hpas.iter().any(|h| {
                &h.cluster == cluster && &h.namespace == namespace && &h.name == name && *max < h.current
            })
        }
        _ => false,
    }
}

/// What a workload runs now: its HPA's desired count where one drives it, else its spec.
pub fn current_replicas(
    state: &State,
    cluster: &ClusterId,
    namespace: &str,
    kind: WorkloadKind,
    name: &str,
) -> Option<u32> {
    let mine = |c: &ClusterId| c == cluster;
    let hpa = state
        .scaling
        .hpas
        .iter()
        .find(|h| mine(&h.cluster) && h.namespace == namespace && h.target.name == name);
    hpa.map(|h| h.desired).or_else(|| {
        let w = state
            .workloads
            .iter()
            .find(|w| mine(&w.cluster) && w.namespace == namespace && w.name == name && w.kind == kind);
        w.map(|w| w.desired)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Effect;
    use crate::domain::command::Command;
    use crate::input::dispatch::dispatch;
    use crate::sources::demo::state_at;
    use crate::state::PaneId;
    use crate::state::view::{Mode, Overlay, PodsView, selected_target};

    fn workloads_view() -> State {
        let mut s = state_at(7, 150);
        dispatch(&mut s, Command::Pane(3));
        dispatch(&mut s, Command::Workloads);
        s.finish_batch();
        s
    }

    fn select(s: &mut State, name: &str) {
        let i = crate::state::rows::workloads(s).iter().position(|w| w.name == name).unwrap();
        crate::state::view::select(s, PaneId::Pods, i);
    }

    #[test]
    fn w_shows_the_workloads_worst_first_and_esc_goes_back_to_the_pods() {
        let mut s = workloads_view();
        assert_eq!(s.view.pods_view, PodsView::Workloads);
        let t = selected_target(&s, PaneId::Pods).unwrap();
        assert_eq!(
            t,
            Target::Workload {
                namespace: "storefront".into(),
                kind: crate::domain::WorkloadKind::Deployment,
                name: "cart".into()
            }
        );
        dispatch(&mut s, Command::Back);
        assert_eq!((s.view.pods_view, s.view.mode), (PodsView::Pods, Mode::Full(PaneId::Pods)));
    }

    #[test]
    fn on_a_workload_row_restart_and_scale_act_on_it_and_delete_pod_does_not() {
        let mut s = workloads_view();
        let cart = selected_target(&s, PaneId::Pods).unwrap();
        let c = ClusterId::default();
        assert!(applies(&s, ActionId::RolloutRestart, &cart, &c));
        assert!(!applies(&s, ActionId::DeletePod, &cart, &c));
        dispatch(&mut s, Command::Action(ActionId::RolloutRestart));
        let Overlay::Confirm(p) = &s.view.overlay else { panic!("{:?}", s.view.overlay) };
        assert_eq!(p.target, cart);
        dispatch(&mut s, Command::Cancel);
        // Scale asks for the count, starting from what the workload asks for now.
        select(&mut s, "pgbouncer");
        dispatch(&mut s, Command::Action(ActionId::Scale));
        let Overlay::Value(v) = &s.view.overlay else { panic!("{:?}", s.view.overlay) };
        assert_eq!(v.target.name(), "pgbouncer");
        assert_eq!(v.text, "3");
    }

    #[test]
    fn a_daemonset_is_not_scaled_and_a_pod_scales_its_owner() {
        let mut s = workloads_view();
        select(&mut s, "aws-node");
        let ds = selected_target(&s, PaneId::Pods).unwrap();
        assert!(!applies(&s, ActionId::Scale, &ds, &ClusterId::default()));
        assert_eq!(dispatch(&mut s, Command::Action(ActionId::Scale)), Effect::None);
        assert_eq!(s.view.overlay, Overlay::None);
        let pod = s.pods.iter_ordered().find(|p| p.name.starts_with("order-")).unwrap();
        let t = Target::Pod { namespace: pod.namespace.to_string(), name: pod.name.to_string() };
        let owner = retarget(&s, ActionId::Scale, t, &ClusterId::default()).unwrap();
        assert_eq!(owner.describe(), "deployment storefront/order");
    }

    #[test]
    fn in_production_a_scale_down_or_a_pruning_sync_wants_the_name_typed() {
        use crate::input::keys::type_text;
        use crate::state::view::PromptKind;
        use crossterm::event::KeyCode;
        let mut s = workloads_view();
        s.production = true;
        select(&mut s, "pgbouncer");
        let type_count = |s: &mut State, n: &str| {
            dispatch(s, Command::Action(ActionId::Scale));
            for _ in 0..3 {
                type_text(s, "", Some(KeyCode::Backspace));
            }
            type_text(s, n, Some(KeyCode::Enter));
        };
        // Up from 3: a `y` will do.
        type_count(&mut s, "5");
        assert!(matches!(&s.view.overlay, Overlay::Confirm(p) if !p.destructive), "{:?}", s.view.overlay);
        dispatch(&mut s, Command::Cancel);
        // Down from 3, or to 0: type the name.
        for n in ["2", "0"] {
            type_count(&mut s, n);
            let Overlay::Prompt(p) = &s.view.overlay else { panic!("{n}: {:?}", s.view.overlay) };
            assert!(matches!(&p.kind, PromptKind::TypeName(p) if p.target.name() == "pgbouncer"));
            s.view.overlay = Overlay::None;
        }
        // A sync asks with `y`; with prune on, `y` leads to typing the app's name.
        dispatch(&mut s, Command::Pane(2));
        let cart = crate::state::rows::apps(&s).iter().position(|(_, a)| a.name == "services-cart").unwrap();
        crate::state::view::select(&mut s, PaneId::ArgoCd, cart);
        dispatch(&mut s, Command::Action(ActionId::Sync));
        assert!(matches!(&s.view.overlay, Overlay::Confirm(p) if !p.destructive), "{:?}", s.view.overlay);
        dispatch(&mut s, Command::TogglePrune);
        assert_eq!(dispatch(&mut s, Command::Confirm), Effect::None);
        let Overlay::Prompt(p) = &s.view.overlay else { panic!("{:?}", s.view.overlay) };
        assert!(matches!(&p.kind, PromptKind::TypeName(p) if p.target.name() == "services-cart"));
    }

    #[test]
    fn each_pods_view_keeps_its_row_and_enter_on_a_workload_lists_its_pods() {
        let mut s = state_at(7, 150);
        dispatch(&mut s, Command::Pane(3));
        s.finish_batch();
        dispatch(&mut s, Command::Down);
        dispatch(&mut s, Command::Down);
        let pod = selected_target(&s, PaneId::Pods).unwrap();
        dispatch(&mut s, Command::Workloads);
        select(&mut s, "pgbouncer");
        dispatch(&mut s, Command::Back);
        assert_eq!(selected_target(&s, PaneId::Pods), Some(pod.clone()), "Esc: back on the pod it left");
        dispatch(&mut s, Command::Workloads);
        assert_eq!(selected_target(&s, PaneId::Pods).unwrap().name(), "pgbouncer", "w: back on the workload");
        // Enter: pgbouncer's pods, filtered as `deployment=pgbouncer` would.
        dispatch(&mut s, Command::Open);
        assert_eq!(s.view.pods_view, PodsView::Pods);
        assert_eq!(s.view.filter_text(PaneId::Pods), Some("deployment=pgbouncer"));
        let shown = crate::state::rows::pod_order(&s);
        assert_eq!(shown.len(), 3);
        assert!(shown.iter().all(|k| k.name.starts_with("pgbouncer-")), "{shown:?}");
    }
}
