//! What a timeline entry happened to: an app, a workload, an HPA, a node, an alert or another
//! object. It names the entry, narrows the timeline around a problem, and is where its key goes.

use serde::{Deserialize, Serialize};

use crate::domain::{Target, WorkloadKind};

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Subject {
    App {
        name: String,
        namespace: Option<String>,
    },
    Workload {
        namespace: String,
        kind: WorkloadKind,
        name: String,
    },
    Hpa {
        namespace: String,
        name: String,
        workload: Option<String>,
    },
    Node {
        name: String,
    },
    /// An Alertmanager alert or a CloudWatch alarm, with the namespace and object its labels
    /// name (`deployment` `cart`), if any.
    Alert {
        fingerprint: String,
        name: String,
        namespace: Option<String>,
        object: Option<String>,
    },
    /// Any other object an event names: `Pod storefront/cart-7d9f-x2`.
    Object {
        kind: String,
        namespace: Option<String>,
        name: String,
    },
    /// What no object names (a bill, a silence).
    Other {
        name: String,
    },
}

impl Subject {
    /// A stable text identity, for entry ids.
    pub fn key(&self) -> String {
        match self {
            Subject::App { name, .. } => format!("app/{name}"),
            Subject::Workload { namespace, kind, name } => format!("{}/{namespace}/{name}", kind.short()),
            Subject::Hpa { namespace, name, .. } => format!("hpa/{namespace}/{name}"),
            Subject::Node { name } => format!("node/{name}"),
            Subject::Alert { fingerprint, .. } => format!("alert/{fingerprint}"),
            Subject::Object { kind, namespace, name } => {
                format!("{kind}/{}/{name}", namespace.as_deref().unwrap_or(""))
            }
            Subject::Other { name } => format!("other/{name}"),
        }
    }

    /// How a person names it: `services-cart`, `deploy storefront/cart`, `node ip-10-0-1-12`.
    pub fn label(&self) -> String {
        match self {
            Subject::App { name, .. } => name.clone(),
            Subject::Workload { namespace, kind, name } => format!("{} {namespace}/{name}", kind.short()),
            Subject::Hpa { namespace, name, .. } => format!("hpa {namespace}/{name}"),
            Subject::Node { name } => format!("node {name}"),
            Subject::Alert { name, .. } => name.clone(),
            Subject::Object { kind, namespace: Some(ns), name } => {
                format!("{} {ns}/{name}", kind.to_lowercase())
            }
            Subject::Object { kind, namespace: None, name } => format!("{} {name}", kind.to_lowercase()),
            Subject::Other { name } => name.clone(),
        }
    }

    pub fn namespace(&self) -> Option<&str> {
        match self {
            Subject::Workload { namespace, .. } | Subject::Hpa { namespace, .. } => Some(namespace),
            Subject::App { namespace, .. }
            | Subject::Alert { namespace, .. }
            | Subject::Object { namespace, .. } => namespace.as_deref(),
            Subject::Node { .. } | Subject::Other { .. } => None,
        }
    }

    /// The workload name it belongs to, where that can be told: the workload itself, an HPA's
    /// target, an alert's `deployment` label, or a pod whose name starts with the workload's
    /// (`cart-7d9f-x2` belongs to `cart` when `cart` is the candidate).
    pub fn belongs_to_workload(&self, namespace: &str, workload: &str) -> bool {
        if self.namespace() != Some(namespace) {
            return false;
        }
        match self {
            Subject::Workload { name, .. } => name == workload,
            Subject::Hpa { workload: w, .. } => w.as_deref() == Some(workload),
            Subject::Alert { object, .. } => object.as_deref().is_some_and(|o| owned_by(o, workload)),
            Subject::Object { kind, name, .. } => {
                matches!(kind.as_str(), "Pod" | "ReplicaSet" | "Deployment" | "StatefulSet" | "DaemonSet")
                    && owned_by(name, workload)
            }
            _ => false,
        }
    }

