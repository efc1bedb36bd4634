//! The Pods pane: pods in store order (problems first) under a headline of counts, plus events in full.
//! Must never sort or build rows for the whole store: only the visible window, one allocation-free count.

mod events;
mod workloads;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

use super::PaneCtx;
use crate::config::theme::Role;
use crate::domain::format;
use crate::state::pods::{Counts, Pod, PodPhase};
use crate::state::rows;
use crate::state::view::PodsView;
use crate::state::{Level, PaneId, State};
use crate::ui::table::{self, Spec, Window};
use crate::ui::text;
use crate::ui::widgets::{empty_note, level_symbol, push_counts, source_reported};

/// Headline counts, kept by the store as rows change.
fn counts(state: &State) -> Counts {
    state.pods.counts(|c| state.shows(c))
}

/// "loading 12,500 / ~20,000" while a first list is still coming in.
fn loading(state: &State) -> Option<String> {
    let (listed, expected) = state.pods.loading(|c| state.shows(c))?;
    Some(match expected {
        Some(e) => format!("loading {} / ~{}", format::count(listed), format::count(e.max(listed))),
        None => format!("loading {}", format::count(listed)),
    })
}

pub fn summary(state: &State) -> String {
    if let Some(l) = loading(state) {
        return l;
    }
    if state.pods.is_empty() {
        return String::new();
    }
    let c = counts(state);
    let n = c.total;
    if c.failing > 0 {
        format!("{n} pods · {} failing", c.failing)
    } else if c.pending > 0 {
        format!("{n} pods · {} pending", c.pending)
    } else if c.not_ready > 0 {
        format!("{n} pods · {} not ready", c.not_ready)
    } else {
        format!("{n} pods")
    }
}

fn headline(ctx: &PaneCtx, width: usize) -> Line<'static> {
    let t = ctx.theme;
    let c = counts(ctx.state);
    let loading = loading(ctx.state);
    let mut spans = vec![match &loading {
        Some(l) => Span::styled(format!(" {l} pods"), t.level(Level::Accent)),
        None => Span::styled(format!(" {} pods", c.total), t.style(Role::Text)),
    }];
    let parts = [
        (c.failing, "failing", Level::Crit),
        (c.pending, "pending", Level::Warn),
        (c.not_ready, "not ready", Level::Warn),
        (c.restarting, "restarting", Level::Warn),
    ];
    // What does not fit is dropped rather than a count cut in half.
    push_counts(&mut spans, width, t, &parts, "all running");
    // Whether metrics are served is known once the list is whole.
    if ctx.full && !ctx.state.pods.metrics_available && loading.is_none() {
        // Said once here rather than in every row's CPU/MEM cells.
        spans.push(Span::styled(
            "   CPU/MEM n/a: metrics.k8s.io is not available (is metrics-server installed?)",
            t.style(Role::Muted),
        ));
    }
    if let Some(stale) = stale_usage(ctx.state, ctx.full) {
        spans.push(Span::styled(format!("   {stale}"), t.level(Level::Warn)));
    }
    Line::from(spans)
}

/// What the headline says while a cluster's metrics readings fail: the rows show the last good
/// reading's usage, and how old that is; in full, why (as the server said it) and where.
fn stale_usage(state: &State, full: bool) -> Option<String> {
    let s = state.pods.usage_stale.values().next()?;
    let age = match s.read_at {
        Some(at) => format!("from {} ago", format::age(state.now, at)),
        None => "unknown".to_string(),
    };
    if !full {
        return Some(format!("CPU/MEM {age}"));
    }
    let on = if state.is_fleet() {
        let names: Vec<String> = state.pods.usage_stale.keys().map(|c| c.to_string()).collect();
        format!(" on {}", names.join(", "))
    } else {
        String::new()
    };
    Some(format!("CPU/MEM {age}{on}: reading metrics.k8s.io failed: {}", text::clean(&s.error)))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    Sym,
    Cluster,
    Namespace,
    Name,
    Ready,
    Status,
    Restarts,
    Age,
    Node,
    Owner,
    Cpu,
    Mem,
    /// CPU and memory together, for the overview where two half-empty columns cost too much.
    Usage,
}

