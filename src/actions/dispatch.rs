//! Apply a command to the view; return the effect the app loop must carry out (quit, run an
//! action). Pure: no I/O, so every key path is unit-testable.

use super::alert_commands;
use super::command::Command;
use super::pod_keys;
use super::registry::{self, ActionId};
pub use super::targets::applies;
use super::targets::retarget;
use super::triage;
use crate::state::view::{
    AlertsView, Mode, Overlay, Pending, PodsView, Prompt, PromptKind, Target, reveal, row_counts, row_key,
    selected_problem, selected_target,
};
use crate::state::{Level, PaneId, State};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    None,
    Quit,
    Run {
        action: ActionId,
        target: Target,
        context: String,
    },
    /// `:theme NAME`: the app loop loads it and draws with it from now on.
    SetTheme(String),
    /// `:ctx NAME`: watch another Kubernetes context (the demo has one and says so).
    SwitchContext(String),
    /// `:ns NAME` / `:ns all`: watch other namespaces.
    SwitchNamespace(crate::sources::kube::Scope),
    /// Start a stream for the open pod view (its watch, a container's log).
    Stream(crate::state::pod_view::StreamStart),
}

/// Rows a page key moves.
pub const PAGE: isize = 10;

pub fn dispatch(state: &mut State, cmd: Command) -> Effect {
    let view = &mut state.view;
    // A confirmation takes every key until answered.
    if let Overlay::Confirm(p) = &view.overlay {
        return match cmd {
            Command::Confirm => {
                let p = p.clone();
                view.overlay = Overlay::None;
                confirmed(state, p)
            }
            Command::Cancel | Command::Back | Command::Quit => {
                view.overlay = Overlay::None;
                view.say(state.now, "cancelled", Level::Muted);
                Effect::None
            }
            _ => Effect::None,
        };
    }
    // A value being typed takes its keys from the app loop; a command can only close it.
    if let Overlay::Value(_) = &view.overlay {
        if matches!(cmd, Command::Cancel | Command::Back | Command::Quit) {
            view.overlay = Overlay::None;
        }
        return Effect::None;
    }
    if view.mode == Mode::Triage
        && view.overlay == Overlay::None
        && let Some(effect) = triage_command(state, cmd)
    {
        return effect;
    }
    if state.view.overlay == Overlay::None
        && let Some(effect) = pod_keys::command(state, cmd)
    {
        return effect;
    }
    let view = &mut state.view;
    let pane = view.active_pane();
    let rows = row_counts(state)[pane.index()];
    let view = &mut state.view;
    match cmd {
        Command::Quit => return Effect::Quit,
        Command::Help => {
            view.overlay = if view.overlay == Overlay::Help { Overlay::None } else { Overlay::Help };
        }
        Command::Back | Command::Cancel => {
            if view.overlay != Overlay::None {
                view.overlay = Overlay::None;
            } else if pane == PaneId::Alerts && view.alerts_view == AlertsView::Silences {
                // Out of the silences view first, as k9s steps back one view at a time.
                view.alerts_view = AlertsView::List;
            } else if pane == PaneId::Pods && view.pods_view == PodsView::Workloads {
                view.pods_view = PodsView::Pods;
            } else if view.filter_text(pane).is_some() {
                // Esc clears a kept filter next, as in k9s.
                view.set_filter(pane, None);
            } else {
                view.mode = Mode::Overview;
            }
        }
        Command::FocusNext | Command::FocusPrev => {
            let step = if cmd == Command::FocusNext { 1 } else { 5 };
            let next = PaneId::from_index((view.focus.index() + step) % 6).unwrap_or_default();
            view.focus = next;
            if let Mode::Full(_) = view.mode {
                view.mode = Mode::Full(next);
            }
        }
        Command::Pane(n) => {
            if let Some(p) = PaneId::from_index(n as usize - 1) {
                view.focus = p;
                view.mode = Mode::Full(p);
                view.overlay = Overlay::None;
            }
        }
        Command::Open => view.mode = Mode::Full(view.focus),
        Command::Up => view.move_selection(pane, -1, rows),
        Command::Down => view.move_selection(pane, 1, rows),
        Command::PageUp => view.move_selection(pane, -PAGE, rows),
        Command::PageDown => view.move_selection(pane, PAGE, rows),
        Command::Top => view.move_selection(pane, isize::MIN / 2, rows),
        Command::Bottom => view.move_selection(pane, isize::MAX / 2, rows),
        Command::Confirm => {}
        Command::Triage => {
            // Opening triage starts at the worst problem, whatever was selected last time.
            view.mode = Mode::Triage;
            view.overlay = Overlay::None;
            view.triage_selected = 0;
            view.triage_anchor = None;
            crate::state::view::move_triage(state, 0);
            return Effect::None;
        }
        Command::Fix => {}
        Command::Palette => {
            super::prompt::open(state, PromptKind::Command);
            return Effect::None;
        }
        Command::Filter => {
            super::prompt::open(state, PromptKind::Filter);
            return Effect::None;
        }
        Command::Sort => {
            super::prompt::open(state, PromptKind::Sort);
            return Effect::None;
        }
        Command::Workloads => {
            if pane == PaneId::Pods {
                let to =
                    if view.pods_view == PodsView::Workloads { PodsView::Pods } else { PodsView::Workloads };
                show_pods_view(state, to);
            }
            return Effect::None;
        }
        Command::GroupAlerts | Command::Silences | Command::Jump => {
            alert_commands::run(state, cmd);
            return Effect::None;
        }
        Command::Action(id) => return ask(state, id),
        // The pod screens' keys where no pod is open (`pod_keys` took them otherwise).
        _ => return Effect::None,
    }
    // The user moved the cursor: it now follows the row it is on.
    state.view.anchor[pane.index()] = row_key(state, pane, state.view.selected(pane));
    Effect::None
}

