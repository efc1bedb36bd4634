//! Any kind the cluster serves, as discovery names it, and one object of such a kind: what the
//! `:KIND` lists, the object view and the actions on any object name. Plain data; the kinds
//! flightdeck treats in a particular way are the `Known` enum, every other kind is data.

use super::kinds::WorkloadKind;

/// A resource kind as the API serves it (from discovery).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ApiKind {
    /// Empty for the core group.
    pub group: String,
    pub version: String,
    /// `Deployment`
    pub kind: String,
    /// `deployments`
    pub plural: String,
    pub namespaced: bool,
}

/// The kinds flightdeck does something particular with (a pod's shell, a workload's logs, a
/// Secret's hidden values); any other kind is listed, described, edited and deleted alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Known {
    Pod,
    Service,
    Secret,
    Deployment,
    StatefulSet,
    DaemonSet,
    ReplicaSet,
    Job,
    CronJob,
    Event,
}

impl ApiKind {
    pub fn new(group: &str, version: &str, kind: &str, plural: &str, namespaced: bool) -> ApiKind {
        ApiKind {
            group: group.into(),
            version: version.into(),
            kind: kind.into(),
            plural: plural.into(),
            namespaced,
        }
    }

    /// `apps/v1`, `v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() { self.version.clone() } else { format!("{}/{}", self.group, self.version) }
    }

    /// `deployments.apps`, `pods`: how kubectl and the API server name a resource.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() { self.plural.clone() } else { format!("{}.{}", self.plural, self.group) }
    }

    /// The URL path of the collection, in a namespace or cluster-wide.
    pub fn path(&self, namespace: Option<&str>) -> String {
        let base = if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        };
        match namespace.filter(|_| self.namespaced) {
            Some(ns) => format!("{base}/namespaces/{ns}/{}", self.plural),
            None => format!("{base}/{}", self.plural),
        }
    }

    pub fn known(&self) -> Option<Known> {
        let core = self.group.is_empty();
        let apps = self.group == "apps";
        Some(match (self.kind.as_str(), core, apps, self.group.as_str()) {
            ("Pod", true, _, _) => Known::Pod,
            ("Service", true, _, _) => Known::Service,
            ("Secret", true, _, _) => Known::Secret,
            ("Event", true, _, _) => Known::Event,
            ("Deployment", _, true, _) => Known::Deployment,
            ("StatefulSet", _, true, _) => Known::StatefulSet,
            ("DaemonSet", _, true, _) => Known::DaemonSet,
            ("ReplicaSet", _, true, _) => Known::ReplicaSet,
            ("Job", _, _, "batch") => Known::Job,
            ("CronJob", _, _, "batch") => Known::CronJob,
            _ => return None,
        })
    }

    /// The workload kind, for the kinds whose rollouts flightdeck knows.
    pub fn workload(&self) -> Option<WorkloadKind> {
        match self.known()? {
            Known::Deployment => Some(WorkloadKind::Deployment),
            Known::StatefulSet => Some(WorkloadKind::StatefulSet),
            Known::DaemonSet => Some(WorkloadKind::DaemonSet),
            _ => None,
        }
    }

    /// Kinds whose pods' logs `l` merges: workloads and Jobs.
    pub fn has_pods(&self) -> bool {
        self.workload().is_some() || self.known() == Some(Known::Job)
    }

    /// The core Pod kind, as discovery names it.
    pub fn pod() -> ApiKind {
        ApiKind::new("", "v1", "Pod", "pods", true)
    }

    pub fn of_workload(kind: WorkloadKind) -> ApiKind {
        ApiKind::new("apps", "v1", kind.label(), &format!("{}s", kind.label().to_lowercase()), true)
    }
}

/// One object of any kind.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectRef {
    pub kind: ApiKind,
    /// None for cluster-scoped kinds.
    pub namespace: Option<String>,
    pub name: String,
}

impl ObjectRef {
    pub fn new(kind: ApiKind, namespace: Option<String>, name: impl Into<String>) -> ObjectRef {
        let namespace = namespace.filter(|_| kind.namespaced);
        ObjectRef { kind, namespace, name: name.into() }
    }

    /// `service storefront/cart`, `node ip-10-0-1-2`: as confirmations and the audit log say it.
    pub fn describe(&self) -> String {
        let kind = self.kind.kind.to_lowercase();
        match &self.namespace {
            Some(ns) => format!("{kind} {ns}/{}", self.name),
            None => format!("{kind} {}", self.name),
        }
    }

    /// `deployment.apps/cart`, `configmap/cfg`: how kubectl names it in its answers.
    pub fn kubectl_name(&self) -> String {
        let kind = self.kind.kind.to_lowercase();
        match self.kind.group.as_str() {
            "" => format!("{kind}/{}", self.name),
            g => format!("{kind}.{g}/{}", self.name),
        }
    }

    /// The object's URL path.
    pub fn path(&self) -> String {
        format!("{}/{}", self.kind.path(self.namespace.as_deref()), self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_names_as_the_api_has_them() {
        let d = ApiKind::new("apps", "v1", "Deployment", "deployments", true);
        let o = ObjectRef::new(d.clone(), Some("storefront".into()), "cart");
        assert_eq!(o.path(), "/apis/apps/v1/namespaces/storefront/deployments/cart");
        assert_eq!(o.describe(), "deployment storefront/cart");
        assert_eq!(d.qualified(), "deployments.apps");
        assert_eq!(d.workload(), Some(WorkloadKind::Deployment));
        let n = ObjectRef::new(ApiKind::new("", "v1", "Node", "nodes", false), Some("x".into()), "ip-1");
        assert_eq!((n.path().as_str(), n.namespace), ("/api/v1/nodes/ip-1", None));
        let crd = ApiKind::new("cert-manager.io", "v1", "Certificate", "certificates", true);
        assert_eq!(crd.known(), None);
        assert_eq!(crd.path(None), "/apis/cert-manager.io/v1/certificates");
    }
}
