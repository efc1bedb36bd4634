//! CloudWatch metric series as one-line sparklines with their latest value, in the warn role
//! (and ▲) at or above the configured threshold. Formatting only; the series come from the store.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{PaneCtx, pad_uncut};
use crate::config::theme::Role;
use crate::domain::format;
use crate::state::Level;
use crate::state::infra::MetricSeries;
use crate::ui::text;
use crate::ui::widgets::{level_symbol, sparkline_text};

/// A number short enough for a column: 1234, 12.5, 0.25.
fn num(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 || v.fract() == 0.0 {
        format!("{v:.1}").trim_end_matches(".0").to_string()
    } else {
        format!("{v:.2}").trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A value in CloudWatch's unit as people read it: 43%, 512Mi, 250ms, 12, 3.5/s.
pub(super) fn value(v: f64, unit: &str) -> String {
    match unit {
        "Percent" | "%" => format!("{v:.0}%"),
        "Bytes" => format::bytes(v.max(0.0) as u64),
        "Seconds" if v < 1.0 => format!("{:.0}ms", v * 1000.0),
        "Seconds" => format!("{}s", num(v)),
        "Milliseconds" => format!("{}ms", num(v)),
        "Count" | "None" | "" => num(v),
        "Count/Second" => format!("{}/s", num(v)),
        u => format!("{} {}", num(v), text::clean(u)),
    }
}

/// The whole window in at most `width` ticks: each tick is the peak of its slice of points
/// (a 5xx spike must not vanish in an average), scaled so the series' peak maps to 1000
/// because sparkline ticks need integers.
pub(super) fn ticks(m: &MetricSeries, width: usize) -> Vec<u64> {
    let max = m.points.iter().map(|p| p.1).fold(0.0_f64, f64::max);
    let k = if max > 0.0 { 1000.0 / max } else { 1.0 };
    let n = m.points.len();
    let buckets = n.min(width);
    (0..buckets)
        .map(|i| {
            let slice = &m.points[i * n / buckets..((i + 1) * n / buckets).max(i * n / buckets + 1)];
            let peak = slice.iter().map(|p| p.1).fold(0.0_f64, f64::max);
            (peak * k).round() as u64
        })
        .collect()
}

pub(super) fn draw(f: &mut Frame, area: Rect, ctx: &PaneCtx, full: bool) {
    let t = ctx.theme;
    let metrics = &ctx.state.infra.metrics;
    let width = area.width as usize;
    let mut lines = Vec::new();
    if full && area.height as usize > metrics.len() {
        let span = metrics.iter().filter_map(|m| Some(m.points.last()?.0 - m.points.first()?.0)).max();
        let title = match span {
            Some(ms) if ms > 0 => format!(" CloudWatch · last {}", format::duration_ms(ms)),
            _ => " CloudWatch".to_string(),
        };
        lines.push(Line::from(Span::styled(title, t.style(Role::Header))));
    }
    let label_w = metrics
        .iter()
        .map(|m| text::clean(&m.label).chars().count())
        .max()
        .unwrap_or(0)
        .min(width / 3)
        .min(22);
    let values: Vec<String> =
        metrics.iter().map(|m| m.latest().map_or_else(|| "—".to_string(), |v| value(v, &m.unit))).collect();
    let value_w = values.iter().map(|v| v.chars().count()).max().unwrap_or(1).min(12);
    for (m, v) in metrics.iter().zip(&values) {
        let level = m.level();
        let style = if level == Level::Ok { t.style(Role::Text) } else { t.level(level) };
        let sym = if level == Level::Ok { " " } else { level_symbol(level) };
        let threshold = match m.warn_at {
            Some(w) if full => format!("  warn ≥ {}", value(w, &m.unit)),
            _ => String::new(),
        };
        let fixed = 2 + label_w + 1 + 1 + value_w;
        let threshold =
            if width >= fixed + 12 + threshold.chars().count() { threshold } else { String::new() };
        let spark_w = width.saturating_sub(fixed + threshold.chars().count() + 1);
        let spark_style = if level == Level::Ok { t.style(Role::Bar) } else { t.level(level) };
        lines.push(Line::from(vec![
            Span::styled(format!("{sym} "), t.level(level)),
            Span::styled(pad_uncut(&text::fit(&m.label, label_w), label_w + 1), t.style(Role::Text)),
            Span::styled(pad_uncut(&sparkline_text(ticks(m, spark_w), spark_w), spark_w + 1), spark_style),
            Span::styled(format!("{v:>value_w$}"), style),
            Span::styled(threshold, t.style(Role::Muted)),
        ]));
    }
    f.render_widget(Paragraph::new(lines), area);
}
