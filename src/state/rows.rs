//! The rows each pane shows: the store's list narrowed by the pane's `/` filter and `:ns`, and
//! reordered by its sort. Panes, selection and actions all read rows through here, so row `i`
//! is the same thing everywhere. Borrowed when nothing narrows or sorts (the common case).

use std::borrow::Cow;
use std::cmp::Ordering;

use super::alerts::Alert;
use super::argocd::ArgoApp;
use super::infra::Node;
use super::scaling::Hpa;
use super::workloads::Workload;
use super::{PaneId, State};
use crate::domain::{ClusterId, PodKey};

/// A parsed `/` filter: `text` (substring), `!text` (not), `key=value` (a field or label).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    pub negate: bool,
    pub field: Option<String>,
    pub needle: String,
}

impl Filter {
    pub fn parse(s: &str) -> Option<Filter> {
        let s = s.trim();
        let (negate, s) = match s.strip_prefix('!') {
            Some(rest) => (true, rest.trim_start()),
            None => (false, s),
        };
        if s.is_empty() {
            return None;
        }
        let (field, needle) = match s.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() && !k.contains(' ') => {
                (Some(k.trim().to_ascii_lowercase()), v.trim().to_lowercase())
            }
            _ => (None, s.to_lowercase()),
        };
        Some(Filter { negate, field, needle })
    }

    /// Whether a row with these fields passes: a substring of any field, or the named field
    /// equal to the value (`ns` stands for `namespace`).
    pub fn matches(&self, fields: &[(&str, &str)]) -> bool {
        let hit = match &self.field {
            None => fields.iter().any(|(_, v)| v.to_lowercase().contains(&self.needle)),
            Some(k) => {
                let k = if k == "ns" { "namespace" } else { k.as_str() };
                fields.iter().any(|(f, v)| f.eq_ignore_ascii_case(k) && v.to_lowercase() == self.needle)
            }
        };
        hit != self.negate
    }

    /// The text to mark on screen: only a plain, positive substring shows where it matched.
    pub fn highlight(&self) -> Option<&str> {
        (!self.negate && self.field.is_none()).then_some(self.needle.as_str())
    }
}

/// The columns a pane sorts by: the letter after the sort key, and what it is.
pub fn sort_columns(pane: PaneId) -> &'static [(char, &'static str)] {
    match pane {
        PaneId::Infrastructure => {
            &[('n', "name"), ('z', "zone"), ('c', "cpu"), ('m', "memory"), ('p', "pods")]
        }
        PaneId::ArgoCd => &[('n', "name"), ('s', "sync"), ('h', "health"), ('p', "project")],
        PaneId::Pods => &[
            ('n', "name"),
            ('s', "status"),
            ('r', "restarts"),
            ('a', "age"),
            ('o', "node"),
            ('c', "cpu"),
            ('m', "memory"),
        ],
        PaneId::Scaling => &[('n', "name"), ('r', "replicas"), ('u', "utilisation")],
        PaneId::Alerts => &[('n', "name"), ('s', "severity"), ('a', "age")],
        PaneId::Cost => &[('n', "service"), ('c', "cost")],
    }
}

/// "restarts ↓" for the frame, when the pane is sorted.
pub fn sort_label(state: &State, pane: PaneId) -> Option<String> {
    let (c, rev) = state.view.sorts[pane.index()]?;
    let name = sort_columns(pane).iter().find(|(k, _)| *k == c)?.1;
    Some(format!("{name} {}", if rev { "↓" } else { "↑" }))
}

fn filter(state: &State, pane: PaneId) -> Option<Filter> {
    state.view.filter_text(pane).and_then(Filter::parse)
}