/// Switch what the Pods pane lists; the selection starts at the top (the worst row).
pub fn show_pods_view(state: &mut State, to: PodsView) {
    let i = PaneId::Pods.index();
    state.view.pods_view = to;
    state.view.selected[i] = 0;
    state.view.anchor[i] = row_key(state, PaneId::Pods, 0);
}

/// The user said yes: run it.
pub fn confirmed(state: &mut State, p: Pending) -> Effect {
    let Some(spec) = registry::by_name(&p.action) else { return Effect::None };
    state.view.say(state.now, format!("{} {} …", spec.title, p.target.describe()), Level::Accent);
    Effect::Run { action: spec.id, target: p.target, context: p.context }
}

/// Keys in the triage view: moving over its rows, Enter to the subject's pane, the row's fix.
/// `None` for the commands that work as everywhere else.
fn triage_command(state: &mut State, cmd: Command) -> Option<Effect> {
    let step = match cmd {
        Command::Up => -1,
        Command::Down => 1,
        Command::PageUp => -PAGE,
        Command::PageDown => PAGE,
        Command::Top => isize::MIN / 2,
        Command::Bottom => isize::MAX / 2,
        Command::Open => {
            let problem = selected_problem(state)?;
            let target = problem.subject_target().cloned();
            let pane = problem.category.pane();
            let shown = match target {
                Some(t) => reveal(state, &t),
                None => false,
            };
            if !shown && let Some(p) = pane {
                state.view.focus = p;
                state.view.mode = Mode::Full(p);
            }
            return Some(Effect::None);
        }
        Command::Back | Command::Cancel => {
            if state.view.triage_filter.is_some() {
                state.view.set_current_filter(None);
            } else {
                state.view.mode = Mode::Overview;
            }
            return Some(Effect::None);
        }
        Command::Sort => {
            // Triage's order is its point: worst first.
            let msg = "triage is ranked worst first; o sorts the panes (Enter goes to one)";
            state.view.say(state.now, msg, Level::Muted);
            return Some(Effect::None);
        }
        Command::Fix => {
            let now = state.now;
            let Some(problem) = selected_problem(state) else {
                state.view.say(now, "nothing to fix: no problem is selected", Level::Muted);
                return Some(Effect::None);
            };
            let Some((spec, target)) = triage::fixes(state, problem).into_iter().next() else {
                let why = if state.readonly { "read-only" } else { "no action fixes this from here" };
                state.view.say(now, format!("{}: {why}", problem.subject), Level::Warn);
                return Some(Effect::None);
            };
            return Some(ask_on(state, spec.id, target));
        }
        Command::Action(id) => {
            let spec = registry::spec(id);
            let now = state.now;
            if state.readonly && spec.mutating {
                state.view.say(now, format!("{}: refused, flightdeck is read-only", spec.title), Level::Warn);
                return Some(Effect::None);
            }
            let target = selected_problem(state).and_then(|p| triage::target_for(p, id));
            let Some(target) = target else {
                state.view.say(
                    now,
                    format!("{}: nothing on this row it applies to", spec.title),
                    Level::Warn,
                );
                return Some(Effect::None);
            };
            return Some(ask_on(state, id, target));
        }
        _ => return None,
    };
    crate::state::view::move_triage(state, step);
    Some(Effect::None)
}

