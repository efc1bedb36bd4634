//! Alerts from Alertmanager and CloudWatch alarms as one list ranked by severity, then age.

use std::collections::BTreeMap;

use serde::Serialize;

use super::silences::{Silence, SilenceState};
use super::{Level, UnixMs};
use crate::domain::ClusterId;
use crate::domain::SourceId;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Alerts {
    /// Ranked: severity, then oldest first; one row per fingerprint.
    pub items: Vec<Alert>,
    /// Every source's silences: active first, then pending, then expired.
    pub silences: Vec<Silence>,
    #[serde(skip)]
    by_source: BTreeMap<SourceId, Vec<Alert>>,
    #[serde(skip)]
    silences_by_source: BTreeMap<SourceId, Vec<Silence>>,
}

/// Alerts sharing an alertname, for the grouped view.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertGroup<'a> {
    pub name: &'a str,
    /// Members in rank order; the first is the worst.
    pub members: Vec<&'a Alert>,
}

impl<'a> AlertGroup<'a> {
    pub fn first(&self) -> &'a Alert {
        self.members[0]
    }
    pub fn active(&self) -> usize {
        self.members.iter().filter(|a| a.state.active()).count()
    }
    /// Labels every member shares: what a silence of the whole group matches on.
    pub fn common_labels(&self) -> BTreeMap<String, String> {
        let mut out = self.first().labels.clone();
        for a in &self.members[1..] {
            out.retain(|k, v| a.labels.get(k) == Some(v));
        }
        out
    }
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
    /// The cluster it belongs to (empty for an alert of the whole fleet); the store sets it
    /// from the source that delivered the row.
    #[serde(skip_serializing_if = "ClusterId::is_empty")]
    pub cluster: ClusterId,
    /// Alertmanager's fingerprint, or the alarm ARN.
    pub fingerprint: String,
    pub name: String,
    pub severity: Severity,
    /// "alertmanager/prod", "cloudwatch".
    pub source: SourceId,
    pub state: AlertState,
    pub since: UnixMs,
    /// Annotation `summary` or `description`, or the alarm's StateReason.
    pub summary: String,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    /// The Prometheus graph behind an Alertmanager alert, or the alarm's console page.
    pub generator_url: Option<String>,
    /// Ids of the silences Alertmanager says suppress it.
    pub silenced_by: Vec<String>,
    /// Other sources reporting the same fingerprint (an HA pair of Alertmanagers).
    pub also_from: Vec<SourceId>,
}

impl Alert {
    pub fn level(&self) -> Level {
        if self.state.active() { self.severity.level() } else { Level::Muted }
    }
}

impl Alert {
    /// Where to read about it: the runbook, else the generator.
    pub fn runbook(&self) -> Option<&str> {
        ["runbook_url", "runbook"].iter().find_map(|k| self.annotations.get(*k)).map(String::as_str)
    }

    /// The pod, workload or service its labels name, for jumping to it in the other panes.
    pub fn names_object(&self) -> Option<(&str, &str, &str)> {
        let ns = self.labels.get("namespace")?;
        ["pod", "deployment", "statefulset", "daemonset", "horizontalpodautoscaler", "service"]
            .iter()
            .find_map(|k| self.labels.get(*k).map(|v| (ns.as_str(), *k, v.as_str())))
    }
}

impl Alerts {
    /// Replace one source's alerts (other sources' alerts stay), then merge and rank. The
    /// match is exact: `alertmanager/prod` must not take `alertmanager/prod2`'s alerts with it.
    pub fn replace_from(&mut self, source: &SourceId, alerts: Vec<Alert>) {
        self.by_source.insert(source.clone(), alerts);
        self.merge();
    }

    /// Replace one source's silences.
    pub fn replace_silences(&mut self, source: &SourceId, silences: Vec<Silence>) {
        self.silences_by_source.insert(source.clone(), silences);
        self.rebuild_silences();
    }

    fn rebuild_silences(&mut self) {
        let mut all: Vec<Silence> = self.silences_by_source.values().flatten().cloned().collect();
        all.sort_by(|a, b| a.state.cmp(&b.state).then(b.ends_at.cmp(&a.ends_at)).then(a.id.cmp(&b.id)));
        self.silences = all;
    }

    /// One row per fingerprint in each cluster: HA Alertmanagers report the same alert, which
    /// is one problem; two clusters' alike alerts are two. The row kept is the most urgent
    /// report (a silence in one peer may not have reached the other yet).
    fn merge(&mut self) {
        let mut by_fp: BTreeMap<(&crate::domain::ClusterId, &str), Alert> = BTreeMap::new();
        for (source, alerts) in &self.by_source {
            for a in alerts {
                match by_fp.get_mut(&(&a.cluster, a.fingerprint.as_str())) {
                    None => {
                        by_fp.insert((&a.cluster, &a.fingerprint), a.clone());
                    }
                    Some(kept) => {
                        if a.state.active() && !kept.state.active() {
                            let mut also = std::mem::take(&mut kept.also_from);
                            also.push(kept.source.clone());
                            *kept = a.clone();
                            kept.also_from = also;
                        } else {
                            kept.also_from.push(source.clone());
                        }
                    }
                }
            }
        }
        self.items = by_fp.into_values().collect();
        self.rank();
    }

    /// Silences covering an alert: those Alertmanager named, else any active one whose
    /// matchers fit its labels (the demo and CloudWatch have no `silencedBy`).
    pub fn silences_for(&self, alert: &Alert) -> Vec<&Silence> {
        self.silences
            .iter()
            .filter(|s| {
                alert.silenced_by.contains(&s.id)
                    || (s.state == SilenceState::Active
                        && alert.source == s.source
                        && s.covers(&alert.labels))
            })
            .collect()
    }

    /// Whether an unexpired silence matches no current alert: a likely leftover.
    pub fn matches_nothing(&self, s: &Silence) -> bool {
        s.state != SilenceState::Expired && !self.items.iter().any(|a| s.covers(&a.labels))
    }

    /// The alerts grouped by name, groups in the rank of their worst member.
    pub fn groups(&self) -> Vec<AlertGroup<'_>> {
        let mut out: Vec<AlertGroup<'_>> = Vec::new();
        for a in &self.items {
            match out.iter_mut().find(|g| g.name == a.name) {
                Some(g) => g.members.push(a),
                None => out.push(AlertGroup { name: &a.name, members: vec![a] }),
            }
        }
        out
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
}
