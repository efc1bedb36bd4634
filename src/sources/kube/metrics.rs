//! Pod CPU and memory from metrics.k8s.io. That API cannot be watched, so it is read every
//! [`POLL`] (a cluster of more than [`LARGE`] pods half as often); a failure waits longer each
//! time (up to [`RETRY_ABSENT`] intervals, at least what a 429 asks); when the cluster does not
//! serve it, the pods pane says so once and it is asked again only every few minutes.
//!
//! The reading runs in a task of its own ([`spawn`]): at 100,000 pods an answer is some 30 MB,
//! and parsing it in the watch loop held every watch event back for as long. Only names and
//! usage are parsed, as the answer arrives, and the pods source puts the usage on its rows
//! ([`apply`]).

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::BodyExt;
use kube::core::Status;
use serde::Deserialize;
use tokio::sync::mpsc;

use super::Connection;
use super::intern::Interner;
use super::list_items::ListItems;
use super::pods::Tracked;
use super::quantity;
use crate::domain::{ClusterId, PodKey, Scope};
use crate::sources::TaskGuard;
use crate::sources::backoff::Backoff;

pub const POLL: Duration = Duration::from_secs(30);
/// Above this many pods a reading is tens of MB (about 300 bytes a pod) for the API server,
/// metrics-server and the console alike, so it is read half as often.
const LARGE: usize = 50_000;
/// A failed reading waits from one interval up to this many; an API not served, this many.
const RETRY_ABSENT: u32 = 10;

fn poll_after(pods: usize, every: Duration) -> Duration {
    if pods > LARGE { every * 2 } else { every }
}

/// One reading's outcome, as the poller sends it.
pub enum Polled {
    /// The API is not served.
    Absent,
    /// Each pod's CPU (millicores) and memory (bytes), in the answer's order: applied in one
    /// pass, each pod looked up once.
    Usage(Vec<(PodKey, (u64, u64))>),
    /// The reading failed: why, as the pane says it. The rows keep the last reading's usage.
    Failed(String),
}

/// Put a reading's usage on a row (`None`: the reading had none for it); true when that
/// changed it (only then is the row, shared with the store, copied). No reading is kept: a row
/// keeps its usage until the next one, and a pod's new row takes it from the old ([`carry`]).
pub fn apply(t: &mut Tracked, u: Option<&(u64, u64)>) -> bool {
    let usage = (u.map(|u| u.0), u.map(|u| u.1));
    if (t.pod.cpu_milli, t.pod.mem_bytes) == usage {
        return false;
    }
    let row = Arc::make_mut(&mut t.pod);
    (row.cpu_milli, row.mem_bytes) = usage;
    true
}

/// A pod's new row (from a watch event or a relist) keeps the usage its old row had.
pub fn carry(old: &Tracked, new: &mut Tracked) {
    apply(new, old.pod.cpu_milli.zip(old.pod.mem_bytes).as_ref());
    new.reading = old.reading;
}

/// Read the metrics every [`POLL`] (every 60 s above [`LARGE`] pods; the connection's
/// `metrics_poll`) in a task of its own, sending each reading; the task ends with the guard or
/// when the receiver is gone.
pub fn spawn(conn: &Connection, cluster: ClusterId) -> (TaskGuard, mpsc::Receiver<Polled>) {
    let (tx, rx) = mpsc::channel(1);
    let path = match &conn.scope {
        Scope::All => "/apis/metrics.k8s.io/v1beta1/pods".to_string(),
        Scope::Namespace(ns) => format!("/apis/metrics.k8s.io/v1beta1/namespaces/{ns}/pods"),
    };
    let (client, every) = (conn.client.clone(), conn.metrics_poll);
    let task = tokio::spawn(async move {
        let mut backoff = Backoff::new(every, every * RETRY_ABSENT);
        let mut namespaces = Interner::default();
        loop {
            let wait = match read(&client, &path, &cluster, &mut namespaces).await {
                Ok(usage) => {
                    backoff.reset();
                    let wait = poll_after(usage.len(), every);
                    if tx.send(Polled::Usage(usage)).await.is_err() {
                        return;
                    }
                    wait
                }
                Err(kube::Error::Api(s)) if s.code == 404 => {
                    if tx.send(Polled::Absent).await.is_err() {
                        return;
                    }
                    every * RETRY_ABSENT
                }
                Err(e) => {
                    let asked = match &e {
                        kube::Error::Api(s) => {
                            s.details.as_ref().map(|d| Duration::from_secs(d.retry_after_seconds.into()))
                        }
                        _ => None,
                    };
                    let wait = backoff.next_delay_after(asked);
                    tracing::warn!(error = %e, retry_in = ?wait, "reading metrics.k8s.io failed");
                    if tx.send(Polled::Failed(super::client_error(&e))).await.is_err() {
                        return;
                    }
                    wait
                }
            };
            tokio::time::sleep(wait).await;
        }
    });
    (TaskGuard(task), rx)
}

