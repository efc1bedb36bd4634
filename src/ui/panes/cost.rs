//! The Cost pane: month-to-date, the forecast against the budget, change vs last month, spend by
//! service and the daily trend. Reads `state.cost.report` only and asks Cost Explorer for nothing.

mod charts;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::PaneCtx;
use crate::config::theme::Role;
use crate::domain::format;
use crate::state::cost::CostReport;
use crate::state::rows;
use crate::state::{Level, PaneId, State};
use crate::ui::text;
use crate::ui::text::fit_line;
use crate::ui::widgets::{self, level_symbol};

/// Wide enough for two columns in the full view.
const TWO_COLUMNS: u16 = 100;

pub const FORECAST_NOTE: &str = "forecast: spend so far + the mean of the last 7 full days × days left";

pub fn summary(state: &State) -> String {
    match &state.cost.report {
        Some(r) => format!("{} MTD · fcst {}", format::money(r.month_to_date()), format::money(r.forecast())),
        None => String::new(),
    }
}

pub fn draw(f: &mut Frame, area: Rect, ctx: &PaneCtx) {
    if area.height == 0 || area.width < 8 {
        return;
    }
    let Some(report) = &ctx.state.cost.report else {
        if widgets::source_reported(ctx.state, PaneId::Cost) {
            widgets::empty_note(f, area, "no cost report yet", ctx.theme.style(Role::Muted));
        }
        return;
    };
    if ctx.full {
        draw_full(f, area, report, ctx);
    } else {
        draw_compact(f, area, report, ctx);
    }
}

/// "↑ +12%" for a fractional change; the arrow says the direction without colour.
fn change_text(r: f64) -> String {
    let arrow = if r > 0.005 {
        "↑"
    } else if r < -0.005 {
        "↓"
    } else {
        "→"
    };
    format!("{arrow} {}", format::change(r))
}

/// The budget verdict in words, with the level it is drawn in.
fn verdict(r: &CostReport) -> Option<(String, Level)> {
    let budget = r.budget?;
    Some(match r.level() {
        Level::Crit => (
            format!(
                "{} over budget: {} spent of {}",
                level_symbol(Level::Crit),
                format::money(r.month_to_date()),
                format::money(budget)
            ),
            Level::Crit,
        ),
        Level::Warn => (
            format!(
                "{} forecast over budget by {}",
                level_symbol(Level::Warn),
                format::money(r.forecast() - budget)
            ),
            Level::Warn,
        ),
        _ => (
            format!(
                "{} forecast within budget ({} left)",
                level_symbol(Level::Ok),
                format::money(budget - r.forecast())
            ),
            Level::Ok,
        ),
    })
}

/// "cached · from 3 h ago · no request" or "fetched 3 h ago · 2 requests ($0.02)": how old the
/// numbers are, where they came from, and what they cost (Cost Explorer bills each request).
fn data_age(r: &CostReport, now: i64) -> String {
    let ago = format::ago(now, r.fetched_at);
    match (r.from_cache, r.requests) {
        (true, _) => format!("cached · from {ago} · no request"),
        (false, 0) => format!("fetched {ago}"),
        (false, 1) => format!("fetched {ago} · 1 request ($0.01)"),
        (false, n) => format!("fetched {ago} · {n} requests (${:.2})", f64::from(n) * 0.01),
    }
}

/// "UnblendedCost" (plus the currency when it is not dollars, since `money` prints "$").
fn metric_text(r: &CostReport) -> String {
    let metric = text::clean(&r.metric);
    if r.currency.is_empty() || r.currency == "USD" {
        metric.into_owned()
    } else {
        format!("{metric} · {}", text::clean(&r.currency))
    }
}

fn mtd_line(r: &CostReport, with_month: bool, ctx: &PaneCtx) -> Line<'static> {
    let t = ctx.theme;
    let mtd_style = if r.level() == Level::Crit { t.level(Level::Crit) } else { t.style(Role::Title) };
    let mut spans = vec![
        Span::styled("MTD ", t.style(Role::Muted)),
        Span::styled(format::money(r.month_to_date()), mtd_style),
    ];
    if let Some(c) = r.change_vs_last_month() {
        spans.push(Span::styled(format!("  {}", change_text(c)), t.style(Role::Text)));
        spans.push(Span::styled(" vs same days last month", t.style(Role::Muted)));
    }
    if with_month {
        spans.push(Span::styled(
            format!("  · {} day {} of {}", text::clean(&r.month), r.daily.len(), r.days_in_month),
            t.style(Role::Muted),
        ));
    }
    Line::from(spans)
}

