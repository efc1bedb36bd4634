//! The demo's answers to the pod view: the pod read from the world every second while open
//! (sent only when it changed, as a watch would), and a container's made-up log, tailed and
//! followed. Errors say what the API server would say.

use std::time::Duration;

use super::Handle;
use super::logs::{LogGen, run_of};
use crate::domain::LogRequest;
use crate::domain::PodKey;
use crate::sources::Sender;
use crate::sources::kube::pod_detail;
use crate::state::Message;
use crate::state::pod_detail::PodDetail;
use crate::state::pod_view::PodUpdate;
use crate::state::pods::ClusterEvent;

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
        // Another run than the one followed: the crash of the followed live run adds how it
        // ended; any other run (a restart) writes its log from the start. A crashed run adds
        // nothing more.
        if let Some(next) = next.filter(|n| n.started_at() != logs.started_at()) {
            let crash_of_followed = logs.ending().is_empty() && !next.ending().is_empty();
            lines.extend(if crash_of_followed { next.ending() } else { next.history(now, usize::MAX) });
            logs = next;
        }
        i = logs.position(now);
        if !lines.is_empty() && !send(PodUpdate::LogLines { stream, lines }).await {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::demo::{FIXED_EPOCH, run_headless, spawn};
    use crate::state::pod_detail::ContainerState;

    /// The demo at 200× until one of cart's containers waits to restart: its key.
    async fn a_waiting_cart(h: &Handle) -> PodKey {
        let (world, _) = run_headless(7, FIXED_EPOCH, 240);
        let names: Vec<String> = world
            .pods()
            .into_iter()
            .filter(|p| p.name.starts_with("cart-"))
            .map(|p| p.name.to_string())
            .collect();
        for _ in 0..1_000 {
            for name in &names {
                let key =
                    PodKey { cluster: Default::default(), namespace: "storefront".into(), name: name.into() };
                let Ok(Some(snap)) = h.pod(key.clone()).await else { continue };
                let d = pod_detail::detail(&snap.pod, snap.now);
                if snap.now - FIXED_EPOCH > 200_000
                    && matches!(d.containers[0].state, ContainerState::Waiting { .. })
                {
                    return key;
                }
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("no cart container waited to restart");
    }

    #[tokio::test]
    async fn following_a_crash_looping_container_adds_nothing_until_it_restarts() {
        let (tx, mut world_rx) = crate::sources::channel();
        let (h, _guard) = spawn(7, FIXED_EPOCH, 200.0, tx);
        let drain = tokio::spawn(async move { while world_rx.recv().await.is_some() {} });
        let key = a_waiting_cart(&h).await;
        let (tx, mut rx) = crate::sources::channel();
        let req = LogRequest {
            key,
            container: "cart".into(),
            previous: false,
            follow: true,
            timestamps: false,
            tail_lines: 500,
        };
        let task = tokio::spawn(logs(h.clone(), req, 1, tx));
        let mut batches = Vec::new();
        // 6 s at 200x is 20 simulated minutes: longer than the longest back-off.
        let _ = tokio::time::timeout(Duration::from_secs(6), async {
            while let Some(Message::Pod(PodUpdate::LogLines { lines, .. })) = rx.recv().await {
                batches.push(lines);
            }
        })
        .await;
        task.abort();
        drain.abort();

        let first = &batches[0];
        assert!(first[0].contains("cart") && first[0].contains("starting"), "{first:#?}");
        assert!(first.last().unwrap().contains("shutting down"), "{first:#?}");
        assert!(!first.iter().any(|l| l.contains("\"msg\":\"request\"")), "{first:#?}");
        // Then nothing until the container restarts: the next run's log, from its first line.
        let later = batches.get(1).expect("a restart within 20 minutes");
        assert!(later[0].contains("starting"), "{later:#?}");
    }
}