/// Narrow and sort `items` (borrowed when neither applies).
fn narrow<'a, T: Clone>(
    state: &State,
    pane: PaneId,
    items: &'a [T],
    fields: impl Fn(&T) -> Vec<(&'static str, String)>,
    in_scope: impl Fn(&T) -> bool,
    cmp: impl Fn(&T, &T, char) -> Ordering,
) -> Cow<'a, [T]> {
    let f = filter(state, pane);
    let sort = state.view.sorts[pane.index()];
    let scoped = state.view.namespace.is_some() || state.view.cluster.is_some();
    if f.is_none() && sort.is_none() && !scoped {
        return Cow::Borrowed(items);
    }
    let mut out: Vec<T> = items
        .iter()
        .filter(|t| in_scope(t))
        .filter(|t| {
            f.as_ref().is_none_or(|f| {
                let owned = fields(t);
                let pairs: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
                f.matches(&pairs)
            })
        })
        .cloned()
        .collect();
    if let Some((c, rev)) = sort {
        out.sort_by(|a, b| if rev { cmp(b, a, c) } else { cmp(a, b, c) });
    }
    Cow::Owned(out)
}

/// Whether a row of this cluster and namespace is in what `:ctx` and `:ns` show.
fn in_scope(state: &State, cluster: &ClusterId, ns: &str) -> bool {
    state.shows(cluster) && state.view.namespace.as_deref().is_none_or(|n| n == ns)
}

pub fn nodes(state: &State) -> Cow<'_, [Node]> {
    narrow(
        state,
        PaneId::Infrastructure,
        &state.infra.nodes,
        |n| {
            vec![
                ("name", n.name.clone()),
                ("zone", n.zone.clone()),
                ("type", n.instance_type.clone()),
                ("nodegroup", n.node_group.clone().unwrap_or_default()),
                ("status", format!("{:?}", n.ready)),
                ("cluster", n.cluster.to_string()),
            ]
        },
        |n| state.shows(&n.cluster),
        |a, b, c| match c {
            'z' => a.zone.cmp(&b.zone),
            'c' => a.cpu_ratio().total_cmp(&b.cpu_ratio()),
            'm' => a.mem_ratio().total_cmp(&b.mem_ratio()),
            'p' => a.pods.cmp(&b.pods),
            _ => a.name.cmp(&b.name),
        },
    )
}

/// The Argo CD rows: the app tree, or a flat list once sorted (a sorted tree is no tree).
pub fn apps(state: &State) -> Vec<(usize, &ArgoApp)> {
    let tree = state.argocd.tree();
    let f = filter(state, PaneId::ArgoCd);
    let sort = state.view.sorts[PaneId::ArgoCd.index()];
    if f.is_none() && sort.is_none() && state.view.cluster.is_none() {
        return tree;
    }
    let mut out: Vec<(usize, &ArgoApp)> = tree
        .into_iter()
        .filter(|(_, a)| state.shows(&a.cluster))
        .filter(|(_, a)| {
            f.as_ref().is_none_or(|f| {
                f.matches(&[
                    ("name", &a.name),
                    ("project", &a.project),
                    ("sync", a.sync.label()),
                    ("health", a.health.label()),
                    ("namespace", &a.destination_namespace),
                    ("cluster", a.cluster.as_str()),
                ])
            })
        })
        .map(|(d, a)| (if sort.is_some() { 0 } else { d }, a))
        .collect();
    if let Some((c, rev)) = sort {
        out.sort_by(|(_, a), (_, b)| {
            let o = match c {
                's' => a.sync.label().cmp(b.sync.label()),
                'h' => b.health.level().cmp(&a.health.level()),
                'p' => a.project.cmp(&b.project),
                _ => a.name.cmp(&b.name),
            };
            if rev { o.reverse() } else { o }
        });
    }
    out
}

