//! The Argo CD pane: apps as the app-of-apps tree with sync, health, revision, operation; detail in full.
//! Row order must stay exactly `ArgoCd::tree()`'s, because actions pick their target by that index.

mod detail;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::PaneCtx;
use crate::config::theme::Role;
use crate::state::argocd::{ArgoApp, HealthStatus, Operation, OperationPhase, SyncStatus};
use crate::state::{Level, PaneId, SourceState, State};
use crate::ui::widgets::{empty_note, level_symbol, window_start};
use crate::ui::{format, text};

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
    let mut c = Counts { apps: state.argocd.apps.len(), ..Counts::default() };
    for a in &state.argocd.apps {
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
    let mut used = spans[0].width();
    let mut any = false;
    for (n, word, level) in parts.into_iter().filter(|p| p.0 > 0) {
        any = true;
        let part = format!("{} {n} {word}", level_symbol(level));
        used += 3 + part.chars().count();
        if used > width {
            break;
        }
        spans.push(Span::styled(" · ", t.style(Role::Muted)));
        spans.push(Span::styled(part, t.level(level)));
    }
    if !any {
        spans.push(Span::styled(" · ", t.style(Role::Muted)));
        spans.push(Span::styled(
            format!("{} all Synced · Healthy", level_symbol(Level::Ok)),
            t.level(Level::Ok),
        ));
    }
    Line::from(spans)
}

/// Tree guides ("│ ├─ └─") for every row of `tree`, from depths alone.
fn guides(tree: &[(usize, &ArgoApp)]) -> Vec<String> {
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

/// A column: header, width, how far it may grow into spare space, and its priority (0 = keep).
#[derive(Clone, Copy)]
struct Spec(Col, &'static str, u16, u16, u8);

const FULL: &[Spec] = &[
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

const COMPACT: &[Spec] = &[
    Spec(Col::App, "APP", 12, 30, 0),
    Spec(Col::Sync, "SYNC", 9, 9, 0),
    Spec(Col::Health, "HEALTH", 11, 11, 0),
    Spec(Col::Revision, "REV", 7, 7, 2),
    Spec(Col::Auto, "AUTO", 6, 6, 3),
    Spec(Col::Operation, "OPERATION", 16, 24, 1),
];

/// Keep the columns that fit by priority, in display order; spare width is shared out.
fn pick(specs: &[Spec], avail: u16, skip_operation: bool) -> Vec<(Col, &'static str, u16)> {
    let usable = |s: &&Spec| !(skip_operation && s.0 == Col::Operation);
    let mut by_prio: Vec<&Spec> = specs.iter().filter(usable).collect();
    by_prio.sort_by_key(|s| s.4);
    let mut keep: Vec<Col> = Vec::new();
    let mut used = 0u16;
    for s in by_prio {
        let need = s.2 + u16::from(used > 0);
        if used + need <= avail {
            keep.push(s.0);
            used += need;
        }
    }
    let mut out: Vec<(Col, &'static str, u16, u16)> =
        specs.iter().filter(|s| keep.contains(&s.0)).map(|s| (s.0, s.1, s.2, s.3)).collect();
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
        if matches!(
            ctx.state.pane_freshness(PaneId::ArgoCd).state,
            Some(SourceState::Ok | SourceState::Stale)
        ) {
            empty_note(f, area, "no Argo CD applications in this context", t.style(Role::Muted));
        }
        return;
    }
    let tree = ctx.state.argocd.tree();
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
    let t = ctx.theme;
    let with_header = ctx.full || area.height >= 8;
    let any_op = tree.iter().any(|(_, a)| a.operation.is_some());
    let guides = guides(tree);
    // Names cut to "services-fro…" read badly: give the tree its full width before optional
    // columns, unless that would cost the sync or health column.
    let comfortable =
        tree.iter().zip(&guides).map(|((_, a), g)| g.chars().count() + a.name.chars().count()).max();
    let base = if ctx.full { FULL } else { COMPACT };
    let with_app = |min: u16| {
        let specs: Vec<Spec> = base
            .iter()
            .map(|s| if s.0 == Col::App { Spec(s.0, s.1, s.2.max(min), s.3.max(min), s.4) } else { *s })
            .collect();
        pick(&specs, area.width, !any_op)
    };
    let mut cols = with_app(comfortable.unwrap_or(0).min(36) as u16);
    if !cols.iter().any(|c| c.0 == Col::Health) {
        cols = with_app(0);
    }
    let rows_h = area.height.saturating_sub(u16::from(with_header)) as usize;
    let start = window_start(selected, tree.len(), rows_h);
    let end = tree.len().min(start + rows_h);
    let highlight = ctx.full || ctx.focused;
    let rows = (start..end).map(|i| {
        let app = tree[i].1;
        let row = Row::new(cols.iter().map(|&(c, _, w)| cell(c, w, &guides[i], app, ctx)));
        if highlight && i == selected { row.style(t.style(Role::Selection)) } else { row }
    });
    let widths: Vec<Constraint> = cols.iter().map(|c| Constraint::Length(c.2)).collect();
    let mut table = Table::new(rows, widths).column_spacing(1);
    if with_header {
        table = table.header(Row::new(cols.iter().map(|c| Cell::from(c.1))).style(t.style(Role::Header)));
    }
    f.render_widget(table, area);
    if highlight && (start..end).contains(&selected) {
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
