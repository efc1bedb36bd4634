//! Which source fed a message: its kind, which one of that kind (an Alertmanager's name, a
//! namespace refused on its own) and the cluster it belongs to. Plain data; the store keys each
//! source's health by it, and a kind is asked of it, never read out of its name.

use serde::{Serialize, Serializer};

/// A Kubernetes watch, by what it feeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KubeFeed {
    Events,
    Hpas,
    Nodes,
    /// Pods, and the ReplicaSets that name their owners.
    Pods,
    /// Deployments, StatefulSets and DaemonSets.
    Workloads,
}

/// What the demo platform publishes, one stand-in for each real source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DemoFeed {
    Alertmanager,
    ArgoCd,
    CloudWatch,
    CostExplorer,
    Eks,
    /// Nodes, pods, workloads, HPAs and events of the simulated cluster.
    Kubernetes,
}

/// What a source is. The variants are in the order of their names, so sources list
/// alphabetically wherever they are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceKind {
    Alertmanager,
    ArgoCd,
    CloudWatchAlarms,
    CloudWatchMetrics,
    CostExplorer,
    Demo(DemoFeed),
    Eks,
    Kube(KubeFeed),
}

impl SourceKind {
    /// Alerts from here can be silenced (a real Alertmanager or the demo's).
    pub fn silences(self) -> bool {
        matches!(self, SourceKind::Alertmanager | SourceKind::Demo(DemoFeed::Alertmanager))
    }

    /// A watch on a Kubernetes cluster: its sources go with the context.
    pub fn is_kube(self) -> bool {
        matches!(self, SourceKind::Kube(_))
    }

    pub fn is_demo(self) -> bool {
        matches!(self, SourceKind::Demo(_))
    }

    fn name(self) -> &'static str {
        match self {
            SourceKind::Alertmanager => "alertmanager",
            SourceKind::ArgoCd => "argocd",
            SourceKind::CloudWatchAlarms => "cloudwatch",
            SourceKind::CloudWatchMetrics => "cloudwatch-metrics",
            SourceKind::CostExplorer => "cost-explorer",
            SourceKind::Eks => "eks",
            SourceKind::Demo(f) => match f {
                DemoFeed::Alertmanager => "demo/alertmanager",
                DemoFeed::ArgoCd => "demo/argocd",
                DemoFeed::CloudWatch => "demo/cloudwatch",
                DemoFeed::CostExplorer => "demo/cost-explorer",
                DemoFeed::Eks => "demo/eks",
                DemoFeed::Kubernetes => "demo/kubernetes",
            },
            SourceKind::Kube(f) => match f {
                KubeFeed::Events => "kube/events",
                KubeFeed::Hpas => "kube/hpas",
                KubeFeed::Nodes => "kube/nodes",
                KubeFeed::Pods => "kube/pods",
                KubeFeed::Workloads => "kube/workloads",
            },
        }
    }
}

/// Which source fed a message, shown as `kube/pods`, `kube/pods@kube-system`,
/// `alertmanager/prod` or `demo/kubernetes`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId {
    pub kind: SourceKind,
    /// Which one of its kind: an Alertmanager's name; for a watch, a namespace watched on its
    /// own because the cluster-wide list was refused.
    pub instance: Option<String>,
    /// The cluster it belongs to; none for a source of the whole fleet (or of the one cluster
    /// there is).
    pub cluster: Option<super::ClusterId>,
}

impl SourceId {
    pub fn of(kind: SourceKind) -> SourceId {
        SourceId { kind, instance: None, cluster: None }
    }

    pub fn kube(feed: KubeFeed) -> SourceId {
        SourceId::of(SourceKind::Kube(feed))
    }

    pub fn demo(feed: DemoFeed) -> SourceId {
        SourceId::of(SourceKind::Demo(feed))
    }

    pub fn alertmanager(name: impl Into<String>) -> SourceId {
        SourceId { instance: Some(name.into()), ..SourceId::of(SourceKind::Alertmanager) }
    }

    /// The same watch for one namespace (`kube/pods@NS`).
    pub fn in_namespace(&self, namespace: &str) -> SourceId {
        SourceId { instance: Some(namespace.to_string()), ..self.clone() }
    }
}

impl std::fmt::Display for SourceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.kind.name())?;
        match (&self.instance, self.kind) {
            (Some(name), SourceKind::Alertmanager) => write!(f, "/{name}"),
            (Some(ns), _) => write!(f, "@{ns}"),
            (None, _) => Ok(()),
        }
    }
}

impl std::str::FromStr for SourceId {
    type Err = String;

    /// The shown form back (`kube/pods@NS`, `alertmanager/NAME`): what a user types to name one.
    fn from_str(s: &str) -> Result<SourceId, String> {
        use DemoFeed as D;
        use KubeFeed as K;
        use SourceKind as S;
        const KINDS: [SourceKind; 17] = [
            S::Alertmanager,
            S::ArgoCd,
            S::CloudWatchAlarms,
            S::CloudWatchMetrics,
            S::CostExplorer,
            S::Demo(D::Alertmanager),
            S::Demo(D::ArgoCd),
            S::Demo(D::CloudWatch),
            S::Demo(D::CostExplorer),
            S::Demo(D::Eks),
            S::Demo(D::Kubernetes),
            S::Eks,
            S::Kube(K::Events),
            S::Kube(K::Hpas),
            S::Kube(K::Nodes),
            S::Kube(K::Pods),
            S::Kube(K::Workloads),
        ];
        if let Some(name) = s.strip_prefix("alertmanager/").filter(|n| !n.is_empty()) {
            return Ok(SourceId::alertmanager(name));
        }
        let (name, namespace) = match s.split_once('@') {
            Some((n, ns)) => (n, Some(ns.to_string())),
            None => (s, None),
        };
        let kind = KINDS.into_iter().find(|k| k.name() == name).ok_or_else(|| format!("no source `{s}`"))?;
        Ok(SourceId { instance: namespace, ..SourceId::of(kind) })
    }
}

/// As it is shown: scripts reading `status --json` see `kube/pods`, not a structure.
impl Serialize for SourceId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_as_before_and_sort_by_name() {
        let pods = SourceId::kube(KubeFeed::Pods);
        assert_eq!(pods.to_string(), "kube/pods");
        assert_eq!(pods.in_namespace("kube-system").to_string(), "kube/pods@kube-system");
        assert_eq!(SourceId::alertmanager("prod").to_string(), "alertmanager/prod");
        assert_eq!(SourceId::demo(DemoFeed::CostExplorer).to_string(), "demo/cost-explorer");
        let mut ids = vec![
            SourceId::kube(KubeFeed::Workloads),
            pods.in_namespace("a"),
            SourceId::of(SourceKind::Eks),
            pods.clone(),
            SourceId::demo(DemoFeed::Kubernetes),
            SourceId::of(SourceKind::CloudWatchMetrics),
            SourceId::alertmanager("b"),
            SourceId::of(SourceKind::CloudWatchAlarms),
        ];
        ids.sort();
        let mut names: Vec<String> = ids.iter().map(ToString::to_string).collect();
        let shown = names.clone();
        names.sort();
        assert_eq!(shown, names);
        for id in &ids {
            assert_eq!(&id.to_string().parse::<SourceId>().unwrap(), id);
        }
        assert!("kube/pod".parse::<SourceId>().is_err());
        assert!(SourceId::demo(DemoFeed::Alertmanager).kind.silences());
        assert!(!SourceId::of(SourceKind::CloudWatchAlarms).kind.silences());
    }
}
