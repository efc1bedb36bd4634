//! The silences view: active, pending and expired silences from every Alertmanager, with
//! their matchers, window, author and comment; an unexpired one that matches no current alert
//! is flagged, since it is probably left over and may hide the next real problem.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::{PaneCtx, short_source};
use crate::config::theme::Role;
use crate::domain::format;
use crate::domain::silence::format_matchers;
use crate::state::Level;
use crate::state::silences::SilenceState;
use crate::ui::widgets::level_symbol;
use crate::ui::{table, text};

pub(super) fn draw(f: &mut Frame, area: Rect, ctx: &PaneCtx) {
    let t = ctx.theme;
    let alerts = &ctx.state.alerts;
    let now = ctx.state.now;
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let count = |st: SilenceState| alerts.silences.iter().filter(|s| s.state == st).count();
    let orphans = alerts.silences.iter().filter(|s| alerts.matches_nothing(s)).count();
    let mut spans = vec![Span::styled(
        format!(
            "silences: {} active · {} pending · {} expired",
            count(SilenceState::Active),
            count(SilenceState::Pending),
            count(SilenceState::Expired)
        ),
        t.style(Role::Title),
    )];
    if orphans > 0 {
        spans.push(Span::styled(
            format!("  {} {orphans} match no alert", level_symbol(Level::Warn)),
            t.level(Level::Warn),
        ));
    }
    spans.push(Span::styled("   S back to alerts", t.style(Role::Muted)));
    f.render_widget(Paragraph::new(Line::from(spans)), head);
    if alerts.silences.is_empty() {
        let msg = Span::styled("  no silences", t.style(Role::Muted));
        f.render_widget(Paragraph::new(msg), body);
        return;
    }
    let rows_h = body.height.saturating_sub(1) as usize;
    let (start, visible) = table::visible(&alerts.silences, ctx.selected, rows_h);
    let wide = body.width >= 110;
    let header: Vec<&str> = if wide {
        vec!["STATE", "MATCHERS", "ENDS", "BY", "SOURCE", "ID", "COMMENT"]
    } else {
        vec!["STATE", "MATCHERS", "ENDS", "BY", "COMMENT"]
    };
    let header = Row::new(header.into_iter().map(Cell::from)).style(t.style(Role::Header));
    let matcher_w: u16 = if wide { 48 } else { 30 };
    let rows = visible.iter().map(|s| {
        let orphan = alerts.matches_nothing(s);
        let level = match s.state {
            SilenceState::Expired => Level::Muted,
            _ if orphan => Level::Warn,
            SilenceState::Active => Level::Ok,
            SilenceState::Pending => Level::Accent,
        };
        let state = if orphan {
            format!("{} no match", level_symbol(level))
        } else {
            format!("{} {}", level_symbol(level), s.state.label())
        };
        let ends = match s.state {
            SilenceState::Expired => format!("{} ago", format::age(now, s.ends_at)),
            _ => format!("in {}", format::age(s.ends_at, now)),
        };
        let text_style =
            if s.state == SilenceState::Expired { t.style(Role::Muted) } else { t.style(Role::Text) };
        let mut cells = vec![
            Cell::from(Span::styled(state, t.level(level))),
            Cell::from(Span::styled(
                text::fit(&format_matchers(&s.matchers), matcher_w as usize),
                text_style,
            )),
            Cell::from(Span::styled(ends, t.style(Role::Muted))),
            Cell::from(Span::styled(text::fit(&s.created_by, 12), t.style(Role::Muted))),
        ];
        if wide {
            cells.push(Cell::from(Span::styled(short_source(&s.source, false), t.style(Role::Muted))));
            cells.push(Cell::from(Span::styled(text::fit(&s.id, 8), t.style(Role::Muted))));
        }
        cells.push(Cell::from(Span::styled(text::clean(&s.comment).into_owned(), text_style)));
        Row::new(cells)
    });
    let mut widths = vec![
        Constraint::Length(10),
        Constraint::Length(matcher_w),
        Constraint::Length(10),
        Constraint::Length(12),
    ];
    if wide {
        widths.extend([Constraint::Length(16), Constraint::Length(8)]);
    }
    widths.push(Constraint::Fill(1));
    let table = Table::new(rows, widths).header(header).column_spacing(1);
    table::draw_stateful(f, body, t, table, start, ctx.selected, ctx.navigating());
}
