//! The side of the triage view: the selected problem in full, what links to it (alert, app,
//! workload, HPA …) and the keys of its fixes. Link text is from the cluster: only via `text`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::Ui;
use crate::config::keymap::Section;
use crate::config::theme::Role;
use crate::domain::command::Command;
use crate::input::triage::fixes;
use crate::state::State;
use crate::state::view::selected_problem;
use crate::ui::text;
use crate::ui::widgets::level_symbol;

/// Lines the panel wants below the table on narrow terminals.
pub fn height(state: &State) -> u16 {
    // Border, subject, detail, two fixes, a gap and the "Linked" heading, then the links.
    selected_problem(state).map_or(3, |p| p.links.len() as u16 + 7)
}

pub fn draw(f: &mut Frame, area: Rect, state: &State, ui: &Ui, beside: bool) {
    let t = ui.theme;
    let Some(p) = selected_problem(state) else { return };
    let borders = if beside { Borders::LEFT } else { Borders::TOP };
    let block = Block::default().borders(borders).border_style(t.style(Role::Border));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let w = inner.width.saturating_sub(1) as usize;
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{} ", level_symbol(p.level)), t.level(p.level)),
            Span::styled(text::fit(&p.subject, w.saturating_sub(2)), t.style(Role::Title)),
        ]),
        Line::from(Span::styled(text::clean(&p.detail).into_owned(), t.style(Role::Text))),
    ];
    // The fix right under the problem: on a small terminal it is what must not be cut off.
    let offered = fixes(state, p);
    if offered.is_empty() {
        let why =
            if state.readonly { "read-only: no action is offered" } else { "no action fixes this from here" };
        lines.push(Line::from(Span::styled(why, t.style(Role::Muted))));
    }
    for (i, (spec, target)) in offered.iter().enumerate() {
        let key = if i == 0 {
            ui.keymap.keys_for(Section::Triage, Command::Fix).into_iter().next()
        } else {
            ui.keymap.keys_for(Section::Triage, Command::Action(spec.id)).into_iter().next()
        };
        let Some(key) = key else { continue };
        let label = if i == 0 { "fix  " } else { "also " };
        lines.push(Line::from(vec![
            Span::styled(label, t.style(Role::Muted)),
            Span::styled(format!(" {key} "), t.style(Role::Selection)),
            Span::styled(format!(" {} ", spec.title), t.style(Role::Accent)),
            Span::styled(text::clean(&target.describe()).into_owned(), t.style(Role::Text)),
        ]));
    }
    lines.push(Line::raw(""));
    if p.links.is_empty() {
        lines.push(Line::from(Span::styled("nothing linked", t.style(Role::Muted))));
    } else {
        lines.push(Line::from(Span::styled("Linked", t.style(Role::Header))));
        let kind_w = p.links.iter().map(|l| l.kind.len()).max().unwrap_or(4).min(10);
        for l in &p.links {
            let name_w = w.saturating_sub(kind_w + 3).min(30);
            let name = text::fit(&l.name, name_w);
            let state_w = w.saturating_sub(kind_w + 3 + name.chars().count() + 1);
            lines.push(Line::from(vec![
                Span::styled(format!("{} ", level_symbol(l.level)), t.level(l.level)),
                Span::styled(format!("{:<kind_w$} ", l.kind), t.style(Role::Muted)),
                Span::styled(name, t.style(Role::Text)),
                Span::raw(" "),
                Span::styled(text::fit(&l.state, state_w), t.level(l.level)),
            ]));
        }
    }
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        Rect { x: inner.x + 1, width: inner.width.saturating_sub(1), ..inner },
    );
}
