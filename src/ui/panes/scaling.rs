//! The Scaling pane: each HPA's replicas against min/max, metrics against targets, conditions and
//! replica history. Draws `state.scaling.hpas` in stored order (the selection order); never re-sorts.

mod chart;
mod detail;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use unicode_width::UnicodeWidthStr;

use super::PaneCtx;
use crate::config::theme::Role;
use crate::domain::format;
use crate::state::rows;
use crate::state::scaling::{Hpa, HpaMetric};
use crate::state::{Level, PaneId, State};
use crate::ui::table::{self, content_width};
use crate::ui::text;
use crate::ui::text::{pad, rpad};
use crate::ui::widgets::{self, level_symbol, sparkline_scaled};

pub fn summary(state: &State) -> String {
    let hpas: Vec<_> = state.scaling.hpas.iter().filter(|h| state.shows(&h.cluster)).collect();
    if hpas.is_empty() {
        return String::new();
    }
    let mut s = format!("{} HPA{}", hpas.len(), plural(hpas.len()));
    let at_max = hpas.iter().filter(|h| h.at_max()).count();
    let failing = hpas.iter().filter(|h| h.level() == Level::Crit).count();
    // Failing first: an 80-column overview shows only about 20 columns of this.
    if failing > 0 {
        s.push_str(&format!(" · {failing} failing"));
    }
    if at_max > 0 {
        s.push_str(&format!(" · {at_max} at max"));
    }
    s
}

pub fn draw(f: &mut Frame, area: Rect, ctx: &PaneCtx) {
    if area.height == 0 || area.width < 8 {
        return;
    }
    let hpas = &ctx.state.scaling.hpas;
    if hpas.is_empty() {
        // Pending, failing or disabled sources are already explained by the freshness line.
        if widgets::source_reported(ctx.state, PaneId::Scaling) {
            widgets::empty_note(
                f,
                area,
                "no HorizontalPodAutoscalers in this cluster",
                ctx.theme.style(Role::Muted),
            );
        }
        return;
    }
    if ctx.full {
        draw_full(f, area, ctx);
    } else {
        draw_compact(f, area, ctx);
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// What an HPA is doing, in a word for compact rows and in a phrase for the table.
pub(super) struct Status {
    pub short: &'static str,
    /// The word and the reason, for a narrow STATUS column: "inactive · FailedGetResourceMetric".
    pub medium: String,
    pub long: String,
    pub level: Level,
}

pub(super) fn status(h: &Hpa) -> Status {
    let failed = |kind: &str| h.condition(kind).filter(|c| !c.status);
    if let Some(c) = failed("ScalingActive").or_else(|| failed("AbleToScale")) {
        let short = if c.kind == "ScalingActive" { "inactive" } else { "unable" };
        let (kind, reason) = (text::clean(&c.kind), text::clean(&c.reason));
        let (long, medium) = if reason.is_empty() {
            (format!("{kind}=False"), short.to_string())
        } else {
            (format!("{kind}=False: {reason}"), format!("{short} · {reason}"))
        };
        return Status { short, medium, long, level: Level::Crit };
    }
    let limited = h.condition("ScalingLimited").filter(|c| c.status && !c.reason.is_empty());
    let plain = |short: &'static str, word: &str, level: Level| {
        let long = match limited {
            Some(c) => format!("{word} · {}", text::clean(&c.reason)),
            None => word.to_string(),
        };
        Status { short, medium: long.clone(), long, level }
    };
    if h.at_max() {
        return plain("at max", "at max", if h.over_target() { Level::Warn } else { Level::Muted });
    }
    if h.desired != h.current {
        let word = if h.desired > h.current { "scaling up" } else { "scaling down" };
        return plain("scaling", word, Level::Accent);
    }
    if h.current <= h.min {
        return plain("", "at min", Level::Muted);
    }
    plain("", "stable", Level::Ok)
}

/// "2 ‹6→8› 20": min, current (→ desired while they differ), max.
fn replicas_text(h: &Hpa) -> String {
    format!("{} ‹{}› {}", h.min, now_text(h), h.max)
}

fn now_text(h: &Hpa) -> String {
    if h.current == h.desired { h.current.to_string() } else { format!("{}→{}", h.current, h.desired) }
}

fn metric_name(m: &HpaMetric, short: bool) -> String {
    match m.name.as_str() {
        "memory" if short => "mem".to_string(),
        n => text::fit(n, 18),
    }
}

/// "cpu 84%/70%", over target in warn.
pub(super) fn metric_span<'a>(m: &HpaMetric, short: bool, ctx: &PaneCtx) -> Span<'a> {
    let cur = m.current.map_or("?".to_string(), |c| format!("{c}%"));
    let over = m.current.is_some_and(|c| c > m.target);
    let style = if over { ctx.theme.style(Role::Warn) } else { ctx.theme.style(Role::Text) };
    Span::styled(format!("{} {cur}/{}%", metric_name(m, short), m.target), style)
}

/// The metric whose utilisation is highest, so its target goes with the peak-utilisation history.
pub(super) fn peak_metric(h: &Hpa) -> Option<&HpaMetric> {
    h.metrics.iter().filter(|m| m.current.is_some()).max_by_key(|m| m.current)
}

fn headline(hpas: &[Hpa], ctx: &PaneCtx) -> Line<'static> {
    let t = ctx.theme;
    let mut spans =
        vec![Span::styled(format!("{} HPA{}", hpas.len(), plural(hpas.len())), t.style(Role::Text))];
    let (mut max_hot, mut at_max, mut failing, mut moving) = (0, 0, 0, 0);
    for h in hpas {
        match h.level() {
            Level::Crit => failing += 1,
            Level::Warn => max_hot += 1,
            Level::Accent => moving += 1,
            _ => {}
        }
        at_max += usize::from(h.at_max());
    }
    let mut push = |n: usize, what: &str, level: Level| {
        if n > 0 {
            spans.push(Span::styled(" · ", t.style(Role::Muted)));
            spans.push(Span::styled(format!("{} {n} {what}", level_symbol(level)), t.level(level)));
        }
    };
    push(failing, "not scaling", Level::Crit);
    push(at_max, "at max", if max_hot > 0 { Level::Warn } else { Level::Muted });
    push(moving, "scaling", Level::Accent);
    if failing + at_max + moving == 0 {
        spans.push(Span::styled(" · all within range", t.style(Role::Ok)));
    }
    Line::from(spans)
}

