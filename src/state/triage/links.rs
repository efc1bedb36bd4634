//! The links between what the sources report: which workload a pod, an HPA, an alert or an
//! Argo CD app's resource names, so a problem can show everything that belongs with it.
//! Built once per batch from the store's tallies of each workload's pods
//! (`state/pods/groups.rs`), never by a pass over every pod; nothing here is drawn.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::{Category, Link, Problem};
use crate::domain::{ClusterId, PodKey, PodMap, Target, WorkloadKind};
use crate::state::alerts::Alert;
use crate::state::argocd::{ArgoApp, HealthStatus, SyncStatus};
use crate::state::infra::{NodeCondition, NodeReadiness};
use crate::state::pods::{GroupKey, Pod, Tally};
use crate::state::scaling::Hpa;
use crate::state::{Level, State, UnixMs};

/// A workload as Kubernetes names it: namespace, kind (Deployment …) and name. Borrowed from
/// the store, so indexing every pod allocates nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WorkloadKey<'a> {
    pub namespace: &'a str,
    pub kind: WorkloadKind,
    pub name: &'a str,
}

impl WorkloadKey<'_> {
    fn label(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    fn target(&self) -> Target {
        Target::Workload { namespace: self.namespace.into(), kind: self.kind, name: self.name.into() }
    }
}

/// The pods of one workload: how many, how many are unwell and why.
struct PodGroup {
    total: usize,
    ready: usize,
    /// Unwell pods by reason ("CrashLoopBackOff", "not ready"), in name order.
    reasons: BTreeMap<String, usize>,
    level: Level,
    /// The first unwell pod, for delete or logs.
    first_bad: Option<PodKey>,
    since: Option<i64>,
}

impl Default for PodGroup {
    fn default() -> Self {
        PodGroup {
            total: 0,
            ready: 0,
            reasons: BTreeMap::new(),
            level: Level::Ok,
            first_bad: None,
            since: None,
        }
    }
}

pub struct Index<'a> {
    state: &'a State,
    /// The one cluster indexed: links never cross clusters.
    cluster: &'a ClusterId,
    /// The cluster's workloads with pods, tallied by the store as rows change.
    groups: Option<&'a HashMap<GroupKey, Tally>>,
    /// Workload → the Argo CD app that manages it.
    app_of: HashMap<WorkloadKey<'a>, &'a ArgoApp>,
    hpa_of: HashMap<WorkloadKey<'a>, &'a Hpa>,
    /// Workload → the active alerts that name it.
    alerts_of: HashMap<WorkloadKey<'a>, Vec<&'a Alert>>,
}

/// The workload that owns a pod ([`Pod::workload`]), borrowed from its row.
fn owner_of(p: &Pod) -> Option<WorkloadKey<'_>> {
    let (kind, name) = p.workload()?;
    Some(WorkloadKey { namespace: &p.namespace, kind, name })
}

impl PodGroup {
    /// A workload's group from the store's tally: only its unwell pods are looked at.
    fn of(t: &Tally, pods: &PodMap<Arc<Pod>>) -> PodGroup {
        let mut g = PodGroup {
            total: t.total,
            ready: t.ready,
            first_bad: t.unwell.first().cloned(),
            ..PodGroup::default()
        };
        for p in t.unwell.iter().filter_map(|k| pods.get(k)) {
            let reason = p.reason.clone().unwrap_or_else(|| {
                if p.ready < p.containers { "not ready".into() } else { "restarting".into() }
            });
            *g.reasons.entry(reason).or_default() += 1;
            g.level = g.level.max(p.level());
            let since = p.last_restart.unwrap_or(p.created_at);
            g.since = Some(g.since.map_or(since, |s: i64| s.min(since)));
        }
        g
    }
}

const WORKLOAD_KINDS: [WorkloadKind; 3] =
    [WorkloadKind::Deployment, WorkloadKind::StatefulSet, WorkloadKind::DaemonSet];

