//! The storefront's traffic wave (period of some minutes plus seeded noise) and the
//! HorizontalPodAutoscalers that follow it, with Kubernetes' conditions and scaling rules.

use std::collections::VecDeque;

use super::World;
use super::util::{SEC, smooth_noise};
use crate::state::UnixMs;
use crate::state::pods::Owner;
use crate::state::scaling::{Hpa, HpaCondition, HpaMetric};

/// How often the HPA controller evaluates (its --horizontal-pod-autoscaler-sync-period).
const HPA_PERIOD: i64 = 15 * SEC;
/// The scale-down stabilisation window.
const STABILISATION: i64 = 60 * SEC;
/// Metrics of pods ready for less than this are not acted on.
const READINESS_DELAY: i64 = 30 * SEC;
const CPU_TARGET: u32 = 70;
const MEM_TARGET: u32 = 80;

pub struct Traffic {
    period_ms: f64,
    /// CPU (milli) each service needs at the top of the wave.
    peaks: [f64; 4],
}

impl Traffic {
    pub fn new(rng: &mut fastrand::Rng) -> Traffic {
        let j = |rng: &mut fastrand::Rng| 0.96 + 0.08 * rng.f64();
        Traffic {
            period_ms: rng.i64(500_000..580_000) as f64,
            peaks: [960.0 * j(rng), 2300.0 * j(rng), 1400.0 * j(rng), 1000.0 * j(rng)],
        }
    }

    /// The same wave with every service's demand times `k` (1.0 leaves it exactly as it is).
    pub fn scaled(mut self, k: f64) -> Traffic {
        for p in &mut self.peaks {
            *p *= k;
        }
        self
    }

    /// Load in [0, 1]: a slow wave from its trough at the epoch, plus a little noise.
    pub fn load(&self, seed: u64, epoch: UnixMs, t: UnixMs) -> f64 {
        let x = (t - epoch) as f64 / self.period_ms;
        let wave = 0.5 - 0.5 * (std::f64::consts::TAU * x).cos();
        (wave + 0.035 * smooth_noise(seed ^ 0x7261_6666_6963, t, 20_000)).clamp(0.0, 1.0)
    }

    /// CPU (milli) a service needs in total at `load`.
    pub fn demand(&self, service: usize, load: f64) -> f64 {
        self.peaks[service] * (0.2 + 0.8 * load)
    }

