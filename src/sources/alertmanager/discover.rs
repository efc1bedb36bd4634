//! The cluster's own Alertmanager, found with no config: a Service labelled as Alertmanager
//! (kube-prometheus-stack's, the operator's `alertmanager-operated`) with a web port, reached
//! through the API server's service proxy with the kubeconfig's credentials. No URL, no
//! port-forward; a refusal of `services/proxy` is said in the Alerts pane.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use k8s_openapi::api::core::v1::{Service, ServicePort};
use kube::api::{Api, ListParams};

use super::Client;
use crate::domain::{Scope, SourceId};
use crate::sources::{Clock, Sender, TaskGuard, kube as kube_source};
use crate::state::{Message, PaneId};

/// The instance name of the one found in a cluster: `alertmanager/in-cluster`.
pub const IN_CLUSTER: &str = "in-cluster";

/// How to point flightdeck at an Alertmanager by hand, said wherever none is found.
pub const HOW: &str = "add [[alertmanager]] url = \"http://…:9093\" to the config";

/// The labels that name an Alertmanager's Service, most specific first.
pub const SELECTORS: [&str; 3] =
    ["app.kubernetes.io/name=alertmanager", "app=alertmanager", "operated-alertmanager=true"];

/// Look again this often while none is found (it may be installed later).
const AGAIN: Duration = Duration::from_secs(300);

/// A Service in front of an Alertmanager, and the port its web API is on (a name or a number).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub namespace: String,
    pub name: String,
    pub port: String,
}

impl std::fmt::Display for Found {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}:{}", self.namespace, self.name, self.port)
    }
}

/// The port Alertmanager's web API is served on: named `http-web` (kube-prometheus-stack, the
/// operator) or `web`, else 9093. None when the Service has neither.
pub fn web_port(ports: &[ServicePort]) -> Option<String> {
    let named = |n: &str| ports.iter().find(|p| p.name.as_deref() == Some(n)).map(|_| n.to_string());
    named("http-web").or_else(|| named("web")).or_else(|| {
        ports.iter().find(|p| p.port == 9093).map(|p| p.name.clone().unwrap_or_else(|| "9093".into()))
    })
}

/// Pick among Services found by `SELECTORS` (in that order): the first with a web port,
/// a ClusterIP one before a headless one. Err says why none will do.
pub fn pick(found: &[(usize, Service)]) -> Result<Found, String> {
    let mut with_port: Vec<(usize, bool, Found)> = found
        .iter()
        .filter_map(|(rank, s)| {
            let spec = s.spec.as_ref()?;
            let port = web_port(spec.ports.as_deref().unwrap_or_default())?;
            let headless = spec.cluster_ip.as_deref() == Some("None");
            let meta = &s.metadata;
            let f = Found { namespace: meta.namespace.clone()?, name: meta.name.clone()?, port };
            Some((*rank, headless, f))
        })
        .collect();
    with_port
        .sort_by(|a, b| (a.0, a.1, &a.2.namespace, &a.2.name).cmp(&(b.0, b.1, &b.2.namespace, &b.2.name)));
    if let Some((_, _, f)) = with_port.into_iter().next() {
        return Ok(f);
    }
    match found.first() {
        Some((_, s)) => Err(format!(
            "Service {}/{} is labelled as Alertmanager but serves no web port (9093, http-web or web)",
            s.metadata.namespace.as_deref().unwrap_or_default(),
            s.metadata.name.as_deref().unwrap_or_default()
        )),
        None => Err(format!("none found in the cluster (no Service labelled {})", SELECTORS.join(", "))),
    }
}

/// Find the cluster's Alertmanager: every namespace, else (where listing them all is refused)
/// the context's namespace and `monitoring`.
pub async fn find(client: &kube::Client, scope: &Scope) -> Result<Found, String> {
    let mut namespaces: Vec<Option<String>> = vec![None];
    if let Scope::Namespace(ns) = scope {
        namespaces.push(Some(ns.clone()));
    }
    namespaces.push(Some("monitoring".into()));
    let mut refused = None;
    for ns in namespaces {
        let api: Api<Service> = match &ns {
            Some(ns) => Api::namespaced(client.clone(), ns),
            None => Api::all(client.clone()),
        };
        let mut found = Vec::new();
        let mut ok = true;
        for (rank, selector) in SELECTORS.iter().enumerate() {
            match api.list(&ListParams::default().labels(selector)).await {
                Ok(list) => found.extend(list.items.into_iter().map(|s| (rank, s))),
                Err(kube::Error::Api(s)) if s.code == 403 => {
                    refused.get_or_insert_with(|| s.message.clone());
                    ok = false;
                    break;
                }
                Err(e) => return Err(format!("listing Services: {}", kube_source::client_error(&e))),
            }
        }
        if ok {
            return pick(&found);
        }
    }
    Err(format!("cannot look for it: listing Services is forbidden ({})", refused.unwrap_or_default()))
}

