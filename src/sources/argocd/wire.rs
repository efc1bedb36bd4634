//! Application objects as Argo CD writes them (the CR through Kubernetes and the REST API's
//! JSON are the same shape) mapped to the store's `ArgoApp`, and back for the demo's YAML.
//! Pure functions of JSON: no I/O, no clock.

use serde_json::{Value, json};

use crate::state::UnixMs;
use crate::state::argocd::{
    AppCondition, AppResource, ArgoApp, HealthStatus, Operation, OperationPhase, SyncHistory, SyncStatus,
    TreeNode,
};

/// Argo CD's tracking label: the app that manages a resource (here, a child Application).
pub const INSTANCE_LABEL: &str = "argocd.argoproj.io/instance";
/// The annotation that asks the controller to refresh (`normal`) or hard-refresh (`hard`).
pub const REFRESH_ANNOTATION: &str = "argocd.argoproj.io/refresh";

fn str_at<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut cur = v;
    for p in path {
        cur = &cur[*p];
    }
    cur.as_str().unwrap_or("")
}

pub fn parse_time(s: &str) -> Option<UnixMs> {
    let t = humantime::parse_rfc3339_weak(s).ok()?;
    t.duration_since(std::time::UNIX_EPOCH).ok().map(|d| d.as_millis() as i64)
}

fn format_time(ms: UnixMs) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms.max(0) as u64);
    humantime::format_rfc3339_seconds(t).to_string()
}

/// How Argo CD names an app: bare in its own namespace, `namespace/name` elsewhere.
pub fn qualified(namespace: &str, name: &str, control_ns: &str) -> String {
    if namespace.is_empty() || namespace == control_ns {
        name.to_string()
    } else {
        format!("{namespace}/{name}")
    }
}

/// The other way: (namespace, name) of a qualified app name.
pub fn split_qualified<'a>(app: &'a str, control_ns: &'a str) -> (&'a str, &'a str) {
    app.split_once('/').unwrap_or((control_ns, app))
}

fn sync_status(s: &str) -> SyncStatus {
    match s {
        "Synced" => SyncStatus::Synced,
        "OutOfSync" => SyncStatus::OutOfSync,
        _ => SyncStatus::Unknown,
    }
}

fn health_status(s: &str) -> HealthStatus {
    match s {
        "Healthy" => HealthStatus::Healthy,
        "Progressing" => HealthStatus::Progressing,
        "Degraded" => HealthStatus::Degraded,
        "Suspended" => HealthStatus::Suspended,
        "Missing" => HealthStatus::Missing,
        _ => HealthStatus::Unknown,
    }
}

fn phase(s: &str) -> Option<OperationPhase> {
    Some(match s {
        "Running" => OperationPhase::Running,
        "Terminating" => OperationPhase::Terminating,
        "Succeeded" => OperationPhase::Succeeded,
        "Failed" => OperationPhase::Failed,
        "Error" => OperationPhase::Error,
        _ => return None,
    })
}

/// The source of a single-source app, else the first of `spec.sources`.
fn source(spec: &Value) -> &Value {
    if spec["source"].is_object() { &spec["source"] } else { &spec["sources"][0] }
}

