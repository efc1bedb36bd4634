//! The incident timeline: what changed and what broke, from every source, on one time axis.
//! Entries are derived here, purely, by comparing each delivery with the last (`derive`) or
//! taken from a source's own history; nothing here reads a file or the clock.

mod derive;
mod events;
pub mod focus;
mod observe;
mod subject;

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde::{Deserialize, Serialize};

use super::{Level, UnixMs};
use crate::domain::ClusterId;
pub use derive::{Seen, short_image};
pub use events::action;
pub use observe::{cluster_of, observe_alerts, observe_delivery, rows_cluster};
pub use subject::Subject;

/// Entries kept in memory; the local history keeps more on disk.
pub const KEPT: usize = 20_000;

/// What kind of thing happened. Changes are what someone or something did to the platform;
/// the rest are symptoms (or their end).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An Argo CD sync started or deployed a revision (operation state, history).
    Sync,
    /// An Argo CD operation that failed, or an app whose health turned (or came back).
    AppHealth,
    /// A new revision of a workload's pod template: the image or config that changed.
    Rollout,
    /// A manual scale, new HPA limits.
    Scale,
    /// An HPA's decision: a reaction to load more often than a cause.
    Autoscale,
    /// A node added, removed, cordoned or uncordoned.
    NodeChange,
    /// A node turned NotReady (or Ready again).
    NodeReadiness,
    /// A Warning event from the cluster.
    Warning,
    /// An alert started firing, or resolved.
    Alert,
    /// A CloudWatch alarm changed state.
    Alarm,
    /// An action taken from flightdeck (the audit log).
    Action,
}

impl Kind {
    pub const ALL: [Kind; 11] = [
        Kind::Sync,
        Kind::AppHealth,
        Kind::Rollout,
        Kind::Scale,
        Kind::Autoscale,
        Kind::NodeChange,
        Kind::NodeReadiness,
        Kind::Warning,
        Kind::Alert,
        Kind::Alarm,
        Kind::Action,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Kind::Sync => "sync",
            Kind::AppHealth => "app",
            Kind::Rollout => "rollout",
            Kind::Scale => "scale",
            Kind::Autoscale => "hpa",
            Kind::NodeChange => "node",
            Kind::NodeReadiness => "node",
            Kind::Warning => "event",
            Kind::Alert => "alert",
            Kind::Alarm => "alarm",
            Kind::Action => "action",
        }
    }

    /// Something done to the platform, a suspect when things break after it.
    pub fn is_change(self) -> bool {
        matches!(
            self,
            Kind::Sync | Kind::Rollout | Kind::Scale | Kind::Autoscale | Kind::NodeChange | Kind::Action
        )
    }
}

/// One thing that happened, on one cluster, at one time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub at: UnixMs,
    /// The cluster it happened in: that of the source or row it was derived from; empty for
    /// an alert of the whole fleet.
    pub cluster: ClusterId,
    pub kind: Kind,
    /// What it happened to; also where its key goes.
    pub subject: Subject,
    /// What happened, in a line.
    pub what: String,
    pub level: Level,
}

impl Entry {
    /// A change or the start of trouble (not its end).
    pub fn is_symptom(&self) -> bool {
        !self.kind.is_change() && self.level >= Level::Warn
    }

    /// The identity of an entry: the same happening seen twice (a relist, a restart, the
    /// history read back) is kept once.
    pub fn id(&self) -> u64 {
        let mut h = Fnv::default();
        h.write(&self.at.to_le_bytes());
        h.write(self.cluster.as_str().as_bytes());
        h.write(self.kind.label().as_bytes());
        h.write(&[self.kind as u8]);
        h.write(self.subject.key().as_bytes());
        h.write(self.what.as_bytes());
        h.0
    }
}

/// What a derivation produces before the cluster is stamped on in one place ([`Timeline::add`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    /// Its own cluster where the thing it is about carries one (an alert); else that of the
    /// source that delivered it.
    pub cluster: Option<ClusterId>,
    pub at: UnixMs,
    pub kind: Kind,
    pub subject: Subject,
    pub what: String,
    pub level: Level,
}

/// FNV-1a, for ids that must be the same in every run (std's hasher is seeded per process).
#[derive(Default)]
struct Fnv(u64);

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

#[derive(Clone, Debug, Default)]
pub struct Timeline {
    /// Oldest first, keyed by time and id so the same entry is kept once.
    entries: BTreeMap<(UnixMs, u64), Entry>,
    /// Entries added since the app loop last took them for the local history.
    fresh: VecDeque<Entry>,
    /// What each cluster's sources delivered last, to compare the next delivery with.
    seen: HashMap<ClusterId, Seen>,
    /// The same for what is not of one cluster: alerts (each carries its own) and alarms.
    fleet: Seen,
    /// Bumped on every change, so views derived from the timeline know when to look again.
    pub version: u64,
}

impl Timeline {
    /// Stamp drafts with the cluster and keep the new ones. The one place an entry's cluster
    /// is set.
    pub fn add(&mut self, cluster: &ClusterId, drafts: Vec<Draft>) {
        for d in drafts {
            let e = Entry {
                at: d.at,
                cluster: d.cluster.unwrap_or_else(|| cluster.clone()),
                kind: d.kind,
                subject: d.subject,
                what: d.what,
                level: d.level,
            };
            if self.insert(e.clone()) {
                // Nobody may be taking them (no history): keep the newest, as the store does.
                if self.fresh.len() >= KEPT {
                    self.fresh.pop_front();
                }
                self.fresh.push_back(e);
            }
        }
    }

    /// Compare a delivery from `cluster` with what was seen last there and keep what changed.
    pub fn observe(&mut self, cluster: &ClusterId, f: impl FnOnce(&mut Seen) -> Vec<Draft>) {
        let drafts = f(self.seen.entry(cluster.clone()).or_default());
        if !drafts.is_empty() {
            self.add(cluster, drafts);
        }
    }

    /// The same for what is compared across the fleet (alerts, alarms); `cluster` is for the
    /// drafts that carry none of their own.
    pub fn observe_fleet(&mut self, cluster: &ClusterId, f: impl FnOnce(&mut Seen) -> Vec<Draft>) {
        let drafts = f(&mut self.fleet);
        if !drafts.is_empty() {
            self.add(cluster, drafts);
        }
    }

    /// A new Kubernetes context: every cluster's next deliveries are baselines again.
    pub fn forget_kubernetes(&mut self) {
        self.seen.values_mut().for_each(Seen::forget_kubernetes);
    }

    /// Entries read back from the local history (already stored: not fresh).
    pub fn restore(&mut self, entries: Vec<Entry>) {
        for e in entries {
            self.insert(e);
        }
    }

    fn insert(&mut self, e: Entry) -> bool {
        let key = (e.at, e.id());
        if self.entries.contains_key(&key) {
            return false;
        }
        self.entries.insert(key, e);
        while self.entries.len() > KEPT {
            self.entries.pop_first();
        }
        self.version += 1;
        true
    }

    /// Entries added since the last call, for the local history.
    pub fn take_fresh(&mut self) -> Vec<Entry> {
        self.fresh.drain(..).collect()
    }

    /// Newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values().rev()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries from `from` on, oldest first.
    pub fn since(&self, from: UnixMs) -> impl Iterator<Item = &Entry> {
        self.entries.range((from, 0)..).map(|(_, e)| e)
    }
}

#[cfg(test)]
mod tests;
