//! The long-running streams of the views of any object, owned by the app like the pod view's:
//! the open `:KIND` list's watch, the open object's watch and a workload's merged log.
//! Started by an effect; stopped when the view no longer names their id.

use crate::app::executor::Backend;
use crate::domain::{ApiKind, ObjectRef, WorkloadLogRequest};
use crate::sources::{self, TaskGuard, kube};
use crate::state::Message;
use crate::state::object_messages::ViewStreams as Wanted;
use crate::state::object_view::ObjectUpdate;
use crate::state::resources::TableUpdate;

const NO_CLUSTER: &str = "not connected to a cluster: the demo has no API server to ask (connect to a cluster, or run the test server: cargo run --example kube_api_server)";

pub struct ViewStreams {
    tx: sources::Sender,
    table: Option<(u64, TaskGuard)>,
    object: Option<(u64, TaskGuard)>,
    logs: Option<(u64, TaskGuard)>,
}

impl ViewStreams {
    pub fn new(tx: sources::Sender) -> Self {
        ViewStreams { tx, table: None, object: None, logs: None }
    }

    /// The channel the store reads, for a background command's output.
    pub fn sender(&self) -> sources::Sender {
        self.tx.clone()
    }

    /// A context switch of the one cluster stops them: they were the old context's.
    pub fn stop_all(&mut self) {
        (self.table, self.object, self.logs) = (None, None, None);
    }

    /// Run `f` on the connection of `backend` (the view's cluster's), or send `fail`'s message
    /// with why not.
    fn spawn<F, Fut>(
        &self,
        backend: Backend,
        fail: impl FnOnce(String) -> Message + Send + 'static,
        f: F,
    ) -> TaskGuard
    where
        F: FnOnce(kube::Connection, sources::Sender) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let tx = self.tx.clone();
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

    pub fn table(&mut self, stream: u64, kind: ApiKind, namespace: Option<String>, backend: Backend) {
        let fail = move |e| Message::Table { stream, update: TableUpdate::Failed(e) };
        let g =
            self.spawn(backend, fail, move |c, tx| kube::resource_watch::run(c, kind, namespace, stream, tx));
        self.table = Some((stream, g));
    }

    pub fn object(&mut self, stream: u64, object: ObjectRef, backend: Backend) {
        let fail = move |error| Message::Object(ObjectUpdate::Failed { stream, error });
        let g = self.spawn(backend, fail, move |c, tx| kube::object_watch::run(c, object, stream, tx));
        self.object = Some((stream, g));
    }

    pub fn workload_logs(&mut self, stream: u64, request: WorkloadLogRequest, backend: Backend) {
        let fail = move |e| Message::Object(ObjectUpdate::LogEnded { stream, error: Some(e) });
        let g = self.spawn(backend, fail, move |c, tx| kube::workload_logs::run(c, request, stream, tx));
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
