//! `services/NAME:PORT/proxy/…`, the API server's service proxy: the request goes on, method,
//! path, query and body, to the server a test runs behind that Service's port
//! (`TestServer::serve_service`), and its answer comes back as it is. A Service with no such
//! port, or none served, answers 503 as the API server does with no endpoints; a refusal of
//! `services/proxy` is a fault like any other (`fault("services/proxy", …)`).

use axum::body::{Body, Bytes};
use axum::http::{Method, Uri, header};
use axum::response::Response;
use serde_json::json;

use super::Shared;
use super::http::{Target, not_found, status};

pub async fn service(shared: &Shared, t: &Target, method: &Method, uri: &Uri, body: Bytes) -> Response {
    let ns = t.ns.clone().unwrap_or_default();
    let full = t.name.clone().unwrap_or_default();
    let (name, port) = full.split_once(':').map_or((full.as_str(), ""), |(n, p)| (n, p));
    let Some(svc) = shared.db.lock().unwrap().get(t.kind, &ns, name) else {
        return not_found(t.kind, name);
    };
    let ports = svc["spec"]["ports"].as_array().cloned().unwrap_or_default();
    let served = ports.iter().any(|p| {
        port.is_empty() && ports.len() == 1
            || p["name"].as_str() == Some(port)
            || p["port"].as_u64().map(|n| n.to_string()).as_deref() == Some(port)
    });
    let addr =
        shared.services.lock().unwrap().get(&(ns.clone(), name.to_string(), port.to_string())).copied();
    let Some(addr) = addr.filter(|_| served) else {
        let msg = format!("no endpoints available for service \"{name}\"");
        return status(503, "ServiceUnavailable", &msg, json!({}));
    };
    let rest = uri.path().split_once("/proxy").map_or("", |(_, r)| r);
    let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
    flightdeck::sources::tls::install_provider();
    let client = reqwest::Client::new();
    let m = reqwest::Method::from_bytes(method.as_str().as_bytes()).unwrap();
    let sent = client
        .request(m, format!("http://{addr}{rest}{query}"))
        .header(header::CONTENT_TYPE.as_str(), "application/json")
        .body(body.to_vec())
        .send()
        .await;
    match sent {
        Ok(resp) => {
            let code = resp.status().as_u16();
            let ct =
                resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
            let bytes = resp.bytes().await.unwrap_or_default();
            Response::builder().status(code).header(header::CONTENT_TYPE, ct).body(Body::from(bytes)).unwrap()
        }
        Err(e) => {
            status(503, "ServiceUnavailable", &format!("error trying to reach service: {e}"), json!({}))
        }
    }
}
