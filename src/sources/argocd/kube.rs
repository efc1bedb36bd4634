//! Argo CD through the Kubernetes API: a watch on `applications.argoproj.io` per namespace
//! (the control plane's, plus apps-in-any-namespace), and the actions as the documented
//! patches of the Application. Only Kubernetes RBAC is needed; no Argo CD login.

use std::collections::BTreeMap;

use futures::StreamExt;
use kube::api::{ApiResource, DynamicObject, Patch, PatchParams};
use kube::runtime::watcher;
use serde_json::{Value, json};

use super::wire::{self, REFRESH_ANNOTATION};
use super::{ANOTHER_OPERATION, NO_OPERATION, NOT_INSTALLED, RECHECK_MISSING, SyncOptions, source};
use crate::config::sources::ArgocdConfig;
use crate::domain::registry::ActionId;
use crate::sources::kube::list_watch::{AllHealthy, Failure, Update, list_watch};
use crate::sources::kube::{Connection, Handle, client_error};
use crate::sources::{Clock, Sender};
use crate::state::argocd::ArgoApp;
use crate::state::{Data, Message, UnixMs};

pub fn application_resource() -> ApiResource {
    ApiResource {
        group: "argoproj.io".into(),
        version: "v1alpha1".into(),
        api_version: "argoproj.io/v1alpha1".into(),
        kind: "Application".into(),
        plural: "applications".into(),
    }
}

/// The body of a sync: the Application's `operation` field as Argo CD's "sync with kubectl"
/// page documents it. The controller picks it up and clears it when done. A multi-source app
/// has no single revision: the controller then syncs each source to its own target.
pub fn sync_patch(user: &str, revision: Option<&str>, options: SyncOptions) -> Value {
    let mut patch = json!({"operation": {
        "initiatedBy": {"username": user},
        "sync": {
            "prune": options.prune,
            "dryRun": options.dry_run,
            "syncStrategy": {"hook": {}},
        },
    }});
    if let Some(r) = revision {
        patch["operation"]["sync"]["revision"] = json!(r);
    }
    patch
}

/// The annotation the controller reads to refresh, and removes when it has.
pub fn refresh_patch(hard: bool) -> Value {
    json!({"metadata": {"annotations": {REFRESH_ANNOTATION: if hard { "hard" } else { "normal" }}}})
}

/// What the Argo CD server does to terminate: the running operation's phase set to
/// Terminating, on the version it read so a finished operation is not revived.
pub fn terminate_patch(resource_version: &str) -> Value {
    json!({"metadata": {"resourceVersion": resource_version},
           "status": {"operationState": {"phase": "Terminating"}}})
}

#[derive(Clone)]
pub struct Actions {
    kube: Handle,
    control_ns: String,
    /// Namespaces to watch besides the control plane's; `*` for all.
    namespaces: Vec<String>,
    user: String,
}

impl Actions {
    pub fn new(kube: Handle, cfg: &ArgocdConfig, user: &str) -> Actions {
        Actions {
            kube,
            control_ns: cfg.namespace.clone(),
            namespaces: cfg.namespaces.clone(),
            user: if user.is_empty() { "flightdeck".into() } else { user.to_string() },
        }
    }

    fn api(&self, conn: &Connection, ns: &str) -> kube::Api<DynamicObject> {
        kube::Api::namespaced_with(conn.client.clone(), ns, &application_resource())
    }

    pub async fn run(&self, action: ActionId, app: &str, options: SyncOptions) -> Result<String, String> {
        let conn = self.kube.connection().await?;
        let (ns, name) = wire::split_qualified(app, &self.control_ns);
        let api = self.api(&conn, ns);
        let err = |e: kube::Error| match &e {
            kube::Error::Api(s) if s.code == 401 || s.code == 403 => super::status_error(s.code, &s.message),
            _ => client_error(&e),
        };
        let params = PatchParams {
            field_manager: Some(crate::sources::kube::actions::FIELD_MANAGER.into()),
            ..PatchParams::default()
        };
        match action {
            ActionId::Sync => {
                let obj = serde_json::to_value(api.get(name).await.map_err(err)?).unwrap_or_default();
                if obj["operation"].is_object() || running(&obj) {
                    return Err(ANOTHER_OPERATION.into());
                }
                let revision =
                    match (&obj["spec"]["source"], obj["spec"]["source"]["targetRevision"].as_str()) {
                        (Value::Null, _) => None,
                        (_, Some(r)) if !r.is_empty() => Some(r),
                        _ => Some("HEAD"),
                    };
                let patch = sync_patch(&self.user, revision, options);
                api.patch(name, &params, &Patch::Merge(&patch)).await.map_err(err)?;
                Ok(if options.dry_run { "dry-run sync requested" } else { "sync requested" }.into())
            }
            ActionId::Refresh | ActionId::HardRefresh => {
                let hard = action == ActionId::HardRefresh;
                api.patch(name, &params, &Patch::Merge(&refresh_patch(hard))).await.map_err(err)?;
                Ok(if hard { "hard refresh requested" } else { "refresh requested" }.into())
            }
            ActionId::Terminate => {
                let obj = serde_json::to_value(api.get(name).await.map_err(err)?).unwrap_or_default();
                if !obj["operation"].is_object() || !obj["status"]["operationState"].is_object() {
                    return Err(NO_OPERATION.into());
                }
                let rv = obj["metadata"]["resourceVersion"].as_str().unwrap_or("");
                api.patch(name, &params, &Patch::Merge(&terminate_patch(rv))).await.map_err(err)?;
                Ok("operation terminating".into())
            }
            other => Err(format!("{other:?} is not an Argo CD action")),
        }
    }
}