fn draw_compact(f: &mut Frame, area: Rect, ctx: &PaneCtx) {
    let shown = rows::hpas(ctx.state);
    let hpas = &*shown;
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    f.render_widget(Paragraph::new(headline(hpas, ctx)), head);
    let rows = body.height as usize;
    if rows == 0 {
        return;
    }
    let (start, visible) = table::visible(hpas, ctx.selected, rows);
    let w = body.width as usize;
    // The namespace only when there is room and it tells rows apart.
    let with_ns = w >= 48 && visible.iter().any(|h| h.namespace != visible[0].namespace);
    let name_of = |h: &Hpa| {
        let name = if with_ns { format!("{}/{}", h.namespace, h.name) } else { h.name.clone() };
        in_cluster(ctx.state, h, name)
    };

    let rep_w = visible.iter().map(|h| format!("{}/{}", now_text(h), h.max).width()).max().unwrap_or(0);
    let word_w = visible.iter().map(|h| status(h).short.width()).max().unwrap_or(0);
    let long_util = w >= 46;
    let util_text = |h: &Hpa| match peak_metric(h) {
        Some(m) if long_util => format!("{}%/{}%", m.current.unwrap_or(0), m.target),
        Some(m) => format!("{}%", m.current.unwrap_or(0)),
        None => String::new(),
    };
    let util_w = visible.iter().map(|h| util_text(h).width()).max().unwrap_or(0);
    let gap = |n: usize| if n > 0 { n + 1 } else { 0 };
    let fixed = 2 + rep_w + 1 + gap(word_w) + gap(util_w);
    let remaining = w.saturating_sub(fixed);
    let name_want = visible.iter().map(|h| name_of(h).width()).max().unwrap_or(0);
    let mut name_w = name_want.min(remaining.saturating_sub(7).max(8)).min(remaining);
    let mut spark_w = remaining.saturating_sub(name_w + 1).min(40);
    if spark_w < 4 {
        name_w = remaining;
        spark_w = 0;
    }

    let t = ctx.theme;
    let lines: Vec<Line> = visible
        .iter()
        .map(|h| {
            let st = status(h);
            let level = h.level();
            let mut spans = vec![
                Span::styled(format!("{} ", level_symbol(level)), t.level(level)),
                Span::styled(pad(&name_of(h), name_w), t.style(Role::Text)),
                Span::raw(" "),
                Span::styled(rpad(&format!("{}/{}", now_text(h), h.max), rep_w), t.level(st.level)),
            ];
            if word_w > 0 {
                spans.push(Span::raw(" "));
                spans.push(Span::styled(pad(st.short, word_w), t.level(st.level)));
            }
            if util_w > 0 {
                let over = h.over_target();
                spans.push(Span::raw(" "));
                let style = if over { t.style(Role::Warn) } else { t.style(Role::Muted) };
                spans.push(Span::styled(rpad(&util_text(h), util_w), style));
            }
            if spark_w > 0 {
                let hist = ctx.state.scaling.history_of(h);
                let s = hist.map(|x| sparkline_scaled(x.replicas.iter().copied(), spark_w, h.max as u64));
                spans.push(Span::raw(" "));
                spans.push(Span::styled(s.unwrap_or_default(), t.style(Role::Bar)));
            }
            Line::from(spans)
        })
        .collect();
    let shown = lines.len();
    f.render_widget(Paragraph::new(lines), body);
    if ctx.navigating() {
        table::mark_selected_line(f, body, t, start, visible.len(), ctx.selected);
    }
    // Tall cells have room to say what is wrong, not only that something is.
    let spare = rows - shown;
    let mut noted = 0;
    if spare >= 2 {
        let notes: Vec<Line> = hpas
            .iter()
            .take_while(|h| h.level() >= Level::Warn)
            .filter_map(|h| problem_note(h, w, ctx))
            .take(spare - 1)
            .collect();
        noted = notes.len();
        let y = body.y + shown as u16 + 1;
        f.render_widget(Paragraph::new(notes), Rect { y, height: (spare - 1) as u16, ..body });
    }
    // And, taller still (160×48), the selected HPA's history as a chart rather than empty rows.
    let used = (shown + 1 + noted + usize::from(noted > 0)) as u16;
    let room = Rect { y: body.y + used, height: body.height.saturating_sub(used), ..body };
    if room.height >= chart::MIN_ROWS && room.width >= chart::MIN_WIDTH {
        let Some(h) = hpas.get(ctx.selected).or(hpas.first()) else { return };
        let hist = ctx.state.scaling.history_of(h);
        chart::draw(f, room, h, &name_of(h), hist, ctx);
    }
}

