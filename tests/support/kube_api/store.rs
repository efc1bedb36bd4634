//! The test API server's state: objects per resource with one global resourceVersion, an event
//! log that watches replay from, and a compaction floor below which a watch or a continue token
//! is answered with 410 Expired, as etcd compaction makes the real API server do. A
//! CustomResourceDefinition stored here makes its kind served, as the real server's does.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use serde_json::{Value, json};
use tokio::sync::broadcast;

/// A resource the server serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kind {
    pub group: &'static str,
    pub version: &'static str,
    pub plural: &'static str,
    pub kind: &'static str,
    pub namespaced: bool,
    pub subresources: &'static [&'static str],
    /// Read-only (metrics.k8s.io).
    pub readonly: bool,
}

impl Kind {
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `pods`, `deployments.apps`: how the API server names a resource in messages.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// Built-in kinds take strategic merge patches; custom resources do not.
    pub fn builtin(&self) -> bool {
        !self.group.contains('.') || self.group.ends_with(".k8s.io")
    }
}

const fn kind(
    group: &'static str,
    version: &'static str,
    plural: &'static str,
    kind: &'static str,
    namespaced: bool,
    subresources: &'static [&'static str],
) -> Kind {
    Kind { group, version, plural, kind, namespaced, subresources, readonly: false }
}

