//! The demo's incident: an out-of-band bad image on `cart` early in the run, the error rate it
//! causes at the load balancer, and the alert and alarm states that follow it until it is fixed.

use super::World;
use super::platform::ECR;
use super::traffic::Traffic;
use super::util::{MIN, SEC, cloudwatch_time, smooth_noise, template_hash};
use super::workloads::Stage;
use crate::state::UnixMs;

/// The image someone set by hand on the cart Deployment.
pub const BAD_IMAGE: &str = "cart:2.5.0-rc1";
/// Share of the load balancer's requests that go to cart.
const CART_SHARE: f64 = 0.06;
/// HighErrorRate fires above this fraction of failed cart requests, after `ERROR_FOR`.
pub const ERROR_THRESHOLD: f64 = 0.05;
const ERROR_FOR: i64 = 20 * SEC;
/// The ALB 5xx alarm: more than this many 5xx in a minute.
pub const ALARM_THRESHOLD: f64 = 10.0;
const ALARM_EVAL: i64 = 10 * SEC;

pub struct Incident {
    /// When the bad image goes out.
    pub start_at: UnixMs,
    pub started: Option<UnixMs>,
    pub cart: usize,
    /// Smoothed fraction of cart requests that fail.
    pub err: f64,
    over_since: Option<UnixMs>,
    pub error_firing_since: Option<UnixMs>,
    /// 5xx per minute at the load balancer, as last computed.
    pub five_xx_per_min: f64,
    next_alarm_eval: UnixMs,
    pub alarm_since: Option<UnixMs>,
    pub alarm_reason: String,
}

impl Incident {
    pub fn new(start_at: UnixMs, cart: usize) -> Incident {
        Incident {
            start_at,
            started: None,
            cart,
            err: 0.002,
            over_since: None,
            error_firing_since: None,
            five_xx_per_min: 0.0,
            next_alarm_eval: start_at - start_at.rem_euclid(ALARM_EVAL),
            alarm_since: None,
            alarm_reason: String::new(),
        }
    }
}

impl World {
    pub(super) fn incident_tick(&mut self, dt: i64) {
        let now = self.now;
        let cart = self.incident.cart;
        if self.incident.started.is_none() && now >= self.incident.start_at {
            self.incident.started = Some(now);
            let hash = template_hash(&mut self.rng);
            let w = &mut self.workloads[cart];
            w.image = format!("{ECR}/{BAD_IMAGE}");
            w.hash = hash;
            w.bad = true;
            w.rolled_at = now;
            w.record_revision(now);
        }

        // What the load balancer sees of cart: bad pods that still pass readiness answer 500s.
        let (mut good, mut bad) = (0u32, 0u32);
        for p in self.pods.iter().filter(|p| p.wl == cart && p.stage == Stage::Ready) {
            if p.bad {
                bad += 1;
            } else {
                good += 1;
            }
        }
        let target = if good + bad == 0 { 0.9 } else { 0.002 + 0.85 * bad as f64 / (good + bad) as f64 };
        let inc = &mut self.incident;
        inc.err += (target - inc.err) * (1.0 - (-(dt as f64) / 1_500.0).exp());
        if inc.err > ERROR_THRESHOLD {
            let since = *inc.over_since.get_or_insert(now);
            if now - since >= ERROR_FOR {
                inc.error_firing_since = Some(since + ERROR_FOR);
            }
        } else {
            inc.over_since = None;
            inc.error_firing_since = None;
        }

        let load = self.traffic.load(self.seed, self.epoch, now);
        let background = 0.6 + 0.6 * smooth_noise(self.seed ^ 0x5858, now, 45_000);
        let five_xx = Traffic::rps(load) * 60.0 * CART_SHARE * self.incident.err + background.max(0.0);
        let inc = &mut self.incident;
        inc.five_xx_per_min = five_xx;
        if now >= inc.next_alarm_eval {
            inc.next_alarm_eval = now - now.rem_euclid(ALARM_EVAL) + ALARM_EVAL;
            let value = (five_xx * 10.0).round() / 10.0;
            if value > ALARM_THRESHOLD && inc.alarm_since.is_none() {
                inc.alarm_since = Some(now);
                inc.alarm_reason = format!(
                    "Threshold Crossed: 1 datapoint [{value:.1} ({})] was greater than the threshold ({ALARM_THRESHOLD:.1}).",
                    cloudwatch_time(now - now.rem_euclid(MIN))
                );
            } else if value <= ALARM_THRESHOLD {
                inc.alarm_since = None;
            }
        }
    }

    /// Whether the incident is on: the bad image is live, its pods are still around, or the
    /// error rate it caused still fires.
    pub fn incident_active(&self) -> bool {
        self.incident.started.is_some()
            && (self.workloads[self.incident.cart].bad
                || self.pods.iter().any(|p| p.bad && p.active())
                || self.incident.error_firing_since.is_some())
    }

    /// When the incident started (it stays set once it is over: see [`World::incident_active`]);
    /// `None` before it starts.
    pub fn incident_started_at(&self) -> Option<UnixMs> {
        self.incident.started
    }
}
