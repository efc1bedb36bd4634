//! The selected HPA in the full Scaling view: replicas and metrics in words, its conditions with
//! reasons and messages, and tall replica and utilisation sparklines. Draws one HPA; reads nothing else.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline, SparklineBar, Wrap};

use super::{PaneCtx, metric_span, peak_metric, status};
use crate::config::theme::Role;
use crate::domain::format;
use crate::state::Level;
use crate::state::scaling::{Hpa, HpaCondition, HpaHistory};
use crate::ui::text;
use crate::ui::widgets::level_symbol;

/// Wide enough to put the words and the sparklines side by side.
const SIDE_BY_SIDE: u16 = 100;

pub(super) fn draw(f: &mut Frame, area: Rect, h: &Hpa, hist: Option<&HpaHistory>, ctx: &PaneCtx) {
    if area.height == 0 {
        return;
    }
    let head = head_lines(h, ctx);
    if area.width >= SIDE_BY_SIDE {
        let [left, _, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Length(2), Constraint::Fill(1)])
                .areas(area);
        let mut lines = head;
        lines.push(Line::default());
        lines.extend(condition_lines(h, ctx));
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), left);
        // A label and up to eight rows each: taller bars add no information.
        let each = (area.height / 2).min(12);
        let [top, bottom] =
            Layout::vertical([Constraint::Length(each), Constraint::Length(each)]).areas(right);
        replicas_chart(f, top, h, hist, ctx);
        utilisation_chart(f, bottom, h, hist, ctx);
        return;
    }
    let conds = condition_lines(h, ctx);
    let head_h = head.len() as u16;
    // Sparklines get what the words leave, but at least a label and two rows.
    let spark_h = area.height.saturating_sub(head_h + conds.len().min(3) as u16).clamp(3, 7);
    let [head_area, spark_area, cond_area] =
        Layout::vertical([Constraint::Length(head_h), Constraint::Length(spark_h), Constraint::Fill(1)])
            .areas(area);
    f.render_widget(Paragraph::new(head), head_area);
    let [l, _, r] = Layout::horizontal([Constraint::Fill(1), Constraint::Length(2), Constraint::Fill(1)])
        .areas(spark_area);
    replicas_chart(f, l, h, hist, ctx);
    utilisation_chart(f, r, h, hist, ctx);
    f.render_widget(Paragraph::new(conds).wrap(Wrap { trim: false }), cond_area);
}

fn head_lines(h: &Hpa, ctx: &PaneCtx) -> Vec<Line<'static>> {
    let t = ctx.theme;
    let st = status(h);
    let level = h.level();
    let title = Line::from(vec![
        Span::styled(format!("{} ", level_symbol(level)), t.level(level)),
        Span::styled(text::clean(&format!("{}/{}", h.namespace, h.name)).into_owned(), t.style(Role::Title)),
        Span::styled(
            format!(" → {}/{}  ", text::clean(&h.target.kind), text::clean(&h.target.name)),
            t.style(Role::Muted),
        ),
        Span::styled(st.long, t.level(st.level)),
    ]);
    let scaled = h.last_scale.map_or("never scaled".to_string(), |at| {
        format!("last scaled {} ago", format::age(ctx.state.now, at))
    });
    let moving = if h.desired != h.current { format!(" → {} desired", h.desired) } else { String::new() };
    let replicas = Line::from(vec![
        Span::styled("replicas ", t.style(Role::Muted)),
        Span::styled(format!("{} now{moving}", h.current), t.level(st.level)),
        Span::styled(format!(" · min {} · max {} · {scaled}", h.min, h.max), t.style(Role::Muted)),
    ]);
    let mut metrics = vec![Span::styled("metrics  ", t.style(Role::Muted))];
    if h.metrics.is_empty() {
        metrics.push(Span::styled("none reported", t.style(Role::Muted)));
    }
    for (i, m) in h.metrics.iter().enumerate() {
        if i > 0 {
            metrics.push(Span::styled(" · ", t.style(Role::Muted)));
        }
        metrics.push(metric_span(m, false, ctx));
        if m.current.is_some_and(|c| c > m.target) {
            metrics.push(Span::styled(" ▲ over target", t.style(Role::Warn)));
        }
    }
    vec![title, replicas, Line::from(metrics)]
}

fn condition_level(h: &Hpa, c: &HpaCondition) -> Level {
    match c.kind.as_str() {
        "ScalingActive" | "AbleToScale" if !c.status => Level::Crit,
        "ScalingLimited" if c.status && h.level() == Level::Warn => Level::Warn,
        "ScalingLimited" if c.status => Level::Muted,
        _ => Level::Ok,
    }
}

