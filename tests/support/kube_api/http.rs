// Handlers answer errors as the HTTP response itself; boxing them would only add noise.
#![allow(clippy::result_large_err)]

//! The HTTP side of the test API server: discovery, and per resource list / watch / get /
//! create / update / patch / delete, the scale and status subresources and pod logs, with
//! Status errors shaped as the real server's.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Uri, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::select::Selector;
use super::store::Kind;
use super::{FaultKind, Recorded, Shared};
use super::{discovery, patch, stream};

pub fn respond(code: u16, body: &Value) -> Response {
    Response::builder()
        .status(code)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(serde_json::to_vec(body).unwrap()))
        .unwrap()
}

/// The API server's 404 for a path it does not serve.
pub fn no_such_resource() -> Response {
    status(404, "NotFound", "the server could not find the requested resource", json!({}))
}

pub fn status(code: u16, reason: &str, message: &str, details: Value) -> Response {
    respond(
        code,
        &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": message, "reason": reason, "details": details, "code": code}),
    )
}

pub fn not_found(kind: &Kind, name: &str) -> Response {
    let d = json!({"name": name, "group": kind.group, "kind": kind.plural});
    status(404, "NotFound", &format!("{} \"{name}\" not found", kind.qualified()), d)
}

pub fn bad_request(msg: &str) -> Response {
    status(400, "BadRequest", msg, json!({}))
}

/// What a resource path names.
pub struct Target {
    pub kind: &'static Kind,
    pub ns: Option<String>,
    pub name: Option<String>,
    pub sub: Option<String>,
}

fn parse_path(shared: &Shared, path: &str) -> Result<Target, Response> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, version, rest) = match segs.as_slice() {
        ["api", v, rest @ ..] => ("", *v, rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => {
            return Err(no_such_resource());
        }
    };
    let (ns, rest) = match rest {
        ["namespaces", ns, plural, more @ ..] => (Some(ns.to_string()), [&[*plural][..], more].concat()),
        other => (None, other.to_vec()),
    };
    let db = shared.db.lock().unwrap();
    let Some(kind) = rest.first().and_then(|p| db.find_kind(group, version, p)) else {
        return Err(no_such_resource());
    };
    Ok(Target { kind, ns, name: rest.get(1).map(|s| s.to_string()), sub: rest.get(2).map(|s| s.to_string()) })
}

fn query_map(uri: &Uri) -> HashMap<String, String> {
    uri.query()
        .map(|q| {
            serde_urlencoded::from_str::<Vec<(String, String)>>(q).unwrap_or_default().into_iter().collect()
        })
        .unwrap_or_default()
}

pub async fn handle(
    shared: Arc<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type =
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    shared.requests.lock().unwrap().push(Recorded {
        method: method.to_string(),
        path: uri.path().to_string(),
        query: uri.query().unwrap_or("").to_string(),
        content_type: content_type.clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
        headers: super::upgrade::header_pairs(&headers),
    });
    if shared.down.load(Ordering::SeqCst) {
        // A keep-alive connection opened before the server went down: close it.
        return Response::builder()
            .status(503)
            .header(header::CONNECTION, "close")
            .body(Body::empty())
            .unwrap();
    }
    // As the API server with anonymous auth on: no credentials is the anonymous user (kubectl
    // sends none over plain HTTP); wrong credentials are refused.
    let auth = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    if auth.is_some_and(|a| a != format!("Bearer {}", shared.token.lock().unwrap())) {
        return status(401, "Unauthorized", "Unauthorized", json!({}));
    }
    let path = uri.path();
    if let Some(r) = discovery::discovery(&shared, path) {
        return r;
    }
    let target = match parse_path(&shared, path) {
        Ok(t) => t,
        Err(r) => return r,
    };
    if target.kind.group == "metrics.k8s.io" && !shared.metrics.load(Ordering::SeqCst) {
        return no_such_resource();
    }
    let mut q = query_map(&uri);
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
    if accept.contains("as=PartialObjectMetadata") {
        // Internal marker, not a real parameter: answer metadata only, as the server does.
        q.insert("__metadata_only".into(), "true".into());
    }
    if accept.contains("as=Table") {
        // Another marker: answer in the Table form, what `kubectl get` prints.
        q.insert("__table".into(), "true".into());
    }
    let verb = match (&method, &target.name, q.get("watch").map(String::as_str)) {
        (&Method::GET, None, Some("true" | "1")) => "watch",
        (&Method::GET, None, _) => "list",
        (&Method::GET, Some(_), _) => "get",
        (&Method::POST, _, _) => "create",
        (&Method::PUT, _, _) => "update",
        (&Method::PATCH, _, _) => "patch",
        (&Method::DELETE, _, _) => "delete",
        _ => return status(405, "MethodNotAllowed", "the server does not allow this method", json!({})),
    };
    if let Some(r) = fault(&shared, &target, verb).await {
        return r;
    }
    if target.kind.readonly && !matches!(verb, "get" | "list") {
        return status(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
            json!({}),
        );
    }
    let result = match (verb, target.sub.as_deref()) {
        (_, Some("proxy")) if target.kind.plural == "services" => {
            return super::proxy::service(&shared, &target, &method, &uri, body).await;
        }
        ("watch", _) => return stream::watch(&shared, &target, &q),
        ("list", _) => list(&shared, &target, &q),
        ("get", Some("log")) => return stream::logs(&shared, &target, &q).await,
        ("get", Some("scale")) => get_scale(&shared, &target),
        ("get", _) => get(&shared, &target, &q),
        ("create", None) => create(&shared, &target, &body),
        ("update" | "patch", sub) => {
            let input = match parse_body(&body) {
                Ok(v) => v,
                Err(r) => return r,
            };
            write(&shared, &target, sub, verb, &content_type, &input)
        }
        ("delete", None) => delete(&shared, &target, &q, &body),
        _ => Err(no_such_resource()),
    };
    result.unwrap_or_else(|r| r)
}

