//! Per-source health: when a source last delivered, its last error, and staleness.
//! Pure data; the app loop updates it from source messages, panes only read it.

use serde::Serialize;

use super::UnixMs;

/// A source is stale when it has missed this many of its intervals.
pub const STALE_AFTER_MISSED: i64 = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceState {
    /// Registered but has not delivered yet.
    Pending,
    Ok,
    Error,
    Stale,
    Disabled,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SourceHealth {
    /// How often the source is expected to deliver (ms); drives staleness.
    pub interval_ms: i64,
    pub enabled: bool,
    pub last_success: Option<UnixMs>,
    pub last_error: Option<String>,
    pub last_error_at: Option<UnixMs>,
    /// Consecutive failures since the last success; the source backs off on these.
    pub failures: u32,
}

impl SourceHealth {
    pub fn new(interval_ms: i64) -> Self {
        SourceHealth {
            interval_ms,
            enabled: true,
            last_success: None,
            last_error: None,
            last_error_at: None,
            failures: 0,
        }
    }

    pub fn disabled(reason: impl Into<String>) -> Self {
        SourceHealth { enabled: false, last_error: Some(reason.into()), ..SourceHealth::new(0) }
    }

    /// The state as of `now`. An error newer than the last success wins; a success older than
    /// three intervals is stale.
    pub fn state(&self, now: UnixMs) -> SourceState {
        if !self.enabled {
            return SourceState::Disabled;
        }
        let err_newer = match (self.last_error_at, self.last_success) {
            (Some(e), Some(s)) => e >= s,
            (Some(_), None) => true,
            _ => false,
        };
        if err_newer {
            return SourceState::Error;
        }
        match self.last_success {
            None => SourceState::Pending,
            Some(t) if self.interval_ms > 0 && now - t > STALE_AFTER_MISSED * self.interval_ms => {
                SourceState::Stale
            }
            Some(_) => SourceState::Ok,
        }
    }
}
