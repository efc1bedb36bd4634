//! The picker: a list to choose one entry from before the confirmation (a workload's revisions
//! or an app's sync history, newest first), the one running now marked and not pickable.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::dialog::frame;
use super::text;
use crate::config::{Theme, theme::Role};
use crate::state::view::object::Picker;

pub fn draw(f: &mut Frame, area: Rect, p: &Picker, theme: &Theme) {
    let widths: Vec<usize> = (0..p.header.len())
        .map(|i| {
            let cells = p.entries.iter().map(|e| e.cells.get(i).map_or(0, |c| c.width()));
            cells.chain([p.header[i].width()]).max().unwrap_or(0).min(40)
        })
        .collect();
    let row = |cells: &[String]| -> String {
        cells.iter().zip(&widths).map(|(c, w)| text::pad(c, *w)).collect::<Vec<_>>().join("  ")
    };
    let mut lines = vec![
        Line::from(Span::styled(
            format!("  {}", text::clean(&p.subject.describe())),
            theme.style(Role::Accent),
        )),
        Line::from(Span::styled(format!("  {}", row(&p.header)), theme.style(Role::Header))),
    ];
    if p.loading {
        lines.push(Line::from(Span::styled("  reading the history…", theme.style(Role::Muted))));
    }
    if let Some(e) = &p.error {
        lines.push(Line::from(Span::styled(format!("  {}", text::clean(e)), theme.style(Role::Crit))));
    }
    for (i, e) in p.entries.iter().enumerate() {
        let mark = if i == p.selected { "▸ " } else { "  " };
        let note = e.note.as_ref().map(|n| format!("  ({n})")).unwrap_or_default();
        let style = if i == p.selected {
            theme.style(Role::Selection)
        } else if e.choice.is_none() {
            theme.style(Role::Muted)
        } else {
            theme.style(Role::Text)
        };
        lines.push(Line::from(Span::styled(format!("{mark}{}{note}", row(&e.cells)), style)));
    }
    lines.push(Line::from(Span::styled(
        "  j/k move · Enter roll back to it (asks first) · Esc cancel",
        theme.style(Role::Muted),
    )));
    let width = lines.iter().map(Line::width).max().unwrap_or(40) as u16 + 4;
    let title = format!(" {} ", crate::domain::registry::spec(p.action).title);
    let (block, rect) = frame(area, f, (width.max(40), lines.len() as u16 + 2), title, Role::Warn, theme);
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    let shown: Vec<Line> = lines.into_iter().map(|l| text::fit_line(l, inner.width as usize)).collect();
    f.render_widget(Paragraph::new(shown), inner);
}
