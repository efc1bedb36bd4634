//! The port-forwards the user started, owned by the app: each a task holding its local port,
//! stopped from `:pf` (or with the context it belongs to); their news goes to the store on the
//! sources channel like any stream's.

use std::collections::BTreeMap;

use crate::app::executor::Backend;
use crate::domain::Target;
use crate::sources::{self, TaskGuard, kube};
use crate::state::forwards::ForwardUpdate;
use crate::state::{Message, UnixMs};

pub struct Forwards {
    tx: sources::Sender,
    running: BTreeMap<u64, TaskGuard>,
}

impl Forwards {
    pub fn new(tx: sources::Sender) -> Self {
        Forwards { tx, running: BTreeMap::new() }
    }

    /// A context switch of the one cluster stops them: they were the old context's.
    pub fn stop_all(&mut self) {
        for id in std::mem::take(&mut self.running).into_keys() {
            let _ = self.tx.try_send(Message::Forward(ForwardUpdate::Stopped { id }));
        }
    }

    /// Start forward `id` through `backend`, the one of `context`.
    pub fn start(&mut self, id: u64, target: Target, context: String, now: UnixMs, backend: Backend) {
        let tx = self.tx.clone();
        let task = tokio::spawn(async move {
            let conn = match backend {
                Backend::Kube(h) => h.connection().await,
                Backend::Demo(_) | Backend::None => {
                    Err("the demo has no API server to forward to; connect to a cluster".to_string())
                }
            };
            match conn {
                Ok(c) => kube::forward::run(c, id, target, now, tx).await,
                Err(why) => {
                    if let Target::Forward { namespace, pod, local, remote, via } = target {
                        let f = crate::state::forwards::Forward {
                            id,
                            cluster: context,
                            namespace,
                            pod,
                            via,
                            local,
                            remote,
                            state: crate::state::forwards::ForwardState::Failed(why),
                            started: now,
                            connections: 0,
                            open: 0,
                            bytes_out: 0,
                            bytes_in: 0,
                            last_error: None,
                        };
                        let _ = tx.send(Message::Forward(ForwardUpdate::Started(Box::new(f)))).await;
                    }
                }
            }
        });
        self.running.insert(id, TaskGuard(task));
    }

    /// Stop a forward: its local port is free again.
    pub fn stop(&mut self, id: u64) -> bool {
        let was = self.running.remove(&id).is_some();
        let _ = self.tx.try_send(Message::Forward(ForwardUpdate::Stopped { id }));
        was
    }

    pub fn running(&self) -> usize {
        self.running.values().filter(|g| !g.0.is_finished()).count()
    }
}
