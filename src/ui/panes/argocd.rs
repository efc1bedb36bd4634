//! The Argo CD pane: apps as the app-of-apps tree with sync, health, revision, operation; detail in full.
//! Row order must stay exactly `ArgoCd::tree()`'s, because actions pick their target by that index.

mod detail;
mod tabs;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

use super::PaneCtx;
use crate::config::theme::Role;
use crate::domain::format;
use crate::state::argocd::{ArgoApp, HealthStatus, Operation, OperationPhase, SyncStatus};
use crate::state::rows;
use crate::state::{Level, PaneId, State};
use crate::ui::table::{self, Spec, Window};
use crate::ui::text;
use crate::ui::widgets::{empty_note, level_symbol, push_counts, source_reported};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Counts {
    apps: usize,
    out_of_sync: usize,
    unknown_sync: usize,
    degraded: usize,
    missing: usize,
    progressing: usize,
    suspended: usize,
    syncing: usize,
}

fn counts(state: &State) -> Counts {
    let mut c = Counts::default();
    for a in state.argocd.apps.iter().filter(|a| state.shows(&a.cluster)) {
        c.apps += 1;
        match a.sync {
            SyncStatus::OutOfSync => c.out_of_sync += 1,
            SyncStatus::Unknown => c.unknown_sync += 1,
            SyncStatus::Synced => {}
        }
        match a.health {
            HealthStatus::Degraded => c.degraded += 1,
            HealthStatus::Missing => c.missing += 1,
            HealthStatus::Progressing => c.progressing += 1,
            HealthStatus::Suspended => c.suspended += 1,
            HealthStatus::Healthy | HealthStatus::Unknown => {}
        }
        if a.operation.as_ref().is_some_and(|o| o.phase == OperationPhase::Running) {
            c.syncing += 1;
        }
    }
    c
}

pub fn summary(state: &State) -> String {
    if state.argocd.apps.is_empty() {
        return String::new();
    }
    let c = counts(state);
    let worst = [
        (c.degraded, "Degraded"),
        (c.missing, "Missing"),
        (c.out_of_sync, "OutOfSync"),
        (c.progressing, "Progressing"),
    ]
    .into_iter()
    .find(|(n, _)| *n > 0);
    // "1/9 Degraded": at 80 columns the title leaves this about fifteen cells.
    match worst {
        Some((n, word)) => format!("{n}/{} {word}", c.apps),
        None => format!("{0}/{0} Synced", c.apps),
    }
}

fn headline(ctx: &PaneCtx, width: usize) -> Line<'static> {
    let t = ctx.theme;
    let c = counts(ctx.state);
    let mut spans = vec![Span::styled(format!(" {} apps", c.apps), t.style(Role::Text))];
    let parts = [
        (c.out_of_sync, "OutOfSync", SyncStatus::OutOfSync.level()),
        (c.degraded, "Degraded", HealthStatus::Degraded.level()),
        (c.missing, "Missing", HealthStatus::Missing.level()),
        (c.progressing, "Progressing", HealthStatus::Progressing.level()),
        (c.suspended, "Suspended", HealthStatus::Suspended.level()),
        (c.unknown_sync, "Unknown", SyncStatus::Unknown.level()),
        (c.syncing, "syncing", Level::Accent),
    ];
    push_counts(&mut spans, width, t, &parts, "all Synced · Healthy");
    Line::from(spans)
}

