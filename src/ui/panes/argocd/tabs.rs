//! The tabs under an Argo CD app's detail header: the tab bar, the sync history (newest first)
//! and the app's YAML, scrolled by the view. Draws only; the resources tab lives in `detail`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::PaneCtx;
use crate::config::theme::Role;
use crate::domain::format;
use crate::state::Level;
use crate::state::argocd::{ArgoApp, HealthStatus, TreeNode, short_sha};
use crate::state::view::AppTab;
use crate::ui::text;
use crate::ui::widgets::level_symbol;

/// " Resources │ History │ YAML   v next · J/K scroll", the current tab marked.
pub(super) fn bar(ctx: &PaneCtx, app: &ArgoApp) -> Line<'static> {
    let t = ctx.theme;
    let current = ctx.state.view.app_detail.tab;
    let mut spans = vec![Span::raw(" ")];
    for (i, tab) in AppTab::ALL.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" │ ", t.style(Role::Muted)));
        }
        let label = match tab {
            AppTab::Resources => format!("Resources {}", app.resources.len()),
            AppTab::Diff => "Diff".to_string(),
            AppTab::Tree => match ctx.state.argocd.trees.get(&(app.cluster.clone(), app.name.clone())) {
                Some(nodes) => format!("Tree {}", nodes.len()),
                None => "Tree".to_string(),
            },
            AppTab::History => format!("History {}", app.history.len()),
            AppTab::Yaml => "YAML".to_string(),
        };
        let style = if *tab == current { t.style(Role::Selection) } else { t.style(Role::Header) };
        spans.push(Span::styled(label, style));
    }
    spans.push(Span::styled("   v next tab · J/K scroll", t.style(Role::Muted)));
    Line::from(spans)
}

/// The scroll offset the view asks for, kept within what `total` lines in `room` allow.
fn clamp_scroll(ctx: &PaneCtx, total: usize, room: usize) -> usize {
    ctx.state.view.app_detail.scroll.min(total.saturating_sub(room))
}

pub(super) fn history(f: &mut Frame, area: Rect, ctx: &PaneCtx, app: &ArgoApp) {
    let t = ctx.theme;
    if app.history.is_empty() {
        f.render_widget(Line::from(Span::styled(" No syncs recorded", t.style(Role::Muted))), area);
        return;
    }
    let room = area.height.saturating_sub(1) as usize;
    let skip = clamp_scroll(ctx, app.history.len(), room);
    let header = Row::new(
        ["ID", "REVISION", "DEPLOYED", "BY"].map(|h| Cell::from(Span::styled(h, t.style(Role::Header)))),
    );
    let rows = app.history.iter().rev().skip(skip).take(room).map(|h| {
        let when =
            format!("{} ({})", format::ago(ctx.state.now, h.deployed_at), format::clock(h.deployed_at));
        Row::new(vec![
            Cell::from(Span::styled(h.id.to_string(), t.style(Role::Muted))),
            Cell::from(Span::styled(text::fit(short_sha(&h.revision), 12), t.style(Role::Accent))),
            Cell::from(Span::styled(when, t.style(Role::Text))),
            Cell::from(Span::styled(text::fit(&h.initiated_by, 30), t.style(Role::Muted))),
        ])
    });
    let widths = [Constraint::Length(5), Constraint::Length(12), Constraint::Length(24), Constraint::Min(8)];
    f.render_widget(Table::new(rows, widths).header(header).column_spacing(1), area);
}

/// The sync plan in full: what a sync would change, and each resource's diff, scrolled.
pub(super) fn diff(f: &mut Frame, area: Rect, ctx: &PaneCtx, app: &ArgoApp) {
    let lines = crate::ui::plan::lines(ctx.state, (&app.cluster, &app.name), None, usize::MAX, ctx.theme);
    let skip = clamp_scroll(ctx, lines.len(), area.height as usize);
    f.render_widget(Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()), area);
}

pub(super) fn yaml(f: &mut Frame, area: Rect, ctx: &PaneCtx, app: &ArgoApp) {
    let t = ctx.theme;
    if app.manifest.is_empty() {
        f.render_widget(Line::from(Span::styled(" No YAML from this source", t.style(Role::Muted))), area);
        return;
    }
    let lines: Vec<&str> = app.manifest.lines().collect();
    let room = area.height as usize;
    let skip = clamp_scroll(ctx, lines.len(), room);
    let width = area.width.saturating_sub(1) as usize;
    let shown: Vec<Line> = lines
        .iter()
        .skip(skip)
        .take(room)
        .map(|l| {
            // "key: value" with the key muted, as editors colour YAML; cluster text stays text.
            let l = text::fit(l, width);
            let key = l.find(": ").filter(|&i| !l[..i].trim_start().trim_start_matches("- ").contains(' '));
            match key {
                Some(i) => Line::from(vec![
                    Span::raw(" "),
                    Span::styled(l[..=i].to_string(), t.style(Role::Muted)),
                    Span::styled(l[i + 1..].to_string(), t.style(Role::Text)),
                ]),
                None => Line::from(vec![Span::raw(" "), Span::styled(l, t.style(Role::Text))]),
            }
        })
        .collect();
    f.render_widget(Paragraph::new(shown), area);
}

