//! The six panes. Each module offers `summary` (a few words for the title) and `draw` (the
//! body, compact in the overview, full when opened). The frame, health badge and freshness line
//! are drawn here, the same for all.

pub mod alerts;
pub mod argocd;
pub mod cost;
pub mod infrastructure;
pub mod needs;
pub mod pods;
pub mod scaling;
#[cfg(test)]
#[cfg(test)]
pub(crate) mod test_support;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders};

use super::widgets::{freshness, level_symbol, level_word};
use crate::config::{Theme, theme::Role};
use crate::state::rows::Filter;
use crate::state::{PaneId, State};

/// What a pane's `draw` gets.
pub struct PaneCtx<'a> {
    pub state: &'a State,
    pub theme: &'a Theme,
    pub focused: bool,
    /// Opened full-screen (more columns, detail) rather than a cell of the overview.
    pub full: bool,
    /// Index of the selected row in the pane's display order.
    pub selected: usize,
}

impl PaneCtx<'_> {
    /// Whether the user is moving through the pane's rows (focused or full screen), so the
    /// selection is drawn and windows follow it.
    pub fn navigating(&self) -> bool {
        self.full || self.focused
    }
}

pub fn summary(pane: PaneId, state: &State) -> String {
    match pane {
        PaneId::Infrastructure => infrastructure::summary(state),
        PaneId::ArgoCd => argocd::summary(state),
        PaneId::Pods => pods::summary(state),
        PaneId::Scaling => scaling::summary(state),
        PaneId::Alerts => alerts::summary(state),
        PaneId::Cost => cost::summary(state),
    }
}

/// Draw a pane with its frame: number, title, health badge and summary on top, freshness below.
pub fn draw_framed(
    f: &mut Frame,
    area: Rect,
    pane: PaneId,
    state: &State,
    theme: &Theme,
    focused: bool,
    full: bool,
) {
    let level = state.pane_level(pane);
    let badge = theme.level(level);
    let mut title = vec![
        Span::styled(format!(" {} ", pane.index() + 1), theme.style(Role::Muted)),
        Span::styled(pane.title(), theme.style(Role::Title)),
        Span::raw(" "),
        Span::styled(format!("{} {}", level_symbol(level), level_word(level)), badge),
    ];
    // The summary gets what the frame has left, cut with an ellipsis rather than mid-word.
    let used: usize = title.iter().map(|s| s.width()).sum();
    let room = (area.width as usize).saturating_sub(used + 5);
    if room > 3 {
        let text = super::text::fit(&summary(pane, state), room);
        title.push(Span::styled(format!(" {text} "), theme.style(Role::Text)));
    }
    let title = Line::from(title);
    let (fresh, fresh_level) = freshness(state, pane);
    let max = area.width.saturating_sub(4) as usize;
    let fresh = super::text::fit(&fresh, max);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(if focused { BorderType::Thick } else { BorderType::Rounded })
        .border_style(super::widgets::border_style(state, theme, focused))
        .title(title)
        .title_bottom(
            Line::from(Span::styled(format!(" {fresh} "), theme.level(fresh_level))).right_aligned(),
        );
    // What narrows or orders the rows is always in sight: "/cart · sorted by restarts ↓".
    let mut shaping = Vec::new();
    if let Some(ns) =
        state.view.namespace.as_deref().filter(|_| matches!(pane, PaneId::Pods | PaneId::Scaling))
    {
        shaping.push(format!("ns {}", super::text::clean(ns)));
    }
    if let Some(fl) = state.view.filter_text(pane) {
        shaping.push(format!("/{}", super::text::clean(fl)));
    }
    if let Some(sort) = crate::state::rows::sort_label(state, pane) {
        shaping.push(format!("sorted by {sort}"));
    }
    let block = if shaping.is_empty() {
        block
    } else {
        let text = super::text::fit(&shaping.join(" · "), (area.width as usize).saturating_sub(24));
        block.title_bottom(
            Line::from(Span::styled(format!(" {text} "), theme.style(Role::Accent))).left_aligned(),
        )
    };
    let inner = block.inner(area);
    f.render_widget(block, area);
    if needs::draw(f, inner, pane, state, theme) {
        return;
    }
    let ctx = PaneCtx { state, theme, focused, full, selected: state.view.selected(pane) };
    match pane {
        PaneId::Infrastructure => infrastructure::draw(f, inner, &ctx),
        PaneId::ArgoCd => argocd::draw(f, inner, &ctx),
        PaneId::Pods => pods::draw(f, inner, &ctx),
        PaneId::Scaling => scaling::draw(f, inner, &ctx),
        PaneId::Alerts => alerts::draw(f, inner, &ctx),
        PaneId::Cost => cost::draw(f, inner, &ctx),
    }
    let needle = state.view.filter_text(pane).and_then(Filter::parse);
    if let Some(needle) = needle.as_ref().and_then(|n| n.highlight()) {
        mark_matches(f, inner, needle, theme);
    }
}

/// Mark where a `/` filter's text appears in the pane as drawn, so the eye finds why a row
/// is there. Works on the screen cells, so it needs no pane's help.
pub(crate) fn mark_matches(f: &mut Frame, area: Rect, needle: &str, theme: &Theme) {
    let needle: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
    if needle.is_empty() {
        return;
    }
    let style = theme.style(Role::Match);
    let area = area.intersection(f.area());
    let buf = f.buffer_mut();
    for y in area.top()..area.bottom() {
        let row: Vec<char> = (area.left()..area.right())
            .map(|x| buf[(x, y)].symbol().chars().next().unwrap_or(' ').to_lowercase().next().unwrap_or(' '))
            .collect();
        let mut i = 0;
        while i + needle.len() <= row.len() {
            if row[i..i + needle.len()] == needle[..] {
                for k in 0..needle.len() {
                    let cell = &mut buf[(area.left() + (i + k) as u16, y)];
                    let reversed = cell.modifier.contains(ratatui::style::Modifier::REVERSED);
                    match style.fg {
                        // On the selected row the match's colour may not read; its bold and
                        // underline still mark it.
                        Some(fg) if !theme.readable(fg, style.bg.unwrap_or(cell.bg), reversed) => {
                            cell.set_style(ratatui::style::Style { fg: None, ..style });
                        }
                        _ => {
                            cell.set_style(style);
                        }
                    }
                }
                i += needle.len();
            } else {
                i += 1;
            }
        }
    }
}
