//! One object of any kind kept live while the object view is open: a watch on it (its name in
//! its namespace), one on its events, and what it owns, listed again (at most every few
//! seconds) as it changes. Each message carries the view's stream id; runs until dropped.

use std::time::{Duration, Instant};

use futures::StreamExt;
use k8s_openapi::api::core::v1::Event as KEvent;
use kube::api::{ApiResource, DynamicObject, ListParams};
use kube::runtime::watcher::{self, Event};
use kube::{Api, Client};
use serde_json::Value;

use super::Connection;
use super::list_watch::{Update, list_watch};
use super::objects::ObjectEvents;
use crate::domain::resource::Known;
use crate::domain::{ApiKind, ObjectRef};
use crate::sources::Sender;
use crate::state::Message;
use crate::state::object_view::{Link, ObjectUpdate};

/// What it owns is listed again at most this often while it changes.
const OWNED_EVERY: Duration = Duration::from_secs(3);

pub fn api_resource(kind: &ApiKind) -> ApiResource {
    ApiResource {
        group: kind.group.clone(),
        version: kind.version.clone(),
        api_version: kind.api_version(),
        kind: kind.kind.clone(),
        plural: kind.plural.clone(),
    }
}

/// The API of `kind` in `namespace` (cluster-wide for cluster-scoped kinds).
pub fn dyn_api(client: Client, kind: &ApiKind, namespace: Option<&str>) -> Api<DynamicObject> {
    let ar = api_resource(kind);
    match namespace.filter(|_| kind.namespaced) {
        Some(ns) => Api::namespaced_with(client, ns, &ar),
        None => Api::all_with(client, &ar),
    }
}

/// The object as the view shows it: JSON, managedFields left out, apiVersion and kind first
/// (a list's items come without them).
pub fn plain(o: &DynamicObject, kind: &ApiKind) -> Value {
    let mut v = serde_json::to_value(o).unwrap_or(Value::Null);
    if let Some(m) = v["metadata"].as_object_mut() {
        m.remove("managedFields");
    }
    let mut out = serde_json::Map::new();
    out.insert("apiVersion".into(), Value::String(kind.api_version()));
    out.insert("kind".into(), Value::String(kind.kind.clone()));
    if let Value::Object(rest) = v {
        out.extend(rest.into_iter().filter(|(k, _)| k != "apiVersion" && k != "kind"));
    }
    Value::Object(out)
}

// One item at a time passes through the merged stream; boxing would allocate for each event.
#[allow(clippy::large_enum_variant)]
enum Item {
    Object(Update<DynamicObject>),
    Event(Update<KEvent>),
}

pub async fn run(conn: Connection, object: ObjectRef, stream: u64, tx: Sender) {
    let client = conn.client.clone();
    let api = dyn_api(client.clone(), &object.kind, object.namespace.as_deref());
    let cfg = watcher::Config::default().fields(&format!("metadata.name={}", object.name));
    let objects = list_watch(api, cfg, conn.backoff).map(Item::Object);
    let events: Api<KEvent> = match &object.namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    };
    let ev_cfg = watcher::Config::default().fields(&format!("involvedObject.name={}", object.name));
    let evs = list_watch(events, ev_cfg, conn.backoff).map(Item::Event);
    let mut all = futures::stream::select(objects, evs);
    let mut seen = Seen::default();
    let mut evs = ObjectEvents::default();
    let mut owned_at: Option<Instant> = None;
    let send = |u: ObjectUpdate| {
        let tx = tx.clone();
        async move { tx.send(Message::Object(u)).await.is_ok() }
    };
    while let Some(item) = all.next().await {
        let (delivered, said) = match item {
            Item::Object(u) => seen.step(u, &object, stream),
            Item::Event(Update::Event(e)) => {
                (None, evs.step(e, &object.kind.kind).map(|events| ObjectUpdate::Events { stream, events }))
            }
            // The object shows without its events rather than failing as a whole.
            Item::Event(Update::Failed(f)) => {
                tracing::info!(error = %f.describe(), "object events not watched");
                (None, None)
            }
            Item::Event(Update::Healthy | Update::Page { .. }) => (None, None),
        };
        if let Some(u) = said
            && !send(u).await
        {
            return;
        }
        let Some(o) = delivered else { continue };
        let value = plain(&o, &object.kind);
        if owned_at.is_none_or(|t| t.elapsed() >= OWNED_EVERY) {
            owned_at = Some(Instant::now());
            let owned = owned(&client, &object, &value).await;
            if !send(ObjectUpdate::Owned { stream, owned }).await {
                return;
            }
        }
        if !send(ObjectUpdate::Object { stream, object: Box::new(value) }).await {
            return;
        }
    }
}

/// What the object's own watch has shown: the listing under way, and the object as last seen
/// (shown again when the watch recovers, which clears its error).
#[derive(Default)]
struct Seen {
    listing: Option<Vec<DynamicObject>>,
    last: Option<DynamicObject>,
}

