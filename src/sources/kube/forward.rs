//! One port-forward, as `kubectl port-forward` runs one: 127.0.0.1:LOCAL accepts connections and
//! each is carried to the pod's port through the API's port-forward (over WebSocket); a Service
//! resolves first to a ready pod behind it and the container port its port targets. The pod is
//! watched, so a forward to a pod that died says so; the bytes moved are counted.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{Pod, Service};
use kube::Api;
use kube::api::ListParams;
use kube::runtime::watcher::{self, Event};
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::list_watch::{Update, list_watch};
use super::object_watch::label_selector;
use super::{Connection, client_error};
use crate::domain::Target;
use crate::sources::Sender;
use crate::state::forwards::{Forward, ForwardState, ForwardUpdate};
use crate::state::{Message, UnixMs};

/// The ports a pod's containers declare (number, name), for the prompt to offer.
pub fn pod_ports(pod: &Value) -> Vec<(u16, String)> {
    let mut out = Vec::new();
    for c in pod["spec"]["containers"].as_array().into_iter().flatten() {
        for p in c["ports"].as_array().into_iter().flatten() {
            if let Some(n) = p["containerPort"].as_u64() {
                out.push((n as u16, p["name"].as_str().unwrap_or("").to_string()));
            }
        }
    }
    out
}

/// The ports a Service serves (number, name).
pub fn service_ports(svc: &Value) -> Vec<(u16, String)> {
    let ports = svc["spec"]["ports"].as_array().into_iter().flatten();
    ports
        .filter_map(|p| Some((p["port"].as_u64()? as u16, p["name"].as_str().unwrap_or("").to_string())))
        .collect()
}

