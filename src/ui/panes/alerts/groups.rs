//! The grouped Alerts view: one row per alertname with how many fire, the worst severity and
//! the oldest start, so a storm of one rule reads as one line.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::{PaneCtx, headline, row_style, symbol};
use crate::config::theme::Role;
use crate::domain::format;
use crate::ui::{table, text};

pub(super) fn draw(f: &mut Frame, area: Rect, ctx: &PaneCtx) {
    let t = ctx.theme;
    let alerts = &ctx.state.alerts;
    let groups = alerts.groups();
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    f.render_widget(Paragraph::new(headline(&alerts.items, head.width as usize, ctx)), head);
    let now = ctx.state.now;
    let rows_h = body.height.saturating_sub(1) as usize;
    let (start, visible) = table::visible(&groups, ctx.selected, rows_h);
    let name_w = visible.iter().map(|g| text::clean(g.name).chars().count()).max().unwrap_or(8).clamp(8, 34);
    let header = Row::new(["SEV", "ALERT", "FIRING", "ALL", "OLDEST", "EXAMPLE"].map(Cell::from))
        .style(t.style(Role::Header));
    let rows = visible.iter().map(|g| {
        let a = g.first();
        let oldest = g.members.iter().map(|m| m.since).min().unwrap_or(a.since);
        let example = [a.summary.as_str(), a.name.as_str()].into_iter().find(|s| !s.is_empty()).unwrap_or("");
        Row::new(vec![
            Cell::from(Span::styled(
                format!("{} {}", symbol(a), super::short_severity(a.severity)),
                t.level(a.level()),
            )),
            Cell::from(Span::styled(text::fit(g.name, name_w), row_style(a, ctx))),
            Cell::from(Span::styled(format!("{:>6}", g.active()), t.level(a.level()))),
            Cell::from(Span::styled(format!("{:>4}", g.members.len()), t.style(Role::Muted))),
            Cell::from(Span::styled(format!("{:>6}", format::age(now, oldest)), t.style(Role::Muted))),
            Cell::from(Span::styled(text::clean(example).into_owned(), t.style(Role::Muted))),
        ])
    });
    let widths = [
        Constraint::Length(6),
        Constraint::Length(name_w as u16),
        Constraint::Length(6),
        Constraint::Length(4),
        Constraint::Length(6),
        Constraint::Fill(1),
    ];
    let table = Table::new(rows, widths).header(header).column_spacing(1);
    table::draw_stateful(f, body, t, table, start, ctx.selected, ctx.navigating());
}
