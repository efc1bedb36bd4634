//! Per-source health: when a source last delivered, its error, and staleness. The one place
//! that decides when an error shows and when it clears, for every source alike. Pure data; the
//! app loop updates it from source messages, panes only read it.

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
    /// The error shown until the source says it is healthy again.
    pub last_error: Option<String>,
    pub last_error_at: Option<UnixMs>,
    /// Consecutive failures since the source was last healthy; it backs off on these.
    pub failures: u32,
    /// When this run of failures began: a watch's rows were live until then.
    pub failing_since: Option<UnixMs>,
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
            failing_since: None,
        }
    }

    pub fn disabled(reason: impl Into<String>) -> Self {
        SourceHealth { enabled: false, last_error: Some(reason.into()), ..SourceHealth::new(0) }
    }

    /// A failure: its error shows, and the rows the source delivered stay, until it is
    /// healthy again.
    pub fn failed(&mut self, at: UnixMs, error: String) {
        self.last_error = Some(error);
        self.last_error_at = Some(at);
        self.failures += 1;
        self.failing_since.get_or_insert(at);
    }

    /// Healthy again, as the source judges it: a poll that succeeded, a watch that reopened and
    /// held, an event or a bookmark. The error clears at once, whether or not new data follows
    /// (a quiet kind may send none for hours). Returns whether an error was cleared.
    pub fn healthy(&mut self) -> bool {
        self.failures = 0;
        self.failing_since = None;
        self.last_error_at = None;
        self.last_error.take().is_some()
    }

    /// Data arrived. It dates the rows; it does not clear an error, because a source fed by
    /// several watches may deliver from one while another still fails.
    pub fn delivered(&mut self, at: UnixMs) {
        self.last_success = Some(at);
    }

    /// Since when the rows shown are not known to be current: a polled source's last data, a
    /// watch's first failure (it was live until then). `None` while healthy, or with no rows.
    pub fn stale_since(&self) -> Option<UnixMs> {
        let success = self.last_success?;
        match (self.interval_ms, self.failing_since) {
            (0, since) => since,
            _ => Some(success),
        }
    }

    /// The state as of `now`. An error shows until the source is healthy again; a success
    /// older than three intervals is stale.
    pub fn state(&self, now: UnixMs) -> SourceState {
        if !self.enabled {
            return SourceState::Disabled;
        }
        if self.last_error.is_some() {
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
