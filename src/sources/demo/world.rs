//! The simulated platform behind the demo source: a deterministic, seeded world (DESIGN.md's
//! platform as shop-prod or shop-dev) stepped in simulated time and published as owned snapshots.

mod actions;
mod alerts;
mod argo;
mod controllers;
mod cost;
mod dev;
mod events;
mod image_pull;
mod incident;
mod metrics;
mod platform;
pub mod pod_manifest;
mod profile;
mod silences;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_dev;
mod traffic;
mod util;
mod workloads;

pub use dev::MISSING_IMAGE;
pub use incident::BAD_IMAGE;
pub use profile::Profile;
pub use util::{fnv, splitmix64};

use crate::domain::source::DemoFeed;
use crate::state::UnixMs;
use util::{MIN, SEC};

/// The simulated platform. Same seed and epoch, same world: nothing reads the clock.
pub struct World {
    profile: Profile,
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
    /// Dev's problem: the build of order whose tag never reached the registry.
    bad_tag: Option<dev::BadTag>,
    metrics: metrics::MetricsSim,
    next_commit_at: UnixMs,
    silences: Vec<crate::state::silences::Silence>,
}

/// HPAs: workload, min, max.
type HpaSpec = (&'static str, u32, u32);
const HPAS: [HpaSpec; 4] = [("frontend", 2, 10), ("product", 2, 20), ("cart", 2, 20), ("order", 2, 20)];
/// Dev's: one replica at rest, room for a little more.
const DEV_HPAS: [HpaSpec; 4] = [("frontend", 1, 3), ("product", 1, 3), ("cart", 1, 3), ("order", 1, 3)];

impl World {
    /// shop-prod, the reference platform with the cart incident.
    pub fn new(seed: u64, epoch: UnixMs) -> World {
        World::with_profile(seed, epoch, Profile::Prod)
    }

    /// The world of one cluster of the demo fleet. Prod's is exactly `World::new`'s; dev's is
    /// seeded apart, so the same seed gives a fleet whose names never collide.
    pub fn with_profile(seed: u64, epoch: UnixMs, profile: Profile) -> World {
        let seed = profile.seed(seed);
        let mut rng = fastrand::Rng::with_seed(seed);
        let traffic = traffic::Traffic::new(&mut rng).scaled(profile.traffic_scale());
        let nodes = platform::build_nodes(&mut rng, epoch, profile);
        let workloads = platform::build_workloads(&mut rng, epoch, profile);
        let cart = workloads.iter().position(|w| w.name == "cart").expect("cart is in the inventory");
        // The cart incident is prod's; dev's never starts, dev has its bad tag instead.
        let (incident_at, bad_tag) = match profile {
            Profile::Prod => (epoch + rng.i64(75 * SEC..=90 * SEC), None),
            Profile::Dev => (UnixMs::MAX, Some(dev::BadTag::new(&mut rng, epoch))),
        };
        let next_commit_at = epoch + rng.i64(100 * SEC..200 * SEC);
        let mut world = World {
            profile,
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
            bad_tag,
            metrics: metrics::MetricsSim::placeholder(),
            next_commit_at,
            silences: Vec::new(),
        };
        let load = world.traffic.load(seed, epoch, epoch);
        let hpas = if profile == Profile::Dev { DEV_HPAS } else { HPAS };
        for (name, min, max) in hpas {
            let wl = world.workloads.iter().position(|w| w.name == name).expect("HPA target exists");
            let want = world.hpa_recommendation(wl, load).clamp(min, max);
            world.workloads[wl].replicas = want;
            let first_eval = epoch + world.rng.i64(SEC..15 * SEC);
            world.hpas.push(traffic::SimHpa::new(wl, min, max, first_eval));
        }
        world.initial_pods();
        world.build_apps();
        if profile.publishes(DemoFeed::CloudWatch) {
            world.metrics = world.build_metrics();
        }
        world.hpas_init();
        world
    }

    pub fn now(&self) -> UnixMs {
        self.now
    }

    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// Whether this world publishes `feed`: dev leaves the AWS account's feeds (EKS,
    /// CloudWatch, Cost Explorer) to prod, whose account it shares.
    pub fn publishes(&self, feed: DemoFeed) -> bool {
        self.profile.publishes(feed)
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
        match self.profile {
            Profile::Prod => {
                self.incident_tick(dt);
                self.metrics_tick(dt);
            }
            Profile::Dev => self.bad_tag_tick(),
        }
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
                if w.replicas > self.hpas[h].min {
                    "cpu resource utilization (percentage of request) above target"
                } else {
                    "All metrics below target"
                }
            );
            self.events.push(at, false, "SuccessfulRescale", obj, msg);
        }
    }
}
