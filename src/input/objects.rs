//! Keys on objects of any kind: the `:KIND` list (move, open, logs), one object up close (a
//! cursor over its lines, Enter on an owner or owned object, `x` on a Secret, a workload's
//! merged log), the `:pf` list and a command's output; and what an action there acts on.
//! Pure like `dispatch`: streams to start come back as effects.

use super::dispatch::PAGE;
use crate::domain::command::Command;
use crate::domain::registry::ActionId;
use crate::domain::resource::Known;
use crate::domain::{ApiKind, ClusterId, Effect, ObjectRef, PodKey, StreamStart, Target};
use crate::state::view::object::ObjectScreen;
use crate::state::view::pod::{LogsView, PodScreen};
use crate::state::view::{Mode, PodsView, selected_cluster, selected_target};
use crate::state::{Level, PaneId, State, object_text, resource_rows};

/// `:KIND`: the kind a word names, listed live in the Table form; else why not.
pub fn open_kind(state: &mut State, word: &str) -> Effect {
    let now = state.now;
    // A list, its objects and their actions are one cluster's; the whole fleet has no one.
    if state.is_fleet() && state.view.cluster.is_none() {
        state.view.say(now, format!(":{word} lists one cluster's: open one first (:ctx NAME)"), Level::Warn);
        return Effect::None;
    }
    if let Some(entry) = state.catalog.resolve(word).cloned() {
        let ns = state.view.namespace.clone();
        let stream = state.open_resources(entry.kind.clone(), ns.clone());
        let cluster = state.console_cluster();
        return Effect::Stream(StreamStart::Table { stream, kind: entry.kind, namespace: ns, cluster });
    }
    let msg = match (&state.catalog.error, state.catalog.loaded) {
        (Some(e), _) => format!(":{word}: the cluster's kinds could not be read ({e}); asking again"),
        (None, false) => {
            format!(":{word}: still reading the kinds the cluster serves; try again in a moment")
        }
        (None, true) => {
            format!(":{word}: no such kind in this cluster; reading its kinds again (a new CRD?)")
        }
    };
    state.view.say(now, msg, Level::Warn);
    Effect::Discover
}

/// The object a `:KIND` row stands for.
fn row_object(state: &State) -> Option<ObjectRef> {
    let kind = state.view.resources.as_ref()?.kind.clone();
    let row = resource_rows::selected(state)?;
    Some(ObjectRef::new(kind, row.namespace.clone(), row.name.clone()))
}

/// What an action acts on where the user is: the `:KIND` list's row, the open object, the open
/// pod, else the pane's selected row.
pub fn current_target(state: &State) -> Option<Target> {
    match state.view.mode {
        Mode::Resources => row_object(state).map(Target::Object),
        Mode::Object(_) => state.view.object.as_ref().map(|o| Target::Object(o.object.clone())),
        Mode::Pod(_) => {
            let key = &state.view.pod.as_ref()?.key;
            Some(Target::Pod { namespace: key.namespace.to_string(), name: key.name.to_string() })
        }
        _ => selected_target(state, state.view.active_pane()),
    }
}

/// The cluster of what an action acts on where the user is: the `:KIND` list's, the open
/// object's or pod's, else the pane's selected row's.
pub fn current_cluster(state: &State) -> ClusterId {
    let here = match state.view.mode {
        Mode::Resources => state.view.resources.as_ref().map(|r| r.cluster.clone()),
        Mode::Object(_) => state.view.object.as_ref().map(|o| o.cluster.clone()),
        Mode::Pod(_) => state.view.pod.as_ref().map(|p| p.key.cluster.clone()),
        _ => None,
    };
    here.unwrap_or_else(|| selected_cluster(state, state.view.active_pane()))
}

/// Open an object (in the cluster of where the user is): a pod in the pod view, anything else
/// in the object view.
fn open(state: &mut State, o: ObjectRef, link: bool) -> Effect {
    let cluster = current_cluster(state);
    if o.kind.known() == Some(Known::Pod) {
        let key = PodKey::new(o.namespace.unwrap_or_default(), o.name).in_cluster(&cluster);
        return super::pod_keys::open(state, key, PodScreen::Describe);
    }
    let stream =
        if link { state.follow_link(o.clone()) } else { state.open_object(o.clone(), cluster.clone()) };
    match stream {
        Some(stream) => Effect::Stream(StreamStart::Object { stream, object: o, cluster }),
        None => Effect::None,
    }
}

/// A workload's merged log, opened with its object view (Esc leads there).
fn workload_logs(state: &mut State, o: ObjectRef) -> Effect {
    let now = state.now;
    if !o.kind.has_pods() {
        state.view.say(
            now,
            format!("{} has no pods of its own to show the logs of", o.describe()),
            Level::Muted,
        );
        return Effect::None;
    }
    let first = open(state, o, false);
    let logs = state
        .view
        .object
        .as_ref()
        .and_then(|v| v.logs.clone())
        .unwrap_or_else(|| LogsView::new(String::new(), false));
    match state.restart_logs(logs) {
        Some(s) => Effect::Batch(vec![first, Effect::Stream(s)]),
        None => first,
    }
}