/// "fcst $1,712 ████████░░ 114% of $1,500" in `width` columns, the bar coloured by the verdict.
fn gauge_line(r: &CostReport, width: usize, ctx: &PaneCtx) -> Line<'static> {
    let t = ctx.theme;
    let level = r.level();
    let head = format!("fcst {} ", format::money(r.forecast()));
    let Some(budget) = r.budget.filter(|b| *b > 0.0) else {
        return Line::from(vec![
            Span::styled(head, t.style(Role::Text)),
            Span::styled("· no budget set", t.style(Role::Muted)),
        ]);
    };
    let ratio = r.forecast() / budget;
    let mut tail = format!(" {} of {}", format::percent(ratio), format::money(budget));
    if width.saturating_sub(head.width() + tail.width()) < 4 {
        tail = format!(" {}", format::percent(ratio));
    }
    let bar_w = width.saturating_sub(head.width() + tail.width()).min(30);
    let mut spans = vec![Span::styled(head, t.style(Role::Text))];
    if bar_w >= 4 {
        spans.push(Span::styled(widgets::bar(ratio, bar_w), t.level(level)));
    }
    spans.push(Span::styled(tail, t.level(level)));
    Line::from(spans)
}

fn draw_compact(f: &mut Frame, area: Rect, r: &CostReport, ctx: &PaneCtx) {
    let t = ctx.theme;
    let w = area.width as usize;
    let mut lines = vec![fit_line(mtd_line(r, false, ctx), w), gauge_line(r, w, ctx)];
    if let Some((words, level)) = verdict(r).filter(|v| v.1 != Level::Ok) {
        lines.push(Line::from(Span::styled(text::fit(&words, w), t.level(level))));
    }
    let head_h = lines.len() as u16;
    let [head, rest] = Layout::vertical([Constraint::Length(head_h), Constraint::Fill(1)]).areas(area);
    f.render_widget(Paragraph::new(lines), head);
    if rest.height == 0 {
        return;
    }
    let services = rows::services(ctx.state);
    // Tall cells (the wide overview) have room for the daily trend and the data's age below.
    let list_h = (services.len() as u16).min(rest.height);
    let spare = rest.height - list_h;
    let trend_h = if spare >= 4 { (spare - 1).min(6) } else { 0 };
    let [list, trend, age] = Layout::vertical([
        Constraint::Length(list_h),
        Constraint::Length(trend_h),
        Constraint::Length(u16::from(spare > trend_h)),
    ])
    .areas(rest);
    charts::services(f, list, &services, ctx.navigating(), ctx);
    if trend_h > 0 {
        charts::daily(f, trend, r, ctx);
    }
    let age_text = format!("{} · {}", metric_text(r), data_age(r, ctx.state.now));
    f.render_widget(Paragraph::new(Span::styled(text::fit(&age_text, w), t.style(Role::Muted))), age);
}

