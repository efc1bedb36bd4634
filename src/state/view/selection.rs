//! Which row of each pane is selected, kept on the same row as the data changes: the rows a
//! pane has, a stable key per row, the target an action on the selected row gets, and the moves
//! between views (triage, a jump, the Pods pane's two lists).

use super::{AlertsView, Mode, PodsView, Target};
use crate::domain::{ClusterId, PodKey};
use crate::state::{Level, PaneId, State};

/// Selectable rows per pane, in pane order (as filtered and sorted).
pub fn row_counts(state: &State) -> [usize; 6] {
    use crate::state::rows;
    [
        rows::nodes(state).len(),
        // The tree, not the app list: apps in a parent cycle are not rows.
        rows::apps(state).len(),
        match state.view.pods_view {
            PodsView::Pods => rows::pod_order(state).len(),
            PodsView::Workloads => rows::workloads(state).len(),
        },
        rows::hpas(state).len(),
        alert_rows(state),
        rows::services(state).len(),
    ]
}

fn alert_rows(state: &State) -> usize {
    match state.view.alerts_view {
        AlertsView::List => crate::state::rows::alerts(state).len(),
        AlertsView::Grouped => state.alerts.groups().len(),
        AlertsView::Silences => state.alerts.silences.len(),
    }
}

/// A row's identity in its pane, so the selection can follow its row when the order changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowKey {
    Node(ClusterId, String),
    App(ClusterId, String),
    Pod(PodKey),
    /// `namespace/kind/name`, as `Workload::key`.
    Workload(ClusterId, String),
    /// `namespace/name`, as `Hpa::key`.
    Hpa(ClusterId, String),
    /// An alert's fingerprint.
    Alert(String),
    /// The alertname a grouped row stands for.
    AlertGroup(String),
    Silence(String),
    /// A Cost Explorer service.
    Service(String),
}

/// The identity of row `i` of a pane.
pub fn row_key(state: &State, pane: PaneId, i: usize) -> Option<RowKey> {
    use crate::state::rows;
    match pane {
        PaneId::Infrastructure => {
            rows::nodes(state).get(i).map(|n| RowKey::Node(n.cluster.clone(), n.name.clone()))
        }
        PaneId::ArgoCd => {
            rows::apps(state).get(i).map(|(_, a)| RowKey::App(a.cluster.clone(), a.name.clone()))
        }
        PaneId::Pods => match state.view.pods_view {
            PodsView::Pods => rows::pod_order(state).get(i).map(|k| RowKey::Pod(k.clone())),
            PodsView::Workloads => {
                rows::workloads(state).get(i).map(|w| RowKey::Workload(w.cluster.clone(), w.key()))
            }
        },
        PaneId::Scaling => rows::hpas(state).get(i).map(|h| RowKey::Hpa(h.cluster.clone(), h.key())),
        PaneId::Alerts => match state.view.alerts_view {
            AlertsView::List => rows::alerts(state).get(i).map(|a| RowKey::Alert(a.fingerprint.clone())),
            AlertsView::Grouped => {
                state.alerts.groups().get(i).map(|g| RowKey::AlertGroup(g.name.to_string()))
            }
            AlertsView::Silences => state.alerts.silences.get(i).map(|s| RowKey::Silence(s.id.clone())),
        },
        PaneId::Cost => rows::services(state).into_iter().nth(i).map(|s| RowKey::Service(s.0)),
    }
}

/// Where the row with this identity is now in the pane as it shows.
pub fn find_row(state: &State, pane: PaneId, key: &RowKey) -> Option<usize> {
    use crate::state::rows;
    match (pane, key) {
        (PaneId::Infrastructure, RowKey::Node(c, n)) => {
            rows::nodes(state).iter().position(|x| &x.cluster == c && &x.name == n)
        }
        (PaneId::ArgoCd, RowKey::App(c, a)) => {
            rows::apps(state).iter().position(|(_, x)| &x.cluster == c && &x.name == a)
        }
        (PaneId::Pods, RowKey::Workload(c, k)) if state.view.pods_view == PodsView::Workloads => {
            rows::workloads(state).iter().position(|w| &w.cluster == c && &w.key() == k)
        }
        (PaneId::Pods, RowKey::Pod(k)) if state.view.pods_view == PodsView::Pods => {
            rows::pod_order(state).iter().position(|x| x == k)
        }
        (PaneId::Scaling, RowKey::Hpa(c, k)) => {
            rows::hpas(state).iter().position(|h| &h.cluster == c && &h.key() == k)
        }
        (PaneId::Alerts, RowKey::Alert(f)) if state.view.alerts_view == AlertsView::List => {
            rows::alerts(state).iter().position(|a| &a.fingerprint == f)
        }
        (PaneId::Alerts, RowKey::AlertGroup(n)) if state.view.alerts_view == AlertsView::Grouped => {
            state.alerts.groups().iter().position(|g| g.name == n)
        }
        (PaneId::Alerts, RowKey::Silence(id)) if state.view.alerts_view == AlertsView::Silences => {
            state.alerts.silences.iter().position(|s| &s.id == id)
        }
        (PaneId::Cost, RowKey::Service(name)) => rows::services(state).iter().position(|s| &s.0 == name),
        _ => None,
    }
}

