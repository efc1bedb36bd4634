//! The nodes part of the Infrastructure pane: a counts line, the node table (the pane's
//! selectable rows) and, full-screen, the selected node's wrong conditions in the kubelet's
//! words. Rows are built only for the visible window; the store order is never changed.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

use super::{NodeCounts, PaneCtx, node_counts};
use crate::config::theme::Role;
use crate::domain::format;
use crate::state::Level;
use crate::state::infra::{Node, NodeReadiness};
use crate::state::rows;
use crate::ui::table::{self, Spec, Window};
use crate::ui::text;
use crate::ui::widgets::{bar, level_symbol, push_while_fits};

/// "7 nodes · 7 Ready · 0 cordoned", with NotReady, Unknown and pressure when there are any;
/// parts that do not fit the width are left out whole rather than cut.
fn counts_line(ctx: &PaneCtx, c: NodeCounts, width: usize) -> Line<'static> {
    let t = ctx.theme;
    if c.total == 0 {
        return Line::from(Span::styled(" no nodes in this context", t.style(Role::Muted)));
    }
    let ready_style = if c.ready == c.total { t.level(Level::Ok) } else { t.style(Role::Text) };
    let mut parts = vec![(format!("{} Ready", c.ready), ready_style)];
    for (n, word) in [(c.not_ready, "NotReady"), (c.unknown, "Unknown")] {
        if n > 0 {
            parts.push((format!("{} {n} {word}", level_symbol(Level::Crit)), t.level(Level::Crit)));
        }
    }
    let cordon_level = if c.cordoned > 0 { Level::Warn } else { Level::Muted };
    parts.push((format!("{} cordoned", c.cordoned), t.level(cordon_level)));
    if c.pressure > 0 {
        parts.push((
            format!("{} {} under pressure", level_symbol(Level::Warn), c.pressure),
            t.level(Level::Warn),
        ));
    }
    let first = format!(" {} nodes", c.total);
    let used = first.chars().count();
    let mut spans = vec![Span::styled(first, t.style(Role::Text))];
    let parts = parts.into_iter().map(|(s, style)| Span::styled(s, style));
    push_while_fits(&mut spans, used, width, t.style(Role::Muted), parts);
    Line::from(spans)
}

fn readiness_word(n: &Node) -> &'static str {
    match n.ready {
        NodeReadiness::Ready => "Ready",
        NodeReadiness::NotReady => "NotReady",
        NodeReadiness::Unknown => "Unknown",
    }
}

/// kubectl's STATUS: "Ready", "NotReady,SchedulingDisabled" …
fn status_full(n: &Node) -> String {
    let mut s = readiness_word(n).to_string();
    if n.cordoned {
        s.push_str(",SchedulingDisabled");
    }
    s
}

/// One short word for the overview: the worst thing about the node.
fn status_short(n: &Node) -> &'static str {
    if n.ready != NodeReadiness::Ready {
        return readiness_word(n);
    }
    if n.cordoned {
        return "Cordoned";
    }
    match n.pressure.first().map(String::as_str) {
        Some("MemoryPressure") => "MemPress",
        Some("DiskPressure") => "DiskPress",
        Some("PIDPressure") => "PIDPress",
        Some(_) => "Pressure",
        None => "Ready",
    }
}

