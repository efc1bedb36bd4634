//! Typing into a prompt: the `:` palette (completion, history, running the command), the `/`
//! filter (applied as it is typed), and typing a target's name to confirm in production.
//! Pure like `dispatch`: returns the effect for the app loop to carry out.

use crate::domain::command::Command;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::dispatch::dispatch;
use super::palette::{self, Run};
use crate::domain::Effect;
use crate::state::view::{HISTORY_KEPT, Mode, Overlay, PodsView, Prompt, PromptKind};
use crate::state::{Level, PaneId, State};

/// A key as a prompt sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Edit {
    Char(char),
    Backspace,
    /// Ctrl-W: the word before the cursor.
    DeleteWord,
    /// Ctrl-U: the whole line.
    Clear,
    Enter,
    Esc,
    Tab,
    BackTab,
    Up,
    Down,
}

/// A key press as a prompt reads it; None for keys a prompt ignores.
fn decode(ev: &KeyEvent) -> Option<Edit> {
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    Some(match ev.code {
        KeyCode::Char('c') if ctrl => Edit::Esc,
        KeyCode::Char('w') if ctrl => Edit::DeleteWord,
        KeyCode::Char('u') if ctrl => Edit::Clear,
        KeyCode::Char('p') if ctrl => Edit::Up,
        KeyCode::Char('n') if ctrl => Edit::Down,
        KeyCode::Char(c) if !ctrl => Edit::Char(c),
        KeyCode::Backspace => Edit::Backspace,
        KeyCode::Enter => Edit::Enter,
        KeyCode::Esc => Edit::Esc,
        KeyCode::Tab => Edit::Tab,
        KeyCode::BackTab => Edit::BackTab,
        KeyCode::Up => Edit::Up,
        KeyCode::Down => Edit::Down,
        _ => return None,
    })
}

/// A key while a prompt is open.
pub fn key(state: &mut State, ev: &KeyEvent) -> Effect {
    match decode(ev) {
        Some(e) => edit(state, e),
        None => Effect::None,
    }
}

pub fn open(state: &mut State, kind: PromptKind) {
    let text = match kind {
        // What is shown's own: a pod's or an object's search, a list's or a pane's filter.
        PromptKind::Filter => state.view.current_filter().unwrap_or_default().to_string(),
        _ => String::new(),
    };
    state.view.overlay = Overlay::Prompt(Prompt::new(kind, text));
}

fn edit(state: &mut State, e: Edit) -> Effect {
    let Overlay::Prompt(p) = &mut state.view.overlay else { return Effect::None };
    if p.kind == PromptKind::Sort {
        state.view.overlay = Overlay::None;
        if let Edit::Char(c) = e {
            sort_by(state, c);
        }
        return Effect::None;
    }
    match e {
        Edit::Char(c) => {
            p.text.push(c);
            p.choice = None;
        }
        Edit::Backspace => {
            p.text.pop();
            p.choice = None;
        }
        Edit::DeleteWord => {
            let keep = p.text.trim_end().rfind(' ').map_or(0, |i| i + 1);
            p.text.truncate(keep);
            p.choice = None;
        }
        Edit::Clear => {
            p.text.clear();
            p.choice = None;
        }
        Edit::Tab | Edit::BackTab if p.kind == PromptKind::Command => {
            // Tab cycles through the completions of what was typed, not of what Tab put in.
            let base = if p.choice.is_some() { p.typed.clone() } else { p.text.clone() };
            let choice = p.choice;
            let options = palette::complete(state, &base);
            let Overlay::Prompt(p) = &mut state.view.overlay else { return Effect::None };
            if options.is_empty() {
                return Effect::None;
            }
            let n = options.len();
            let next = match (choice, e) {
                (None, Edit::BackTab) => n - 1,
                (None, _) => 0,
                (Some(i), Edit::BackTab) => (i + n - 1) % n,
                (Some(i), _) => (i + 1) % n,
            };
            p.typed = base;
            p.text = options[next].line.clone();
            p.choice = Some(next);
        }
        Edit::Up | Edit::Down if p.kind == PromptKind::Command => {
            let h = &state.view.history;
            if h.is_empty() {
                return Effect::None;
            }
            let pos = match (p.history_pos, e) {
                (None, Edit::Up) => Some(0),
                (None, _) => None,
                (Some(i), Edit::Up) => Some((i + 1).min(h.len() - 1)),
                (Some(0), _) => None,
                (Some(i), _) => Some(i - 1),
            };
            p.history_pos = pos;
            p.text = pos.map_or_else(String::new, |i| h[h.len() - 1 - i].clone());
        }
        Edit::Tab | Edit::BackTab | Edit::Up | Edit::Down => {}
        Edit::Esc => {
            let kind = p.kind.clone();
            state.view.overlay = Overlay::None;
            match kind {
                PromptKind::Filter => state.view.set_current_filter(None),
                PromptKind::TypeName(_) => state.view.say(state.now, "cancelled", Level::Muted),
                PromptKind::Command | PromptKind::Sort => {}
            }
            return Effect::None;
        }
        Edit::Enter => {
            let Overlay::Prompt(p) = std::mem::take(&mut state.view.overlay) else { return Effect::None };
            return match p.kind {
                PromptKind::Command => run_line(state, &p.text),
                // A search in a pod's screens goes to its first match, as in less.
                PromptKind::Filter if matches!(state.view.mode, Mode::Pod(_)) => {
                    dispatch(state, Command::NextMatch)
                }
                PromptKind::Filter | PromptKind::Sort => Effect::None,
                PromptKind::TypeName(pending) => {
                    if p.text.trim() == pending.target.name() {
                        super::dispatch::confirmed(state, pending)
                    } else {
                        let msg = format!("not run: `{}` is not `{}`", p.text.trim(), pending.target.name());
                        state.view.say(state.now, msg, Level::Warn);
                        Effect::None
                    }
                }
            };
        }
    }
    // The filter follows every key, as in k9s.
    if let Overlay::Prompt(Prompt { kind: PromptKind::Filter, text, .. }) = &state.view.overlay {
        let text = text.clone();
        state.view.set_current_filter(Some(text).filter(|t| !t.is_empty()));
    }
    Effect::None
}