    /// Requests per second at the load balancer.
    pub fn rps(load: f64) -> f64 {
        8.0 + 24.0 * load
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Able {
    Ready,
    Rescaled(u32),
    Stabilized,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Limit {
    Within,
    TooMany,
    TooFew,
    UpRate,
}

pub struct SimHpa {
    pub wl: usize,
    pub min: u32,
    pub max: u32,
    pub last_scale: Option<UnixMs>,
    next_eval: UnixMs,
    /// Recommendations within the stabilisation window.
    recs: VecDeque<(UnixMs, u32)>,
    cpu: Option<u32>,
    mem: Option<u32>,
    able: Able,
    limit: Limit,
    /// Since when the target has been at its maximum.
    pub maxed_since: Option<UnixMs>,
}

impl SimHpa {
    pub fn new(wl: usize, min: u32, max: u32, first_eval: UnixMs) -> SimHpa {
        SimHpa {
            wl,
            min,
            max,
            last_scale: None,
            next_eval: first_eval,
            recs: VecDeque::with_capacity(8),
            cpu: None,
            mem: None,
            able: Able::Ready,
            limit: Limit::Within,
            maxed_since: None,
        }
    }
}

impl World {
    /// Replicas the HPA would want at `load` for a workload serving `service`.
    pub(super) fn hpa_recommendation(&self, wl: usize, load: f64) -> u32 {
        let w = &self.workloads[wl];
        let s = w.service.unwrap_or(0);
        (self.traffic.demand(s, load) / (w.cpu_req as f64 * CPU_TARGET as f64 / 100.0)).ceil() as u32
    }

    pub(super) fn hpas_tick(&mut self) {
        let now = self.now;
        for h in 0..self.hpas.len() {
            if now < self.hpas[h].next_eval {
                continue;
            }
            self.hpas[h].next_eval = now + HPA_PERIOD;
            self.evaluate(h);
        }
    }

    /// Evaluates HPA `h` now, whatever its schedule.
    pub(super) fn evaluate_now(&mut self, h: usize) {
        self.evaluate(h);
    }

    fn evaluate(&mut self, h: usize) {
        let now = self.now;
        let wl = self.hpas[h].wl;
        let (mut ready, mut settled) = (0u32, 0u32);
        for p in self.pods.iter().filter(|p| p.wl == wl && p.ready() && !p.failing()) {
            ready += 1;
            settled += (now - p.ready_at >= READINESS_DELAY) as u32;
        }
        let current = self.workloads[wl].replicas;
        let hpa = &mut self.hpas[h];
        if ready == 0 {
            // metrics-server has nothing for pods that are not running: no recommendation.
            hpa.cpu = None;
            hpa.mem = None;
            hpa.able = Able::Ready;
            return;
        }
        let load = self.traffic.load(self.seed, self.epoch, now);
        let w = &self.workloads[wl];
        let s = w.service.unwrap_or(0);
        let per_pod = self.traffic.demand(s, load) / ready as f64;
        let per_pod = w.cpu_lim.map_or(per_pod, |l| per_pod.min(l as f64));
        let cpu = (per_pod / w.cpu_req as f64 * 100.0).round() as u32;
        let mem = ((0.42 + 0.16 * load) * 100.0).round() as u32;
        let hpa = &mut self.hpas[h];
        hpa.cpu = Some(cpu);
        hpa.mem = Some(mem);
        if settled == 0 {
            // Every pod has only just become ready: their metrics are not trusted yet
            // (the controller's initial readiness delay), so the HPA holds.
            hpa.able = Able::Ready;
            hpa.limit = Limit::Within;
            return;
        }
        let ratio = (cpu as f64 / CPU_TARGET as f64).max(mem as f64 / MEM_TARGET as f64);
        let raw = if (ratio - 1.0).abs() <= 0.1 { current } else { (ready as f64 * ratio).ceil() as u32 };
        let mut desired = raw.clamp(hpa.min, hpa.max);
        hpa.limit = if raw > hpa.max {
            Limit::TooMany
        } else if raw < hpa.min {
            Limit::TooFew
        } else {
            Limit::Within
        };
        let up_cap = (current * 2).max(current + 4);
        if desired > up_cap {
            desired = up_cap;
            hpa.limit = Limit::UpRate;
        }
        while hpa.recs.front().is_some_and(|(t, _)| now - t > STABILISATION) {
            hpa.recs.pop_front();
        }
        hpa.recs.push_back((now, desired));
        hpa.able = Able::Ready;
        if desired < current {
            let highest = hpa.recs.iter().map(|r| r.1).max().unwrap_or(desired);
            if highest > desired {
                desired = highest.min(current);
                hpa.able = Able::Stabilized;
            }
        }
        if desired != current {
            hpa.able = Able::Rescaled(desired);
            hpa.last_scale = Some(now);
            self.workloads[wl].replicas = desired;
            let w = &self.workloads[wl];
            let why = if desired > current {
                "cpu resource utilization (percentage of request) above target"
            } else {
                "All metrics below target"
            };
            let obj = format!("HorizontalPodAutoscaler {}/{}", w.ns, w.name);
            self.event(false, "SuccessfulRescale", obj, format!("New size: {desired}; reason: {why}"));
        }
        let hpa = &mut self.hpas[h];
        if self.workloads[wl].replicas >= hpa.max {
            hpa.maxed_since.get_or_insert(now);
        } else {
            hpa.maxed_since = None;
        }
    }

    pub fn hpas(&self) -> Vec<Hpa> {
        self.hpas
            .iter()
            .map(|h| {
                let w = &self.workloads[h.wl];
                let current = self.pods.iter().filter(|p| p.wl == h.wl && p.active()).count() as u32;
                let cond = |kind: &str, status: bool, reason: &str, message: String| HpaCondition {
                    kind: kind.to_string(),
                    status,
                    reason: reason.to_string(),
                    message,
                };
                let able = match h.able {
                    Able::Ready => cond("AbleToScale", true, "ReadyForNewScale", "recommended size matches current size".into()),
                    Able::Rescaled(n) => cond(
                        "AbleToScale",
                        true,
                        "SucceededRescale",
                        format!("the HPA controller was able to update the target scale to {n}"),
                    ),
                    Able::Stabilized => cond(
                        "AbleToScale",
                        true,
                        "ScaleDownStabilized",
                        "recent recommendations were higher than current one, applying the highest recent recommendation".into(),
                    ),
                };
                let active = if h.cpu.is_some() {
                    cond(
                        "ScalingActive",
                        true,
                        "ValidMetricFound",
                        "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)".into(),
                    )
                } else {
                    cond(
                        "ScalingActive",
                        false,
                        "FailedGetResourceMetric",
                        "the HPA was unable to compute the replica count: failed to get cpu utilization: did not receive metrics for targeted pods (pods might be unready)".into(),
                    )
                };
                let limited = match h.limit {
                    Limit::Within => cond("ScalingLimited", false, "DesiredWithinRange", "the desired count is within the acceptable range".into()),
                    Limit::TooMany => cond("ScalingLimited", true, "TooManyReplicas", "the desired replica count is more than the maximum replica count".into()),
                    Limit::TooFew => cond("ScalingLimited", true, "TooFewReplicas", "the desired replica count is less than the minimum replica count".into()),
                    Limit::UpRate => cond("ScalingLimited", true, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate".into()),
                };
                Hpa { cluster: Default::default(),
                    namespace: w.ns.to_string(),
                    name: w.name.to_string(),
                    target: Owner { kind: "Deployment".into(), name: w.name.into() },
                    min: h.min,
                    max: h.max,
                    current,
                    desired: w.replicas,
                    metrics: vec![
                        HpaMetric { name: "cpu".into(), current: h.cpu, target: CPU_TARGET },
                        HpaMetric { name: "memory".into(), current: h.mem, target: MEM_TARGET },
                    ],
                    conditions: vec![able, active, limited],
                    last_scale: h.last_scale,
                }
            })
            .collect()
    }
}