/// One line on why an HPA needs attention: the failed condition's message, or how far over
/// target it runs at max.
fn problem_note(h: &Hpa, w: usize, ctx: &PaneCtx) -> Option<Line<'static>> {
    let level = h.level();
    let failed = |kind: &str| h.condition(kind).filter(|c| !c.status);
    let words = match level {
        Level::Crit => {
            let c = failed("ScalingActive").or_else(|| failed("AbleToScale"))?;
            format!("{}: {}", h.name, if c.message.is_empty() { &c.reason } else { &c.message })
        }
        Level::Warn => {
            let m = peak_metric(h)?;
            let cur = m.current.unwrap_or(0);
            format!(
                "{} at max {} of {} · {} {cur}% over {}% target",
                h.name, h.current, h.max, m.name, m.target
            )
        }
        _ => return None,
    };
    let text = text::fit(&format!("{} {words}", level_symbol(level)), w);
    Some(Line::from(Span::styled(text, ctx.theme.level(level))))
}

/// Column widths of the full table for the body width; less important columns go first.
#[derive(Clone, Copy)]
struct Columns {
    name: u16,
    replicas: u16,
    bar: u16,
    metrics: u16,
    status: u16,
    scaled: u16,
    history: u16,
}

fn columns(visible: &[Hpa], width: u16, ctx: &PaneCtx) -> Columns {
    let want = |f: &dyn Fn(&Hpa) -> usize, lo, hi| content_width(visible, f, lo, hi);
    let name = want(&|h| in_cluster(ctx.state, h, format!("{}/{}", h.namespace, h.name)).width() + 2, 12, 48);
    let replicas = want(&|h| replicas_text(h).width(), 8, 16);
    let metrics = want(&|h| metrics_line(h, short_metrics(width), ctx).width(), 7, 44);
    let status = want(&|h| status(h).long.width(), 6, 44);
    let mut c = Columns { name, replicas, bar: 0, metrics, status, scaled: 0, history: 0 };
    let used = |c: &Columns| {
        let cols = [c.name, c.replicas, c.bar, c.metrics, c.status, c.scaled, c.history];
        cols.iter().map(|w| w + u16::from(*w > 0)).sum::<u16>()
    };
    // Optional columns in order of worth; each is added only if the essentials still fit.
    for (slot, w) in [(0, 7u16), (1, 10), (2, 24)] {
        let mut next = c;
        match slot {
            0 => next.scaled = w,
            1 => next.bar = w,
            _ => next.history = w,
        }
        if used(&next) <= width {
            c = next;
        }
    }
    // Too narrow for the essentials: shrink status, then metrics, then names, to their minimum.
    let mut over = used(&c).saturating_sub(width);
    for (field, min) in [(&mut c.status, 10u16), (&mut c.metrics, 12), (&mut c.name, 12)] {
        let cut = over.min(field.saturating_sub(min));
        *field -= cut;
        over -= cut;
    }
    // Spare room widens the history sparkline, up to the number of samples kept.
    let spare = width.saturating_sub(used(&c));
    if c.history > 0 {
        c.history += spare.min(36);
    }
    c
}