/// Sort the active pane (or the `:KIND` list) by the column with letter `c`; the same letter
/// again reverses.
fn sort_by(state: &mut State, c: char) {
    let pane = state.view.active_pane();
    let now = state.now;
    if state.view.mode == Mode::Resources {
        let letters = crate::state::resources::sort_letters(&state.resources.columns);
        let Some((_, col)) = letters.into_iter().find(|(k, _)| *k == c) else {
            state.view.say(now, format!("no column `{c}` to sort by"), Level::Warn);
            return;
        };
        let name = state.resources.columns[col].name.to_lowercase();
        let Some(v) = &mut state.view.resources else { return };
        let reversed = matches!(v.sort, Some((k, false)) if k == c);
        v.sort = Some((c, reversed));
        v.selected = 0;
        v.anchor = None;
        let dir = if reversed { "descending" } else { "ascending" };
        let msg = format!("{} sorted by {name}, {dir}", v.kind.plural);
        state.view.say(now, msg, Level::Muted);
        return;
    }
    let Some((_, name)) = crate::state::rows::sort_columns(pane).iter().find(|(k, _)| *k == c) else {
        state.view.say(now, format!("{}: no column `{c}` to sort by", pane.title()), Level::Warn);
        return;
    };
    let slot = &mut state.view.sorts[pane.index()];
    let reversed = matches!(slot, Some((k, false)) if *k == c);
    *slot = Some((c, reversed));
    state.view.reset_selection(pane);
    let dir = if reversed { "descending" } else { "ascending" };
    state.view.say(now, format!("{} sorted by {name}, {dir}", pane.title()), Level::Muted);
}