impl Seen {
    /// One step of the object's watch: the object to show, and what to say.
    fn step(
        &mut self,
        u: Update<DynamicObject>,
        object: &ObjectRef,
        stream: u64,
    ) -> (Option<DynamicObject>, Option<ObjectUpdate>) {
        let shown = match u {
            Update::Event(Event::Apply(o)) => Some(o),
            Update::Event(Event::Delete(_)) => return (None, Some(ObjectUpdate::Gone { stream })),
            Update::Event(Event::Init) => {
                self.listing = Some(Vec::new());
                None
            }
            Update::Event(Event::InitApply(o)) => {
                self.listing.get_or_insert_with(Vec::new).push(o);
                None
            }
            Update::Event(Event::InitDone) => match self.listing.take().unwrap_or_default().pop() {
                Some(o) => Some(o),
                None if self.last.is_some() => return (None, Some(ObjectUpdate::Gone { stream })),
                None => {
                    let error = format!("{} \"{}\" not found", object.kind.qualified(), object.name);
                    return (None, Some(ObjectUpdate::Failed { stream, error }));
                }
            },
            Update::Failed(f) => return (None, Some(ObjectUpdate::Failed { stream, error: f.describe() })),
            Update::Healthy => self.last.clone(),
            // One object: it has no pages.
            Update::Page { .. } => None,
        };
        if let Some(o) = &shown {
            self.last = Some(o.clone());
        }
        (shown, None)
    }
}

/// `app=cart,tier=web` from a selector's matchLabels (or a Service's plain selector map).
pub fn label_selector(sel: &Value) -> Option<String> {
    let labels = sel.get("matchLabels").unwrap_or(sel).as_object()?;
    let parts: Vec<String> =
        labels.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or(""))).collect();
    (!parts.is_empty()).then(|| parts.join(","))
}

/// What an object owns (ReplicaSets of a Deployment, pods of a ReplicaSet, StatefulSet,
/// DaemonSet or Job, Jobs of a CronJob), or what a Service selects: listed in its namespace by
/// its selector, kept when their owner reference names its uid.
pub async fn owned(client: &Client, object: &ObjectRef, value: &Value) -> Vec<Link> {
    let Some(ns) = object.namespace.as_deref() else { return Vec::new() };
    let uid = value["metadata"]["uid"].as_str().unwrap_or("");
    let (child, selector, by_owner) = match object.kind.known() {
        Some(Known::Deployment) => {
            (ApiKind::new("apps", "v1", "ReplicaSet", "replicasets", true), &value["spec"]["selector"], true)
        }
        Some(Known::ReplicaSet | Known::StatefulSet | Known::DaemonSet | Known::Job) => {
            (ApiKind::pod(), &value["spec"]["selector"], true)
        }
        Some(Known::CronJob) => (ApiKind::new("batch", "v1", "Job", "jobs", true), &Value::Null, true),
        Some(Known::Service) => (ApiKind::pod(), &value["spec"]["selector"], false),
        _ => return Vec::new(),
    };
    let mut lp = ListParams::default();
    match label_selector(selector) {
        Some(s) => lp = lp.labels(&s),
        // A Service without a selector selects nothing (its endpoints are managed by hand).
        None if !by_owner => return Vec::new(),
        None => {}
    }
    let Ok(list) = dyn_api(client.clone(), &child, Some(ns)).list(&lp).await else { return Vec::new() };
    let mut out: Vec<Link> = list
        .items
        .iter()
        .filter(|o| !by_owner || o.metadata.owner_references.iter().flatten().any(|r| r.uid == uid))
        .map(|o| {
            let v = plain(o, &child);
            Link {
                api_version: child.api_version(),
                kind: child.kind.clone(),
                namespace: Some(ns.to_string()),
                name: o.metadata.name.clone().unwrap_or_default(),
                summary: summary(&child, &v),
            }
        })
        .collect();
    // ReplicaSets newest revision first; others by name.
    out.sort_by(|a, b| revision(&b.summary).cmp(&revision(&a.summary)).then(a.name.cmp(&b.name)));
    out
}

fn revision(summary: &str) -> i64 {
    summary
        .strip_prefix("revision ")
        .and_then(|r| r.split_whitespace().next())
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

/// A word on an owned object's state.
fn summary(kind: &ApiKind, v: &Value) -> String {
    let st = &v["status"];
    match kind.known() {
        Some(Known::ReplicaSet) => {
            let rev =
                v["metadata"]["annotations"]["deployment.kubernetes.io/revision"].as_str().unwrap_or("?");
            let want = v["spec"]["replicas"].as_i64().unwrap_or(0);
            let ready = st["readyReplicas"].as_i64().unwrap_or(0);
            format!("revision {rev} · {ready}/{want} ready")
        }
        Some(Known::Pod) => {
            let total = v["spec"]["containers"].as_array().map_or(0, Vec::len);
            let statuses = st["containerStatuses"].as_array().cloned().unwrap_or_default();
            let ready = statuses.iter().filter(|c| c["ready"] == true).count();
            let waiting = statuses.iter().find_map(|c| c["state"]["waiting"]["reason"].as_str());
            let phase = waiting.or(st["phase"].as_str()).unwrap_or("Unknown");
            format!("{phase} · {ready}/{total} ready")
        }
        Some(Known::Job) => {
            let done = st["succeeded"].as_i64().unwrap_or(0);
            let want = v["spec"]["completions"].as_i64().unwrap_or(1);
            format!("{done}/{want} succeeded")
        }
        _ => String::new(),
    }
}