/// `METHOD /api/v2{path}` on the Alertmanager behind `found`, through the API server.
pub async fn call(
    client: &kube::Client,
    found: &Found,
    method: &str,
    path: &str,
    body: Option<Vec<u8>>,
) -> Result<Vec<u8>, String> {
    let uri = format!(
        "/api/v1/namespaces/{}/services/{}:{}/proxy/api/v2{path}",
        found.namespace, found.name, found.port
    );
    let req = http::Request::builder()
        .method(method)
        .uri(uri)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(body.unwrap_or_default())
        .map_err(|e| e.to_string())?;
    match client.request_text(req).await {
        Ok(text) => Ok(text.into_bytes()),
        Err(kube::Error::Api(s)) if s.code == 403 => {
            Err(format!("forbidden (403) on services/proxy for {found}: {}", s.message))
        }
        Err(kube::Error::Api(s)) if s.code == 503 => {
            Err(format!("the Service {found} answers nothing through the API server (503): {}", s.message))
        }
        Err(kube::Error::Api(s)) => {
            let what = super::client::http_error(s.code, None, &s.message);
            Err(format!("{what} (through the API server's proxy to {found})"))
        }
        Err(e) => Err(kube_source::client_error(&e)),
    }
}

/// The Alertmanager of the cluster `kube` reaches, found once connected, then polled as a
/// configured one is. Registers at once, so a headless run waits for it; says why in the
/// Alerts pane (disabled) while none is found, and looks again now and then.
pub fn spawn(kube: kube_source::Handle, interval: Duration, tx: Sender, clock: Clock) -> (Client, TaskGuard) {
    let source = SourceId { cluster: tx.cluster().cloned(), ..SourceId::alertmanager(IN_CLUSTER) };
    let service = Arc::new(OnceLock::new());
    let client = Client::proxied(source.clone(), kube.clone(), service.clone());
    crate::sources::poll::register(&tx, &source, interval, vec![PaneId::Alerts]);
    let polled = client.clone();
    let task = tokio::spawn(async move {
        let mut said_why = false;
        loop {
            let why = match kube.connection().await {
                Ok(conn) => match find(&conn.client, &conn.scope).await {
                    Ok(found) => {
                        tracing::info!(service = %found, "Alertmanager found in the cluster");
                        let _ = service.set(found);
                        break;
                    }
                    Err(why) => why,
                },
                Err(e) => format!("no connection to the cluster: {e}"),
            };
            let m = Message::Disabled {
                source: source.clone(),
                feeds: vec![PaneId::Alerts],
                reason: format!("{why} · {HOW}"),
            };
            said_why = true;
            if tx.send(m).await.is_err() {
                return;
            }
            tokio::time::sleep(AGAIN).await;
        }
        if said_why {
            crate::sources::poll::register(&tx, &source, interval, vec![PaneId::Alerts]);
        }
        super::poll_loop(polled, interval, tx, clock).await;
    });
    (client, TaskGuard(task))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svc(ns: &str, name: &str, headless: bool, ports: serde_json::Value) -> Service {
        let ip = if headless { "None" } else { "10.0.0.9" };
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": name, "namespace": ns},
            "spec": {"clusterIP": ip, "ports": ports}
        }))
        .unwrap()
    }

    #[test]
    fn picks_the_web_port_and_a_cluster_ip_service_first() {
        let operated = svc(
            "monitoring",
            "alertmanager-operated",
            true,
            serde_json::json!([{"name": "tcp-mesh", "port": 9094}, {"name": "http-web", "port": 9093}]),
        );
        let stack = svc(
            "monitoring",
            "kps-alertmanager",
            false,
            serde_json::json!([{"name": "http-web", "port": 9093}]),
        );
        let plain = svc("ops", "am", false, serde_json::json!([{"port": 9093}]));
        let found = pick(&[(2, operated.clone()), (0, stack)]).unwrap();
        assert_eq!(found.to_string(), "monitoring/kps-alertmanager:http-web");
        assert_eq!(pick(&[(2, operated)]).unwrap().port, "http-web");
        assert_eq!(pick(&[(1, plain)]).unwrap().to_string(), "ops/am:9093");
    }

    #[test]
    fn says_why_none_will_do() {
        let web = svc("monitoring", "alertmanager", false, serde_json::json!([{"name": "http", "port": 80}]));
        let e = pick(&[(1, web)]).unwrap_err();
        assert!(e.contains("monitoring/alertmanager") && e.contains("no web port"), "{e}");
        let e = pick(&[]).unwrap_err();
        assert!(e.starts_with("none found in the cluster") && e.contains("app=alertmanager"), "{e}");
    }
}