/// Tree guides ("│ ├─ └─") for every row of `tree`, from depths alone.
fn guides<T>(tree: &[(usize, T)]) -> Vec<String> {
    // A row is the last of its siblings when no row at its depth follows before a shallower one.
    let mut is_last = vec![false; tree.len()];
    let mut seen: Vec<bool> = Vec::new();
    for (i, (d, _)) in tree.iter().enumerate().rev() {
        seen.resize(seen.len().max(d + 1), false);
        is_last[i] = !seen[*d];
        seen[*d] = true;
        seen.truncate(d + 1);
    }
    let mut stack: Vec<bool> = Vec::new();
    let mut out = Vec::with_capacity(tree.len());
    for (i, (d, _)) in tree.iter().enumerate() {
        let mut g = String::new();
        if *d > 0 {
            for l in 1..*d {
                g.push_str(if stack.get(l).copied().unwrap_or(true) { "  " } else { "│ " });
            }
            g.push_str(if is_last[i] { "└─" } else { "├─" });
        }
        stack.truncate(*d);
        stack.resize(*d, true);
        stack.push(is_last[i]);
        out.push(g);
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    Cluster,
    App,
    Project,
    Sync,
    Health,
    Revision,
    Target,
    Namespace,
    Auto,
    LastSync,
    Operation,
}

const FULL: &[Spec<Col>] = &[
    Spec(Col::App, "APP", 20, 36, 0),
    Spec(Col::Project, "PROJECT", 9, 14, 7),
    Spec(Col::Sync, "SYNC", 11, 11, 0),
    Spec(Col::Health, "HEALTH", 13, 13, 0),
    Spec(Col::Revision, "REV", 7, 7, 2),
    Spec(Col::Target, "TARGET", 8, 14, 6),
    Spec(Col::Namespace, "NAMESPACE", 11, 16, 5),
    Spec(Col::Auto, "AUTO", 6, 6, 3),
    Spec(Col::LastSync, "LAST SYNC", 15, 16, 4),
    Spec(Col::Operation, "OPERATION", 16, 60, 1),
];

const COMPACT: &[Spec<Col>] = &[
    Spec(Col::App, "APP", 12, 30, 0),
    Spec(Col::Sync, "SYNC", 9, 9, 0),
    Spec(Col::Health, "HEALTH", 11, 11, 0),
    Spec(Col::Revision, "REV", 7, 7, 2),
    Spec(Col::Auto, "AUTO", 6, 6, 3),
    Spec(Col::Operation, "OPERATION", 16, 24, 1),
];

/// "5m Succeeded": how long ago the operation finished (or started) and how it ended.
fn op_when(now: i64, op: &Operation) -> String {
    format!("{} {}", format::age(now, op.finished_at.unwrap_or(op.started_at)), op.phase.label())
}

fn cell(col: Col, width: u16, guide: &str, app: &ArgoApp, ctx: &PaneCtx) -> Cell<'static> {
    let t = ctx.theme;
    let w = width as usize;
    let word = |label: &str, level: Level| {
        if ctx.full { format!("{} {label}", level_symbol(level)) } else { label.to_string() }
    };
    let line: Line = match col {
        Col::Cluster => {
            Span::styled(text::fit(&text::clean(app.cluster.as_str()), w), t.style(Role::Accent)).into()
        }
        Col::App => Line::from(vec![
            Span::styled(guide.to_string(), t.style(Role::Muted)),
            Span::styled(text::fit(&app.name, w.saturating_sub(guide.chars().count())), t.style(Role::Text)),
        ]),
        Col::Project => Span::styled(text::fit(&app.project, w), t.style(Role::Muted)).into(),
        Col::Sync => Span::styled(word(app.sync.label(), app.sync.level()), t.level(app.sync.level())).into(),
        Col::Health => {
            Span::styled(word(app.health.label(), app.health.level()), t.level(app.health.level())).into()
        }
        Col::Revision => Span::styled(text::fit(app.short_revision(), w), t.style(Role::Accent)).into(),
        Col::Target => Span::styled(text::fit(&app.target_revision, w), t.style(Role::Text)).into(),
        Col::Namespace => Span::styled(text::fit(&app.destination_namespace, w), t.style(Role::Text)).into(),
        Col::Auto => match app.auto_sync {
            true => Span::styled("auto", t.style(Role::Text)).into(),
            false => Span::styled("manual", t.style(Role::Muted)).into(),
        },
        Col::LastSync => match &app.last_sync {
            Some(op) => {
                Span::styled(text::fit(&op_when(ctx.state.now, op), w), t.level(op.phase.level())).into()
            }
            None => Span::styled("never", t.style(Role::Muted)).into(),
        },
        Col::Operation => match &app.operation {
            Some(op) => {
                let s = if op.message.is_empty() {
                    op.phase.label().to_string()
                } else {
                    format!("{}: {}", op.phase.label(), op.message)
                };
                Span::styled(text::fit(&s, w), t.level(op.phase.level())).into()
            }
            None => Span::raw("").into(),
        },
    };
    Cell::from(line)
}

