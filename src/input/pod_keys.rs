//! Keys in a pod's describe, YAML and log screens: scrolling, switching screens and
//! containers, follow / previous / wrap / timestamps, search matches. Pure like `dispatch`:
//! streams to start come back as effects, streams to stop are the ids the view no longer holds.

use super::dispatch::PAGE;
use crate::domain::Effect;
use crate::domain::PodKey;
use crate::domain::StreamStart;
use crate::domain::command::Command;
use crate::state::view::pod::{LogAnchor, LogsView, PodScreen};
use crate::state::view::{Mode, PodsView, selected_target};
use crate::state::{Level, PaneId, State};

/// From the workloads view, the selected workload's pods: the pods view filtered to it, as k9s
/// goes from a Deployment to its pods.
fn workload_pods(state: &mut State) -> Effect {
    let Some(crate::domain::Target::Workload { kind, name, .. }) = selected_target(state, PaneId::Pods)
    else {
        return Effect::None;
    };
    crate::state::view::show_pods_view(state, PodsView::Pods);
    state.view.set_filter(PaneId::Pods, Some(format!("{}={name}", kind.label().to_lowercase())));
    Effect::None
}

/// Open the Pods pane's selected pod on `screen`.
pub fn open_selected(state: &mut State, screen: PodScreen) -> Effect {
    let Some(crate::domain::Target::Pod { namespace, name }) = selected_target(state, PaneId::Pods) else {
        state.view.say(state.now, "no pod selected", Level::Warn);
        return Effect::None;
    };
    open(state, PodKey::new(namespace, name), screen)
}

pub fn open(state: &mut State, key: PodKey, screen: PodScreen) -> Effect {
    match state.open_pod(key.clone(), screen) {
        Some(stream) => Effect::Stream(StreamStart::Watch { stream, key }),
        None => Effect::None,
    }
}

/// A command for the pod screens, or one that opens them from the Pods pane; `None` for the
/// commands that work as everywhere else.
pub fn command(state: &mut State, cmd: Command) -> Option<Effect> {
    let Mode::Pod(screen) = state.view.mode else {
        if state.view.active_pane() != PaneId::Pods {
            return None;
        }
        // The workloads view's rows are not pods: Enter lists the selected one's pods.
        if state.view.pods_view == PodsView::Workloads {
            return (cmd == Command::Open && state.view.mode == Mode::Full(PaneId::Pods))
                .then(|| workload_pods(state));
        }
        return match cmd {
            Command::Describe => Some(open_selected(state, PodScreen::Describe)),
            Command::Yaml => Some(open_selected(state, PodScreen::Yaml)),
            // Enter on a pod in the full-screen pane opens it, as in k9s.
            Command::Open if state.view.mode == Mode::Full(PaneId::Pods) => {
                Some(open_selected(state, PodScreen::Describe))
            }
            _ => None,
        };
    };
    if screen == PodScreen::Logs
        && let Some(e) = log_command(state, cmd)
    {
        return Some(e);
    }
    let effect = match cmd {
        Command::Up => scroll(state, screen, -1),
        Command::Down => scroll(state, screen, 1),
        Command::PageUp => scroll(state, screen, -PAGE * 2),
        Command::PageDown => scroll(state, screen, PAGE * 2),
        Command::Top => scroll(state, screen, isize::MIN / 2),
        Command::Bottom => scroll(state, screen, isize::MAX / 2),
        Command::Back | Command::Cancel => back(state, screen),
        Command::Open => Effect::None,
        Command::Describe => switch_screen(state, PodScreen::Describe),
        Command::Yaml if screen == PodScreen::Yaml => switch_screen(state, PodScreen::Describe),
        Command::Yaml => switch_screen(state, PodScreen::Yaml),
        Command::Logs if screen == PodScreen::Logs => Effect::None,
        Command::Logs => logs(state, false),
        Command::PreviousLogs => {
            let previous = state.view.pod.as_ref().and_then(|p| p.logs.as_ref()).is_some_and(|l| l.previous);
            logs(state, !previous || screen != PodScreen::Logs)
        }
        Command::NextContainer => next_container(state),
        Command::NextMatch => next_match(state, screen, true),
        Command::PrevMatch => next_match(state, screen, false),
        _ => return None,
    };
    Some(effect)
}

