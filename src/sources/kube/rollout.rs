//! A workload's revision history and `kubectl rollout undo`, sending what kubectl sends: a
//! Deployment's is its ReplicaSets (the `deployment.kubernetes.io/revision` annotation), and
//! undo is kubectl's JSON patch of the template and annotations from the chosen one; a
//! StatefulSet's or DaemonSet's is its ControllerRevisions, and undo their data as a
//! strategic-merge patch. Paused Deployments are refused with kubectl's words.

use kube::Api;
use kube::api::{ListParams, Patch};
use serde_json::{Map, Value, json};

use super::object_watch::{dyn_api, label_selector, plain};
use super::{Connection, client_error};
use crate::domain::{ApiKind, Target, WorkloadKind};

/// Deployment annotations kubectl keeps from the Deployment, not the ReplicaSet, on undo.
const KEPT_ANNOTATIONS: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision",
    "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "deprecated.deployment.rollback.to",
];

/// The label a ReplicaSet's template carries that its Deployment's does not.
const HASH_LABEL: &str = "pod-template-hash";

/// One revision of a workload.
#[derive(Clone, Debug, PartialEq)]
pub struct Revision {
    pub revision: i64,
    pub images: String,
    pub created: Option<i64>,
    pub cause: String,
    pub current: bool,
    /// A Deployment's: the ReplicaSet's pod template (hash label removed) and annotations; a
    /// StatefulSet's or DaemonSet's: the ControllerRevision's data.
    pub restore: Value,
}

fn images(template: &Value) -> String {
    let cs = template["spec"]["containers"].as_array().cloned().unwrap_or_default();
    cs.iter().filter_map(|c| c["image"].as_str()).collect::<Vec<_>>().join(", ")
}

fn created(v: &Value) -> Option<i64> {
    v["metadata"]["creationTimestamp"].as_str().and_then(crate::domain::format::parse_rfc3339)
}

/// The workload and what it owns of `child` kind, by its selector and owner uid.
async fn owned_of(
    conn: &Connection,
    ns: &str,
    kind: WorkloadKind,
    name: &str,
    child: ApiKind,
) -> Result<(Value, Vec<Value>), String> {
    let err = |e: kube::Error| client_error(&e);
    let w =
        dyn_api(conn.client.clone(), &ApiKind::of_workload(kind), Some(ns)).get(name).await.map_err(err)?;
    let w = plain(&w, &ApiKind::of_workload(kind));
    let uid = w["metadata"]["uid"].as_str().unwrap_or("").to_string();
    let mut lp = ListParams::default();
    if let Some(s) = label_selector(&w["spec"]["selector"]) {
        lp = lp.labels(&s);
    }
    let list = dyn_api(conn.client.clone(), &child, Some(ns)).list(&lp).await.map_err(err)?;
    let owned = list
        .items
        .iter()
        .filter(|o| o.metadata.owner_references.iter().flatten().any(|r| r.uid == uid))
        .map(|o| plain(o, &child))
        .collect();
    Ok((w, owned))
}

/// The revisions of a workload, newest first.
pub async fn history(
    conn: &Connection,
    ns: &str,
    kind: WorkloadKind,
    name: &str,
) -> Result<Vec<Revision>, String> {
    let mut out = match kind {
        WorkloadKind::Deployment => {
            let rs = ApiKind::new("apps", "v1", "ReplicaSet", "replicasets", true);
            let (d, sets) = owned_of(conn, ns, kind, name, rs).await?;
            let current =
                d["metadata"]["annotations"]["deployment.kubernetes.io/revision"].as_str().unwrap_or("");
            sets.iter().filter_map(|r| deployment_revision(r, current)).collect::<Vec<_>>()
        }
        _ => {
            let cr = ApiKind::new("apps", "v1", "ControllerRevision", "controllerrevisions", true);
            let (w, revs) = owned_of(conn, ns, kind, name, cr).await?;
            let current = w["status"]["updateRevision"].as_str().or(w["status"]["currentRevision"].as_str());
            let newest = revs.iter().filter_map(|r| r["revision"].as_i64()).max();
            revs.iter()
                .map(|r| {
                    let rev = r["revision"].as_i64().unwrap_or(0);
                    let is_current = match current {
                        Some(c) => r["metadata"]["name"] == c,
                        None => Some(rev) == newest,
                    };
                    Revision {
                        revision: rev,
                        images: images(&r["data"]["spec"]["template"]),
                        created: created(r),
                        cause: r["metadata"]["annotations"]["kubernetes.io/change-cause"]
                            .as_str()
                            .unwrap_or("")
                            .into(),
                        current: is_current,
                        restore: r["data"].clone(),
                    }
                })
                .collect()
        }
    };
    out.sort_by_key(|r| std::cmp::Reverse(r.revision));
    Ok(out)
}

fn deployment_revision(rs: &Value, current: &str) -> Option<Revision> {
    let annotations = rs["metadata"]["annotations"].as_object()?;
    let rev = annotations.get("deployment.kubernetes.io/revision")?.as_str()?;
    let mut template = rs["spec"]["template"].clone();
    if let Some(l) = template["metadata"]["labels"].as_object_mut() {
        l.remove(HASH_LABEL);
    }
    Some(Revision {
        revision: rev.parse().ok()?,
        images: images(&template),
        created: created(rs),
        cause: annotations.get("kubernetes.io/change-cause").and_then(Value::as_str).unwrap_or("").into(),
        current: rev == current,
        restore: json!({"template": template, "annotations": annotations}),
    })
}