/// "ip-10-0-1-12" from "ip-10-0-1-12.ec2.internal": the domain is the same on every EC2 node.
fn short_name(name: &str) -> &str {
    match name.split_once('.') {
        Some((host, _)) if name.starts_with("ip-") => host,
        _ => name,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    Sym,
    Cluster,
    Name,
    Status,
    Zone,
    Type,
    Group,
    Capacity,
    Pods,
    Cpu,
    Mem,
    Pressure,
    Age,
}

fn full_specs(nodes: &[Node]) -> Vec<Spec<Col>> {
    let status_w = nodes.iter().map(|n| status_full(n).len()).max().unwrap_or(5).max(6) as u16;
    let any_pressure = nodes.iter().any(|n| !n.pressure.is_empty());
    let pressure_w = nodes.iter().map(|n| n.pressure.join(",").len()).max().unwrap_or(0).clamp(8, 40) as u16;
    let mut specs = vec![
        Spec(Col::Sym, "", 1, 1, 0),
        Spec(Col::Name, "NAME", 14, 44, 0),
        Spec(Col::Status, "STATUS", status_w, status_w, 0),
        Spec(Col::Zone, "ZONE", 10, 12, 5),
        Spec(Col::Type, "TYPE", 11, 13, 6),
        Spec(Col::Group, "GROUP", 8, 12, 7),
        Spec(Col::Capacity, "CAPACITY", 9, 9, 8),
        Spec(Col::Pods, "PODS", 4, 4, 4),
        Spec(Col::Cpu, "CPU REQ", 10, 20, 1),
        Spec(Col::Mem, "MEM REQ", 10, 20, 2),
        Spec(Col::Pressure, "PRESSURE", pressure_w, pressure_w, 3),
        Spec(Col::Age, "AGE", 4, 5, 9),
    ];
    // An always-empty column would waste a narrow screen.
    if !any_pressure {
        specs.retain(|s| s.0 != Col::Pressure);
    }
    specs
}

const COMPACT: &[Spec<Col>] = &[
    Spec(Col::Sym, "", 1, 1, 0),
    Spec(Col::Name, "", 12, 24, 0),
    Spec(Col::Status, "", 9, 9, 1),
    Spec(Col::Cpu, "", 7, 7, 2),
    Spec(Col::Mem, "", 7, 7, 3),
    Spec(Col::Pods, "", 7, 7, 4),
    Spec(Col::Zone, "", 10, 10, 5),
];

/// Requests against allocatable: a bar and a percentage in full, "cpu 62%" in the overview.
fn usage(ctx: &PaneCtx, label: &str, ratio: f64, width: usize) -> Line<'static> {
    let t = ctx.theme;
    let pct = format::percent(ratio);
    let style = if ratio >= 0.9 { t.level(Level::Warn) } else { t.style(Role::Text) };
    if !ctx.full {
        return Line::from(Span::styled(format!("{label} {pct}"), style));
    }
    let bar_w = width.saturating_sub(5);
    Line::from(vec![
        Span::styled(bar(ratio, bar_w), t.style(Role::Bar)),
        Span::styled(format!(" {pct:>4}"), style),
    ])
}

fn cell(col: Col, width: u16, n: &Node, ctx: &PaneCtx) -> Cell<'static> {
    let t = ctx.theme;
    let w = width as usize;
    let level = n.level();
    let muted = t.style(Role::Muted);
    let plain = t.style(Role::Text);
    let line: Line = match col {
        Col::Sym => Span::styled(level_symbol(level), t.level(level)).into(),
        Col::Cluster => {
            Span::styled(text::fit(&text::clean(n.cluster.as_str()), w), t.style(Role::Accent)).into()
        }
        Col::Name => {
            // The EC2 domain is the part worth losing when the column is narrow.
            let name =
                if ctx.full && n.name.chars().count() <= w { n.name.as_str() } else { short_name(&n.name) };
            Span::styled(text::fit(name, w), plain).into()
        }
        Col::Status => {
            let word = if ctx.full { status_full(n) } else { status_short(n).to_string() };
            let style = if level == Level::Ok { plain } else { t.level(level) };
            Span::styled(text::fit(&word, w), style).into()
        }
        Col::Zone => Span::styled(text::fit(&n.zone, w), muted).into(),
        Col::Type => Span::styled(text::fit(&n.instance_type, w), plain).into(),
        Col::Group => Span::styled(text::fit(n.node_group.as_deref().unwrap_or("—"), w), plain).into(),
        Col::Capacity => match n.capacity_type {
            Some(c) => Span::styled(c.label(), plain).into(),
            None => Span::styled("—", muted).into(),
        },
        Col::Pods if ctx.full => Span::styled(n.pods.to_string(), plain).into(),
        Col::Pods => Span::styled(format!("{} pods", n.pods), muted).into(),
        Col::Cpu => usage(ctx, "cpu", n.cpu_ratio(), w),
        Col::Mem => usage(ctx, "mem", n.mem_ratio(), w),
        Col::Pressure => Span::styled(text::fit(&n.pressure.join(","), w), t.level(Level::Warn)).into(),
        Col::Age => Span::styled(format::age(ctx.state.now, n.created_at), muted).into(),
    };
    Cell::from(line)
}

