//! The simulated platform (stub; being written).

use crate::actions::registry::ActionId;
use crate::state::UnixMs;
use crate::state::alerts::Alert;
use crate::state::argocd::ArgoApp;
use crate::state::cost::CostReport;
use crate::state::infra::{Cluster, MetricSeries, Node};
use crate::state::pods::{ClusterEvent, Pod};
use crate::state::scaling::Hpa;
use crate::state::view::Target;

pub struct World {
    now: UnixMs,
}

impl World {
    pub fn new(_seed: u64, epoch: UnixMs) -> World {
        World { now: epoch }
    }
    pub fn now(&self) -> UnixMs {
        self.now
    }
    pub fn step(&mut self, dt_ms: i64) {
        self.now += dt_ms;
    }
    pub fn apply(&mut self, _action: ActionId, _target: &Target) -> Result<String, String> {
        Err("not yet".into())
    }
    pub fn clusters(&self) -> Vec<Cluster> {
        Vec::new()
    }
    pub fn nodes(&self) -> Vec<Node> {
        Vec::new()
    }
    pub fn metrics(&self) -> Vec<MetricSeries> {
        Vec::new()
    }
    pub fn pods(&self) -> Vec<Pod> {
        Vec::new()
    }
    pub fn hpas(&self) -> Vec<Hpa> {
        Vec::new()
    }
    pub fn events(&self) -> Vec<ClusterEvent> {
        Vec::new()
    }
    pub fn apps(&self) -> Vec<ArgoApp> {
        Vec::new()
    }
    pub fn alertmanager_alerts(&self) -> Vec<Alert> {
        Vec::new()
    }
    pub fn cloudwatch_alarms(&self) -> Vec<Alert> {
        Vec::new()
    }
    pub fn cost(&self) -> CostReport {
        unimplemented!()
    }
}