/// Run a palette line, and keep it in the history.
pub fn run_line(state: &mut State, line: &str) -> Effect {
    let line = line.trim();
    if line.is_empty() {
        return Effect::None;
    }
    let history = &mut state.view.history;
    history.retain(|h| h != line);
    history.push(line.to_string());
    if history.len() > HISTORY_KEPT {
        history.remove(0);
    }
    let now = state.now;
    let parsed = match palette::parse(state, line) {
        Ok(p) => p,
        Err(e) => {
            state.view.say(now, e, Level::Warn);
            return Effect::None;
        }
    };
    let arg = parsed.arg.map(str::to_string);
    let need = |what: &str, state: &mut State| {
        state.view.say(now, format!(":{} needs a {what}; Tab lists them", parsed.name), Level::Warn);
        Effect::None
    };
    match parsed.run {
        Run::Pane(p) => {
            if p == PaneId::Pods && state.view.pods_view != PodsView::Pods {
                crate::state::view::show_pods_view(state, PodsView::Pods);
            }
            dispatch(state, Command::Pane(p.index() as u8 + 1))
        }
        Run::Deployments => {
            dispatch(state, Command::Pane(PaneId::Pods.index() as u8 + 1));
            crate::state::view::show_pods_view(state, PodsView::Workloads);
            Effect::None
        }
        Run::Triage => dispatch(state, Command::Triage),
        Run::Fleet => dispatch(state, Command::Fleet),
        Run::Timeline => dispatch(state, Command::Timeline),
        Run::Overview => {
            state.view.mode = Mode::Overview;
            Effect::None
        }
        Run::Help => {
            state.view.overlay = Overlay::Help;
            state.view.help_scroll = 0;
            Effect::None
        }
        Run::Quit => Effect::Quit,
        Run::Silences => {
            // The Alerts pane's silences view (active, pending and expired silences).
            state.view.alerts_view = crate::state::view::AlertsView::Silences;
            dispatch(state, Command::Pane(PaneId::Alerts.index() as u8 + 1))
        }
        Run::Namespace => {
            let ns = arg.filter(|a| a != "all" && a != "-");
            let msg = match &ns {
                Some(n) => format!("namespace {n}: Pods and Scaling show only it (:ns all for every one)"),
                None => "every namespace".to_string(),
            };
            let scope = match &ns {
                Some(n) => crate::domain::Scope::Namespace(n.clone()),
                None => crate::domain::Scope::All,
            };
            state.view.namespace = ns;
            state.view.say(now, msg, Level::Ok);
            // On a cluster the watches follow too (a narrower scope would hide the others);
            // the demo has every namespace already and only filters.
            Effect::SwitchNamespace(scope)
        }
        Run::Context => match arg {
            None => need("context name", state),
            Some(c) if state.is_fleet() => super::fleet::context(state, &c).unwrap_or(Effect::None),
            Some(c) if c == state.context => {
                state.view.say(now, format!("already on context {c}"), Level::Muted);
                Effect::None
            }
            Some(c) => Effect::SwitchContext(c),
        },
        Run::Theme => match arg {
            None => need("theme name", state),
            Some(t) => Effect::SetTheme(t),
        },
        Run::Action(id) => dispatch(state, Command::Action(id)),
        Run::Forwards => {
            super::objects::show_forwards(state);
            Effect::None
        }
        Run::Kind => super::objects::open_kind(state, arg.as_deref().unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::demo::state_at;

    fn typed(state: &mut State, line: &str) -> Effect {
        dispatch(state, Command::Palette);
        for c in line.chars() {
            edit(state, Edit::Char(c));
        }
        edit(state, Edit::Enter)
    }

    #[test]
    fn aliases_open_panes_and_views() {
        let mut s = state_at(7, 150);
        typed(&mut s, "po");
        assert_eq!(s.view.mode, Mode::Full(PaneId::Pods));
        typed(&mut s, "triage");
        assert_eq!(s.view.mode, Mode::Triage);
        typed(&mut s, "deploy");
        assert_eq!((s.view.mode, s.view.pods_view), (Mode::Full(PaneId::Pods), PodsView::Workloads));
        typed(&mut s, "po");
        assert_eq!(s.view.pods_view, PodsView::Pods, ":po is the pods again");
        assert_eq!(typed(&mut s, "q"), Effect::Quit);
    }

    #[test]
    fn theme_and_context_reach_the_app_loop_and_ns_narrows() {
        let mut s = state_at(7, 150);
        assert_eq!(typed(&mut s, "theme light"), Effect::SetTheme("light".into()));
        assert_eq!(typed(&mut s, "ctx shop-dev"), Effect::SwitchContext("shop-dev".into()));
        assert_eq!(typed(&mut s, "ctx shop-prod"), Effect::None);
        typed(&mut s, "ns storefront");
        assert_eq!(s.view.namespace.as_deref(), Some("storefront"));
        typed(&mut s, "ns all");
        assert_eq!(s.view.namespace, None);
        typed(&mut s, "bogus");
        assert!(s.view.status.as_ref().unwrap().text.contains("unknown command"));
    }

    #[test]
    fn tab_cycles_completions_and_history_recalls() {
        let mut s = state_at(7, 150);
        dispatch(&mut s, Command::Palette);
        edit(&mut s, Edit::Char('t'));
        edit(&mut s, Edit::Tab);
        let text = |s: &State| match &s.view.overlay {
            Overlay::Prompt(p) => p.text.clone(),
            _ => panic!("closed"),
        };
        assert_eq!(text(&s), "triage");
        edit(&mut s, Edit::Tab);
        assert_eq!(text(&s), "timeline");
        edit(&mut s, Edit::Tab);
        assert_eq!(text(&s), "theme ");
        edit(&mut s, Edit::Tab);
        assert_eq!(text(&s), "triage");
        edit(&mut s, Edit::Esc);
        typed(&mut s, "pods");
        typed(&mut s, "alerts");
        dispatch(&mut s, Command::Palette);
        edit(&mut s, Edit::Up);
        assert_eq!(text(&s), "alerts");
        edit(&mut s, Edit::Up);
        assert_eq!(text(&s), "pods");
        edit(&mut s, Edit::Down);
        assert_eq!(text(&s), "alerts");
        edit(&mut s, Edit::Down);
        assert_eq!(text(&s), "");
    }

    #[test]
    fn filter_applies_as_typed_and_esc_clears() {
        let mut s = state_at(7, 150);
        dispatch(&mut s, Command::Pane(3));
        dispatch(&mut s, Command::Filter);
        for c in "cart".chars() {
            edit(&mut s, Edit::Char(c));
        }
        assert_eq!(s.view.filter_text(PaneId::Pods), Some("cart"));
        edit(&mut s, Edit::Enter);
        assert_eq!(s.view.overlay, Overlay::None);
        assert_eq!(s.view.filter_text(PaneId::Pods), Some("cart"));
        dispatch(&mut s, Command::Filter);
        edit(&mut s, Edit::Esc);
        assert_eq!(s.view.filter_text(PaneId::Pods), None);
    }
}
