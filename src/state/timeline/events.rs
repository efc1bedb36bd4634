//! Timeline entries from what is not a Kubernetes kind's state: alerts starting and resolving,
//! Warning events, Argo CD syncs and their results, CloudWatch alarm history and flightdeck's
//! own actions. Pure; dated by the source's own times wherever it gives one.

use std::collections::HashMap;

use super::derive::{Seen, draft};
use super::{Draft, Kind, Subject};
use crate::domain::ClusterId;
use crate::domain::source::SourceKind;
use crate::state::alerts::{AlarmChange, Alert, AlertState};
use crate::state::argocd::{ArgoApp, HealthStatus, OperationPhase, SyncStatus, short_sha};
use crate::state::pods::ClusterEvent;
use crate::state::{ActionOutcome, Level, UnixMs};

/// A Warning event that repeats is one entry, until it has been quiet this long.
pub const EVENT_QUIET_MS: i64 = 10 * 60_000;
/// Objects and reasons remembered before the long-quiet ones are forgotten.
const EVENTS_REMEMBERED: usize = 5_000;

#[derive(Clone, Debug)]
pub struct AlertSeen {
    cluster: Option<ClusterId>,
    state: AlertState,
    subject: Subject,
    name: String,
    cloudwatch: bool,
}

impl AlertSeen {
    fn draft(&self, at: UnixMs, kind: Kind, what: String, level: Level) -> Draft {
        Draft { cluster: self.cluster.clone(), ..draft(at, kind, self.subject.clone(), what, level) }
    }
}

#[derive(Clone, Debug)]
pub struct AppSeen {
    history: i64,
    running: Option<UnixMs>,
    failed: Option<UnixMs>,
    health: HealthStatus,
    sync: SyncStatus,
}

fn alert_subject(a: &Alert) -> Subject {
    let object = a.names_object().map(|(_, _, name)| name.to_string());
    Subject::Alert {
        fingerprint: a.fingerprint.clone(),
        name: a.name.clone(),
        namespace: a.labels.get("namespace").cloned(),
        object,
    }
}

fn is_cloudwatch(a: &Alert) -> bool {
    matches!(a.state, AlertState::Alarm | AlertState::InsufficientData)
        || a.source.kind == SourceKind::CloudWatchAlarms
}

impl Seen {
    /// Alerts that started firing (at their own start), were silenced, or resolved (when they
    /// were last seen gone). CloudWatch alarms come from their history where it is delivered.
    pub fn alerts(&mut self, items: &[Alert], at: UnixMs) -> Vec<Draft> {
        let mut out = Vec::new();
        let before = self.alerts.take().unwrap_or_default();
        let mut now = HashMap::with_capacity(items.len());
        for a in items {
            let cloudwatch = is_cloudwatch(a);
            // An alert of the whole fleet (no cluster) is stamped as its source's.
            let cluster = Some(a.cluster.clone()).filter(|c| !c.is_empty());
            let seen = AlertSeen {
                cluster,
                state: a.state,
                subject: alert_subject(a),
                name: a.name.clone(),
                cloudwatch,
            };
            let skip = cloudwatch && self.alarm_history;
            let was = before.get(&a.fingerprint).map(|s| s.state);
            let kind = if cloudwatch { Kind::Alarm } else { Kind::Alert };
            if !skip && a.state.active() && was.is_none_or(|w| !w.active()) {
                let what = match (cloudwatch, was) {
                    (true, _) => format!("{} in ALARM: {}", a.name, a.summary),
                    (false, Some(AlertState::Silenced)) => format!("{} firing again (silence ended)", a.name),
                    (false, _) => format!("{} firing ({}): {}", a.name, a.severity.label(), a.summary),
                };
                let t = if a.since > 0 && was.is_none() { a.since } else { at };
                let level = a.severity.level().max(Level::Warn);
                out.push(seen.draft(t, kind, what, level));
            }
            if !skip && a.state == AlertState::Silenced && was.is_some_and(|w| w.active()) {
                out.push(seen.draft(at, kind, format!("{} silenced", a.name), Level::Muted));
            }
            now.insert(a.fingerprint.clone(), seen);
        }
        for (fp, s) in &before {
            let gone = now.get(fp).is_none_or(|n| !n.state.active() && n.state != AlertState::Silenced);
            if s.state.active() && gone && !(s.cloudwatch && self.alarm_history) {
                let (kind, what) = if s.cloudwatch {
                    (Kind::Alarm, format!("{} back to OK", s.name))
                } else {
                    (Kind::Alert, format!("{} resolved", s.name))
                };
                out.push(s.draft(at, kind, what, Level::Ok));
            }
        }
        self.alerts = Some(now);
        out
    }

    /// How many objects' Warning events are remembered (bounded by [`EVENTS_REMEMBERED`]).
    pub fn events_remembered(&self) -> usize {
        self.events.len()
    }

    /// CloudWatch's own record of its alarms' state changes.
    pub fn alarm_history(&mut self, changes: &[AlarmChange]) -> Vec<Draft> {
        self.alarm_history = true;
        changes
            .iter()
            .map(|c| {
                let level = match c.to.as_str() {
                    "ALARM" => Level::Crit,
                    "OK" => Level::Ok,
                    _ => Level::Muted,
                };
                let subject = Subject::Alert {
                    fingerprint: c.arn.clone(),
                    name: c.name.clone(),
                    namespace: None,
                    object: None,
                };
                let what = format!("{} {} → {}: {}", c.name, c.from, c.to, c.reason);
                draft(c.at, Kind::Alarm, subject, what, level)
            })
            .collect()
    }

