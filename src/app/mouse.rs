//! The mouse: a click focuses the pane under it and selects the row clicked, the wheel moves
//! the selection of the pane under the pointer. Rows are found on the frame as drawn (where the
//! selection is highlighted), so a click always lands on the row the user sees.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Constraint, Layout, Rect};

use crate::config::theme::Role;
use crate::state::view::{Mode, Overlay};
use crate::state::{PaneId, State};
use crate::ui::{self, Ui, layout};

/// Rows a wheel notch moves.
const WHEEL: isize = 3;

/// The wheel as the arrow keys, [`WHEEL`] lines a notch; false for any other mouse event.
fn wheel(state: &mut State, kind: MouseEventKind) -> bool {
    let cmd = match kind {
        MouseEventKind::ScrollDown => crate::domain::command::Command::Down,
        MouseEventKind::ScrollUp => crate::domain::command::Command::Up,
        _ => return false,
    };
    for _ in 0..WHEEL {
        crate::input::dispatch::dispatch(state, cmd);
    }
    true
}

/// Apply a mouse event; returns whether the view changed.
pub fn handle(state: &mut State, ev: &MouseEvent, ui: &Ui, size: Rect) -> bool {
    // The wheel scrolls the help (the loop keeps it within its last page); other overlays
    // take no mouse.
    if state.view.overlay == Overlay::Help {
        return wheel(state, ev.kind);
    }
    if state.view.overlay != Overlay::None {
        return false;
    }
    let [_, body, _] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)]).areas(size);
    let (x, y) = (ev.column, ev.row);
    if !body.contains((x, y).into()) {
        return false;
    }
    if matches!(
        state.view.mode,
        Mode::Pod(_) | Mode::Resources | Mode::Object(_) | Mode::Forwards | Mode::Output
    ) {
        // The wheel scrolls the text or moves the list's selection; clicks select nothing there.
        return wheel(state, ev.kind);
    }
    let pane = match state.view.mode {
        Mode::Overview => {
            layout::overview(body).into_iter().find(|(_, r)| r.contains((x, y).into())).map(|(p, _)| p)
        }
        Mode::Full(p) => Some(p),
        Mode::Triage
        | Mode::Pod(_)
        | Mode::Fleet
        | Mode::Timeline
        | Mode::Resources
        | Mode::Object(_)
        | Mode::Forwards
        | Mode::Output => None,
    };
    match ev.kind {
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            let step = if ev.kind == MouseEventKind::ScrollDown { WHEEL } else { -WHEEL };
            scroll(state, pane, step);
            true
        }
        MouseEventKind::Down(MouseButton::Left) => {
            if let Some(p) = pane {
                state.view.focus = p;
            }
            if let Some(delta) = rows_from_selection(state, ui, size, x, y) {
                scroll(state, pane, delta);
            }
            true
        }
        _ => false,
    }
}

fn scroll(state: &mut State, pane: Option<PaneId>, step: isize) {
    match pane {
        Some(p) => crate::state::view::move_selection(state, p, step),
        None => crate::state::view::move_triage(state, step),
    }
}

/// How many rows the click at (x, y) is from the selected row, read off the frame as drawn:
/// the selected row is the one in the selection colour in the clicked column.
fn rows_from_selection(state: &State, ui: &Ui, size: Rect, x: u16, y: u16) -> Option<isize> {
    let buf = ui::render_to_buffer(state, ui, size.width, size.height);
    let sel = ui.theme.style(Role::Selection);
    // Themes mark the selection with a background, or with reverse video.
    let marked = |c: u16, r: u16| {
        let cell = &buf[(c, r)];
        match sel.bg {
            Some(bg) => cell.bg == bg,
            None => cell.modifier.contains(ratatui::style::Modifier::REVERSED),
        }
    };
    // The clicked column may be a border; look a cell or two further in for the highlight.
    let col =
        (x.saturating_sub(2)..=x + 2).find(|&c| c < size.width && (0..size.height).any(|r| marked(c, r)))?;
    let in_span = |r: u16| marked(col, r);
    // The selected row nearest the click, in the same pane (a row of that colour above or below).
    let sel = (0..size.height).filter(|&r| in_span(r)).min_by_key(|&r| (r as i32 - y as i32).abs())?;
    Some(y as isize - sel as isize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Keymap, Theme};
    use crossterm::event::KeyModifiers;

    fn click(kind: MouseEventKind, column: u16, row: u16) -> MouseEvent {
        MouseEvent { kind, column, row, modifiers: KeyModifiers::NONE }
    }

    #[test]
    fn a_click_focuses_the_pane_and_selects_the_row_under_it() {
        let mut s = crate::sources::demo::state_at(7, 150);
        let (theme, keymap) = (Theme::default_theme(), Keymap::default_keymap());
        let ui = Ui { theme: &theme, keymap: &keymap };
        let size = Rect::new(0, 0, 160, 48);
        // The Pods cell of the 3-column overview: its fourth pod row.
        let buf = ui::render_to_buffer(&s, &ui, 160, 48);
        let y = (0..48)
            .find(|&y| {
                (0..160).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>().contains("rltpg")
            })
            .unwrap();
        assert!(handle(&mut s, &click(MouseEventKind::Down(MouseButton::Left), 120, y), &ui, size));
        assert_eq!(s.view.focus, PaneId::Pods);
        let key = crate::state::view::row_key(&s, PaneId::Pods, s.view.selected(PaneId::Pods));
        let Some(crate::state::view::RowKey::Pod(pod)) = key else { panic!("{key:?}") };
        assert!(pod.name.ends_with("rltpg"), "{pod}");
        // The wheel moves the selection of the pane under the pointer.
        handle(&mut s, &click(MouseEventKind::ScrollDown, 120, y), &ui, size);
        assert_eq!(s.view.selected(PaneId::Pods), 3 + WHEEL as usize);
    }

    #[test]
    fn the_wheel_scrolls_the_help_and_not_the_rows_under_it() {
        let mut s = crate::sources::demo::state_at(7, 150);
        let (theme, keymap) = (Theme::default_theme(), Keymap::default_keymap());
        let ui = Ui { theme: &theme, keymap: &keymap };
        crate::input::dispatch::dispatch(&mut s, crate::domain::command::Command::Help);
        let before = s.view.selected(PaneId::Infrastructure);
        let size = Rect::new(0, 0, 80, 24);
        assert!(handle(&mut s, &click(MouseEventKind::ScrollDown, 40, 10), &ui, size));
        assert_eq!((s.view.help_scroll, s.view.selected(PaneId::Infrastructure)), (WHEEL as usize, before));
        handle(&mut s, &click(MouseEventKind::ScrollUp, 40, 10), &ui, size);
        assert_eq!(s.view.help_scroll, 0);
        assert!(!handle(&mut s, &click(MouseEventKind::Down(MouseButton::Left), 40, 10), &ui, size));
    }
}