impl Actions {
    /// A rollback as the Argo CD server makes it: an operation syncing the history entry's
    /// revision and source with the apply strategy. Refused as the server refuses it: while
    /// automated sync is on, while an operation runs, for an entry not in the history.
    pub async fn rollback(&self, app: &str, id: i64) -> Result<String, String> {
        let conn = self.kube.connection().await?;
        let (ns, name) = wire::split_qualified(app, &self.control_ns);
        let api = self.api(&conn, ns);
        let obj =
            serde_json::to_value(api.get(name).await.map_err(|e| client_error(&e))?).unwrap_or_default();
        let patch = rollback_patch(&obj, id, &self.user)?;
        let params = PatchParams {
            field_manager: Some(crate::sources::kube::actions::FIELD_MANAGER.into()),
            ..PatchParams::default()
        };
        api.patch(name, &params, &Patch::Merge(&patch)).await.map_err(|e| client_error(&e))?;
        Ok(format!("rollback to history entry {id} requested"))
    }
}

/// The operation a rollback to history entry `id` writes, or Argo CD's refusal.
pub fn rollback_patch(obj: &Value, id: i64, user: &str) -> Result<Value, String> {
    let automated = &obj["spec"]["syncPolicy"]["automated"];
    if automated.is_object() && automated["enabled"].as_bool() != Some(false) {
        return Err(super::ROLLBACK_AUTOSYNC.into());
    }
    if obj["operation"].is_object() || running(obj) {
        return Err(ANOTHER_OPERATION.into());
    }
    let name = obj["metadata"]["name"].as_str().unwrap_or("");
    let history = obj["status"]["history"].as_array().cloned().unwrap_or_default();
    let Some(entry) = history.iter().find(|h| h["id"].as_i64() == Some(id)) else {
        return Err(format!("application {name} does not have deployment with id {id}"));
    };
    let mut sync = json!({"dryRun": false, "prune": false, "syncStrategy": {"apply": {}}});
    for field in ["revision", "revisions", "source", "sources"] {
        if !entry[field].is_null() {
            sync[field] = entry[field].clone();
        }
    }
    Ok(json!({"operation": {"initiatedBy": {"username": user}, "sync": sync}}))
}

fn running(obj: &Value) -> bool {
    matches!(obj["status"]["operationState"]["phase"].as_str(), Some("Running" | "Terminating"))
}

/// A watch failure as the pane says it; `None` when Argo CD is not installed (no such
/// resource).
fn describe(f: &Failure) -> Option<String> {
    use crate::sources::kube::list_watch::Trouble;
    match (&f.trouble, f.code()) {
        (Trouble::List(_) | Trouble::Watch(_), Some(404)) => None,
        (
            Trouble::List(kube::Error::Api(s)) | Trouble::Watch(kube::Error::Api(s)),
            Some(code @ (401 | 403)),
        ) => Some(super::status_error(code, &s.message)),
        _ => Some(format!("Argo CD: {}", f.describe())),
    }
}

/// One watch's apps, each mapped once when it changes (mapping and its YAML are the costly
/// part): the ones listed so far while (re)listing, then the live set.
#[derive(Default)]
struct Store {
    live: BTreeMap<String, ArgoApp>,
    listing: Option<BTreeMap<String, ArgoApp>>,
}

fn key(obj: &Value) -> String {
    format!(
        "{}/{}",
        obj["metadata"]["namespace"].as_str().unwrap_or(""),
        obj["metadata"]["name"].as_str().unwrap_or("")
    )
}