const FULL: &[Spec<Col>] = &[
    Spec(Col::Sym, "", 1, 1, 0),
    Spec(Col::Namespace, "NAMESPACE", 12, 16, 3),
    Spec(Col::Name, "NAME", 20, 44, 0),
    Spec(Col::Ready, "READY", 5, 5, 1),
    Spec(Col::Status, "STATUS", 16, 18, 0),
    Spec(Col::Restarts, "RESTARTS", 12, 13, 2),
    Spec(Col::Age, "AGE", 5, 5, 4),
    Spec(Col::Node, "NODE", 14, 28, 7),
    Spec(Col::Owner, "OWNER", 18, 28, 6),
    Spec(Col::Cpu, "CPU", 5, 5, 5),
    Spec(Col::Mem, "MEM", 6, 6, 5),
];

const COMPACT: &[Spec<Col>] = &[
    Spec(Col::Sym, "", 1, 1, 0),
    Spec(Col::Namespace, "NS", 10, 12, 6),
    Spec(Col::Name, "NAME", 12, 40, 0),
    Spec(Col::Ready, "READY", 5, 5, 2),
    Spec(Col::Status, "STATUS", 16, 16, 1),
    Spec(Col::Restarts, "RST", 3, 3, 3),
    Spec(Col::Age, "AGE", 4, 4, 4),
    Spec(Col::Usage, "CPU/MEM", 11, 11, 5),
];

fn cell(col: Col, width: u16, pod: &Pod, ctx: &PaneCtx) -> Cell<'static> {
    let t = ctx.theme;
    let w = width as usize;
    let level = pod.level();
    // A failing cluster's usage is its last good reading's: muted, as the headline explains.
    let stale = ctx.state.pods.usage_stale.contains_key(&pod.cluster);
    let usage = t.style(if stale { Role::Muted } else { Role::Text });
    let (s, style) = match col {
        Col::Sym => (level_symbol(level).to_string(), t.level(level)),
        Col::Cluster => (text::fit(&text::clean(pod.cluster.as_str()), w), t.style(Role::Accent)),
        Col::Namespace => (text::fit(&pod.namespace, w), t.style(Role::Muted)),
        Col::Name => (fit_middle(&pod.name, w), t.style(Role::Text)),
        Col::Ready => {
            let short = pod.ready < pod.containers && pod.phase != PodPhase::Succeeded;
            let style = if short { t.level(Level::Warn) } else { t.style(Role::Text) };
            (format!("{}/{}", pod.ready, pod.containers), style)
        }
        Col::Status => (text::fit(pod.status_label(), w), t.level(level)),
        Col::Restarts => {
            let style = match pod.restarts {
                0 => t.style(Role::Muted),
                1..=5 => t.style(Role::Text),
                _ => t.level(Level::Warn),
            };
            let s = match pod.last_restart {
                Some(at) if pod.restarts > 0 && w >= 8 => {
                    format!("{} ({} ago)", pod.restarts, format::age(ctx.state.now, at))
                }
                _ => pod.restarts.to_string(),
            };
            (text::fit(&s, w), style)
        }
        Col::Age => (format::age(ctx.state.now, pod.created_at), t.style(Role::Muted)),
        Col::Node => match &pod.node {
            Some(n) => (text::fit(n, w), t.style(Role::Text)),
            None => ("—".into(), t.style(Role::Muted)),
        },
        Col::Owner => match &pod.owner {
            Some(o) => (text::fit(&format!("{}/{}", o.kind, o.name), w), t.style(Role::Text)),
            None => ("—".into(), t.style(Role::Muted)),
        },
        Col::Usage => {
            let v = match (pod.cpu_milli, pod.mem_bytes) {
                _ if !ctx.state.pods.metrics_available => None,
                (Some(c), Some(m)) => Some(format!("{} {}", format::cpu(c), format::bytes(m))),
                _ => None,
            };
            let none = if ctx.state.pods.metrics_available { "—" } else { "n/a" };
            match v {
                Some(v) => (v, usage),
                None => (none.into(), t.style(Role::Muted)),
            }
        }
        Col::Cpu | Col::Mem => {
            let v = if col == Col::Cpu {
                pod.cpu_milli.map(format::cpu)
            } else {
                pod.mem_bytes.map(format::bytes)
            };
            match v {
                _ if !ctx.state.pods.metrics_available => ("n/a".into(), t.style(Role::Muted)),
                Some(v) => (v, usage),
                None => ("—".into(), t.style(Role::Muted)),
            }
        }
    };
    Cell::from(Span::styled(s, style))
}

