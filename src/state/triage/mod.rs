//! Triage: every problem across the sources in one ranked list, each linked to what belongs with
//! it (alert ↔ pods ↔ workload ↔ HPA ↔ Argo CD app). Derived from the store after each batch;
//! holds no data of its own and never decides which action runs (the actions layer does).

mod links;

use std::time::{Duration, Instant};

use serde::Serialize;

use super::{Level, SourceState, State, UnixMs};
use crate::domain::{ClusterId, Target};
pub use links::{Index, WorkloadKey};

/// What kind of thing a problem is; also the tie-break order when two rank alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Alert,
    App,
    Workload,
    Hpa,
    Node,
    NodeGroup,
    Cost,
    Source,
}

impl Category {
    pub fn label(self) -> &'static str {
        match self {
            Category::Alert => "alert",
            Category::App => "app",
            Category::Workload => "workload",
            Category::Hpa => "hpa",
            Category::Node => "node",
            Category::NodeGroup => "nodegroup",
            Category::Cost => "cost",
            Category::Source => "source",
        }
    }
}

impl Category {
    /// The pane that shows this kind of problem.
    pub fn pane(self) -> Option<super::PaneId> {
        use super::PaneId;
        match self {
            Category::Alert => Some(PaneId::Alerts),
            Category::App => Some(PaneId::ArgoCd),
            Category::Workload => Some(PaneId::Pods),
            Category::Hpa => Some(PaneId::Scaling),
            Category::Node | Category::NodeGroup => Some(PaneId::Infrastructure),
            Category::Cost => Some(PaneId::Cost),
            Category::Source => None,
        }
    }
}

impl Problem {
    /// What Enter on the row shows: the subject itself when a pane has it as a row.
    pub fn subject_target(&self) -> Option<&Target> {
        let wanted = match self.category {
            Category::Alert => |t: &Target| matches!(t, Target::Alert { .. }),
            Category::App => |t: &Target| matches!(t, Target::App(_)),
            Category::Workload => |t: &Target| matches!(t, Target::Workload { .. }),
            Category::Hpa => |t: &Target| matches!(t, Target::Hpa { .. }),
            Category::Node => |t: &Target| matches!(t, Target::Node(_)),
            Category::NodeGroup | Category::Cost | Category::Source => return None,
        };
        self.targets.iter().find(|t| wanted(t))
    }
}

/// Something linked to a problem, shown beside it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Link {
    /// "alert", "app", "deployment", "pods", "hpa", "node".
    pub kind: String,
    pub name: String,
    /// Its state in a few words: "OutOfSync · Degraded", "6/20 · cpu 118%/70%".
    pub state: String,
    pub level: Level,
    /// Where Enter on the link would go.
    #[serde(skip)]
    pub target: Option<Target>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Problem {
    /// A stable identity, so the selection follows the row as the ranking changes.
    pub key: String,
    /// The cluster it is in (empty for the bill, an account's node groups, a source of the
    /// whole fleet); its targets and links are all of this cluster.
    #[serde(skip_serializing_if = "ClusterId::is_empty")]
    pub cluster: ClusterId,
    pub level: Level,
    pub category: Category,
    pub subject: String,
    pub detail: String,
    pub since: Option<UnixMs>,
    /// What an action on this row may act on, most likely fix first: for a crash-looping
    /// workload whose app drifted from Git, the app (a sync puts the Git version back) before
    /// the workload (a restart would bring the same bad spec back).
    #[serde(skip)]
    pub targets: Vec<Target>,
    pub links: Vec<Link>,
}

impl Problem {
    /// How many of the linked items are problems themselves: the heart of an incident links many.
    pub fn linked_problems(&self) -> usize {
        self.links.iter().filter(|l| l.level >= Level::Warn).count()
    }
}

/// Up to this many pods, triage is derived after every batch that changed something.
const ALWAYS_UP_TO: usize = 5_000;
/// Beyond, at most this share of a core goes to it: at 100,000 pods a derivation costs some
/// 60 ms, and a list loading page by page (or 200 pod changes a second) would otherwise spend
/// every frame on it and hold the keys back. The rows themselves never wait; triage is at most
/// a tick (1 s) behind them.
const SHARE: u32 = 10;
const AT_MOST_EVERY: Duration = Duration::from_millis(250);

/// When triage was last derived over a big store, and what it cost.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    last: Option<(Instant, Duration)>,
}

impl Clock {
    /// A store big enough for triage to be paced.
    pub fn big(pods: usize) -> bool {
        pods > ALWAYS_UP_TO
    }

    pub fn due(&self, pods: usize) -> bool {
        match self.last {
            _ if pods <= ALWAYS_UP_TO => true,
            None => true,
            Some((at, cost)) => at.elapsed() >= (cost * SHARE).max(AT_MOST_EVERY),
        }
    }

