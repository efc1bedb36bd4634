//! The detail area of the full Argo CD pane: the selected app's source and destination, its
//! operation, conditions, then a tab: resources (out-of-sync first), sync history or YAML.
//! Draws only; sorts just this app's resources.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::{PaneCtx, tabs};
use crate::config::theme::Role;
use crate::domain::format;
use crate::state::Level;
use crate::state::argocd::{AppResource, ArgoApp, HealthStatus, SyncStatus};
use crate::state::view::AppTab;
use crate::ui::text;
use crate::ui::widgets::{level_symbol, push_while_fits};

pub(super) fn draw(f: &mut Frame, area: Rect, ctx: &PaneCtx, app: &ArgoApp) {
    let t = ctx.theme;
    let w = area.width as usize;
    let muted = t.style(Role::Muted);
    let mut lines = Vec::new();

    let level = app.level();
    let mut first = vec![
        Span::styled(format!(" {} ", level_symbol(level)), t.level(level)),
        Span::styled(text::fit(&app.name, 40), t.style(Role::Title)),
    ];
    // Most useful first; what does not fit is left out whole.
    let target = format!("{} → {}", text::fit(&app.target_revision, 24), text::fit(app.short_revision(), 12));
    let optional = [
        ("target ", target),
        ("", if app.auto_sync { "auto-sync on".into() } else { "auto-sync off".into() }),
        ("dest ", text::fit(&app.destination_namespace, 24)),
        ("project ", text::fit(&app.project, 20)),
    ];
    let used: usize = first.iter().map(Span::width).sum();
    let optional = optional
        .map(|(label, value)| vec![Span::styled(label, muted), Span::styled(value, t.style(Role::Text))]);
    push_while_fits(&mut first, used, w, muted, optional);
    lines.push(Line::from(first));

    let op_line = |label: &'static str, op: &crate::state::argocd::Operation, running: bool| {
        let level = op.phase.level();
        let when = if running {
            format!("started {}", format::ago(ctx.state.now, op.started_at))
        } else {
            format::ago(ctx.state.now, op.finished_at.unwrap_or(op.started_at))
        };
        let mut spans = vec![
            Span::styled(format!(" {label} "), muted),
            Span::styled(format!("{} {}", level_symbol(level), op.phase.label()), t.level(level)),
            Span::styled(format!(" {when}"), muted),
        ];
        if !op.message.is_empty() {
            let used: usize = spans.iter().map(Span::width).sum();
            let msg = text::fit(&op.message, w.saturating_sub(used + 3));
            spans.push(Span::styled(format!(" · {msg}"), t.style(Role::Text)));
        }
        Line::from(spans)
    };
    if let Some(op) = &app.operation {
        lines.push(op_line("operation", op, true));
    }
    match &app.last_sync {
        Some(op) => lines.push(op_line("last sync", op, false)),
        None => lines.push(Line::from(Span::styled(" last sync never", muted))),
    }
    for c in &app.conditions {
        let level = if c.kind.ends_with("Error") { Level::Crit } else { Level::Warn };
        let kind = text::fit(&c.kind, 32);
        let room = w.saturating_sub(kind.chars().count() + 5);
        lines.push(Line::from(vec![
            Span::styled(format!(" {} {kind}: ", level_symbol(level)), t.level(level)),
            Span::styled(text::fit(&c.message, room), t.style(Role::Text)),
        ]));
    }

    let head_h = (lines.len() as u16).min(area.height);
    let [head, rest] = Layout::vertical([Constraint::Length(head_h), Constraint::Min(0)]).areas(area);
    f.render_widget(Paragraph::new(lines), head);
    if rest.height >= 2 {
        let [bar, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(rest);
        f.render_widget(tabs::bar(ctx, app), bar);
        match ctx.state.view.app_detail.tab {
            AppTab::Resources => resources(f, body, ctx, app),
            AppTab::Diff => tabs::diff(f, body, ctx, app),
            AppTab::Tree => tabs::tree(f, body, ctx, app),
            AppTab::History => tabs::history(f, body, ctx, app),
            AppTab::Yaml => tabs::yaml(f, body, ctx, app),
        }
    }
}

