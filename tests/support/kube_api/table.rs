//! The Table form (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`, what `kubectl get`
//! asks for): the columns and cells the API server's printers give each kind, a CRD's
//! `additionalPrinterColumns` for custom resources, Name and Created At for the rest.

use serde_json::{Value, json};

use super::store::{Db, Kind};

/// A column: name, type, format, priority (0 is shown by `kubectl get`, 1 by `-o wide`).
type Col = (&'static str, &'static str, &'static str, i64);

/// What a client asked for with `as=Table`: whether to embed the object (`includeObject`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Include {
    None,
    Metadata,
    Object,
}

impl Include {
    pub fn parse(q: Option<&str>) -> Include {
        match q {
            Some("None") => Include::None,
            Some("Object") => Include::Object,
            _ => Include::Metadata,
        }
    }
}

/// The Table of `objects` (one for a get or a watch event, a page for a list).
pub fn table(db: &Db, kind: &Kind, objects: &[Value], meta: Value, headers: bool, include: Include) -> Value {
    let (cols, custom) = columns(db, kind);
    let defs: Vec<Value> = cols
        .iter()
        .map(|(name, ty, format, priority)| {
            json!({"name": name, "type": ty, "format": format, "priority": priority,
                   "description": format!("{name} of the {}", kind.kind)})
        })
        .collect();
    let rows: Vec<Value> = objects
        .iter()
        .map(|o| {
            let cells = match &custom {
                Some(pc) => custom_cells(o, pc),
                None => cells(kind, o),
            };
            let object = match include {
                Include::None => Value::Null,
                Include::Metadata => json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                    "metadata": o["metadata"]}),
                Include::Object => o.clone(),
            };
            json!({"cells": cells, "object": object})
        })
        .collect();
    // On a watch, only the first event carries the columns, as the API server sends them.
    let defs = if headers { json!(defs) } else { Value::Null };
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": meta,
           "columnDefinitions": defs, "rows": rows})
}