/// Record a request that is not read as a body (a protocol upgrade).
pub fn record(shared: &Shared, req: &axum::extract::Request, body: &str) {
    shared.requests.lock().unwrap().push(Recorded {
        method: req.method().to_string(),
        path: req.uri().path().to_string(),
        query: req.uri().query().unwrap_or("").to_string(),
        content_type: String::new(),
        body: body.to_string(),
        headers: super::upgrade::header_pairs(req.headers()),
    });
}

fn parse_body(body: &Bytes) -> Result<Value, Response> {
    serde_json::from_slice(body).map_err(|e| bad_request(&format!("error decoding request body: {e}")))
}

async fn fault(shared: &Shared, t: &Target, verb: &str) -> Option<Response> {
    let faults = shared.faults.lock().unwrap().clone();
    for f in faults {
        // `pods/log` names a subresource alone; `pods` covers its subresources too.
        let resource = match &t.sub {
            Some(sub) => format!("{}/{sub}", t.kind.plural),
            None => t.kind.plural.to_string(),
        };
        // `pods.metrics.k8s.io` names one group's resource, as kubectl does.
        let qualified = format!("{}.{}", t.kind.plural, t.kind.group);
        let kind_hit =
            f.plural == t.kind.plural || f.plural == "*" || f.plural == resource || f.plural == qualified;
        // A cluster-wide request needs the right in every namespace, so it is refused too.
        let ns_hit = f.namespace.is_none() || t.ns.is_none() || f.namespace == t.ns;
        let verb_hit = f.verb.as_deref().is_none_or(|v| v == verb);
        if !(kind_hit && ns_hit && verb_hit) {
            continue;
        }
        match f.kind {
            FaultKind::Slow(d) => tokio::time::sleep(d).await,
            FaultKind::Malformed => return Some(cut_short(verb)),
            FaultKind::Expired if verb == "watch" => {
                let st = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                    "message": "too old resource version: 1 (2)", "reason": "Expired", "code": 410});
                let line = format!("{}\n", json!({"type": "ERROR", "object": st}));
                return Some(
                    Response::builder()
                        .status(200)
                        .header(header::CONTENT_TYPE, "application/json")
                        .body(Body::from(line))
                        .unwrap(),
                );
            }
            FaultKind::Expired => {}
            FaultKind::Throttled(secs) => {
                // What API priority and fairness sends: plain text, the wait in a header only.
                return Some(
                    Response::builder()
                        .status(429)
                        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
                        .header(header::RETRY_AFTER, secs.to_string())
                        .body(Body::from("Too many requests, please try again later.\n"))
                        .unwrap(),
                );
            }
            FaultKind::Unavailable(secs) => {
                let mut r = status(
                    503,
                    "ServiceUnavailable",
                    "the server is currently unable to handle the request",
                    json!({}),
                );
                r.headers_mut().insert(header::RETRY_AFTER, secs.to_string().parse().unwrap());
                return Some(r);
            }
            FaultKind::Status(401) => return Some(status(401, "Unauthorized", "Unauthorized", json!({}))),
            // What the API server answers for a resource it does not serve (a CRD not installed).
            FaultKind::Status(404) => return Some(no_such_resource()),
            FaultKind::Status(403) => {
                let scope = match &t.ns {
                    Some(ns) => format!("in the namespace \"{ns}\""),
                    None => "at the cluster scope".to_string(),
                };
                let msg = format!(
                    "{} is forbidden: User \"system:serviceaccount:test:viewer\" cannot {verb} resource \"{}\" in API group \"{}\" {scope}",
                    t.kind.qualified(),
                    resource,
                    t.kind.group
                );
                return Some(status(
                    403,
                    "Forbidden",
                    &msg,
                    json!({"group": t.kind.group, "kind": t.kind.plural}),
                ));
            }
            FaultKind::Status(code) => {
                return Some(status(
                    code,
                    "InternalError",
                    "Internal error occurred: injected by the test server",
                    json!({}),
                ));
            }
        }
    }
    None
}

