//! Apply a command to the view; return the effect the app loop must carry out (quit, run an
//! action). Pure: no I/O, so every key path is unit-testable.

use super::alert_commands;
use super::pod_keys;
pub use super::targets::applies;
use super::targets::{self, retarget};
use super::triage;
use crate::domain::command::Command;
use crate::domain::registry::{self, ActionId};
use crate::domain::{ClusterId, Effect, Target};
use crate::state::view::{
    AlertsView, Mode, Overlay, Pending, PodsView, Prompt, PromptKind, move_selection, reveal,
    selected_problem, selected_target, show_pods_view,
};
use crate::state::{Level, PaneId, State};

/// Rows a page key moves.
pub const PAGE: isize = 10;

/// How far a movement command moves a selection (Top and Bottom as far as it goes).
pub fn step_of(cmd: Command) -> Option<isize> {
    Some(match cmd {
        Command::Up => -1,
        Command::Down => 1,
        Command::PageUp => -PAGE,
        Command::PageDown => PAGE,
        Command::Top => isize::MIN / 2,
        Command::Bottom => isize::MAX / 2,
        _ => return None,
    })
}

pub fn dispatch(state: &mut State, cmd: Command) -> Effect {
    // A confirmation takes every key until answered.
    if let Overlay::Confirm(p) = &state.view.overlay {
        let mut p = p.clone();
        return match cmd {
            Command::TogglePrune | Command::ToggleDryRun => {
                super::argo::toggle(&mut p, cmd);
                p.destructive = registry::spec(p.action).destructive
                    || targets::risky(state, p.action, &p.target, &p.cluster);
                state.view.overlay = Overlay::Confirm(p);
                Effect::None
            }
            // A sync turned into a pruning one in production: the name is typed after all.
            Command::Confirm if state.production_of(&p.cluster) && p.destructive => {
                state.view.overlay = Overlay::Prompt(Prompt::new(PromptKind::TypeName(p), ""));
                Effect::None
            }
            Command::Confirm => {
                state.view.overlay = Overlay::None;
                confirmed(state, p)
            }
            Command::Cancel | Command::Back | Command::Quit => {
                state.view.overlay = Overlay::None;
                state.view.say(state.now, "cancelled", Level::Muted);
                Effect::None
            }
            _ => Effect::None,
        };
    }
    let view = &mut state.view;
    // A value being typed takes its keys from the app loop; a command can only close it.
    if let Overlay::Value(_) = &view.overlay {
        if matches!(cmd, Command::Cancel | Command::Back | Command::Quit) {
            view.overlay = Overlay::None;
        }
        return Effect::None;
    }
    // The help scrolls with the keys that move a selection; the view under it stays.
    if view.overlay == Overlay::Help
        && let Some(step) = step_of(cmd)
    {
        // A page is what the help shows at once (the app says how much that is on this screen).
        let page = if view.help_page > 0 { view.help_page as isize } else { PAGE };
        let step = match cmd {
            Command::PageDown => page,
            Command::PageUp => -page,
            _ => step,
        };
        view.help_scroll = view.help_scroll.saturating_add_signed(step).min(usize::MAX / 4);
        return Effect::None;
    }
    if view.mode == Mode::Triage
        && view.overlay == Overlay::None
        && let Some(effect) = triage_command(state, cmd)
    {
        return effect;
    }
    if state.view.mode == Mode::Fleet
        && state.view.overlay == Overlay::None
        && let Some(effect) = super::fleet::command(state, cmd)
    {
        return effect;
    }
    if state.view.mode == Mode::Timeline
        && state.view.overlay == Overlay::None
        && let Some(effect) = super::timeline::command(state, cmd)
    {
        return effect;
    }
    if state.view.overlay == Overlay::None
        && let Some(effect) = pod_keys::command(state, cmd)
    {
        return effect;
    }
    if state.view.overlay == Overlay::None
        && let Some(effect) = super::objects::command(state, cmd)
    {
        return effect;
    }
    let pane = state.view.active_pane();
    let view = &mut state.view;
    match cmd {
        Command::Quit => return Effect::Quit,
        Command::Help => {
            view.overlay = if view.overlay == Overlay::Help { Overlay::None } else { Overlay::Help };
            view.help_scroll = 0;
        }
        Command::Back | Command::Cancel => {
            if view.overlay != Overlay::None {
                view.overlay = Overlay::None;
            } else if pane == PaneId::Alerts && view.alerts_view == AlertsView::Silences {
                // Out of the silences view first, as k9s steps back one view at a time.
                view.alerts_view = AlertsView::List;
            } else if pane == PaneId::Pods && view.pods_view == PodsView::Workloads {
                show_pods_view(state, PodsView::Pods);
                return Effect::None;
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
        Command::Up
        | Command::Down
        | Command::PageUp
        | Command::PageDown
        | Command::Top
        | Command::Bottom => {
            move_selection(state, pane, step_of(cmd).unwrap_or(0));
        }
        Command::Confirm | Command::TogglePrune | Command::ToggleDryRun => {}
        Command::Triage => {
            // Opening triage starts at the worst problem, whatever was selected last time.
            view.mode = Mode::Triage;
            view.overlay = Overlay::None;
            view.reset_triage();
            crate::state::view::move_triage(state, 0);
            return Effect::None;
        }
        Command::Fleet => {
            super::fleet::show(state);
            return Effect::None;
        }
        Command::Fix => {}
        Command::Timeline => return super::timeline::open(state),
        Command::HandOff => {}
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
        Command::AppView | Command::AppScrollDown | Command::AppScrollUp => {
            super::argo::detail(state, cmd);
            return super::argo::tree_to_fetch(state, cmd);
        }
        Command::Action(id) => return ask(state, id),
        // The pod screens' keys where no pod is open (`pod_keys` took them otherwise).
        _ => return Effect::None,
    }
    super::argo::tree_to_fetch(state, cmd)
}

/// The dialog that asks: in production a destructive (or risky) action wants the target's name
/// typed, not a reflex `y`.
pub fn confirmation(state: &State, pending: Pending) -> Overlay {
    if state.production_of(&pending.cluster) && pending.destructive {
        Overlay::Prompt(Prompt::new(PromptKind::TypeName(pending), ""))
    } else {
        Overlay::Confirm(pending)
    }
}

/// The user said yes: run it.
pub fn confirmed(state: &mut State, p: Pending) -> Effect {
    let spec = registry::spec(p.action);
    state.view.say(state.now, format!("{} {} …", spec.title, p.target.describe()), Level::Accent);
    Effect::Run { action: spec.id, target: p.target, context: p.context }
}

/// Keys in the triage view: moving over its rows, Enter to the subject's pane, the row's fix.
/// `None` for the commands that work as everywhere else.
fn triage_command(state: &mut State, cmd: Command) -> Option<Effect> {
    if let Some(step) = step_of(cmd) {
        crate::state::view::move_triage(state, step);
        return Some(Effect::None);
    }
    match cmd {
        Command::Open => {
            let problem = selected_problem(state)?;
            let target = problem.subject_target().cloned();
            let (pane, cluster) = (problem.category.pane(), problem.cluster.clone());
            let shown = match target {
                Some(t) => reveal(state, &t, &cluster),
                None => false,
            };
            if !shown && let Some(p) = pane {
                state.view.focus = p;
                state.view.mode = Mode::Full(p);
            }
            Some(Effect::None)
        }
        Command::Back | Command::Cancel => {
            if state.view.triage_filter.is_some() {
                state.view.set_current_filter(None);
            } else {
                state.view.mode = Mode::Overview;
            }
            Some(Effect::None)
        }
        Command::Timeline => Some(super::timeline::open(state)),
        Command::HandOff => Some(super::timeline::hand_off(state)),
        Command::Sort => {
            // Triage's order is its point: worst first.
            let msg = "triage is ranked worst first; o sorts the panes (Enter goes to one)";
            state.view.say(state.now, msg, Level::Muted);
            Some(Effect::None)
        }
        Command::Fix => {
            let now = state.now;
            let Some(problem) = selected_problem(state) else {
                state.view.say(now, "nothing to fix: no problem is selected", Level::Muted);
                return Some(Effect::None);
            };
            let cluster = problem.cluster.clone();
            let Some((spec, target)) = triage::fixes(state, problem).into_iter().next() else {
                let ro = state.readonly_of(&cluster);
                let why = if ro { "read-only" } else { "no action fixes this from here" };
                state.view.say(now, format!("{}: {why}", problem.subject), Level::Warn);
                return Some(Effect::None);
            };
            Some(ask_on(state, spec.id, target, cluster))
        }
        Command::Action(id) => {
            let spec = registry::spec(id);
            let now = state.now;
            let cluster = selected_problem(state).map(|p| p.cluster.clone()).unwrap_or_default();
            if state.readonly_of(&cluster) && spec.mutating {
                state.view.say(now, refused(state, spec.title, &cluster), Level::Warn);
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
            Some(ask_on(state, id, target, cluster))
        }
        _ => None,
    }
}

/// Start an action on the selected row: refuse it, ask first, or run it.
fn ask(state: &mut State, id: ActionId) -> Effect {
    let spec = registry::spec(id);
    let now = state.now;
    let pane = state.view.active_pane();
    let elsewhere = state.view.on_objects() || matches!(state.view.mode, Mode::Pod(_));
    let cluster = super::objects::current_cluster(state);
    if state.readonly_of(&cluster) && spec.mutating {
        state.view.say(now, refused(state, spec.title, &cluster), Level::Warn);
        return Effect::None;
    }
    let offered = if elsewhere { spec.on_objects() } else { spec.offered_in(pane) };
    if !offered {
        return Effect::None;
    }
    let target = if elsewhere { super::objects::current_target(state) } else { selected_target(state, pane) };
    if id == ActionId::RefreshCost && target == Some(Target::CostExplorer) {
        let msg = "Cost Explorer is off (it charges $0.01 per request): turn it on first (enable_cost)";
        state.view.say(now, msg, Level::Warn);
        return Effect::None;
    }
    let Some(target) = target else {
        state.view.say(now, format!("{}: nothing selected it applies to", spec.title), Level::Warn);
        return Effect::None;
    };
    ask_on(state, id, target, cluster)
}

/// Why a change is refused: flightdeck read-only, or only this row's cluster.
pub fn refused(state: &State, title: &str, cluster: &ClusterId) -> String {
    if state.is_fleet() && !cluster.is_empty() {
        format!("{title}: refused, {cluster} is read-only")
    } else {
        format!("{title}: refused, flightdeck is read-only")
    }
}

/// What an action on a row of `cluster` names as its context: its cluster, or what is shown
/// for a row of no cluster.
pub fn context_of(state: &State, cluster: &ClusterId) -> String {
    state.context_for(cluster)
}

/// Ask for (or run) action `id` on `target`, after turning a pod into its owner where the
/// action acts on the owner.
fn ask_on(state: &mut State, id: ActionId, target: Target, cluster: ClusterId) -> Effect {
    let spec = registry::spec(id);
    let now = state.now;
    if state.readonly_of(&cluster) && spec.mutating {
        state.view.say(now, refused(state, spec.title, &cluster), Level::Warn);
        return Effect::None;
    }
    if let Some(why) = super::argo::refusal(state, id, &target, &cluster) {
        state.view.say(now, why, Level::Warn);
        return Effect::None;
    }
    let Some(target) = retarget(state, id, target, &cluster) else {
        state.view.say(now, format!("{}: nothing selected it applies to", spec.title), Level::Warn);
        return Effect::None;
    };
    if let Some(effect) = super::object_actions::ask(state, id, target.clone(), &cluster) {
        return effect;
    }
    if registry::asks_input(id) {
        super::value::open(state, id, target, cluster);
        return Effect::None;
    }
    let context = context_of(state, &cluster);
    if id == ActionId::Silence {
        return alert_commands::open_silence_form(state, target);
    }
    if spec.confirm {
        // A sync's dialog shows its plan: ask for it as the dialog opens.
        let plan = match &target {
            Target::AppSync { name, .. } => Effect::FetchPlan { app: name.clone(), cluster: cluster.clone() },
            _ => Effect::None,
        };
        let pending = Pending { action: id, target, cluster, context, destructive: spec.destructive };
        state.view.overlay = confirmation(state, pending);
        plan
    } else {
        state.view.say(now, format!("{} {} …", spec.title, target.describe()), Level::Accent);
        Effect::Run { action: id, target, context }
    }
}

#[cfg(test)]
mod tests;
