//! The store's side of the timeline: each delivery compared with the last of its kind from the
//! same cluster, and stamped with that cluster. Called by `state::update`; no I/O.

use std::collections::HashSet;

use crate::domain::ClusterId;
use crate::state::{Data, State, UnixMs};

/// The cluster an entry is stamped with: its source's (or the one cluster there is); with no
/// fleet configured, the Kubernetes context shown, so the history always says where.
pub fn cluster_of(state: &State, cluster: &ClusterId) -> ClusterId {
    if cluster.is_empty() && state.fleet.is_empty() {
        ClusterId::new(&state.context)
    } else {
        cluster.clone()
    }
}

/// The cluster the rows of an entry's cluster carry: the inverse of [`cluster_of`] (with no
/// fleet configured, rows carry none).
pub fn rows_cluster(state: &State, cluster: &ClusterId) -> ClusterId {
    if state.fleet.is_empty() { ClusterId::default() } else { cluster.clone() }
}

/// Compare a delivery from `cluster` with the last of its kind there, before it is applied.
pub fn observe_delivery(state: &mut State, cluster: &ClusterId, at: UnixMs, data: &Data) {
    let stamp = cluster_of(state, cluster);
    let tl = &mut state.timeline;
    match data {
        Data::Nodes(n) => tl.observe(&stamp, |seen| seen.nodes(n, at)),
        Data::Apps(apps) => tl.observe(&stamp, |seen| seen.apps(apps, at)),
        Data::Hpas(h) => tl.observe(&stamp, |seen| seen.hpas(h, at)),
        Data::Workloads(w) => {
            // The HPAs of the same cluster, as delivered so far (stamped with `cluster`).
            let driven: HashSet<String> = state
                .scaling
                .hpas
                .iter()
                .filter(|h| h.cluster == *cluster)
                .map(|h| format!("{}/{}", h.namespace, h.target.name))
                .collect();
            tl.observe(&stamp, |seen| seen.workloads(w, &driven, at));
        }
        Data::Revisions(r) => tl.observe(&stamp, |seen| seen.revisions(r, at)),
        Data::AlarmHistory(changes) => tl.observe_fleet(&stamp, |seen| seen.alarm_history(changes)),
        Data::Events(ev) => tl.observe(&stamp, |seen| seen.events(ev)),
        _ => {}
    }
}

/// Alerts starting and resolving, across every source, after a delivery of them was applied;
/// each entry carries its alert's cluster, or `cluster`'s for an alert of the whole fleet.
pub fn observe_alerts(state: &mut State, cluster: &ClusterId, at: UnixMs) {
    let stamp = cluster_of(state, cluster);
    let items = &state.alerts.items;
    state.timeline.observe_fleet(&stamp, |seen| seen.alerts(items, at));
}
