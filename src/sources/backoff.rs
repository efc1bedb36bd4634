//! Exponential backoff with jitter for sources that fail, capped so a recovered server is
//! noticed within a minute.

use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Backoff {
    base: Duration,
    max: Duration,
    failures: u32,
}

impl Backoff {
    pub fn new(base: Duration, max: Duration) -> Self {
        Backoff { base, max, failures: 0 }
    }

    /// The wait after one more failure: base × 2^n, capped, with ±20 % jitter so many sources
    /// failing together do not retry in lockstep.
    pub fn next_delay(&mut self) -> Duration {
        let exp = self.base.saturating_mul(1u32 << self.failures.min(16));
        self.failures = self.failures.saturating_add(1);
        let capped = exp.min(self.max);
        let jitter = 0.8 + fastrand::f64() * 0.4;
        capped.mul_f64(jitter)
    }

    pub fn reset(&mut self) {
        self.failures = 0;
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
}