/// kubectl's undo patch for a Deployment: the template replaced by the revision's, and the
/// annotations the Deployment keeps merged with the ReplicaSet's others.
pub fn deployment_undo_patch(deployment: &Value, revision: &Revision) -> Value {
    let mut annotations = Map::new();
    let own = deployment["metadata"]["annotations"].as_object();
    for k in KEPT_ANNOTATIONS {
        if let Some(v) = own.and_then(|a| a.get(*k)) {
            annotations.insert(k.to_string(), v.clone());
        }
    }
    for (k, v) in revision.restore["annotations"].as_object().into_iter().flatten() {
        if !KEPT_ANNOTATIONS.contains(&k.as_str()) {
            annotations.insert(k.clone(), v.clone());
        }
    }
    json!([
        {"op": "replace", "path": "/spec/template", "value": revision.restore["template"]},
        {"op": "replace", "path": "/metadata/annotations", "value": annotations},
    ])
}

/// Whether two pod templates are the same but for the ReplicaSet's hash label.
fn same_template(a: &Value, b: &Value) -> bool {
    let strip = |t: &Value| {
        let mut t = t.clone();
        if let Some(l) = t["metadata"]["labels"].as_object_mut() {
            l.remove(HASH_LABEL);
        }
        t
    };
    strip(a) == strip(b)
}

/// `kubectl rollout undo --to-revision` as kubectl does it.
pub async fn undo(conn: &Connection, target: &Target) -> Result<String, String> {
    let Target::Rollback { namespace, kind, name, revision, .. } = target else {
        return Err("not a rollback".into());
    };
    let revs = history(conn, namespace, *kind, name).await?;
    let Some(rev) = revs.iter().find(|r| r.revision == *revision) else {
        return Err(format!("unable to find specified revision {revision} in history"));
    };
    let label = kind.label().to_lowercase();
    let err = |e: kube::Error| client_error(&e);
    let api = dyn_api(conn.client.clone(), &ApiKind::of_workload(*kind), Some(namespace));
    let pp = super::actions::patch_params();
    match kind {
        WorkloadKind::Deployment => {
            let d = plain(&api.get(name).await.map_err(err)?, &ApiKind::of_workload(*kind));
            if d["spec"]["paused"].as_bool() == Some(true) {
                return Err(format!(
                    "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/{name}' and try again"
                ));
            }
            if same_template(&d["spec"]["template"], &rev.restore["template"]) {
                return Ok(format!(
                    "{label}.apps/{name} skipped rollback (current template already matches revision {revision})"
                ));
            }
            let patch = deployment_undo_patch(&d, rev);
            let patch: json_patch::Patch = serde_json::from_value(patch).map_err(|e| e.to_string())?;
            api.patch(name, &pp, &Patch::<()>::Json(patch)).await.map_err(err)?;
        }
        _ => {
            if rev.current {
                return Ok(format!(
                    "{label}.apps/{name} skipped rollback (current template already matches revision {revision})"
                ));
            }
            let typed: Api<kube::api::DynamicObject> = api;
            typed.patch(name, &pp, &Patch::Strategic(&rev.restore)).await.map_err(err)?;
        }
    }
    Ok(format!("{label}.apps/{name} rolled back"))
}

/// The picker's rows for a workload's revisions: each one but the running one rolls back to it.
pub fn pick_entries(
    subject: &Target,
    revs: &[Revision],
    now: i64,
) -> Vec<crate::state::view::object::PickEntry> {
    use crate::state::view::object::PickEntry;
    let Target::Workload { namespace, kind, name } = subject else { return Vec::new() };
    revs.iter()
        .map(|r| {
            let age =
                r.created.map(|t| format!("{} ago", crate::domain::format::age(now, t))).unwrap_or_default();
            let cause = if r.cause.is_empty() { "<none>".to_string() } else { r.cause.clone() };
            // The image's last part (`cart:2.4.3`) is what tells revisions apart.
            let images: Vec<&str> = r.images.split(", ").map(|i| i.rsplit('/').next().unwrap_or(i)).collect();
            PickEntry {
                cells: vec![r.revision.to_string(), images.join(", "), age, cause],
                choice: (!r.current).then(|| Target::Rollback {
                    namespace: namespace.clone(),
                    kind: *kind,
                    name: name.clone(),
                    revision: r.revision,
                    image: r.images.clone(),
                }),
                note: r.current.then(|| "running now".to_string()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_undo_patch_is_kubectls() {
        let rs = json!({"metadata": {"annotations": {"deployment.kubernetes.io/revision": "1",
                "kubernetes.io/change-cause": "first", "deployment.kubernetes.io/desired-replicas": "3"}},
            "spec": {"template": {"metadata": {"labels": {"app": "cart", "pod-template-hash": "abc"}},
                "spec": {"containers": [{"name": "cart", "image": "cart:1.0"}]}}}});
        let rev = deployment_revision(&rs, "2").unwrap();
        assert_eq!((rev.revision, rev.images.as_str(), rev.current), (1, "cart:1.0", false));
        let d =
            json!({"metadata": {"annotations": {"deployment.kubernetes.io/revision": "2", "team": "shop"}}});
        let patch = deployment_undo_patch(&d, &rev);
        assert_eq!(
            patch,
            json!([
                {"op": "replace", "path": "/spec/template", "value": {"metadata": {"labels": {"app": "cart"}},
                    "spec": {"containers": [{"name": "cart", "image": "cart:1.0"}]}}},
                {"op": "replace", "path": "/metadata/annotations", "value": {
                    "deployment.kubernetes.io/revision": "2", "kubernetes.io/change-cause": "first"}}
            ])
        );
    }
}