    /// Where Enter on the entry goes.
    pub fn target(&self) -> Option<Target> {
        Some(match self {
            Subject::App { name, .. } => Target::App(name.clone()),
            Subject::Workload { namespace, kind, name } => {
                Target::Workload { namespace: namespace.clone(), kind: *kind, name: name.clone() }
            }
            Subject::Hpa { namespace, name, .. } => {
                Target::Hpa { namespace: namespace.clone(), name: name.clone() }
            }
            Subject::Node { name } => Target::Node(name.clone()),
            Subject::Alert { fingerprint, name, .. } => {
                Target::Alert { fingerprint: fingerprint.clone(), name: name.clone() }
            }
            Subject::Object { kind, namespace: Some(ns), name } if kind == "Pod" => {
                Target::Pod { namespace: ns.clone(), name: name.clone() }
            }
            Subject::Object { kind, namespace: None, name } if kind == "Node" => Target::Node(name.clone()),
            Subject::Object { kind, namespace: Some(ns), name } => {
                let kind = WorkloadKind::parse(kind)?;
                Target::Workload { namespace: ns.clone(), kind, name: name.clone() }
            }
            Subject::Object { .. } | Subject::Other { .. } => return None,
        })
    }

    /// What an event's object text names: `Pod storefront/cart-x`, `Node ip-10-0-1-12`.
    pub fn from_object(object: &str) -> Subject {
        let (kind, rest) = object.split_once(' ').unwrap_or(("", object));
        let (namespace, name) = match rest.split_once('/') {
            Some((ns, n)) => (Some(ns.to_string()), n.to_string()),
            None => (None, rest.to_string()),
        };
        if kind == "Node" {
            return Subject::Node { name };
        }
        Subject::Object { kind: kind.to_string(), namespace, name }
    }

    /// What an action's target, as the audit log and the status line describe it
    /// (`Target::describe`), names: `application services-cart (prune)`, `deployment
    /// storefront/cart`, `node ip-10-0-1-12`, `hpa storefront/cart to min 2 max 20`.
    pub fn from_described(described: &str) -> Subject {
        let mut words = described.split(' ');
        let kind = words.next().unwrap_or("");
        let name = words.next().unwrap_or("").to_string();
        let split = |n: &str| match n.split_once('/') {
            Some((ns, n)) => (ns.to_string(), n.to_string()),
            None => (String::new(), n.to_string()),
        };
        match kind {
            "application" => Subject::App { name, namespace: None },
            "node" => Subject::Node { name },
            "pod" => {
                let (ns, n) = split(&name);
                Subject::Object { kind: "Pod".into(), namespace: Some(ns), name: n }
            }
            "hpa" => {
                let (namespace, name) = split(&name);
                Subject::Hpa { namespace, name, workload: None }
            }
            "deployment" | "statefulset" | "daemonset" => {
                let kind = match kind {
                    "deployment" => WorkloadKind::Deployment,
                    "statefulset" => WorkloadKind::StatefulSet,
                    _ => WorkloadKind::DaemonSet,
                };
                let (namespace, name) = split(&name);
                Subject::Workload { namespace, kind, name }
            }
            _ => Subject::Other { name: described.to_string() },
        }
    }
}

/// Whether a pod or ReplicaSet name is the workload's: the workload's name and a dash, as
/// controllers name what they create (the name alone too, for the workload itself).
fn owned_by(object: &str, workload: &str) -> bool {
    object == workload || object.strip_prefix(workload).is_some_and(|rest| rest.starts_with('-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn described_targets_name_their_subjects() {
        assert_eq!(
            Subject::from_described("application services-cart (prune, dry run)"),
            Subject::App { name: "services-cart".into(), namespace: None }
        );
        assert_eq!(
            Subject::from_described("deployment storefront/cart to 5 replicas"),
            Subject::Workload {
                namespace: "storefront".into(),
                kind: WorkloadKind::Deployment,
                name: "cart".into()
            }
        );
        assert_eq!(Subject::from_described("node ip-1").target(), Some(Target::Node("ip-1".into())));
        assert!(matches!(Subject::from_described("silence of {a=\"b\"} for 1h"), Subject::Other { .. }));
    }

    #[test]
    fn pods_and_alerts_belong_to_their_workload() {
        let pod = Subject::from_object("Pod storefront/cart-7d9f-x2");
        assert!(pod.belongs_to_workload("storefront", "cart"));
        assert!(!pod.belongs_to_workload("storefront", "car"));
        assert!(!pod.belongs_to_workload("data", "cart"));
        let alert = Subject::Alert {
            fingerprint: "f".into(),
            name: "HighErrorRate".into(),
            namespace: Some("storefront".into()),
            object: Some("cart".into()),
        };
        assert!(alert.belongs_to_workload("storefront", "cart"));
        assert_eq!(Subject::from_object("Node ip-10"), Subject::Node { name: "ip-10".into() });
    }
}
