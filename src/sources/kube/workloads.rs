//! Deployments, StatefulSets and DaemonSets as the store's workload rows. Only the row is kept:
//! a Deployment object with its pod template is many times the size of what the pane shows.

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::pods::ms;
use crate::domain::WorkloadKind;
use crate::state::workloads::Workload;

fn count(n: Option<i32>) -> u32 {
    n.unwrap_or(0).max(0) as u32
}

fn base(
    kind: WorkloadKind,
    meta: &ObjectMeta,
    template: Option<&PodTemplateSpec>,
    observed: Option<i64>,
) -> Workload {
    let image = template
        .and_then(|t| t.spec.as_ref())
        .and_then(|s| s.containers.first())
        .and_then(|c| c.image.clone())
        .unwrap_or_default();
    Workload {
        cluster: Default::default(),
        namespace: meta.namespace.clone().unwrap_or_default(),
        kind,
        name: meta.name.clone().unwrap_or_default(),
        desired: 0,
        ready: 0,
        updated: 0,
        available: 0,
        paused: false,
        spec_pending: matches!((meta.generation, observed), (Some(g), Some(o)) if g > o),
        failure: None,
        image,
        created_at: meta.creation_timestamp.as_ref().map_or(0, ms),
    }
}

pub fn deployment(d: &Deployment) -> Workload {
    let spec = d.spec.as_ref();
    let status = d.status.as_ref();
    let mut w = base(
        WorkloadKind::Deployment,
        &d.metadata,
        spec.map(|s| &s.template),
        status.and_then(|s| s.observed_generation),
    );
    // The API defaults replicas to 1 when the spec leaves it out.
    w.desired = count(spec.and_then(|s| s.replicas).or(Some(1)));
    w.ready = count(status.and_then(|s| s.ready_replicas));
    w.updated = count(status.and_then(|s| s.updated_replicas));
    w.available = count(status.and_then(|s| s.available_replicas));
    w.paused = spec.and_then(|s| s.paused).unwrap_or(false);
    // What `kubectl rollout status` fails on: the progress deadline passed, or the
    // ReplicaSet could not create pods (quota, admission).
    let conditions = status.and_then(|s| s.conditions.as_deref()).unwrap_or(&[]);
    w.failure = conditions
        .iter()
        .find(|c| {
            (c.type_ == "Progressing" && c.reason.as_deref() == Some("ProgressDeadlineExceeded"))
                || (c.type_ == "ReplicaFailure" && c.status == "True")
        })
        .map(|c| {
            (c.reason.clone().unwrap_or_else(|| c.type_.clone()), c.message.clone().unwrap_or_default())
        });
    w
}

pub fn statefulset(s: &StatefulSet) -> Workload {
    let spec = s.spec.as_ref();
    let status = s.status.as_ref();
    let mut w = base(
        WorkloadKind::StatefulSet,
        &s.metadata,
        spec.map(|s| &s.template),
        status.and_then(|s| s.observed_generation),
    );
    w.desired = count(spec.and_then(|s| s.replicas).or(Some(1)));
    w.ready = count(status.and_then(|s| s.ready_replicas));
    // Before any update the API may leave updatedReplicas out: every pod is current then.
    let current =
        status.is_some_and(|s| s.update_revision.is_none() || s.current_revision == s.update_revision);
    w.updated = match status.and_then(|s| s.updated_replicas) {
        Some(n) => count(Some(n)),
        None if current => count(status.map(|s| s.replicas)),
        None => 0,
    };
    w.available = count(status.and_then(|s| s.available_replicas.or(s.ready_replicas)));
    w
}

pub fn daemonset(d: &DaemonSet) -> Workload {
    let status = d.status.as_ref();
    let mut w = base(
        WorkloadKind::DaemonSet,
        &d.metadata,
        d.spec.as_ref().map(|s| &s.template),
        status.and_then(|s| s.observed_generation),
    );
    w.desired = count(status.map(|s| s.desired_number_scheduled));
    w.ready = count(status.map(|s| s.number_ready));
    w.updated = count(status.and_then(|s| s.updated_number_scheduled));
    w.available = count(status.and_then(|s| s.number_available));
    w
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::state::Level;

    #[test]
    fn a_deployment_past_its_progress_deadline_is_a_failure() {
        let d: Deployment = serde_json::from_value(json!({
            "metadata": {"name": "cart", "namespace": "storefront", "generation": 4,
                         "creationTimestamp": "2026-11-01T00:00:00Z"},
            "spec": {"replicas": 3, "selector": {}, "template": {"spec": {"containers": [
                {"name": "cart", "image": "registry.example.com/cart:1.4.3"}]}}},
            "status": {"observedGeneration": 4, "replicas": 4, "readyReplicas": 2, "updatedReplicas": 1,
                       "availableReplicas": 2, "conditions": [
                {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
                {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
                 "message": "ReplicaSet \"cart-7d9f\" has timed out progressing."}]}
        }))
        .unwrap();
        let w = deployment(&d);
        assert_eq!((w.desired, w.ready, w.updated, w.available), (3, 2, 1, 2));
        assert_eq!(w.image, "registry.example.com/cart:1.4.3");
        assert_eq!(w.status(), "ProgressDeadlineExceeded");
        assert_eq!(w.failure.unwrap().1, "ReplicaSet \"cart-7d9f\" has timed out progressing.");
        assert!(!w.spec_pending);
    }

    #[test]
    fn a_paused_deployment_and_one_the_controller_has_not_seen() {
        let d: Deployment = serde_json::from_value(json!({
            "metadata": {"name": "web", "namespace": "a", "generation": 5},
            "spec": {"paused": true, "selector": {}, "template": {}},
            "status": {"observedGeneration": 4, "readyReplicas": 1, "updatedReplicas": 1, "availableReplicas": 1}
        }))
        .unwrap();
        let w = deployment(&d);
        assert_eq!(w.desired, 1, "replicas default to 1");
        assert!(w.paused && w.spec_pending);
        assert_eq!((w.status().as_str(), w.level()), ("Paused", Level::Warn));
    }

    #[test]
    fn statefulsets_and_daemonsets_count_their_pods() {
        let s: StatefulSet = serde_json::from_value(json!({
            "metadata": {"name": "postgres", "namespace": "data"},
            "spec": {"replicas": 3, "selector": {}, "serviceName": "postgres", "template": {}},
            "status": {"replicas": 3, "readyReplicas": 3, "currentRevision": "postgres-1",
                       "updateRevision": "postgres-1", "availableReplicas": 3}
        }))
        .unwrap();
        let w = statefulset(&s);
        assert_eq!((w.desired, w.ready, w.updated, w.available), (3, 3, 3, 3));
        assert_eq!(w.status(), "Available");
        let d: DaemonSet = serde_json::from_value(json!({
            "metadata": {"name": "aws-node", "namespace": "kube-system"},
            "spec": {"selector": {}, "template": {}},
            "status": {"desiredNumberScheduled": 7, "currentNumberScheduled": 7, "numberMisscheduled": 0,
                       "numberReady": 6, "updatedNumberScheduled": 7, "numberAvailable": 6}
        }))
        .unwrap();
        let w = daemonset(&d);
        assert_eq!((w.desired, w.ready, w.updated, w.available), (7, 6, 7, 6));
        assert_eq!((w.status().as_str(), w.level()), ("1 not ready", Level::Warn));
    }
}