/// A 200 whose body a proxy cut short: a list stops mid-object; a watch's first event stops
/// mid-line and the stream ends there.
fn cut_short(verb: &str) -> Response {
    let body = match verb {
        "watch" => "{\"type\": \"ADDED\", \"object\": {\"metadata\": {\"name\": \"",
        _ => "{\"kind\": \"List\", \"items\": [ {\"metadata\": ",
    };
    Response::builder()
        .status(200)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap()
}

pub fn selector(q: &HashMap<String, String>) -> Result<Selector, Response> {
    Selector::parse(q.get("labelSelector").map(String::as_str), q.get("fieldSelector").map(String::as_str))
        .map_err(|e| bad_request(&e))
}

/// What a client asking for `as=PartialObjectMetadata` gets instead of the object.
pub fn metadata_only(o: &Value) -> Value {
    json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": o["metadata"]})
}

fn strip_type(mut v: Value) -> Value {
    // List items come without kind and apiVersion, as from the real server.
    if let Some(m) = v.as_object_mut() {
        m.remove("kind");
        m.remove("apiVersion");
    }
    v
}

fn list(shared: &Shared, t: &Target, q: &HashMap<String, String>) -> Result<Response, Response> {
    let sel = selector(q)?;
    let db = shared.db.lock().unwrap();
    let (rv, after) = match q.get("continue").filter(|c| !c.is_empty()) {
        Some(token) => {
            let decoded = decode_continue(token).ok_or_else(|| bad_request("invalid continue token"))?;
            if decoded.0 < db.floor() {
                return Err(status(
                    410,
                    "Expired",
                    "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.",
                    json!({}),
                ));
            }
            (decoded.0, Some((decoded.1, decoded.2)))
        }
        None => (db.rv(), None),
    };
    let limit: usize = q.get("limit").and_then(|l| l.parse().ok()).filter(|l| *l > 0).unwrap_or(usize::MAX);
    // Cluster-scoped objects are keyed with an empty namespace.
    let after = after.map(|(ns, name)| (if t.kind.namespaced { ns } else { String::new() }, name));
    let count = sel.is_empty();
    let (items, remaining) = db.page(t.kind, t.ns.as_deref(), after, limit, |o| sel.matches(o), count);
    let mut meta = json!({"resourceVersion": rv.to_string()});
    if remaining > 0 {
        let last = items.last().unwrap();
        let token = encode_continue(
            rv,
            last["metadata"]["namespace"].as_str().unwrap_or(""),
            last["metadata"]["name"].as_str().unwrap_or(""),
        );
        meta["continue"] = json!(token);
        // As the real server: no count under a selector (it would have to match them all).
        if count {
            meta["remainingItemCount"] = json!(remaining);
        }
    }
    if q.contains_key("__table") {
        let include = super::table::Include::parse(q.get("includeObject").map(String::as_str));
        return Ok(respond(200, &super::table::table(&db, t.kind, &items, meta, true, include)));
    }
    // The body is made without the lock: a list of 100,000 PodMetrics (tens of MB) must not
    // hold every other request back, as the real API server and metrics-server do not.
    drop(db);
    let meta_only = q.contains_key("__metadata_only");
    let items: Vec<Value> =
        items.into_iter().map(|o| if meta_only { metadata_only(&o) } else { strip_type(o) }).collect();
    let (kind, api_version) = if meta_only {
        ("PartialObjectMetadataList".to_string(), "meta.k8s.io/v1".to_string())
    } else {
        (format!("{}List", t.kind.kind), t.kind.api_version())
    };
    let body = json!({"kind": kind, "apiVersion": api_version, "metadata": meta, "items": items});
    Ok(respond(200, &body))
}

