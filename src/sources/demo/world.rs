//! The simulated platform behind the demo source: a deterministic, seeded world (the reference
//! platform of DESIGN.md) stepped in simulated time and published as owned snapshots.

mod actions;
mod alerts;
mod argo;
mod controllers;
mod cost;
mod events;
mod incident;
mod metrics;
mod plan;
mod platform;
pub mod pod_manifest;
mod silences;
#[cfg(test)]
mod tests;
mod traffic;
mod util;
mod workloads;

pub use incident::BAD_IMAGE;
pub use util::{fnv, splitmix64};

use crate::state::UnixMs;
use util::{MIN, SEC};

/// The simulated platform. Same seed and epoch, same world: nothing reads the clock.
pub struct World {
    seed: u64,
    epoch: UnixMs,
    now: UnixMs,
    rng: fastrand::Rng,
    traffic: traffic::Traffic,
    nodes: Vec<workloads::SimNode>,
    workloads: Vec<workloads::Workload>,
    pods: Vec<workloads::SimPod>,
    hpas: Vec<traffic::SimHpa>,
    apps: Vec<argo::SimApp>,
    events: events::EventLog,
    incident: incident::Incident,
    metrics: metrics::MetricsSim,
    next_commit_at: UnixMs,
    silences: Vec<crate::state::silences::Silence>,
}

/// HPAs: workload, min, max.
const HPAS: [(&str, u32, u32); 4] =
    [("frontend", 2, 10), ("product", 2, 20), ("cart", 2, 20), ("order", 2, 20)];

impl World {
    pub fn new(seed: u64, epoch: UnixMs) -> World {
        let mut rng = fastrand::Rng::with_seed(seed);
        let traffic = traffic::Traffic::new(&mut rng);
        let nodes = platform::build_nodes(&mut rng, epoch);
        let workloads = platform::build_workloads(&mut rng, epoch);
        let cart = workloads.iter().position(|w| w.name == "cart").expect("cart is in the inventory");
        let incident_at = epoch + rng.i64(75 * SEC..=90 * SEC);
        let next_commit_at = epoch + rng.i64(100 * SEC..200 * SEC);
        let mut world = World {
            seed,
            epoch,
            now: epoch,
            rng,
            traffic,
            nodes,
            workloads,
            pods: Vec::new(),
            hpas: Vec::new(),
            apps: Vec::new(),
            events: events::EventLog::default(),
            incident: incident::Incident::new(incident_at, cart),
            metrics: metrics::MetricsSim::placeholder(),
            next_commit_at,
            silences: Vec::new(),
        };
        let load = world.traffic.load(seed, epoch, epoch);
        for (name, min, max) in HPAS {
            let wl = world.workloads.iter().position(|w| w.name == name).expect("HPA target exists");
            let want = world.hpa_recommendation(wl, load).clamp(min, max);
            world.workloads[wl].replicas = want;
            let first_eval = epoch + world.rng.i64(SEC..15 * SEC);
            world.hpas.push(traffic::SimHpa::new(wl, min, max, first_eval));
        }
        world.initial_pods();
        world.build_apps();
        world.metrics = world.build_metrics();
        world.hpas_init();
        world
    }

    pub fn now(&self) -> UnixMs {
        self.now
    }

    /// Advances simulated time by `dt_ms`, in steps of at most a second.
    pub fn step(&mut self, dt_ms: i64) {
        let end = self.now + dt_ms.max(0);
        while self.now < end {
            let dt = (end - self.now).min(SEC);
            self.now += dt;
            self.tick(dt);
        }
    }

    fn tick(&mut self, dt: i64) {
        self.argo_tick();
        self.hpas_tick();
        self.pods_tick();
        self.reconcile();
        self.incident_tick(dt);
        self.metrics_tick(dt);
    }

    /// First HPA readings, and the scale-ups that brought the storefront where it is.
    fn hpas_init(&mut self) {
        for h in 0..self.hpas.len() {
            self.evaluate_now(h);
            let wl = self.hpas[h].wl;
            let at = self.epoch - self.rng.i64(4 * MIN..40 * MIN);
            self.hpas[h].last_scale = Some(at);
            let w = &self.workloads[wl];
            let obj = format!("HorizontalPodAutoscaler {}/{}", w.ns, w.name);
            let msg = format!(
                "New size: {}; reason: {}",
                w.replicas,
                if w.replicas > 2 {
                    "cpu resource utilization (percentage of request) above target"
                } else {
                    "All metrics below target"
                }
            );
            self.events.push(at, false, "SuccessfulRescale", obj, msg);
        }
    }
}
