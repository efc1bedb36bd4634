//! Timeline entries from the Kubernetes kinds, by comparing each delivery with what was seen
//! last: nodes, HPAs, workloads and Deployment revisions. Pure; the first delivery of a kind is
//! a baseline, and yields only what carries its own time (a revision, an HPA's last scale).

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{Draft, Kind, Subject};
use crate::domain::WorkloadKind;
use crate::state::infra::{Node, NodeReadiness};
use crate::state::scaling::Hpa;
use crate::state::workloads::{Revision, Workload};
use crate::state::{Level, UnixMs};

/// An HPA as last seen: desired replicas, min, max, last scale.
type HpaSeen = (u32, u32, u32, Option<UnixMs>);
/// A Deployment revision as last seen: created, images, config hash.
type RevisionSeen = (UnixMs, Vec<(String, String)>, u64);

/// What each kind looked like when it was last delivered. `None`: not delivered yet.
#[derive(Clone, Debug, Default)]
pub struct Seen {
    nodes: Option<HashMap<String, (NodeReadiness, bool)>>,
    hpas: Option<HashMap<String, HpaSeen>>,
    workloads: Option<HashMap<String, (u32, u64, String)>>,
    /// Deployment (`namespace/name`) → its revisions by number: created, images, config.
    revisions: HashMap<String, BTreeMap<i64, RevisionSeen>>,
    pub(super) alerts: Option<HashMap<String, super::events::AlertSeen>>,
    /// Warning events by (object, reason): when each was last seen.
    pub(super) events: HashMap<(String, String), UnixMs>,
    pub(super) apps: Option<HashMap<String, super::events::AppSeen>>,
    /// CloudWatch delivers its alarms' own history: their state changes come from there.
    pub(super) alarm_history: bool,
}

impl Seen {
    /// A new Kubernetes context: its first deliveries are baselines again.
    pub fn forget_kubernetes(&mut self) {
        self.nodes = None;
        self.hpas = None;
        self.workloads = None;
        self.revisions.clear();
        self.events.clear();
        // Argo CD in Kubernetes mode follows the context; a re-delivered history is kept once.
        self.apps = None;
    }

    pub fn nodes(&mut self, nodes: &[Node], at: UnixMs) -> Vec<Draft> {
        let now: HashMap<String, (NodeReadiness, bool)> =
            nodes.iter().map(|n| (n.name.clone(), (n.ready, n.cordoned))).collect();
        let mut out = Vec::new();
        match &self.nodes {
            None => {
                // A node that is down when first seen: when it went down is not known.
                for n in nodes.iter().filter(|n| n.ready != NodeReadiness::Ready) {
                    out.push(node(at, &n.name, Kind::NodeReadiness, not_ready(n.ready), Level::Crit));
                }
            }
            Some(before) => {
                for n in nodes {
                    match before.get(&n.name) {
                        None => {
                            let what = format!("added ({} {})", n.instance_type, n.zone);
                            out.push(node(at, &n.name, Kind::NodeChange, what, Level::Accent));
                        }
                        Some(&(ready, cordoned)) => {
                            if ready != n.ready {
                                let (what, level) = match n.ready {
                                    NodeReadiness::Ready => ("Ready again".to_string(), Level::Ok),
                                    r => (not_ready(r), Level::Crit),
                                };
                                out.push(node(at, &n.name, Kind::NodeReadiness, what, level));
                            }
                            if cordoned != n.cordoned {
                                let what = if n.cordoned { "cordoned" } else { "uncordoned" };
                                out.push(node(at, &n.name, Kind::NodeChange, what.into(), Level::Warn));
                            }
                        }
                    }
                }
                for gone in before.keys().filter(|k| !now.contains_key(*k)) {
                    out.push(node(at, gone, Kind::NodeChange, "removed".into(), Level::Warn));
                }
            }
        }
        self.nodes = Some(now);
        out
    }