/// The numbers in words, the budget gauge, the forecast note and where the data came from.
fn overview_block(f: &mut Frame, area: Rect, r: &CostReport, ctx: &PaneCtx) {
    let t = ctx.theme;
    let w = area.width as usize;
    let now = ctx.state.now;
    let mut top = vec![fit_line(mtd_line(r, true, ctx), w)];
    let mut compare = Vec::new();
    if let Some(prev) = r.last_month_same_days {
        compare.push(format!("same {} days last month {}", r.daily.len(), format::money(prev)));
    }
    if let Some(total) = r.last_month_total {
        compare.push(format!("last month total {}", format::money(total)));
    }
    if !compare.is_empty() {
        top.push(Line::from(Span::styled(text::fit(&compare.join(" · "), w), t.style(Role::Muted))));
    }
    let level = r.level();
    let mut fc = vec![
        Span::styled("forecast ", t.style(Role::Muted)),
        Span::styled(format::money(r.forecast()), t.level(level).patch(t.style(Role::Title))),
        Span::styled(" by month end", t.style(Role::Muted)),
    ];
    match verdict(r) {
        Some((words, lv)) => fc.push(Span::styled(format!("  {words}"), t.level(lv))),
        None => fc.push(Span::styled("  · no budget set", t.style(Role::Muted))),
    }
    top.push(fit_line(Line::from(fc), w));
    let gauges = if r.budget.is_some_and(|b| b > 0.0) { 2 } else { 0 };
    let bottom = vec![
        Line::from(Span::styled(text::fit(FORECAST_NOTE, w), t.style(Role::Muted))),
        Line::from(Span::styled(
            text::fit(&format!("{} · {}", metric_text(r), data_age(r, now)), w),
            t.style(Role::Muted),
        )),
    ];
    let [top_area, gauge_area, bottom_area] = Layout::vertical([
        Constraint::Length(top.len() as u16),
        Constraint::Length(gauges),
        Constraint::Length(bottom.len() as u16),
    ])
    .areas(area);
    f.render_widget(Paragraph::new(top), top_area);
    f.render_widget(Paragraph::new(bottom), bottom_area);
    let Some(budget) = r.budget.filter(|b| *b > 0.0) else { return };
    let [spent_row, fc_row] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(gauge_area);
    let rows = [
        ("spent    ", r.month_to_date() / budget, if level == Level::Crit { Level::Crit } else { Level::Ok }),
        ("forecast ", r.forecast() / budget, level),
    ];
    for ((name, ratio, lv), row) in rows.into_iter().zip([spent_row, fc_row]) {
        let [label, gauge] = Layout::horizontal([Constraint::Length(9), Constraint::Fill(1)]).areas(row);
        f.render_widget(Span::styled(name, t.style(Role::Muted)), label);
        let words = format!("{} of {} budget", format::percent(ratio), format::money(budget));
        let g = Gauge::default()
            .ratio(ratio.clamp(0.0, 1.0))
            .label(text::fit(&words, gauge.width as usize))
            .use_unicode(true)
            .gauge_style(t.level(lv));
        f.render_widget(g, gauge);
    }
}

fn overview_height(r: &CostReport) -> u16 {
    let compare = u16::from(r.last_month_same_days.is_some() || r.last_month_total.is_some());
    let gauges = if r.budget.is_some_and(|b| b > 0.0) { 2 } else { 0 };
    1 + compare + 1 + gauges + 2
}

fn draw_full(f: &mut Frame, area: Rect, r: &CostReport, ctx: &PaneCtx) {
    let services = rows::services(ctx.state);
    let t = ctx.theme;
    let heading = |s: &'static str| Paragraph::new(Span::styled(s, t.style(Role::Header)));
    if area.width >= TWO_COLUMNS {
        // Numbers and services side by side on top, the daily trend across the whole width below.
        let top_h = overview_height(r).max(services.len() as u16 + 1);
        let [top, _, trend] =
            Layout::vertical([Constraint::Length(top_h), Constraint::Length(1), Constraint::Max(16)])
                .areas(area);
        let [left, _, right] =
            Layout::horizontal([Constraint::Percentage(45), Constraint::Length(3), Constraint::Fill(1)])
                .areas(top);
        overview_block(f, left, r, ctx);
        let [list_head, list] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(right);
        f.render_widget(heading("spend by service, month to date"), list_head);
        charts::services(f, list, &services, true, ctx);
        charts::daily(f, trend, r, ctx);
        return;
    }
    let top_h = overview_height(r);
    let list_h = services.len() as u16;
    let [summary_area, list, _, trend] = Layout::vertical([
        Constraint::Length(top_h),
        Constraint::Length(list_h),
        Constraint::Length(u16::from(area.height > top_h + list_h + 3)),
        Constraint::Fill(1),
    ])
    .areas(area);
    overview_block(f, summary_area, r, ctx);
    charts::services(f, list, &services, true, ctx);
    if trend.height >= 2 {
        charts::daily(f, trend, r, ctx);
    }
}

#[cfg(test)]
mod tests;