/// One Application. `now` dates an operation that was requested but not yet picked up by the
/// controller. The parent comes from the tracking label here; [`link_parents`] prefers what
/// a parent's own resources say.
pub fn from_application(obj: &Value, control_ns: &str, now: UnixMs) -> Option<ArgoApp> {
    let meta = &obj["metadata"];
    let name = meta["name"].as_str()?;
    let namespace = meta["namespace"].as_str().unwrap_or(control_ns);
    let (spec, status) = (&obj["spec"], &obj["status"]);
    let automated = &spec["syncPolicy"]["automated"];
    // Argo CD 3 can keep the policy but switch it off with `enabled: false`.
    let auto_sync = automated.is_object() && automated["enabled"].as_bool() != Some(false);
    let target_revision = match str_at(source(spec), &["targetRevision"]) {
        "" => "HEAD",
        r => r,
    };
    let synced_revision = match str_at(status, &["sync", "revision"]) {
        // A multi-source app lists one revision per source.
        "" => status["sync"]["revisions"][0].as_str().unwrap_or(""),
        r => r,
    }
    .to_string();

    let state = &status["operationState"];
    let op_state = phase(str_at(state, &["phase"])).map(|p| Operation {
        phase: p,
        message: str_at(state, &["message"]).to_string(),
        started_at: parse_time(str_at(state, &["startedAt"])).unwrap_or(0),
        finished_at: parse_time(str_at(state, &["finishedAt"])),
    });
    let running = op_state
        .as_ref()
        .filter(|o| matches!(o.phase, OperationPhase::Running | OperationPhase::Terminating));
    let operation = match (running, obj["operation"].is_object()) {
        (Some(o), _) => Some(o.clone()),
        // Requested (by us or someone else) but the controller has not started it yet: Argo CD
        // already refuses a second one.
        (None, true) => Some(Operation {
            phase: OperationPhase::Running,
            message: "waiting for the application controller to start it".into(),
            started_at: now,
            finished_at: None,
        }),
        (None, false) => None,
    };
    let history: Vec<SyncHistory> = status["history"]
        .as_array()
        .map(|h| {
            h.iter()
                .map(|e| SyncHistory {
                    id: e["id"].as_i64().unwrap_or(0),
                    revision: e["revision"]
                        .as_str()
                        .or_else(|| e["revisions"][0].as_str())
                        .unwrap_or("")
                        .to_string(),
                    deployed_at: parse_time(str_at(e, &["deployedAt"])).unwrap_or(0),
                    initiated_by: str_at(e, &["initiatedBy", "username"]).to_string(),
                })
                .collect()
        })
        .unwrap_or_default();
    let last_sync = match op_state {
        Some(o) if o.finished_at.is_some() && operation.is_none() => Some(o),
        // While one runs, the last finished one is the newest history entry.
        _ => history.last().map(|h| Operation {
            phase: OperationPhase::Succeeded,
            message: String::new(),
            started_at: h.deployed_at,
            finished_at: Some(h.deployed_at),
        }),
    };
    let conditions = status["conditions"]
        .as_array()
        .map(|cs| {
            cs.iter()
                .map(|c| AppCondition {
                    kind: str_at(c, &["type"]).to_string(),
                    message: str_at(c, &["message"]).to_string(),
                })
                .collect()
        })
        .unwrap_or_default();
    let resources = status["resources"]
        .as_array()
        .map(|rs| {
            rs.iter()
                .map(|r| AppResource {
                    kind: str_at(r, &["kind"]).to_string(),
                    namespace: str_at(r, &["namespace"]).to_string(),
                    name: str_at(r, &["name"]).to_string(),
                    sync: sync_status(str_at(r, &["status"])),
                    health: r["health"]["status"].as_str().map(health_status),
                })
                .collect()
        })
        .unwrap_or_default();
    let parent = meta["labels"][INSTANCE_LABEL].as_str().filter(|p| *p != name).map(|p| {
        // The label holds the bare name of an app in the control-plane namespace.
        p.to_string()
    });
    Some(ArgoApp {
        cluster: Default::default(),
        name: qualified(namespace, name, control_ns),
        project: match str_at(spec, &["project"]) {
            "" => "default".to_string(),
            p => p.to_string(),
        },
        parent,
        sync: sync_status(str_at(status, &["sync", "status"])),
        health: health_status(str_at(status, &["health", "status"])),
        target_revision: target_revision.to_string(),
        synced_revision,
        auto_sync,
        destination_namespace: str_at(spec, &["destination", "namespace"]).to_string(),
        last_sync,
        operation,
        conditions,
        resources,
        history,
        manifest: yaml(obj),
    })
}

/// Every app with its parent: an app whose managed resources include an Application owns it
/// (app of apps). Where no app claims one, the tracking label stands.
pub fn link_parents(apps: &mut [ArgoApp], control_ns: &str) {
    let mut owner: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for a in apps.iter() {
        for r in a.resources.iter().filter(|r| r.kind == "Application") {
            owner.insert(qualified(&r.namespace, &r.name, control_ns), a.name.clone());
        }
    }
    for a in apps.iter_mut() {
        if let Some(p) = owner.get(&a.name).filter(|p| **p != a.name) {
            a.parent = Some(p.clone());
        }
    }
}

/// Many Applications: mapped, linked, in name order.
pub fn apps_from(objs: &[&Value], control_ns: &str, now: UnixMs) -> Vec<ArgoApp> {
    linked(objs.iter().filter_map(|o| from_application(o, control_ns, now)).collect(), control_ns)
}

