//! A Kubernetes Pod as the store's row: ready x/y, restarts with the last one's time, the owner
//! and the one reason that explains trouble, by the rules `kubectl get pods` users know.

use std::sync::Arc;

use arcstr::ArcStr;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use super::intern::Interner;
use super::pod_object::{ContainerStatus, SlimPod};
use super::quantity;
use crate::state::UnixMs;
use crate::state::pods::{Owner, Pod, PodPhase};

/// Waiting reasons that mean the container cannot run.
const WAITING_TROUBLE: &[&str] = &[
    "CrashLoopBackOff",
    "ImagePullBackOff",
    "ErrImagePull",
    "CreateContainerConfigError",
    "CreateContainerError",
    "InvalidImageName",
    "RunContainerError",
];

/// A running pod that has not been ready for this long is NotReady rather than starting.
const NOT_READY_AFTER_MS: i64 = 60_000;

pub fn ms(t: &Time) -> UnixMs {
    t.0.as_millisecond()
}

/// What the pods source keeps per pod besides the row: its requests (for node totals) and the
/// ReplicaSet it belongs to (resolved to a Deployment when the ReplicaSet is known).
#[derive(Clone, Debug, PartialEq)]
pub struct Tracked {
    /// The row, shared with the store: the source compares the next change with it and the
    /// store shows it, one copy between them.
    pub pod: Arc<Pod>,
    pub cpu_req_milli: u64,
    pub mem_req_bytes: u64,
    /// True while the pod holds its node's resources (not Succeeded or Failed).
    pub holds_node: bool,
    /// Interned: the ReplicaSet's pods share it.
    pub replicaset: Option<ArcStr>,
    /// The metrics reading that last named this pod (0: none yet); a reading finds the pods it
    /// did not name by it without a set of the ones it did.
    pub reading: u32,
}

pub fn map(p: &SlimPod, now: UnixMs, names: &mut Interner) -> Tracked {
    let meta = &p.metadata;
    let spec = p.spec.as_ref();
    let status = p.status.as_ref();
    let phase = match status.and_then(|s| s.phase.as_deref()) {
        Some("Pending") => PodPhase::Pending,
        Some("Running") => PodPhase::Running,
        Some("Succeeded") => PodPhase::Succeeded,
        Some("Failed") => PodPhase::Failed,
        _ => PodPhase::Unknown,
    };
    let statuses: &[ContainerStatus] = status.map_or(&[], |s| &s.container_statuses);
    let containers = spec.map_or(statuses.len(), |s| s.containers.len()) as u32;
    let ready = statuses.iter().filter(|c| c.ready).count() as u32;
    let restarts = statuses.iter().map(|c| c.restart_count.max(0) as u32).sum();
    let last_restart = statuses
        .iter()
        .filter_map(|c| c.last_state.as_ref()?.terminated.as_ref()?.finished_at.as_ref().map(ms))
        .max();
    let (reason, message) = reason(p, phase, ready, containers, now);
    let owner_ref =
        meta.owner_references.as_deref().unwrap_or(&[]).iter().find(|o| o.controller == Some(true));
    let (owner, replicaset) = match owner_ref {
        Some(o) if o.kind == "ReplicaSet" => {
            let rs = names.get(&o.name);
            (Some(Owner { kind: arcstr::literal!("ReplicaSet"), name: rs.clone() }), Some(rs))
        }
        Some(o) => (Some(Owner { kind: names.get(&o.kind), name: names.get(&o.name) }), None),
        None => (None, None),
    };
    let (mut cpu, mut mem) = (0, 0);
    for c in spec.map_or(&[][..], |s| &s.containers) {
        if let Some(req) = c.resources.as_ref().and_then(|r| r.requests.as_ref()) {
            cpu += req.cpu.as_deref().and_then(quantity::cpu_milli).unwrap_or(0);
            mem += req.memory.as_deref().and_then(quantity::bytes).unwrap_or(0);
        }
    }
    Tracked {
        pod: Arc::new(Pod {
            cluster: Default::default(),
            namespace: names.get(meta.namespace.as_deref().unwrap_or_default()),
            name: meta.name.as_deref().unwrap_or_default().into(),
            phase,
            ready,
            containers,
            reason,
            message,
            restarts,
            last_restart,
            created_at: meta.creation_timestamp.as_ref().map_or(0, ms),
            node: spec.and_then(|s| s.node_name.as_deref()).map(|n| names.get(n)),
            owner,
            cpu_milli: None,
            mem_bytes: None,
        }),
        cpu_req_milli: cpu,
        mem_req_bytes: mem,
        holds_node: !matches!(phase, PodPhase::Succeeded | PodPhase::Failed),
        replicaset,
        reading: 0,
    }
}