/// Start an action on the selected row: refuse it, ask first, or run it.
fn ask(state: &mut State, id: ActionId) -> Effect {
    let spec = registry::spec(id);
    let now = state.now;
    if state.readonly && spec.mutating {
        state.view.say(now, format!("{}: refused, flightdeck is read-only", spec.title), Level::Warn);
        return Effect::None;
    }
    let pane = state.view.active_pane();
    if !spec.offered_in(pane) {
        return Effect::None;
    }
    let Some(target) = selected_target(state, pane) else {
        state.view.say(now, format!("{}: nothing selected it applies to", spec.title), Level::Warn);
        return Effect::None;
    };
    ask_on(state, id, target)
}

/// Ask for (or run) action `id` on `target`, after turning a pod into its owner where the
/// action acts on the owner.
fn ask_on(state: &mut State, id: ActionId, target: Target) -> Effect {
    let spec = registry::spec(id);
    let now = state.now;
    if state.readonly && spec.mutating {
        state.view.say(now, format!("{}: refused, flightdeck is read-only", spec.title), Level::Warn);
        return Effect::None;
    }
    let Some(target) = retarget(state, id, target) else {
        state.view.say(now, format!("{}: nothing selected it applies to", spec.title), Level::Warn);
        return Effect::None;
    };
    if registry::asks_input(id) {
        super::value::open(state, id, target);
        return Effect::None;
    }
    let context = state.context.clone();
    if id == ActionId::Silence {
        return alert_commands::open_silence_form(state, target);
    }
    if spec.confirm {
        let pending = Pending {
            action: spec.name.to_string(),
            title: spec.title.to_string(),
            target,
            context,
            destructive: spec.destructive,
        };
        // In production a destructive action wants the target's name typed, not a reflex `y`.
        state.view.overlay = if state.production && spec.destructive {
            Overlay::Prompt(Prompt::new(PromptKind::TypeName(pending), ""))
        } else {
            Overlay::Confirm(pending)
        };
        Effect::None
    } else {
        state.view.say(now, format!("{} {} …", spec.title, target.describe()), Level::Accent);
        Effect::Run { action: id, target, context }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::argocd::{ArgoApp, HealthStatus, SyncStatus};
    use crate::state::{Data, Message, SourceId, update};

    fn app(name: &str) -> ArgoApp {
        ArgoApp {
            name: name.into(),
            project: "services".into(),
            parent: None,
            sync: SyncStatus::OutOfSync,
            health: HealthStatus::Degraded,
            target_revision: "main".into(),
            synced_revision: "abc".into(),
            auto_sync: false,
            destination_namespace: "storefront".into(),
            last_sync: None,
            operation: None,
            conditions: vec![],
            resources: vec![],
        }
    }

    fn state_with_app() -> State {
        let mut s = State::new("shop-prod", 0);
        let data = Data::Apps(vec![app("services-cart")]);
        update(&mut s, Message::Data { source: SourceId::new("argocd"), at: 0, data });
        s.finish_batch();
        s
    }

    #[test]
    fn navigation_opens_and_closes_panes() {
        let mut s = state_with_app();
        assert_eq!(dispatch(&mut s, Command::Pane(2)), Effect::None);
        assert_eq!(s.view.mode, Mode::Full(PaneId::ArgoCd));
        dispatch(&mut s, Command::Back);
        assert_eq!(s.view.mode, Mode::Overview);
        // Focus stays on the pane that was open.
        dispatch(&mut s, Command::FocusPrev);
        assert_eq!(s.view.focus, PaneId::Infrastructure);
        dispatch(&mut s, Command::FocusPrev);
        assert_eq!(s.view.focus, PaneId::Cost);
        dispatch(&mut s, Command::FocusNext);
        dispatch(&mut s, Command::FocusNext);
        assert_eq!(s.view.focus, PaneId::ArgoCd);
        dispatch(&mut s, Command::Open);
        assert_eq!(s.view.mode, Mode::Full(PaneId::ArgoCd));
        dispatch(&mut s, Command::Help);
        assert_eq!(s.view.overlay, Overlay::Help);
        dispatch(&mut s, Command::Back);
        assert_eq!(s.view.overlay, Overlay::None);
        assert_eq!(s.view.mode, Mode::Full(PaneId::ArgoCd));
        assert_eq!(dispatch(&mut s, Command::Quit), Effect::Quit);
    }

    #[test]
    fn sync_asks_naming_target_and_context_then_runs() {
        let mut s = state_with_app();
        dispatch(&mut s, Command::Pane(2));
        assert_eq!(dispatch(&mut s, Command::Action(ActionId::Sync)), Effect::None);
        let Overlay::Confirm(p) = &s.view.overlay else { panic!("no confirmation") };
        assert_eq!(p.target, Target::App("services-cart".into()));
        assert_eq!(p.context, "shop-prod");
        // Other keys do nothing while the dialog is open.
        assert_eq!(dispatch(&mut s, Command::Quit), Effect::None);
        assert_eq!(s.view.overlay, Overlay::None);
        dispatch(&mut s, Command::Action(ActionId::Sync));
        let eff = dispatch(&mut s, Command::Confirm);
        assert_eq!(
            eff,
            Effect::Run {
                action: ActionId::Sync,
                target: Target::App("services-cart".into()),
                context: "shop-prod".into()
            }
        );
    }

    #[test]
    fn readonly_refuses_mutating_actions() {
        let mut s = state_with_app();
        s.readonly = true;
        dispatch(&mut s, Command::Pane(2));
        assert_eq!(dispatch(&mut s, Command::Action(ActionId::Sync)), Effect::None);
        assert_eq!(s.view.overlay, Overlay::None);
        assert!(s.view.status.as_ref().unwrap().text.contains("read-only"));
    }

    #[test]
    fn actions_only_apply_in_their_pane_and_with_a_row() {
        let mut s = state_with_app();
        dispatch(&mut s, Command::Pane(3));
        assert_eq!(dispatch(&mut s, Command::Action(ActionId::Sync)), Effect::None);
        assert_eq!(s.view.overlay, Overlay::None);
        assert_eq!(dispatch(&mut s, Command::Action(ActionId::DeletePod)), Effect::None);
        assert!(s.view.status.as_ref().unwrap().text.contains("nothing selected"));
    }

    #[test]
    fn selection_follows_its_row_when_the_order_changes() {
        let mut s = state_with_app();
        let mut healthy = app("services-a");
        healthy.sync = SyncStatus::Synced;
        healthy.health = HealthStatus::Healthy;
        let apps = vec![app("services-cart"), healthy.clone()];
        update(&mut s, Message::Data { source: SourceId::new("argocd"), at: 0, data: Data::Apps(apps) });
        s.finish_batch();
        dispatch(&mut s, Command::Pane(2));
        // services-cart (a problem) sorts first; select it.
        assert_eq!(selected_target(&s, PaneId::ArgoCd), Some(Target::App("services-cart".into())));
        // It is fixed and sorts after services-a: the selection goes with it.
        let mut fixed = app("services-cart");
        fixed.sync = SyncStatus::Synced;
        fixed.health = HealthStatus::Healthy;
        update(
            &mut s,
            Message::Data { source: SourceId::new("argocd"), at: 1, data: Data::Apps(vec![fixed, healthy]) },
        );
        s.finish_batch();
        assert_eq!(s.view.selected(PaneId::ArgoCd), 1);
        assert_eq!(selected_target(&s, PaneId::ArgoCd), Some(Target::App("services-cart".into())));
        // Moving the cursor re-anchors it.
        dispatch(&mut s, Command::Up);
        s.finish_batch();
        assert_eq!(selected_target(&s, PaneId::ArgoCd), Some(Target::App("services-a".into())));
    }

    #[test]
    fn selection_is_clamped_to_the_rows() {
        let mut s = state_with_app();
        dispatch(&mut s, Command::Pane(2));
        dispatch(&mut s, Command::PageDown);
        assert_eq!(s.view.selected(PaneId::ArgoCd), 0);
        dispatch(&mut s, Command::Up);
        assert_eq!(s.view.selected(PaneId::ArgoCd), 0);
    }

    #[test]
    fn refreshing_the_bill_asks_first_and_names_the_charge_even_read_only() {
        let mut s = crate::headless::snapshot::demo_state(7, 150);
        s.readonly = true;
        dispatch(&mut s, Command::Pane(6));
        assert_eq!(dispatch(&mut s, Command::Action(ActionId::RefreshCost)), Effect::None);
        let Overlay::Confirm(p) = &s.view.overlay else { panic!("asks first") };
        assert!(p.target.describe().contains("$0.01 each"), "{}", p.target.describe());
        let Effect::Run { target, .. } = dispatch(&mut s, Command::Confirm) else { panic!("runs") };
        assert_eq!(target, Target::CostData);
    }

    #[test]
    fn scale_from_the_scaling_pane_asks_for_the_count_of_the_hpas_workload() {
        use crate::state::pods::Owner;
        use crate::state::scaling::Hpa;
        let mut s = State::new("shop-prod", 0);
        let hpa = Hpa {
            namespace: "storefront".into(),
            name: "cart-hpa".into(),
            target: Owner { kind: "Deployment".into(), name: "cart".into() },
            min: 2,
            max: 20,
            current: 4,
            desired: 5,
            metrics: vec![],
            conditions: vec![],
            last_scale: None,
        };
        update(
            &mut s,
            Message::Data { source: SourceId::new("kube/hpas"), at: 0, data: Data::Hpas(vec![hpa]) },
        );
        s.finish_batch();
        dispatch(&mut s, Command::Pane(4));
        assert_eq!(dispatch(&mut s, Command::Action(ActionId::Scale)), Effect::None);
        let Overlay::Value(p) = &s.view.overlay else { panic!("{:?}", s.view.overlay) };
        assert_eq!(
            p.target,
            Target::Workload {
                namespace: "storefront".into(),
                kind: "Deployment".into(),
                name: "cart".into()
            }
        );
        assert_eq!(p.text, "5", "starts from the desired count");
        assert_eq!(p.context, "shop-prod");
        // Keys from the keymap only close it; typed text comes through `value::key`.
        dispatch(&mut s, Command::Cancel);
        assert_eq!(s.view.overlay, Overlay::None);
        dispatch(&mut s, Command::Action(ActionId::EditHpa));
        let Overlay::Value(p) = &s.view.overlay else { panic!() };
        assert_eq!((p.text.as_str(), p.hint.as_str()), ("2 20", "min max"));
        s.view.overlay = Overlay::None;
        s.readonly = true;
        dispatch(&mut s, Command::Action(ActionId::Scale));
        assert_eq!(s.view.overlay, Overlay::None, "refused under --readonly");
    }
}

#[cfg(test)]
mod triage_tests {
    use super::*;
    use crate::headless::snapshot::demo_state;

    #[test]
    fn the_demo_incident_is_fixed_from_triage_in_three_keys() {
        let mut s = demo_state(7, 150);
        dispatch(&mut s, Command::Triage);
        assert_eq!(s.view.mode, Mode::Triage);
        assert_eq!(dispatch(&mut s, Command::Fix), Effect::None);
        let Overlay::Confirm(p) = &s.view.overlay else { panic!("no confirmation") };
        assert_eq!(p.target, Target::App("services-cart".into()));
        let eff = dispatch(&mut s, Command::Confirm);
        assert!(matches!(eff, Effect::Run { action: ActionId::Sync, .. }), "{eff:?}");
    }

    #[test]
    fn an_action_key_acts_on_the_rows_link_of_its_kind() {
        let mut s = demo_state(7, 150);
        dispatch(&mut s, Command::Triage);
        dispatch(&mut s, Command::Action(ActionId::RolloutRestart));
        let Overlay::Confirm(p) = &s.view.overlay else { panic!("no confirmation") };
        assert!(matches!(&p.target, Target::Workload { name, .. } if name == "cart"), "{:?}", p.target);
        dispatch(&mut s, Command::Cancel);
        // Cordon has no node on this row: refused, with a reason.
        dispatch(&mut s, Command::Action(ActionId::Cordon));
        assert_eq!(s.view.overlay, Overlay::None);
        assert!(s.view.status.as_ref().unwrap().text.contains("nothing on this row"));
    }

    #[test]
    fn triage_moves_opens_and_goes_back() {
        let mut s = demo_state(7, 150);
        dispatch(&mut s, Command::Triage);
        dispatch(&mut s, Command::Down);
        dispatch(&mut s, Command::Down);
        let p = selected_problem(&s).unwrap().clone();
        assert_eq!(p.subject, "services-cart");
        dispatch(&mut s, Command::Open);
        assert_eq!(s.view.mode, Mode::Full(PaneId::ArgoCd));
        assert_eq!(selected_target(&s, PaneId::ArgoCd), Some(Target::App("services-cart".into())));
        dispatch(&mut s, Command::Triage);
        dispatch(&mut s, Command::Back);
        assert_eq!(s.view.mode, Mode::Overview);
    }

    #[test]
    fn triage_filters_keep_what_links_to_the_text_and_esc_clears() {
        use crate::actions::prompt::{Edit, edit};
        let mut s = demo_state(7, 150);
        dispatch(&mut s, Command::Triage);
        let all = crate::state::rows::problems(&s).len();
        dispatch(&mut s, Command::Filter);
        for c in "storefront/cart".chars() {
            edit(&mut s, Edit::Char(c));
        }
        edit(&mut s, Edit::Enter);
        let kept: Vec<String> = crate::state::rows::problems(&s).iter().map(|p| p.subject.clone()).collect();
        assert!(kept.len() < all && kept.contains(&"HighErrorRate".to_string()), "{kept:?}");
        assert!(!kept.contains(&"CPUThrottlingHigh".to_string()), "{kept:?}");
        assert_eq!(selected_problem(&s).unwrap().subject, kept[0]);
        dispatch(&mut s, Command::Back);
        assert_eq!((s.view.mode, crate::state::rows::problems(&s).len()), (Mode::Triage, all));
        dispatch(&mut s, Command::Back);
        assert_eq!(s.view.mode, Mode::Overview);
    }

    #[test]
    fn readonly_triage_offers_no_fix() {
        let mut s = demo_state(7, 150);
        s.readonly = true;
        dispatch(&mut s, Command::Triage);
        dispatch(&mut s, Command::Fix);
        assert_eq!(s.view.overlay, Overlay::None);
        assert!(s.view.status.as_ref().unwrap().text.contains("read-only"));
    }
}
