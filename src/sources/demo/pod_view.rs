//! The demo's answers to the pod view: the pod read from the world every second while open
//! (sent only when it changed, as a watch would), and a container's made-up log, tailed and
//! followed. Errors say what the API server would say.

use std::time::Duration;

use super::Handle;
use super::logs::{LogGen, run_of};
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
    let run = match run_of(c, req.previous, &req.key.name) {
        Ok(run) => run,
        Err(error) => {
            send(PodUpdate::LogEnded { stream, error: Some(error) }).await;
            return;
        }
    };
    let mut logs = LogGen::new(&req.key.name, &c.name, &c.image, run, req.timestamps, snap.now);
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
        let snap = match h.pod(req.key.clone()).await {
            Ok(Some(s)) => s,
            // The pod went away: its log stream ends, as the kubelet's does.
            _ => {
                send(PodUpdate::LogEnded { stream, error: None }).await;
                return;
            }
        };
        let now = snap.now;
        let detail = pod_detail::detail(&snap.pod, now);
        let next = detail.container(&req.container).and_then(|c| {
            let run = run_of(c, false, &req.key.name).ok()?;
            Some(LogGen::new(&req.key.name, &c.name, &c.image, run, req.timestamps, now))
        });
        let mut lines: Vec<String> = (i..logs.position(now)).map(|n| logs.line(n)).collect();
        // Another run than the one followed: a restart writes its new log from the start; a
        // crash of the followed run writes how it ended. A crashed run adds nothing more.
        if let Some(next) = next.filter(|n| n.started_at() != logs.started_at()) {
            lines.extend(if next.ending().is_empty() {
                next.history(now, usize::MAX)
            } else {
                next.ending()
            });
            logs = next;
        }
        i = logs.position(now);
        if !lines.is_empty() && !send(PodUpdate::LogLines { stream, lines }).await {
            return;
        }
    }
}
