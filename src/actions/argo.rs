//! Argo CD's rules for its actions, checked on the store before anything is sent: a sync turns
//! into a sync with options chosen in the confirmation; a running operation refuses another
//! sync; terminate applies only while one runs.

use super::command::Command;
use super::registry::ActionId;
use crate::sources::argocd::ANOTHER_OPERATION;
use crate::state::State;
use crate::state::view::{Pending, Target};

fn running(state: &State, app: &str) -> bool {
    state.argocd.get(app).is_some_and(|a| a.operation_running())
}

/// Why Argo CD would refuse this now, in its words where it has them.
pub fn refusal(state: &State, id: ActionId, target: &Target) -> Option<String> {
    let name = match target {
        Target::App(n) | Target::AppSync { name: n, .. } => n,
        _ => return None,
    };
    match id {
        ActionId::Sync if running(state, name) => Some(format!("Sync {name}: {ANOTHER_OPERATION}")),
        ActionId::Terminate if !running(state, name) => {
            Some(format!("Terminate: no operation is running on {name}"))
        }
        _ => None,
    }
}

/// The target an Argo CD action acts on, or `None` when it does not apply to this row now.
pub fn retarget(state: &State, id: ActionId, t: &Target) -> Option<Option<Target>> {
    match (id, t) {
        (ActionId::Sync, Target::App(name)) => {
            Some(Some(Target::AppSync { name: name.clone(), prune: false, dry_run: false }))
        }
        (ActionId::Terminate, Target::App(name)) => Some(running(state, name).then(|| t.clone())),
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
