//! A source's delivery put into the store: each row stamped with the cluster of the source that
//! sent it, and only that cluster's rows of that kind replaced.

use super::{Data, EVENTS_KEPT, State, UnixMs, alerts, infra, workloads};
use crate::domain::{ClusterId, SourceId};

pub(super) fn apply_data(
    state: &mut State,
    source: &SourceId,
    (cluster, at): (&ClusterId, UnixMs),
    data: Data,
) {
    let cluster = cluster.clone();
    let keep_other = |c: &ClusterId| *c != cluster;
    match data {
        Data::Clusters(mut c) => {
            c.iter_mut().for_each(|x| x.cluster = cluster.clone());
            state.infra.replace_clusters(source, c);
        }
        Data::Nodes(mut n) => {
            n.iter_mut().for_each(|x| x.cluster = cluster.clone());
            state.infra.nodes.retain(|x| keep_other(&x.cluster));
            state.infra.nodes.extend(n);
            infra::sort_nodes(&mut state.infra.nodes);
        }
        Data::Metrics(mut m) => {
            m.iter_mut().for_each(|x| x.cluster = cluster.clone());
            state.infra.replace_metrics(source, m);
        }
        Data::Apps(mut apps) => {
            apps.iter_mut().for_each(|x| x.cluster = cluster.clone());
            state.argocd.apps.retain(|x| keep_other(&x.cluster));
            state.argocd.apps.extend(apps);
        }
        d @ (Data::PodsReplace { .. }
        | Data::PodsLoading { .. }
        | Data::PodsListed { .. }
        | Data::PodsListedPart(_)
        | Data::PodUpsert(_)
        | Data::PodRows(_)
        | Data::PodUsage(_)
        | Data::PodDelete(_)) => state.pods.take(&cluster, d),
        Data::PodUsageStale(s) => state.pods.set_usage_stale(&cluster, s),
        Data::Hpas(mut h) => {
            h.iter_mut().for_each(|x| x.cluster = cluster.clone());
            state.triage_stale |= state.scaling.replace(&cluster, h, at);
        }
        Data::Workloads(mut w) => {
            w.iter_mut().for_each(|x| x.cluster = cluster.clone());
            state.workloads.retain(|x| keep_other(&x.cluster));
            state.workloads.extend(w);
            workloads::sort(&mut state.workloads);
        }
        // Only the timeline keeps these (`timeline::observe_delivery`).
        Data::Revisions(_) | Data::AlarmHistory(_) => {}
        Data::Alerts(a) => replace_alerts(state, source, &cluster, a),
        Data::Alertmanager { alerts, silences: mut s } => {
            for silence in &mut s {
                silence.source = source.clone();
            }
            state.alerts.replace_silences(source, s);
            replace_alerts(state, source, &cluster, alerts);
        }
        Data::Events(mut ev) => {
            ev.iter_mut().for_each(|x| x.cluster = cluster.clone());
            // The newest of each cluster's events, in time order across them.
            let skip = ev.len().saturating_sub(EVENTS_KEPT);
            let mut all: Vec<_> = state.events.drain(..).filter(|x| keep_other(&x.cluster)).collect();
            all.extend(ev.into_iter().skip(skip));
            all.sort_by_key(|e| e.at);
            state.events = all.into();
        }
        Data::Cost(r) => state.cost.replace(source, r),
    }
}

/// A source's alerts, each stamped with the source and the cluster its labels name (else the
/// source's).
fn replace_alerts(state: &mut State, source: &SourceId, cluster: &ClusterId, mut a: Vec<alerts::Alert>) {
    for alert in &mut a {
        alert.source = source.clone();
        alert.cluster = state.cluster_of_alert(source, alert).unwrap_or_else(|| cluster.clone());
    }
    state.alerts.replace_from(source, a);
}