/// Esc: clear the search first, then logs → describe, then back to the Pods pane.
fn back(state: &mut State, screen: PodScreen) -> Effect {
    if let Some(p) = &mut state.view.pod
        && p.search.is_some()
    {
        state.view.set_current_filter(None);
        return Effect::None;
    }
    let origin = state.view.pod.as_ref().map_or(Mode::Full(PaneId::Pods), |p| p.origin);
    state.view.mode = match screen {
        PodScreen::Logs => Mode::Pod(PodScreen::Describe),
        _ => origin,
    };
    Effect::None
}

fn switch_screen(state: &mut State, to: PodScreen) -> Effect {
    if let Some(p) = &mut state.view.pod {
        p.scroll = 0;
        p.text_match = None;
        state.view.mode = Mode::Pod(to);
    }
    Effect::None
}

/// Open the logs: the container already shown, else the one the pod's detail suggests.
fn logs(state: &mut State, previous: bool) -> Effect {
    let now = state.now;
    let shown = state.view.pod.as_ref().and_then(|p| p.logs.as_ref()).map(|l| l.container.clone());
    let container = shown.or_else(|| state.pod_data.detail.as_ref().and_then(|d| d.logs_container()));
    let Some(container) = container else {
        state.view.say(now, "logs: the pod's containers are not known yet", Level::Warn);
        return Effect::None;
    };
    let mut view = state
        .view
        .pod
        .as_ref()
        .and_then(|p| p.logs.clone())
        .unwrap_or_else(|| LogsView::new(container.clone(), previous));
    view.previous = previous;
    start(state, view)
}

fn start(state: &mut State, view: LogsView) -> Effect {
    match state.restart_logs(view) {
        Some(s) => Effect::Stream(s),
        None => Effect::None,
    }
}

/// The log on screen again with a setting changed (a pod's or a workload's merged log).
pub fn restart_logs(state: &mut State, change: impl FnOnce(&mut LogsView)) -> Effect {
    let Some(mut view) = state.logs_view().cloned() else { return Effect::None };
    change(&mut view);
    start(state, view)
}

pub fn with_logs(state: &mut State, change: impl FnOnce(&mut LogsView)) -> Effect {
    if let Some(l) = state.logs_view_mut() {
        change(l);
    }
    Effect::None
}

/// Follow on: a new stream from the last lines, following. Off: the stream stops and the
/// lines stay.
pub fn follow(state: &mut State) -> Effect {
    let Some(l) = state.logs_view() else { return Effect::None };
    if l.previous {
        state.view.say(state.now, "a previous container has ended: nothing to follow", Level::Muted);
        return Effect::None;
    }
    if l.follow {
        let stream = state.next_stream();
        if let Some(l) = state.logs_view_mut() {
            l.follow = false;
            // A new id that no task carries: the app stops the old stream.
            l.stream = stream;
        }
        state.set_log_state(crate::state::pod_view::LogState::Ended);
        return Effect::None;
    }
    restart_logs(state, |l| l.follow = true)
}

