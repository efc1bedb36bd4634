//! The fleet screen's keys and `:ctx` over a fleet: open one cluster (its rows alone in the six
//! panes and triage), or every one. Pure: the clusters are all watched already, so nothing
//! restarts; only what is shown changes.

use super::dispatch::step_of;
use crate::domain::command::Command;
use crate::domain::{ClusterId, Effect};
use crate::state::fleet_summary::{fleet_rows, fleet_selected, move_fleet};
use crate::state::view::{Mode, Overlay};
use crate::state::{Level, State};

/// Show the fleet screen, its cursor on the cluster open now (or the worst).
pub fn show(state: &mut State) {
    state.view.mode = Mode::Fleet;
    state.view.overlay = Overlay::None;
    if state.view.cluster.is_some() {
        state.view.fleet_cursor = state.view.cluster.clone();
    }
}

/// Keys on the fleet screen; `None` for those that work as everywhere else.
pub fn command(state: &mut State, cmd: Command) -> Option<Effect> {
    if let Some(step) = step_of(cmd) {
        move_fleet(state, step);
        return Some(Effect::None);
    }
    match cmd {
        Command::Open => {
            let rows = fleet_rows(state);
            let row = rows.get(fleet_selected(state, &rows))?;
            Some(open(state, Some(row.cluster.clone())))
        }
        _ => None,
    }
}

/// Show one cluster alone (`None`: every cluster), on the overview. A cluster watched only once
/// opened (`watch = "open"`) and not yet watched asks the app to start it.
pub fn open(state: &mut State, cluster: Option<ClusterId>) -> Effect {
    let start = cluster.as_ref().filter(|c| {
        state.cluster_info(c).is_some_and(|i| i.lazy)
            && !state.sources.keys().any(|id| id.cluster.as_ref() == Some(*c))
    });
    let effect = start.map_or(Effect::None, |c| Effect::WatchCluster(c.clone()));
    let what = match &cluster {
        Some(c) => format!(
            "cluster {c}: the panes and triage show it alone (0 for the fleet, :ctx all for every cluster)"
        ),
        None => format!("every cluster: {} in each pane", state.fleet.len()),
    };
    state.view.fleet_cursor = cluster.clone().or(state.view.fleet_cursor.take());
    state.open_cluster(cluster);
    state.view.mode = Mode::Overview;
    state.view.say(state.now, what, Level::Ok);
    effect
}

/// `:ctx NAME` over a fleet: a watched cluster opens, `all` shows every one. `None` when
/// one cluster is watched: the app switches the context then.
pub fn context(state: &mut State, name: &str) -> Option<Effect> {
    if !state.is_fleet() {
        return None;
    }
    if name == "all" || name == "-A" {
        return Some(open(state, None));
    }
    match state.fleet.iter().find(|c| c.name.as_str() == name) {
        Some(c) => {
            let cluster = c.name.clone();
            return Some(open(state, Some(cluster)));
        }
        None => {
            // Switching one context of a fleet away would drop that cluster's rows unasked.
            let watched: Vec<&str> = state.fleet.iter().map(|c| c.name.as_str()).collect();
            let msg = format!(
                "context {name} is not watched; the fleet is {} (start with --context {name} to add it)",
                watched.join(", ")
            );
            state.view.say(state.now, msg, Level::Warn);
        }
    }
    Some(Effect::None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::fleet_summary::tests::twins;
    use crate::state::view::Mode;
    use crossterm::event::KeyCode;

    /// `:line` typed at the palette and entered.
    fn typed(s: &mut State, line: &str) -> Effect {
        crate::input::dispatch::dispatch(s, Command::Palette);
        crate::input::keys::type_text(s, line, Some(KeyCode::Enter))
    }

    #[test]
    fn zero_shows_the_fleet_and_enter_opens_the_selected_cluster_alone() {
        let mut s = twins();
        s.view.mode = Mode::Overview;
        crate::input::dispatch::dispatch(&mut s, Command::Fleet);
        assert_eq!(s.view.mode, Mode::Fleet);
        crate::input::dispatch::dispatch(&mut s, Command::Down);
        crate::input::dispatch::dispatch(&mut s, Command::Open);
        assert_eq!((s.view.mode, s.context.as_str()), (Mode::Overview, "shop-dev"));
        assert!(!s.production, "shop-dev is not production");
        assert!(crate::state::rows::pod_order(&s).iter().all(|k| k.cluster.as_str() == "shop-dev"));
        assert!(
            crate::state::rows::problems(&s)
                .iter()
                .all(|p| p.cluster.is_empty() || p.cluster.as_str() == "shop-dev")
        );
        // Back on the fleet screen the cursor is on the cluster open.
        crate::input::dispatch::dispatch(&mut s, Command::Fleet);
        let rows = fleet_rows(&s);
        assert_eq!(rows[fleet_selected(&s, &rows)].cluster.as_str(), "shop-dev");
    }

    #[test]
    fn opening_a_cluster_watched_only_once_opened_starts_it_once() {
        let mut s = twins();
        let mut fleet = s.clusters().to_vec();
        fleet.push(crate::state::fleet::ClusterInfo {
            name: "shop-far".into(),
            lazy: true,
            ..Default::default()
        });
        s.set_fleet(fleet);
        assert_eq!(typed(&mut s, "ctx shop-far"), Effect::WatchCluster("shop-far".into()));
        assert_eq!(s.context, "shop-far");
        // A cluster already watched (its sources registered) is only shown.
        assert_eq!(typed(&mut s, "ctx shop-dev"), Effect::None);
    }

    #[test]
    fn ctx_opens_a_watched_cluster_or_all_and_refuses_another() {
        let mut s = twins();
        assert_eq!(typed(&mut s, "ctx shop-prod"), Effect::None);
        assert_eq!(s.context, "shop-prod");
        assert!(s.production);
        assert_eq!(typed(&mut s, "ctx all"), Effect::None);
        assert_eq!(s.context, crate::state::fleet::FLEET);
        assert_eq!(typed(&mut s, "ctx shop-stage"), Effect::None, "no switch away from a fleet");
        let said = s.view.status.as_ref().map(|l| l.text.clone()).unwrap_or_default();
        assert!(said.contains("shop-stage is not watched") && said.contains("shop-dev, shop-prod"), "{said}");
        let names: Vec<String> =
            crate::input::palette::complete(&s, "ctx ").into_iter().map(|c| c.line).collect();
        assert!(names.iter().any(|n| n.ends_with("all")) && names.iter().any(|n| n.ends_with("shop-dev")));
    }
}
