//! The help overlay, generated from the keymap and the action registry so it always tells the
//! truth about the keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

use super::Ui;
use super::dialog::centered;
use crate::actions::command::{Command, NAVIGATION};
use crate::actions::registry;
use crate::config::keymap::Section;
use crate::config::theme::Role;
use crate::state::{PaneId, State};

/// The lines of the help: (keys, what) per section heading.
pub fn entries(state: &State, ui: &Ui) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let mut nav = Vec::new();
    for (_, cmd, what) in NAVIGATION {
        if matches!(cmd, Command::Confirm | Command::Cancel) {
            continue;
        }
        let keys = ui.keymap.keys_for(Section::Global, *cmd);
        if !keys.is_empty() {
            nav.push((keys.join(" "), what.to_string()));
        }
    }
    out.push(("Everywhere".to_string(), nav));
    for pane in PaneId::ALL {
        let mut rows = Vec::new();
        for a in registry::for_pane(pane, state.readonly) {
            let keys = ui.keymap.keys_for(Section::Pane(pane), Command::Action(a.id));
            if keys.is_empty() {
                continue;
            }
            let confirm = if a.confirm { " (asks first)" } else { "" };
            rows.push((keys.join(" "), format!("{}{confirm}", a.help)));
        }
        if !rows.is_empty() {
            out.push((pane.title().to_string(), rows));
        }
    }
    out
}

pub fn draw(f: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    let sections = entries(state, ui);
    let mut lines = Vec::new();
    for (title, rows) in &sections {
        lines.push(Line::from(Span::styled(title.clone(), ui.theme.style(Role::Header))));
        for (keys, what) in rows {
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<18}"), ui.theme.style(Role::Accent)),
                Span::styled(what.clone(), ui.theme.style(Role::Text)),
            ]));
        }
    }
    if state.readonly {
        lines.push(Line::from(Span::styled(
            "READ-ONLY: actions that change the platform are off",
            ui.theme.style(Role::Warn),
        )));
    }
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = centered(area, 78, height);
    f.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(ui.theme.style(Role::FocusedBorder))
        .title(Span::styled(" Help — ? or Esc to close ", ui.theme.style(Role::Title)));
    f.render_widget(Paragraph::new(lines).block(block), rect);
}