/// Watch until the task is dropped. Errors back off as every Kubernetes watch does (1 s to
/// 60 s); a missing CRD is said once and looked for again every few minutes.
pub async fn run(actions: Actions, tx: Sender, clock: Clock) {
    let conn = match actions.kube.connection().await {
        Ok(c) => c,
        Err(reason) => {
            let m = Message::Disabled { source: source(), feeds: vec![crate::state::PaneId::ArgoCd], reason };
            let _ = tx.send(m).await;
            return;
        }
    };
    let mut said_missing = false;
    loop {
        match watch(&actions, &conn, &tx, clock, &mut said_missing).await {
            Watched::Stopped => return,
            Watched::Missing if said_missing => {}
            Watched::Missing => {
                said_missing = true;
                let m = Message::Data { source: source(), at: clock.now(), data: Data::Apps(Vec::new()) };
                let _ = tx.send(m).await;
                let m = Message::Failed { source: source(), at: clock.now(), error: NOT_INSTALLED.into() };
                if tx.send(m).await.is_err() {
                    return;
                }
            }
        }
        tokio::time::sleep(RECHECK_MISSING).await;
    }
}

/// How one round of watching ended.
enum Watched {
    /// The app has gone.
    Stopped,
    /// No `applications.argoproj.io` in the cluster.
    Missing,
}

/// Watch every namespace's Applications until the app goes or the CRD turns out missing.
async fn watch(
    actions: &Actions,
    conn: &Connection,
    tx: &Sender,
    clock: Clock,
    said_missing: &mut bool,
) -> Watched {
    let ar = application_resource();
    let apis: Vec<kube::Api<DynamicObject>> = if actions.namespaces.iter().any(|n| n == "*") {
        vec![kube::Api::all_with(conn.client.clone(), &ar)]
    } else {
        let mut namespaces = vec![actions.control_ns.clone()];
        namespaces.extend(actions.namespaces.iter().filter(|n| **n != actions.control_ns).cloned());
        namespaces.iter().map(|ns| kube::Api::namespaced_with(conn.client.clone(), ns, &ar)).collect()
    };
    let mut stores: Vec<Store> = apis.iter().map(|_| Store::default()).collect();
    // Healthy once every namespace's watch is, so one recovering does not hide another failing.
    let mut health = AllHealthy::new(0..apis.len());
    let streams = apis.into_iter().enumerate().map(|(i, api)| {
        list_watch(api, watcher::Config::default(), conn.backoff).map(move |u| (i, u)).boxed()
    });
    let mut events = futures::stream::select_all(streams);
    while let Some((i, update)) = events.next().await {
        let msg = match update {
            Update::Event(ev) => {
                if !apply(&mut stores[i], ev, &actions.control_ns, clock.now()) {
                    continue;
                }
                let apps = stores.iter().flat_map(|s| s.live.values().cloned()).collect();
                let apps = wire::linked(apps, &actions.control_ns);
                Message::Data { source: source(), at: clock.now(), data: Data::Apps(apps) }
            }
            Update::Healthy if health.healthy(&i) => {
                *said_missing = false;
                Message::Healthy { source: source() }
            }
            Update::Healthy | Update::Page { .. } => continue,
            Update::Failed(f) => match describe(&f) {
                None => return Watched::Missing,
                Some(error) => {
                    tracing::warn!(%error, "Argo CD watch failed");
                    health.failed(i);
                    Message::Failed { source: source(), at: clock.now(), error }
                }
            },
        };
        if tx.send(msg).await.is_err() {
            return Watched::Stopped;
        }
    }
    Watched::Stopped
}

/// One watcher event into its store. Returns whether the live set changed.
fn apply(store: &mut Store, ev: watcher::Event<DynamicObject>, control_ns: &str, now: UnixMs) -> bool {
    let value = |o: DynamicObject| serde_json::to_value(o).unwrap_or_default();
    let map = |v: &Value| wire::from_application(v, control_ns, now);
    match ev {
        watcher::Event::Init => {
            store.listing = Some(BTreeMap::new());
            false
        }
        watcher::Event::InitApply(o) => {
            let v = value(o);
            if let Some(app) = map(&v) {
                store.listing.get_or_insert_default().insert(key(&v), app);
            }
            false
        }
        watcher::Event::InitDone => {
            store.live = store.listing.take().unwrap_or_default();
            true
        }
        watcher::Event::Apply(o) => {
            let v = value(o);
            match map(&v) {
                Some(app) => {
                    let k = key(&v);
                    let changed = store.live.get(&k) != Some(&app);
                    store.live.insert(k, app);
                    changed
                }
                None => false,
            }
        }
        watcher::Event::Delete(o) => {
            let v = value(o);
            store.live.remove(&key(&v)).is_some()
        }
    }
}
