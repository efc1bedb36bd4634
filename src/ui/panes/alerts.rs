//! The Alerts pane: Alertmanager alerts and CloudWatch alarms in the store's ranked order, plus a detail
//! area for the selected one. Alert text is untrusted: only via `text::clean`/`fit`; never re-sorts.

mod detail;
mod groups;
mod silences;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use unicode_width::UnicodeWidthStr;

use super::PaneCtx;
use crate::config::theme::Role;
use crate::domain::SourceId;
use crate::domain::format;
use crate::domain::source::{DemoFeed, SourceKind};
use crate::state::alerts::{Alert, AlertState, Severity};
use crate::state::rows;
use crate::state::view::AlertsView;
use crate::state::{Level, PaneId, State};
use crate::ui::table::{self, content_width};
use crate::ui::text;
use crate::ui::widgets::{level_symbol, source_reported};

/// Counts per group, for the title and the headline.
#[derive(Default)]
struct Counts {
    critical: usize,
    warning: usize,
    info: usize,
    silenced: usize,
    inhibited: usize,
    no_data: usize,
}

fn counts(items: &[Alert]) -> Counts {
    let mut c = Counts::default();
    for a in items {
        match a.state {
            AlertState::Silenced => c.silenced += 1,
            AlertState::Inhibited => c.inhibited += 1,
            AlertState::InsufficientData => c.no_data += 1,
            AlertState::Firing | AlertState::Alarm => match a.severity {
                Severity::Critical => c.critical += 1,
                Severity::Warning => c.warning += 1,
                Severity::Info => c.info += 1,
                Severity::None => {}
            },
        }
    }
    c
}

pub fn summary(state: &State) -> String {
    let items: Vec<Alert> = state.alerts.items.iter().filter(|a| state.shows(&a.cluster)).cloned().collect();
    if items.is_empty() {
        return if source_reported(state, PaneId::Alerts) { "none firing".into() } else { String::new() };
    }
    let c = counts(&items);
    let mut parts = Vec::new();
    for (n, what) in [(c.critical, "crit"), (c.warning, "warn"), (c.info, "info")] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    let quiet = c.silenced + c.inhibited;
    if quiet > 0 {
        parts.push(format!("{quiet} silenced"));
    }
    if parts.is_empty() {
        parts.push("none firing".to_string());
    }
    // Two groups fit the ~20 columns an 80-column overview leaves for the title; the headline
    // inside the pane has the rest.
    parts.truncate(2);
    parts.join(" · ")
}

pub fn draw(f: &mut Frame, area: Rect, ctx: &PaneCtx) {
    if area.height == 0 || area.width < 8 {
        return;
    }
    match ctx.state.view.alerts_view {
        AlertsView::List => {}
        AlertsView::Grouped if !ctx.state.alerts.items.is_empty() => return groups::draw(f, area, ctx),
        AlertsView::Grouped => {}
        AlertsView::Silences => return silences::draw(f, area, ctx),
    }
    let items = &ctx.state.alerts.items;
    if items.is_empty() {
        if source_reported(ctx.state, PaneId::Alerts) {
            let line = Line::from(vec![
                Span::styled(format!(" {} ", level_symbol(Level::Ok)), ctx.theme.style(Role::Ok)),
                Span::styled("no alerts firing", ctx.theme.style(Role::Muted)),
            ]);
            f.render_widget(Paragraph::new(line), area);
        }
        return;
    }
    if ctx.full {
        draw_full(f, area, ctx);
    } else {
        draw_compact(f, area, ctx);
    }
}

/// "2 critical · 3 warning · 1 silenced", each group in its colour and with its symbol; short
/// words when the long ones do not fit, cut as a last resort.
pub(super) fn headline(items: &[Alert], width: usize, ctx: &PaneCtx) -> Line<'static> {
    let c = counts(items);
    let t = ctx.theme;
    // Severity "none" (Watchdog and friends) is left out: it is not a problem to count.
    let groups = [
        (c.critical, "critical", "crit", Level::Crit),
        (c.warning, "warning", "warn", Level::Warn),
        (c.info, "info", "info", Level::Accent),
        (c.silenced, "silenced", "silenced", Level::Muted),
        (c.inhibited, "inhibited", "inhibited", Level::Muted),
        (c.no_data, "no data", "no data", Level::Muted),
    ];
    let build = |short: bool| {
        let mut spans = Vec::new();
        if c.critical + c.warning + c.info == 0 {
            spans
                .push(Span::styled(format!("{} nothing firing", level_symbol(Level::Ok)), t.style(Role::Ok)));
        }
        for (n, long, brief, level) in groups.into_iter().filter(|g| g.0 > 0) {
            if !spans.is_empty() {
                spans.push(Span::styled(" · ", t.style(Role::Muted)));
            }
            let what = if short { brief } else { long };
            spans.push(Span::styled(format!("{} {n} {what}", level_symbol(level)), t.level(level)));
        }
        Line::from(spans)
    };
    let long = build(false);
    if long.width() <= width {
        return long;
    }
    text::fit_line(build(true), width)
}

