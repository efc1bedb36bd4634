//! CloudWatch metric series of the demo world at 1-minute resolution over the last 3 hours:
//! history generated backwards from the epoch, then appended as simulated minutes complete.

use std::collections::VecDeque;

use super::World;
use super::util::{HOUR, MIN, smooth_noise, unit};
use crate::state::UnixMs;
use crate::state::infra::MetricSeries;

const POINTS: usize = 180;
const LABELS: [(&str, &str, Option<f64>); 4] = [
    ("ALB 5xx", "Count", Some(10.0)),
    ("ALB target response time", "Seconds", None),
    ("RDS CPU", "Percent", Some(80.0)),
    ("RDS free storage", "GiB", None),
];

pub struct MetricsSim {
    series: [VecDeque<(UnixMs, f64)>; 4],
    /// Start of the minute being accumulated.
    minute: UnixMs,
    five_xx: f64,
    latency: f64,
    rds_cpu: f64,
    samples: u32,
}

/// Free storage (GiB) of the RDS instance: slowly going down.
fn free_storage(seed: u64, epoch: UnixMs, t: UnixMs) -> f64 {
    142.6 - (t - epoch) as f64 / HOUR as f64 * 0.04 + 0.02 * smooth_noise(seed ^ 0x5354, t, 10 * MIN)
}

fn latency(seed: u64, load: f64, err: f64, t: UnixMs) -> f64 {
    0.085
        + 0.06 * load * load
        + 0.01 * smooth_noise(seed ^ 0x4c41, t, 90_000)
        + 0.4 * err * CART_LATENCY_SHARE
}

/// Share of requests whose latency the cart errors affect.
const CART_LATENCY_SHARE: f64 = 0.25;

fn rds_cpu(seed: u64, load: f64, t: UnixMs) -> f64 {
    14.0 + 31.0 * load + 3.0 * smooth_noise(seed ^ 0x5244, t, 120_000)
}

impl MetricsSim {
    pub fn placeholder() -> MetricsSim {
        MetricsSim {
            series: Default::default(),
            minute: 0,
            five_xx: 0.0,
            latency: 0.0,
            rds_cpu: 0.0,
            samples: 0,
        }
    }
}

impl World {
    pub(super) fn build_metrics(&self) -> MetricsSim {
        let m0 = self.epoch - self.epoch.rem_euclid(MIN);
        let mut series: [VecDeque<(UnixMs, f64)>; 4] = Default::default();
        for k in (1..=POINTS as i64).rev() {
            let t = m0 - k * MIN;
            let load = self.traffic.load(self.seed, self.epoch, t);
            let noise = unit(self.seed ^ 0x35, t / MIN);
            let five = if noise > 0.93 { (noise * 40.0).floor() - 34.0 } else { (noise * 3.0).floor() };
            series[0].push_back((t, five));
            series[1].push_back((t, round(latency(self.seed, load, 0.0, t), 3)));
            series[2].push_back((t, round(rds_cpu(self.seed, load, t), 1)));
            series[3].push_back((t, round(free_storage(self.seed, self.epoch, t), 2)));
        }
        MetricsSim { series, minute: m0, five_xx: 0.0, latency: 0.0, rds_cpu: 0.0, samples: 0 }
    }

    pub(super) fn metrics_tick(&mut self, dt: i64) {
        let now = self.now;
        let load = self.traffic.load(self.seed, self.epoch, now);
        let five = self.incident.five_xx_per_min;
        let lat = latency(self.seed, load, self.incident.err, now);
        let cpu = rds_cpu(self.seed, load, now) + 12.0 * self.incident.err;
        let free = free_storage(self.seed, self.epoch, now);
        let m = &mut self.metrics;
        if now - m.minute >= MIN {
            let t = m.minute;
            let n = m.samples.max(1) as f64;
            let values =
                [m.five_xx.round(), round(m.latency / n, 3), round(m.rds_cpu / n, 1), round(free, 2)];
            for (s, v) in m.series.iter_mut().zip(values) {
                if s.len() == POINTS {
                    s.pop_front();
                }
                s.push_back((t, v));
            }
            m.minute = now - now.rem_euclid(MIN);
            m.five_xx = 0.0;
            m.latency = 0.0;
            m.rds_cpu = 0.0;
            m.samples = 0;
        }
        m.five_xx += five * dt as f64 / MIN as f64;
        m.latency += lat;
        m.rds_cpu += cpu;
        m.samples += 1;
    }

    /// The account's CloudWatch series; none in dev's world, whose account prod publishes.
    pub fn metrics(&self) -> Vec<MetricSeries> {
        if !self.publishes(crate::domain::source::DemoFeed::CloudWatch) {
            return Vec::new();
        }
        LABELS
            .iter()
            .zip(&self.metrics.series)
            .map(|((label, unit, warn_at), s)| MetricSeries {
                cluster: Default::default(),
                label: label.to_string(),
                unit: unit.to_string(),
                points: s.iter().copied().collect(),
                warn_at: *warn_at,
            })
            .collect()
    }
}

fn round(v: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (v * f).round() / f
}