fn resources(f: &mut Frame, area: Rect, ctx: &PaneCtx, app: &ArgoApp) {
    let t = ctx.theme;
    let mut res: Vec<&AppResource> = app.resources.iter().collect();
    let health_level = |r: &AppResource| r.health.map_or(Level::Ok, |h| h.level());
    res.sort_by(|a, b| {
        let oos = |r: &AppResource| r.sync == SyncStatus::OutOfSync;
        oos(b)
            .cmp(&oos(a))
            .then_with(|| health_level(b).cmp(&health_level(a)))
            .then_with(|| (&a.kind, &a.namespace, &a.name).cmp(&(&b.kind, &b.namespace, &b.name)))
    });
    let oos = res.iter().filter(|r| r.sync == SyncStatus::OutOfSync).count();
    if res.is_empty() {
        f.render_widget(Line::from(Span::styled(" No resources reported", t.style(Role::Muted))), area);
        return;
    }
    // The tab bar already says how many; this line says what is wrong with them, if anything.
    let mut title: Vec<Span> = Vec::new();
    if oos > 0 {
        title.push(Span::styled(
            format!(" {} {oos} OutOfSync", level_symbol(Level::Warn)),
            t.level(Level::Warn),
        ));
    }
    for h in
        [HealthStatus::Degraded, HealthStatus::Missing, HealthStatus::Progressing, HealthStatus::Suspended]
    {
        let n = res.iter().filter(|r| r.health == Some(h)).count();
        if n > 0 {
            let level = h.level();
            let sep = if title.is_empty() { " " } else { " · " };
            title.push(Span::styled(
                format!("{sep}{} {n} {}", level_symbol(level), h.label()),
                t.level(level),
            ));
        }
    }
    let title_h = u16::from(!title.is_empty());
    let [head, body] = Layout::vertical([Constraint::Length(title_h), Constraint::Min(0)]).areas(area);
    f.render_widget(Line::from(title), head);
    let room = body.height as usize;
    // When cut, the last line says how many are hidden instead of hiding them silently.
    let shown = if res.len() > room { room.saturating_sub(1) } else { res.len() };
    let (sync_w, health_w, kind_w) = (11u16, 13u16, 23u16);
    let name_w = body.width.saturating_sub(sync_w + health_w + kind_w + 3);
    let rows = res.iter().take(shown).map(|r| {
        let health = match r.health {
            Some(h) => Span::styled(format!("{} {}", level_symbol(h.level()), h.label()), t.level(h.level())),
            None => Span::styled("", t.style(Role::Muted)),
        };
        Row::new(vec![
            Cell::from(Span::styled(
                format!("{} {}", level_symbol(r.sync.level()), r.sync.label()),
                t.level(r.sync.level()),
            )),
            Cell::from(health),
            Cell::from(Span::styled(text::fit(&r.kind, kind_w as usize), t.style(Role::Muted))),
            Cell::from(text::fit(&qualified(r), name_w as usize)),
        ])
    });
    let mut rows: Vec<Row> = rows.collect();
    if shown < res.len() {
        rows.push(Row::new(vec![Cell::from(Span::styled(
            format!("… {} more", res.len() - shown),
            t.style(Role::Muted),
        ))]));
    }
    let widths = [
        Constraint::Length(sync_w),
        Constraint::Length(health_w),
        Constraint::Length(kind_w),
        Constraint::Length(name_w),
    ];
    f.render_widget(Table::new(rows, widths).column_spacing(1), body);
}

/// "ns/name", or just the name for cluster-scoped resources.
fn qualified(r: &AppResource) -> String {
    if r.namespace.is_empty() { r.name.clone() } else { format!("{}/{}", r.namespace, r.name) }
}