/// A command where objects of any kind are shown; None for those that work as everywhere.
pub fn command(state: &mut State, cmd: Command) -> Option<Effect> {
    match state.view.mode {
        Mode::Resources => list_command(state, cmd),
        Mode::Object(ObjectScreen::Describe) => object_command(state, cmd),
        Mode::Object(ObjectScreen::Logs) => logs_command(state, cmd),
        Mode::Forwards => forwards_command(state, cmd),
        Mode::Output => output_command(state, cmd),
        Mode::Full(PaneId::Pods) if state.view.pods_view == PodsView::Workloads && cmd == Command::Logs => {
            let Some(Target::Workload { namespace, kind, name }) = selected_target(state, PaneId::Pods)
            else {
                return Some(Effect::None);
            };
            Some(workload_logs(state, ObjectRef::new(ApiKind::of_workload(kind), Some(namespace), name)))
        }
        _ => None,
    }
}

fn list_command(state: &mut State, cmd: Command) -> Option<Effect> {
    if let Some(step) = super::dispatch::step_of(cmd) {
        resource_rows::move_selection(state, step);
        return Some(Effect::None);
    }
    Some(match cmd {
        Command::Open | Command::Describe | Command::Yaml => match row_object(state) {
            Some(o) => open(state, o, false),
            None => Effect::None,
        },
        Command::Logs => match row_object(state) {
            Some(o) if o.kind.known() == Some(Known::Pod) => {
                let cluster = current_cluster(state);
                let key = PodKey::new(o.namespace.unwrap_or_default(), o.name).in_cluster(&cluster);
                let watch = super::pod_keys::open(state, key, PodScreen::Describe);
                // The container is the pod's default, known once the log starts.
                match state.open_logs(LogsView::new(String::new(), false)) {
                    Some((stream, request)) => {
                        Effect::Batch(vec![watch, Effect::Stream(StreamStart::Logs { stream, request })])
                    }
                    None => watch,
                }
            }
            Some(o) => workload_logs(state, o),
            None => Effect::None,
        },
        Command::Back | Command::Cancel => {
            if state.view.current_filter().is_some() {
                state.view.set_current_filter(None);
            } else {
                state.view.mode = Mode::Overview;
            }
            Effect::None
        }
        _ => return None,
    })
}

fn object_command(state: &mut State, cmd: Command) -> Option<Effect> {
    let text = object_text::text(state);
    let len = text.lines.len();
    let cursor = state.view.object.as_ref().map_or(0, |o| o.cursor);
    let moved = |to: isize| (to.clamp(0, len.saturating_sub(1) as isize)) as usize;
    let set = |state: &mut State, at: usize| {
        if let Some(o) = &mut state.view.object {
            o.cursor = at;
        }
    };
    if let Some(step) = super::dispatch::step_of(cmd) {
        let step = if matches!(cmd, Command::PageUp | Command::PageDown) { step * 2 } else { step };
        set(state, moved((cursor as isize).saturating_add(step)));
        return Some(Effect::None);
    }
    Some(match cmd {
        Command::Open => match text.link_at(cursor) {
            Some(link) => {
                let kind = state.catalog.by_kind(&link.api_version, &link.kind).cloned();
                match kind {
                    Some(k) => {
                        open(state, ObjectRef::new(k, link.namespace.clone(), link.name.clone()), true)
                    }
                    None => {
                        let msg = format!("{} {}: a kind discovery has not found", link.kind, link.name);
                        state.view.say(state.now, msg, Level::Warn);
                        Effect::None
                    }
                }
            }
            None => Effect::None,
        },
        Command::Back | Command::Cancel => {
            if state.view.current_filter().is_some() {
                state.view.set_current_filter(None);
                return Some(Effect::None);
            }
            match (state.object_back(), state.view.object.as_ref()) {
                (Some(stream), Some(o)) => Effect::Stream(StreamStart::Object {
                    stream,
                    object: o.object.clone(),
                    cluster: o.cluster.clone(),
                }),
                _ => Effect::None,
            }
        }
        Command::Describe => {
            set(state, 0);
            Effect::None
        }
        Command::Yaml => {
            let at = text.plain().iter().position(|l| l == "YAML").unwrap_or(0);
            set(state, at);
            Effect::None
        }
        Command::Decode => {
            let now = state.now;
            match &mut state.view.object {
                Some(o) if o.object.kind.known() == Some(Known::Secret) => {
                    o.decoded = !o.decoded;
                    let what = if o.decoded {
                        "values decoded (shown here only, written nowhere)"
                    } else {
                        "values hidden"
                    };
                    state.view.say(now, what, Level::Muted);
                }
                _ => state.view.say(now, "only a Secret's values are hidden", Level::Muted),
            }
            Effect::None
        }
        Command::Logs => {
            let o = state.view.object.as_ref()?.object.clone();
            workload_logs(state, o)
        }
        Command::NextMatch | Command::PrevMatch => {
            text_match(state, &text.plain(), cmd == Command::NextMatch)
        }
        _ => return None,
    })
}