pub const KINDS: &[Kind] = &[
    kind("", "v1", "namespaces", "Namespace", false, &["status"]),
    kind("", "v1", "pods", "Pod", true, &["status", "log", "exec", "portforward"]),
    kind("", "v1", "services", "Service", true, &["status"]),
    kind("", "v1", "configmaps", "ConfigMap", true, &[]),
    kind("", "v1", "secrets", "Secret", true, &[]),
    kind("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, &["status"]),
    kind("", "v1", "serviceaccounts", "ServiceAccount", true, &[]),
    kind("", "v1", "nodes", "Node", false, &["status"]),
    kind("", "v1", "events", "Event", true, &[]),
    kind("apps", "v1", "deployments", "Deployment", true, &["scale", "status"]),
    kind("apps", "v1", "replicasets", "ReplicaSet", true, &["scale", "status"]),
    kind("apps", "v1", "statefulsets", "StatefulSet", true, &["scale", "status"]),
    kind("apps", "v1", "daemonsets", "DaemonSet", true, &["status"]),
    kind("apps", "v1", "controllerrevisions", "ControllerRevision", true, &[]),
    kind("batch", "v1", "jobs", "Job", true, &["status"]),
    kind("batch", "v1", "cronjobs", "CronJob", true, &["status"]),
    kind("networking.k8s.io", "v1", "ingresses", "Ingress", true, &["status"]),
    kind(
        "apiextensions.k8s.io",
        "v1",
        "customresourcedefinitions",
        "CustomResourceDefinition",
        false,
        &["status"],
    ),
    kind("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, &["status"]),
    kind("argoproj.io", "v1alpha1", "applications", "Application", true, &[]),
    Kind { readonly: true, ..kind("metrics.k8s.io", "v1beta1", "pods", "PodMetrics", true, &[]) },
    Kind { readonly: true, ..kind("metrics.k8s.io", "v1beta1", "nodes", "NodeMetrics", false, &[]) },
];

/// A string that lives as long as the process: a custom kind's names (the test server's CRDs
/// are few, and a kind must outlive every watch that names it).
fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

/// The kind a CustomResourceDefinition serves: its storage version, as the API server serves
/// the CRDs of these tests (one version each).
fn crd_kind(crd: &Value) -> Option<Kind> {
    let spec = &crd["spec"];
    let versions = spec["versions"].as_array()?;
    let v = versions.iter().find(|v| v["storage"].as_bool() == Some(true)).or(versions.first())?;
    let mut subs: Vec<&'static str> = Vec::new();
    for s in ["status", "scale"] {
        if v["subresources"].get(s).is_some() {
            subs.push(s);
        }
    }
    Some(Kind {
        group: leak(spec["group"].as_str()?),
        version: leak(v["name"].as_str()?),
        plural: leak(spec["names"]["plural"].as_str()?),
        kind: leak(spec["names"]["kind"].as_str()?),
        namespaced: spec["scope"].as_str() != Some("Cluster"),
        subresources: Box::leak(subs.into_boxed_slice()),
        readonly: false,
    })
}

/// (namespace, name); namespace is empty for cluster-scoped objects.
pub type ObjKey = (String, String);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

#[derive(Debug)]
pub struct Change {
    pub rv: u64,
    pub kind: &'static Kind,
    pub etype: EventType,
    pub object: Value,
    /// The object before a change, so a selector watch can turn it into ADDED or DELETED.
    pub old: Option<Value>,
}

/// How many changes the log keeps before the oldest are compacted away.
const LOG_KEPT: usize = 50_000;

pub struct Db {
    rv: u64,
    /// Kinds served because a CustomResourceDefinition names them.
    custom: Vec<&'static Kind>,
    /// Keyed by (group, plural): plurals repeat across groups (pods in core and metrics.k8s.io).
    objects: HashMap<(&'static str, &'static str), BTreeMap<ObjKey, Value>>,
    log: VecDeque<Arc<Change>>,
    /// A watch or continue token from a version below this is too old (410).
    floor: u64,
    uid: u64,
    pub changes: broadcast::Sender<Arc<Change>>,
    /// Bumped to end every open watch (an API server restart).
    pub watch_epoch: tokio::sync::watch::Sender<u64>,
    /// Creation time for objects without one.
    pub now: String,
}

impl Db {
    pub fn new(now: String) -> Db {
        let (changes, _) = broadcast::channel(65_536);
        let (watch_epoch, _) = tokio::sync::watch::channel(0);
        let objects = KINDS.iter().map(|k| ((k.group, k.plural), BTreeMap::new())).collect();
        Db {
            rv: 1,
            custom: Vec::new(),
            objects,
            log: VecDeque::new(),
            floor: 0,
            uid: 0,
            changes,
            watch_epoch,
            now,
        }
    }

    /// Every kind served: the built-in ones, then those of the stored CRDs.
    pub fn kinds(&self) -> impl Iterator<Item = &'static Kind> + '_ {
        KINDS.iter().chain(self.custom.iter().copied())
    }

    pub fn find_kind(&self, group: &str, version: &str, plural: &str) -> Option<&'static Kind> {
        self.kinds().find(|k| k.group == group && k.version == version && k.plural == plural)
    }

    /// A kind by its name (`Deployment`, `Certificate`), for the tests' helpers.
    pub fn kind_named(&self, kind_name: &str) -> Option<&'static Kind> {
        self.kinds().find(|k| k.kind == kind_name && !k.readonly)
    }

    /// The CRD that defines a custom kind, for its printer columns.
    pub fn crd_of(&self, k: &Kind) -> Option<Value> {
        let crds = KINDS.iter().find(|k| k.plural == "customresourcedefinitions")?;
        self.get(crds, "", &format!("{}.{}", k.plural, k.group))
    }

    /// A stored CRD serves its kind from now on (unless a built-in kind is already served there).
    fn serve_crd(&mut self, crd: &Value) {
        let Some(k) = crd_kind(crd) else { return };
        if self.find_kind(k.group, k.version, k.plural).is_some() {
            return;
        }
        let k: &'static Kind = Box::leak(Box::new(k));
        self.objects.entry((k.group, k.plural)).or_default();
        self.custom.push(k);
    }

    pub fn rv(&self) -> u64 {
        self.rv
    }

    pub fn floor(&self) -> u64 {
        self.floor
    }

    fn table(&self, k: &Kind) -> &BTreeMap<ObjKey, Value> {
        &self.objects[&(k.group, k.plural)]
    }

    fn table_mut(&mut self, k: &Kind) -> &mut BTreeMap<ObjKey, Value> {
        self.objects.get_mut(&(k.group, k.plural)).expect("every kind has a table")
    }

    pub fn list(&self, k: &Kind, ns: Option<&str>) -> Vec<Value> {
        self.table(k)
            .iter()
            .filter(|((n, _), _)| ns.is_none_or(|ns| n == ns))
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Up to `limit` objects after `after` (in key order) that `keep` accepts, and how many more
    /// there are when `count_rest` (as the real server, which counts only a list without a
    /// selector). Clones only the page and walks only its namespace, so paging through 100,000
    /// pods stays cheap: the count is a walk over keys, not a match of every object left.
    pub fn page(
        &self,
        k: &Kind,
        ns: Option<&str>,
        after: Option<ObjKey>,
        limit: usize,
        keep: impl Fn(&Value) -> bool,
        count_rest: bool,
    ) -> (Vec<Value>, usize) {
        use std::ops::Bound;
        let start = match (after, ns) {
            (Some(a), _) => Bound::Excluded(a),
            (None, Some(ns)) => Bound::Included((ns.to_string(), String::new())),
            (None, None) => Bound::Unbounded,
        };
        let mut rest = self
            .table(k)
            .range((start, Bound::Unbounded))
            .take_while(|((n, _), _)| ns.is_none_or(|ns| n == ns));
        let mut items = Vec::new();
        for (_, v) in rest.by_ref() {
            if keep(v) {
                items.push(v.clone());
                if items.len() == limit {
                    break;
                }
            }
        }
        let more = match count_rest {
            true => rest.count(),
            // Under a selector only whether any is left (for the continue token).
            false => rest.filter(|(_, v)| keep(v)).take(1).count(),
        };
        (items, more)
    }

    pub fn get(&self, k: &Kind, ns: &str, name: &str) -> Option<Value> {
        self.table(k).get(&(ns.to_string(), name.to_string())).cloned()
    }

    fn record(&mut self, kind: &'static Kind, etype: EventType, object: Value, old: Option<Value>) {
        let change = Arc::new(Change { rv: self.rv, kind, etype, object, old });
        self.log.push_back(change.clone());
        while self.log.len() > LOG_KEPT {
            let gone = self.log.pop_front().unwrap();
            self.floor = gone.rv + 1;
        }
        let _ = self.changes.send(change);
    }

    /// Create or replace an object, giving it uid, creation time, generation and a new
    /// resourceVersion. Returns the stored object.
    pub fn put(&mut self, kind: &'static Kind, mut obj: Value) -> Value {
        self.rv += 1;
        let ns = obj["metadata"]["namespace"].as_str().unwrap_or("").to_string();
        let name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
        let key = (if kind.namespaced { ns } else { String::new() }, name);
        let old = self.table(kind).get(&key).cloned();
        obj["apiVersion"] = json!(kind.api_version());
        obj["kind"] = json!(kind.kind);
        let meta = obj["metadata"].as_object_mut().expect("metadata is an object");
        meta.insert("resourceVersion".into(), json!(self.rv.to_string()));
        match &old {
            Some(o) => {
                for f in ["uid", "creationTimestamp"] {
                    meta.insert(f.into(), o["metadata"][f].clone());
                }
                let generation = o["metadata"]["generation"].as_i64().unwrap_or(1);
                let spec_changed = o.get("spec") != obj.get("spec");
                obj["metadata"]["generation"] = json!(generation + i64::from(spec_changed));
            }
            None => {
                self.uid += 1;
                meta.entry("uid").or_insert(json!(format!("00000000-0000-4000-8000-{:012x}", self.uid)));
                meta.entry("creationTimestamp").or_insert(json!(self.now.clone()));
                meta.entry("generation").or_insert(json!(1));
            }
        }
        self.table_mut(kind).insert(key, obj.clone());
        if kind.plural == "customresourcedefinitions" {
            self.serve_crd(&obj);
        }
        // metrics.k8s.io cannot be watched, so its readings leave no history: a metrics-server's
        // new figures for every pod would push every watchable change out of the log.
        if !kind.readonly {
            let etype = if old.is_some() { EventType::Modified } else { EventType::Added };
            self.record(kind, etype, obj.clone(), old);
        }
        obj
    }

    pub fn remove(&mut self, kind: &'static Kind, ns: &str, name: &str) -> Option<Value> {
        let key = (if kind.namespaced { ns.to_string() } else { String::new() }, name.to_string());
        let mut obj = self.table_mut(kind).remove(&key)?;
        self.rv += 1;
        obj["metadata"]["resourceVersion"] = json!(self.rv.to_string());
        self.record(kind, EventType::Deleted, obj.clone(), None);
        Some(obj)
    }

    /// Changes to `kind` after `rv`, or `None` when `rv` is older than the log reaches.
    pub fn since(&self, kind: &Kind, rv: u64) -> Option<Vec<Arc<Change>>> {
        if rv < self.floor {
            return None;
        }
        Some(self.log.iter().filter(|c| c.rv > rv && c.kind == kind).cloned().collect())
    }

    /// Forget history as compaction does: every version so far becomes too old, and every open
    /// watch ends, so clients re-watch, get 410 Expired and must relist.
    pub fn expire(&mut self) {
        self.rv += 1;
        self.floor = self.rv;
        self.log.clear();
        self.watch_epoch.send_modify(|e| *e += 1);
    }
}
