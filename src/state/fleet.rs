//! The clusters watched and what is known of each: its safety (production, read-only), where
//! it runs, and which of them the panes show. Safety is asked per cluster, by the cluster of
//! the row acted on, never of a "current" one. Plain data; the app fills it at start.

use serde::Serialize;

use super::State;
use crate::domain::ClusterId;

/// One watched cluster.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ClusterInfo {
    pub name: ClusterId,
    /// A production cluster: banner, red borders, names typed to confirm a destructive action.
    pub production: bool,
    /// Every action that changes it is hidden and refused.
    pub readonly: bool,
    /// Its AWS account and region, where known (the config, or its EKS ARN).
    pub account: Option<String>,
    pub region: Option<String>,
    /// Watched only once opened: until then its row comes from what aggregates the fleet.
    pub lazy: bool,
}

impl State {
    /// The clusters watched, in the order the fleet screen lists them when equally well.
    pub fn clusters(&self) -> &[ClusterInfo] {
        &self.fleet
    }

    /// More than one cluster: the panes say which cluster each row is from.
    pub fn is_fleet(&self) -> bool {
        self.fleet.len() > 1
    }

    pub fn cluster_info(&self, cluster: &ClusterId) -> Option<&ClusterInfo> {
        self.fleet.iter().find(|c| &c.name == cluster)
    }

    /// Whether an action on a row of `cluster` is in production (wants the name typed).
    pub fn production_of(&self, cluster: &ClusterId) -> bool {
        self.cluster_info(cluster).map_or(self.production, |c| c.production)
    }

    /// Whether actions that change `cluster` are refused.
    pub fn readonly_of(&self, cluster: &ClusterId) -> bool {
        self.cluster_info(cluster).map_or(self.readonly, |c| c.readonly)
    }

    /// The cluster when there is only one.
    pub fn sole_cluster(&self) -> Option<ClusterId> {
        match self.fleet.as_slice() {
            [one] => Some(one.name.clone()),
            _ => None,
        }
    }

    /// The cluster an alert is about: its source's (an Alertmanager bound to a cluster), else
    /// its cluster label (`[alerts] cluster_label`, as Prometheus's external labels carry it)
    /// when that names a watched cluster. None: an alert of the whole fleet.
    pub fn cluster_of_alert(
        &self,
        source: &crate::domain::SourceId,
        alert: &super::alerts::Alert,
    ) -> Option<ClusterId> {
        if let Some(c) = &source.cluster {
            return Some(c.clone());
        }
        let named = alert.labels.get(&self.cluster_label)?;
        self.fleet.iter().find(|c| c.name.as_str() == named).map(|c| c.name.clone())
    }

    /// Whether a row of `cluster` is shown: every cluster, or the one opened. Rows of no
    /// cluster (an alert of the whole fleet) are shown everywhere.
    pub fn shows(&self, cluster: &ClusterId) -> bool {
        cluster.is_empty() || self.view.cluster.as_ref().is_none_or(|c| c == cluster)
    }

    /// How many of the problems of the clusters shown are at `level` (the header's counts).
    pub fn shown_problems_at(&self, level: super::Level) -> usize {
        self.triage.problems.iter().filter(|p| p.level == level && self.shows(&p.cluster)).count()
    }

    /// The panes say which cluster each row is from: more than one is shown.
    pub fn shows_many(&self) -> bool {
        self.is_fleet() && self.view.cluster.is_none()
    }

    /// A source as a person reads it: with its cluster in brackets when there are several
    /// (`kube/pods [shop-dev]`), as it always was with one.
    pub fn source_label(&self, id: &crate::domain::SourceId) -> String {
        match &id.cluster {
            Some(c) if self.is_fleet() => format!("{id} [{c}]"),
            _ => id.to_string(),
        }
    }

    /// The clusters the panes show now.
    pub fn shown_clusters(&self) -> impl Iterator<Item = &ClusterInfo> {
        self.fleet.iter().filter(|c| self.shows(&c.name))
    }

    /// Set the fleet and what is shown: the header's production cue when a production cluster
    /// is shown, and read-only when no shown cluster may be changed.
    pub fn set_fleet(&mut self, fleet: Vec<ClusterInfo>) {
        self.fleet = fleet;
        self.refresh_safety();
    }

    /// Re-derive the flags of what is shown after the fleet or the opened cluster changed.
    pub fn refresh_safety(&mut self) {
        if self.fleet.is_empty() {
            return;
        }
        let shown: Vec<(bool, bool)> = self.shown_clusters().map(|c| (c.production, c.readonly)).collect();
        self.production = shown.iter().any(|c| c.0);
        self.readonly = !shown.is_empty() && shown.iter().all(|c| c.1);
    }

    /// Show one cluster (Enter on the fleet screen, `:ctx NAME`), or every one (`None`).
    pub fn open_cluster(&mut self, cluster: Option<ClusterId>) {
        self.context = match &cluster {
            Some(c) => c.to_string(),
            None if self.is_fleet() => FLEET.to_string(),
            None => self.fleet.first().map(|c| c.name.to_string()).unwrap_or_default(),
        };
        self.view.cluster = cluster;
        for pane in super::PaneId::ALL {
            self.view.reset_selection(pane);
        }
        self.view.reset_triage();
        self.refresh_safety();
        self.triage_stale = true;
    }
}

/// What the header calls the view of every cluster.
pub const FLEET: &str = "all clusters";

#[cfg(test)]
mod tests {
    use super::*;

    fn fleet() -> State {
        let mut s = State::new("all clusters", 0);
        s.set_fleet(vec![
            ClusterInfo { name: "shop-prod".into(), production: true, ..Default::default() },
            ClusterInfo { name: "shop-dev".into(), readonly: true, ..Default::default() },
        ]);
        s
    }

    #[test]
    fn safety_follows_the_cluster_asked_about() {
        let mut s = fleet();
        assert!(s.production_of(&"shop-prod".into()) && !s.production_of(&"shop-dev".into()));
        assert!(s.readonly_of(&"shop-dev".into()) && !s.readonly_of(&"shop-prod".into()));
        // Every cluster shown: the production cue shows; actions are not all refused.
        assert!(s.production && !s.readonly);
        s.open_cluster(Some("shop-dev".into()));
        assert_eq!(s.context, "shop-dev");
        assert!(!s.production && s.readonly);
        assert!(
            s.shows(&"shop-dev".into()) && !s.shows(&"shop-prod".into()) && s.shows(&ClusterId::default())
        );
        s.open_cluster(None);
        assert_eq!(s.context, FLEET);
        assert!(s.production);
    }
}
