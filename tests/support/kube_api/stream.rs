//! The streaming answers: watches (replay from a version, bookmarks, 410 Expired, selector
//! transitions, timeoutSeconds) and pod logs (tail, previous, follow, timestamps).

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::Shared;
use super::http::{Target, bad_request, metadata_only, not_found, object_key, selector};
use super::select::Selector;
use super::store::{Change, EventType};

fn line(etype: &str, object: &Value) -> Bytes {
    let mut v = serde_json::to_vec(&json!({"type": etype, "object": object})).unwrap();
    v.push(b'\n');
    Bytes::from(v)
}

/// What a change looks like to one watch: selectors turn a change into ADDED or DELETED when
/// the object starts or stops matching.
fn as_seen(c: &Change, ns: Option<&str>, sel: &Selector) -> Option<(&'static str, Value)> {
    if ns.is_some_and(|ns| c.object["metadata"]["namespace"].as_str() != Some(ns)) {
        return None;
    }
    let now = sel.matches(&c.object);
    let before = c.old.as_ref().is_some_and(|o| sel.matches(o));
    match c.etype {
        EventType::Added if now => Some(("ADDED", c.object.clone())),
        EventType::Deleted if now => Some(("DELETED", c.object.clone())),
        EventType::Modified if now && before => Some(("MODIFIED", c.object.clone())),
        EventType::Modified if now => Some(("ADDED", c.object.clone())),
        EventType::Modified if before => Some(("DELETED", c.object.clone())),
        _ => None,
    }
}

pub fn watch(shared: &Arc<Shared>, t: &Target, q: &HashMap<String, String>) -> Response {
    let sel = match selector(q) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let kind = t.kind;
    let ns = t.ns.clone();
    let bookmarks = q.get("allowWatchBookmarks").is_some_and(|v| v == "true");
    let timeout = q
        .get("timeoutSeconds")
        .and_then(|s| s.parse::<u64>().ok())
        .map_or(Duration::from_secs(1800), Duration::from_secs);
    let meta_only = q.contains_key("__metadata_only");
    let table = q
        .contains_key("__table")
        .then(|| super::table::Include::parse(q.get("includeObject").map(String::as_str)));
    // As the API server does for `as=Table`: each event a Table of one row, and only the first
    // event with the columns.
    let headers = std::sync::atomic::AtomicBool::new(true);
    let shared_db = shared.clone();
    // `db` when the caller holds the lock already.
    let shape = move |db: Option<&super::store::Db>, o: &Value| match table {
        Some(include) => {
            let guard;
            let db = match db {
                Some(db) => db,
                None => {
                    guard = shared_db.db.lock().unwrap();
                    &*guard
                }
            };
            let first = headers.swap(false, std::sync::atomic::Ordering::SeqCst);
            let meta = json!({"resourceVersion": o["metadata"]["resourceVersion"]});
            super::table::table(db, kind, std::slice::from_ref(o), meta, first, include)
        }
        None if meta_only => metadata_only(o),
        None => o.clone(),
    };
    let from = q.get("resourceVersion").filter(|v| !v.is_empty() && *v != "0");
    // The watch-list form (`sendInitialEvents=true`, with `resourceVersionMatch=NotOlderThan`):
    // the current objects as ADDED events, then a bookmark marked as their end.
    let initial_events = q.get("sendInitialEvents").is_some_and(|v| v == "true");
    if initial_events
        && (!bookmarks || q.get("resourceVersionMatch").map(String::as_str) != Some("NotOlderThan"))
    {
        return bad_request(
            "sendInitialEvents requires allowWatchBookmarks and resourceVersionMatch=NotOlderThan",
        );
    }
    let (tx, rx) = mpsc::channel::<Bytes>(256);
    let (first, mut live, mut epoch, start_rv) = {
        let db = shared.db.lock().unwrap();
        let live = db.changes.subscribe();
        let epoch = db.watch_epoch.subscribe();
        let first: Vec<Bytes> = match from {
            None => {
                let mut first: Vec<Bytes> = db
                    .list(kind, ns.as_deref())
                    .iter()
                    .filter(|o| sel.matches(o))
                    .map(|o| line("ADDED", &shape(Some(&db), o)))
                    .collect();
                if initial_events {
                    let end = json!({"kind": kind.kind, "apiVersion": kind.api_version(),
                        "metadata": {"resourceVersion": db.rv().to_string(),
                                     "annotations": {"k8s.io/initial-events-end": "true"}}});
                    first.push(line("BOOKMARK", &end));
                }
                first
            }
            Some(v) => {
                let Some(rv) = v.parse::<u64>().ok() else {
                    return bad_request(&format!("invalid resource version: {v}"));
                };
                match db.since(kind, rv) {
                    Some(changes) => changes
                        .iter()
                        .filter_map(|c| as_seen(c, ns.as_deref(), &sel))
                        .map(|(e, o)| line(e, &shape(Some(&db), &o)))
                        .collect(),
                    None => {
                        // The real server answers 200 and sends the error as the only event.
                        let st = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                            "message": format!("too old resource version: {rv} ({})", db.floor()),
                            "reason": "Expired", "code": 410});
                        vec![line("ERROR", &st)]
                    }
                }
            }
        };
        (first, live, epoch, db.rv())
    };
    let expired = first.len() == 1 && first[0].starts_with(b"{\"type\":\"ERROR\"");
    let shared = shared.clone();
    tokio::spawn(async move {
        for b in first {
            if tx.send(b).await.is_err() {
                return;
            }
        }
        if expired {
            return;
        }
        let mut seen = start_rv;
        let _open = Open::new(&shared.open_watches);
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        let mut bookmark = tokio::time::interval(shared.bookmark_every);
        bookmark.tick().await;
        loop {
            tokio::select! {
                // An expiry made before a change must end the watch before the change is sent,
                // as the real server's compaction does.
                biased;
                _ = epoch.changed() => return,
                c = live.recv() => match c {
                    Ok(c) => {
                        seen = seen.max(c.rv);
                        if c.kind != kind || c.rv <= start_rv {
                            continue;
                        }
                        if let Some((e, o)) = as_seen(&c, ns.as_deref(), &sel)
                            && tx.send(line(e, &shape(None, &o))).await.is_err() {
                            return;
                        }
                    }
                    // Too slow a reader: end the watch; the client resumes from its version.
                    Err(_) => return,
                },
                _ = bookmark.tick(), if bookmarks => {
                    let mut o = json!({"kind": kind.kind, "apiVersion": kind.api_version(),
                        "metadata": {"resourceVersion": seen.to_string()}});
                    if table.is_some() {
                        o = json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1",
                            "metadata": {"resourceVersion": seen.to_string()}, "columnDefinitions": null, "rows": []});
                    }
                    if tx.send(line("BOOKMARK", &o)).await.is_err() {
                        return;
                    }
                    shared.bookmarks_sent.fetch_add(1, Ordering::SeqCst);
                }
                _ = &mut deadline => return,
                _ = tx.closed() => return,
            }
            if shared.down.load(Ordering::SeqCst) {
                return;
            }
        }
    });
    chunked(rx, "application/json")
}