/// Apps mapped one by one (as they change), linked and put in name order.
pub fn linked(mut apps: Vec<ArgoApp>, control_ns: &str) -> Vec<ArgoApp> {
    link_parents(&mut apps, control_ns);
    apps.sort_by(|a, b| a.name.cmp(&b.name));
    apps
}

/// The nodes of a resource tree (`{"nodes": [{kind, namespace, name, health, parentRefs}]}`).
pub fn tree_nodes(body: &Value) -> Vec<TreeNode> {
    let id = |v: &Value| {
        format!("{}/{}/{}", str_at(v, &["kind"]), str_at(v, &["namespace"]), str_at(v, &["name"]))
    };
    body["nodes"]
        .as_array()
        .map(|ns| {
            ns.iter()
                .map(|n| TreeNode {
                    kind: str_at(n, &["kind"]).to_string(),
                    namespace: str_at(n, &["namespace"]).to_string(),
                    name: str_at(n, &["name"]).to_string(),
                    health: n["health"]["status"].as_str().map(health_status),
                    parent: n["parentRefs"].as_array().and_then(|p| p.first()).map(id),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// An object as YAML, without the bookkeeping `kubectl get -o yaml` also hides by default
/// (managed fields, the last-applied annotation).
pub fn yaml(obj: &Value) -> String {
    let mut v = obj.clone();
    // List items and watch events may leave the type out; `kubectl get -o yaml` shows it.
    if let Some(top) = v.as_object_mut() {
        top.entry("apiVersion").or_insert_with(|| json!("argoproj.io/v1alpha1"));
        top.entry("kind").or_insert_with(|| json!("Application"));
    }
    if let Some(m) = v["metadata"].as_object_mut() {
        m.remove("managedFields");
        if let Some(a) = m.get_mut("annotations").and_then(Value::as_object_mut) {
            a.remove("kubectl.kubernetes.io/last-applied-configuration");
        }
    }
    serde_saphyr::to_string(&v).unwrap_or_else(|e| format!("# cannot show as YAML: {e}\n"))
}

/// An `ArgoApp` as the Application Argo CD would store: what the demo shows as YAML and what
/// the tests' API servers serve. `from_application(to_application(a))` gives `a` back.
pub fn to_application(a: &ArgoApp, control_ns: &str) -> Value {
    let (ns, name) = split_qualified(&a.name, control_ns);
    let mut app = json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {"name": name, "namespace": ns},
        "spec": {
            "project": a.project,
            "source": {"repoURL": "https://git.example.com/platform.git",
                       "path": format!("apps/{name}"), "targetRevision": a.target_revision},
            "destination": {"server": "https://kubernetes.default.svc", "namespace": a.destination_namespace},
        },
        "status": {
            "sync": {"status": a.sync.label(), "revision": a.synced_revision},
            "health": {"status": a.health.label()},
            "conditions": a.conditions.iter().map(|c| json!({"type": c.kind, "message": c.message})).collect::<Vec<_>>(),
            "resources": a.resources.iter().map(|r| {
                let mut v = json!({"kind": r.kind, "namespace": r.namespace, "name": r.name, "status": r.sync.label()});
                if r.kind == "Application" {
                    v["group"] = json!("argoproj.io");
                }
                if let Some(h) = r.health {
                    v["health"] = json!({"status": h.label()});
                }
                v
            }).collect::<Vec<_>>(),
            "history": a.history.iter().map(|h| json!({"id": h.id, "revision": h.revision,
                "deployedAt": format_time(h.deployed_at), "initiatedBy": {"username": h.initiated_by}})).collect::<Vec<_>>(),
        },
    });
    if a.auto_sync {
        app["spec"]["syncPolicy"] = json!({"automated": {"prune": true, "selfHeal": true}});
    }
    if let Some(p) = &a.parent {
        app["metadata"]["labels"] = json!({INSTANCE_LABEL: p});
    }
    let op = a.operation.as_ref().or(a.last_sync.as_ref());
    if let Some(op) = op {
        let mut state = json!({"phase": op.phase.label(), "message": op.message,
            "startedAt": format_time(op.started_at)});
        if let Some(f) = op.finished_at {
            state["finishedAt"] = json!(format_time(f));
        }
        app["status"]["operationState"] = state;
    }
    if a.operation.is_some() {
        app["operation"] =
            json!({"sync": {"revision": a.target_revision}, "initiatedBy": {"username": "demo"}});
    }
    app
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
