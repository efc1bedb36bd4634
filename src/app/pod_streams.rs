//! The open pod view's long-running streams (the pod's watch, a container's log), owned by the
//! app: started by an effect, stopped when the view no longer names their id (it closed, moved
//! to another container, or the context switched). Their messages go through the sources
//! channel to the store like any source's.

use crate::app::executor::Backend;
use crate::domain::LogRequest;
use crate::domain::PodKey;
use crate::sources::{self, TaskGuard, demo, kube};
use crate::state::Message;
use crate::state::pod_view::PodUpdate;

pub struct PodStreams {
    /// By context; the pod's own cluster's is used (or the only one there is).
    backends: Vec<(String, Backend)>,
    tx: sources::Sender,
    detail: Option<(u64, TaskGuard)>,
    logs: Option<(u64, TaskGuard)>,
}

impl PodStreams {
    pub fn new(backends: Vec<(String, Backend)>, tx: sources::Sender) -> Self {
        PodStreams { backends, tx, detail: None, logs: None }
    }

    /// Streams from another cluster from now on (after a context switch of the one cluster).
    /// A cluster started after the others: its pods' streams go to it.
    pub fn add_backend(&mut self, context: String, backend: Backend) {
        self.backends.push((context, backend));
    }

    pub fn set_backend(&mut self, backend: Backend) {
        if let [(_, b)] = self.backends.as_mut_slice() {
            *b = backend;
        }
        self.detail = None;
        self.logs = None;
    }

    fn backend(&self, cluster: &crate::domain::ClusterId) -> Backend {
        let own = self.backends.iter().find(|(c, _)| c == cluster.as_str());
        match (own, self.backends.as_slice()) {
            (Some((_, b)), _) | (None, [(_, b)]) => b.clone(),
            _ => Backend::None,
        }
    }

    pub fn watch_pod(&mut self, stream: u64, key: PodKey) {
        let tx = self.tx.clone();
        let task = match self.backend(&key.cluster) {
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
        let task = match self.backend(&req.key.cluster) {
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

    /// How many streams run.
    pub fn running(&self) -> usize {
        self.detail.is_some() as usize + self.logs.is_some() as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn streams_the_view_no_longer_names_are_stopped() {
        let (tx, mut rx) = sources::channel();
        let mut s = PodStreams::new(vec![(String::new(), Backend::None)], tx);
        let key = PodKey::new("storefront", "cart-1");
        s.watch_pod(1, key.clone());
        let req = LogRequest {
            key,
            container: "cart".into(),
            previous: false,
            follow: true,
            timestamps: false,
            tail_lines: 10,
        };
        s.stream_logs(2, req);
        assert_eq!(s.running(), 2);
        // Without a source that can stream, each says so rather than staying silent.
        for _ in 0..2 {
            let Some(Message::Pod(u)) = rx.recv().await else { panic!("a message") };
            let said = matches!(
                u,
                PodUpdate::DetailFailed { stream: 1, .. } | PodUpdate::LogEnded { stream: 2, error: Some(_) }
            );
            assert!(said, "{u:?}");
        }
        s.retain((Some(1), Some(3)));
        assert_eq!(s.running(), 1, "the log stream the view moved on from is stopped");
        s.retain((None, None));
        assert_eq!(s.running(), 0);
    }
}