/// Counts a watch as open while it lives.
struct Open<'a>(&'a std::sync::atomic::AtomicUsize);

impl<'a> Open<'a> {
    fn new(n: &'a std::sync::atomic::AtomicUsize) -> Open<'a> {
        n.fetch_add(1, Ordering::SeqCst);
        Open(n)
    }
}

impl Drop for Open<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

pub async fn logs(shared: &Arc<Shared>, t: &Target, q: &HashMap<String, String>) -> Response {
    let (ns, name) = object_key(t);
    let Some(pod) = shared.db.lock().unwrap().get(t.kind, &ns, &name) else {
        return not_found(t.kind, &name);
    };
    let containers: Vec<String> = pod["spec"]["containers"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["name"].as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let container = match q.get("container") {
        Some(c) if containers.contains(c) => c.clone(),
        Some(c) => {
            return bad_request(&format!("container {c} is not valid for pod {name}"));
        }
        None if containers.len() == 1 => containers[0].clone(),
        None => {
            return bad_request(&format!(
                "a container name must be specified for pod {name}, choose one of: [{}]",
                containers.join(" ")
            ));
        }
    };
    let previous = q.get("previous").is_some_and(|p| p == "true");
    let key = (ns.clone(), name.clone(), container.clone(), previous);
    let mut lines = shared.logs.lock().unwrap().get(&key).cloned().unwrap_or_default();
    if previous && lines.is_empty() {
        return bad_request(&format!(
            "previous terminated container \"{container}\" in pod \"{name}\" not found"
        ));
    }
    if let Some(n) = q.get("tailLines").and_then(|n| n.parse::<usize>().ok()) {
        lines = lines.split_off(lines.len().saturating_sub(n));
    }
    // The kubelet puts the time each line was written first; the test server knows one time.
    let stamp = match q.get("timestamps").is_some_and(|t| t == "true") {
        true => format!("{} ", shared.db.lock().unwrap().now),
        false => String::new(),
    };
    let text: String = lines.iter().map(|l| format!("{stamp}{l}\n")).collect();
    if q.get("follow").is_none_or(|f| f != "true") || previous {
        return Response::builder()
            .status(200)
            .header(header::CONTENT_TYPE, "text/plain")
            .body(Body::from(text))
            .unwrap();
    }
    let mut appended = shared.log_lines.subscribe();
    let (tx, rx) = mpsc::channel::<Bytes>(256);
    tokio::spawn(async move {
        if tx.send(Bytes::from(text)).await.is_err() {
            return;
        }
        while let Ok((k, l)) = appended.recv().await {
            if k == key && tx.send(Bytes::from(format!("{stamp}{l}\n"))).await.is_err() {
                return;
            }
        }
    });
    chunked(rx, "text/plain")
}

/// A 200 whose body is whatever arrives on `rx`, until the sender goes.
fn chunked(rx: tokio::sync::mpsc::Receiver<Bytes>, content_type: &str) -> Response {
    let stream =
        futures::stream::unfold(
            rx,
            |mut rx| async move { rx.recv().await.map(|b| (Ok::<_, Infallible>(b), rx)) },
        );
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::TRANSFER_ENCODING, "chunked")
        .body(Body::from_stream(stream))
        .unwrap()
}