/// A Service's port turned into a ready pod behind it and the container port it targets, as
/// kubectl resolves `svc/NAME`.
pub async fn resolve_service(
    conn: &Connection,
    ns: &str,
    service: &str,
    port: u16,
) -> Result<(String, u16), String> {
    let err = |e: kube::Error| client_error(&e);
    let svc = Api::<Service>::namespaced(conn.client.clone(), ns).get(service).await.map_err(err)?;
    let svc = serde_json::to_value(&svc).unwrap_or(Value::Null);
    let Some(selector) = label_selector(&svc["spec"]["selector"]) else {
        return Err(format!("service {service} has no selector, so no pod to forward to"));
    };
    let sp = svc["spec"]["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["port"].as_u64() == Some(port.into()));
    let Some(sp) = sp else { return Err(format!("service {service} does not have a service port {port}")) };
    let pods = Api::<Pod>::namespaced(conn.client.clone(), ns)
        .list(&ListParams::default().labels(&selector))
        .await
        .map_err(err)?;
    let ready = |p: &Pod| {
        let st = p.status.as_ref();
        st.and_then(|s| s.phase.as_deref()) == Some("Running")
            && p.metadata.deletion_timestamp.is_none()
            && st
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
    };
    let mut candidates: Vec<&Pod> = pods.items.iter().filter(|p| ready(p)).collect();
    candidates.sort_by_key(|p| p.metadata.name.clone());
    let Some(pod) = candidates.first() else { return Err(format!("no ready pod behind service {service}")) };
    let pod_json = serde_json::to_value(pod).unwrap_or(Value::Null);
    let target = match &sp["targetPort"] {
        Value::Number(n) => n.as_u64().map(|n| n as u16),
        Value::String(name) => pod_ports(&pod_json).into_iter().find(|(_, n)| n == name).map(|(p, _)| p),
        _ => Some(port),
    };
    let Some(target) = target else {
        return Err(format!(
            "pod {} has no port named {}",
            pod.metadata.name.as_deref().unwrap_or(""),
            sp["targetPort"]
        ));
    };
    Ok((pod.metadata.name.clone().unwrap_or_default(), target))
}

#[derive(Default)]
struct Counters {
    connections: AtomicU64,
    open: AtomicU64,
    out: AtomicU64,
    inward: AtomicU64,
    last_error: std::sync::Mutex<Option<String>>,
}

impl Counters {
    fn snapshot(&self) -> (u64, u64, u64, u64) {
        let l = |a: &AtomicU64| a.load(Ordering::Relaxed);
        (l(&self.connections), l(&self.open), l(&self.out), l(&self.inward))
    }
}

/// Start the forward `target` (a `Target::Forward`; asked on a Service when `via` names one)
/// under `id`, and run it until the pod goes or the task is dropped.
pub async fn run(conn: Connection, id: u64, target: Target, now: UnixMs, tx: Sender) {
    let Target::Forward { namespace, pod, local, remote, via } = target else { return };
    let send = |u: ForwardUpdate| {
        let tx = tx.clone();
        async move { tx.send(Message::Forward(u)).await.is_ok() }
    };
    let resolved = match &via {
        Some(svc) => resolve_service(&conn, &namespace, svc, remote).await,
        None => Ok((pod.clone(), remote)),
    };
    let mut record = Forward {
        id,
        cluster: conn.context.clone(),
        namespace: namespace.clone(),
        pod: pod.clone(),
        via: via.clone(),
        local,
        remote,
        state: ForwardState::Starting,
        started: now,
        connections: 0,
        open: 0,
        bytes_out: 0,
        bytes_in: 0,
        last_error: None,
    };
    let (pod, remote) = match resolved {
        Ok(r) => r,
        Err(why) => {
            record.state = ForwardState::Failed(why);
            let _ = send(ForwardUpdate::Started(Box::new(record))).await;
            return;
        }
    };
    (record.pod, record.remote) = (pod.clone(), remote);
    if !send(ForwardUpdate::Started(Box::new(record))).await {
        return;
    }
    let listener = match TcpListener::bind(("127.0.0.1", local)).await {
        Ok(l) => l,
        Err(e) => {
            let _ = send(ForwardUpdate::Failed { id, why: format!("127.0.0.1:{local}: {e}") }).await;
            return;
        }
    };
    if !send(ForwardUpdate::Listening { id }).await {
        return;
    }
    let pods: Api<Pod> = Api::namespaced(conn.client.clone(), &namespace);
    let counters = Arc::new(Counters::default());
    let mut gone = std::pin::pin!(pod_gone(pods.clone(), namespace.clone(), pod.clone(), conn.backoff));
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut last = (0, 0, 0, 0);
    loop {
        tokio::select! {
            why = &mut gone => {
                let _ = send(ForwardUpdate::PodGone { id, why }).await;
                return;
            }
            accepted = listener.accept() => {
                if let Ok((socket, _)) = accepted {
                    let (pods, pod, c) = (pods.clone(), pod.clone(), counters.clone());
                    tokio::spawn(connection(pods, pod, remote, socket, c));
                }
            }
            _ = tick.tick() => {
                let now = counters.snapshot();
                let error = counters.last_error.lock().expect("counters lock").take();
                if now != last || error.is_some() {
                    last = now;
                    let (connections, open, bytes_out, bytes_in) = now;
                    let u = ForwardUpdate::Traffic { id, connections, open, bytes_out, bytes_in, error };
                    if !send(u).await {
                        return;
                    }
                }
            }
        }
    }
}

/// Resolves when the pod is gone (deleted, ended, being deleted), saying how.
async fn pod_gone(
    pods: Api<Pod>,
    ns: String,
    name: String,
    policy: crate::sources::backoff::Policy,
) -> String {
    let cfg = watcher::Config::default().fields(&format!("metadata.name={name}"));
    let mut events = list_watch(pods, cfg, policy);
    let mut listed = Vec::new();
    while let Some(e) = events.next().await {
        let p = match e {
            Update::Event(Event::Delete(_)) => return format!("pod {ns}/{name} was deleted"),
            Update::Event(Event::Init) => {
                listed.clear();
                continue;
            }
            Update::Event(Event::InitApply(p)) => {
                listed.push(p);
                continue;
            }
            Update::Event(Event::InitDone) => match listed.pop() {
                Some(p) => p,
                None => return format!("pod {ns}/{name} does not exist"),
            },
            Update::Event(Event::Apply(p)) => p,
            // The forward keeps going while the pod cannot be watched.
            Update::Failed(_) | Update::Healthy | Update::Page { .. } => continue,
        };
        if p.metadata.deletion_timestamp.is_some() {
            return format!("pod {ns}/{name} is being deleted");
        }
        let phase = p.status.and_then(|s| s.phase).unwrap_or_default();
        if phase == "Succeeded" || phase == "Failed" {
            return format!("pod {ns}/{name} has ended ({phase})");
        }
    }
    std::future::pending().await
}

/// One local connection carried to the pod's port and back.
async fn connection(pods: Api<Pod>, pod: String, port: u16, socket: TcpStream, c: Arc<Counters>) {
    c.connections.fetch_add(1, Ordering::Relaxed);
    c.open.fetch_add(1, Ordering::Relaxed);
    match pods.portforward(&pod, &[port]).await {
        Ok(mut pf) => {
            let error = pf.take_error(port);
            if let Some(upstream) = pf.take_stream(port) {
                let (lr, lw) = socket.into_split();
                let (ur, uw) = tokio::io::split(upstream);
                let to_pod = pump(lr, uw, &c.out);
                let from_pod = pump(ur, lw, &c.inward);
                let errored = async {
                    match error {
                        Some(e) => e.await,
                        None => std::future::pending().await,
                    }
                };
                tokio::select! {
                    _ = async { tokio::join!(to_pod, from_pod) } => {}
                    Some(e) = errored => *c.last_error.lock().expect("counters lock") = Some(e),
                }
            }
        }
        Err(e) => *c.last_error.lock().expect("counters lock") = Some(client_error(&e)),
    }
    c.open.fetch_sub(1, Ordering::Relaxed);
}

/// Copy until either side ends, counting the bytes.
async fn pump(mut from: impl AsyncRead + Unpin, mut to: impl AsyncWrite + Unpin, count: &AtomicU64) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if to.write_all(&buf[..n]).await.is_err() {
                    break;
                }
                count.fetch_add(n as u64, Ordering::Relaxed);
            }
        }
    }
    let _ = to.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ports_a_pod_and_a_service_declare() {
        let pod = json!({"spec": {"containers": [{"name": "a", "ports": [{"name": "http", "containerPort": 8080}]},
                                               {"name": "b", "ports": [{"containerPort": 9090}]}]}});
        assert_eq!(pod_ports(&pod), [(8080, "http".to_string()), (9090, String::new())]);
        let svc = json!({"spec": {"ports": [{"name": "web", "port": 80, "targetPort": "http"}]}});
        assert_eq!(service_ports(&svc), [(80, "web".to_string())]);
    }
}