fn encode_continue(rv: u64, ns: &str, name: &str) -> String {
    format!("{rv}|{ns}|{name}").bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode_continue(token: &str) -> Option<(u64, String, String)> {
    let bytes: Option<Vec<u8>> =
        (0..token.len()).step_by(2).map(|i| u8::from_str_radix(token.get(i..i + 2)?, 16).ok()).collect();
    let s = String::from_utf8(bytes?).ok()?;
    let mut parts = s.splitn(3, '|');
    Some((parts.next()?.parse().ok()?, parts.next()?.to_string(), parts.next()?.to_string()))
}

pub fn object_key(t: &Target) -> (String, String) {
    (t.ns.clone().unwrap_or_default(), t.name.clone().unwrap_or_default())
}

fn get(shared: &Shared, t: &Target, q: &HashMap<String, String>) -> Result<Response, Response> {
    let (ns, name) = object_key(t);
    let db = shared.db.lock().unwrap();
    let obj = db.get(t.kind, &ns, &name).ok_or_else(|| not_found(t.kind, &name))?;
    if q.contains_key("__table") {
        let include = super::table::Include::parse(q.get("includeObject").map(String::as_str));
        let meta = json!({"resourceVersion": obj["metadata"]["resourceVersion"]});
        return Ok(respond(200, &super::table::table(&db, t.kind, &[obj], meta, true, include)));
    }
    Ok(respond(200, &obj))
}

fn scale_of(obj: &Value) -> Value {
    let meta = &obj["metadata"];
    let selector = obj["spec"]["selector"]["matchLabels"]
        .as_object()
        .map(|m| {
            m.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or(""))).collect::<Vec<_>>().join(",")
        })
        .unwrap_or_default();
    json!({"kind": "Scale", "apiVersion": "autoscaling/v1",
        "metadata": {"name": meta["name"], "namespace": meta["namespace"], "uid": meta["uid"],
                     "resourceVersion": meta["resourceVersion"], "creationTimestamp": meta["creationTimestamp"]},
        "spec": {"replicas": obj["spec"]["replicas"].as_i64().unwrap_or(1)},
        "status": {"replicas": obj["status"]["replicas"].as_i64().unwrap_or(0), "selector": selector}})
}

fn get_scale(shared: &Shared, t: &Target) -> Result<Response, Response> {
    if !t.kind.subresources.contains(&"scale") {
        return Err(no_such_resource());
    }
    let (ns, name) = object_key(t);
    let obj = shared.db.lock().unwrap().get(t.kind, &ns, &name).ok_or_else(|| not_found(t.kind, &name))?;
    Ok(respond(200, &scale_of(&obj)))
}

fn conflict(t: &Target, name: &str) -> Response {
    status(
        409,
        "Conflict",
        &format!(
            "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            t.kind.qualified()
        ),
        json!({"name": name, "group": t.kind.group, "kind": t.kind.plural}),
    )
}

fn create(shared: &Shared, t: &Target, body: &Bytes) -> Result<Response, Response> {
    let mut obj = parse_body(body)?;
    if let Some(ns) = &t.ns {
        obj["metadata"]["namespace"] = json!(ns);
    }
    let name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
    if name.is_empty() {
        return Err(status(422, "Invalid", "metadata.name: Required value: name is required", json!({})));
    }
    let mut db = shared.db.lock().unwrap();
    if db.get(t.kind, t.ns.as_deref().unwrap_or(""), &name).is_some() {
        let msg = format!("{} \"{name}\" already exists", t.kind.qualified());
        return Err(status(409, "AlreadyExists", &msg, json!({"name": name, "kind": t.kind.plural})));
    }
    if let Some(m) = obj["metadata"].as_object_mut() {
        m.remove("resourceVersion");
    }
    let stored = db.put(t.kind, obj);
    Ok(respond(201, &stored))
}

