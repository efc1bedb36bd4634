//! Argo CD's rules for its actions, checked on the store before anything is sent: a sync turns
//! into a sync with options chosen in the confirmation; a running operation refuses another
//! sync; terminate applies only while one runs.

use crate::domain::command::Command;
use crate::domain::registry::ANOTHER_OPERATION;
use crate::domain::registry::ActionId;
use crate::domain::{ClusterId, Target};
use crate::state::State;
use crate::state::view::{AppTab, Pending};

fn running(state: &State, app: &str, cluster: &ClusterId) -> bool {
    state.argocd.get(cluster, app).is_some_and(|a| a.operation_running())
}

/// Why Argo CD would refuse this now, in its words where it has them.
pub fn refusal(state: &State, id: ActionId, target: &Target, cluster: &ClusterId) -> Option<String> {
    let name = match target {
        Target::App(n) | Target::AppSync { name: n, .. } => n,
        _ => return None,
    };
    match id {
        ActionId::Sync if running(state, name, cluster) => Some(format!("Sync {name}: {ANOTHER_OPERATION}")),
        ActionId::Terminate if !running(state, name, cluster) => {
            Some(format!("Terminate: no operation is running on {name}"))
        }
        _ => None,
    }
}

/// The target an Argo CD action acts on, or `None` when it does not apply to this row now.
pub fn retarget(state: &State, id: ActionId, t: &Target, cluster: &ClusterId) -> Option<Option<Target>> {
    match (id, t) {
        (ActionId::Sync, Target::App(name)) => {
            Some(Some(Target::AppSync { name: name.clone(), prune: false, dry_run: false }))
        }
        (ActionId::Terminate, Target::App(name)) => Some(running(state, name, cluster).then(|| t.clone())),
        (ActionId::Terminate, _) => Some(None),
        _ => None,
    }
}

/// `p` / `d` in a sync's confirmation: toggle prune / dry run.
pub fn toggle(p: &mut Pending, cmd: Command) {
    if let Target::AppSync { prune, dry_run, .. } = &mut p.target {
        match cmd {
            Command::TogglePrune => *prune = !*prune,
            Command::ToggleDryRun => *dry_run = !*dry_run,
            _ => {}
        }
    }
}

/// The detail area's keys: the next tab, or a scroll of `SCROLL_STEP` lines.
pub fn detail(state: &mut State, cmd: Command) {
    let d = &mut state.view.app_detail;
    match cmd {
        Command::AppView => {
            let i = AppTab::ALL.iter().position(|t| *t == d.tab).unwrap_or(0);
            d.tab = AppTab::ALL[(i + 1) % AppTab::ALL.len()];
            d.scroll = 0;
        }
        Command::AppScrollDown => d.scroll = d.scroll.saturating_add(SCROLL_STEP),
        Command::AppScrollUp => d.scroll = d.scroll.saturating_sub(SCROLL_STEP),
        _ => {}
    }
}

/// The app whose resource tree to fetch: the Tree tab was just opened, or the selection moved
/// while it shows.
pub fn tree_to_fetch(state: &State, cmd: Command) -> crate::domain::Effect {
    use crate::domain::Effect;
    use crate::state::PaneId;
    use crate::state::view::Mode;
    let opened = cmd == Command::AppView;
    let moved = matches!(
        cmd,
        Command::Up | Command::Down | Command::PageUp | Command::PageDown | Command::Top | Command::Bottom
    );
    if state.view.mode != Mode::Full(PaneId::ArgoCd)
        || state.view.app_detail.tab != AppTab::Tree
        || !(opened || moved)
    {
        return Effect::None;
    }
    let selected = state.view.selected(PaneId::ArgoCd);
    match crate::state::rows::apps(state).get(selected) {
        Some((_, app)) => Effect::FetchTree { app: app.name.clone(), cluster: app.cluster.clone() },
        None => Effect::None,
    }
}