impl<'a> Index<'a> {
    /// The links among one cluster's rows.
    pub fn new(state: &'a State, cluster: &'a ClusterId) -> Index<'a> {
        let groups = state.pods.groups(cluster);
        let mut app_of = HashMap::new();
        for app in state.argocd.apps.iter().filter(|a| &a.cluster == cluster) {
            for r in &app.resources {
                if let Some(kind) = WorkloadKind::parse(&r.kind) {
                    app_of.insert(WorkloadKey { namespace: &r.namespace, kind, name: &r.name }, app);
                }
            }
        }
        let mut hpa_of = HashMap::new();
        for h in state.scaling.hpas.iter().filter(|h| &h.cluster == cluster) {
            if let Some(kind) = WorkloadKind::parse(&h.target.kind) {
                hpa_of.insert(WorkloadKey { namespace: &h.namespace, kind, name: &h.target.name }, h);
            }
        }
        let mut ix = Index { state, cluster, groups, app_of, hpa_of, alerts_of: HashMap::new() };
        for a in state.alerts.items.iter().filter(|a| a.state.active() && &a.cluster == cluster) {
            if let Some(w) = ix.workload_of_alert(a) {
                ix.alerts_of.entry(w).or_default().push(a);
            }
        }
        ix
    }

    /// The workload an alert is about, from the labels Prometheus rules and kube-state-metrics
    /// put on it: a workload label, a pod, an HPA, or a service named like a workload.
    fn workload_of_alert(&self, a: &'a Alert) -> Option<WorkloadKey<'a>> {
        let ns = a.labels.get("namespace")?;
        let key = |kind: WorkloadKind, name: &'a str| WorkloadKey { namespace: ns, kind, name };
        for kind in WORKLOAD_KINDS {
            let label = kind.label().to_ascii_lowercase();
            if let Some(n) = a.labels.get(&label) {
                return Some(key(kind, n));
            }
        }
        if let Some(pod) = a.labels.get("pod")
            && let Some(w) = self
                .state
                .pods
                .by_key
                .get(&PodKey::new(ns.as_str(), pod.as_str()).in_cluster(self.cluster))
                .and_then(|p| owner_of(p))
        {
            return Some(w);
        }
        if let Some(h) = a.labels.get("horizontalpodautoscaler")
            && let Some(h) = self
                .state
                .scaling
                .hpas
                .iter()
                .find(|x| &x.cluster == self.cluster && &x.namespace == ns && &x.name == h)
        {
            return WorkloadKind::parse(&h.target.kind).map(|k| key(k, &h.target.name));
        }
        let named = a.labels.get("service").or_else(|| a.labels.get("app"))?;
        WORKLOAD_KINDS.into_iter().map(|k| key(k, named)).find(|w| self.known(w))
    }

    /// A workload's tally, if it has pods. A lookup builds the store's key (two small strings):
    /// only problems and their links look, not every workload.
    fn tally(&self, w: &WorkloadKey) -> Option<&'a Tally> {
        let key = GroupKey { namespace: w.namespace.into(), kind: w.kind, name: w.name.into() };
        self.groups?.get(&key)
    }

    fn group(&self, w: &WorkloadKey) -> Option<PodGroup> {
        self.tally(w).map(|t| self.group_of(t))
    }

    fn group_of(&self, t: &Tally) -> PodGroup {
        PodGroup::of(t, &self.state.pods.by_key)
    }

    fn known(&self, w: &WorkloadKey<'a>) -> bool {
        self.tally(w).is_some() || self.app_of.contains_key(w) || self.hpa_of.contains_key(w)
    }

    /// Everything linked to a workload, with `skip` (the row's own subject) left out.
    fn workload_links(&self, w: &WorkloadKey<'a>, skip: &str) -> Vec<Link> {
        let mut out = Vec::new();
        if skip != "alert" {
            out.extend(alert_links(self.alerts_of.get(w).into_iter().flatten().copied()));
        }
        if skip != "app"
            && let Some(app) = self.app_of.get(w)
        {
            out.push(app_link(app));
        }
        if skip != "workload" {
            out.push(self.workload_link(w));
        }
        if skip != "hpa"
            && let Some(h) = self.hpa_of.get(w)
        {
            out.push(hpa_link(h));
        }
        out
    }

    fn workload_link(&self, w: &WorkloadKey<'a>) -> Link {
        let (state, level) = match self.group(w) {
            Some(g) => (pods_state(&g), g.level.max(Level::Ok)),
            None => ("no pods".to_string(), Level::Muted),
        };
        Link { kind: w.kind.label().to_lowercase(), name: w.label(), state, level, target: Some(w.target()) }
    }

    /// The targets for a problem about workload `w`: the app first when it has drifted from Git
    /// (a sync restores the spec), then the workload (restart), then its first unwell pod.
    fn workload_targets(&self, w: &WorkloadKey<'a>) -> Vec<Target> {
        let mut out = Vec::new();
        let group = self.group(w);
        let unwell = group.as_ref().is_some_and(|g| g.level >= Level::Warn);
        // An app merely OutOfSync is not why a healthy workload alerts: a sync is no fix there.
        let drifted = |a: &&&ArgoApp| (unwell && a.sync == SyncStatus::OutOfSync) || a.level() == Level::Crit;
        if let Some(app) = self.app_of.get(w).filter(drifted) {
            out.push(Target::App(app.name.clone()));
        }
        if unwell {
            out.push(w.target());
            if let Some(g) = group.and_then(|g| g.first_bad) {
                out.push(Target::Pod { namespace: g.namespace.to_string(), name: g.name.to_string() });
            }
        }
        if let Some(h) = self.hpa_of.get(w) {
            out.push(Target::Hpa { namespace: h.namespace.clone(), name: h.name.clone() });
        }
        out
    }

    /// Active alerts of warning or worse; the same alert on several pods of a workload is one row.
    pub fn alert_problems(&self, state: &'a State, out: &mut Vec<Problem>) {
        let mut rows: BTreeMap<(String, String), Problem> = BTreeMap::new();
        let mine = state.alerts.items.iter().filter(|a| &a.cluster == self.cluster);
        for a in mine.filter(|a| a.state.active() && a.level() >= Level::Warn) {
            let w = self.workload_of_alert(a);
            let group = w.as_ref().map_or_else(|| a.fingerprint.clone(), WorkloadKey::label);
            if let Some(p) = rows.get_mut(&(a.name.clone(), group.clone())) {
                p.subject = format!(
                    "{} ×{}",
                    a.name,
                    p.targets.iter().filter(|t| matches!(t, Target::Alert { .. })).count() + 1
                );
                p.targets.push(alert_target(a));
                p.since = p.since.min(Some(a.since));
                continue;
            }
            let mut targets = Vec::new();
            let mut links = Vec::new();
            if let Some(w) = &w {
                targets = self.workload_targets(w);
                links = self.workload_links(w, "alert");
                // Other alerts on the same workload belong beside this one too.
                let others = self.alerts_of.get(w).into_iter().flatten().filter(|o| o.name != a.name);
                links.splice(0..0, alert_links(others.copied()));
            } else if let Some(node) = a.labels.get("node").or_else(|| a.labels.get("instance"))
                && let Some(n) =
                    state.infra.nodes.iter().find(|n| &n.cluster == self.cluster && &n.name == node)
            {
                links.push(node_link(n));
                targets.push(Target::Node(n.name.clone()));
            }
            targets.push(alert_target(a));
            let detail = if a.summary.is_empty() { a.state.label().to_string() } else { a.summary.clone() };
            rows.insert(
                (a.name.clone(), group.clone()),
                Problem {
                    cluster: Default::default(),
                    key: format!("alert:{}:{group}", a.name),
                    level: a.level(),
                    category: Category::Alert,
                    subject: a.name.clone(),
                    detail,
                    since: Some(a.since),
                    targets,
                    links,
                },
            );
        }
        out.extend(rows.into_values());
    }

    /// Apps that are Degraded, OutOfSync, Missing or in error, with the workloads they manage.
    pub fn app_problems(&self, state: &State, out: &mut Vec<Problem>) {
        for app in state.argocd.apps.iter().filter(|a| &a.cluster == self.cluster && a.level() >= Level::Warn)
        {
            let mut links = Vec::new();
            let mut managed: Vec<&WorkloadKey<'a>> =
                self.app_of.iter().filter(|(_, a)| a.name == app.name).map(|(w, _)| w).collect();
            managed.sort();
            // Workloads in trouble first, and only those when there are many.
            managed
                .sort_by_cached_key(|w| std::cmp::Reverse(self.group(w).map_or(Level::Muted, |g| g.level)));
            for w in managed.iter().take(4) {
                links.extend(self.workload_links(w, "app"));
            }
            let mut detail = format!("{} · {}", app.sync.label(), app.health.label());
            if let Some(op) =
                app.operation.as_ref().or(app.last_sync.as_ref()).filter(|o| !o.message.is_empty())
            {
                detail.push_str(&format!(" · {}", op.message));
            } else if let Some(c) = app.conditions.first() {
                detail.push_str(&format!(" · {}: {}", c.kind, c.message));
            }
            let mut targets = vec![Target::App(app.name.clone())];
            targets.extend(
                managed
                    .iter()
                    .flat_map(|w| self.workload_targets(w))
                    .filter(|t| !matches!(t, Target::App(_))),
            );
            out.push(Problem {
                cluster: Default::default(),
                key: format!("app:{}", app.name),
                level: app.level(),
                category: Category::App,
                subject: app.name.clone(),
                detail,
                since: app.operation.as_ref().map(|o| o.started_at),
                targets,
                links,
            });
        }
    }

    /// Workloads with crash-looping, failed, unschedulable or not-ready pods, or whose
    /// controller says the rollout failed or nothing is available: one row each. A rollout that
    /// fails before any pod exists (a quota, an admission webhook) shows only here.
    pub fn workload_problems(&self, state: &'a State, out: &mut Vec<Problem>) {
        let key_of = |w: &'a crate::state::workloads::Workload| WorkloadKey {
            namespace: &w.namespace,
            kind: w.kind,
            name: &w.name,
        };
        let mut failed: Vec<_> = state
            .workloads
            .iter()
            .filter(|w| &w.cluster == self.cluster && w.level() == Level::Crit)
            .map(|w| (key_of(w), w))
            .collect();
        let row = |w: &WorkloadKey<'a>, level: Level, detail: String, since: Option<UnixMs>| {
            let mut targets = self.workload_targets(w);
            // A failed rollout with no unwell pod still has the workload to act on.
            if !targets.contains(&w.target()) {
                targets.push(w.target());
            }
            Problem {
                cluster: Default::default(),
                key: format!("workload:{}/{}/{}", w.namespace, w.kind.label(), w.name),
                level,
                category: Category::Workload,
                subject: format!("{} {}", w.kind.label().to_lowercase(), w.label()),
                detail,
                since,
                targets,
                links: self.workload_links(w, "workload"),
            }
        };
        let unwell = self.groups.into_iter().flatten().filter(|(_, t)| !t.unwell.is_empty());
        for (k, t) in unwell {
            let (w, g) =
                (WorkloadKey { namespace: &k.namespace, kind: k.kind, name: &k.name }, self.group_of(t));
            let (level, detail) = match failed.iter().position(|(k, _)| *k == w) {
                Some(i) => {
                    let (_, wl) = failed.remove(i);
                    (Level::Crit, format!("{} · {}", wl.status(), pods_state(&g)))
                }
                None => (g.level, pods_state(&g)),
            };
            out.push(row(&w, level, detail, g.since));
        }
        for (w, wl) in failed {
            let detail = match &wl.failure {
                Some((reason, message)) => format!("{reason}: {message}"),
                None => format!("{} · {}/{} ready", wl.status(), wl.ready, wl.desired),
            };
            out.push(row(&w, Level::Crit, detail, None));
        }
    }

    /// HPAs at max while over target, or unable to scale.
    pub fn hpa_problems(&self, state: &State, out: &mut Vec<Problem>) {
        for h in state.scaling.hpas.iter().filter(|h| &h.cluster == self.cluster && h.level() >= Level::Warn)
        {
            // An HPA may scale something that is no workload kind flightdeck knows (a CRD):
            // then it links to nothing.
            let w = WorkloadKind::parse(&h.target.kind).map(|kind| WorkloadKey {
                namespace: &h.namespace,
                kind,
                name: &h.target.name,
            });
            let mut targets = vec![Target::Hpa { namespace: h.namespace.clone(), name: h.name.clone() }];
            let theirs = w.iter().flat_map(|w| self.workload_targets(w));
            targets.extend(theirs.filter(|t| !matches!(t, Target::Hpa { .. })));
            out.push(Problem {
                cluster: Default::default(),
                key: format!("hpa:{}", h.key()),
                level: h.level(),
                category: Category::Hpa,
                subject: h.key(),
                detail: hpa_state(h),
                since: h.last_scale,
                targets,
                links: w.map(|w| self.workload_links(&w, "hpa")).unwrap_or_default(),
            });
        }
    }

    /// Nodes NotReady or under pressure, with the unwell pods on them.
    pub fn node_problems(&self, state: &State, out: &mut Vec<Problem>) {
        for n in state.infra.nodes.iter().filter(|n| &n.cluster == self.cluster).filter(|n| {
            n.level() >= Level::Warn && !(n.cordoned && n.pressure.is_empty() && n.level() < Level::Crit)
        }) {
            let mut links = Vec::new();
            let bad = state.pods.unwell_on(self.cluster, &n.name);
            if bad > 0 {
                links.push(Link {
                    kind: "pods".into(),
                    name: format!("on {}", n.name),
                    state: format!("{bad} unwell"),
                    level: Level::Warn,
                    target: None,
                });
            }
            // Each wrong condition in its setter's words, as a pod's reason comes with its
            // message; without them (none reported) the readiness and the pressures.
            let mut detail = if n.conditions.is_empty() {
                let mut d = format!("{:?}", n.ready);
                if !n.pressure.is_empty() {
                    d.push_str(&format!(" · {}", n.pressure.join(", ")));
                }
                d
            } else {
                let said = |c: &NodeCondition| match c.words().trim() {
                    "" => c.label(),
                    words => format!("{}: {words}", c.label()),
                };
                let mut parts: Vec<String> = n.conditions.iter().map(said).collect();
                if n.ready != NodeReadiness::Ready && !n.conditions.iter().any(|c| c.kind == "Ready") {
                    parts.insert(0, format!("{:?}", n.ready));
                }
                parts.join(" · ")
            };
            if n.cordoned {
                detail.push_str(" · cordoned");
            }
            out.push(Problem {
                cluster: Default::default(),
                key: format!("node:{}", n.name),
                level: n.level(),
                category: Category::Node,
                subject: n.name.clone(),
                detail,
                since: None,
                targets: vec![Target::Node(n.name.clone())],
                links,
            });
        }
    }
}

