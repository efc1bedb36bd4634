//! The open pod view's long-running streams (the pod's watch, a container's log), owned by the
//! app: started by an effect, stopped when the view no longer names their id (it closed, moved
//! to another container, or the context switched). Their messages go through the sources
//! channel to the store like any source's.

use crate::actions::executor::Backend;
use crate::sources::{self, TaskGuard, demo, kube};
use crate::state::Message;
use crate::state::pod_view::{LogRequest, PodUpdate};
use crate::state::pods::PodKey;

pub struct PodStreams {
    backend: Backend,
    tx: sources::Sender,
    detail: Option<(u64, TaskGuard)>,
    logs: Option<(u64, TaskGuard)>,
}

impl PodStreams {
    pub fn new(backend: Backend, tx: sources::Sender) -> Self {
        PodStreams { backend, tx, detail: None, logs: None }
    }

    /// Streams from another cluster from now on (after a context switch).
    pub fn set_backend(&mut self, backend: Backend) {
        self.backend = backend;
        self.detail = None;
        self.logs = None;
    }

    pub fn watch_pod(&mut self, stream: u64, key: PodKey) {
        let tx = self.tx.clone();
        let task = match self.backend.clone() {
            Backend::Kube(h) => tokio::spawn(async move {
                match h.connection().await {
                    Ok(conn) => kube::pod_watch::run(conn, key, stream, tx).await,
                    Err(error) => {
                        let _ = tx.send(Message::Pod(PodUpdate::DetailFailed { stream, error })).await;
                    }
                }
            }),
            Backend::Demo(h) => tokio::spawn(demo::pod_view::watch(h, key, stream, tx)),
            Backend::None => tokio::spawn(async move {
                let error = "no Kubernetes source is configured".to_string();
                let _ = tx.send(Message::Pod(PodUpdate::DetailFailed { stream, error })).await;
            }),
        };
        self.detail = Some((stream, TaskGuard(task)));
    }

    pub fn stream_logs(&mut self, stream: u64, req: LogRequest) {
        let tx = self.tx.clone();
        let task = match self.backend.clone() {
            Backend::Kube(h) => tokio::spawn(async move {
                match h.connection().await {
                    Ok(conn) => kube::logs::run(conn, req, stream, tx).await,
                    Err(error) => {
                        let _ =
                            tx.send(Message::Pod(PodUpdate::LogEnded { stream, error: Some(error) })).await;
                    }
                }
            }),
            Backend::Demo(h) => tokio::spawn(demo::pod_view::logs(h, req, stream, tx)),
            Backend::None => tokio::spawn(async move {
                let error = Some("no Kubernetes source is configured".to_string());
                let _ = tx.send(Message::Pod(PodUpdate::LogEnded { stream, error })).await;
            }),
        };
        self.logs = Some((stream, TaskGuard(task)));
    }

    /// Stop the streams the view no longer wants (dropping a guard aborts its task).
    pub fn retain(&mut self, (detail, logs): (Option<u64>, Option<u64>)) {
        if self.detail.as_ref().is_some_and(|(id, _)| Some(*id) != detail) {
            self.detail = None;
        }
        if self.logs.as_ref().is_some_and(|(id, _)| Some(*id) != logs) {
            self.logs = None;
        }
    }

    /// How many streams run (for tests of the app loop's bookkeeping).
    pub fn running(&self) -> usize {
        self.detail.is_some() as usize + self.logs.is_some() as usize
    }
}
