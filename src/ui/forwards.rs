//! The port-forwards (`:pf`): where each goes, its state (listening, the pod gone, refused) in
//! its level's colour and symbol, connections and bytes moved; and a background command's
//! output as it comes, with how it ended.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Cell, Paragraph, Row, Table, Wrap};

use super::text;
use super::widgets::{border_style, level_symbol, window_start};
use crate::config::{Theme, theme::Role};
use crate::domain::format;
use crate::state::State;
use crate::state::forwards::Forward;

fn framed(f: &mut Frame, area: Rect, state: &State, theme: &Theme, title: Line<'static>) -> Rect {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Thick)
        .border_style(border_style(state, theme, true))
        .title(text::fit_line(title, area.width.saturating_sub(2) as usize));
    let inner = block.inner(area);
    f.render_widget(block, area);
    inner
}

pub fn draw(f: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let list = &state.forwards.list;
    let active = list.iter().filter(|f| f.active()).count();
    let title = Line::from(vec![
        Span::styled(" Port-forwards ", theme.style(Role::Title)),
        Span::styled(format!("{active} active · {} in all ", list.len()), theme.style(Role::Muted)),
    ]);
    let inner = framed(f, area, state, theme, title);
    if list.is_empty() {
        let note = " none: F on a pod or a Service forwards a local port to it";
        f.render_widget(Paragraph::new(Span::styled(note, theme.style(Role::Muted))), inner);
        return;
    }
    let selected = state.view.forward_selected.min(list.len() - 1);
    // The selected forward in full under the list: where it goes and why it is in its state.
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Min(2), Constraint::Length(3)]).areas(inner);
    let fw = &list[selected];
    let detail = vec![
        Line::from(Span::styled("─".repeat(detail_area.width as usize), theme.style(Role::Border))),
        Line::from(vec![
            Span::styled(format!("127.0.0.1:{} → ", fw.local), theme.style(Role::Muted)),
            Span::raw(text::clean(&destination(fw, state.is_fleet())).into_owned()),
            Span::styled(
                format!(" · {} connections, {} open · ", fw.connections, fw.open),
                theme.style(Role::Muted),
            ),
            Span::styled(text::clean(&fw.state_text()).into_owned(), theme.level(fw.level())),
        ]),
    ];
    f.render_widget(Paragraph::new(detail).wrap(Wrap { trim: false }), detail_area);
    table(f, table_area, state, theme, selected);
}

/// Where a forward goes: the pod's port, and the Service it was asked on; in a fleet, in which
/// cluster first.
fn destination(fw: &Forward, fleet: bool) -> String {
    let via = fw.via.as_ref().map(|s| format!(" (via svc/{s})")).unwrap_or_default();
    format!("{}{}/{}:{}{via}", cluster_of(fw, fleet), fw.namespace, fw.pod, fw.remote)
}

/// "shop-prod · " in a fleet; nothing with one cluster.
fn cluster_of(fw: &Forward, fleet: bool) -> String {
    if fleet { format!("{} · ", fw.cluster) } else { String::new() }
}

/// One row a forward; connections and age only where there is room (the detail line says them).
fn table(f: &mut Frame, inner: Rect, state: &State, theme: &Theme, selected: usize) {
    let list = &state.forwards.list;
    let wide = inner.width >= 120;
    let names: &[&str] = if wide {
        &["", "LOCAL", "TO", "STATE", "CONNS", "SENT", "RECEIVED", "AGE"]
    } else {
        &["", "LOCAL", "POD:PORT", "STATE", "SENT", "RECEIVED"]
    };
    let header = Row::new(names.to_vec()).style(theme.style(Role::Header));
    let rows_shown = inner.height.saturating_sub(1) as usize;
    let start = window_start(selected, list.len(), rows_shown);
    let rows: Vec<Row> = list
        .iter()
        .enumerate()
        .skip(start)
        .take(rows_shown)
        .map(|(i, fw)| {
            let level = fw.level();
            let fleet = state.is_fleet();
            let to = if wide {
                destination(fw, fleet)
            } else {
                format!("{}{}:{}", cluster_of(fw, fleet), fw.pod, fw.remote)
            };
            let mut cells = vec![
                Cell::from(Span::styled(level_symbol(level), theme.level(level))),
                Cell::from(format!("127.0.0.1:{}", fw.local)),
                Cell::from(text::clean(&to).into_owned()),
                Cell::from(Span::styled(fw.state_word(), theme.level(level))),
            ];
            if wide {
                cells.push(Cell::from(format!("{} ({} open)", fw.connections, fw.open)));
            }
            cells.push(Cell::from(format::bytes(fw.bytes_out)));
            cells.push(Cell::from(format::bytes(fw.bytes_in)));
            if wide {
                cells.push(Cell::from(format::age(state.now, fw.started)));
            }
            let row = Row::new(cells);
            if i == selected { row.style(theme.style(Role::Selection)) } else { row }
        })
        .collect();
    let mut widths =
        vec![Constraint::Length(1), Constraint::Length(15), Constraint::Fill(1), Constraint::Length(11)];
    if wide {
        widths.push(Constraint::Length(12));
    }
    widths.extend([Constraint::Length(8), Constraint::Length(8)]);
    if wide {
        widths.push(Constraint::Length(5));
    }
    f.render_widget(Table::new(rows, widths).header(header).column_spacing(1), inner);
    if (start..start + rows_shown).contains(&selected) {
        let y = inner.y + 1 + (selected - start) as u16;
        super::table::restyle_selected(f, Rect { y, height: 1, ..inner }, theme);
    }
}

/// A background command's output.
pub fn output(f: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let Some(o) = &state.view.output else { return };
    let (end, level) = match &state.output_exit {
        None => ("running".to_string(), crate::state::Level::Accent),
        Some(Ok(0)) => ("exited 0".to_string(), crate::state::Level::Ok),
        Some(Ok(c)) => (format!("exited {c}"), crate::state::Level::Warn),
        Some(Err(e)) => (format!("could not run: {e}"), crate::state::Level::Crit),
    };
    let title = Line::from(vec![
        Span::styled(format!(" {} ", text::clean(&o.name)), theme.style(Role::Title)),
        Span::styled(format!("{} · ", text::clean(&o.line)), theme.style(Role::Muted)),
        Span::styled(format!("{end} "), theme.level(level)),
    ]);
    let inner = framed(f, area, state, theme, title);
    let buf = &state.output;
    let h = inner.height as usize;
    let top = o.scroll.unwrap_or(buf.len().saturating_sub(h));
    let lines: Vec<Line> = buf
        .iter()
        .skip(top)
        .take(h)
        .map(|l| {
            text::fit_line(
                Line::from(Span::styled(text::clean(l).into_owned(), theme.style(Role::Text))),
                inner.width as usize,
            )
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}
