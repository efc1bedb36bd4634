//! The Pods pane: pods in store order (problems first) under a headline of counts, plus events in full.
//! Must never sort or build rows for the whole store: only the visible window, one allocation-free count.

mod events;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::PaneCtx;
use crate::config::theme::Role;
use crate::state::pods::{Pod, PodPhase};
use crate::state::{Level, PaneId, SourceState, State};
use crate::ui::widgets::{empty_note, level_symbol, window_start};
use crate::ui::{format, text};

/// Headline counts, from one pass over the store.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Counts {
    total: usize,
    failing: usize,
    pending: usize,
    not_ready: usize,
    restarting: usize,
}

/// Waiting for a node or for its containers to start, rather than broken.
fn is_pending(p: &Pod) -> bool {
    p.phase == PodPhase::Pending
        && p.reason
            .as_deref()
            .is_none_or(|r| matches!(r, "Unschedulable" | "ContainerCreating" | "PodInitializing"))
}

fn counts(state: &State) -> Counts {
    let mut c = Counts { total: state.pods.len(), ..Counts::default() };
    for p in state.pods.by_key.values() {
        if is_pending(p) {
            c.pending += 1;
            continue;
        }
        match p.level() {
            Level::Crit => c.failing += 1,
            Level::Warn if p.ready < p.containers => c.not_ready += 1,
            Level::Warn => c.restarting += 1,
            _ => {}
        }
    }
    c
}