    pub fn built(&mut self, started: Instant) {
        self.last = Some((started, started.elapsed()));
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Triage {
    pub problems: Vec<Problem>,
}

impl Triage {
    pub fn count_at(&self, level: Level) -> usize {
        self.problems.iter().filter(|p| p.level == level).count()
    }
}

/// Rank every problem in the store: worst first, then alerts before what they point at, then
/// the one linking most other problems, then the oldest.
pub fn build(state: &State) -> Triage {
    let mut problems = Vec::new();
    // One index per cluster, so a problem links only what is in its own cluster.
    for cluster in clusters_with_rows(state) {
        let ix = Index::new(state, &cluster);
        let from = problems.len();
        ix.alert_problems(state, &mut problems);
        ix.app_problems(state, &mut problems);
        ix.workload_problems(state, &mut problems);
        ix.hpa_problems(state, &mut problems);
        ix.node_problems(state, &mut problems);
        for p in &mut problems[from..] {
            in_cluster(p, &cluster);
        }
    }
    platform_problems(state, &mut problems);
    // At equal severity, a production cluster's problem comes first.
    let prod = |p: &Problem| !p.cluster.is_empty() && state.production_of(&p.cluster);
    problems.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then(prod(b).cmp(&prod(a)))
            .then(a.category.cmp(&b.category))
            .then(b.linked_problems().cmp(&a.linked_problems()))
            .then(a.since.unwrap_or(i64::MAX).cmp(&b.since.unwrap_or(i64::MAX)))
            .then_with(|| a.key.cmp(&b.key))
    });
    Triage { problems }
}

/// Every cluster some row is in, and the empty one of rows for the whole fleet.
fn clusters_with_rows(state: &State) -> std::collections::BTreeSet<ClusterId> {
    let mut out: std::collections::BTreeSet<ClusterId> = state.fleet.iter().map(|c| c.name.clone()).collect();
    out.insert(ClusterId::default());
    out.extend(state.alerts.items.iter().map(|a| a.cluster.clone()));
    out.extend(state.argocd.apps.iter().map(|a| a.cluster.clone()));
    out.extend(state.infra.nodes.iter().map(|n| n.cluster.clone()));
    out.extend(state.workloads.iter().map(|w| w.cluster.clone()));
    out.extend(state.scaling.hpas.iter().map(|h| h.cluster.clone()));
    out.extend(state.pods.clusters().cloned());
    out
}

/// Node groups, the bill and the sources themselves: problems with nothing to link.
fn platform_problems(state: &State, out: &mut Vec<Problem>) {
    for c in &state.infra.clusters {
        for g in c.node_groups.iter().filter(|g| g.level() >= Level::Warn) {
            let detail = if g.health_issues.is_empty() {
                format!("status {}", g.status)
            } else {
                format!("{} · {}", g.status, g.health_issues.join("; "))
            };
            let mut p = plain(Category::NodeGroup, g.level(), format!("{}/{}", c.name, g.name), detail, None);
            in_cluster(&mut p, &c.cluster);
            out.push(p);
        }
    }
    if let Some(r) = &state.cost.report
        && let Some(budget) = r.budget
    {
        let (mtd, fcst) = (r.month_to_date(), r.forecast());
        if mtd > budget {
            let detail = format!("month to date {} is over the {} budget", dollars(mtd), dollars(budget));
            out.push(plain(Category::Cost, Level::Crit, format!("bill {}", r.month), detail, None));
        } else if fcst > budget {
            let (f, b, over) = (dollars(fcst), dollars(budget), dollars(fcst - budget));
            let detail = format!("forecast {f} is over the {b} budget by {over}");
            out.push(plain(Category::Cost, Level::Warn, format!("bill {}", r.month), detail, None));
        }
    }
    for (id, e) in &state.sources {
        let (level, what) = match e.health.state(state.now) {
            SourceState::Error => (Level::Crit, "error"),
            SourceState::Stale => (Level::Warn, "stale"),
            _ => continue,
        };
        let (detail, since) = match (&e.health.last_error, level) {
            (Some(err), Level::Crit) => (format!("{what}: {err}"), e.health.last_error_at),
            _ => (format!("{what}: no fresh data"), e.health.last_success),
        };
        let mut p = plain(Category::Source, level, id.to_string(), detail, since);
        if let Some(c) = &id.cluster {
            in_cluster(&mut p, c);
        }
        out.push(p);
    }
}

/// A problem of one cluster: tagged with it, its key kept apart from another cluster's.
fn in_cluster(p: &mut Problem, cluster: &ClusterId) {
    if !cluster.is_empty() {
        p.key = format!("{cluster}|{}", p.key);
        p.cluster = cluster.clone();
    }
}

/// "$1,453": whole dollars with thousands separators.
fn dollars(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{}${out}", if v < 0.0 { "-" } else { "" })
}

fn plain(
    category: Category,
    level: Level,
    subject: String,
    detail: String,
    since: Option<UnixMs>,
) -> Problem {
    Problem {
        key: format!("{}:{subject}", category.label()),
        cluster: ClusterId::default(),
        level,
        category,
        subject,
        detail,
        since,
        targets: Vec::new(),
        links: Vec::new(),
    }
}

#[cfg(test)]
mod tests;
