//! `pods/portforward` over the channel protocol (v4): for each port asked, a data channel (2i)
//! and an error channel (2i+1), each opened by a frame naming the port; bytes go to the address
//! a test serves that pod's port on (`TestServer::serve_port`). No address is the kubelet's
//! "connection refused"; a pod deleted while forwarding ends the stream, as its node would.

// Checks answer a refusal as the HTTP response itself, as http.rs's handlers do.
#![allow(clippy::result_large_err)]

use std::net::SocketAddr;
use std::sync::Arc;

use axum::response::Response;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::Message;

use super::Shared;
use super::http::{bad_request, status};
use super::upgrade::Ws;

pub struct Forward {
    ns: String,
    pod: String,
    uid: String,
    ports: Vec<u16>,
}

pub fn check(_shared: &Shared, pod: &Value, q: &[(String, String)]) -> Result<Forward, Response> {
    let ports: Result<Vec<u16>, _> = q
        .iter()
        .filter(|(k, _)| k == "ports")
        .flat_map(|(_, v)| v.split(',').map(|p| p.trim().parse::<u16>()).collect::<Vec<_>>())
        .collect();
    let ports = ports.map_err(|_| bad_request("invalid port in the ports parameter"))?;
    if ports.is_empty() || ports.contains(&0) {
        return Err(bad_request("at least one port must be given in the ports parameter"));
    }
    if pod["status"]["phase"] != "Running" || !pod["metadata"]["deletionTimestamp"].is_null() {
        let phase = pod["status"]["phase"].as_str().unwrap_or("Unknown");
        return Err(status(
            400,
            "BadRequest",
            &format!("unable to upgrade connection: pod is not running (phase {phase})"),
            json!({}),
        ));
    }
    Ok(Forward {
        ns: pod["metadata"]["namespace"].as_str().unwrap_or("").into(),
        pod: pod["metadata"]["name"].as_str().unwrap_or("").into(),
        uid: pod["metadata"]["uid"].as_str().unwrap_or("").into(),
        ports,
    })
}

fn frame(channel: u8, data: &[u8]) -> Message {
    let mut v = vec![channel];
    v.extend_from_slice(data);
    Message::binary(v)
}

/// Whether the pod is still there (the same one: a pod recreated under its name is another).
fn alive(shared: &Shared, f: &Forward) -> bool {
    let db = shared.db.lock().unwrap();
    let kind = db.kind_named("Pod").expect("pods are served");
    db.get(kind, &f.ns, &f.pod).is_some_and(|p| p["metadata"]["uid"] == f.uid.as_str())
}

pub async fn run(shared: Arc<Shared>, f: Forward, ws: Ws) {
    let (mut tx, mut rx) = ws.split();
    for (i, port) in f.ports.iter().enumerate() {
        let p = port.to_le_bytes();
        let _ = tx.send(frame(2 * i as u8, &p)).await;
        let _ = tx.send(frame(2 * i as u8 + 1, &p)).await;
    }
    // One port per connection is what clients open; the first is the one served.
    let port = f.ports[0];
    let target: Option<SocketAddr> =
        shared.ports.lock().unwrap().get(&(f.ns.clone(), f.pod.clone(), port)).copied();
    let conn = match target {
        Some(addr) => tokio::net::TcpStream::connect(addr).await.ok(),
        None => None,
    };
    let Some(conn) = conn else {
        let msg = format!(
            "error forwarding port {port} to pod {}, uid : failed to connect to localhost:{port} inside namespace \"{}\", IPv4: dial tcp4 127.0.0.1:{port}: connect: connection refused",
            f.uid, f.ns
        );
        let _ = tx.send(frame(1, msg.as_bytes())).await;
        let _ = tx.send(super::upgrade::normal_close()).await;
        return;
    };
    let (mut from_pod, mut to_pod) = conn.into_split();
    let mut changes = shared.db.lock().unwrap().changes.subscribe();
    let mut buf = [0u8; 16 * 1024];
    loop {
        tokio::select! {
            n = from_pod.read(&mut buf) => match n {
                Ok(n) if n > 0 => { if tx.send(frame(0, &buf[..n])).await.is_err() { return; } }
                _ => break,
            },
            m = rx.next() => match m {
                Some(Ok(Message::Binary(b))) if b.first() == Some(&0) => {
                    if to_pod.write_all(&b[1..]).await.is_err() { break; }
                }
                Some(Ok(_)) => {}
                _ => return,
            },
            c = changes.recv() => {
                let gone = match c {
                    Ok(c) => c.kind.plural == "pods" && c.object["metadata"]["name"] == f.pod.as_str() && !alive(&shared, &f),
                    Err(_) => !alive(&shared, &f),
                };
                if gone {
                    break;
                }
            }
        }
    }
    let _ = tx.send(super::upgrade::normal_close()).await;
}
