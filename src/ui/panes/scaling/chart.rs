//! Room to spare in the overview's Scaling cell (160×48 and larger): one HPA's replicas and
//! peak utilisation over the history the store keeps (the last hour of deliveries), as two line
//! charts on one time axis, with its max and its target as dashed lines. Draws one HPA.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph};

use super::{PaneCtx, peak_metric};
use crate::config::theme::Role;
use crate::domain::format;
use crate::state::UnixMs;
use crate::state::scaling::{Hpa, HpaHistory};
use crate::ui::text;

/// The fewest rows worth a chart: a title and two charts of three rows with their time axis.
pub(super) const MIN_ROWS: u16 = 10;
/// Narrower than this and the axis labels leave too little for the line.
pub(super) const MIN_WIDTH: u16 = 36;

/// `name`'s replicas and utilisation over its history, newest at the right edge.
pub(super) fn draw(f: &mut Frame, area: Rect, h: &Hpa, name: &str, hist: Option<&HpaHistory>, ctx: &PaneCtx) {
    let t = ctx.theme;
    let [title, top, bottom] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1), Constraint::Fill(1)]).areas(area);
    let Some(hist) = hist.filter(|x| x.len() >= 2) else {
        let line = Line::from(Span::styled(
            format!("{name}: history starts with the next delivery"),
            t.style(Role::Muted),
        ));
        f.render_widget(Paragraph::new(line), title);
        return;
    };
    let now = ctx.state.now.max(hist.at.back().copied().unwrap_or(0));
    let oldest = hist.at.front().copied().unwrap_or(now);
    // At least a minute across, so a fresh history does not stretch two samples edge to edge.
    let span = (now - oldest).max(60_000);
    let secs = |at: UnixMs| (at - now) as f64 / 1000.0;
    let words = format!("{name} · replicas and peak utilisation, the last {}", format::age(now, now - span));
    f.render_widget(
        Paragraph::new(Line::from(Span::styled(
            text::fit(&words, area.width as usize),
            t.style(Role::Header),
        ))),
        title,
    );
    let x_axis = |labels: bool| {
        let axis = Axis::default().bounds([-(span as f64) / 1000.0, 0.0]).style(t.style(Role::Muted));
        if labels {
            axis.labels([format!("-{}", format::age(now, now - span)), "now".to_string()])
        } else {
            axis
        }
    };
    let edges = [-(span as f64) / 1000.0, 0.0];

    // Replicas against the HPA's max.
    let replicas: Vec<(f64, f64)> =
        hist.at.iter().zip(&hist.replicas).map(|(&a, &r)| (secs(a), r as f64)).collect();
    let max = h.max.max(1) as f64;
    let max_line = [(edges[0], max), (edges[1], max)];
    let role = if h.at_max() && h.over_target() { Role::Warn } else { Role::Bar };
    let sets = vec![line(&max_line, t.style(Role::Muted)), line(&replicas, t.style(role))];
    let y = Axis::default()
        .bounds([0.0, max * 1.1])
        .labels([format!("{:>4}", 0), format!("{:>4}", h.max)])
        .style(t.style(Role::Muted));
    let [label, chart] = split(top);
    let cur = format!("replicas {} of max {} (min {})", h.current, h.max, h.min);
    f.render_widget(
        Paragraph::new(Span::styled(text::fit(&cur, label.width as usize), t.style(role))),
        label,
    );
    f.render_widget(Chart::new(sets).x_axis(x_axis(false)).y_axis(y), chart);

    // Peak utilisation against its target; a sample with no metric breaks the line.
    let target = peak_metric(h).map(|m| m.target as f64);
    let top_pct =
        hist.utilisation.iter().flatten().map(|&u| u as f64).fold(target.unwrap_or(100.0), f64::max);
    let segments = segments(hist, secs);
    let target_line = target.map(|tg| [(edges[0], tg), (edges[1], tg)]);
    let mut sets = Vec::new();
    if let Some(tl) = &target_line {
        sets.push(line(tl, t.style(Role::Muted)));
    }
    let over = h.over_target();
    let util_style = if over { t.style(Role::Warn) } else { t.style(Role::Accent) };
    sets.extend(segments.iter().map(|s| line(s, util_style)));
    let y = Axis::default()
        .bounds([0.0, top_pct * 1.1])
        .labels([format!("{:>3}%", 0), format!("{:>3}%", top_pct as u64)])
        .style(t.style(Role::Muted));
    let [label, chart] = split(bottom);
    let words = match peak_metric(h) {
        Some(m) => format!(
            "peak utilisation {} {}% · target {}%{}",
            text::clean(&m.name),
            m.current.unwrap_or(0),
            m.target,
            if over { " ▲ over" } else { "" }
        ),
        None => "peak utilisation · no metric data now".to_string(),
    };
    f.render_widget(Paragraph::new(Span::styled(text::fit(&words, label.width as usize), util_style)), label);
    f.render_widget(Chart::new(sets).x_axis(x_axis(true)).y_axis(y), chart);
}

fn split(area: Rect) -> [Rect; 2] {
    Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area)
}

fn line<'a>(points: &'a [(f64, f64)], style: Style) -> Dataset<'a> {
    Dataset::default().marker(Marker::Braille).graph_type(GraphType::Line).style(style).data(points)
}

/// The utilisation samples as runs without a gap, each a line of its own.
fn segments(hist: &HpaHistory, secs: impl Fn(UnixMs) -> f64) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (&at, u) in hist.at.iter().zip(&hist.utilisation) {
        match u {
            Some(u) => out.last_mut().expect("one run").push((secs(at), *u as f64)),
            None if out.last().is_some_and(|r| !r.is_empty()) => out.push(Vec::new()),
            None => {}
        }
    }
    out.retain(|r| !r.is_empty());
    out
}
