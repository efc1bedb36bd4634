//! EKS clusters as lines: one per cluster in the overview; in full screen each cluster with its
//! node groups (joined with their nodes' readiness), health issues and add-ons. Text only, no state.

use ratatui::text::{Line, Span};

use super::{PaneCtx, current_cluster, group_readiness, pad_uncut};
use crate::config::theme::Role;
use crate::domain::format;
use crate::state::Level;
use crate::state::infra::{Addon, Cluster, NodeGroup};
use crate::ui::table::{Spec, pick};
use crate::ui::text;
use crate::ui::widgets::{level_symbol, push_while_fits};

fn status_level(status: &str) -> Level {
    match status {
        "ACTIVE" => Level::Ok,
        s if s.contains("FAIL") || s == "DEGRADED" => Level::Crit,
        _ => Level::Warn,
    }
}

fn addon_level(a: &Addon) -> Level {
    if a.health_issues.is_empty() { status_level(&a.status) } else { Level::Crit }
}

/// "● shop-prod ACTIVE 1.30 · ng 3/3 healthy"
pub(super) fn compact_line(ctx: &PaneCtx, c: &Cluster, width: usize) -> Line<'static> {
    let t = ctx.theme;
    let level = c.level();
    let healthy = c.node_groups.iter().filter(|g| g.level() == Level::Ok).count();
    let groups_level = c.node_groups.iter().map(NodeGroup::level).max().unwrap_or(Level::Ok);
    let total = c.node_groups.len();
    let groups = match width {
        44.. => format!("node groups {healthy}/{total} healthy"),
        40.. => format!("ng {healthy}/{total} healthy"),
        _ => format!("ng {healthy}/{total} ok"),
    };
    let name = text::fit(&c.name, width.saturating_sub(28).max(8));
    Line::from(vec![
        Span::styled(format!("{} ", level_symbol(level)), t.level(level)),
        Span::styled(name, t.style(Role::Title)),
        Span::raw(" "),
        Span::styled(text::fit(&c.status, 10), t.level(status_level(&c.status))),
        Span::styled(format!(" {}", text::fit(&c.version, 6)), t.style(Role::Muted)),
        Span::styled(" · ", t.style(Role::Muted)),
        Span::styled(groups, t.level(groups_level)),
    ])
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    Sym,
    Name,
    Status,
    Size,
    Types,
    Capacity,
    Ami,
    Nodes,
}

const GROUPS: &[Spec<Col>] = &[
    Spec(Col::Sym, "", 1, 1, 0),
    Spec(Col::Name, "NODE GROUP", 10, 16, 0),
    Spec(Col::Status, "STATUS", 8, 10, 1),
    Spec(Col::Size, "DES/MIN/MAX", 11, 11, 2),
    Spec(Col::Nodes, "NODES", 11, 11, 1),
    Spec(Col::Types, "INSTANCE TYPES", 14, 26, 3),
    Spec(Col::Capacity, "CAPACITY", 9, 9, 4),
    Spec(Col::Ami, "AMI RELEASE", 14, 24, 5),
];

/// How much of each cluster to show: everything, or only the current context's cluster in full
/// (the others one line each), or that cluster's node groups without add-ons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Detail {
    All,
    CurrentOnly,
    Brief,
}

fn build(ctx: &PaneCtx, width: usize, detail: Detail) -> Vec<Line<'static>> {
    let current = current_cluster(ctx.state).unwrap_or(0);
    let mut out = Vec::new();
    for (i, c) in ctx.state.infra.clusters.iter().enumerate() {
        out.push(cluster_line(ctx, c, width));
        if detail == Detail::All || i == current {
            groups(ctx, i, c, width, &mut out);
        }
        if detail == Detail::All || (detail == Detail::CurrentOnly && i == current) {
            addons(ctx, c, width, &mut out);
        }
    }
    out
}

/// The richest level of detail that fits `height`; cut (and said so) only when even the
/// briefest does not.
pub(super) fn lines_within(ctx: &PaneCtx, width: usize, height: u16) -> Vec<Line<'static>> {
    for detail in [Detail::All, Detail::CurrentOnly] {
        let lines = build(ctx, width, detail);
        if lines.len() <= height as usize {
            return lines;
        }
    }
    clip(ctx, build(ctx, width, Detail::Brief), height)
}

/// "● shop-prod  ACTIVE  Kubernetes 1.30 · eks.8 · endpoint public+private · age 412d · us-east-1";
/// the later parts are left out whole when the width runs out.
fn cluster_line(ctx: &PaneCtx, c: &Cluster, width: usize) -> Line<'static> {
    let t = ctx.theme;
    let level = c.level();
    let muted = t.style(Role::Muted);
    let plain = t.style(Role::Text);
    let mut spans = vec![
        Span::styled(format!("{} ", level_symbol(level)), t.level(level)),
        Span::styled(text::fit(&c.name, 40), t.style(Role::Title)),
        Span::raw("  "),
        Span::styled(text::fit(&c.status, 12), t.level(status_level(&c.status))),
        Span::styled("  Kubernetes ", muted),
        Span::styled(text::fit(&c.version, 8), plain),
    ];
    let optional = [
        ("", text::fit(&c.platform_version, 12)),
        ("endpoint ", text::fit(&c.endpoint_access, 16)),
        ("age ", format::age(ctx.state.now, c.created_at)),
        ("", text::fit(&c.region, 16)),
    ];
    let used: usize = spans.iter().map(Span::width).sum();
    let optional =
        optional.map(|(label, value)| vec![Span::styled(label, muted), Span::styled(value, plain)]);
    push_while_fits(&mut spans, used, width, muted, optional);
    Line::from(spans)
}

