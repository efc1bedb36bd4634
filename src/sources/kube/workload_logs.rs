//! A workload's merged log, as stern gives it: the pods its selector matches are watched, each
//! running container's log is followed (its last lines first), pods that start later join, and
//! every line goes out tagged with its pod (and container, when the pod has several). At most
//! `MAX_STREAMS` logs are read at once, stern's own default.

use std::collections::BTreeSet;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::LogParams;
use kube::runtime::watcher::{self, Event};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::list_watch::{Update, list_watch};
use super::object_watch::{dyn_api, label_selector, plain};
use super::{Connection, client_error};
use crate::domain::WorkloadLogRequest;
use crate::domain::resource::Known;
use crate::sources::Sender;
use crate::state::Message;
use crate::state::object_view::ObjectUpdate;

/// Logs read at once (stern's `--max-log-requests`).
pub const MAX_STREAMS: usize = 50;
/// Lines sent in one message at most.
const BATCH: usize = 256;

/// The label selector of a workload's pods: its own selector; a Job without one, `job-name`.
async fn selector(conn: &Connection, req: &WorkloadLogRequest) -> Result<String, String> {
    let w = &req.workload;
    let obj = dyn_api(conn.client.clone(), &w.kind, w.namespace.as_deref())
        .get(&w.name)
        .await
        .map_err(|e| client_error(&e))?;
    let v = plain(&obj, &w.kind);
    match label_selector(&v["spec"]["selector"]) {
        Some(s) => Ok(s),
        None if w.kind.known() == Some(Known::Job) => Ok(format!("job-name={}", w.name)),
        None => Err(format!("{} {} has no selector to find its pods by", w.kind.kind, w.name)),
    }
}

/// The containers of a pod whose logs can be read now (running, or ended with a log).
fn readable(p: &Pod) -> Vec<String> {
    let statuses = p.status.as_ref().and_then(|s| s.container_statuses.clone()).unwrap_or_default();
    statuses
        .iter()
        .filter(|c| c.state.as_ref().is_some_and(|s| s.running.is_some() || s.terminated.is_some()))
        .map(|c| c.name.clone())
        .collect()
}

/// The label each line of a container carries: the pod, and the container when there are several.
fn source(p: &Pod, container: &str) -> String {
    let name = p.metadata.name.clone().unwrap_or_default();
    let many = p.spec.as_ref().is_some_and(|s| s.containers.len() > 1);
    if many { format!("{name}/{container}") } else { name }
}

pub async fn run(conn: Connection, req: WorkloadLogRequest, stream: u64, tx: Sender) {
    let ns = req.workload.namespace.clone().unwrap_or_default();
    let sel = match selector(&conn, &req).await {
        Ok(s) => s,
        Err(error) => {
            let _ = tx.send(Message::Object(ObjectUpdate::LogEnded { stream, error: Some(error) })).await;
            return;
        }
    };
    let pods: Api<Pod> = Api::namespaced(conn.client.clone(), &ns);
    let mut watch = list_watch(pods.clone(), watcher::Config::default().labels(&sel), conn.backoff);
    let (done_tx, mut done_rx) = mpsc::channel::<String>(64);
    let mut tasks = JoinSet::new();
    let mut reading: BTreeSet<String> = BTreeSet::new();
    let mut skipped = false;
    loop {
        let pod = tokio::select! {
            p = watch.next() => p,
            Some(src) = done_rx.recv() => {
                reading.remove(&src);
                let m = ObjectUpdate::LogSource { stream, source: src, streaming: false };
                if tx.send(Message::Object(m)).await.is_err() { return; }
                continue;
            }
        };
        let p = match pod {
            Some(Update::Event(Event::Apply(p) | Event::InitApply(p))) => p,
            Some(Update::Failed(f)) => {
                let error = Some(f.describe());
                if tx.send(Message::Object(ObjectUpdate::LogEnded { stream, error })).await.is_err() {
                    return;
                }
                continue;
            }
            Some(_) => continue,
            None => return,
        };
        for c in readable(&p) {
            let src = source(&p, &c);
            if reading.contains(&src) {
                continue;
            }
            if reading.len() >= MAX_STREAMS {
                if !skipped {
                    skipped = true;
                    tracing::info!(max = MAX_STREAMS, "workload logs: more pods than logs read at once");
                }
                continue;
            }
            reading.insert(src.clone());
            let m = ObjectUpdate::LogSource { stream, source: src.clone(), streaming: true };
            if tx.send(Message::Object(m)).await.is_err() {
                return;
            }
            let lp = LogParams {
                container: Some(c),
                follow: req.follow,
                timestamps: req.timestamps,
                tail_lines: Some(req.tail_lines),
                ..LogParams::default()
            };
            let (api, name, tx, done) =
                (pods.clone(), p.metadata.name.clone().unwrap_or_default(), tx.clone(), done_tx.clone());
            tasks.spawn(async move {
                follow(api, name, lp, src.clone(), stream, tx).await;
                let _ = done.send(src).await;
            });
        }
    }
}

/// One container's log, in batches, until the server ends it.
async fn follow(api: Api<Pod>, pod: String, lp: LogParams, source: String, stream: u64, tx: Sender) {
    let reader = match api.log_stream(&pod, &lp).await {
        Ok(r) => r,
        Err(e) => {
            let lines = vec![format!("(log not read: {})", client_error(&e))];
            let _ = tx.send(Message::Object(ObjectUpdate::LogLines { stream, source, lines })).await;
            return;
        }
    };
    let lines = futures::stream::unfold(Box::pin(reader), |mut r| async move {
        match super::logs::next_line(&mut r).await {
            Ok(Some(l)) => Some((l, r)),
            _ => None,
        }
    });
    let mut batches = std::pin::pin!(lines.ready_chunks(BATCH));
    while let Some(lines) = batches.next().await {
        let m = ObjectUpdate::LogLines { stream, source: source.clone(), lines };
        if tx.send(Message::Object(m)).await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_name_the_pod_and_the_container_when_there_are_several() {
        let pod = |containers: &[&str], running: &[&str]| -> Pod {
            let specs: Vec<_> = containers.iter().map(|c| serde_json::json!({"name": c})).collect();
            let statuses: Vec<_> = containers
                .iter()
                .map(|c| {
                    let state = if running.contains(c) {
                        serde_json::json!({"running": {}})
                    } else {
                        serde_json::json!({"waiting": {"reason": "ContainerCreating"}})
                    };
                    serde_json::json!({"name": c, "image": "i", "imageID": "", "ready": true, "restartCount": 0, "state": state})
                })
                .collect();
            serde_json::from_value(serde_json::json!({"metadata": {"name": "cart-1"},
                "spec": {"containers": specs}, "status": {"containerStatuses": statuses}}))
            .unwrap()
        };
        let one = pod(&["cart"], &["cart"]);
        assert_eq!(readable(&one), ["cart"]);
        assert_eq!(source(&one, "cart"), "cart-1");
        let two = pod(&["cart", "proxy"], &["proxy"]);
        assert_eq!(readable(&two), ["proxy"], "a container not started has no log yet");
        assert_eq!(source(&two, "proxy"), "cart-1/proxy");
    }
}