pub fn summary(state: &State) -> String {
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
    let mut spans = vec![Span::styled(format!(" {} pods", c.total), t.style(Role::Text))];
    let parts = [
        (c.failing, "failing", Level::Crit),
        (c.pending, "pending", Level::Warn),
        (c.not_ready, "not ready", Level::Warn),
        (c.restarting, "restarting", Level::Warn),
    ];
    let mut any = false;
    let mut used = spans[0].width();
    for (n, word, level) in parts {
        if n > 0 {
            any = true;
            let part = format!("{} {n} {word}", level_symbol(level));
            // Drop what does not fit rather than cut a count in half.
            used += 3 + part.chars().count();
            if used > width {
                break;
            }
            spans.push(Span::styled(" · ", t.style(Role::Muted)));
            spans.push(Span::styled(part, t.level(level)));
        }
    }
    if !any {
        spans.push(Span::styled(" · ", t.style(Role::Muted)));
        spans.push(Span::styled(format!("{} all running", level_symbol(Level::Ok)), t.level(Level::Ok)));
    }
    if ctx.full && !ctx.state.pods.metrics_available {
        // Said once here rather than in every row's CPU/MEM cells.
        spans.push(Span::styled(
            "   CPU/MEM n/a: metrics.k8s.io is not available (is metrics-server installed?)",
            t.style(Role::Muted),
        ));
    }
    Line::from(spans)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    Sym,
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

/// A column: header, width, how far it may grow into spare space, and its priority (0 = keep).
#[derive(Clone, Copy)]
struct Spec(Col, &'static str, u16, u16, u8);

const FULL: &[Spec] = &[
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

const COMPACT: &[Spec] = &[
    Spec(Col::Sym, "", 1, 1, 0),
    Spec(Col::Namespace, "NS", 10, 12, 6),
    Spec(Col::Name, "NAME", 12, 40, 0),
    Spec(Col::Ready, "READY", 5, 5, 2),
    Spec(Col::Status, "STATUS", 16, 16, 1),
    Spec(Col::Restarts, "RST", 3, 3, 3),
    Spec(Col::Age, "AGE", 4, 4, 4),
    Spec(Col::Usage, "CPU/MEM", 11, 11, 5),
];

/// Keep the columns that fit by priority, in display order; spare width goes to growable ones.
fn pick(specs: &[Spec], avail: u16) -> Vec<(Col, &'static str, u16)> {
    let mut by_prio: Vec<usize> = (0..specs.len()).collect();
    by_prio.sort_by_key(|&i| specs[i].4);
    let mut keep = vec![false; specs.len()];
    let mut used = 0u16;
    for i in by_prio {
        let need = specs[i].2 + u16::from(used > 0);
        if used + need <= avail {
            keep[i] = true;
            used += need;
        }
    }
    let mut out: Vec<(Col, &'static str, u16, u16)> =
        specs.iter().zip(&keep).filter(|(_, k)| **k).map(|(s, _)| (s.0, s.1, s.2, s.3)).collect();
    // Spare width is shared out a cell at a time so no one column swallows it.
    let mut spare = avail.saturating_sub(used);
    while spare > 0 {
        let before = spare;
        for c in out.iter_mut().filter(|c| c.2 < c.3) {
            if spare > 0 {
                c.2 += 1;
                spare -= 1;
            }
        }
        if spare == before {
            break;
        }
    }
    out.into_iter().map(|(c, h, w, _)| (c, h, w)).collect()
}

fn cell(col: Col, width: u16, pod: &Pod, ctx: &PaneCtx) -> Cell<'static> {
    let t = ctx.theme;
    let w = width as usize;
    let level = pod.level();
    let (s, style) = match col {
        Col::Sym => (level_symbol(level).to_string(), t.level(level)),
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
                Some(v) => (v, t.style(Role::Text)),
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
                Some(v) => (v, t.style(Role::Text)),
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
    match state.pane_freshness(PaneId::Pods).state {
        Some(SourceState::Ok | SourceState::Stale) => Some("no pods in this context"),
        _ => None,
    }
}

pub fn draw(f: &mut Frame, area: Rect, ctx: &PaneCtx) {
    let t = ctx.theme;
    if area.height == 0 || area.width == 0 {
        return;
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
    let t = ctx.theme;
    let with_header = ctx.full || area.height >= 8;
    // Pod names cut short all look alike: give NAME room before optional columns, unless that
    // would cost the status column.
    let base = if ctx.full { FULL } else { COMPACT };
    let with_name = |min: u16| {
        let specs: Vec<Spec> = base
            .iter()
            .map(|s| if s.0 == Col::Name { Spec(s.0, s.1, s.2.max(min), s.3, s.4) } else { *s })
            .collect();
        pick(&specs, area.width)
    };
    let mut cols = with_name(if ctx.full { 30 } else { 20 });
    if !cols.iter().any(|c| c.0 == Col::Status) {
        cols = with_name(0);
    }
    let order = &ctx.state.pods.order;
    let rows_h = area.height.saturating_sub(u16::from(with_header)) as usize;
    let selected = ctx.selected.min(order.len().saturating_sub(1));
    let start = window_start(selected, order.len(), rows_h);
    let highlight = ctx.full || ctx.focused;
    let rows = order[start..order.len().min(start + rows_h)].iter().enumerate().filter_map(|(i, key)| {
        let pod = ctx.state.pods.by_key.get(key)?;
        let row = Row::new(cols.iter().map(|&(c, _, w)| cell(c, w, pod, ctx)));
        Some(if highlight && start + i == selected { row.style(t.style(Role::Selection)) } else { row })
    });
    let widths: Vec<Constraint> = cols.iter().map(|c| Constraint::Length(c.2)).collect();
    let mut table = Table::new(rows, widths).column_spacing(1);
    if with_header {
        table = table.header(Row::new(cols.iter().map(|c| Cell::from(c.1))).style(t.style(Role::Header)));
    }
    f.render_widget(table, area);
    if highlight && (start..start + rows_h).contains(&selected) {
        let y = area.y + u16::from(with_header) + (selected - start) as u16;
        restyle_selected(f, Rect { y, height: 1, ..area }, t);
    }
}

/// Plain, muted and accent text would vanish on the selection background: on the selected row
/// they take the selection's colour, while level colours (ok, warn, crit) keep their meaning.
fn restyle_selected(f: &mut Frame, row: Rect, theme: &crate::config::Theme) {
    let Some(fg) = theme.style(Role::Selection).fg else { return };
    let neutral = [Role::Text, Role::Muted, Role::Accent, Role::Bar].map(|r| theme.style(r).fg);
    let row = row.intersection(f.area());
    let buf = f.buffer_mut();
    for x in row.left()..row.right() {
        let cell = &mut buf[(x, row.y)];
        if neutral.contains(&Some(cell.fg)) {
            cell.set_fg(fg);
        }
    }
}

#[cfg(test)]
mod tests;
