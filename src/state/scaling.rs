//! HorizontalPodAutoscalers with their metrics and conditions, plus the replica and utilisation
//! history the store accumulates from each update (the sources send only the current value).

use std::collections::{HashMap, VecDeque};

use serde::Serialize;

use super::{Level, UnixMs, pods::Owner};
use crate::domain::ClusterId;

/// How far back each HPA's history goes: the last hour of deliveries.
pub const HISTORY_SPAN_MS: UnixMs = 3_600_000;
/// Samples kept per HPA at most, whatever the delivery rate: an hour of the demo's (one each
/// 2 s); a cluster's watch delivers one every 15 s unless an HPA changes.
pub const HISTORY_LEN: usize = 1_800;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Scaling {
    pub hpas: Vec<Hpa>,
    /// Keyed by cluster and "namespace/name".
    #[serde(skip)]
    pub history: HashMap<(ClusterId, String), HpaHistory>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HpaMetric {
    /// "cpu", "memory", or a custom metric's name.
    pub name: String,
    /// Current utilisation in percent of request (None when not yet known).
    pub current: Option<u32>,
    pub target: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HpaCondition {
    /// AbleToScale, ScalingActive, ScalingLimited.
    pub kind: String,
    pub status: bool,
    pub reason: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hpa {
    /// The cluster it belongs to (empty for an alert of the whole fleet); the store sets it
    /// from the source that delivered the row.
    #[serde(skip_serializing_if = "ClusterId::is_empty")]
    pub cluster: ClusterId,
    pub namespace: String,
    pub name: String,
    pub target: Owner,
    pub min: u32,
    pub max: u32,
    pub current: u32,
    pub desired: u32,
    pub metrics: Vec<HpaMetric>,
    pub conditions: Vec<HpaCondition>,
    pub last_scale: Option<UnixMs>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct HpaHistory {
    /// When each sample was delivered, oldest first.
    pub at: VecDeque<UnixMs>,
    pub replicas: VecDeque<u64>,
    /// Highest metric utilisation (percent) at each sample; `None` while no metric was known
    /// (a gap in the sparkline, not a drop to zero).
    pub utilisation: VecDeque<Option<u64>>,
}

impl HpaHistory {
    /// One delivery's sample; those older than the span before it, or beyond the count, go.
    pub fn push(&mut self, at: UnixMs, replicas: u32, utilisation: Option<u32>) {
        self.at.push_back(at);
        self.replicas.push_back(replicas as u64);
        self.utilisation.push_back(utilisation.map(u64::from));
        while self.at.len() > HISTORY_LEN || self.at.front().is_some_and(|&t| t < at - HISTORY_SPAN_MS) {
            self.at.pop_front();
            self.replicas.pop_front();
            self.utilisation.pop_front();
        }
    }

    pub fn len(&self) -> usize {
        self.at.len()
    }

    pub fn is_empty(&self) -> bool {
        self.at.is_empty()
    }
}

impl Hpa {
    pub fn key(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// Its identity across clusters.
    pub fn id(&self) -> (ClusterId, String) {
        (self.cluster.clone(), self.key())
    }

    /// The highest current utilisation relative to its target, for ranking and colour.
    pub fn peak_utilisation(&self) -> Option<u32> {
        self.metrics.iter().filter_map(|m| m.current).max()
    }

    pub fn over_target(&self) -> bool {
        self.metrics.iter().any(|m| m.current.is_some_and(|c| c > m.target))
    }

    pub fn condition(&self, kind: &str) -> Option<&HpaCondition> {
        self.conditions.iter().find(|c| c.kind == kind)
    }

    pub fn at_max(&self) -> bool {
        self.current >= self.max
    }

    /// ScalingActive=False is an error; at max with utilisation over target is a warning.
    pub fn level(&self) -> Level {
        if self.condition("ScalingActive").is_some_and(|c| !c.status)
            || self.condition("AbleToScale").is_some_and(|c| !c.status)
        {
            Level::Crit
        } else if self.at_max() && self.over_target() {
            Level::Warn
        } else if self.current != self.desired {
            Level::Accent
        } else {
            Level::Ok
        }
    }
}

impl Scaling {
    /// Replace one cluster's HPAs and append one history sample for each, delivered `at`.
    /// One cluster's HPAs, also sampled for their history (the source sends them every 15 s
    /// for that). True when a row changed: only then is triage, which reads them, rebuilt.
    pub fn replace(&mut self, cluster: &ClusterId, hpas: Vec<Hpa>, at: UnixMs) -> bool {
        let mut old: Vec<&Hpa> = self.hpas.iter().filter(|h| &h.cluster == cluster).collect();
        let mut new: Vec<&Hpa> = hpas.iter().collect();
        old.sort_by_key(|h| h.id());
        new.sort_by_key(|h| h.id());
        let changed = old != new;
        for h in &hpas {
            self.history.entry(h.id()).or_default().push(at, h.current, h.peak_utilisation());
        }
        let live: std::collections::HashSet<(ClusterId, String)> = hpas.iter().map(Hpa::id).collect();
        self.history.retain(|k, _| &k.0 != cluster || live.contains(k));
        self.hpas.retain(|h| &h.cluster != cluster);
        self.hpas.extend(hpas);
        self.hpas.sort_by(|a, b| {
            b.level()
                .cmp(&a.level())
                .then_with(|| (&a.namespace, &a.name, &a.cluster).cmp(&(&b.namespace, &b.name, &b.cluster)))
        });
        changed
    }

    /// One HPA's history of replicas and utilisation.
    pub fn history_of(&self, h: &Hpa) -> Option<&HpaHistory> {
        self.history.get(&h.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hpa(cluster: &str, ns: &str, name: &str, current: u32, cpu: Option<u32>) -> Hpa {
        Hpa {
            cluster: ClusterId::new(cluster),
            namespace: ns.into(),
            name: name.into(),
            target: Owner { kind: "Deployment".into(), name: name.into() },
            min: 1,
            max: 50,
            current,
            desired: current,
            metrics: vec![HpaMetric { name: "cpu".into(), current: cpu, target: 70 }],
            conditions: vec![],
            last_scale: None,
        }
    }

    fn replicas(s: &Scaling, cluster: &str, ns: &str, name: &str) -> Vec<u64> {
        let h = hpa(cluster, ns, name, 0, None);
        s.history_of(&h).map(|x| x.replicas.iter().copied().collect()).unwrap_or_default()
    }

    #[test]
    fn history_keeps_the_last_hour_and_at_most_its_count() {
        let mut s = Scaling::default();
        let prod = ClusterId::new("prod");
        // Two hours of deliveries every 2 s: the first hour is gone, the count is capped.
        for i in 0..3_600i64 {
            s.replace(&prod, vec![hpa("prod", "shop", "cart", (i % 50) as u32, Some(60))], i * 2_000);
        }
        let h = s.history_of(&s.hpas[0]).unwrap();
        assert_eq!(h.len(), HISTORY_LEN);
        assert_eq!((h.replicas.len(), h.utilisation.len()), (HISTORY_LEN, HISTORY_LEN));
        let (first, last) = (*h.at.front().unwrap(), *h.at.back().unwrap());
        assert_eq!(last, 3_599 * 2_000);
        assert!(last - first < HISTORY_SPAN_MS, "{}", last - first);
        // Sparse deliveries (every 15 s, as a cluster's watch sends): the hour bounds them.
        let mut s = Scaling::default();
        for i in 0..600i64 {
            s.replace(&prod, vec![hpa("prod", "shop", "cart", 3, Some(60))], i * 15_000);
        }
        let h = s.history_of(&s.hpas[0]).unwrap();
        assert_eq!(h.len(), 241, "an hour at 15 s, both ends in");
        assert_eq!(*h.at.back().unwrap() - *h.at.front().unwrap(), HISTORY_SPAN_MS);
    }

    #[test]
    fn each_hpa_keeps_its_own_history_by_cluster_namespace_and_name() {
        let mut s = Scaling::default();
        let (prod, dev) = (ClusterId::new("prod"), ClusterId::new("dev"));
        for i in 0..5u32 {
            let at = i64::from(i) * 1_000;
            // The same name in two namespaces and two clusters; the order in the list changes
            // with the level (over target at max sorts first), the histories must not.
            let mut hot = hpa("prod", "shop", "cart", 50, Some(140));
            hot.current = if i % 2 == 0 { 50 } else { 10 };
            s.replace(&prod, vec![hpa("prod", "other", "cart", 7, Some(20)), hot], at);
            s.replace(&dev, vec![hpa("dev", "shop", "cart", i + 1, None)], at);
        }
        assert_eq!(replicas(&s, "prod", "shop", "cart"), [50, 10, 50, 10, 50]);
        assert_eq!(replicas(&s, "prod", "other", "cart"), [7; 5]);
        assert_eq!(replicas(&s, "dev", "shop", "cart"), [1, 2, 3, 4, 5]);
        let dev_cart = s.history_of(&hpa("dev", "shop", "cart", 0, None)).unwrap();
        assert!(dev_cart.utilisation.iter().all(Option::is_none), "no metric is a gap, not zero");
        // An HPA gone from its cluster's delivery takes its history with it; the other
        // cluster's is untouched.
        s.replace(&prod, vec![hpa("prod", "shop", "cart", 9, Some(50))], 9_000);
        assert!(replicas(&s, "prod", "other", "cart").is_empty());
        assert_eq!(replicas(&s, "prod", "shop", "cart"), [50, 10, 50, 10, 50, 9]);
        assert_eq!(replicas(&s, "dev", "shop", "cart").len(), 5);
    }
}