impl Columns {
    fn constraints(&self) -> Vec<Constraint> {
        [self.name, self.replicas, self.bar, self.metrics, self.status, self.scaled, self.history]
            .into_iter()
            .filter(|w| *w > 0)
            .map(Constraint::Length)
            .collect()
    }
}

/// "mem" for "memory" below this width, where every column counts.
fn short_metrics(width: u16) -> bool {
    width < 110
}

fn metrics_line(h: &Hpa, short: bool, ctx: &PaneCtx) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, m) in h.metrics.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(" "));
        }
        spans.push(metric_span(m, short, ctx));
    }
    Line::from(spans)
}

fn draw_full(f: &mut Frame, area: Rect, ctx: &PaneCtx) {
    let shown = rows::hpas(ctx.state);
    let hpas = &*shown;
    let h = area.height;
    // The detail needs about 8 rows to be useful; below that the table gets everything.
    let (table_h, detail_h) = if h < 14 {
        (h, 0)
    } else {
        let detail_min = if h >= 30 { 14 } else { h * 2 / 5 };
        let table_h = (hpas.len() as u16 + 1).min(h - detail_min).max(3);
        (table_h, (h - table_h - 1).min(24))
    };
    let [table_area, _, detail_area] =
        Layout::vertical([Constraint::Length(table_h), Constraint::Length(1), Constraint::Length(detail_h)])
            .areas(area);
    draw_table(f, table_area, ctx);
    if detail_h > 0
        && let Some(hpa) = hpas.get(ctx.selected)
    {
        let hist = ctx.state.scaling.history_of(hpa);
        detail::draw(f, detail_area, hpa, hist, ctx);
    }
}

fn draw_table(f: &mut Frame, area: Rect, ctx: &PaneCtx) {
    let shown = rows::hpas(ctx.state);
    let hpas = &*shown;
    let rows_h = area.height.saturating_sub(1) as usize;
    let (start, visible) = table::visible(hpas, ctx.selected, rows_h);
    let c = columns(visible, area.width, ctx);
    let t = ctx.theme;

    let mut header = vec!["HPA", "REPLICAS"];
    if c.bar > 0 {
        header.push("");
    }
    header.extend(["METRICS now/target", "STATUS"]);
    if c.scaled > 0 {
        header.push("SCALED");
    }
    if c.history > 0 {
        header.push("REPLICAS HISTORY");
    }
    let header = Row::new(header.into_iter().map(Cell::from)).style(t.style(Role::Header));

    let rows = visible.iter().map(|h| {
        let level = h.level();
        let st = status(h);
        let name = in_cluster(ctx.state, h, format!("{}/{}", h.namespace, h.name));
        let mut cells = vec![
            Cell::from(Line::from(vec![
                Span::styled(format!("{} ", level_symbol(level)), t.level(level)),
                Span::styled(text::fit(&name, c.name.saturating_sub(2) as usize), t.style(Role::Text)),
            ])),
            Cell::from(Span::styled(rpad(&replicas_text(h), c.replicas as usize), t.level(st.level))),
        ];
        if c.bar > 0 {
            let ratio = h.current as f64 / h.max.max(1) as f64;
            let role = if level == Level::Warn { Role::Warn } else { Role::Bar };
            cells.push(Cell::from(Span::styled(widgets::bar(ratio, c.bar as usize), t.style(role))));
        }
        let line = metrics_line(h, short_metrics(area.width), ctx);
        cells.push(Cell::from(text::fit_line(line, c.metrics as usize)));
        let words = if st.long.width() <= c.status as usize { &st.long } else { &st.medium };
        cells.push(Cell::from(Span::styled(text::fit(words, c.status as usize), t.level(st.level))));
        if c.scaled > 0 {
            let age = h.last_scale.map_or("—".to_string(), |at| format::age(ctx.state.now, at));
            cells.push(Cell::from(Span::styled(rpad(&age, c.scaled as usize - 1), t.style(Role::Muted))));
        }
        if c.history > 0 {
            let s = ctx
                .state
                .scaling
                .history_of(h)
                .map(|x| sparkline_scaled(x.replicas.iter().copied(), c.history as usize, h.max as u64));
            cells.push(Cell::from(Span::styled(s.unwrap_or_default(), t.style(Role::Bar))));
        }
        Row::new(cells)
    });
    let table = Table::new(rows, c.constraints()).header(header).column_spacing(1);
    table::draw_stateful(f, area, t, table, start, ctx.selected, ctx.navigating());
}

/// The HPA's name, after its cluster's when more than one cluster is shown.
fn in_cluster(state: &crate::state::State, h: &Hpa, name: String) -> String {
    if state.shows_many() { format!("{}·{name}", text::clean(h.cluster.as_str())) } else { name }
}

#[cfg(test)]
mod tests;