/// The log keys both log screens share (a pod's container's, a workload's merged one).
pub fn log_command(state: &mut State, cmd: Command) -> Option<Effect> {
    Some(match cmd {
        Command::Up => scroll_logs(state, -1),
        Command::Down => scroll_logs(state, 1),
        Command::PageUp => scroll_logs(state, -PAGE * 2),
        Command::PageDown => scroll_logs(state, PAGE * 2),
        Command::Top => scroll_logs(state, isize::MIN / 2),
        Command::Bottom => scroll_logs(state, isize::MAX / 2),
        Command::Follow => follow(state),
        Command::Autoscroll => with_logs(state, |l| {
            l.anchor = match l.anchor {
                LogAnchor::Tail => LogAnchor::Bottom(u64::MAX),
                _ => LogAnchor::Tail,
            };
        }),
        Command::Wrap => with_logs(state, |l| l.wrap = !l.wrap),
        Command::Timestamps => restart_logs(state, |l| l.timestamps = !l.timestamps),
        Command::NextMatch => next_log_match(state, true),
        Command::PrevMatch => next_log_match(state, false),
        _ => return None,
    })
}

fn next_container(state: &mut State) -> Effect {
    let names = state.pod_data.detail.as_ref().map(|d| d.container_names()).unwrap_or_default();
    let Some(cur) = state.view.pod.as_ref().and_then(|p| p.logs.as_ref()).map(|l| l.container.clone()) else {
        return Effect::None;
    };
    if names.len() < 2 {
        state.view.say(state.now, format!("the pod has one container: {cur}"), Level::Muted);
        return Effect::None;
    }
    let i = names.iter().position(|n| *n == cur).map_or(0, |i| (i + 1) % names.len());
    let next = names[i].clone();
    restart_logs(state, |l| {
        l.container = next;
        l.previous = false;
    })
}

fn scroll(state: &mut State, screen: PodScreen, delta: isize) -> Effect {
    if screen == PodScreen::Logs {
        return scroll_logs(state, delta);
    }
    let len = crate::state::pod_text::plain(state, screen).len();
    if let Some(p) = &mut state.view.pod {
        p.scroll =
            (p.scroll as isize).saturating_add(delta).clamp(0, len.saturating_sub(1) as isize) as usize;
    }
    Effect::None
}

/// Scroll the log on screen; scrolling down to the newest line follows it again.
fn scroll_logs(state: &mut State, delta: isize) -> Effect {
    {
        let (first, last) = log_span(state);
        with_logs(state, |l| {
            let step = |n: isize| n.unsigned_abs() as u64;
            l.anchor = match (l.anchor, delta) {
                (_, d) if d == isize::MIN / 2 => LogAnchor::Top(first),
                (_, d) if d == isize::MAX / 2 => LogAnchor::Tail,
                (LogAnchor::Tail, d) if d < 0 => LogAnchor::Bottom(last.saturating_sub(step(d))),
                (LogAnchor::Tail, _) => LogAnchor::Tail,
                (LogAnchor::Top(t), d) if d < 0 => LogAnchor::Top(t.saturating_sub(step(d)).max(first)),
                (LogAnchor::Top(t), d) => LogAnchor::Top((t + step(d)).min(last)),
                (LogAnchor::Bottom(b), d) if d < 0 => {
                    LogAnchor::Bottom(b.min(last).saturating_sub(step(d)).max(first))
                }
                // Scrolling down to the newest line resumes following it, as `less +F` does.
                (LogAnchor::Bottom(b), d) if b + step(d) >= last => LogAnchor::Tail,
                (LogAnchor::Bottom(b), d) => LogAnchor::Bottom(b + step(d)),
            };
        });
    }
    Effect::None
}

/// The first and last line of the log, counted from the stream's first line.
fn log_span(state: &State) -> (u64, u64) {
    let b = state.log_buffer();
    (b.dropped, (b.dropped + b.len() as u64).saturating_sub(1))
}

