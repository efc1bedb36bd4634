//! A sync's plan from Argo CD's managed resources (`GET /api/v1/applications/{name}/
//! managed-resources`: each resource's live and desired state as JSON text): what is created,
//! changed or pruned, the YAML diff of live against desired, and which changes restart pods.
//! Pure functions of JSON.

use serde_json::Value;
use similar::{ChangeTag, TextDiff};

use crate::state::sync_plan::{Change, DiffLine, PlannedResource};

/// Unchanged lines kept around each change.
const CONTEXT: usize = 3;
/// A resource's diff is cut after this many lines (the rest is said as skipped).
const MAX_LINES: usize = 400;
/// Kinds whose pod template, when it changes, replaces their pods.
const POD_TEMPLATES: &[&str] = &["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"];

/// A state as Argo CD sends it: JSON in a string, `"null"` or empty when absent.
fn state(item: &Value, keys: &[&str]) -> Option<Value> {
    keys.iter().find_map(|k| {
        let s = item[*k].as_str()?;
        let v: Value = serde_json::from_str(s).ok()?;
        (!v.is_null()).then_some(v)
    })
}

/// What the cluster and the controllers add, which a diff of intent should not show.
fn strip(mut v: Value) -> Value {
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        for k in ["managedFields", "resourceVersion", "uid", "generation", "creationTimestamp", "selfLink"] {
            meta.remove(k);
        }
        if let Some(a) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
            a.remove("kubectl.kubernetes.io/last-applied-configuration");
            a.remove("deployment.kubernetes.io/revision");
            if a.is_empty() {
                meta.remove("annotations");
            }
        }
    }
    if let Some(o) = v.as_object_mut() {
        o.remove("status");
    }
    v
}

fn yaml(v: &Value) -> String {
    serde_saphyr::to_string(v).unwrap_or_else(|_| serde_json::to_string_pretty(v).unwrap_or_default())
}

/// The diff of live against desired as lines, with `CONTEXT` lines around each change.
pub fn diff(live: &str, desired: &str) -> Vec<DiffLine> {
    let text = TextDiff::from_lines(live, desired);
    let mut out = Vec::new();
    let mut last_end = 0;
    for group in text.grouped_ops(CONTEXT) {
        let start = group.first().map_or(0, |op| op.old_range().start);
        if start > last_end {
            out.push(DiffLine::Skipped(start - last_end));
        }
        for op in &group {
            for change in text.iter_changes(op) {
                let line = change.value().trim_end_matches('\n').to_string();
                out.push(match change.tag() {
                    ChangeTag::Equal => DiffLine::Same(line),
                    ChangeTag::Delete => DiffLine::Live(line),
                    ChangeTag::Insert => DiffLine::Desired(line),
                });
            }
        }
        last_end = group.last().map_or(last_end, |op| op.old_range().end);
        if out.len() > MAX_LINES {
            out.truncate(MAX_LINES);
            out.push(DiffLine::Skipped(0));
            return out;
        }
    }
    out
}

/// One managed resource: its change, whether it restarts pods, its diff.
pub fn planned(item: &Value) -> PlannedResource {
    let s = |k: &str| item[k].as_str().unwrap_or("").to_string();
    let live = state(item, &["normalizedLiveState", "liveState"]).map(strip);
    let desired = state(item, &["predictedLiveState", "targetState"]).map(strip);
    let kind = s("kind");
    let change = match (&live, &desired) {
        (None, Some(_)) => Change::Create,
        (Some(_), None) => Change::Prune,
        (Some(l), Some(d)) if l != d => Change::Change,
        _ => Change::None,
    };
    let template = |v: &Option<Value>| v.as_ref().map(|v| v["spec"]["template"].clone());
    let restarts_pods = POD_TEMPLATES.contains(&kind.as_str())
        && matches!(change, Change::Change | Change::Create)
        && template(&live) != template(&desired);
    let text = |v: &Option<Value>| v.as_ref().map(yaml).unwrap_or_default();
    let diff = if change == Change::None { Vec::new() } else { diff(&text(&live), &text(&desired)) };
    PlannedResource { kind, namespace: s("namespace"), name: s("name"), change, restarts_pods, diff }
}

/// The managed-resources answer's items as a plan. Hooks run during a sync but are not
/// resources it keeps: they are left out.
pub fn from_managed(items: &[Value]) -> Vec<PlannedResource> {
    items.iter().filter(|i| i["hook"].as_bool() != Some(true)).map(planned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(kind: &str, live: Option<Value>, target: Option<Value>) -> Value {
        let text = |v: Option<Value>| v.map_or("null".to_string(), |v| v.to_string());
        json!({"kind": kind, "namespace": "storefront", "name": "cart", "group": "apps",
            "liveState": text(live), "targetState": text(target)})
    }

    fn deploy(image: &str, replicas: u32) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "cart", "namespace": "storefront", "resourceVersion": "812", "uid": "u"},
            "spec": {"replicas": replicas, "template": {"spec": {"containers": [{"name": "cart", "image": image}]}}},
            "status": {"readyReplicas": 1}})
    }

    #[test]
    fn an_image_change_restarts_pods_and_its_diff_names_both_images() {
        let p =
            planned(&item("Deployment", Some(deploy("cart:2.5.0-rc1", 3)), Some(deploy("cart:2.4.3", 3))));
        assert_eq!((p.change, p.restarts_pods), (Change::Change, true));
        assert!(p.diff.contains(&DiffLine::Live("      - image: cart:2.5.0-rc1".into())), "{:#?}", p.diff);
        assert!(p.diff.contains(&DiffLine::Desired("      - image: cart:2.4.3".into())), "{:#?}", p.diff);
        assert!(
            !p.diff
                .iter()
                .any(|l| matches!(l, DiffLine::Live(s) | DiffLine::Desired(s) if s.contains("812")))
        );
    }

    #[test]
    fn a_replica_change_does_not_restart_and_creates_and_prunes_are_told_apart() {
        let p = planned(&item("Deployment", Some(deploy("a", 2)), Some(deploy("a", 4))));
        assert_eq!((p.change, p.restarts_pods), (Change::Change, false));
        assert_eq!(planned(&item("ConfigMap", None, Some(json!({"data": {}})))).change, Change::Create);
        assert_eq!(planned(&item("ConfigMap", Some(json!({"data": {}})), None)).change, Change::Prune);
        let same = planned(&item("Service", Some(deploy("a", 1)), Some(deploy("a", 1))));
        assert_eq!((same.change, same.diff.len()), (Change::None, 0));
    }
}