fn groups(ctx: &PaneCtx, index: usize, c: &Cluster, width: usize, out: &mut Vec<Line<'static>>) {
    let t = ctx.theme;
    if c.node_groups.is_empty() {
        out.push(Line::from(Span::styled("    no managed node groups", t.style(Role::Muted))));
        return;
    }
    let indent = 2usize;
    let cols = pick(GROUPS, width.saturating_sub(indent) as u16);
    let mut header = vec![Span::raw(" ".repeat(indent))];
    for &(_, title, w) in &cols {
        header.push(Span::styled(pad_uncut(title, w as usize + 1), t.style(Role::Header)));
    }
    out.push(Line::from(header));
    for g in &c.node_groups {
        let mut spans = vec![Span::raw(" ".repeat(indent))];
        for &(col, _, w) in &cols {
            let (s, style) = group_cell(ctx, index, g, col, w as usize);
            spans.push(Span::styled(pad_uncut(&s, w as usize + 1), style));
        }
        out.push(Line::from(spans));
        for issue in &g.health_issues {
            let room = width.saturating_sub(indent + 4);
            out.push(Line::from(Span::styled(
                format!("{}  {} {}", " ".repeat(indent), level_symbol(Level::Crit), text::fit(issue, room)),
                t.level(Level::Crit),
            )));
        }
    }
}

fn group_cell(
    ctx: &PaneCtx,
    cluster: usize,
    g: &NodeGroup,
    col: Col,
    w: usize,
) -> (String, ratatui::style::Style) {
    let t = ctx.theme;
    let plain = t.style(Role::Text);
    let level = g.level();
    match col {
        Col::Sym => (level_symbol(level).into(), t.level(level)),
        Col::Name => (text::fit(&g.name, w), plain),
        Col::Status => (text::fit(&g.status, w), t.level(status_level(&g.status))),
        Col::Size => (format!("{}/{}/{}", g.desired, g.min, g.max), plain),
        Col::Types => (text::fit(&g.instance_types.join(","), w), plain),
        Col::Capacity => (g.capacity_type.label().into(), plain),
        Col::Ami => (text::fit(&g.ami_release, w), t.style(Role::Muted)),
        Col::Nodes => match group_readiness(ctx.state, cluster, &g.name) {
            None => ("—".into(), t.style(Role::Muted)),
            Some((ready, total)) => {
                let level = if ready < total {
                    Level::Crit
                } else if (total as u32) < g.desired {
                    Level::Warn
                } else {
                    Level::Ok
                };
                (format!("{ready}/{total} Ready"), t.level(level))
            }
        },
    }
}

/// "  add-ons  ● vpc-cni v1.18.3 · ● coredns v1.11.1 · ✖ aws-ebs-csi-driver v1.30 DEGRADED",
/// wrapped to the width; when they could not be listed, the reason, muted (never like a crash).
fn addons(ctx: &PaneCtx, c: &Cluster, width: usize, out: &mut Vec<Line<'static>>) {
    let t = ctx.theme;
    let muted = t.style(Role::Muted);
    let label = "  add-ons  ";
    let Some(list) = &c.addons else {
        let why = c.addons_error.as_deref().unwrap_or("unavailable");
        let room = width.saturating_sub(label.len() + 12);
        out.push(Line::from(vec![
            Span::styled(label, muted),
            Span::styled(format!("unavailable: {}", text::fit(why, room)), muted),
        ]));
        return;
    };
    if list.is_empty() {
        out.push(Line::from(vec![Span::styled(label, muted), Span::styled("none installed", muted)]));
        return;
    }
    let mut line = vec![Span::styled(label, muted)];
    let mut used = label.len();
    for a in list {
        let level = addon_level(a);
        let mut item = format!("{} {} {}", level_symbol(level), a.name, a.version);
        if level != Level::Ok {
            item.push(' ');
            item.push_str(&a.status);
        }
        let item = text::fit(&item, width.saturating_sub(label.len()));
        let w = item.chars().count();
        let first = line.len() == 1;
        if !first && used + 3 + w > width {
            out.push(Line::from(std::mem::replace(&mut line, vec![Span::raw(" ".repeat(label.len()))])));
            used = label.len();
        } else if !first {
            line.push(Span::styled(" · ", muted));
            used += 3;
        }
        line.push(Span::styled(item, t.level(level)));
        used += w;
    }
    out.push(Line::from(line));
    for a in list.iter().filter(|a| !a.health_issues.is_empty()) {
        for issue in &a.health_issues {
            let s = format!("{}{} {}: {issue}", " ".repeat(label.len()), level_symbol(Level::Crit), a.name);
            out.push(Line::from(Span::styled(text::fit(&s, width), t.level(Level::Crit))));
        }
    }
}

/// Cut to `height` lines, saying how many were left out rather than hiding them silently.
fn clip(ctx: &PaneCtx, mut lines: Vec<Line<'static>>, height: u16) -> Vec<Line<'static>> {
    let h = height as usize;
    if h == 0 {
        return Vec::new();
    }
    if lines.len() > h {
        let hidden = lines.len() - (h - 1);
        lines.truncate(h - 1);
        lines.push(Line::from(Span::styled(
            format!("  … {hidden} more lines (a taller window shows them)"),
            ctx.theme.style(Role::Muted),
        )));
    }
    lines
}
