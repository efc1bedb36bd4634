//! The Cost pane's two charts: spend by service as horizontal bars (the selectable rows) and the
//! daily trend. Draws what it is given; computes no totals the report does not already hold.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::PaneCtx;
use crate::config::theme::Role;
use crate::domain::format;
use crate::state::cost::CostReport;
use crate::ui::table;
use crate::ui::text;
use crate::ui::widgets;

/// One row per service: name as Cost Explorer gives it, a bar against the largest, amount, share.
pub(super) fn services(f: &mut Frame, area: Rect, rows: &[(String, f64)], highlight: bool, ctx: &PaneCtx) {
    let t = ctx.theme;
    if area.height == 0 || rows.is_empty() {
        return;
    }
    let w = area.width as usize;
    let top = rows.iter().map(|r| r.1).fold(0.0, f64::max).max(f64::EPSILON);
    let total: f64 = rows.iter().map(|r| r.1).sum();
    let money_w = rows.iter().map(|r| format::money(r.1).width()).max().unwrap_or(0);
    let share_w = if w >= 50 { 5 } else { 0 };
    let bar_w = (w / 4).clamp(4, 24);
    let name_w = w.saturating_sub(money_w + share_w + bar_w + 2);
    let height = area.height as usize;
    let (start, shown) = table::visible(rows, ctx.selected, height);
    let lines: Vec<Line> = shown
        .iter()
        .enumerate()
        .map(|(i, (name, v))| {
            // top_services appends the rest as "Other": it is not a service to look up.
            let other = start + i == rows.len() - 1 && name == "Other";
            let name_style = if other { t.style(Role::Muted) } else { t.style(Role::Text) };
            let mut spans = vec![
                Span::styled(text::pad(name, name_w), name_style),
                Span::raw(" "),
                Span::styled(widgets::bar(v / top, bar_w), t.style(Role::Bar)),
                Span::styled(format!(" {:>money_w$}", format::money(*v)), t.style(Role::Text)),
            ];
            if share_w > 0 {
                let share = if total > 0.0 { format::percent(v / total) } else { String::new() };
                spans.push(Span::styled(format!("{share:>share_w$}"), t.style(Role::Muted)));
            }
            Line::from(spans)
        })
        .collect();
    f.render_widget(Paragraph::new(lines), area);
    if highlight {
        table::mark_selected_line(f, area, t, start, shown.len(), ctx.selected);
    }
}

/// The daily spend so far: a label line, then a bar per day (today, still partial, muted).
pub(super) fn daily(f: &mut Frame, area: Rect, r: &CostReport, ctx: &PaneCtx) {
    let t = ctx.theme;
    if area.height == 0 {
        return;
    }
    let n = r.daily.len();
    if n == 0 {
        f.render_widget(Span::styled("no daily figures yet", t.style(Role::Muted)), area);
        return;
    }
    // The rate the forecast uses: the last seven full days (today is still partial).
    let full_days = &r.daily[..n.saturating_sub(1).max(1)];
    let week = &full_days[full_days.len().saturating_sub(7)..];
    let rate = week.iter().sum::<f64>() / week.len() as f64;
    let (rate, today) = (format::money(rate), format::money(r.daily[n - 1]));
    let forms = [
        format!(" · day {n} of {} · last 7 days {rate}/day · today so far {today}", r.days_in_month),
        format!(" · day {n} of {} · last 7 days {rate}/day", r.days_in_month),
        format!(" · {rate}/day"),
    ];
    let room = (area.width as usize).saturating_sub(11);
    let words = forms.iter().find(|f| f.chars().count() <= room).unwrap_or(&forms[2]).clone();
    let label = Line::from(vec![
        Span::styled("daily spend", t.style(Role::Header)),
        Span::styled(words, t.style(Role::Muted)),
    ]);
    let [label_area, chart] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    if chart.height == 0 {
        // One row only: the label gives way to a text sparkline.
        let cents = r.daily.iter().map(|v| (v * 100.0).max(0.0) as u64);
        let spark = widgets::sparkline_text(cents, area.width.saturating_sub(7) as usize);
        f.render_widget(
            Line::from(vec![
                Span::styled("daily ", t.style(Role::Muted)),
                Span::styled(spark, t.style(Role::Bar)),
            ]),
            area,
        );
        return;
    }
    f.render_widget(label, label_area);
    let w = chart.width as usize;
    // A slot for every day of the month, so the chart also shows how much of it is left.
    let slots = (r.days_in_month as usize).max(n);
    let gap = usize::from(slots * 2 - 1 <= w);
    let bar_w = ((w + gap) / slots).saturating_sub(gap).clamp(1, 6);
    let fits = (w + gap) / (bar_w + gap);
    // Too many days for the width: the newest win.
    let first = n.saturating_sub(fits);
    let labelled = bar_w >= 2 && chart.height >= 3;
    let bars: Vec<Bar> = (first..slots.min(first + fits))
        .map(|i| {
            let day = i + 1;
            let v = r.daily.get(i).copied().unwrap_or(0.0);
            let style = if day == n { t.style(Role::Muted) } else { t.style(Role::Bar) };
            let bar = Bar::default().value((v * 100.0).round().max(0.0) as u64).text_value("").style(style);
            if labelled { bar.label(Line::from(format!("{day:>2}"))) } else { bar }
        })
        .collect();
    let chart_widget = BarChart::vertical(bars)
        .bar_width(bar_w as u16)
        .bar_gap(gap as u16)
        .bar_style(t.style(Role::Bar))
        .label_style(t.style(Role::Muted));
    f.render_widget(chart_widget, chart);
}
