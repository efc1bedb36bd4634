//! Keys for the timeline: opening it (around the triage problem when asked from triage),
//! moving in it, Enter to an entry's pane, Esc back, and the hand-off report.

use super::dispatch::step_of;
use crate::domain::Effect;
use crate::domain::command::Command;
use crate::state::handoff::{self, Scope};
use crate::state::timeline::Kind;
use crate::state::timeline::focus::Focus;
use crate::state::view::timeline::{self as tv, selected_entry};
use crate::state::view::{Mode, reveal, selected_problem};
use crate::state::{Level, PaneId, State};

/// `T`: from triage, the timeline around the selected problem; in a narrowed timeline, the
/// whole of it; elsewhere, the whole timeline.
pub fn open(state: &mut State) -> Effect {
    let focus = match state.view.mode {
        Mode::Triage => selected_problem(state).map(|p| Focus::around(state, p)),
        _ => None,
    };
    tv::open(state, focus);
    Effect::None
}

/// The commands the timeline view handles itself; `None` for those that work as everywhere.
pub fn command(state: &mut State, cmd: Command) -> Option<Effect> {
    if let Some(step) = step_of(cmd) {
        tv::move_by(state, step);
        return Some(Effect::None);
    }
    match cmd {
        Command::Open => {
            let Some(e) = selected_entry(state) else { return Some(Effect::None) };
            let (target, pane) = (e.subject.target(), pane_of(e.kind));
            let cluster = crate::state::timeline::rows_cluster(state, &e.cluster);
            let shown = target.as_ref().is_some_and(|t| reveal(state, t, &cluster));
            if !shown {
                state.view.focus = pane;
                state.view.mode = Mode::Full(pane);
            }
            Some(Effect::None)
        }
        Command::Back | Command::Cancel => {
            if state.view.timeline.filter.is_some() {
                state.view.set_current_filter(None);
            } else {
                state.view.mode = match state.view.timeline.back {
                    Mode::Timeline => Mode::Overview,
                    m => m,
                };
            }
            Some(Effect::None)
        }
        Command::Timeline if state.view.timeline.focus.is_some() => {
            tv::open(state, None);
            Some(Effect::None)
        }
        Command::Sort => {
            state.view.say(state.now, "the timeline is in time order, newest first", Level::Muted);
            Some(Effect::None)
        }
        Command::HandOff => Some(hand_off(state)),
        _ => None,
    }
}

/// The hand-off report: the problem selected in triage, or the timeline's focus, with its
/// window; without either, every problem and the last hour.
pub fn hand_off(state: &mut State) -> Effect {
    let from_triage = (state.view.mode == Mode::Triage).then(|| selected_problem(state)).flatten();
    let focus = match from_triage {
        Some(p) => Some(Focus::around(state, p)),
        None => state.view.timeline.focus.clone().filter(|_| state.view.mode == Mode::Timeline),
    };
    let problem = from_triage.or_else(|| {
        let key = focus.as_ref()?.problem.clone();
        state.triage.problems.iter().find(|p| p.key == key)
    });
    let scope = Scope { problem, focus: focus.as_ref(), since: state.now - 3_600_000 };
    let report = handoff::report(state, &scope);
    Effect::WriteReport(report)
}

/// The pane an entry's kind is shown in, when its subject has no row to go to.
fn pane_of(kind: Kind) -> PaneId {
    match kind {
        Kind::Sync | Kind::AppHealth => PaneId::ArgoCd,
        Kind::Rollout | Kind::Warning | Kind::Action => PaneId::Pods,
        Kind::Scale | Kind::Autoscale => PaneId::Scaling,
        Kind::NodeChange | Kind::NodeReadiness => PaneId::Infrastructure,
        Kind::Alert | Kind::Alarm => PaneId::Alerts,
    }
}
