//! Alerts from Alertmanager and CloudWatch alarms as one list ranked by severity, then age.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Level, UnixMs};

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Alerts {
    /// Ranked: severity, then oldest first.
    pub items: Vec<Alert>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    None,
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn parse(s: &str) -> Severity {
        match s.to_ascii_lowercase().as_str() {
            "critical" | "crit" | "page" | "error" => Severity::Critical,
            "warning" | "warn" => Severity::Warning,
            "info" | "informational" => Severity::Info,
            _ => Severity::None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::None => "none",
        }
    }
    pub fn level(self) -> Level {
        match self {
            Severity::Critical => Level::Crit,
            Severity::Warning => Level::Warn,
            Severity::Info => Level::Accent,
            Severity::None => Level::Muted,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertState {
    Firing,
    Silenced,
    Inhibited,
    /// A CloudWatch alarm in ALARM.
    Alarm,
    /// A CloudWatch alarm in INSUFFICIENT_DATA: shown muted.
    InsufficientData,
}

impl AlertState {
    pub fn label(self) -> &'static str {
        match self {
            AlertState::Firing => "firing",
            AlertState::Silenced => "silenced",
            AlertState::Inhibited => "inhibited",
            AlertState::Alarm => "ALARM",
            AlertState::InsufficientData => "INSUFFICIENT",
        }
    }
    /// Whether the alert still wants attention.
    pub fn active(self) -> bool {
        matches!(self, AlertState::Firing | AlertState::Alarm)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Alert {
    /// Alertmanager's fingerprint, or the alarm ARN.
    pub fingerprint: String,
    pub name: String,
    pub severity: Severity,
    /// "alertmanager/prod", "cloudwatch".
    pub source: String,
    pub state: AlertState,
    pub since: UnixMs,
    /// Annotation `summary` or `description`, or the alarm's StateReason.
    pub summary: String,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
}

impl Alert {
    pub fn level(&self) -> Level {
        if self.state.active() { self.severity.level() } else { Level::Muted }
    }
}

impl Alerts {
    /// Replace one source's alerts (other sources' alerts stay), then rank. The match is
    /// exact: `alertmanager/prod` must not take `alertmanager/prod2`'s alerts with it.
    pub fn replace_from(&mut self, source: &str, alerts: Vec<Alert>) {
        self.items.retain(|a| a.source != source);
        self.items.extend(alerts);
        self.rank();
    }

    pub fn rank(&mut self) {
        self.items.sort_by(|a, b| {
            b.state
                .active()
                .cmp(&a.state.active())
                .then(b.severity.cmp(&a.severity))
                .then(a.since.cmp(&b.since))
                .then_with(|| a.name.cmp(&b.name))
        });
    }

    pub fn firing_at(&self, severity: Severity) -> usize {
        self.items.iter().filter(|a| a.state.active() && a.severity == severity).count()
    }
}
