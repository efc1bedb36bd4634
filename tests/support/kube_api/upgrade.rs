//! The streaming subresources over WebSocket, as the API server serves them to clients that
//! speak the channel protocols (`v5.channel.k8s.io`, `v4.channel.k8s.io`): the checks made
//! before the upgrade (pod, container, running), the handshake, then exec or port-forward.

// Checks answer a refusal as the HTTP response itself, as http.rs's handlers do.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::Role;

use super::Shared;
use super::http::{bad_request, not_found, status};

pub type Ws = WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>;

/// Whether a request asks to switch protocols (a WebSocket, or kubectl's SPDY).
pub fn wants(req: &Request) -> bool {
    req.headers().get(header::UPGRADE).is_some()
}

/// The sub-protocols this server speaks for each subresource, in its order of preference.
fn protocols(sub: &str) -> &'static [&'static str] {
    match sub {
        // The kubelet's port-forward speaks v4 (or the bare protocol), not v5.
        "portforward" => &["v4.channel.k8s.io", "portforward.k8s.io"],
        _ => &["v5.channel.k8s.io", "v4.channel.k8s.io"],
    }
}

fn query(req: &Request) -> Vec<(String, String)> {
    req.uri()
        .query()
        .map(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).unwrap_or_default())
        .unwrap_or_default()
}

/// `…/namespaces/NS/pods/NAME/SUB` → (NS, NAME, SUB).
fn pod_path(path: &str) -> Option<(String, String, String)> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segs.as_slice() {
        ["api", "v1", "namespaces", ns, "pods", name, sub] => {
            Some((ns.to_string(), name.to_string(), sub.to_string()))
        }
        _ => None,
    }
}

pub async fn handle(shared: Arc<Shared>, mut req: Request) -> Response {
    let offered: Vec<String> = req
        .headers()
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(',').map(|p| p.trim().to_string()))
        .collect();
    let Some((ns, name, sub)) =
        pod_path(req.uri().path()).filter(|(_, _, s)| s == "exec" || s == "portforward")
    else {
        return bad_request("the test server upgrades only pods/exec and pods/portforward");
    };
    let websocket = req.headers().get(header::UPGRADE).and_then(|v| v.to_str().ok()).map(str::to_lowercase);
    let chosen = protocols(&sub).iter().find(|p| offered.iter().any(|o| o == *p));
    let (Some("websocket"), Some(chosen)) = (websocket.as_deref(), chosen) else {
        // kubectl before 1.30 (SPDY), or port-forward tunnelled as SPDY over a WebSocket.
        let msg = format!(
            "the test server speaks only the WebSocket channel protocols ({}) for pods/{sub}; offered: {}",
            protocols(&sub).join(", "),
            if offered.is_empty() { "none".to_string() } else { offered.join(", ") }
        );
        return status(400, "BadRequest", &msg, json!({}));
    };
    let q = query(&req);
    let pod = {
        let db = shared.db.lock().unwrap();
        let kind = db.kind_named("Pod").expect("pods are served");
        match db.get(kind, &ns, &name) {
            Some(p) => p,
            None => return not_found(kind, &name),
        }
    };
    let session = match sub.as_str() {
        "exec" => match super::exec::check(&pod, &q) {
            Ok(s) => Session::Exec(s),
            Err(r) => return r,
        },
        _ => match super::forward::check(&shared, &pod, &q) {
            Ok(f) => Session::Forward(f),
            Err(r) => return r,
        },
    };
    let Some(key) = req.headers().get(header::SEC_WEBSOCKET_KEY).map(|k| k.as_bytes().to_vec()) else {
        return bad_request("missing Sec-WebSocket-Key");
    };
    let on_upgrade = hyper::upgrade::on(&mut req);
    let v5 = *chosen == "v5.channel.k8s.io";
    tokio::spawn(async move {
        let Ok(upgraded) = on_upgrade.await else { return };
        let ws = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, None).await;
        match session {
            Session::Exec(s) => super::exec::run(s, ws, v5).await,
            Session::Forward(f) => super::forward::run(shared, f, ws).await,
        }
    });
    Response::builder()
        .status(StatusCode::SWITCHING_PROTOCOLS)
        .header(header::UPGRADE, "websocket")
        .header(header::CONNECTION, "Upgrade")
        .header(
            header::SEC_WEBSOCKET_ACCEPT,
            tokio_tungstenite::tungstenite::handshake::derive_accept_key(&key),
        )
        .header(header::SEC_WEBSOCKET_PROTOCOL, *chosen)
        .body(Body::empty())
        .unwrap()
}

enum Session {
    Exec(super::exec::Exec),
    Forward(super::forward::Forward),
}

/// The container a request names, or the pod's only one; the API server's 400s otherwise.
pub fn container(pod: &Value, q: &[(String, String)]) -> Result<String, Response> {
    let name = pod["metadata"]["name"].as_str().unwrap_or("");
    let containers: Vec<String> = pod["spec"]["containers"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["name"].as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    match q.iter().find(|(k, _)| k == "container").map(|(_, v)| v.clone()) {
        Some(c) if containers.contains(&c) => Ok(c),
        Some(c) => Err(bad_request(&format!("container {c} is not valid for pod {name}"))),
        None if containers.len() == 1 => Ok(containers[0].clone()),
        None => Err(bad_request(&format!(
            "a container name must be specified for pod {name}, choose one of: [{}]",
            containers.join(" ")
        ))),
    }
}

/// Whether `container` of `pod` runs now: only a running container can be exec'd into.
pub fn running(pod: &Value, container: &str) -> bool {
    pod["status"]["phase"] == "Running"
        && pod["metadata"]["deletionTimestamp"].is_null()
        && pod["status"]["containerStatuses"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["name"] == container && c["state"]["running"].is_object())
}

/// Every header of a request, lowercase names, for the record.
pub fn header_pairs(headers: &HeaderMap) -> HashMap<String, String> {
    let mut out: HashMap<String, String> = HashMap::new();
    for (k, v) in headers {
        let v = v.to_str().unwrap_or("").to_string();
        out.entry(k.as_str().to_string()).and_modify(|e| *e = format!("{e}, {v}")).or_insert(v);
    }
    out
}

/// A close with status 1000: clients (kubectl) read a close without a status as an error.
pub fn normal_close() -> tokio_tungstenite::tungstenite::Message {
    use tokio_tungstenite::tungstenite::protocol::CloseFrame;
    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
    tokio_tungstenite::tungstenite::Message::Close(Some(CloseFrame {
        code: CloseCode::Normal,
        reason: "".into(),
    }))
}