    pub fn hpas(&mut self, hpas: &[Hpa], at: UnixMs) -> Vec<Draft> {
        let mut out = Vec::new();
        let now: HashMap<String, HpaSeen> =
            hpas.iter().map(|h| (h.key(), (h.desired, h.min, h.max, h.last_scale))).collect();
        for h in hpas {
            let subject = Subject::Hpa {
                namespace: h.namespace.clone(),
                name: h.name.clone(),
                workload: Some(h.target.name.to_string()),
            };
            let metrics = metrics_text(h);
            match self.hpas.as_ref().map(|b| b.get(&h.key())) {
                // First seen: its last decision carries its own time.
                None | Some(None) => {
                    if let Some(t) = h.last_scale {
                        let what = format!("HPA set {} to {} replicas", h.target.name, h.current);
                        out.push(draft(t, Kind::Autoscale, subject, what, Level::Muted));
                    }
                }
                Some(Some(&(desired, min, max, last))) => {
                    if desired != h.desired {
                        // The decision's own time when the HPA reports a new one.
                        let t = h.last_scale.filter(|t| Some(*t) != last && *t <= at).unwrap_or(at);
                        let what = format!("HPA scaled {} {desired} → {}{metrics}", h.target.name, h.desired);
                        out.push(draft(t, Kind::Autoscale, subject.clone(), what, Level::Accent));
                    }
                    if (min, max) != (h.min, h.max) {
                        let what = format!("HPA limits min {min} → {}, max {max} → {}", h.min, h.max);
                        out.push(draft(at, Kind::Scale, subject, what, Level::Accent));
                    }
                }
            }
        }
        self.hpas = Some(now);
        out
    }

    /// Manual scales (of workloads no HPA drives), StatefulSet and DaemonSet rollouts (their
    /// template changed), workloads created and deleted. Deployments roll out by revision.
    pub fn workloads(&mut self, list: &[Workload], hpa_targets: &HashSet<String>, at: UnixMs) -> Vec<Draft> {
        let now: HashMap<String, (u32, u64, String)> =
            list.iter().map(|w| (w.key(), (w.desired, w.template, w.image.clone()))).collect();
        let mut out = Vec::new();
        if let Some(before) = &self.workloads {
            for w in list {
                let subject =
                    Subject::Workload { namespace: w.namespace.clone(), kind: w.kind, name: w.name.clone() };
                let Some((desired, template, image)) = before.get(&w.key()) else {
                    let what = format!("created ({})", short_image(&w.image));
                    out.push(draft(w.created_at.max(1), Kind::Rollout, subject, what, Level::Muted));
                    continue;
                };
                let scaled_by_hpa = hpa_targets.contains(&format!("{}/{}", w.namespace, w.name));
                if *desired != w.desired && !scaled_by_hpa && w.kind.scalable() {
                    let what = format!("scaled {desired} → {} replicas", w.desired);
                    out.push(draft(at, Kind::Scale, subject.clone(), what, Level::Accent));
                }
                if *template != w.template && w.kind != WorkloadKind::Deployment {
                    let what = if *image != w.image {
                        format!("image {} → {}", short_image(image), short_image(&w.image))
                    } else {
                        "pod template changed (config; images unchanged)".to_string()
                    };
                    out.push(draft(at, Kind::Rollout, subject, what, Level::Accent));
                }
            }
            for (key, _) in before.iter().filter(|(k, _)| !now.contains_key(*k)) {
                let mut parts = key.splitn(3, '/');
                let (ns, short, name) = (parts.next(), parts.next(), parts.next());
                let kind = [WorkloadKind::Deployment, WorkloadKind::StatefulSet, WorkloadKind::DaemonSet]
                    .into_iter()
                    .find(|k| Some(k.short()) == short);
                if let (Some(ns), Some(kind), Some(name)) = (ns, kind, name) {
                    let subject = Subject::Workload { namespace: ns.into(), kind, name: name.into() };
                    out.push(draft(at, Kind::Rollout, subject, "deleted".into(), Level::Warn));
                }
            }
        }
        self.workloads = Some(now);
        out
    }