/// The one reason a pod is in trouble, most telling first, with its message.
fn reason(
    p: &SlimPod,
    phase: PodPhase,
    ready: u32,
    containers: u32,
    now: UnixMs,
) -> (Option<String>, Option<String>) {
    let some = |r: &str, m: Option<&String>| (Some(r.to_string()), m.cloned());
    if p.metadata.deletion_timestamp.is_some() {
        return (Some("Terminating".into()), None);
    }
    let Some(status) = p.status.as_ref() else { return (None, None) };
    if status.reason.as_deref() == Some("Evicted") {
        return some("Evicted", status.message.as_ref());
    }
    let conditions = &status.conditions;
    if phase == PodPhase::Pending
        && let Some(c) = conditions.iter().find(|c| {
            c.type_ == "PodScheduled" && c.status == "False" && c.reason.as_deref() == Some("Unschedulable")
        })
    {
        return some("Unschedulable", c.message.as_ref());
    }
    let (init, main) = (&status.init_container_statuses, &status.container_statuses);
    let oom_last = |c: &ContainerStatus| {
        c.last_state
            .as_ref()
            .and_then(|s| s.terminated.as_ref())
            .is_some_and(|t| t.reason.as_deref() == Some("OOMKilled"))
    };
    let mut pending_note = None;
    for c in init.iter().chain(main) {
        let state = c.state.as_ref();
        if let Some(w) = state.and_then(|s| s.waiting.as_ref()) {
            let r = w.reason.as_deref().unwrap_or("");
            if r == "CrashLoopBackOff" && oom_last(c) {
                return (Some("OOMKilled".into()), w.message.clone());
            }
            if WAITING_TROUBLE.contains(&r) {
                return some(r, w.message.as_ref());
            }
            if !r.is_empty() && pending_note.is_none() {
                pending_note = Some(r.to_string());
            }
        }
        if let Some(t) = state.and_then(|s| s.terminated.as_ref())
            && t.reason.as_deref() == Some("OOMKilled")
        {
            return some("OOMKilled", t.message.as_ref());
        }
        if !c.ready && oom_last(c) && phase == PodPhase::Running {
            return (Some("OOMKilled".into()), None);
        }
    }
    if phase == PodPhase::Succeeded {
        return (Some("Completed".into()), None);
    }
    if phase == PodPhase::Running && ready < containers && pending_note.is_none() {
        let cond = conditions.iter().find(|c| c.type_ == "Ready" && c.status == "False");
        let since = cond.and_then(|c| c.last_transition_time.as_ref()).map(ms);
        if since.is_some_and(|t| now - t >= NOT_READY_AFTER_MS) {
            return some("NotReady", cond.and_then(|c| c.message.as_ref()));
        }
    }
    (None, pending_note)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: UnixMs = 1_795_010_400_000;

    fn map(p: &SlimPod, now: UnixMs) -> Tracked {
        super::map(p, now, &mut Interner::default())
    }

    fn pod(status: serde_json::Value) -> SlimPod {
        serde_json::from_value(json!({
            "metadata": {"name": "cart-abc-x", "namespace": "storefront", "creationTimestamp": "2026-11-18T13:00:00Z",
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "cart-abc", "uid": "u", "controller": true}]},
            "spec": {"nodeName": "ip-1", "containers": [
                {"name": "cart", "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}}},
                {"name": "proxy", "resources": {"requests": {"cpu": "50m"}}}]},
            "status": status
        }))
        .unwrap()
    }

    fn waiting(reason: &str, last: Option<&str>) -> serde_json::Value {
        let mut c = json!({"name": "cart", "ready": false, "restartCount": 4, "image": "i", "imageID": "",
            "state": {"waiting": {"reason": reason, "message": "back-off 40s"}}});
        if let Some(l) = last {
            c["lastState"] =
                json!({"terminated": {"exitCode": 137, "reason": l, "finishedAt": "2026-11-18T13:59:00Z"}});
        }
        json!({"phase": "Running", "containerStatuses": [c,
            {"name": "proxy", "ready": true, "restartCount": 0, "image": "i", "imageID": "", "state": {"running": {}}}]})
    }

    #[test]
    fn counts_owner_requests_and_restarts() {
        let t = map(&pod(waiting("CrashLoopBackOff", Some("Error"))), NOW);
        assert_eq!((t.pod.ready, t.pod.containers, t.pod.restarts), (1, 2, 4));
        assert_eq!(t.pod.last_restart, Some(NOW - 60_000));
        assert_eq!(t.replicaset.as_deref(), Some("cart-abc"));
        assert_eq!((t.cpu_req_milli, t.mem_req_bytes), (300, 256 << 20));
        assert_eq!(t.pod.reason.as_deref(), Some("CrashLoopBackOff"));
        assert_eq!(t.pod.message.as_deref(), Some("back-off 40s"));
    }

    #[test]
    fn reasons_follow_the_rules() {
        let r = |s| map(&pod(s), NOW).pod.reason.clone();
        assert_eq!(r(waiting("CrashLoopBackOff", Some("OOMKilled"))).as_deref(), Some("OOMKilled"));
        assert_eq!(r(waiting("ImagePullBackOff", None)).as_deref(), Some("ImagePullBackOff"));
        assert_eq!(r(waiting("ErrImagePull", None)).as_deref(), Some("ErrImagePull"));
        assert_eq!(
            r(waiting("CreateContainerConfigError", None)).as_deref(),
            Some("CreateContainerConfigError")
        );
        assert_eq!(r(waiting("ContainerCreating", None)), None);
        let unsched = json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False",
            "reason": "Unschedulable", "message": "0/7 nodes are available: 7 Insufficient cpu."}]});
        let t = map(&pod(unsched), NOW).pod;
        assert_eq!(t.reason.as_deref(), Some("Unschedulable"));
        assert_eq!(t.message.as_deref(), Some("0/7 nodes are available: 7 Insufficient cpu."));
        let evicted = json!({"phase": "Failed", "reason": "Evicted", "message": "The node was low on resource: memory."});
        assert_eq!(r(evicted).as_deref(), Some("Evicted"));
        let mut gone = pod(json!({"phase": "Running"}));
        gone.metadata.deletion_timestamp = gone.metadata.creation_timestamp.clone();
        assert_eq!(map(&gone, NOW).pod.reason.as_deref(), Some("Terminating"));
        // Not ready for two minutes is NotReady; for ten seconds it is still starting.
        let not_ready = |since: &str| {
            json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "False", "lastTransitionTime": since}],
                "containerStatuses": [{"name": "cart", "ready": false, "restartCount": 0, "image": "i", "imageID": "", "state": {"running": {}}}]})
        };
        assert_eq!(r(not_ready("2026-11-18T13:58:00Z")).as_deref(), Some("NotReady"));
        assert_eq!(r(not_ready("2026-11-18T13:59:50Z")), None);
        assert_eq!(r(json!({"phase": "Succeeded"})).as_deref(), Some("Completed"));
    }
}