/// Nodes depth first from the roots (nodes whose parent is not in the tree), with their depth.
fn ordered(nodes: &[TreeNode]) -> Vec<(usize, &TreeNode)> {
    let ids: std::collections::HashSet<String> = nodes.iter().map(TreeNode::id).collect();
    let mut out = Vec::with_capacity(nodes.len());
    let mut stack: Vec<(usize, &TreeNode)> = nodes
        .iter()
        .filter(|n| n.parent.as_ref().is_none_or(|p| !ids.contains(p)))
        .rev()
        .map(|n| (0, n))
        .collect();
    while let Some((depth, n)) = stack.pop() {
        // A cycle in parent refs would otherwise loop forever.
        if out.len() >= nodes.len() {
            break;
        }
        out.push((depth, n));
        let id = n.id();
        stack.extend(
            nodes.iter().filter(|c| c.parent.as_deref() == Some(id.as_str())).rev().map(|c| (depth + 1, c)),
        );
    }
    out
}

/// Without the server's tree: the app's resources with the pods the Pods pane has for each
/// workload among them.
fn from_pods(ctx: &PaneCtx, app: &ArgoApp) -> Vec<TreeNode> {
    let mut out = Vec::new();
    for r in &app.resources {
        let node = TreeNode {
            kind: r.kind.clone(),
            namespace: r.namespace.clone(),
            name: r.name.clone(),
            health: r.health,
            parent: None,
        };
        let id = node.id();
        out.push(node);
        if !matches!(r.kind.as_str(), "Deployment" | "StatefulSet" | "DaemonSet") {
            continue;
        }
        let owned = ctx.state.pods.iter_ordered().filter(|p| {
            p.namespace == r.namespace
                && p.owner.as_ref().is_some_and(|o| o.kind == r.kind && o.name == r.name)
        });
        for p in owned {
            let health = match p.level() {
                Level::Crit => HealthStatus::Degraded,
                _ if p.reason.is_none() && p.ready == p.containers => HealthStatus::Healthy,
                _ => HealthStatus::Progressing,
            };
            out.push(TreeNode {
                kind: "Pod".into(),
                namespace: p.namespace.to_string(),
                name: p.name.to_string(),
                health: Some(health),
                parent: Some(id.clone()),
            });
        }
    }
    out
}

pub(super) fn tree(f: &mut Frame, area: Rect, ctx: &PaneCtx, app: &ArgoApp) {
    let t = ctx.theme;
    let derived;
    let (nodes, area) = match ctx.state.argocd.trees.get(&(app.cluster.clone(), app.name.clone())) {
        Some(nodes) => (nodes, area),
        None => {
            derived = from_pods(ctx, app);
            let [note, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
            let why =
                " Pods from the Pods pane (the Argo CD server's full tree needs [argocd] mode = \"api\")";
            f.render_widget(
                Line::from(Span::styled(text::fit(why, note.width as usize), t.style(Role::Muted))),
                note,
            );
            (&derived, rest)
        }
    };
    let rows = ordered(nodes);
    let room = area.height as usize;
    let skip = clamp_scroll(ctx, rows.len(), room);
    let width = area.width as usize;
    // From all rows, not the visible ones: a sibling scrolled off below still needs its "├─".
    let guides = super::guides(&rows);
    let lines: Vec<Line> = rows
        .iter()
        .zip(&guides)
        .skip(skip)
        .take(room)
        .map(|((_, n), guide)| {
            let health = match n.health {
                Some(h) => {
                    Span::styled(format!("{} {:<12}", level_symbol(h.level()), h.label()), t.level(h.level()))
                }
                None => Span::styled(format!("{:<14}", ""), t.style(Role::Muted)),
            };
            let name =
                if n.namespace.is_empty() { n.name.clone() } else { format!("{}/{}", n.namespace, n.name) };
            // The guides sit inside the kind column, so kinds and names stay in their columns.
            let room = 23usize.saturating_sub(guide.chars().count());
            let kind = text::fit(&n.kind, room);
            let used = 14 + 1 + 24;
            Line::from(vec![
                health,
                Span::styled(format!(" {guide}"), t.style(Role::Muted)),
                Span::styled(format!("{kind:<room$} "), t.style(Role::Muted)),
                Span::styled(text::fit(&name, width.saturating_sub(used)), t.style(Role::Text)),
            ])
        })
        .collect();
    f.render_widget(Paragraph::new(lines), area);
}