fn alert_target(a: &Alert) -> Target {
    Target::Alert { fingerprint: a.fingerprint.clone(), name: a.name.clone() }
}

/// One link per alert name: the same alert on six pods is "KubePodCrashLooping ×6".
fn alert_links<'a>(alerts: impl Iterator<Item = &'a Alert>) -> Vec<Link> {
    let mut out: Vec<(Link, usize)> = Vec::new();
    for a in alerts {
        match out.iter_mut().find(|(l, _)| l.kind == "alert" && alert_name(&l.name) == a.name) {
            Some((l, n)) => {
                *n += 1;
                l.name = format!("{} ×{n}", a.name);
                l.level = l.level.max(a.level());
            }
            None => out.push((alert_link(a), 1)),
        }
    }
    out.into_iter().map(|(l, _)| l).collect()
}

fn alert_name(label: &str) -> &str {
    label.split(" ×").next().unwrap_or(label)
}

fn alert_link(a: &Alert) -> Link {
    Link {
        kind: "alert".into(),
        name: a.name.clone(),
        state: format!("{} {}", a.severity.label(), a.state.label()),
        level: a.level(),
        target: Some(alert_target(a)),
    }
}

fn app_link(app: &ArgoApp) -> Link {
    let state = if app.sync == SyncStatus::Synced && app.health == HealthStatus::Healthy {
        "Synced · Healthy".to_string()
    } else {
        format!("{} · {}", app.sync.label(), app.health.label())
    };
    Link {
        kind: "app".into(),
        name: app.name.clone(),
        state,
        level: app.level(),
        target: Some(Target::App(app.name.clone())),
    }
}

