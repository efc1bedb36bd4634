//! HorizontalPodAutoscalers with their metrics and conditions, plus the replica and utilisation
//! history the store accumulates from each update (the sources send only the current value).

use std::collections::{HashMap, VecDeque};

use serde::Serialize;

use super::{Level, UnixMs, pods::Owner};
use crate::domain::ClusterId;

/// Samples kept per HPA for the sparklines.
pub const HISTORY_LEN: usize = 240;

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
    pub replicas: VecDeque<u64>,
    /// Highest metric utilisation (percent) at each sample; `None` while no metric was known
    /// (a gap in the sparkline, not a drop to zero).
    pub utilisation: VecDeque<Option<u64>>,
}

impl HpaHistory {
    pub fn push(&mut self, replicas: u32, utilisation: Option<u32>) {
        push_capped(&mut self.replicas, replicas as u64);
        push_capped(&mut self.utilisation, utilisation.map(u64::from));
    }
}

fn push_capped<T>(q: &mut VecDeque<T>, v: T) {
    if q.len() == HISTORY_LEN {
        q.pop_front();
    }
    q.push_back(v);
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
    /// Replace one cluster's HPAs and append one history sample for each.
    pub fn replace(&mut self, cluster: &ClusterId, hpas: Vec<Hpa>) {
        for h in &hpas {
            self.history.entry(h.id()).or_default().push(h.current, h.peak_utilisation());
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
    }

    /// One HPA's history of replicas and utilisation.
    pub fn history_of(&self, h: &Hpa) -> Option<&HpaHistory> {
        self.history.get(&h.id())
    }
}
