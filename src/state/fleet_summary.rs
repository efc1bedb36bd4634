//! One row per watched cluster for the fleet screen: how it is (its worst problem, the counts an
//! on-call engineer scans for), what it costs, and whether what is shown of it is current.
//! Derived from the store on demand; the fleet is a handful of rows, so nothing is cached.

use serde::Serialize;

use super::argocd::{HealthStatus, SyncStatus};
use super::health::SourceState;
use super::infra::NodeReadiness;
use super::{Level, State, UnixMs};
use crate::domain::ClusterId;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FleetRow {
    pub cluster: ClusterId,
    pub production: bool,
    pub readonly: bool,
    pub account: Option<String>,
    pub region: Option<String>,
    /// Kubernetes version, as its EKS cluster reports it.
    pub version: Option<String>,
    /// Its worst problem's level (Ok when none).
    pub level: Level,
    pub critical: usize,
    pub warning: usize,
    pub pods: usize,
    pub pods_failing: usize,
    pub pods_not_ready: usize,
    pub apps: usize,
    pub apps_out_of_sync: usize,
    pub apps_degraded: usize,
    pub hpas_at_max: usize,
    pub nodes: usize,
    pub nodes_not_ready: usize,
    pub alerts_firing: usize,
    /// Its own AWS account's bill (month to date, forecast), when that account is its alone.
    pub cost_mtd: Option<f64>,
    pub cost_forecast: Option<f64>,
    pub freshness: Freshness,
}

/// Whether what is shown of a cluster is current, judged over all of its sources.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum Freshness {
    /// Every source delivered and is healthy; the oldest delivery.
    Live { since: Option<UnixMs> },
    /// Nothing delivered yet.
    Loading,
    /// Watched only once opened (`watch = "open"`).
    Lazy,
    /// Some source's rows are old.
    Stale { since: Option<UnixMs> },
    /// A source failed: the first one's error, and how many failed.
    Error { source: String, error: String, failing: usize },
}

impl Freshness {
    pub fn level(&self) -> Level {
        match self {
            Freshness::Live { .. } | Freshness::Lazy => Level::Ok,
            Freshness::Loading => Level::Muted,
            Freshness::Stale { .. } => Level::Warn,
            Freshness::Error { .. } => Level::Crit,
        }
    }
}

/// The fleet's rows, worst first: by level, critical then warning counts, production first,
/// then by name.
pub fn fleet_rows(state: &State) -> Vec<FleetRow> {
    let mut rows: Vec<FleetRow> = state.fleet.iter().map(|c| row(state, c)).collect();
    rows.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then(b.critical.cmp(&a.critical))
            .then(b.warning.cmp(&a.warning))
            .then(b.production.cmp(&a.production))
            .then_with(|| a.cluster.cmp(&b.cluster))
    });
    rows
}

/// The fleet screen's selected row: where its cluster is now, else the first.
pub fn fleet_selected(state: &State, rows: &[FleetRow]) -> usize {
    let cursor = state.view.fleet_cursor.as_ref();
    cursor.and_then(|c| rows.iter().position(|r| &r.cluster == c)).unwrap_or(0)
}

/// Move the fleet screen's selection by `step` rows; it stays on its cluster after that.
pub fn move_fleet(state: &mut State, step: isize) {
    let rows = fleet_rows(state);
    let cur = fleet_selected(state, &rows) as isize;
    let sel = cur.saturating_add(step).clamp(0, rows.len().saturating_sub(1) as isize) as usize;
    state.view.fleet_cursor = rows.get(sel).map(|r| r.cluster.clone());
}

