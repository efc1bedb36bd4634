//! Discovery: /version, /api, /apis and the resource list of each group version.

use axum::response::Response;
use serde_json::{Value, json};

use super::Shared;
use super::http::{no_such_resource, respond};
use super::store::Kind;
use std::sync::atomic::Ordering;

pub fn discovery(shared: &Shared, path: &str) -> Option<Response> {
    let metrics = shared.metrics.load(Ordering::SeqCst);
    let db = shared.db.lock().unwrap();
    let served = || db.kinds().filter(move |k| metrics || k.group != "metrics.k8s.io");
    let body = match path.trim_end_matches('/') {
        "/version" => {
            json!({"major": "1", "minor": "30", "gitVersion": "v1.30.6-eks-test", "platform": "linux/amd64"})
        }
        "/api" => json!({"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]}),
        "/apis" => {
            let mut groups: Vec<(&str, &str)> = Vec::new();
            for k in served().filter(|k| !k.group.is_empty()) {
                if !groups.contains(&(k.group, k.version)) {
                    groups.push((k.group, k.version));
                }
            }
            let groups: Vec<Value> = groups
                .iter()
                .map(|(g, v)| {
                    let gv = json!({"groupVersion": format!("{g}/{v}"), "version": v});
                    json!({"name": g, "versions": [gv.clone()], "preferredVersion": gv})
                })
                .collect();
            json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
        }
        p => {
            let segs: Vec<&str> = p.trim_matches('/').split('/').collect();
            let (g, v) = match segs.as_slice() {
                ["api", v] => ("", *v),
                ["apis", g, v] => (*g, *v),
                _ => return None,
            };
            let kinds: Vec<&Kind> = served().filter(|k| k.group == g && k.version == v).collect();
            if kinds.is_empty() {
                return Some(no_such_resource());
            }
            let mut resources = Vec::new();
            for k in kinds {
                let verbs: &[&str] = if k.readonly {
                    &["get", "list"]
                } else {
                    &["create", "delete", "get", "list", "patch", "update", "watch"]
                };
                resources.push(json!({"name": k.plural, "singularName": k.kind.to_lowercase(),
                    "namespaced": k.namespaced, "kind": k.kind, "verbs": verbs,
                    "shortNames": short_names(&db, k)}));
                for sub in k.subresources {
                    let (kind, verbs) = match *sub {
                        "scale" => ("Scale", vec!["get", "patch", "update"]),
                        "log" => ("Pod", vec!["get"]),
                        "exec" => ("PodExecOptions", vec!["create", "get"]),
                        "portforward" => ("PodPortForwardOptions", vec!["create", "get"]),
                        _ => (k.kind, vec!["get", "patch", "update"]),
                    };
                    let mut r = json!({"name": format!("{}/{sub}", k.plural), "singularName": "",
                        "namespaced": k.namespaced, "kind": kind, "verbs": verbs});
                    if *sub == "scale" {
                        r["group"] = json!("autoscaling");
                        r["version"] = json!("v1");
                    }
                    resources.push(r);
                }
            }
            let gv = if g.is_empty() { v.to_string() } else { format!("{g}/{v}") };
            json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources})
        }
    };
    Some(respond(200, &body))
}

fn short_names(db: &super::store::Db, k: &Kind) -> Vec<String> {
    if let Some(crd) = db.crd_of(k) {
        let names = crd["spec"]["names"]["shortNames"].as_array().cloned().unwrap_or_default();
        return names.iter().filter_map(|n| n.as_str().map(str::to_string)).collect();
    }
    builtin_short_names(k.plural).into_iter().map(str::to_string).collect()
}

fn builtin_short_names(plural: &str) -> Vec<&'static str> {
    match plural {
        "services" => vec!["svc"],
        "configmaps" => vec!["cm"],
        "persistentvolumeclaims" => vec!["pvc"],
        "serviceaccounts" => vec!["sa"],
        "ingresses" => vec!["ing"],
        "cronjobs" => vec!["cj"],
        "customresourcedefinitions" => vec!["crd", "crds"],
        "pods" => vec!["po"],
        "nodes" => vec!["no"],
        "namespaces" => vec!["ns"],
        "events" => vec!["ev"],
        "deployments" => vec!["deploy"],
        "replicasets" => vec!["rs"],
        "statefulsets" => vec!["sts"],
        "daemonsets" => vec!["ds"],
        "horizontalpodautoscalers" => vec!["hpa"],
        "applications" => vec!["app", "apps"],
        _ => vec![],
    }
}