pub fn pod_order(state: &State) -> Cow<'_, [PodKey]> {
    let pods = &state.pods.by_key;
    narrow(
        state,
        PaneId::Pods,
        &state.pods.order,
        |k| match pods.get(k) {
            Some(p) => vec![
                ("name", p.name.to_string()),
                ("namespace", p.namespace.to_string()),
                ("status", p.status_label().to_string()),
                ("node", p.node.as_deref().unwrap_or_default().to_string()),
                ("owner", p.owner.as_ref().map(|o| o.name.to_string()).unwrap_or_default()),
                // `deployment=cart`, as on alert labels.
                (owner_kind(p), p.owner.as_ref().map(|o| o.name.to_string()).unwrap_or_default()),
                ("cluster", p.cluster.to_string()),
            ],
            None => Vec::new(),
        },
        |k| in_scope(state, &k.cluster, &k.namespace),
        |a, b, c| {
            let (Some(pa), Some(pb)) = (pods.get(a), pods.get(b)) else { return Ordering::Equal };
            match c {
                's' => pa.status_label().cmp(pb.status_label()),
                'r' => pa.restarts.cmp(&pb.restarts),
                // Age: youngest first, as a list of newest things reads.
                'a' => pb.created_at.cmp(&pa.created_at),
                'o' => pa.node.cmp(&pb.node),
                'c' => pa.cpu_milli.cmp(&pb.cpu_milli),
                'm' => pa.mem_bytes.cmp(&pb.mem_bytes),
                _ => a.cmp(b),
            }
        },
    )
}

pub fn hpas(state: &State) -> Cow<'_, [Hpa]> {
    narrow(
        state,
        PaneId::Scaling,
        &state.scaling.hpas,
        |h| {
            vec![
                ("name", h.name.clone()),
                ("namespace", h.namespace.clone()),
                ("target", h.target.name.to_string()),
                ("cluster", h.cluster.to_string()),
            ]
        },
        |h| in_scope(state, &h.cluster, &h.namespace),
        |a, b, c| match c {
            'r' => a.current.cmp(&b.current),
            'u' => a.peak_utilisation().cmp(&b.peak_utilisation()),
            _ => a.key().cmp(&b.key()),
        },
    )
}

/// The filter key a pod's owner answers to besides `owner`.
fn owner_kind(p: &super::pods::Pod) -> &'static str {
    match p.owner.as_ref().map(|o| o.kind.as_str()) {
        Some("Deployment") => "deployment",
        Some("StatefulSet") => "statefulset",
        Some("DaemonSet") => "daemonset",
        Some("Job") => "job",
        _ => "owner",
    }
}

pub fn workloads(state: &State) -> Cow<'_, [Workload]> {
    narrow(
        state,
        PaneId::Pods,
        &state.workloads,
        |w| {
            vec![
                ("name", w.name.clone()),
                ("namespace", w.namespace.clone()),
                ("kind", w.kind.label().to_lowercase()),
                ("status", w.status()),
                ("image", w.image.clone()),
                ("cluster", w.cluster.to_string()),
            ]
        },
        |w| in_scope(state, &w.cluster, &w.namespace),
        |a, b, c| match c {
            's' => b.level().cmp(&a.level()),
            'a' => b.created_at.cmp(&a.created_at),
            _ => a.key().cmp(&b.key()),
        },
    )
}

pub fn alerts(state: &State) -> Cow<'_, [Alert]> {
    narrow(
        state,
        PaneId::Alerts,
        &state.alerts.items,
        |a| {
            let mut f = vec![
                ("name", a.name.clone()),
                ("severity", a.severity.label().to_string()),
                ("state", a.state.label().to_lowercase()),
                ("source", a.source.to_string()),
                ("summary", a.summary.clone()),
                ("cluster", a.cluster.to_string()),
            ];
            // Labels by their own names: `/namespace=storefront`, `/pod=cart-…`.
            f.extend(
                a.labels
                    .iter()
                    .filter(|(k, _)| k.as_str() != "alertname")
                    .map(|(k, v)| (label_key(k), v.clone())),
            );
            f
        },
        |a| state.shows(&a.cluster),
        |a, b, c| match c {
            's' => b.severity.cmp(&a.severity),
            'a' => a.since.cmp(&b.since),
            _ => a.name.cmp(&b.name),
        },
    )
}

