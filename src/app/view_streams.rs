//! The long-running streams of the views of any object, owned by the app like the pod view's:
//! the open `:KIND` list's watch, the open object's watch and a workload's merged log.
//! Started by an effect; stopped when the view no longer names their id.

use crate::app::executor::Backend;
use crate::domain::{ApiKind, ClusterId, ObjectRef, WorkloadLogRequest};
use crate::sources::{self, TaskGuard, kube};
use crate::state::Message;
use crate::state::object_messages::ViewStreams as Wanted;
use crate::state::object_view::ObjectUpdate;
use crate::state::resources::TableUpdate;

const NO_CLUSTER: &str = "not connected to a cluster: the demo has no API server to ask (connect to a cluster, or run the test server: cargo run --example kube_api_server)";

pub struct ViewStreams {
    backend: Backend,
    tx: sources::Sender,
    table: Option<(u64, TaskGuard)>,
    object: Option<(u64, TaskGuard)>,
    logs: Option<(u64, TaskGuard)>,
}

impl ViewStreams {
    pub fn new(backend: Backend, tx: sources::Sender) -> Self {
        ViewStreams { backend, tx, table: None, object: None, logs: None }
    }

    /// The channel the store reads, for a background command's output.
    pub fn sender(&self) -> sources::Sender {
        self.tx.clone()
    }

    /// Streams from another cluster from now on (after a context switch).
    pub fn set_backend(&mut self, backend: Backend) {
        self.backend = backend;
        (self.table, self.object, self.logs) = (None, None, None);
    }

    /// What streams from `cluster`: one backend serves every cluster until each has its own.
    fn backend(&self, _cluster: &ClusterId) -> Backend {
        self.backend.clone()
    }

    /// Run `f` on `cluster`'s connection, or send `fail`'s message with why not.
    fn spawn<F, Fut>(
        &self,
        cluster: &ClusterId,
        fail: impl FnOnce(String) -> Message + Send + 'static,
        f: F,
    ) -> TaskGuard
    where
        F: FnOnce(kube::Connection, sources::Sender) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let tx = self.tx.clone();
        let backend = self.backend(cluster);
        TaskGuard(tokio::spawn(async move {
            let conn = match backend {
                Backend::Kube(h) => h.connection().await,
                Backend::Demo(_) | Backend::None => Err(NO_CLUSTER.to_string()),
            };
            match conn {
                Ok(c) => f(c, tx).await,
                Err(e) => {
                    let _ = tx.send(fail(e)).await;
                }
            }
        }))
    }

    pub fn table(&mut self, stream: u64, kind: ApiKind, namespace: Option<String>, cluster: &ClusterId) {
        let fail = move |e| Message::Table { stream, update: TableUpdate::Failed(e) };
        let g =
            self.spawn(cluster, fail, move |c, tx| kube::resource_watch::run(c, kind, namespace, stream, tx));
        self.table = Some((stream, g));
    }

    pub fn object(&mut self, stream: u64, object: ObjectRef, cluster: &ClusterId) {
        let fail = move |error| Message::Object(ObjectUpdate::Failed { stream, error });
        let g = self.spawn(cluster, fail, move |c, tx| kube::object_watch::run(c, object, stream, tx));
        self.object = Some((stream, g));
    }

    pub fn workload_logs(&mut self, stream: u64, request: WorkloadLogRequest) {
        let fail = move |e| Message::Object(ObjectUpdate::LogEnded { stream, error: Some(e) });
        let cluster = request.cluster.clone();
        let g = self.spawn(&cluster, fail, move |c, tx| kube::workload_logs::run(c, request, stream, tx));
        self.logs = Some((stream, g));
    }

    /// Stop the streams the views no longer want (dropping a guard aborts its task).
    pub fn retain(&mut self, want: Wanted) {
        let keep = |slot: &mut Option<(u64, TaskGuard)>, id: Option<u64>| {
            if slot.as_ref().is_some_and(|(s, _)| Some(*s) != id) {
                *slot = None;
            }
        };
        keep(&mut self.table, want.table);
        keep(&mut self.object, want.object);
        keep(&mut self.logs, want.object_logs);
    }

    pub fn running(&self) -> usize {
        [&self.table, &self.object, &self.logs].iter().filter(|s| s.is_some()).count()
    }
}