fn row(state: &State, info: &super::fleet::ClusterInfo) -> FleetRow {
    let c = &info.name;
    let problems = || state.triage.problems.iter().filter(|p| &p.cluster == c);
    let critical = problems().filter(|p| p.level == Level::Crit).count();
    let warning = problems().filter(|p| p.level == Level::Warn).count();
    let freshness = freshness(state, info);
    let worst = problems().map(|p| p.level).max().unwrap_or(Level::Ok);
    let pods = state.pods.by_key.values().filter(|p| &p.cluster == c);
    let (mut n_pods, mut failing, mut not_ready) = (0, 0, 0);
    for p in pods {
        n_pods += 1;
        match p.level() {
            Level::Crit => failing += 1,
            Level::Warn => not_ready += 1,
            _ => {}
        }
    }
    let apps: Vec<_> = state.argocd.apps.iter().filter(|a| &a.cluster == c).collect();
    let nodes: Vec<_> = state.infra.nodes.iter().filter(|n| &n.cluster == c).collect();
    let (cost_mtd, cost_forecast) = cost_of(state, c);
    FleetRow {
        cluster: c.clone(),
        production: info.production,
        readonly: info.readonly,
        account: info.account.clone(),
        region: info.region.clone(),
        version: version_of(state, c),
        level: worst,
        critical,
        warning,
        pods: n_pods,
        pods_failing: failing,
        pods_not_ready: not_ready,
        apps: apps.len(),
        apps_out_of_sync: apps.iter().filter(|a| a.sync == SyncStatus::OutOfSync).count(),
        apps_degraded: apps.iter().filter(|a| a.health == HealthStatus::Degraded).count(),
        hpas_at_max: state.scaling.hpas.iter().filter(|h| &h.cluster == c && h.at_max()).count(),
        nodes: nodes.len(),
        nodes_not_ready: nodes.iter().filter(|n| n.ready != NodeReadiness::Ready).count(),
        alerts_firing: state.alerts.items.iter().filter(|a| &a.cluster == c && a.state.active()).count(),
        cost_mtd,
        cost_forecast,
        freshness,
    }
}

/// Its Kubernetes version from EKS: the EKS cluster of its name (a context named for it, or an
/// ARN ending in it), else the one its own EKS source listed.
fn version_of(state: &State, cluster: &ClusterId) -> Option<String> {
    let named = |e: &&super::infra::Cluster| {
        cluster.as_str() == e.name || cluster.as_str().ends_with(&format!("/{}", e.name))
    };
    let eks = &state.infra.clusters;
    let found = eks.iter().find(named).or_else(|| eks.iter().find(|e| &e.cluster == cluster));
    found.map(|e| e.version.clone())
}

/// The bill of the AWS account that is this cluster's alone.
fn cost_of(state: &State, cluster: &ClusterId) -> (Option<f64>, Option<f64>) {
    let mut own = state.cost.by_source.iter().filter(|(id, _)| id.cluster.as_ref() == Some(cluster));
    match own.next() {
        Some((_, r)) => (Some(r.month_to_date()), Some(r.forecast())),
        None => (None, None),
    }
}

