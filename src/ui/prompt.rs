//! Prompts drawn over the body: the `:` palette with its completions, the `/` filter line, and
//! the production confirmation that wants the target's name typed. Typed text is cleaned.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

use super::dialog;
use super::{Ui, text};
use crate::config::theme::Role;
use crate::input::palette;
use crate::state::State;
use crate::state::view::{Pending, Prompt, PromptKind};

/// Completions shown under the palette line.
const SHOWN: usize = 8;

pub fn draw(f: &mut Frame, area: Rect, state: &State, p: &Prompt, ui: &Ui) {
    match &p.kind {
        PromptKind::Command => command(f, area, state, p, ui),
        PromptKind::Filter => filter(f, area, state, p, ui),
        PromptKind::TypeName(pending) => type_name(f, area, p, pending, ui),
        PromptKind::Sort => sort(f, area, state, ui),
    }
}

fn sort(f: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    let t = ui.theme;
    let pane = state.view.active_pane();
    let (what, columns): (String, Vec<(char, String)>) = match &state.view.resources {
        Some(v) if state.view.mode == crate::state::view::Mode::Resources => {
            let cols = &state.resources.columns;
            let letters = crate::state::resources::sort_letters(cols);
            (
                v.kind.plural.clone(),
                letters.into_iter().map(|(c, i)| (c, cols[i].name.to_lowercase())).collect(),
            )
        }
        _ => (
            pane.title().to_string(),
            crate::state::rows::sort_columns(pane).iter().map(|(c, n)| (*c, n.to_string())).collect(),
        ),
    };
    let mut spans = vec![Span::styled(format!(" sort {what} by "), t.style(Role::Title))];
    for (c, name) in columns {
        spans.push(Span::styled(format!(" {c} "), t.style(Role::Selection)));
        spans.push(Span::styled(format!(" {}  ", crate::ui::text::clean(&name)), t.style(Role::Text)));
    }
    let line = Line::from(spans);
    let (block, rect) = popup(f, area, (line.width() as u16 + 2, 3), None, " again to reverse · Esc ", ui);
    f.render_widget(Paragraph::new(line).block(block), rect);
}

/// A popup under the header, centred: cleared, rounded focused border, a title and the keys
/// that apply along its bottom edge.
fn popup(
    f: &mut Frame,
    area: Rect,
    size: (u16, u16),
    title: Option<&str>,
    keys: &str,
    ui: &Ui,
) -> (Block<'static>, Rect) {
    let t = ui.theme;
    let width = size.0.min(area.width);
    let rect =
        Rect { x: area.x + (area.width - width) / 2, y: area.y + 1, width, height: size.1.min(area.height) };
    f.render_widget(Clear, rect);
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(t.style(Role::FocusedBorder))
        .title_bottom(Line::from(Span::styled(keys.to_string(), t.style(Role::Muted))).right_aligned());
    if let Some(title) = title {
        block = block.title(Span::styled(title.to_string(), t.style(Role::Title)));
    }
    (block, rect)
}

fn input_line(sigil: &str, p: &Prompt, ui: &Ui) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!(" {sigil} "), ui.theme.style(Role::Accent)),
        Span::styled(text::clean(&p.text).into_owned(), ui.theme.style(Role::Text)),
        Span::styled("▏", ui.theme.style(Role::Accent)),
    ])
}

fn command(f: &mut Frame, area: Rect, state: &State, p: &Prompt, ui: &Ui) {
    let t = ui.theme;
    let base = if p.choice.is_some() { &p.typed } else { &p.text };
    let options = palette::complete(state, base);
    let shown = options.len().min(SHOWN);
    let keys = " Tab completes · ↑↓ history · Enter runs · Esc ";
    let (block, rect) = popup(f, area, (72, 3 + shown as u16), Some(" command "), keys, ui);
    let width = rect.width;
    let mut lines = vec![input_line(":", p, ui)];
    let name_w = options.iter().map(|o| o.line.chars().count()).max().unwrap_or(0).min(28);
    // The window of completions keeps the chosen one in view.
    let start = p.choice.map_or(0, |c| c.saturating_sub(SHOWN - 1));
    for (i, o) in options.iter().enumerate().skip(start).take(SHOWN) {
        let style = if p.choice == Some(i) { t.style(Role::Selection) } else { t.style(Role::Accent) };
        let help_w = (width as usize).saturating_sub(name_w + 6);
        lines.push(Line::from(vec![
            Span::styled(format!("   {:<name_w$}", text::fit(&o.line, name_w)), style),
            Span::styled(format!("  {}", text::fit(&o.help, help_w)), t.style(Role::Muted)),
        ]));
    }
    f.render_widget(Paragraph::new(lines).block(block), rect);
}

fn filter(f: &mut Frame, area: Rect, state: &State, p: &Prompt, ui: &Ui) {
    // In a pod's screens `/` searches the text rather than filtering rows.
    let (title, keys) = match state.view.mode {
        crate::state::view::Mode::Pod(_) => {
            (" search ", " text (a capital: case-sensitive) · Enter, then n / N · Esc clears ")
        }
        _ => (" filter ", " text · !not · key=value · Enter keeps · Esc clears "),
    };
    let (block, rect) = popup(f, area, (72, 3), Some(title), keys, ui);
    f.render_widget(Paragraph::new(input_line("/", p, ui)).block(block), rect);
}

fn type_name(f: &mut Frame, area: Rect, p: &Prompt, pending: &Pending, ui: &Ui) {
    let t = ui.theme;
    let title = format!(" {}? — PRODUCTION ", pending.title());
    let name = text::clean(pending.target.name()).into_owned();
    let lines = vec![
        dialog::action_line(pending.title(), &pending.target.describe(), t),
        Line::from(vec![
            Span::styled("in production context ", t.style(Role::Crit)),
            Span::styled(text::clean(&pending.context).into_owned(), t.style(Role::Crit)),
        ]),
        Line::raw(""),
        Line::from(vec![
            Span::styled("type ", t.style(Role::Muted)),
            Span::styled(name, t.style(Role::Title)),
            Span::styled(" and Enter to go ahead; Esc cancels", t.style(Role::Muted)),
        ]),
        input_line(">", p, ui),
    ];
    // The name to type must show whole, however long: the dialog grows, then wraps.
    let size = dialog::size_for(&lines, (68, 9), area);
    let (block, rect) = dialog::frame(area, f, size, title, Role::Crit, t);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), rect);
}
