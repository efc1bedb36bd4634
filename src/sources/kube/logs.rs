//! A container's log as a stream of lines (`GET …/pods/NAME/log` with container, tailLines,
//! follow, previous, timestamps), sent in batches tagged with the log view's stream id.
//! Runs until the server ends the stream or the app drops its guard.

use futures::{AsyncBufRead, AsyncBufReadExt, StreamExt};
use k8s_openapi::api::core::v1::Pod as KPod;
use kube::Api;
use kube::api::LogParams;

use super::{Connection, client_error};
use crate::domain::LogRequest;
use crate::sources::Sender;
use crate::state::Message;
use crate::state::pod_view::PodUpdate;

/// Lines sent in one message at most, so a burst (the initial tail) is a few messages, not a
/// thousand, and a slow trickle still shows at once.
const BATCH: usize = 256;
/// Bytes of one line kept from the stream; the log view cuts shorter still.
const READ_MAX: usize = crate::state::logs::LINE_MAX * 2;

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

/// The container `kubectl logs` picks without `-c`: the default-container annotation's, else
/// the first.
pub async fn default_container(api: &Api<KPod>, pod: &str) -> Result<String, String> {
    let p = api.get(pod).await.map_err(|e| client_error(&e))?;
    let named =
        p.metadata.annotations.as_ref().and_then(|a| a.get(super::pod_detail::DEFAULT_CONTAINER).cloned());
    let first = p.spec.as_ref().and_then(|s| s.containers.first()).map(|c| c.name.clone());
    named.or(first).ok_or_else(|| format!("pod {pod} has no containers"))
}

pub async fn run(conn: Connection, mut req: LogRequest, stream: u64, tx: Sender) {
    let api: Api<KPod> = Api::namespaced(conn.client.clone(), &req.key.namespace);
    if req.container.is_empty() {
        match default_container(&api, &req.key.name).await {
            Ok(c) => req.container = c,
            Err(e) => {
                let _ = tx.send(Message::Pod(PodUpdate::LogEnded { stream, error: Some(e) })).await;
                return;
            }
        }
    }
    let reader = match api.log_stream(&req.key.name, &params(&req)).await {
        Ok(r) => r,
        Err(e) => {
            let _ =
                tx.send(Message::Pod(PodUpdate::LogEnded { stream, error: Some(client_error(&e)) })).await;
            return;
        }
    };
    let _ = tx.send(Message::Pod(PodUpdate::LogLines { stream, lines: Vec::new() })).await;
    let lines = futures::stream::unfold(Box::pin(reader), |mut r| async move {
        match next_line(&mut r).await {
            Ok(Some(l)) => Some((Ok(l), r)),
            Ok(None) => None,
            Err(e) => Some((Err(e), r)),
        }
    });
    let mut batches = std::pin::pin!(lines.ready_chunks(BATCH));
    let error = loop {
        let Some(batch) = batches.next().await else { break None };
        let mut ok = Vec::with_capacity(batch.len());
        let mut failed = None;
        for l in batch {
            match l {
                Ok(l) => ok.push(l),
                Err(e) => failed = Some(format!("reading the log: {e}")),
            }
        }
        if !ok.is_empty() && tx.send(Message::Pod(PodUpdate::LogLines { stream, lines: ok })).await.is_err() {
            return;
        }
        if failed.is_some() {
            break failed;
        }
    };
    let _ = tx.send(Message::Pod(PodUpdate::LogEnded { stream, error })).await;
}

/// The next line, read as bytes: invalid UTF-8 is replaced rather than ending the stream,
/// and a line without an end is cut at `READ_MAX` bytes so it cannot grow memory unbounded.
pub(super) async fn next_line<R: AsyncBufRead + Unpin>(r: &mut R) -> std::io::Result<Option<String>> {
    let mut out = Vec::new();
    loop {
        let buf = r.fill_buf().await?;
        if buf.is_empty() {
            return Ok((!out.is_empty()).then(|| String::from_utf8_lossy(&out).into_owned()));
        }
        let (take, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        let room = READ_MAX.saturating_sub(out.len());
        out.extend_from_slice(&buf[..take.min(room)]);
        r.consume_unpin(take);
        if done {
            while out.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                out.pop();
            }
            return Ok(Some(String::from_utf8_lossy(&out).into_owned()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_read_lossily_and_an_endless_one_is_cut() {
        futures::executor::block_on(async {
            let mut data = b"ok\r\n\xff\xfe bad\n".to_vec();
            data.extend(std::iter::repeat_n(b'x', READ_MAX * 3));
            data.extend(b"\nafter");
            let mut r = futures::io::Cursor::new(data);
            assert_eq!(next_line(&mut r).await.unwrap().as_deref(), Some("ok"));
            assert_eq!(next_line(&mut r).await.unwrap().as_deref(), Some("\u{fffd}\u{fffd} bad"));
            assert_eq!(next_line(&mut r).await.unwrap().map(|l| l.len()), Some(READ_MAX));
            assert_eq!(next_line(&mut r).await.unwrap().as_deref(), Some("after"));
            assert_eq!(next_line(&mut r).await.unwrap(), None);
        });
    }
}
