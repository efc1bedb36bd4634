//! The Infrastructure pane: EKS clusters (node groups, add-ons), the context's nodes, CloudWatch sparklines.
//! Selectable rows are `state.infra.nodes` in store order; whatever the overview shows must not change that.

mod clusters;
mod metrics;
mod nodes;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::PaneCtx;
use crate::config::theme::Role;
use crate::state::infra::NodeReadiness;
use crate::state::{PaneId, State};
use crate::ui::widgets::{empty_note, source_reported};

/// Node counts for the summary and the nodes line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct NodeCounts {
    total: usize,
    ready: usize,
    not_ready: usize,
    unknown: usize,
    cordoned: usize,
    pressure: usize,
}

fn node_counts(state: &State) -> NodeCounts {
    let mut c = NodeCounts::default();
    for n in state.infra.nodes.iter().filter(|n| state.shows(&n.cluster)) {
        c.total += 1;
        match n.ready {
            NodeReadiness::Ready => c.ready += 1,
            NodeReadiness::NotReady => c.not_ready += 1,
            NodeReadiness::Unknown => c.unknown += 1,
        }
        c.cordoned += usize::from(n.cordoned);
        c.pressure += usize::from(!n.pressure.is_empty());
    }
    c
}

pub fn summary(state: &State) -> String {
    let infra = &state.infra;
    if infra.nodes.is_empty() {
        return match infra.clusters.len() {
            0 => String::new(),
            1 => "1 cluster".into(),
            n => format!("{n} clusters"),
        };
    }
    let c = node_counts(state);
    // Short: at 80 columns the title leaves this about a dozen cells.
    let mut s = format!("{}/{} Ready", c.ready, c.total);
    if c.cordoned > 0 {
        s.push_str(&format!(" · {} cordoned", c.cordoned));
    }
    s
}

/// The cluster the current Kubernetes context points at, so its node groups can be joined with
/// the nodes. Contexts are often ARNs (".../cluster/NAME") or eksctl's "user@NAME.region…".
fn current_cluster(state: &State) -> Option<usize> {
    let ctx = state.context.as_str();
    let found = state.infra.clusters.iter().position(|c| {
        let n = c.name.as_str();
        ctx == n
            || ctx.strip_suffix(n).is_some_and(|p| p.ends_with('/'))
            || ctx.split_once('@').is_some_and(|(_, rest)| rest == n || rest.starts_with(&format!("{n}.")))
    });
    found.or(if state.infra.clusters.len() == 1 { Some(0) } else { None })
}

/// Nodes of a node group that are Ready, and how many there are; `None` when the group is not
/// in the current context's cluster (its nodes are not watched).
fn group_readiness(state: &State, cluster: usize, group: &str) -> Option<(usize, usize)> {
    if current_cluster(state) != Some(cluster) {
        return None;
    }
    let mut ready = 0;
    let mut total = 0;
    for n in state.infra.nodes.iter().filter(|n| n.node_group.as_deref() == Some(group)) {
        total += 1;
        ready += usize::from(n.ready == NodeReadiness::Ready);
    }
    Some((ready, total))
}

/// Pad to `w` display columns after `text::fit` has cut it to at most `w`. Unlike `text::pad`
/// it never cuts: the group table's headers and counts are shown whole.
fn pad_uncut(s: &str, w: usize) -> String {
    let used = UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(w.saturating_sub(used)))
}

pub fn draw(f: &mut Frame, area: Rect, ctx: &PaneCtx) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let infra = &ctx.state.infra;
    if infra.clusters.is_empty() && infra.nodes.is_empty() && infra.metrics.is_empty() {
        if source_reported(ctx.state, PaneId::Infrastructure) {
            empty_note(f, area, "no clusters, nodes or metrics reported", ctx.theme.style(Role::Muted));
        }
        return;
    }
    if ctx.full { draw_full(f, area, ctx) } else { draw_compact(f, area, ctx) }
}

