//! The demo's answers to the pod view: the pod read from the world every second while open
//! (sent only when it changed, as a watch would), and a container's made-up log, tailed and
//! followed. Errors say what the API server would say.

use std::time::Duration;

use super::Handle;
use super::logs::LogGen;
use crate::sources::Sender;
use crate::sources::kube::pod_detail;
use crate::state::Message;
use crate::state::pod_detail::PodDetail;
use crate::state::pod_view::{LogRequest, PodUpdate};
use crate::state::pods::{ClusterEvent, PodKey};

/// How often the open pod is read again from the world (real time).
const REREAD: Duration = Duration::from_secs(1);
/// How often a followed demo log looks for new lines (real time).
const LINE_EVERY: Duration = Duration::from_millis(500);

fn not_found(key: &PodKey) -> String {
    format!("pods \"{}\" not found", key.name)
}

pub async fn watch(h: Handle, key: PodKey, stream: u64, tx: Sender) {
    let mut last: Option<(PodDetail, Vec<ClusterEvent>)> = None;
    let mut gone = false;
    loop {
        let updates = match h.pod(key.clone()).await {
            Err(error) => vec![PodUpdate::DetailFailed { stream, error }],
            Ok(None) if last.is_some() && !gone => {
                gone = true;
                vec![PodUpdate::Gone { stream }]
            }
            Ok(None) if last.is_none() => vec![PodUpdate::DetailFailed { stream, error: not_found(&key) }],
            Ok(None) => Vec::new(),
            Ok(Some(snap)) => {
                let d = pod_detail::detail(&snap.pod, snap.now);
                let mut out = Vec::new();
                if last.as_ref().is_none_or(|(old, _)| *old != d) {
                    out.push(PodUpdate::Detail { stream, detail: Box::new(d.clone()) });
                }
                if last.as_ref().is_none_or(|(_, old)| *old != snap.events) {
                    out.push(PodUpdate::Events { stream, events: snap.events.clone() });
                }
                last = Some((d, snap.events));
                out
            }
        };
        for u in updates {
            if tx.send(Message::Pod(u)).await.is_err() {
                return;
            }
        }
        tokio::time::sleep(REREAD).await;
    }
}

pub async fn logs(h: Handle, req: LogRequest, stream: u64, tx: Sender) {
    let send = |u: PodUpdate| {
        let tx = tx.clone();
        async move { tx.send(Message::Pod(u)).await.is_ok() }
    };
    let snap = match h.pod(req.key.clone()).await {
        Ok(Some(s)) => s,
        Ok(None) => {
            send(PodUpdate::LogEnded { stream, error: Some(not_found(&req.key)) }).await;
            return;
        }
        Err(e) => {
            send(PodUpdate::LogEnded { stream, error: Some(e) }).await;
            return;
        }
    };
    let detail = pod_detail::detail(&snap.pod, snap.now);
    let Some(c) = detail.container(&req.container) else {
        let error = format!("container {} is not valid for pod {}", req.container, req.key.name);
        send(PodUpdate::LogEnded { stream, error: Some(error) }).await;
        return;
    };
    let run = if req.previous { c.last_state.as_ref() } else { Some(&c.state) };
    let Some(run) = run else {
        let error = format!(
            "previous terminated container \"{}\" in pod \"{}\" not found",
            req.container, req.key.name
        );
        send(PodUpdate::LogEnded { stream, error: Some(error) }).await;
        return;
    };
    let logs = LogGen::new(&req.key.name, &c.name, &c.image, run, req.timestamps, snap.now);
    let tail = req.tail_lines.max(0) as usize;
    if !send(PodUpdate::LogLines { stream, lines: logs.history(snap.now, tail) }).await {
        return;
    }
    if !req.follow || req.previous {
        send(PodUpdate::LogEnded { stream, error: None }).await;
        return;
    }
    // Lines come as the world's clock passes them, so a faster demo writes faster.
    let mut i = logs.position(snap.now);
    loop {
        tokio::time::sleep(LINE_EVERY).await;
        let now = match h.pod(req.key.clone()).await {
            Ok(Some(s)) => s.now,
            // The pod went away: its log stream ends, as the kubelet's does.
            _ => {
                send(PodUpdate::LogEnded { stream, error: None }).await;
                return;
            }
        };
        let upto = logs.position(now);
        if upto > i {
            let lines = (i..upto).map(|n| logs.line(n)).collect();
            if !send(PodUpdate::LogLines { stream, lines }).await {
                return;
            }
            i = upto;
        }
    }
}