/// The parts of a PodMetrics that are read; the rest of it is skipped unparsed, and names are
/// borrowed from the answer (an object name never needs unescaping).
#[derive(Deserialize)]
struct Item<'a> {
    #[serde(borrow)]
    metadata: Meta<'a>,
    #[serde(default, borrow)]
    containers: Vec<Container<'a>>,
}

#[derive(Deserialize)]
struct Meta<'a> {
    #[serde(default, borrow)]
    namespace: Cow<'a, str>,
    #[serde(default, borrow)]
    name: Cow<'a, str>,
}

#[derive(Deserialize)]
struct Container<'a> {
    #[serde(default, borrow)]
    usage: ContainerUsage<'a>,
}

#[derive(Deserialize, Default)]
struct ContainerUsage<'a> {
    #[serde(borrow)]
    cpu: Option<Cow<'a, str>>,
    #[serde(borrow)]
    memory: Option<Cow<'a, str>>,
}

/// One reading, parsed as it arrives: each PodMetrics is cut out of the answer and parsed in
/// place as soon as it is whole ([`ListItems`]), so no more than a piece of the answer is held
/// (at 100,000 pods it is some 30 MB; holding it whole raised the resident size by as much
/// each reading). kube's `request` would copy it whole three times. An error answer becomes the
/// client's own `Error::Api`, with the Status the server sent.
async fn read(
    client: &kube::Client,
    path: &str,
    cluster: &ClusterId,
    namespaces: &mut Interner,
) -> kube::Result<Vec<(PodKey, (u64, u64))>> {
    let req = http::Request::get(path).body(kube::client::Body::empty()).map_err(kube::Error::HttpError)?;
    let res = client.send(req).await?;
    let code = res.status();
    if code.is_client_error() || code.is_server_error() {
        // An error answer is a short Status (or text): taken whole.
        let body = res.into_body().collect().await?.to_bytes();
        let status = serde_json::from_slice::<Status>(&body).unwrap_or_else(|_| {
            Status::failure(String::from_utf8_lossy(&body).trim(), "").with_code(code.as_u16())
        });
        return Err(kube::Error::Api(status.boxed()));
    }
    let mut body = res.into_body();
    let (mut items, mut out) = (ListItems::default(), Vec::new());
    let mut add = |bytes: &[u8]| {
        let i: Item = serde_json::from_slice(bytes)?;
        let key =
            PodKey::new(namespaces.get(&i.metadata.namespace), i.metadata.name.as_ref()).in_cluster(cluster);
        let (mut cpu, mut mem) = (0, 0);
        for c in &i.containers {
            cpu += c.usage.cpu.as_deref().and_then(quantity::cpu_milli).unwrap_or(0);
            mem += c.usage.memory.as_deref().and_then(quantity::bytes).unwrap_or(0);
        }
        out.push((key, (cpu, mem)));
        Ok(())
    };
    while let Some(frame) = body.frame().await {
        if let Ok(piece) = frame?.into_data() {
            items.feed(&piece, &mut add).map_err(kube::Error::SerdeError)?;
        }
    }
    if !items.finished() {
        let cut = <serde_json::Error as serde::de::Error>::custom("the answer ended inside its list");
        return Err(kube::Error::SerdeError(cut));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_cluster_is_read_half_as_often() {
        assert_eq!(poll_after(20_000, POLL), POLL);
        assert_eq!(poll_after(LARGE + 1, POLL), POLL * 2);
    }
}