/// The symbol for an alert: its severity's while it wants attention, hollow otherwise.
pub(super) fn symbol(a: &Alert) -> &'static str {
    level_symbol(a.level())
}

pub(super) fn short_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "crit",
        Severity::Warning => "warn",
        Severity::Info => "info",
        Severity::None => "none",
    }
}

/// "demo/alertmanager" → "alertmanager", "alertmanager/prod" → "am/prod" when narrow: the demo
/// prefix says nothing the header does not already say.
pub(super) fn short_source(src: &SourceId, narrow: bool) -> String {
    let kind = match src.kind {
        SourceKind::Alertmanager | SourceKind::Demo(DemoFeed::Alertmanager) => {
            if narrow {
                "am"
            } else {
                "alertmanager"
            }
        }
        SourceKind::CloudWatchAlarms | SourceKind::Demo(DemoFeed::CloudWatch) => {
            if narrow {
                "cw"
            } else {
                "cloudwatch"
            }
        }
        _ => return text::clean(&src.to_string()).into_owned(),
    };
    match &src.instance {
        Some(name) => format!("{kind}/{}", text::clean(name)),
        None => kind.to_string(),
    }
}

/// Labels that name what an alert is about, most specific first; namespaced kinds get the
/// namespace in front.
const SUBJECT_LABELS: [(&str, bool); 10] = [
    ("pod", true),
    ("horizontalpodautoscaler", true),
    ("deployment", true),
    ("statefulset", true),
    ("daemonset", true),
    ("job_name", true),
    ("persistentvolumeclaim", true),
    ("service", true),
    ("node", false),
    ("instance", false),
];

/// What the alert is about ("storefront/cart-7d9f-x"), so alerts of one rule can be told apart.
pub(super) fn subject(a: &Alert) -> Option<String> {
    subject_in(a, true)
}

/// The subject, with its namespace when `with_ns` (narrow cells leave it out).
fn subject_in(a: &Alert, with_ns: bool) -> Option<String> {
    let (key, namespaced) = SUBJECT_LABELS.iter().find(|(k, _)| a.labels.contains_key(*k))?;
    let value = text::clean(&a.labels[*key]);
    match a.labels.get("namespace").filter(|_| *namespaced && with_ns) {
        Some(ns) => Some(format!("{}/{value}", text::clean(ns))),
        None => Some(value.into_owned()),
    }
}

/// Append the present parts to `s`, separated by " · ".
fn join_into(s: &mut String, parts: impl IntoIterator<Item = Option<String>>) {
    for part in parts.into_iter().flatten() {
        if !s.is_empty() {
            s.push_str(" · ");
        }
        s.push_str(&part);
    }
}

/// Text style of an alert's row: muted when silenced, inhibited or without data.
pub(super) fn row_style(a: &Alert, ctx: &PaneCtx) -> ratatui::style::Style {
    if a.state.active() { ctx.theme.style(Role::Text) } else { ctx.theme.style(Role::Muted) }
}

fn draw_compact(f: &mut Frame, area: Rect, ctx: &PaneCtx) {
    let shown = rows::alerts(ctx.state);
    let items = &*shown;
    let t = ctx.theme;
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    f.render_widget(Paragraph::new(headline(items, head.width as usize, ctx)), head);
    let rows = body.height as usize;
    if rows == 0 {
        return;
    }
    let (start, visible) = table::visible(items, ctx.selected, rows);
    let w = body.width as usize;
    let now = ctx.state.now;
    let age_w = visible.iter().map(|a| format::age(now, a.since).len()).max().unwrap_or(0);
    let name_want = visible.iter().map(|a| text::clean(&a.name).width()).max().unwrap_or(0);
    let rest = w.saturating_sub(2 + age_w + 2);
    // Names first, but leave what the alert is about and its summary about half the row.
    let name_w = name_want.min((rest * 11 / 20).max(20)).max(rest.min(8));
    let summary_w = rest.saturating_sub(name_w + 1);

    let lines: Vec<Line> = visible
        .iter()
        .map(|a| {
            let text_style = row_style(a, ctx);
            let mut spans = vec![
                Span::styled(format!("{} ", symbol(a)), t.level(a.level())),
                Span::styled(text::pad(&a.name, name_w), text_style),
                Span::styled(format!(" {:>age_w$}", format::age(now, a.since)), t.style(Role::Muted)),
            ];
            if summary_w >= 4 {
                spans.push(Span::raw(" "));
                // The subject tells alerts of one rule apart; one that is not firing says so first;
                // with every cluster shown, the cluster comes first.
                let cluster = ctx.state.shows_many().then(|| a.cluster.to_string());
                let quiet = (!a.state.active()).then(|| a.state.label().to_lowercase());
                let summary = a.state.active().then(|| a.summary.clone());
                let mut s = String::new();
                join_into(&mut s, [cluster, quiet, subject_in(a, false), summary]);
                spans.push(Span::styled(text::fit(&s, summary_w), t.style(Role::Muted)));
            }
            Line::from(spans)
        })
        .collect();
    f.render_widget(Paragraph::new(lines), body);
    if ctx.navigating() {
        table::mark_selected_line(f, body, t, start, visible.len(), ctx.selected);
    }
}

