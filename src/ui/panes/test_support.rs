//! What the panes' render tests share: the fixtures' clock, stores fed through `update`, drawing a
//! pane or the whole screen, reading text and colours back. Test-only; holds no tests or assertions.

use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::{Frame, Terminal};

use super::PaneCtx;
use crate::config::{Keymap, Theme, theme::Role};
use crate::domain::SourceId;
use crate::state::view::Mode;
use crate::state::{Data, Message, PaneId, State, update};
use crate::ui::{Ui, render_to_buffer};

/// The fixtures' clock.
pub const NOW: i64 = 1_800_000_000_000;

/// A pane's `draw`.
pub type Draw = fn(&mut Frame, Rect, &PaneCtx);

/// One pane's body alone in a `w`×`h` buffer, with the default theme.
pub fn render_pane(
    draw: Draw,
    state: &State,
    (w, h): (u16, u16),
    full: bool,
    focused: bool,
    selected: usize,
) -> Buffer {
    let theme = Theme::default_theme();
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| {
        let ctx = PaneCtx { state, theme: &theme, focused, full, selected };
        draw(f, f.area(), &ctx);
    })
    .unwrap();
    term.backend().buffer().clone()
}

/// The whole screen as the app draws it, with the default theme and keymap.
pub fn render_screen(state: &State, w: u16, h: u16) -> Buffer {
    let theme = Theme::default_theme();
    let keymap = Keymap::default_keymap();
    render_to_buffer(state, &Ui { theme: &theme, keymap: &keymap }, w, h)
}

/// Every row's cells as a string (a wide character's second cell is a space).
pub fn lines(buf: &Buffer) -> Vec<String> {
    (0..buf.area.height)
        .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect()
}

/// The screen as the headless export prints it: wide characters once, rows trimmed.
pub fn text_of(buf: &Buffer) -> String {
    crate::headless::export::to_text(buf)
}

/// Every cell where `needle` starts, row by row.
pub fn find_all(buf: &Buffer, needle: &str) -> Vec<(u16, u16)> {
    let mut out = Vec::new();
    for y in 0..buf.area.height {
        let mut row = String::new();
        let mut starts = Vec::with_capacity(buf.area.width as usize);
        for x in 0..buf.area.width {
            starts.push(row.len());
            row.push_str(buf[(x, y)].symbol());
        }
        out.extend(
            starts
                .iter()
                .enumerate()
                .filter(|(_, at)| row[**at..].starts_with(needle))
                .map(|(x, _)| (x as u16, y)),
        );
    }
    out
}

/// The first cell where `needle` starts.
pub fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    find_all(buf, needle).first().copied()
}

/// The default theme's foreground for `role`.
pub fn fg(role: Role) -> Color {
    Theme::default_theme().style(role).fg.expect("the default theme colours every role")
}

/// The foreground `needle` is drawn in where it first appears; panics with the screen when absent.
pub fn fg_of(buf: &Buffer, needle: &str) -> Color {
    let (x, y) = find(buf, needle).unwrap_or_else(|| panic!("{needle:?} not on screen:\n{}", text_of(buf)));
    buf[(x, y)].fg
}

/// Whether some occurrence of `needle` starts in `role`'s foreground.
pub fn drawn_in(buf: &Buffer, needle: &str, role: Role) -> bool {
    let fg = fg(role);
    find_all(buf, needle).iter().any(|&(x, y)| buf[(x, y)].fg == fg)
}

/// Whether no cell holds a control character, which could reach the terminal as an escape sequence.
pub fn no_control(buf: &Buffer) -> bool {
    buf.content().iter().all(|c| !c.symbol().chars().any(char::is_control))
}

/// `state` with `pane` open full-screen and focused, row `selected` selected.
pub fn full(mut state: State, pane: PaneId, selected: usize) -> State {
    state.view.mode = Mode::Full(pane);
    state.view.focus = pane;
    crate::state::view::select(&mut state, pane, selected);
    state
}

/// A store (context "test") fed as sources feed it: each of `sources` (name, interval) registered
/// for `pane`, each `(source, at, data)` delivered in order, then the clock at `NOW` and the batch done.
pub fn fed<'a>(
    pane: PaneId,
    sources: &[(&str, i64)],
    data: impl IntoIterator<Item = (&'a str, i64, Data)>,
) -> State {
    let mut state = State::new("test", NOW);
    for (name, interval_ms) in sources {
        let source = name.parse::<SourceId>().expect("a source id");
        update(&mut state, Message::Register { source, interval_ms: *interval_ms, feeds: vec![pane] });
    }
    for (name, at, data) in data {
        update(
            &mut state,
            Message::Data { source: name.parse::<SourceId>().expect("a source id"), at, data },
        );
    }
    update(&mut state, Message::Tick(NOW));
    state.finish_batch();
    state
}

/// Draw the whole screen from tiny to huge sizes, in the overview and with `pane` open (rows 0
/// and 3 selected), then once more with the scaling, alerts and cost data gone.
pub fn render_odd_sizes(state: &State, pane: PaneId) {
    for (w, h) in [(12, 4), (20, 6), (30, 8), (44, 12), (60, 14), (79, 30), (100, 20), (200, 60)] {
        for sel in [0, 3] {
            render_screen(&full(state.clone(), pane, sel), w, h);
        }
        render_screen(state, w, h);
    }
    let mut empty = state.clone();
    empty.scaling.hpas.clear();
    empty.alerts.items.clear();
    empty.cost.report = None;
    for full_view in [false, true] {
        let st = if full_view { full(empty.clone(), pane, 0) } else { empty.clone() };
        render_screen(&st, 80, 24);
    }
}