    /// Warning events, once per object and reason until they have been quiet a while.
    pub fn events(&mut self, events: &[ClusterEvent]) -> Vec<Draft> {
        let mut out = Vec::new();
        for e in events.iter().filter(|e| e.warning) {
            let key = (e.object.clone(), e.reason.clone());
            let last = self.events.get(&key).copied();
            if last.is_none_or(|l| e.at > l + EVENT_QUIET_MS) {
                let times = if e.count > 1 { format!(" (×{})", e.count) } else { String::new() };
                let what = format!("{}: {}{times}", e.reason, e.message.replace('\n', " "));
                out.push(draft(e.at, Kind::Warning, Subject::from_object(&e.object), what, Level::Warn));
            }
            if last.is_none_or(|l| e.at > l) {
                self.events.insert(key, e.at);
            }
        }
        // Events long quiet need no memory: one that comes back is news again anyway.
        if self.events.len() > EVENTS_REMEMBERED {
            let newest = self.events.values().copied().max().unwrap_or(0);
            self.events.retain(|_, at| *at > newest - EVENT_QUIET_MS);
        }
        out
    }

    /// Syncs started, revisions deployed (Argo CD's history), operations that failed, and an
    /// app's health or sync turning (after the first delivery, which is a baseline for those).
    pub fn apps(&mut self, apps: &[ArgoApp], at: UnixMs) -> Vec<Draft> {
        let first = self.apps.is_none();
        let before = self.apps.take().unwrap_or_default();
        let mut out = Vec::new();
        let mut now = HashMap::with_capacity(apps.len());
        for a in apps {
            let subject =
                Subject::App { name: a.name.clone(), namespace: Some(a.destination_namespace.clone()) };
            let was = before.get(&a.name);
            let known = was.map_or(i64::MIN, |w| w.history);
            for h in a.history.iter().filter(|h| h.id > known) {
                let by =
                    if h.initiated_by.is_empty() { String::new() } else { format!(" by {}", h.initiated_by) };
                let what = format!("synced to {} (history {}){by}", short_sha(&h.revision), h.id);
                out.push(draft(h.deployed_at, Kind::Sync, subject.clone(), what, Level::Accent));
            }
            let running = a.operation.as_ref().filter(|_| a.operation_running()).map(|o| o.started_at);
            if let Some(t) = running
                && was.and_then(|w| w.running) != Some(t)
            {
                out.push(draft(t, Kind::Sync, subject.clone(), "sync started".into(), Level::Accent));
            }
            let failed = a
                .last_sync
                .as_ref()
                .filter(|o| matches!(o.phase, OperationPhase::Failed | OperationPhase::Error))
                .and_then(|o| o.finished_at.map(|t| (t, o)));
            if let Some((t, o)) = failed
                && was.and_then(|w| w.failed) != Some(t)
            {
                let what = format!("sync {}: {}", o.phase.label().to_lowercase(), o.message);
                out.push(draft(t, Kind::AppHealth, subject.clone(), what, Level::Crit));
            }
            if let Some(w) = was.filter(|_| !first) {
                out.extend(app_turns(w, a, at, &subject));
            }
            let history = a.history.iter().map(|h| h.id).max().unwrap_or(i64::MIN).max(known);
            let failed = failed.map(|f| f.0).or(was.and_then(|w| w.failed));
            now.insert(a.name.clone(), AppSeen { history, running, failed, health: a.health, sync: a.sync });
        }
        self.apps = Some(now);
        out
    }
}

/// An app's health or sync status turning since the last delivery.
fn app_turns(was: &AppSeen, a: &ArgoApp, at: UnixMs, subject: &Subject) -> Vec<Draft> {
    let mut out = Vec::new();
    // Healthy ↔ Progressing is every scale-up: only turning bad, and back, is news.
    let bad = |h: HealthStatus| {
        matches!(h, HealthStatus::Degraded | HealthStatus::Missing | HealthStatus::Suspended)
    };
    if bad(was.health) != bad(a.health) || (bad(a.health) && was.health != a.health) {
        let level = if bad(a.health) { a.health.level() } else { Level::Ok };
        let what = format!("health {} → {}", was.health.label(), a.health.label());
        out.push(draft(at, Kind::AppHealth, subject.clone(), what, level));
    }
    if was.sync != a.sync && a.sync != SyncStatus::Unknown {
        let (what, level) = match a.sync {
            SyncStatus::OutOfSync => ("OutOfSync: the live state differs from Git".to_string(), Level::Warn),
            _ => ("Synced with Git".to_string(), Level::Ok),
        };
        out.push(draft(at, Kind::AppHealth, subject.clone(), what, level));
    }
    out
}

/// An action taken from flightdeck, as the executor reported it (reads, such as fetching a
/// resource tree, are not actions).
pub fn action(outcome: &ActionOutcome, at: UnixMs) -> Option<Draft> {
    let spec = crate::domain::registry::ACTIONS.iter().find(|a| a.title == outcome.action)?;
    let (result, level) = match &outcome.result {
        Ok(m) => (m.clone(), Level::Accent),
        Err(e) => (format!("failed: {e}"), Level::Crit),
    };
    let what = format!("{} {}: {result}", spec.title, outcome.target);
    Some(draft(at, Kind::Action, Subject::from_described(&outcome.target), what, level))
}