/// The one way a pane's selection is set: the row and its identity together, so it follows
/// that row from now on.
pub fn select(state: &mut State, pane: PaneId, row: usize) {
    state.view.selected[pane.index()] = row;
    state.view.anchor[pane.index()] = row_key(state, pane, row);
}

/// Move a pane's selection by `delta` rows, clamped to the rows it has.
pub fn move_selection(state: &mut State, pane: PaneId, delta: isize) {
    let rows = row_counts(state)[pane.index()];
    let cur = state.view.selected(pane) as isize;
    let max = rows.saturating_sub(1) as isize;
    select(state, pane, cur.saturating_add(delta).clamp(0, max.max(0)) as usize);
}

/// After data changed: move each selection to where its row went, clamp, and re-anchor.
pub fn follow_selection(state: &mut State) {
    for pane in PaneId::ALL {
        let i = pane.index();
        if let Some(key) = state.view.anchor[i].clone()
            && row_key(state, pane, state.view.selected[i]).as_ref() != Some(&key)
            && let Some(j) = find_row(state, pane, &key)
        {
            state.view.selected[i] = j;
        }
    }
    state.view.clamp_selection(&row_counts(state));
    for pane in PaneId::ALL {
        state.view.anchor[pane.index()] = row_key(state, pane, state.view.selected(pane));
    }
    let (sel, anchor) = {
        let problems = crate::state::rows::problems(state);
        let view = &state.view;
        let mut sel = view.triage_selected;
        if let Some(key) = &view.triage_anchor
            && problems.get(sel).is_none_or(|p| &p.key != key)
            && let Some(j) = problems.iter().position(|p| &p.key == key)
        {
            sel = j;
        }
        let sel = sel.min(problems.len().saturating_sub(1));
        (sel, problems.get(sel).map(|p| p.key.clone()))
    };
    state.view.triage_selected = sel;
    state.view.triage_anchor = anchor;
    if state.view.triage_seen_above.is_none() {
        state.view.triage_seen_above = Some(keys_above(state, sel));
    }
}

/// The keys of the triage rows above row `sel`.
fn keys_above(state: &State, sel: usize) -> std::collections::BTreeSet<String> {
    crate::state::rows::problems(state).iter().take(sel).map(|p| p.key.clone()).collect()
}

/// The problems that landed above the triage selection since the user chose it, as
/// (critical, warning) counts: the row a fix key would act on is no longer the worst.
pub fn new_above(state: &State) -> (usize, usize) {
    let Some(seen) = &state.view.triage_seen_above else { return (0, 0) };
    let problems = crate::state::rows::problems(state);
    let above = problems.iter().take(state.view.triage_selected).filter(|p| !seen.contains(&p.key));
    above.fold((0, 0), |(c, w), p| match p.level {
        Level::Crit => (c + 1, w),
        Level::Warn => (c, w + 1),
        _ => (c, w),
    })
}

/// The problem selected in the triage view.
pub fn selected_problem(state: &State) -> Option<&crate::state::triage::Problem> {
    crate::state::rows::problems(state).get(state.view.triage_selected).copied()
}

/// Move the triage selection by `step` rows, and anchor it to its problem.
pub fn move_triage(state: &mut State, step: isize) {
    let problems = crate::state::rows::problems(state);
    let cur = state.view.triage_selected as isize;
    let sel = cur.saturating_add(step).clamp(0, problems.len().saturating_sub(1) as isize) as usize;
    let anchor = problems.get(sel).map(|p| p.key.clone());
    state.view.triage_selected = sel;
    state.view.triage_anchor = anchor;
    state.view.triage_seen_above = Some(keys_above(state, sel));
}

/// Put the pane that shows `target` full-screen with its row selected (Enter on a triage row).
/// Returns false when no pane has that row (it went away).
pub fn reveal(state: &mut State, target: &Target, cluster: &ClusterId) -> bool {
    let c = cluster.clone();
    let (pane, key) = match target {
        Target::Node(n) => (PaneId::Infrastructure, RowKey::Node(c, n.clone())),
        Target::App(a) | Target::AppSync { name: a, .. } => (PaneId::ArgoCd, RowKey::App(c, a.clone())),
        Target::Pod { namespace, name } => {
            (PaneId::Pods, RowKey::Pod(PodKey::new(namespace.as_str(), name.as_str()).in_cluster(cluster)))
        }
        Target::Workload { namespace, kind, name }
            if let Some(w) = state.workloads.iter().find(|w| {
                &w.cluster == cluster && w.namespace == *namespace && w.name == *name && w.kind == *kind
            }) =>
        {
            state.view.pods_view = PodsView::Workloads;
            (PaneId::Pods, RowKey::Workload(c, w.key()))
        }
        Target::Workload { namespace, name, .. } => {
            // Without workload rows (not watched): the workload's first pod in the Pods
            // pane's order (problems first).
            state.view.pods_view = PodsView::Pods;
            let owned = state.pods.iter_ordered().find(|p| {
                &p.cluster == cluster
                    && p.namespace == *namespace
                    && p.owner.as_ref().is_some_and(|o| o.name == *name)
            });
            match owned {
                Some(p) => (PaneId::Pods, RowKey::Pod(p.key())),
                None => return false,
            }
        }
        Target::Hpa { namespace, name } | Target::HpaLimits { namespace, name, .. } => {
            (PaneId::Scaling, RowKey::Hpa(c, format!("{namespace}/{name}")))
        }
        Target::Alert { fingerprint, .. } => {
            // Alerts are rows of the list view.
            state.view.alerts_view = AlertsView::List;
            (PaneId::Alerts, RowKey::Alert(fingerprint.clone()))
        }
        Target::Silence { .. } | Target::NewSilence(_) | Target::CostData | Target::Scale { .. } => {
            return false;
        }
        Target::CostExplorer => {
            return false;
        }
        Target::Object(_) | Target::Edit(_) | Target::Rollback { .. } | Target::AppRollback { .. } => {
            return false;
        }
        Target::Shell { .. } | Target::Forward { .. } | Target::UserCommand { .. } => return false,
    };
    let Some(i) = find_row(state, pane, &key) else { return false };
    state.view.mode = Mode::Full(pane);
    state.view.focus = pane;
    select(state, pane, i);
    true
}

