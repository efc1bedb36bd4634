//! The help overlay, generated from the keymap and the action registry so it always tells the
//! truth about the keys.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
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
    let key_w = sections.iter().flat_map(|(_, rows)| rows.iter().map(|(k, _)| k.chars().count())).max().unwrap_or(8);
    let key_w = key_w.min(16) + 2;
    // Each section is a block of lines; blocks flow into as many columns as the height needs.
    let blocks: Vec<Vec<Line>> = sections
        .iter()
        .map(|(title, rows)| {
            let mut lines = vec![Line::from(Span::styled(title.clone(), ui.theme.style(Role::Header)))];
            for (keys, what) in rows {
                lines.push(Line::from(vec![
                    Span::styled(format!(" {keys:<key_w$}"), ui.theme.style(Role::Accent)),
                    Span::styled(what.clone(), ui.theme.style(Role::Text)),
                ]));
            }
            lines
        })
        .collect();
    let inner_h = area.height.saturating_sub(3).max(1) as usize;
    let mut columns: Vec<Vec<Line>> = vec![Vec::new()];
    for block in blocks {
        let col = columns.last_mut().expect("one column");
        if !col.is_empty() && col.len() + block.len() + 1 > inner_h {
            columns.push(block);
        } else {
            if !col.is_empty() {
                col.push(Line::raw(""));
            }
            col.extend(block);
        }
    }
    let tall = columns.iter().map(Vec::len).max().unwrap_or(0) as u16;
    let width = (columns.len() as u16 * 52).min(area.width);
    let footer = u16::from(state.readonly);
    let rect = centered(area, width, (tall + 2 + footer).min(area.height));
    f.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(ui.theme.style(Role::FocusedBorder))
        .title(Span::styled(" Help — ? or Esc to close ", ui.theme.style(Role::Title)));
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    let [body, foot] = Layout::vertical([Constraint::Min(0), Constraint::Length(footer)]).areas(inner);
    let cols = Layout::horizontal(vec![Constraint::Ratio(1, columns.len() as u32); columns.len()]).split(body);
    for (lines, r) in columns.into_iter().zip(cols.iter()) {
        f.render_widget(Paragraph::new(lines), *r);
    }
    if state.readonly {
        let msg = "READ-ONLY: actions that change the platform are off";
        f.render_widget(Line::from(Span::styled(msg, ui.theme.style(Role::Warn))), foot);
    }
}
