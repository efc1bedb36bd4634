//! What an empty pane needs: the sources it would show, why each is off (not found, forbidden,
//! off in the config, not configured) or failing, and the key or config line that turns it on,
//! in the pane's body where a new user looks. Drawn only while the pane has no rows.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::config::{Theme, theme::Role};
use crate::state::view::AlertsView;
use crate::state::{Level, PaneId, SourceState, State};
use crate::ui::text::clean;
use crate::ui::widgets::level_symbol;

/// What the pane shows when its sources deliver.
fn shows(pane: PaneId) -> &'static str {
    match pane {
        PaneId::Infrastructure => {
            "EKS clusters, node groups and add-ons, Kubernetes nodes, CloudWatch metrics"
        }
        PaneId::ArgoCd => "Argo CD applications",
        PaneId::Pods => "the context's pods and workloads",
        PaneId::Scaling => "HorizontalPodAutoscalers",
        PaneId::Alerts => "Alertmanager alerts and CloudWatch alarms",
        PaneId::Cost => "the month's AWS bill from Cost Explorer",
    }
}

/// How to give a pane that no source feeds at all its first one.
fn configure(pane: PaneId) -> &'static str {
    match pane {
        PaneId::Infrastructure | PaneId::Pods | PaneId::Scaling => {
            "not configured: no kubeconfig context · point KUBECONFIG or --kubeconfig at one, or try --demo"
        }
        PaneId::ArgoCd => "not configured · set [argocd] enabled = true",
        PaneId::Alerts => {
            "not configured · add [[alertmanager]] url = \"http://…:9093\", or set [cloudwatch] alarms = true"
        }
        PaneId::Cost => {
            "not configured · set [cost] enabled = true (Cost Explorer charges $0.01 per request)"
        }
    }
}

fn empty(state: &State, pane: PaneId) -> bool {
    match pane {
        PaneId::Infrastructure => {
            state.infra.clusters.is_empty() && state.infra.nodes.is_empty() && state.infra.metrics.is_empty()
        }
        PaneId::ArgoCd => state.argocd.apps.is_empty(),
        PaneId::Pods => state.pods.by_key.is_empty(),
        PaneId::Scaling => state.scaling.hpas.is_empty(),
        PaneId::Alerts => state.alerts.items.is_empty() && state.view.alerts_view != AlertsView::Silences,
        PaneId::Cost => state.cost.report.is_none(),
    }
}

/// The pane's lines of need, each with its level; None while it has rows, waits for its first
/// data, or is healthy and merely empty.
pub fn lines(state: &State, pane: PaneId) -> Option<Vec<(Level, String)>> {
    if !empty(state, pane) {
        return None;
    }
    let st = state.pane_freshness(pane).state;
    match st {
        Some(SourceState::Ok | SourceState::Stale | SourceState::Pending) => return None,
        // Argo CD's pane says its own error (not installed, unauthorized) in its body.
        Some(SourceState::Error) if pane == PaneId::ArgoCd => return None,
        _ => {}
    }
    let mut out =
        vec![(Level::Muted, format!("{} shows {} when a source feeds it:", pane.title(), shows(pane)))];
    if st.is_none() {
        out.push((Level::Muted, format!("{} {}", level_symbol(Level::Muted), configure(pane))));
        return Some(out);
    }
    // Sources off for one reason (a cluster's watches without a kubeconfig) say it once.
    let mut said: Vec<(Level, Vec<String>, String)> = Vec::new();
    for (id, e) in state.sources_for(pane) {
        let Some(why) = &e.health.last_error else { continue };
        let level = if e.health.enabled { Level::Crit } else { Level::Muted };
        let why = clean(why).into_owned();
        match said.iter_mut().find(|(l, _, w)| *l == level && *w == why) {
            Some((_, names, _)) => names.push(state.source_label(id)),
            None => said.push((level, vec![state.source_label(id)], why)),
        }
    }
    out.extend(
        said.into_iter().map(|(level, names, why)| {
            (level, format!("{} {}: {why}", level_symbol(level), names.join(", ")))
        }),
    );
    Some(out)
}

/// Draw the pane's needs in `area` when it has any; false when the pane draws itself.
pub fn draw(f: &mut Frame, area: Rect, pane: PaneId, state: &State, theme: &Theme) -> bool {
    let Some(mut lines) = lines(state, pane) else { return false };
    // Where the reasons fill the pane, they go before what it would show.
    let width = area.width.saturating_sub(1).max(1) as usize;
    let rows = |ls: &[(Level, String)]| -> usize {
        ls.iter().map(|(_, s)| s.chars().count().max(1).div_ceil(width)).sum()
    };
    if rows(&lines) > area.height as usize && lines.len() > 1 {
        lines.remove(0);
    }
    let first_is_head = lines.first().is_some_and(|(_, s)| s.ends_with("when a source feeds it:"));
    let text: Vec<Line> = lines
        .into_iter()
        .enumerate()
        .map(|(i, (level, s))| {
            let style = if i == 0 && first_is_head { theme.style(Role::Muted) } else { theme.level(level) };
            Line::from(Span::styled(s, style))
        })
        .collect();
    // A column of margin, so wrapped lines line up with the first.
    let inner = Rect { x: area.x.saturating_add(1), width: area.width.saturating_sub(1), ..area };
    f.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SourceId;
    use crate::domain::source::SourceKind;
    use crate::state::{Message, update};

    #[test]
    fn an_off_source_says_why_and_a_healthy_empty_pane_says_nothing() {
        let mut s = State::new("shop-prod", 1_000);
        assert!(lines(&s, PaneId::Cost).unwrap()[1].1.ends_with(configure(PaneId::Cost)));
        let source = SourceId::of(SourceKind::CostExplorer);
        let reason = "off: Cost Explorer charges $0.01 per request".to_string();
        update(&mut s, Message::Disabled { source: source.clone(), feeds: vec![PaneId::Cost], reason });
        let l = lines(&s, PaneId::Cost).unwrap();
        assert_eq!(l[1].0, Level::Muted);
        assert!(l[1].1.ends_with(" cost-explorer: off: Cost Explorer charges $0.01 per request"), "{l:?}");
        update(&mut s, Message::Register { source, interval_ms: 1000, feeds: vec![PaneId::Cost] });
        assert_eq!(lines(&s, PaneId::Cost), None, "waiting for its first data");
    }
}