fn hpa_link(h: &Hpa) -> Link {
    Link {
        kind: "hpa".into(),
        name: h.key(),
        state: hpa_state(h),
        level: h.level(),
        target: Some(Target::Hpa { namespace: h.namespace.clone(), name: h.name.clone() }),
    }
}

fn node_link(n: &crate::state::infra::Node) -> Link {
    Link {
        kind: "node".into(),
        name: n.name.clone(),
        state: format!("{:?}", n.ready),
        level: n.level(),
        target: Some(Target::Node(n.name.clone())),
    }
}

/// "6/20 replicas (max 20) · cpu 118%/70%".
fn hpa_state(h: &Hpa) -> String {
    let mut s = format!("{} of {}–{} replicas", h.current, h.min, h.max);
    if h.at_max() {
        s.push_str(" · at max");
    }
    for m in &h.metrics {
        if let Some(c) = m.current {
            s.push_str(&format!(" · {} {c}%/{}%", m.name, m.target));
        }
    }
    if let Some(c) =
        h.conditions.iter().find(|c| !c.status && (c.kind == "ScalingActive" || c.kind == "AbleToScale"))
    {
        s.push_str(&format!(" · {}=False {}", c.kind, c.reason));
    }
    s
}

/// "1/4 ready · 3 CrashLoopBackOff".
fn pods_state(g: &PodGroup) -> String {
    let mut s = format!("{}/{} ready", g.ready, g.total);
    for (reason, n) in &g.reasons {
        s.push_str(&format!(" · {n} {reason}"));
    }
    s
}