/// `n` / `N` over the object's lines: the cursor goes to the match.
fn text_match(state: &mut State, lines: &[String], forward: bool) -> Effect {
    let Some(search) = state.object_search() else {
        state.view.say(state.now, "no search: / to type one", Level::Muted);
        return Effect::None;
    };
    let hits: Vec<u64> =
        lines.iter().enumerate().filter(|(_, l)| search.is_match(l)).map(|(i, _)| i as u64).collect();
    let o = state.view.object.as_ref();
    let from = o.and_then(|o| o.text_match).unwrap_or_else(|| o.map_or(0, |o| o.cursor as u64));
    let started = o.and_then(|o| o.text_match).is_some();
    if let Some(hit) = super::pod_keys::pick_match(state, &hits, from, started, false, forward)
        && let Some(o) = &mut state.view.object
    {
        o.text_match = Some(hit);
        o.cursor = hit as usize;
    }
    Effect::None
}

fn logs_command(state: &mut State, cmd: Command) -> Option<Effect> {
    if let Some(e) = super::pod_keys::log_command(state, cmd) {
        return Some(e);
    }
    Some(match cmd {
        Command::Back | Command::Cancel if state.view.current_filter().is_some() => {
            state.view.set_current_filter(None);
            Effect::None
        }
        Command::Back | Command::Cancel | Command::Describe | Command::Yaml => {
            state.view.mode = Mode::Object(ObjectScreen::Describe);
            Effect::None
        }
        Command::Logs => Effect::None,
        _ => return None,
    })
}

fn forwards_command(state: &mut State, cmd: Command) -> Option<Effect> {
    let n = state.forwards.list.len();
    if let Some(step) = super::dispatch::step_of(cmd) {
        let at = (state.view.forward_selected as isize)
            .saturating_add(step)
            .clamp(0, n.saturating_sub(1) as isize);
        state.view.forward_selected = at as usize;
        return Some(Effect::None);
    }
    Some(match cmd {
        Command::Action(ActionId::StopForward) => {
            let now = state.now;
            match state.forwards.list.get(state.view.forward_selected) {
                Some(f) if f.active() => {
                    let msg = format!("port-forward 127.0.0.1:{} stopped", f.local);
                    let id = f.id;
                    state.view.say(now, msg, Level::Ok);
                    Effect::StopForward(id)
                }
                Some(_) => Effect::None,
                None => {
                    state.view.say(now, "no port-forward selected", Level::Muted);
                    Effect::None
                }
            }
        }
        Command::Back | Command::Cancel => {
            state.view.mode = Mode::Overview;
            Effect::None
        }
        _ => return None,
    })
}

fn output_command(state: &mut State, cmd: Command) -> Option<Effect> {
    let n = state.output.len();
    let o = state.view.output.as_mut()?;
    if let Some(step) = super::dispatch::step_of(cmd) {
        let step = if matches!(cmd, Command::PageUp | Command::PageDown) { step * 2 } else { step };
        let from = o.scroll.unwrap_or(n.saturating_sub(PAGE as usize * 2));
        let to = (from as isize).saturating_add(step).clamp(0, n.saturating_sub(1) as isize) as usize;
        // At the end again: follow the newest lines.
        o.scroll = (to + 1 < n).then_some(to);
        return Some(Effect::None);
    }
    Some(match cmd {
        Command::Back | Command::Cancel => {
            state.view.mode = o.origin;
            Effect::None
        }
        _ => return None,
    })
}

/// `:pf`: the port-forwards.
pub fn show_forwards(state: &mut State) {
    state.view.mode = Mode::Forwards;
    let n = state.forwards.list.len();
    state.view.forward_selected = state.view.forward_selected.min(n.saturating_sub(1));
}

/// The editor saved a change: ask before sending it, as for every action (read-only refuses).
pub fn ask_edited(
    state: &mut State,
    edited: crate::domain::target::EditedObject,
    cluster: ClusterId,
    context: String,
) {
    let spec = crate::domain::registry::spec(ActionId::Edit);
    if state.readonly_of(&cluster) {
        state.view.say(state.now, super::dispatch::refused(state, spec.title, &cluster), Level::Warn);
        return;
    }
    let pending = crate::state::view::Pending {
        action: ActionId::Edit,
        target: Target::Edit(Box::new(edited)),
        cluster,
        context,
        destructive: spec.destructive,
    };
    state.view.overlay = super::dispatch::confirmation(state, pending);
}

#[cfg(test)]
mod tests;
