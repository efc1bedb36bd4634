//! Actions against the cluster, each sending what kubectl sends for the same command, so RBAC,
//! admission and audit on the cluster side see familiar requests. Errors carry the API's own
//! message (an RBAC denial says who cannot do what where).

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{Node, Pod};
use kube::Api;
use kube::api::{DeleteParams, Patch, PatchParams};
use serde_json::{Value, json};

use super::{Connection, client_error};
use crate::domain::registry::ActionId;
use crate::domain::{ObjectRef, Target, WorkloadKind};

/// The field manager flightdeck's changes are recorded under.
pub const FIELD_MANAGER: &str = "flightdeck";

/// The annotation `kubectl rollout restart` sets on the pod template.
pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

fn params() -> PatchParams {
    patch_params()
}

/// Patches are sent under flightdeck's field manager.
pub fn patch_params() -> PatchParams {
    PatchParams { field_manager: Some(FIELD_MANAGER.into()), ..PatchParams::default() }
}

/// kubectl's rollout restart patch, with the time as RFC 3339 in UTC.
pub fn restart_patch(now: std::time::SystemTime) -> Value {
    let at = humantime::format_rfc3339_seconds(now).to_string();
    json!({"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: at}}}}})
}

pub async fn run(conn: &Connection, action: ActionId, target: &Target) -> Result<String, String> {
    let c = conn.client.clone();
    let err = |e: kube::Error| client_error(&e);
    match (action, target) {
        (ActionId::RolloutRestart, Target::Workload { namespace, kind, name }) => {
            let patch = restart_patch(std::time::SystemTime::now());
            let p = Patch::Strategic(&patch);
            match kind {
                WorkloadKind::Deployment => {
                    let api: Api<Deployment> = Api::namespaced(c, namespace);
                    let d = api.get(name).await.map_err(err)?;
                    if d.spec.as_ref().and_then(|s| s.paused) == Some(true) {
                        // kubectl's words for the same refusal.
                        return Err(format!(
                            "deployments.apps \"{name}\" can't restart paused deployment (run rollout resume first)"
                        ));
                    }
                    api.patch(name, &params(), &p).await.map_err(err)?;
                }
                WorkloadKind::StatefulSet => {
                    Api::<StatefulSet>::namespaced(c, namespace)
                        .patch(name, &params(), &p)
                        .await
                        .map_err(err)?;
                }
                WorkloadKind::DaemonSet => {
                    Api::<DaemonSet>::namespaced(c, namespace)
                        .patch(name, &params(), &p)
                        .await
                        .map_err(err)?;
                }
            }
            Ok(format!("{}.apps/{name} restarted", kind.label().to_lowercase()))
        }
        (ActionId::Scale, Target::Scale { namespace, kind, name, replicas }) => {
            let patch = Patch::Merge(json!({"spec": {"replicas": replicas}}));
            match kind {
                WorkloadKind::Deployment => {
                    Api::<Deployment>::namespaced(c, namespace).patch_scale(name, &params(), &patch).await
                }
                WorkloadKind::StatefulSet => {
                    Api::<StatefulSet>::namespaced(c, namespace).patch_scale(name, &params(), &patch).await
                }
                // A DaemonSet runs one pod per node: it has no replicas to set.
                WorkloadKind::DaemonSet => return Err("cannot scale a DaemonSet".into()),
            }
            .map_err(err)?;
            Ok(format!("{}.apps/{name} scaled", kind.label().to_lowercase()))
        }
        (ActionId::EditHpa, Target::HpaLimits { namespace, name, min, max }) => {
            let patch = Patch::Merge(json!({"spec": {"minReplicas": min, "maxReplicas": max}}));
            Api::<HorizontalPodAutoscaler>::namespaced(c, namespace)
                .patch(name, &params(), &patch)
                .await
                .map_err(err)?;
            Ok(format!("horizontalpodautoscaler.autoscaling/{name} patched"))
        }
        (ActionId::DeletePod, Target::Pod { namespace, name }) => {
            Api::<Pod>::namespaced(c, namespace).delete(name, &DeleteParams::default()).await.map_err(err)?;
            Ok(format!("pod \"{name}\" deleted"))
        }
        (ActionId::Cordon | ActionId::Uncordon, Target::Node(name)) => {
            let on = action == ActionId::Cordon;
            let api: Api<Node> = Api::all(c);
            let node = api.get(name).await.map_err(err)?;
            if node.spec.as_ref().and_then(|s| s.unschedulable).unwrap_or(false) == on {
                return Ok(if on { "already cordoned" } else { "already uncordoned" }.to_string());
            }
            // kubectl's two-way merge patch: true to cordon, the field removed to uncordon.
            let value = if on { json!(true) } else { Value::Null };
            api.patch(name, &params(), &Patch::Strategic(json!({"spec": {"unschedulable": value}})))
                .await
                .map_err(err)?;
            Ok(format!("node/{name} {}", if on { "cordoned" } else { "uncordoned" }))
        }
        (ActionId::DeleteObject, Target::Object(o)) => delete_object(conn, o).await,
        (ActionId::Rollback, t @ Target::Rollback { .. }) => super::rollout::undo(conn, t).await,
        (ActionId::Edit, Target::Edit(e)) => super::edit::send(conn, e).await.map_err(|r| r.message),
        (ActionId::Sync | ActionId::Refresh | ActionId::HardRefresh | ActionId::Terminate, _) => {
            // The executor sends these to the Argo CD source; without one they end here.
            Err("Argo CD is not enabled ([argocd] enabled = false in the config)".into())
        }
        (action, target) => Err(format!("{action:?} does not apply to {}", target.describe())),
    }
}

/// `kubectl delete`: the object deleted in the background (its dependents after it), the
/// body kubectl sends.
async fn delete_object(conn: &Connection, o: &ObjectRef) -> Result<String, String> {
    use kube::api::PropagationPolicy;
    let api = super::object_watch::dyn_api(conn.client.clone(), &o.kind, o.namespace.as_deref());
    let dp =
        DeleteParams { propagation_policy: Some(PropagationPolicy::Background), ..DeleteParams::default() };
    api.delete(&o.name, &dp).await.map_err(|e| client_error(&e))?;
    Ok(format!("{} \"{}\" deleted", o.kind.kind.to_lowercase(), o.name))
}