    /// Each Deployment revision not seen before: its image or config against the revision
    /// before it, at the time its ReplicaSet was created (a rollback reuses an old ReplicaSet
    /// under a new number: that one is dated when it is seen).
    pub fn revisions(&mut self, list: &[Revision], at: UnixMs) -> Vec<Draft> {
        let mut by_workload: BTreeMap<String, Vec<&Revision>> = BTreeMap::new();
        for r in list {
            by_workload.entry(format!("{}/{}", r.namespace, r.workload)).or_default().push(r);
        }
        let mut out = Vec::new();
        for (key, mut revs) in by_workload {
            revs.sort_by_key(|r| r.revision);
            let known = self.revisions.entry(key).or_default();
            for r in revs {
                if known.get(&r.revision).is_some_and(|k| k.0 == r.created_at && k.1 == r.images) {
                    continue;
                }
                let prev = known.range(..r.revision).next_back().map(|(n, v)| (*n, v.clone()));
                let t = match &prev {
                    Some((_, (created, ..))) if r.created_at < *created => at,
                    _ => r.created_at,
                };
                let subject = Subject::Workload {
                    namespace: r.namespace.clone(),
                    kind: WorkloadKind::Deployment,
                    name: r.workload.clone(),
                };
                let what = revision_text(r, prev.as_ref().map(|(_, v)| (&v.1, v.2)));
                let level = if prev.is_some() { Level::Accent } else { Level::Muted };
                out.push(draft(t, Kind::Rollout, subject, what, level));
                known.insert(r.revision, (r.created_at, r.images.clone(), r.config));
            }
        }
        out
    }
}

/// "revision 7: image cart:1.4.2 → cart:2.5.0-rc1", or its config when the images stayed.
fn revision_text(r: &Revision, prev: Option<(&Vec<(String, String)>, u64)>) -> String {
    let Some((images, config)) = prev else {
        let imgs: Vec<String> = r.images.iter().map(|(_, i)| short_image(i)).collect();
        return format!("revision {}: {}", r.revision, imgs.join(", "));
    };
    let many = r.images.len() > 1;
    let mut changes = Vec::new();
    for (container, image) in &r.images {
        let before = images.iter().find(|(c, _)| c == container).map(|(_, i)| i);
        match before {
            Some(b) if b == image => {}
            Some(b) if many => {
                changes.push(format!("{container} {} → {}", short_image(b), short_image(image)))
            }
            Some(b) => changes.push(format!("image {} → {}", short_image(b), short_image(image))),
            None => changes.push(format!("{container} added ({})", short_image(image))),
        }
    }
    if changes.is_empty() {
        let why = if config != r.config { "pod template config changed" } else { "same template" };
        return format!("revision {}: {why}, images unchanged", r.revision);
    }
    format!("revision {}: {}", r.revision, changes.join(", "))
}

/// The image without its registry: `cart:2.5.0-rc1`.
pub fn short_image(image: &str) -> String {
    image.rsplit('/').next().unwrap_or(image).to_string()
}

fn metrics_text(h: &Hpa) -> String {
    let parts: Vec<String> = h
        .metrics
        .iter()
        .filter_map(|m| m.current.map(|c| format!("{} {c}%/{}%", m.name, m.target)))
        .collect();
    if parts.is_empty() { String::new() } else { format!(" ({})", parts.join(", ")) }
}

fn not_ready(r: NodeReadiness) -> String {
    match r {
        NodeReadiness::Unknown => "Unknown (the kubelet stopped reporting)".into(),
        _ => "NotReady".into(),
    }
}

fn node(at: UnixMs, name: &str, kind: Kind, what: String, level: Level) -> Draft {
    draft(at, kind, Subject::Node { name: name.to_string() }, what, level)
}

pub(super) fn draft(at: UnixMs, kind: Kind, subject: Subject, what: String, level: Level) -> Draft {
    Draft { cluster: None, at, kind, subject, what, level }
}
