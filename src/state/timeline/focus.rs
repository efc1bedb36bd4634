//! The timeline around one problem: what is linked to it (its app, namespace, workload, node,
//! alert), from a window before its first symptom, with the changes ranked as suspects. Pure;
//! captured when the user asks, so the narrowing holds while the problem itself changes.

use super::{Entry, Kind, Subject};
use crate::domain::{ClusterId, Target};
use crate::state::triage::Problem;
use crate::state::{State, UnixMs};

/// How far before the first symptom the timeline looks for what changed.
pub const WINDOW_MS: i64 = 60 * 60_000;
/// Symptoms closer together than this are one episode: the first of them is where it started.
const EPISODE_GAP_MS: i64 = 5 * 60_000;

/// How closely an entry is linked to the problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Relation {
    /// Only by namespace or node: it happened next to it.
    Near,
    /// The same app or workload (its pods, its HPA, an alert that names it).
    Same,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Focus {
    /// The problem's key in triage, and how it is named.
    pub problem: String,
    pub title: String,
    /// When it started: the first symptom of the episode.
    pub first_symptom: UnixMs,
    /// Where the narrowed timeline begins.
    pub from: UnixMs,
    /// The problem's cluster as its entries are stamped; links never cross clusters.
    cluster: ClusterId,
    apps: Vec<String>,
    workloads: Vec<(String, String)>,
    namespaces: Vec<String>,
    nodes: Vec<String>,
    alerts: Vec<String>,
}

impl Focus {
    /// The focus on a triage problem: its links read from its targets and linked items.
    pub fn around(state: &State, p: &Problem) -> Focus {
        let cluster = super::cluster_of(state, &p.cluster);
        let mut f = Focus { problem: p.key.clone(), title: p.subject.clone(), cluster, ..Focus::default() };
        let targets = p.targets.iter().chain(p.links.iter().filter_map(|l| l.target.as_ref()));
        for t in targets {
            f.take(state, &p.cluster, t);
        }
        f.first_symptom = f.episode_start(state, p.since.unwrap_or(state.now));
        f.from = f.first_symptom - WINDOW_MS;
        f
    }

    /// The links of target `t`, of a problem in `cluster` (as its rows carry it).
    fn take(&mut self, state: &State, cluster: &ClusterId, t: &Target) {
        let push = |v: &mut Vec<String>, s: &str| {
            if !v.iter().any(|x| x == s) {
                v.push(s.to_string());
            }
        };
        match t {
            Target::App(name) | Target::AppSync { name, .. } => {
                push(&mut self.apps, name);
                if let Some(a) =
                    state.argocd.get(cluster, name).filter(|a| !a.destination_namespace.is_empty())
                {
                    push(&mut self.namespaces, &a.destination_namespace);
                }
            }
            Target::Workload { namespace, name, .. } | Target::Scale { namespace, name, .. } => {
                let w = (namespace.clone(), name.clone());
                if !self.workloads.contains(&w) {
                    self.workloads.push(w);
                }
                push(&mut self.namespaces, namespace);
            }
            Target::Hpa { namespace, name } | Target::HpaLimits { namespace, name, .. } => {
                if let Some(h) = state
                    .scaling
                    .hpas
                    .iter()
                    .find(|h| h.cluster == *cluster && h.namespace == *namespace && h.name == *name)
                {
                    let w = (namespace.clone(), h.target.name.to_string());
                    if !self.workloads.contains(&w) {
                        self.workloads.push(w);
                    }
                }
                push(&mut self.namespaces, namespace);
            }
            Target::Pod { namespace, name } => {
                push(&mut self.namespaces, namespace);
                if let Some(n) = state
                    .pods
                    .by_key
                    .values()
                    .find(|p| p.cluster == *cluster && p.namespace == *namespace && p.name == *name)
                    && let Some(node) = &n.node
                {
                    push(&mut self.nodes, node);
                }
            }
            Target::Node(n) => push(&mut self.nodes, n),
            Target::Alert { fingerprint, .. } => {
                push(&mut self.alerts, fingerprint);
                if let Some(ns) = state
                    .alerts
                    .items
                    .iter()
                    .find(|a| {
                        a.fingerprint == *fingerprint && (a.cluster.is_empty() || a.cluster == *cluster)
                    })
                    .and_then(|a| a.labels.get("namespace"))
                {
                    push(&mut self.namespaces, ns);
                }
            }
            // The console's targets (an object, an edit, a shell, a forward …) are no problem's
            // subject: nothing to link.
            _ => {}
        }
    }

    /// The start of the run of closely linked symptoms that ends at `since`.
    fn episode_start(&self, state: &State, since: UnixMs) -> UnixMs {
        let mut start = since;
        let symptoms: Vec<UnixMs> = state
            .timeline
            .newest_first()
            .filter(|e| e.at <= since && e.is_symptom() && self.relation(e) == Some(Relation::Same))
            .map(|e| e.at)
            .collect();
        for at in symptoms {
            if start - at > EPISODE_GAP_MS {
                break;
            }
            start = start.min(at);
        }
        start
    }

    /// How the entry is linked to the problem, if it is.
    pub fn relation(&self, e: &Entry) -> Option<Relation> {
        // Another cluster's namespace of the same name is not this one.
        let elsewhere = !self.cluster.is_empty() && !e.cluster.is_empty() && e.cluster != self.cluster;
        if elsewhere {
            return None;
        }
        let s = &e.subject;
        let same = match s {
            Subject::App { name, .. } => self.apps.contains(name),
            Subject::Alert { fingerprint, .. } if self.alerts.contains(fingerprint) => true,
            Subject::Node { name } if self.nodes.contains(name) => true,
            _ => false,
        } || self.workloads.iter().any(|(ns, w)| s.belongs_to_workload(ns, w));
        if same {
            return Some(Relation::Same);
        }
        let near = match s {
            Subject::Node { name } => self.nodes.contains(name),
            _ => s.namespace().is_some_and(|ns| self.namespaces.iter().any(|n| n == ns)),
        };
        near.then_some(Relation::Near)
    }

    /// Whether the narrowed timeline shows the entry.
    pub fn shows(&self, e: &Entry) -> bool {
        e.at >= self.from && self.relation(e).is_some()
    }

    /// The changes before the first symptom, most likely cause first: those to the same app or
    /// workload, then deliberate changes before an autoscaler's reactions, then the closest.
    pub fn suspects<'a>(&self, entries: impl Iterator<Item = &'a Entry>) -> Vec<&'a Entry> {
        let mut out: Vec<(&Entry, Relation)> = entries
            .filter(|e| e.kind.is_change() && e.at >= self.from && e.at <= self.first_symptom)
            .filter_map(|e| self.relation(e).map(|r| (e, r)))
            .collect();
        out.sort_by(|(a, ra), (b, rb)| {
            rb.cmp(ra)
                .then((a.kind == Kind::Autoscale).cmp(&(b.kind == Kind::Autoscale)))
                .then(b.at.cmp(&a.at))
                .then_with(|| a.what.cmp(&b.what))
        });
        out.into_iter().map(|(e, _)| e).collect()
    }
}