/// `n` / `N`: the next or previous line matching the search, wrapping at the ends.
fn next_match(state: &mut State, screen: PodScreen, forward: bool) -> Effect {
    if screen == PodScreen::Logs {
        return next_log_match(state, forward);
    }
    let now = state.now;
    let Some(search) = state.pod_search() else {
        state.view.say(now, "no search: / to type one", Level::Muted);
        return Effect::None;
    };
    let text = crate::state::pod_text::plain(state, screen);
    let hits: Vec<u64> =
        text.iter().enumerate().filter(|(_, l)| search.is_match(l)).map(|(i, _)| i as u64).collect();
    let p = state.view.pod.as_ref();
    let from = p.and_then(|p| p.text_match).unwrap_or_else(|| p.map_or(0, |p| p.scroll as u64));
    let started = p.and_then(|p| p.text_match).is_some();
    let Some(hit) = pick_match(state, &hits, from, started, false, forward) else { return Effect::None };
    if let Some(p) = &mut state.view.pod {
        p.text_match = Some(hit);
        p.scroll = hit.saturating_sub(3) as usize;
    }
    Effect::None
}

/// `n` / `N` in the log on screen.
fn next_log_match(state: &mut State, forward: bool) -> Effect {
    let now = state.now;
    let Some(search) = state.screen_search() else {
        state.view.say(now, "no search: / to type one", Level::Muted);
        return Effect::None;
    };
    let buf = state.log_buffer();
    let hits: Vec<u64> = buf.matches(&search).into_iter().map(|i| buf.dropped + i as u64).collect();
    let l = state.logs_view();
    let (first, last) = log_span(state);
    let from = match (l.and_then(|l| l.current_match), l.map(|l| l.anchor)) {
        (Some(m), _) => m,
        (None, Some(LogAnchor::Top(t))) => t,
        (None, Some(LogAnchor::Bottom(b))) => b,
        _ if forward => first,
        _ => last,
    };
    let started = l.and_then(|l| l.current_match).is_some();
    // The first search from the tail goes to the newest match, the one nearest what is shown.
    let at_tail = !started && l.is_some_and(|l| l.anchor == LogAnchor::Tail);
    let Some(hit) = pick_match(state, &hits, from, started, at_tail, forward) else { return Effect::None };
    let dropped = state.log_buffer().dropped;
    if let Some(l) = state.logs_view_mut() {
        l.current_match = Some(hit);
        // A little context above the match.
        l.anchor = LogAnchor::Top(hit.saturating_sub(3).max(dropped));
    }
    Effect::None
}

/// The match to go to among `hits` from line `from` (after it once a search has started),
/// wrapping at the ends; says which of how many it is.
pub fn pick_match(
    state: &mut State,
    hits: &[u64],
    from: u64,
    started: bool,
    at_tail: bool,
    forward: bool,
) -> Option<u64> {
    let now = state.now;
    if hits.is_empty() {
        state.view.say(now, "no line matches the search", Level::Warn);
        return None;
    }
    let pick = if at_tail {
        hits.last()
    } else if forward {
        hits.iter().find(|&&h| if started { h > from } else { h >= from }).or(hits.first())
    } else {
        hits.iter().rev().find(|&&h| if started { h < from } else { h <= from }).or(hits.last())
    };
    let hit = *pick?;
    let n = hits.iter().position(|&h| h == hit).unwrap_or(0) + 1;
    state.view.say(now, format!("match {n} of {}", hits.len()), Level::Muted);
    Some(hit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::dispatch::dispatch;
    use crate::sources::demo::state_at;

    #[test]
    fn enter_on_the_selected_pod_opens_it() {
        let mut s = state_at(7, 150);
        dispatch(&mut s, Command::Pane(3));
        dispatch(&mut s, Command::Top);
        s.finish_batch();
        let want = selected_target(&s, PaneId::Pods).unwrap();
        let eff = dispatch(&mut s, Command::Open);
        let Effect::Stream(StreamStart::Watch { key, .. }) = eff else { panic!("{eff:?}") };
        assert_eq!(
            crate::domain::Target::Pod { namespace: key.namespace.to_string(), name: key.name.to_string() },
            want
        );
        assert!(
            matches!(want, crate::domain::Target::Pod { ref name, .. } if name.starts_with("cart")),
            "{want:?}"
        );
    }
}
