//! Exponential backoff with jitter for sources that fail, capped so a recovered server is
//! noticed within a minute. It forgets the failures only after a healthy period, never on one
//! success. It does not sleep or send: its callers wait what it says.

use std::time::{Duration, Instant};

/// How a source retries: the first wait, the cap, and how long it must stay healthy before
/// its failures are forgotten.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    pub base: Duration,
    pub max: Duration,
    pub healthy: Duration,
}

impl Policy {
    /// Kubernetes watches: 1 s doubling to 60 s, forgotten after 30 s of health.
    pub const WATCH: Policy = Policy {
        base: Duration::from_secs(1),
        max: Duration::from_secs(60),
        healthy: Duration::from_secs(30),
    };
}

impl Default for Policy {
    fn default() -> Self {
        Policy::WATCH
    }
}

#[derive(Clone, Debug)]
pub struct Backoff {
    base: Duration,
    max: Duration,
    /// How long the source must stay healthy before a new failure starts from `base` again.
    healthy_for: Duration,
    failures: u32,
    /// Since when the source has been healthy, if it is.
    healthy_since: Option<Instant>,
}

impl Backoff {
    pub fn new(base: Duration, max: Duration) -> Self {
        Backoff { base, max, healthy_for: Duration::ZERO, failures: 0, healthy_since: None }
    }

    pub fn with_policy(p: Policy) -> Self {
        Backoff { healthy_for: p.healthy, ..Backoff::new(p.base, p.max) }
    }

    /// The wait after one more failure: base × 2^n, capped, with ±20 % jitter so many sources
    /// failing together do not retry in lockstep. A failure after a healthy period starts over.
    pub fn next_delay(&mut self) -> Duration {
        self.next_delay_at(Instant::now())
    }

    fn next_delay_at(&mut self, now: Instant) -> Duration {
        if self.healthy_since.take().is_some_and(|t| now.duration_since(t) >= self.healthy_for) {
            self.failures = 0;
        }
        let exp = self.base.saturating_mul(1u32 << self.failures.min(16));
        self.failures = self.failures.saturating_add(1);
        let capped = exp.min(self.max);
        let jitter = 0.8 + fastrand::f64() * 0.4;
        capped.mul_f64(jitter)
    }

    /// The wait after a failure whose server asked for `retry_after` (429, 503): at least that,
    /// never past the cap, and still counted so later failures keep growing.
    pub fn next_delay_after(&mut self, retry_after: Option<Duration>) -> Duration {
        let own = self.next_delay();
        retry_after.map_or(own, |r| own.max(r.min(self.max)))
    }

    /// The source works (an event arrived, a watch held): once it has for the healthy period,
    /// the next failure starts from `base`. A success alone resets nothing, because a list
    /// that succeeds before a watch that fails at once would otherwise retry at `base` forever.
    pub fn healthy(&mut self) {
        self.healthy_at(Instant::now());
    }

    fn healthy_at(&mut self, now: Instant) {
        self.healthy_since.get_or_insert(now);
    }

    /// Forget every failure now: for pollers, whose next try is an interval away anyway.
    pub fn reset(&mut self) {
        self.failures = 0;
        self.healthy_since = None;
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_then_caps_and_resets() {
        let mut b = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
        let d: Vec<f64> = (0..10).map(|_| b.next_delay().as_secs_f64()).collect();
        assert!(d[0] >= 0.8 && d[0] <= 1.2);
        assert!(d[3] >= 6.4 && d[3] <= 9.6);
        assert!(d[9] <= 72.0 && d[9] >= 48.0);
        b.reset();
        assert!(b.next_delay().as_secs_f64() <= 1.2);
    }

    #[test]
    fn only_a_healthy_period_forgets_the_failures() {
        let mut b = Backoff::with_policy(Policy::WATCH);
        let t0 = Instant::now();
        for _ in 0..3 {
            b.next_delay_at(t0);
        }
        // Healthy for a moment, as a list before a watch that fails at once: still growing.
        b.healthy_at(t0);
        let d = b.next_delay_at(t0 + Duration::from_secs(1)).as_secs_f64();
        assert!((6.4..=9.6).contains(&d), "{d}");
        // Healthy for the whole period: the next failure starts over.
        b.healthy_at(t0 + Duration::from_secs(2));
        let d = b.next_delay_at(t0 + Duration::from_secs(40)).as_secs_f64();
        assert!(d <= 1.2, "{d}");
    }

    #[test]
    fn retry_after_is_a_floor_under_the_cap() {
        let mut b = Backoff::with_policy(Policy::WATCH);
        let d = b.next_delay_after(Some(Duration::from_secs(5)));
        assert_eq!(d, Duration::from_secs(5));
        let d = b.next_delay_after(Some(Duration::from_secs(3600)));
        assert_eq!(d, Duration::from_secs(60), "a server's wait is capped like ours");
        assert_eq!(b.failures(), 2);
    }
}