/// Cut a pod name in the middle: "cart-c4q9…-5pl55". The workload prefix and the random suffix
/// are what tell pods apart; the middle is the ReplicaSet hash.
fn fit_middle(name: &str, w: usize) -> String {
    let clean = text::clean(name);
    let n = clean.chars().count();
    if n <= w || w < 8 || !clean.is_ascii() {
        return text::fit(&clean, w);
    }
    let tail = 6.min((w - 1) / 2);
    let head = w - 1 - tail;
    format!("{}…{}", &clean[..head], &clean[n - tail..])
}

/// Nothing to draw and the freshness line does not already say why.
fn empty_reason(state: &State) -> Option<&'static str> {
    source_reported(state, PaneId::Pods).then_some("no pods in this context")
}

pub fn draw(f: &mut Frame, area: Rect, ctx: &PaneCtx) {
    let t = ctx.theme;
    if area.height == 0 || area.width == 0 {
        return;
    }
    if ctx.state.view.pods_view == PodsView::Workloads {
        return workloads::draw(f, area, ctx);
    }
    if ctx.state.pods.is_empty() {
        if let Some(why) = empty_reason(ctx.state) {
            empty_note(f, area, why, t.style(Role::Muted));
        }
        return;
    }
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    f.render_widget(Paragraph::new(headline(ctx, head.width as usize)), head);
    let (table_area, detail_area) = if ctx.full && body.height >= 8 {
        let want = events::height_for(ctx, body.height);
        let [a, b] = Layout::vertical([Constraint::Min(0), Constraint::Length(want)]).areas(body);
        (a, Some(b))
    } else {
        (body, None)
    };
    draw_table(f, table_area, ctx);
    if let Some(d) = detail_area {
        events::draw(f, d, ctx);
    }
}

fn draw_table(f: &mut Frame, area: Rect, ctx: &PaneCtx) {
    if area.height == 0 {
        return;
    }
    let with_header = ctx.full || area.height >= 8;
    // Pod names cut short all look alike: give NAME room before optional columns, unless that
    // would cost the status column.
    let specs = if ctx.full { FULL } else { COMPACT };
    let name_w = if ctx.full { 30 } else { 20 };
    let specs = table::with_cluster(specs, ctx.state, Col::Cluster, 1);
    let cols = table::pick_widened(&specs, area.width, Col::Name, name_w, Col::Status);
    let shown = rows::pod_order(ctx.state);
    let order = &*shown;
    let win = Window::new(area, with_header, order.len(), ctx.selected, ctx.navigating());
    let rows = order[win.start..win.end].iter().enumerate().filter_map(|(i, key)| {
        let pod = ctx.state.pods.by_key.get(key)?;
        Some((win.start + i, Row::new(cols.iter().map(|&(c, _, w)| cell(c, w, pod, ctx)))))
    });
    table::draw(f, area, ctx.theme, &cols, rows, win);
}

#[cfg(test)]
mod tests;