/// "✖ ip-10-0-1-12 · NotReady,SchedulingDisabled", then each wrong condition with its reason
/// and message, as the Pods pane shows a pod's: why before anything else.
fn detail_lines(ctx: &PaneCtx, n: &Node, width: usize) -> Vec<Line<'static>> {
    let t = ctx.theme;
    let level = n.level();
    let head = Line::from(vec![
        Span::styled(format!(" {} ", level_symbol(level)), t.level(level)),
        Span::styled(text::fit(&n.name, width / 2), t.style(Role::Title)),
        Span::styled(" · ", t.style(Role::Muted)),
        Span::styled(status_full(n), t.level(level)),
    ]);
    let label_w = n.conditions.iter().map(|c| c.label().chars().count()).max().unwrap_or(0).min(24);
    let conditions = n.conditions.iter().map(|c| {
        let crit = c.kind == "Ready" || c.kind == "NetworkUnavailable";
        let role = if crit { t.level(Level::Crit) } else { t.level(Level::Warn) };
        let room = width.saturating_sub(label_w + 5);
        // The reason and the message when both fit; else the message, which says more.
        let both = format!("{}: {}", c.reason, c.message);
        let words = if c.reason.is_empty() || c.words() == c.reason || both.chars().count() > room {
            c.words().to_string()
        } else {
            both
        };
        Line::from(vec![
            Span::raw("   "),
            Span::styled(text::pad(&c.label(), label_w), role),
            Span::raw("  "),
            Span::styled(text::fit(&words, room), t.style(Role::Text)),
        ])
    });
    std::iter::once(head).chain(conditions).collect()
}

/// The selected node, full-screen, when it has wrong conditions to show below the table.
fn detailed<'a>(ctx: &PaneCtx<'a>, nodes: &'a [Node]) -> Option<&'a Node> {
    let n = nodes.get(ctx.selected.min(nodes.len().checked_sub(1)?))?;
    (ctx.full && !n.conditions.is_empty()).then_some(n)
}

/// The lines the selected node's detail wants: its title and one a wrong condition.
pub(super) fn detail_height(ctx: &PaneCtx) -> u16 {
    detailed(ctx, &rows::nodes(ctx.state)).map_or(0, |n| 1 + n.conditions.len() as u16)
}

/// The counts line, then the nodes in the store's order (worst and busiest first), and
/// full-screen the selected node's wrong conditions below them when it has any.
pub(super) fn draw(f: &mut Frame, area: Rect, ctx: &PaneCtx) {
    let shown = rows::nodes(ctx.state);
    let nodes = &*shown;
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    f.render_widget(Paragraph::new(counts_line(ctx, node_counts(ctx.state), head.width as usize)), head);
    if nodes.is_empty() || body.height == 0 {
        return;
    }
    let selected = detailed(ctx, nodes);
    // The table keeps its header and three rows; the detail takes what is left, up to its size.
    let detail_h = selected.map_or(0, |n| 1 + n.conditions.len() as u16).min(body.height.saturating_sub(4));
    let [body, detail] = Layout::vertical([Constraint::Min(0), Constraint::Length(detail_h)]).areas(body);
    if let Some(n) = selected.filter(|_| detail.height > 0) {
        f.render_widget(Paragraph::new(detail_lines(ctx, n, detail.width as usize)), detail);
    }
    let specs_full;
    let specs: &[Spec<Col>] = if ctx.full {
        specs_full = full_specs(nodes);
        &specs_full
    } else {
        COMPACT
    };
    let specs = table::with_cluster(specs, ctx.state, Col::Cluster, 1);
    let cols = table::pick(&specs, body.width);
    let win = Window::new(body, ctx.full, nodes.len(), ctx.selected, ctx.navigating());
    let rows =
        (win.start..win.end).map(|i| (i, Row::new(cols.iter().map(|&(c, _, w)| cell(c, w, &nodes[i], ctx)))));
    table::draw(f, body, ctx.theme, &cols, rows, win);
}