/// Label names live as long as the alert, not `'static`: intern the common ones, and match
/// others by a generic name (their values still match plain substrings).
fn label_key(k: &str) -> &'static str {
    const KNOWN: &[&str] = &[
        "namespace",
        "pod",
        "container",
        "deployment",
        "service",
        "horizontalpodautoscaler",
        "node",
        "instance",
        "job",
        "Namespace",
        "MetricName",
        "LoadBalancer",
    ];
    KNOWN.iter().find(|n| **n == k).copied().unwrap_or("label")
}

pub fn services(state: &State) -> Vec<(String, f64)> {
    let Some(r) = &state.cost.report else { return Vec::new() };
    let all = r.top_services(8);
    narrow(
        state,
        PaneId::Cost,
        &all,
        |s| vec![("service", s.0.clone()), ("name", s.0.clone())],
        |_| true,
        |a, b, c| match c {
            'c' => a.1.total_cmp(&b.1),
            _ => a.0.cmp(&b.0),
        },
    )
    .into_owned()
}

/// The triage rows: every problem, or those its `/` filter keeps (its order is the ranking).
/// The problems of the clusters shown, before any `/` filter.
pub fn shown_problems(state: &State) -> Vec<&super::triage::Problem> {
    state.triage.problems.iter().filter(|p| state.shows(&p.cluster)).collect()
}

pub fn problems(state: &State) -> Vec<&super::triage::Problem> {
    let f = state.view.triage_filter.as_deref().and_then(Filter::parse);
    state
        .triage
        .problems
        .iter()
        .filter(|p| state.shows(&p.cluster))
        .filter(|p| {
            f.as_ref().is_none_or(|f| {
                let mut fields = vec![
                    ("kind", p.category.label()),
                    ("name", &p.subject),
                    ("detail", &p.detail),
                    ("cluster", p.cluster.as_str()),
                ];
                fields.extend(p.links.iter().map(|l| (l.kind.as_str(), l.name.as_str())));
                f.matches(&fields)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::demo::state_at;

    #[test]
    fn filters_by_substring_inverse_and_field() {
        let f = |s: &str| Filter::parse(s).unwrap();
        let fields = [("name", "cart-abc"), ("namespace", "storefront")];
        assert!(f("CART").matches(&fields));
        assert!(!f("!cart").matches(&fields));
        assert!(f("ns=storefront").matches(&fields));
        assert!(!f("namespace=store").matches(&fields));
        assert!(f("!namespace=data").matches(&fields));
        assert_eq!(Filter::parse("!"), None);
        assert_eq!(f("cart").highlight(), Some("cart"));
        assert_eq!(f("app=cart").highlight(), None);
    }

    #[test]
    fn pods_narrow_by_filter_and_namespace_and_sort() {
        let mut s = state_at(7, 150);
        let all = pod_order(&s).len();
        s.view.set_filter(PaneId::Pods, Some("cart".into()));
        let cart = pod_order(&s).into_owned();
        assert!(!cart.is_empty() && cart.len() < all && cart.iter().all(|k| k.name.contains("cart")));
        s.view.set_filter(PaneId::Pods, Some("!cart".into()));
        assert_eq!(pod_order(&s).len() + cart.len(), all);
        s.view.set_filter(PaneId::Pods, None);
        s.view.namespace = Some("monitoring".into());
        assert!(pod_order(&s).iter().all(|k| k.namespace == "monitoring"));
        s.view.namespace = None;
        s.view.sorts[PaneId::Pods.index()] = Some(('r', true));
        let order = pod_order(&s);
        let restarts: Vec<u32> = order.iter().map(|k| s.pods.by_key[k].restarts).collect();
        assert!(restarts.windows(2).all(|w| w[0] >= w[1]), "{restarts:?}");
    }

    #[test]
    fn alert_labels_filter_in_key_value_form() {
        let mut s = state_at(7, 150);
        s.view.set_filter(PaneId::Alerts, Some("deployment=cart".into()));
        let a = alerts(&s);
        assert!(!a.is_empty() && a.iter().all(|a| a.name == "KubePodCrashLooping"), "{a:?}");
    }
}
