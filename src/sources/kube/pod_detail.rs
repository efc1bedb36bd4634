//! A whole Pod object turned into the detail view's data: containers with state and last
//! state, conditions, and the object as YAML without managedFields. Shared by the cluster
//! source and the demo, which builds the same object from its world.

use k8s_openapi::api::core::v1::{
    Container, ContainerState as KState, ContainerStatus, Pod as KPod, ResourceRequirements,
};

use super::intern::Interner;
use super::pod_object::SlimPod;
use super::pods::ms;
use crate::domain::PodKey;
use crate::state::UnixMs;
use crate::state::pod_detail::{ContainerDetail, ContainerState, PodCondition, PodDetail};

/// The annotation `kubectl logs` reads for the container to show without `-c`.
pub const DEFAULT_CONTAINER: &str = "kubectl.kubernetes.io/default-container";

pub fn detail(p: &KPod, now: UnixMs) -> PodDetail {
    let meta = &p.metadata;
    let spec = p.spec.as_ref();
    let status = p.status.as_ref();
    let row =
        std::sync::Arc::unwrap_or_clone(super::pods::map(&SlimPod::of(p), now, &mut Interner::default()).pod);
    let statuses = |s: Option<&Vec<ContainerStatus>>| s.cloned().unwrap_or_default();
    let init_statuses = statuses(status.and_then(|s| s.init_container_statuses.as_ref()));
    let main_statuses = statuses(status.and_then(|s| s.container_statuses.as_ref()));
    let containers = |specs: Option<&Vec<Container>>, st: &[ContainerStatus]| -> Vec<ContainerDetail> {
        specs
            .map(|v| v.iter().map(|c| container(c, st.iter().find(|s| s.name == c.name))).collect())
            .unwrap_or_default()
    };
    let controller =
        meta.owner_references.as_deref().unwrap_or(&[]).iter().find(|o| o.controller == Some(true));
    let mut labels: Vec<(String, String)> = meta
        .labels
        .as_ref()
        .map(|l| l.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    labels.sort();
    PodDetail {
        key: PodKey::new(meta.namespace.clone().unwrap_or_default(), meta.name.clone().unwrap_or_default()),
        phase: status.and_then(|s| s.phase.clone()).unwrap_or_else(|| "Unknown".into()),
        reason: row.reason,
        node: spec.and_then(|s| s.node_name.clone()),
        pod_ip: status.and_then(|s| s.pod_ip.clone()),
        created_at: meta.creation_timestamp.as_ref().map(ms),
        controlled_by: controller.map(|o| format!("{} {}", o.kind, o.name)),
        qos: status.and_then(|s| s.qos_class.clone()),
        service_account: spec.and_then(|s| s.service_account_name.clone()),
        deleting_since: meta.deletion_timestamp.as_ref().map(ms),
        labels,
        init_containers: containers(spec.and_then(|s| s.init_containers.as_ref()), &init_statuses),
        containers: containers(spec.map(|s| &s.containers), &main_statuses),
        conditions: status
            .and_then(|s| s.conditions.as_ref())
            .map(|cs| {
                cs.iter()
                    .map(|c| PodCondition {
                        kind: c.type_.clone(),
                        status: c.status.clone(),
                        reason: c.reason.clone(),
                        message: c.message.clone(),
                        last_transition: c.last_transition_time.as_ref().map(ms),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        default_container: meta.annotations.as_ref().and_then(|a| a.get(DEFAULT_CONTAINER).cloned()),
        yaml: yaml(p),
    }
}

fn container(c: &Container, st: Option<&ContainerStatus>) -> ContainerDetail {
    ContainerDetail {
        name: c.name.clone(),
        image: st
            .map(|s| s.image.clone())
            .filter(|i| !i.is_empty())
            .or_else(|| c.image.clone())
            .unwrap_or_default(),
        ready: st.is_some_and(|s| s.ready),
        restarts: st.map_or(0, |s| s.restart_count.max(0) as u32),
        state: st.and_then(|s| s.state.as_ref()).map_or(ContainerState::Unknown, state),
        last_state: st
            .and_then(|s| s.last_state.as_ref())
            .map(state)
            .filter(|s| *s != ContainerState::Unknown),
        requests: c.resources.as_ref().and_then(|r| resources(r, true)),
        limits: c.resources.as_ref().and_then(|r| resources(r, false)),
    }
}

fn state(s: &KState) -> ContainerState {
    if let Some(t) = &s.terminated {
        return ContainerState::Terminated {
            reason: t.reason.clone().unwrap_or_else(|| "Error".into()),
            exit_code: t.exit_code,
            message: t.message.clone(),
            finished_at: t.finished_at.as_ref().map(ms),
        };
    }
    if let Some(w) = &s.waiting {
        return ContainerState::Waiting {
            reason: w.reason.clone().unwrap_or_else(|| "Waiting".into()),
            message: w.message.clone(),
        };
    }
    match &s.running {
        Some(r) => ContainerState::Running { started_at: r.started_at.as_ref().map(ms) },
        None => ContainerState::Unknown,
    }
}

fn resources(r: &ResourceRequirements, requests: bool) -> Option<String> {
    let map = if requests { r.requests.as_ref() } else { r.limits.as_ref() }?;
    let parts: Vec<String> = map.iter().map(|(k, v)| format!("{k} {}", v.0)).collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The object as `kubectl get -o yaml` shows it since 1.21: managedFields left out, being
/// bookkeeping of who set which field and often longer than the rest.
pub fn yaml(p: &KPod) -> String {
    let mut p = p.clone();
    p.metadata.managed_fields = None;
    serde_saphyr::to_string(&p).unwrap_or_else(|e| format!("# the pod could not be shown as YAML: {e}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod() -> KPod {
        serde_json::from_value(json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "cart-1", "namespace": "storefront",
                "managedFields": [{"manager": "kubelet", "operation": "Update"}],
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "cart-7d9f8",
                    "uid": "u", "controller": true}]},
            "spec": {"containers": [{"name": "cart", "image": "shop/cart:2.1",
                "resources": {"requests": {"cpu": "250m"}, "limits": {"memory": "512Mi"}}}]},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "False",
                    "reason": "ContainersNotReady"}],
                "containerStatuses": [{"name": "cart", "image": "shop/cart:2.1", "imageID": "", "ready": false,
                    "restartCount": 4,
                    "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 1m20s"}},
                    "lastState": {"terminated": {"reason": "Error", "exitCode": 1,
                        "finishedAt": "2026-11-18T14:00:00Z"}}}]}
        }))
        .unwrap()
    }

    #[test]
    fn containers_carry_state_last_state_and_resources() {
        let d = detail(&pod(), 0);
        let c = &d.containers[0];
        assert_eq!(c.restarts, 4);
        assert!(matches!(&c.state, ContainerState::Waiting { reason, .. } if reason == "CrashLoopBackOff"));
        assert!(matches!(&c.last_state, Some(ContainerState::Terminated { exit_code: 1, .. })));
        assert_eq!((c.requests.as_deref(), c.limits.as_deref()), (Some("cpu 250m"), Some("memory 512Mi")));
        assert_eq!(d.controlled_by.as_deref(), Some("ReplicaSet cart-7d9f8"));
        assert_eq!(d.reason.as_deref(), Some("CrashLoopBackOff"));
        assert_eq!(d.logs_container().as_deref(), Some("cart"));
    }

    #[test]
    fn yaml_leaves_out_managed_fields() {
        let y = yaml(&pod());
        assert!(y.contains("name: cart-1") && y.contains("kind: Pod"), "{y}");
        assert!(!y.contains("managedFields") && !y.contains("kubelet"), "{y}");
    }
}
