//! A container's log as a stream of lines (`GET …/pods/NAME/log` with container, tailLines,
//! follow, previous, timestamps), sent in batches tagged with the log view's stream id.
//! Runs until the server ends the stream or the app drops its guard.

use futures::{AsyncBufReadExt, StreamExt};
use k8s_openapi::api::core::v1::Pod as KPod;
use kube::Api;
use kube::api::LogParams;

use super::{Connection, client_error};
use crate::sources::Sender;
use crate::state::Message;
use crate::state::pod_view::{LogRequest, PodUpdate};

/// Lines sent in one message at most, so a burst (the initial tail) is a few messages, not a
/// thousand, and a slow trickle still shows at once.
const BATCH: usize = 256;

pub fn params(req: &LogRequest) -> LogParams {
    LogParams {
        container: Some(req.container.clone()),
        follow: req.follow,
        previous: req.previous,
        timestamps: req.timestamps,
        tail_lines: Some(req.tail_lines),
        ..LogParams::default()
    }
}

pub async fn run(conn: Connection, req: LogRequest, stream: u64, tx: Sender) {
    let api: Api<KPod> = Api::namespaced(conn.client.clone(), &req.key.namespace);
    let reader = match api.log_stream(&req.key.name, &params(&req)).await {
        Ok(r) => r,
        Err(e) => {
            let _ =
                tx.send(Message::Pod(PodUpdate::LogEnded { stream, error: Some(client_error(&e)) })).await;
            return;
        }
    };
    let _ = tx.send(Message::Pod(PodUpdate::LogLines { stream, lines: Vec::new() })).await;
    let mut lines = reader.lines().ready_chunks(BATCH);
    let error = loop {
        match lines.next().await {
            None => break None,
            Some(batch) => {
                let mut ok = Vec::with_capacity(batch.len());
                let mut failed = None;
                for l in batch {
                    match l {
                        Ok(l) => ok.push(l),
                        Err(e) => failed = Some(format!("reading the log: {e}")),
                    }
                }
                if !ok.is_empty()
                    && tx.send(Message::Pod(PodUpdate::LogLines { stream, lines: ok })).await.is_err()
                {
                    return;
                }
                if failed.is_some() {
                    break failed;
                }
            }
        }
    };
    let _ = tx.send(Message::Pod(PodUpdate::LogEnded { stream, error })).await;
}
