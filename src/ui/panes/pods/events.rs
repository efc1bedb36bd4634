//! The bottom of the full Pods pane: what the selected pod is and why it is unhappy, and its
//! warning events newest first (or the cluster's latest warnings when it has none). Read-only.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::PaneCtx;
use crate::config::theme::Role;
use crate::domain::format;
use crate::state::Level;
use crate::state::pods::{ClusterEvent, Pod};
use crate::ui::text;
use crate::ui::widgets::level_symbol;

fn selected_pod<'a>(ctx: &PaneCtx<'a>) -> Option<&'a Pod> {
    let order = crate::state::rows::pod_order(ctx.state);
    let key = order.get(ctx.selected)?;
    ctx.state.pods.by_key.get(key).map(|p| &**p)
}

/// Events name their object as "Pod ns/name" (kubectl's kind/name style is accepted too).
fn is_about(ev: &ClusterEvent, pod: &Pod) -> bool {
    let obj = ev.object.trim();
    let obj = obj.strip_prefix("Pod ").or_else(|| obj.strip_prefix("pod/")).unwrap_or(obj).trim();
    match obj.split_once('/') {
        Some((ns, name)) => ns == pod.namespace && name == pod.name,
        None => obj == pod.name,
    }
}

/// Warning events, newest first: the pod's own, or everyone's when it has none (`false`).
fn warnings<'a>(ctx: &PaneCtx<'a>, pod: Option<&Pod>) -> (bool, Vec<&'a ClusterEvent>) {
    let all = ctx.state.events.iter().rev().filter(|e| e.warning);
    if let Some(p) = pod {
        let own: Vec<_> = all.clone().filter(|e| is_about(e, p)).collect();
        if !own.is_empty() {
            return (true, own);
        }
    }
    (false, all.collect())
}

/// Rows the bottom area wants: detail line, title, table header and events, within a third.
pub(super) fn height_for(ctx: &PaneCtx, body_h: u16) -> u16 {
    let (_, evs) = warnings(ctx, selected_pod(ctx));
    let want = 2 + if evs.is_empty() { 0 } else { 1 + evs.len() as u16 };
    want.min((body_h / 3).max(5))
}

pub(super) fn draw(f: &mut Frame, area: Rect, ctx: &PaneCtx) {
    let t = ctx.theme;
    let pod = selected_pod(ctx);
    let [detail, title, rest] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(0)]).areas(area);
    if let Some(p) = pod {
        f.render_widget(Paragraph::new(detail_line(ctx, p, detail.width as usize)), detail);
    }
    let (own, evs) = warnings(ctx, pod);
    let name = pod.map(|p| text::fit(&p.name, 40)).unwrap_or_default();
    let heading = match (own, evs.is_empty(), pod.is_some()) {
        (true, _, _) => format!(" Warning events for {name}"),
        (false, true, true) => format!(" No warning events for {name} or anywhere else recently"),
        (false, true, false) => " No warning events".to_string(),
        (false, false, true) => format!(" No warning events for {name} · recent warnings in the cluster:"),
        (false, false, false) => " Recent warning events:".to_string(),
    };
    f.render_widget(Line::from(Span::styled(heading, t.style(Role::Header))), title);
    if evs.is_empty() || rest.height == 0 {
        return;
    }
    let w = rest.width;
    // AGE, REASON, COUNT fixed; OBJECT and MESSAGE share what is left, message first.
    let (age_w, reason_w, count_w) = (5u16, 18u16, 5u16);
    let spare = w.saturating_sub(age_w + reason_w + count_w + 4);
    let object_w = if own { 0 } else { (spare / 3).clamp(0, 40) };
    let msg_w = spare.saturating_sub(object_w + u16::from(object_w > 0));
    let rows = evs.iter().take(rest.height.saturating_sub(1) as usize).map(|e| {
        let mut cells = vec![
            Cell::from(Span::styled(format::age(ctx.state.now, e.at), t.style(Role::Muted))),
            Cell::from(Span::styled(text::fit(&e.reason, reason_w as usize), t.level(Level::Warn))),
        ];
        if object_w > 0 {
            cells.push(Cell::from(text::fit(&e.object, object_w as usize)));
        }
        cells.push(Cell::from(text::fit(&e.message, msg_w as usize)));
        let count = if e.count > 1 { format!("×{}", e.count) } else { String::new() };
        cells.push(Cell::from(Span::styled(count, t.style(Role::Muted))));
        Row::new(cells)
    });
    let mut widths = vec![Constraint::Length(age_w), Constraint::Length(reason_w)];
    let mut header = vec!["AGE", "REASON"];
    if object_w > 0 {
        widths.push(Constraint::Length(object_w));
        header.push("OBJECT");
    }
    widths.extend([Constraint::Length(msg_w), Constraint::Length(count_w)]);
    header.extend(["MESSAGE", "COUNT"]);
    let table = Table::new(rows, widths)
        .column_spacing(1)
        .header(Row::new(header.into_iter().map(Cell::from)).style(t.style(Role::Header)));
    f.render_widget(table, rest);
}

/// "✖ storefront/cart-… · CrashLoopBackOff: back-off restarting … · Deployment/cart · on ip-…":
/// why the pod is unhappy comes before where it runs, so a narrow screen keeps the why.
fn detail_line(ctx: &PaneCtx, p: &Pod, width: usize) -> Line<'static> {
    let t = ctx.theme;
    let level = p.level();
    let mut spans = vec![
        Span::styled(format!(" {} ", level_symbol(level)), t.level(level)),
        Span::styled(text::fit(&format!("{}/{}", p.namespace, p.name), width / 2), t.style(Role::Title)),
        Span::styled(" · ", t.style(Role::Muted)),
        Span::styled(text::clean(p.status_label()).into_owned(), t.level(level)),
    ];
    let used = |spans: &[Span]| spans.iter().map(Span::width).sum::<usize>();
    if let Some(m) = &p.message {
        let room = width.saturating_sub(used(&spans) + 2);
        if room > 8 {
            spans.push(Span::styled(format!(": {}", text::fit(m, room.min(90))), t.style(Role::Text)));
        }
    }
    let owner = p.owner.as_ref().map(|o| (text::fit(&format!("{}/{}", o.kind, o.name), 32), Role::Text));
    let node = p.node.as_ref().map(|n| (format!("on {}", text::fit(n, 32)), Role::Muted));
    for (s, role) in [owner, node].into_iter().flatten() {
        if used(&spans) + 3 + s.chars().count() <= width {
            spans.push(Span::styled(" · ", t.style(Role::Muted)));
            spans.push(Span::styled(s, t.style(role)));
        }
    }
    Line::from(spans)
}