fn draw_compact(f: &mut Frame, area: Rect, ctx: &PaneCtx) {
    let infra = &ctx.state.infra;
    let h = area.height;
    let cluster_h = (infra.clusters.len() as u16).min(3).min(h.saturating_sub(2).max(1));
    let rest = h.saturating_sub(cluster_h);
    // Sparklines only where there is room for them next to a useful number of nodes; what the
    // nodes do not need goes back to the sparklines.
    let metrics_len = infra.metrics.len() as u16;
    let metric_h = if h >= 10 { metrics_len.min(rest / 3) } else { 0 };
    let nodes_h =
        if infra.nodes.is_empty() { 0 } else { (rest - metric_h).min(1 + infra.nodes.len() as u16) };
    let metric_h = if h >= 10 { metrics_len.min(rest - nodes_h) } else { 0 };
    let gap = u16::from(metric_h > 0 && nodes_h > 0 && cluster_h + nodes_h + metric_h < h);
    let [c, n, _, m] = Layout::vertical([
        Constraint::Length(cluster_h),
        Constraint::Length(nodes_h),
        Constraint::Length(gap),
        Constraint::Length(metric_h),
    ])
    .areas(area);
    let lines: Vec<Line> = infra
        .clusters
        .iter()
        .take(cluster_h as usize)
        .map(|cl| clusters::compact_line(ctx, cl, c.width as usize))
        .collect();
    f.render_widget(Paragraph::new(lines), c);
    if n.height > 0 {
        nodes::draw(f, n, ctx);
    }
    if m.height > 0 {
        metrics::draw(f, m, ctx, false);
    }
}

fn draw_full(f: &mut Frame, area: Rect, ctx: &PaneCtx) {
    let infra = &ctx.state.infra;
    let h = area.height;
    let wide = area.width >= 120 && !infra.metrics.is_empty() && !infra.clusters.is_empty();
    let (left_w, right_w) = if wide {
        let right = (area.width * 2 / 5).clamp(40, 70);
        (area.width - right - 1, right)
    } else {
        (area.width, 0)
    };
    let metric_nat = if infra.metrics.is_empty() { 0 } else { infra.metrics.len() as u16 + 1 };
    let nodes_nat = 2 + infra.nodes.len() as u16 + nodes::detail_height(ctx);
    // The selectable nodes first (but not all the screen), a few sparklines, then the clusters
    // at the richest detail that fits, then the rest to whatever still wants it.
    let mut left = h;
    let nodes_first = nodes_nat.min((h / 2).max(7)).min(left);
    left -= nodes_first;
    let metrics_first = if wide { 0 } else { metric_nat.min(3).min(left) };
    left -= metrics_first;
    let cluster_lines = clusters::lines_within(ctx, left_w as usize, left);
    let top = if wide {
        (cluster_lines.len() as u16).max(metric_nat).min(left)
    } else {
        cluster_lines.len() as u16
    };
    left -= top;
    let gap = u16::from(top > 0 && left > 0);
    left -= gap;
    let more_metrics = if wide { 0 } else { (metric_nat - metrics_first).min(left) };
    left -= more_metrics;
    let nodes_h = nodes_first + (nodes_nat - nodes_first).min(left);
    left -= nodes_h - nodes_first;
    let bottom_metrics = metrics_first + more_metrics;
    let gap2 = u16::from(bottom_metrics > 0 && left > 0);
    let [top_area, _, nodes_area, _, metrics_area] = Layout::vertical([
        Constraint::Length(top),
        Constraint::Length(gap),
        Constraint::Length(nodes_h),
        Constraint::Length(gap2),
        Constraint::Length(bottom_metrics),
    ])
    .areas(area);
    if wide {
        let [l, _, r] = Layout::horizontal([
            Constraint::Length(left_w),
            Constraint::Length(1),
            Constraint::Length(right_w),
        ])
        .areas(top_area);
        f.render_widget(Paragraph::new(cluster_lines), l);
        metrics::draw(f, r, ctx, true);
    } else {
        f.render_widget(Paragraph::new(cluster_lines), top_area);
    }
    nodes::draw(f, nodes_area, ctx);
    if metrics_area.height > 0 {
        metrics::draw(f, metrics_area, ctx, true);
    }
}

#[cfg(test)]
mod tests;