/// The columns of a kind, and a custom resource's printer columns when its CRD has some.
fn columns(db: &Db, kind: &Kind) -> (Vec<Col>, Option<Vec<Value>>) {
    if let Some(crd) = db.crd_of(kind) {
        let pc =
            crd["spec"]["versions"][0]["additionalPrinterColumns"].as_array().cloned().unwrap_or_default();
        if pc.is_empty() {
            return (vec![("Name", "string", "name", 0), ("Age", "date", "", 0)], Some(Vec::new()));
        }
        let mut cols = vec![("Name", "string", "name", 0)];
        for c in &pc {
            let name = leak(c["name"].as_str().unwrap_or(""));
            let ty = leak(c["type"].as_str().unwrap_or("string"));
            cols.push((name, ty, "", c["priority"].as_i64().unwrap_or(0)));
        }
        return (cols, Some(pc));
    }
    let age = ("Age", "string", "", 0);
    let name = ("Name", "string", "name", 0);
    let cols = match kind.plural {
        "pods" => vec![
            name,
            ("Ready", "string", "", 0),
            ("Status", "string", "", 0),
            ("Restarts", "string", "", 0),
            age,
            ("IP", "string", "", 1),
            ("Node", "string", "", 1),
        ],
        "services" => vec![
            name,
            ("Type", "string", "", 0),
            ("Cluster-IP", "string", "", 0),
            ("External-IP", "string", "", 0),
            ("Port(s)", "string", "", 0),
            age,
            ("Selector", "string", "", 1),
        ],
        "configmaps" => vec![name, ("Data", "integer", "", 0), age],
        "secrets" => vec![name, ("Type", "string", "", 0), ("Data", "integer", "", 0), age],
        "serviceaccounts" => vec![name, ("Secrets", "integer", "", 0), age],
        "deployments" => vec![
            name,
            ("Ready", "string", "", 0),
            ("Up-to-date", "integer", "", 0),
            ("Available", "integer", "", 0),
            age,
            ("Containers", "string", "", 1),
            ("Images", "string", "", 1),
        ],
        "replicasets" => vec![
            name,
            ("Desired", "integer", "", 0),
            ("Current", "integer", "", 0),
            ("Ready", "integer", "", 0),
            age,
            ("Images", "string", "", 1),
        ],
        "statefulsets" => vec![name, ("Ready", "string", "", 0), age, ("Images", "string", "", 1)],
        "daemonsets" => vec![
            name,
            ("Desired", "integer", "", 0),
            ("Current", "integer", "", 0),
            ("Ready", "integer", "", 0),
            ("Up-to-date", "integer", "", 0),
            ("Available", "integer", "", 0),
            age,
        ],
        "nodes" => vec![name, ("Status", "string", "", 0), ("Roles", "string", "", 0), age],
        "namespaces" => vec![name, ("Status", "string", "", 0), age],
        "horizontalpodautoscalers" => vec![
            name,
            ("Reference", "string", "", 0),
            ("MinPods", "string", "", 0),
            ("MaxPods", "integer", "", 0),
            ("Replicas", "integer", "", 0),
            age,
        ],
        "ingresses" => {
            vec![
                name,
                ("Class", "string", "", 0),
                ("Hosts", "string", "", 0),
                ("Ports", "string", "", 0),
                age,
            ]
        }
        "persistentvolumeclaims" => vec![
            name,
            ("Status", "string", "", 0),
            ("Volume", "string", "", 0),
            ("Capacity", "string", "", 0),
            ("Access Modes", "string", "", 0),
            ("StorageClass", "string", "", 0),
            age,
        ],
        "jobs" => vec![name, ("Completions", "string", "", 0), age],
        "cronjobs" => vec![
            name,
            ("Schedule", "string", "", 0),
            ("Suspend", "boolean", "", 0),
            ("Active", "integer", "", 0),
            age,
        ],
        "controllerrevisions" => {
            vec![name, ("Controller", "string", "", 0), ("Revision", "integer", "", 0), age]
        }
        "events" => vec![
            ("Last Seen", "string", "", 0),
            ("Type", "string", "", 0),
            ("Reason", "string", "", 0),
            ("Object", "string", "", 0),
            ("Message", "string", "", 0),
        ],
        _ => vec![name, ("Created At", "date", "", 0)],
    };
    (cols, None)
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

fn s(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn count(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

fn none_if_empty(v: String) -> String {
    if v.is_empty() { "<none>".into() } else { v }
}

/// The age of an RFC 3339 time, as the API server's `HumanDuration` writes it.
pub fn age(t: &Value) -> String {
    let Some(at) = t.as_str().and_then(|t| humantime::parse_rfc3339(t).ok()) else {
        return "<unknown>".into();
    };
    match std::time::SystemTime::now().duration_since(at) {
        Ok(d) => human(d.as_secs()),
        Err(_) => "0s".into(),
    }
}

pub fn human(secs: u64) -> String {
    let (m, h, d) = (secs / 60, secs / 3600, secs / 86_400);
    if secs < 120 {
        format!("{secs}s")
    } else if m < 10 {
        if secs.is_multiple_of(60) { format!("{m}m") } else { format!("{m}m{}s", secs % 60) }
    } else if m < 180 {
        format!("{m}m")
    } else if h < 8 {
        if m % 60 == 0 { format!("{h}h") } else { format!("{h}h{}m", m % 60) }
    } else if h < 48 {
        format!("{h}h")
    } else if h < 24 * 8 {
        if h % 24 == 0 { format!("{d}d") } else { format!("{d}d{}h", h % 24) }
    } else if d < 365 * 2 {
        format!("{d}d")
    } else if d < 365 * 8 {
        format!("{}y{}d", d / 365, d % 365)
    } else {
        format!("{}y", d / 365)
    }
}

fn images(template: &Value) -> (String, String) {
    let cs = template["spec"]["containers"].as_array().cloned().unwrap_or_default();
    let names: Vec<String> = cs.iter().map(|c| s(&c["name"])).collect();
    let images: Vec<String> = cs.iter().map(|c| s(&c["image"])).collect();
    (names.join(","), images.join(","))
}

/// A pod's STATUS column as kubectl's printer reasons it out.
fn pod_status(o: &Value) -> String {
    let mut reason =
        o["status"]["reason"].as_str().or(o["status"]["phase"].as_str()).unwrap_or("").to_string();
    for c in o["status"]["containerStatuses"].as_array().into_iter().flatten() {
        if let Some(r) = c["state"]["waiting"]["reason"].as_str().filter(|r| !r.is_empty()) {
            reason = r.to_string();
        } else if let Some(r) = c["state"]["terminated"]["reason"].as_str() {
            reason = r.to_string();
        }
    }
    if !o["metadata"]["deletionTimestamp"].is_null() {
        reason = "Terminating".into();
    }
    reason
}

fn pod_cells(o: &Value) -> Vec<Value> {
    let statuses = o["status"]["containerStatuses"].as_array().cloned().unwrap_or_default();
    let total = o["spec"]["containers"].as_array().map_or(0, Vec::len);
    let ready = statuses.iter().filter(|c| c["ready"].as_bool() == Some(true)).count();
    let restarts: i64 = statuses.iter().map(|c| count(&c["restartCount"])).sum();
    let last = statuses.iter().filter_map(|c| c["lastState"]["terminated"]["finishedAt"].as_str()).max();
    let restarts = match last {
        Some(t) if restarts > 0 => format!("{restarts} ({} ago)", age(&json!(t))),
        _ => restarts.to_string(),
    };
    vec![
        json!(format!("{ready}/{total}")),
        json!(pod_status(o)),
        json!(restarts),
        json!(age(&o["metadata"]["creationTimestamp"])),
        json!(none_if_empty(s(&o["status"]["podIP"]))),
        json!(none_if_empty(s(&o["spec"]["nodeName"]))),
    ]
}

fn service_cells(o: &Value) -> Vec<Value> {
    let spec = &o["spec"];
    let ports: Vec<String> = spec["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let proto = p["protocol"].as_str().unwrap_or("TCP");
            match p["nodePort"].as_i64() {
                Some(n) => format!("{}:{n}/{proto}", count(&p["port"])),
                None => format!("{}/{proto}", count(&p["port"])),
            }
        })
        .collect();
    let selector: Vec<String> =
        spec["selector"].as_object().into_iter().flatten().map(|(k, v)| format!("{k}={}", s(v))).collect();
    let external = o["status"]["loadBalancer"]["ingress"][0]["hostname"].as_str().unwrap_or("<none>");
    vec![
        json!(spec["type"].as_str().unwrap_or("ClusterIP")),
        json!(none_if_empty(s(&spec["clusterIP"]))),
        json!(external),
        json!(none_if_empty(ports.join(","))),
        json!(age(&o["metadata"]["creationTimestamp"])),
        json!(none_if_empty(selector.join(","))),
    ]
}

fn cells(kind: &Kind, o: &Value) -> Vec<Value> {
    let name = json!(s(&o["metadata"]["name"]));
    let created = json!(age(&o["metadata"]["creationTimestamp"]));
    let (spec, status) = (&o["spec"], &o["status"]);
    let mut out = vec![name.clone()];
    match kind.plural {
        "pods" => out.extend(pod_cells(o)),
        "services" => out.extend(service_cells(o)),
        "configmaps" => {
            let n = o["data"].as_object().map_or(0, |m| m.len())
                + o["binaryData"].as_object().map_or(0, |m| m.len());
            out.extend([json!(n), created]);
        }
        "secrets" => {
            let n = o["data"].as_object().map_or(0, |m| m.len());
            out.extend([json!(o["type"].as_str().unwrap_or("Opaque")), json!(n), created]);
        }
        "serviceaccounts" => out.extend([json!(o["secrets"].as_array().map_or(0, Vec::len)), created]),
        "deployments" => {
            let (c, i) = images(&spec["template"]);
            let ready = format!("{}/{}", count(&status["readyReplicas"]), count(&spec["replicas"]));
            out.extend([
                json!(ready),
                json!(count(&status["updatedReplicas"])),
                json!(count(&status["availableReplicas"])),
                created,
                json!(c),
                json!(i),
            ]);
        }
        "replicasets" => {
            let (_, i) = images(&spec["template"]);
            out.extend([
                json!(count(&spec["replicas"])),
                json!(count(&status["replicas"])),
                json!(count(&status["readyReplicas"])),
                created,
                json!(i),
            ]);
        }
        "statefulsets" => {
            let (_, i) = images(&spec["template"]);
            let ready = format!("{}/{}", count(&status["readyReplicas"]), count(&spec["replicas"]));
            out.extend([json!(ready), created, json!(i)]);
        }
        "daemonsets" => out.extend([
            json!(count(&status["desiredNumberScheduled"])),
            json!(count(&status["currentNumberScheduled"])),
            json!(count(&status["numberReady"])),
            json!(count(&status["updatedNumberScheduled"])),
            json!(count(&status["numberAvailable"])),
            created,
        ]),
        "nodes" => {
            let ready = status["conditions"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|c| c["type"] == "Ready")
                .map_or("Unknown", |c| if c["status"] == "True" { "Ready" } else { "NotReady" });
            let mut st = ready.to_string();
            if spec["unschedulable"].as_bool() == Some(true) {
                st.push_str(",SchedulingDisabled");
            }
            out.extend([json!(st), json!("<none>"), created]);
        }
        "namespaces" => out.extend([json!(s(&status["phase"])), created]),
        "horizontalpodautoscalers" => {
            let r = &spec["scaleTargetRef"];
            out.extend([
                json!(format!("{}/{}", s(&r["kind"]), s(&r["name"]))),
                json!(count(&spec["minReplicas"]).to_string()),
                json!(count(&spec["maxReplicas"])),
                json!(count(&status["currentReplicas"])),
                created,
            ]);
        }
        "ingresses" => {
            let hosts: Vec<String> =
                spec["rules"].as_array().into_iter().flatten().map(|r| s(&r["host"])).collect();
            let ports = if spec["tls"].as_array().is_some_and(|t| !t.is_empty()) { "80, 443" } else { "80" };
            out.extend([
                json!(none_if_empty(s(&spec["ingressClassName"]))),
                json!(none_if_empty(hosts.join(","))),
                json!(ports),
                created,
            ]);
        }
        "persistentvolumeclaims" => {
            let modes: Vec<&str> = spec["accessModes"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|m| match m.as_str() {
                    Some("ReadWriteOnce") => "RWO",
                    Some("ReadOnlyMany") => "ROX",
                    Some("ReadWriteMany") => "RWX",
                    _ => "?",
                })
                .collect();
            out.extend([
                json!(s(&status["phase"])),
                json!(s(&spec["volumeName"])),
                json!(s(&status["capacity"]["storage"])),
                json!(modes.join(",")),
                json!(s(&spec["storageClassName"])),
                created,
            ]);
        }
        "jobs" => {
            let done =
                format!("{}/{}", count(&status["succeeded"]), spec["completions"].as_i64().unwrap_or(1));
            out.extend([json!(done), created]);
        }
        "cronjobs" => out.extend([
            json!(s(&spec["schedule"])),
            json!(spec["suspend"].as_bool().unwrap_or(false)),
            json!(status["active"].as_array().map_or(0, Vec::len)),
            created,
        ]),
        "controllerrevisions" => {
            let owner = &o["metadata"]["ownerReferences"][0];
            let group = s(&owner["apiVersion"]).split('/').next().unwrap_or("").to_string();
            let ctl = format!("{}.{group}/{}", s(&owner["kind"]).to_lowercase(), s(&owner["name"]));
            out.extend([json!(ctl), json!(count(&o["revision"])), created]);
        }
        "events" => {
            let io = &o["involvedObject"];
            return vec![
                json!(age(&o["lastTimestamp"])),
                json!(s(&o["type"])),
                json!(s(&o["reason"])),
                json!(format!("{}/{}", s(&io["kind"]).to_lowercase(), s(&io["name"]))),
                json!(s(&o["message"])),
            ];
        }
        _ => out.push(o["metadata"]["creationTimestamp"].clone()),
    }
    out
}

/// A custom resource's cells from its CRD's printer columns (simple `.a.b[0].c` paths).
fn custom_cells(o: &Value, pc: &[Value]) -> Vec<Value> {
    let mut out = vec![json!(s(&o["metadata"]["name"]))];
    if pc.is_empty() {
        out.push(json!(age(&o["metadata"]["creationTimestamp"])));
        return out;
    }
    for c in pc {
        let v = json_path(o, c["jsonPath"].as_str().unwrap_or(""));
        out.push(match c["type"].as_str() {
            Some("date") => json!(age(&v)),
            _ => v,
        });
    }
    out
}

/// The value at a printer column's JSONPath (dotted fields and `[n]` indexes, the common forms).
fn json_path(o: &Value, path: &str) -> Value {
    let mut cur = o;
    for part in path.trim_start_matches('.').split('.').filter(|p| !p.is_empty()) {
        let (field, index) = match part.split_once('[') {
            Some((f, rest)) => (f, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        cur = &cur[field];
        if let Some(i) = index {
            cur = &cur[i];
        }
    }
    cur.clone()
}