/// Lines one scroll key moves the detail area.
pub const SCROLL_STEP: usize = 5;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Effect;
    use crate::domain::SourceId;
    use crate::input::dispatch::dispatch;
    use crate::state::argocd::{ArgoApp, Operation, OperationPhase};
    use crate::state::view::Overlay;
    use crate::state::{Data, Message, update};

    fn state(running: bool) -> State {
        let app = ArgoApp {
            operation: running.then(|| Operation {
                phase: OperationPhase::Running,
                message: String::new(),
                started_at: 0,
                finished_at: None,
            }),
            ..ArgoApp::drifted("services-cart")
        };
        let mut s = State::new("shop-dev", 0);
        update(
            &mut s,
            Message::Data {
                source: "argocd".parse::<SourceId>().unwrap(),
                at: 0,
                data: Data::Apps(vec![app]),
            },
        );
        s.finish_batch();
        dispatch(&mut s, Command::Pane(2));
        s
    }

    #[test]
    fn a_running_operation_refuses_a_sync_in_argo_cds_words() {
        let mut s = state(true);
        assert_eq!(dispatch(&mut s, Command::Action(ActionId::Sync)), Effect::None);
        assert_eq!(s.view.overlay, Overlay::None);
        let status = &s.view.status.as_ref().unwrap().text;
        assert_eq!(status, "Sync services-cart: another operation is already in progress");
    }

    #[test]
    fn terminate_is_offered_only_while_an_operation_runs() {
        let mut idle = state(false);
        let target = Target::App("services-cart".into());
        assert!(!crate::input::dispatch::applies(&idle, ActionId::Terminate, &target, &ClusterId::default()));
        dispatch(&mut idle, Command::Action(ActionId::Terminate));
        assert_eq!(idle.view.overlay, Overlay::None);
        assert!(idle.view.status.as_ref().unwrap().text.contains("no operation is running"));

        let mut busy = state(true);
        assert!(crate::input::dispatch::applies(&busy, ActionId::Terminate, &target, &ClusterId::default()));
        dispatch(&mut busy, Command::Action(ActionId::Terminate));
        let Overlay::Confirm(p) = &busy.view.overlay else { panic!("{:?}", busy.view.overlay) };
        assert_eq!(p.target, target);
        assert!(p.destructive);
        let effect = dispatch(&mut busy, Command::Confirm);
        assert_eq!(effect, Effect::Run { action: ActionId::Terminate, target, context: "shop-dev".into() });
    }

    #[test]
    fn toggles_change_only_a_syncs_options() {
        let mut s = state(false);
        dispatch(&mut s, Command::Action(ActionId::Sync));
        dispatch(&mut s, Command::TogglePrune);
        dispatch(&mut s, Command::TogglePrune);
        dispatch(&mut s, Command::ToggleDryRun);
        let Overlay::Confirm(p) = &s.view.overlay else { panic!() };
        assert_eq!(p.target, Target::AppSync { name: "services-cart".into(), prune: false, dry_run: true });
        let mut other = p.clone();
        other.target = Target::Node("n".into());
        toggle(&mut other, Command::TogglePrune);
        assert_eq!(other.target, Target::Node("n".into()));
    }

    #[test]
    fn detail_tabs_cycle_and_scroll_resets() {
        let mut s = state(false);
        dispatch(&mut s, Command::AppScrollDown);
        assert_eq!(s.view.app_detail.scroll, SCROLL_STEP);
        // Opening the Tree tab asks for the selected app's tree, and so does moving in it.
        let fetch = Effect::FetchTree { app: "services-cart".into(), cluster: ClusterId::default() };
        assert_eq!(dispatch(&mut s, Command::AppView), fetch);
        assert_eq!((s.view.app_detail.tab, s.view.app_detail.scroll), (AppTab::Tree, 0));
        assert_eq!(dispatch(&mut s, Command::Down), fetch);
        assert_eq!(dispatch(&mut s, Command::AppView), Effect::None);
        assert_eq!(s.view.app_detail.tab, AppTab::History);
        assert_eq!(dispatch(&mut s, Command::Down), Effect::None);
        dispatch(&mut s, Command::AppView);
        dispatch(&mut s, Command::AppView);
        assert_eq!(s.view.app_detail.tab, AppTab::Resources);
        dispatch(&mut s, Command::AppScrollUp);
        assert_eq!(s.view.app_detail.scroll, 0);
    }
}