fn draw_full(f: &mut Frame, area: Rect, ctx: &PaneCtx) {
    let shown = rows::alerts(ctx.state);
    let items = &*shown;
    let h = area.height;
    let [head, rest] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    f.render_widget(Paragraph::new(headline(items, head.width as usize, ctx)), head);
    let h = h.saturating_sub(1);
    let (table_h, detail_h) = if h < 12 {
        (h, 0)
    } else {
        let detail_min = (h * 2 / 5).max(7);
        let table_h = (items.len() as u16 + 1).min(h - detail_min).max(3);
        (table_h, h - table_h - 1)
    };
    let [table_area, _, detail_area] =
        Layout::vertical([Constraint::Length(table_h), Constraint::Length(1), Constraint::Length(detail_h)])
            .areas(rest);
    draw_table(f, table_area, ctx);
    if detail_h > 0
        && let Some(a) = items.get(ctx.selected)
    {
        detail::draw(f, detail_area, a, ctx);
    }
}

fn draw_table(f: &mut Frame, area: Rect, ctx: &PaneCtx) {
    let shown = rows::alerts(ctx.state);
    let items = &*shown;
    let t = ctx.theme;
    let now = ctx.state.now;
    let rows_h = area.height.saturating_sub(1) as usize;
    let (start, visible) = table::visible(items, ctx.selected, rows_h);
    let w = area.width;
    let wide = w >= 110;
    let want = |f: &dyn Fn(&Alert) -> usize, lo, hi| content_width(visible, f, lo, hi);
    let sev_w: u16 = if wide { 10 } else { 6 };
    // Every cluster's alerts side by side: which one each is on, as the other panes say it.
    let cluster_w =
        if ctx.state.shows_many() { want(&|a| text::clean(a.cluster.as_str()).width(), 7, 18) } else { 0 };
    let name_w = want(&|a| text::clean(&a.name).width(), 8, if wide { 34 } else { 24 });
    // Narrow tables fold the subject into the summary rather than lose the summary.
    let subject_w = if wide { want(&|a| subject(a).map_or(1, |s| s.width()), 2, 36) } else { 0 };
    let source_w = if w >= 90 { want(&|a| short_source(&a.source, !wide).width(), 6, 24) } else { 0 };
    let state_w = want(&|a| a.state.label().len(), 6, 12);
    let since_w = want(&|a| format::age(now, a.since).len(), 5, 6);
    let fixed = [sev_w, cluster_w, name_w, subject_w, source_w, state_w, since_w];
    let used: u16 = fixed.iter().map(|c| c + u16::from(*c > 0)).sum();
    let summary_w = w.saturating_sub(used);

    let mut header = vec![if wide { "SEVERITY" } else { "SEV" }];
    if cluster_w > 0 {
        header.push("CLUSTER");
    }
    header.push("ALERT");
    if subject_w > 0 {
        header.push("ON");
    }
    if source_w > 0 {
        header.push("SOURCE");
    }
    header.extend(["STATE", "SINCE", "SUMMARY"]);
    let header = Row::new(header.into_iter().map(Cell::from)).style(t.style(Role::Header));
    let rows = visible.iter().map(|a| {
        let text_style = row_style(a, ctx);
        let level = a.level();
        let sev = if wide { a.severity.label() } else { short_severity(a.severity) };
        let mut cells = vec![Cell::from(Span::styled(format!("{} {sev}", symbol(a)), t.level(level)))];
        if cluster_w > 0 {
            let cluster = text::fit(a.cluster.as_str(), cluster_w as usize);
            cells.push(Cell::from(Span::styled(cluster, t.style(Role::Accent))));
        }
        cells.push(Cell::from(Span::styled(text::fit(&a.name, name_w as usize), text_style)));
        if subject_w > 0 {
            let sub = subject(a).map_or("—".to_string(), |s| text::fit(&s, subject_w as usize));
            cells.push(Cell::from(Span::styled(sub, text_style)));
        }
        if source_w > 0 {
            let src = text::fit(&short_source(&a.source, !wide), source_w as usize);
            cells.push(Cell::from(Span::styled(src, t.style(Role::Muted))));
        }
        cells.push(Cell::from(Span::styled(a.state.label(), t.level(level))));
        cells.push(Cell::from(Span::styled(
            format!("{:>w$}", format::age(now, a.since), w = since_w as usize),
            t.style(Role::Muted),
        )));
        let summary = if subject_w > 0 {
            text::clean(&a.summary).into_owned()
        } else {
            let mut s = String::new();
            join_into(&mut s, [subject_in(a, false), Some(a.summary.clone())]);
            s
        };
        cells.push(Cell::from(Span::styled(text::fit(&summary, summary_w as usize), text_style)));
        Row::new(cells)
    });
    let mut widths: Vec<Constraint> = fixed.into_iter().filter(|c| *c > 0).map(Constraint::Length).collect();
    widths.push(Constraint::Fill(1));
    let table = Table::new(rows, widths).header(header).column_spacing(1);
    table::draw_stateful(f, area, t, table, start, ctx.selected, ctx.navigating());
}

#[cfg(test)]
mod tests;