/// Over the cluster's own sources: an error first, then staleness, then loading.
fn freshness(state: &State, info: &super::fleet::ClusterInfo) -> Freshness {
    let own: Vec<_> =
        state.sources.iter().filter(|(id, _)| id.cluster.as_ref() == Some(&info.name)).collect();
    if own.is_empty() {
        return if info.lazy { Freshness::Lazy } else { Freshness::Loading };
    }
    let failed: Vec<_> =
        own.iter().filter(|(_, e)| e.health.state(state.now) == SourceState::Error).collect();
    if let Some((id, e)) = failed.first() {
        return Freshness::Error {
            source: id.to_string(),
            error: e.health.last_error.clone().unwrap_or_default(),
            failing: failed.len(),
        };
    }
    let states: Vec<SourceState> = own.iter().map(|(_, e)| e.health.state(state.now)).collect();
    let oldest = own.iter().filter_map(|(_, e)| e.health.last_success).min();
    if states.contains(&SourceState::Stale) {
        let since = own.iter().filter_map(|(_, e)| e.health.stale_since()).min().or(oldest);
        return Freshness::Stale { since };
    }
    if states.iter().all(|s| matches!(s, SourceState::Pending | SourceState::Disabled))
        && states.contains(&SourceState::Pending)
    {
        return Freshness::Loading;
    }
    Freshness::Live { since: oldest }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::sources::demo::{FIXED_EPOCH, run_headless};
    use crate::state::fleet::ClusterInfo;
    use crate::state::{Message, update};

    /// The demo's platform delivered twice: as shop-prod (production) and as shop-dev.
    pub(crate) fn twins() -> State {
        let (world, msgs) = run_headless(1, FIXED_EPOCH, 600);
        let mut s = State::new("all clusters", world.now());
        s.set_fleet(vec![
            ClusterInfo { name: "shop-dev".into(), ..Default::default() },
            ClusterInfo { name: "shop-prod".into(), production: true, ..Default::default() },
        ]);
        for cluster in ["shop-dev", "shop-prod"] {
            for mut m in msgs.clone() {
                if let Some(id) = m.source_mut() {
                    id.cluster = Some(cluster.into());
                }
                update(&mut s, m);
            }
        }
        update(&mut s, Message::Tick(world.now()));
        s.finish_batch();
        s
    }

    #[test]
    fn each_cluster_counts_its_own_rows_and_production_ranks_first_when_equal() {
        let s = twins();
        let rows = fleet_rows(&s);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].cluster.as_str(), "shop-prod", "equal problems: production first");
        let (prod, dev) = (&rows[0], &rows[1]);
        assert_eq!(prod.pods, s.pods.by_key.len() / 2);
        assert!(prod.critical > 0 && prod.pods_failing > 0, "{prod:?}");
        assert_eq!(
            (prod.critical, prod.warning, prod.pods_failing, prod.apps_out_of_sync, prod.alerts_firing),
            (dev.critical, dev.warning, dev.pods_failing, dev.apps_out_of_sync, dev.alerts_firing)
        );
        let problems = s.triage.problems.iter().filter(|p| p.cluster.as_str() == "shop-prod").count();
        assert_eq!(prod.critical + prod.warning, problems - problems_below_warning(&s, "shop-prod"));
        assert!(matches!(prod.freshness, Freshness::Live { .. }), "{:?}", prod.freshness);
    }

    fn dev_source(s: &State) -> crate::domain::SourceId {
        let dev = Some(ClusterId::from("shop-dev"));
        s.sources.keys().find(|id| id.cluster == dev).cloned().expect("shop-dev has sources")
    }

    fn problems_below_warning(s: &State, cluster: &str) -> usize {
        s.triage.problems.iter().filter(|p| p.cluster.as_str() == cluster && p.level < Level::Warn).count()
    }

    #[test]
    fn a_failing_source_puts_its_cluster_first_and_says_why() {
        let mut s = twins();
        let source = dev_source(&s);
        let error = "HTTP 403 Forbidden: pods is forbidden".to_string();
        let at = s.now;
        update(&mut s, Message::Failed { source, at, error });
        s.finish_batch();
        let rows = fleet_rows(&s);
        assert_eq!(rows[0].cluster.as_str(), "shop-dev", "one more critical problem");
        match &rows[0].freshness {
            Freshness::Error { source, error, failing } => {
                assert!(!source.is_empty() && error.contains("403") && *failing == 1);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(rows[1].freshness, Freshness::Live { .. }), "the other cluster is untouched");
    }

    #[test]
    fn the_cursor_follows_its_cluster_when_the_order_changes() {
        let mut s = twins();
        move_fleet(&mut s, 1);
        assert_eq!(s.view.fleet_cursor.as_ref().map(|c| c.as_str()), Some("shop-dev"));
        let source = dev_source(&s);
        let at = s.now;
        update(&mut s, Message::Failed { source, at, error: "down".into() });
        s.finish_batch();
        let rows = fleet_rows(&s);
        assert_eq!(fleet_selected(&s, &rows), 0, "shop-dev moved up; the cursor went with it");
    }
}