fn condition_lines(h: &Hpa, ctx: &PaneCtx) -> Vec<Line<'static>> {
    let t = ctx.theme;
    if h.conditions.is_empty() {
        return vec![Line::from(Span::styled("no conditions reported", t.style(Role::Muted)))];
    }
    h.conditions
        .iter()
        .map(|c| {
            let level = condition_level(h, c);
            let mut spans = vec![
                Span::styled(format!("{} ", level_symbol(level)), t.level(level)),
                Span::styled(
                    format!("{}={}", text::clean(&c.kind), if c.status { "True" } else { "False" }),
                    t.level(level),
                ),
            ];
            if !c.reason.is_empty() {
                spans.push(Span::styled(format!(" {}", text::clean(&c.reason)), t.style(Role::Text)));
            }
            if !c.message.is_empty() {
                spans.push(Span::styled(format!(": {}", text::clean(&c.message)), t.style(Role::Muted)));
            }
            Line::from(spans)
        })
        .collect()
}

/// The newest `width` samples: the widget draws from the oldest it is given.
fn newest<T: Copy>(q: &std::collections::VecDeque<T>, width: u16) -> impl Iterator<Item = T> + '_ {
    q.iter().skip(q.len().saturating_sub(width as usize)).copied()
}

fn replicas_chart(f: &mut Frame, area: Rect, h: &Hpa, hist: Option<&HpaHistory>, ctx: &PaneCtx) {
    let t = ctx.theme;
    let n = hist.map_or(0, |x| x.replicas.len());
    let long = format!(" · now {} of max {} · {n} samples", h.current, h.max);
    let words = if 8 + long.chars().count() <= area.width as usize {
        long
    } else {
        format!(" {}/{}", h.current, h.max)
    };
    let label = Line::from(vec![
        Span::styled("replicas", t.style(Role::Header)),
        Span::styled(words, t.style(Role::Muted)),
    ]);
    let Some(hist) = hist.filter(|_| n > 0) else {
        return chart_frame(f, area, label, None, ctx);
    };
    let [_, chart] = split_label(area);
    // Scaled to max, so the height of the chart is the headroom left.
    let data: Vec<u64> = newest(&hist.replicas, chart.width).collect();
    let role = if h.level() == Level::Warn { Role::Warn } else { Role::Bar };
    let spark = Sparkline::default().data(data).max(h.max.max(1) as u64).style(t.style(role));
    chart_frame(f, area, label, Some(spark), ctx);
}

fn utilisation_chart(f: &mut Frame, area: Rect, h: &Hpa, hist: Option<&HpaHistory>, ctx: &PaneCtx) {
    let t = ctx.theme;
    let peak = peak_metric(h);
    let target = peak.map(|m| m.target as u64);
    let over = peak.is_some_and(|m| m.current.is_some_and(|c| c > m.target));
    let (long, short) = match peak {
        Some(m) => {
            let (name, cur) = (text::clean(&m.name), m.current.unwrap_or(0));
            let mark = if over { "▲ " } else { "" };
            let rel = if over { "over" } else { "of" };
            (
                format!("peak utilisation · {mark}{name} {cur}% {rel} {}% target", m.target),
                format!("util {mark}{name} {cur}%/{}%", m.target),
            )
        }
        None => ("peak utilisation · no metric data now".to_string(), "util · no data now".to_string()),
    };
    let words = if long.chars().count() <= area.width as usize { long } else { short };
    let style = if over { t.style(Role::Warn) } else { t.style(Role::Muted) };
    let label = Line::from(Span::styled(words, style));
    let Some(hist) = hist.filter(|x| !x.utilisation.is_empty()) else {
        return chart_frame(f, area, label, None, ctx);
    };
    let [_, chart] = split_label(area);
    let warn = t.style(Role::Warn);
    let data: Vec<SparklineBar> = newest(&hist.utilisation, chart.width)
        .map(|v| {
            let bar = SparklineBar::from(v);
            if v.zip(target).is_some_and(|(v, tg)| v > tg) { bar.style(Some(warn)) } else { bar }
        })
        .collect();
    let max = hist.utilisation.iter().flatten().copied().max().unwrap_or(0).max(target.unwrap_or(0)).max(1);
    let spark = Sparkline::default().data(data).max(max).style(t.style(Role::Bar));
    chart_frame(f, area, label, Some(spark), ctx);
}

fn split_label(area: Rect) -> [Rect; 2] {
    Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area)
}

fn chart_frame(f: &mut Frame, area: Rect, label: Line<'static>, spark: Option<Sparkline>, ctx: &PaneCtx) {
    let [label_area, chart] = split_label(area);
    f.render_widget(Paragraph::new(label), label_area);
    match spark {
        Some(s) => f.render_widget(s, chart),
        None => f.render_widget(
            Paragraph::new(Span::styled("no history yet", ctx.theme.style(Role::Muted))),
            chart,
        ),
    }
}