/// What the selected row of a pane is, for actions.
pub fn selected_target(state: &State, pane: PaneId) -> Option<Target> {
    use crate::state::rows;
    let i = state.view.selected(pane);
    match pane {
        PaneId::Infrastructure => rows::nodes(state).get(i).map(|n| Target::Node(n.name.clone())),
        PaneId::ArgoCd => rows::apps(state).get(i).map(|(_, a)| Target::App(a.name.clone())),
        PaneId::Pods if state.view.pods_view == PodsView::Workloads => {
            let w = rows::workloads(state).get(i)?.clone();
            Some(Target::Workload { namespace: w.namespace, kind: w.kind, name: w.name })
        }
        PaneId::Pods => {
            let order = rows::pod_order(state);
            let key = order.get(i)?;
            Some(Target::Pod { namespace: key.namespace.to_string(), name: key.name.to_string() })
        }
        PaneId::Scaling => rows::hpas(state)
            .get(i)
            .map(|h| Target::Hpa { namespace: h.namespace.clone(), name: h.name.clone() }),
        PaneId::Alerts => {
            let listed = rows::alerts(state);
            let a = match state.view.alerts_view {
                AlertsView::List => listed.get(i)?,
                AlertsView::Grouped => state.alerts.groups().get(i)?.first(),
                AlertsView::Silences => {
                    let s = state.alerts.silences.get(i)?;
                    return Some(Target::Silence { source: s.source.clone(), id: s.id.clone() });
                }
            };
            Some(Target::Alert { fingerprint: a.fingerprint.clone(), name: a.name.clone() })
        }
        PaneId::Cost if state.cost.report.is_some() => Some(Target::CostData),
        // Off until asked for: what its key turns on.
        PaneId::Cost => {
            let off = state.sources_for(PaneId::Cost).any(|(id, e)| {
                id.kind == crate::domain::source::SourceKind::CostExplorer && !e.health.enabled
            });
            off.then_some(Target::CostExplorer)
        }
    }
}

/// The cluster of a pane's selected row: where an action on it goes and whose safety applies.
pub fn selected_cluster(state: &State, pane: PaneId) -> ClusterId {
    use crate::state::rows;
    let i = state.view.selected(pane);
    let found = match pane {
        PaneId::Infrastructure => rows::nodes(state).get(i).map(|n| n.cluster.clone()),
        PaneId::ArgoCd => rows::apps(state).get(i).map(|(_, a)| a.cluster.clone()),
        PaneId::Pods if state.view.pods_view == PodsView::Workloads => {
            rows::workloads(state).get(i).map(|w| w.cluster.clone())
        }
        PaneId::Pods => rows::pod_order(state).get(i).map(|k| k.cluster.clone()),
        PaneId::Scaling => rows::hpas(state).get(i).map(|h| h.cluster.clone()),
        PaneId::Alerts => match state.view.alerts_view {
            AlertsView::List => rows::alerts(state).get(i).map(|a| a.cluster.clone()),
            AlertsView::Grouped => state.alerts.groups().get(i).map(|g| g.first().cluster.clone()),
            AlertsView::Silences => state.alerts.silences.get(i).and_then(|s| s.source.cluster.clone()),
        },
        PaneId::Cost => None,
    };
    found.unwrap_or_default()
}

/// Switch what the Pods pane lists, back on the row that view was on (else the top, the worst);
/// a filter is for one view's fields, so it does not follow.
pub fn show_pods_view(state: &mut State, to: PodsView) {
    if state.view.pods_view == to {
        return;
    }
    let i = PaneId::Pods.index();
    let here = state.view.anchor[i].take();
    let back = std::mem::replace(&mut state.view.pods_other_anchor, here);
    state.view.pods_view = to;
    state.view.filters[i] = None;
    let row = back.and_then(|k| find_row(state, PaneId::Pods, &k)).unwrap_or(0);
    select(state, PaneId::Pods, row);
}
