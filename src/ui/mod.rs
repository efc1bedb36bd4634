//! Drawing: pure functions of `&State`, the theme and the keymap. Nothing here changes state
//! or does I/O; the app loop decides when to draw.

pub mod dialog;
pub mod fleet;
pub mod forwards;
pub mod help;
pub mod layout;
pub mod object_view;
pub mod panes;
pub mod picker;
pub mod plan;
pub mod pod_view;
pub mod prompt;
pub mod resources;
pub mod silence_form;
pub mod table;
pub mod text;
pub mod timeline;
pub mod triage;
pub mod widgets;

#[cfg(test)]
mod console_tests;
#[cfg(test)]
mod help_tests;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

use crate::config::{Keymap, Theme, theme::Role};
use crate::state::State;
use crate::state::view::{Mode, Overlay};

/// Everything drawing needs besides the state.
pub struct Ui<'a> {
    pub theme: &'a Theme,
    pub keymap: &'a Keymap,
}

/// The screen's header line, the views' area and the status line.
fn split(area: Rect) -> [Rect; 3] {
    Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)]).areas(area)
}

/// How many help lines a screen of `screen` shows at once, and the furthest the help scrolls.
pub fn help_window(state: &State, ui: &Ui, screen: Rect) -> (usize, usize) {
    help::window(state, ui, split(screen)[1])
}

pub fn draw(f: &mut Frame, state: &State, ui: &Ui) {
    let area = f.area();
    let [header, body, status] = split(area);
    widgets::header(f, header, state, ui.theme);
    match state.view.mode {
        Mode::Overview => draw_overview(f, body, state, ui),
        Mode::Full(p) => panes::draw_framed(f, body, p, state, ui.theme, true, true),
        Mode::Triage => triage::draw(f, body, state, ui),
        Mode::Timeline => timeline::draw(f, body, state, ui),
        Mode::Pod(screen) => pod_view::draw(f, body, state, ui, screen),
        Mode::Resources => resources::draw(f, body, state, ui),
        Mode::Object(screen) => object_view::draw(f, body, state, ui, screen),
        Mode::Forwards => forwards::draw(f, body, state, ui.theme),
        Mode::Output => forwards::output(f, body, state, ui.theme),
        Mode::Fleet => fleet::draw(f, body, state, ui),
    }
    widgets::status_line(f, status, state, ui);
    match &state.view.overlay {
        Overlay::None => {}
        Overlay::Help => help::draw(f, body, state, ui),
        Overlay::Confirm(p) => {
            // A sync's dialog shows its plan, as much of the diff as the screen leaves room for.
            let plan = match &p.target {
                crate::domain::Target::AppSync { name, prune, .. } => {
                    let room = (body.height as usize).saturating_sub(16).min(24);
                    plan::lines(state, (&p.cluster, name), Some(*prune), room, ui.theme)
                }
                _ => Vec::new(),
            };
            dialog::confirm_in(f, body, p, ui.theme, state.production_of(&p.cluster), plan)
        }
        Overlay::Prompt(p) => prompt::draw(f, body, state, p, ui),
        Overlay::Silence(form) => silence_form::draw(f, body, form, ui.theme),
        Overlay::Value(p) => dialog::value(f, body, p, ui.theme),
        Overlay::Pick(p) => picker::draw(f, body, p, ui.theme),
    }
}

fn draw_overview(f: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    if area.height < 6 || area.width < 30 {
        let msg = Line::from(Span::styled(
            "window too small — enlarge it or press 1–6",
            ui.theme.style(Role::Warn),
        ));
        f.render_widget(msg, area);
        return;
    }
    for (pane, rect) in layout::overview(area) {
        panes::draw_framed(f, rect, pane, state, ui.theme, state.view.focus == pane, false);
    }
}

/// Render the whole screen into a buffer without a terminal (snapshots, tests, benchmarks).
pub fn render_to_buffer(state: &State, ui: &Ui, width: u16, height: u16) -> ratatui::buffer::Buffer {
    let backend = ratatui::backend::TestBackend::new(width, height);
    let mut terminal = ratatui::Terminal::new(backend).expect("test backend");
    terminal.draw(|f| draw(f, state, ui)).expect("draw to test backend");
    terminal.backend().buffer().clone()
}
