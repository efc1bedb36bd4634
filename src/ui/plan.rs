//! A sync's plan as lines: a summary (created, changed, pruned, pods restarted), each resource
//! with its mark, and the diff of live (−, crit) against desired (+, ok). The sync dialog shows
//! the start of it; the Argo CD detail's Diff tab all of it. Cluster text only through `text`.

use ratatui::text::{Line, Span};

use super::text;
use crate::config::{Theme, theme::Role};
use crate::domain::ClusterId;
use crate::state::State;
use crate::state::sync_plan::{Change, DiffLine, PlanView, for_app};

/// "1 to change (1 restarts pods) · 0 to create · 2 to prune (prune is off: they stay)".
pub fn summary(view: &PlanView, prune: Option<bool>, theme: &Theme) -> Line<'static> {
    let (create, change, pruned) =
        (view.count(Change::Create), view.count(Change::Change), view.count(Change::Prune));
    let restarts = view.restarts();
    let mut spans = vec![Span::styled("Plan: ", theme.style(Role::Title))];
    let restart =
        if restarts > 0 { format!(" ({restarts} restart{} pods)", plural(restarts)) } else { String::new() };
    spans.push(Span::styled(format!("{change} to change{restart}"), theme.style(Role::Warn)));
    spans.push(Span::styled(format!(" · {create} to create"), theme.style(Role::Ok)));
    let prune_note = match prune {
        Some(false) if pruned > 0 => " (prune is off: they stay; p turns it on)",
        Some(true) if pruned > 0 => " (deleted: prune is on)",
        _ => "",
    };
    spans.push(Span::styled(format!(" · {pruned} to prune{prune_note}"), theme.style(Role::Crit)));
    Line::from(spans)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "s" } else { "" }
}

/// Every line of the plan: the summary, then each resource and its diff. `diff_lines` caps the
/// diff lines shown in all: the dialog (which passes its `prune` option) shows a few, only the
/// changed ones; the Diff tab (no option) all of them with their context.
pub fn lines(
    state: &State,
    app: (&ClusterId, &str),
    prune: Option<bool>,
    diff_lines: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let view = for_app(state, app);
    let only_changes = prune.is_some();
    let muted = theme.style(Role::Muted);
    if view.loading {
        return vec![Line::from(Span::styled("Plan: asking Argo CD what a sync would change …", muted))];
    }
    if let Some(e) = view.error {
        return vec![Line::from(Span::styled(
            format!("Plan: not available: {}", text::clean(e)),
            theme.style(Role::Warn),
        ))];
    }
    if let Some((reason, out)) = &view.no_diff {
        return no_diff(reason, out, theme);
    }
    let mut out = vec![summary(&view, prune, theme)];
    if view.resources.is_empty() {
        out.push(Line::from(Span::styled("Nothing differs from Git: a sync changes nothing.", muted)));
        return out;
    }
    for r in &view.resources {
        let role = match r.change {
            Change::Create => Role::Ok,
            Change::Change => Role::Warn,
            Change::Prune | Change::None => Role::Crit,
        };
        let mut spans = vec![
            Span::styled(format!("  {} ", r.change.mark()), theme.style(role)),
            Span::styled(
                format!("{} {}/{}", text::clean(&r.kind), text::clean(&r.namespace), text::clean(&r.name)),
                theme.style(Role::Text),
            ),
            Span::styled(format!("  {}", r.change.label()), theme.style(role)),
        ];
        if r.restarts_pods {
            spans.push(Span::styled("  restarts pods", theme.style(Role::Crit)));
        }
        out.push(Line::from(spans));
    }
    let mut budget = diff_lines;
    for r in view.resources.iter().filter(|r| !r.diff.is_empty()) {
        if budget == 0 {
            break;
        }
        out.push(Line::from(Span::styled(
            format!(
                "─ {} {}/{} (− live, + desired)",
                text::clean(&r.kind),
                text::clean(&r.namespace),
                text::clean(&r.name)
            ),
            theme.style(Role::Header),
        )));
        let changed = |d: &&DiffLine| matches!(d, DiffLine::Live(_) | DiffLine::Desired(_));
        let diff: Vec<&DiffLine> = r.diff.iter().filter(|d| !only_changes || changed(d)).collect();
        for d in diff.iter().take(budget) {
            out.push(diff_line(d, theme));
        }
        let shown = diff.len().min(budget);
        budget -= shown;
        if shown < diff.len() || only_changes {
            let more = if shown < diff.len() {
                format!("{} more lines; ", diff.len() - shown)
            } else {
                String::new()
            };
            out.push(Line::from(Span::styled(
                format!("  … {more}v in the app's detail shows the whole diff"),
                muted,
            )));
        }
    }
    out
}

/// Kubernetes mode: what is out of sync, and why there is no diff.
fn no_diff(reason: &str, out: &[&crate::state::argocd::AppResource], theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(vec![
        Span::styled("Plan: ", theme.style(Role::Title)),
        Span::styled(
            format!("{} resource{} out of sync", out.len(), if out.len() == 1 { "" } else { "s" }),
            theme.style(Role::Warn),
        ),
    ])];
    for r in out {
        let name = format!("{} {}/{}", text::clean(&r.kind), text::clean(&r.namespace), text::clean(&r.name));
        lines.push(Line::from(vec![
            Span::styled("  ~ ", theme.style(Role::Warn)),
            Span::styled(name, theme.style(Role::Text)),
        ]));
    }
    lines.push(Line::from(Span::styled(
        format!("No diff: {}", text::clean(reason)),
        theme.style(Role::Muted),
    )));
    lines
}

fn diff_line(d: &DiffLine, theme: &Theme) -> Line<'static> {
    let (mark, s, role) = match d {
        DiffLine::Same(s) => (" ", s.as_str(), Role::Muted),
        DiffLine::Live(s) => ("-", s.as_str(), Role::Crit),
        DiffLine::Desired(s) => ("+", s.as_str(), Role::Ok),
        DiffLine::Skipped(0) => return Line::from(Span::styled("  … (cut)", theme.style(Role::Muted))),
        DiffLine::Skipped(n) => {
            return Line::from(Span::styled(
                format!("  @@ {n} unchanged lines @@"),
                theme.style(Role::Muted),
            ));
        }
    };
    Line::from(Span::styled(format!("  {mark} {}", text::clean(s)), theme.style(role)))
}