/// PUT or PATCH of an object, its status or its scale.
fn write(
    shared: &Shared,
    t: &Target,
    sub: Option<&str>,
    verb: &str,
    content_type: &str,
    input: &Value,
) -> Result<Response, Response> {
    let (ns, name) = object_key(t);
    let mut db = shared.db.lock().unwrap();
    let current = db.get(t.kind, &ns, &name).ok_or_else(|| not_found(t.kind, &name))?;
    let mut base = match sub {
        Some("scale") if t.kind.subresources.contains(&"scale") => scale_of(&current),
        Some("status") | None => current.clone(),
        _ => {
            return Err(no_such_resource());
        }
    };
    if verb == "update" {
        base = input.clone();
    } else {
        let media = content_type.split(';').next().unwrap_or("").trim();
        match media {
            "application/merge-patch+json" => patch::merge(&mut base, input),
            "application/strategic-merge-patch+json" if t.kind.builtin() => {
                patch::strategic(&mut base, input)
            }
            "application/json-patch+json" => {
                patch::json_patch(&mut base, input).map_err(|e| status(422, "Invalid", &e, json!({})))?
            }
            other => {
                let msg = format!(
                    "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json (got {other})"
                );
                return Err(status(415, "UnsupportedMediaType", &msg, json!({})));
            }
        }
    }
    // An optimistic-concurrency precondition: the version the client based its change on.
    let want_rv = base["metadata"]["resourceVersion"].as_str().map(str::to_string);
    let have_rv = current["metadata"]["resourceVersion"].as_str().map(str::to_string);
    if want_rv.is_some() && want_rv != have_rv {
        return Err(conflict(t, &name));
    }
    let mut next = current.clone();
    match sub {
        Some("scale") => {
            let n =
                base["spec"]["replicas"].as_i64().ok_or_else(|| bad_request("spec.replicas is required"))?;
            if n < 0 {
                return Err(status(
                    422,
                    "Invalid",
                    &format!(
                        "Scale.autoscaling \"{name}\" is invalid: spec.replicas: Invalid value: {n}: must be greater than or equal to 0"
                    ),
                    json!({}),
                ));
            }
            next["spec"]["replicas"] = json!(n);
        }
        Some(_) => next["status"] = base["status"].clone(),
        None => {
            // The main resource ignores status changes; it has its own subresource.
            let keep_status = current.get("status").cloned();
            next = base;
            next["metadata"]["namespace"] = current["metadata"]["namespace"].clone();
            next["metadata"]["name"] = json!(name);
            if t.kind.subresources.contains(&"status") {
                match keep_status {
                    Some(s) => next["status"] = s,
                    None => {
                        next.as_object_mut().map(|m| m.remove("status"));
                    }
                }
            }
            if let Err(msg) = validate(t.kind, &next) {
                return Err(status(
                    422,
                    "Invalid",
                    &format!("{} \"{name}\" is invalid: {msg}", t.kind.kind),
                    json!({}),
                ));
            }
        }
    }
    let stored = db.put(t.kind, next);
    Ok(respond(200, &if sub == Some("scale") { scale_of(&stored) } else { stored }))
}

fn validate(kind: &Kind, obj: &Value) -> Result<(), String> {
    if kind.plural == "horizontalpodautoscalers" {
        let min = obj["spec"]["minReplicas"].as_i64().unwrap_or(1);
        let max = obj["spec"]["maxReplicas"].as_i64().unwrap_or(0);
        if min < 1 {
            return Err(format!(
                "spec.minReplicas: Invalid value: {min}: must be greater than or equal to 1"
            ));
        }
        if max < min {
            return Err(format!(
                "spec.maxReplicas: Invalid value: {max}: must be greater than or equal to `minReplicas`"
            ));
        }
    }
    Ok(())
}

fn delete(
    shared: &Arc<Shared>,
    t: &Target,
    q: &HashMap<String, String>,
    body: &Bytes,
) -> Result<Response, Response> {
    let (ns, name) = object_key(t);
    let opts: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let grace = q
        .get("gracePeriodSeconds")
        .and_then(|g| g.parse::<i64>().ok())
        .or_else(|| opts["gracePeriodSeconds"].as_i64())
        .unwrap_or(30);
    let mut db = shared.db.lock().unwrap();
    let current = db.get(t.kind, &ns, &name).ok_or_else(|| not_found(t.kind, &name))?;
    if t.kind.plural == "pods" && grace > 0 {
        // A pod terminates gracefully: marked now, gone when the kubelet is done.
        if current["metadata"]["deletionTimestamp"].is_null() {
            let mut next = current.clone();
            next["metadata"]["deletionTimestamp"] = json!(db.now.clone());
            next["metadata"]["deletionGracePeriodSeconds"] = json!(grace);
            let stored = db.put(t.kind, next);
            let uid = stored["metadata"]["uid"].clone();
            let (shared, kind, wait) = (shared.clone(), t.kind, shared.pod_grace);
            tokio::spawn(async move {
                tokio::time::sleep(wait).await;
                let mut db = shared.db.lock().unwrap();
                if db.get(kind, &ns, &name).is_some_and(|o| o["metadata"]["uid"] == uid) {
                    db.remove(kind, &ns, &name);
                }
            });
            return Ok(respond(200, &stored));
        }
        return Ok(respond(200, &current));
    }
    let gone = db.remove(t.kind, &ns, &name).expect("present under the lock");
    Ok(respond(200, &gone))
}