pub fn draw(f: &mut Frame, area: Rect, ctx: &PaneCtx) {
    let t = ctx.theme;
    if area.height == 0 || area.width == 0 {
        return;
    }
    if ctx.state.argocd.apps.is_empty() {
        // With nothing to list, the reason is the pane's content ("Argo CD not installed in
        // this cluster", "Argo CD: unauthorized"), not only a note on its frame.
        if let Some(error) = ctx.state.pane_freshness(PaneId::ArgoCd).error {
            empty_note(
                f,
                area,
                &text::fit(&error, area.width.saturating_sub(1) as usize),
                t.level(Level::Crit),
            );
        } else if source_reported(ctx.state, PaneId::ArgoCd) {
            empty_note(f, area, "no Argo CD applications in this context", t.style(Role::Muted));
        }
        return;
    }
    let tree = rows::apps(ctx.state);
    let selected = ctx.selected.min(tree.len().saturating_sub(1));
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    f.render_widget(Paragraph::new(headline(ctx, head.width as usize)), head);
    if !ctx.full || body.height < 10 {
        draw_table(f, body, ctx, &tree, selected);
        return;
    }
    // The tree gets about half; the selected app's detail the rest.
    let table_h = (tree.len() as u16 + 1).min((body.height * 11 / 20).max(6));
    let [table, gap, rest] =
        Layout::vertical([Constraint::Length(table_h), Constraint::Length(1), Constraint::Min(0)])
            .areas(body);
    draw_table(f, table, ctx, &tree, selected);
    let rule = "─".repeat(gap.width as usize);
    f.render_widget(Line::from(Span::styled(rule, t.style(Role::Border))), gap);
    if let Some((_, app)) = tree.get(selected) {
        detail::draw(f, rest, ctx, app);
    }
}

fn draw_table(f: &mut Frame, area: Rect, ctx: &PaneCtx, tree: &[(usize, &ArgoApp)], selected: usize) {
    if area.height == 0 {
        return;
    }
    let with_header = ctx.full || area.height >= 8;
    let any_op = tree.iter().any(|(_, a)| a.operation.is_some());
    let guides = guides(tree);
    // Names cut to "services-fro…" read badly: give the tree its full width before optional
    // columns, unless that would cost the sync or health column.
    let comfortable =
        tree.iter().zip(&guides).map(|((_, a), g)| g.chars().count() + a.name.chars().count()).max();
    let base = if ctx.full { FULL } else { COMPACT };
    let specs: Vec<Spec<Col>> = base.iter().filter(|s| any_op || s.0 != Col::Operation).copied().collect();
    let specs = table::with_cluster(&specs, ctx.state, Col::Cluster, 0);
    let min = comfortable.unwrap_or(0).min(36) as u16;
    let cols = table::pick_widened(&specs, area.width, Col::App, min, Col::Health);
    let win = Window::new(area, with_header, tree.len(), selected, ctx.navigating());
    let rows = (win.start..win.end).map(|i| {
        let app = tree[i].1;
        (i, Row::new(cols.iter().map(|&(c, _, w)| cell(c, w, &guides[i], app, ctx))))
    });
    table::draw(f, area, ctx.theme, &cols, rows, win);
}

#[cfg(test)]
mod tests;
