//! A client for one Alertmanager's API v2: over HTTP with its auth, or through the Kubernetes
//! API server's service proxy with the kubeconfig's credentials (one found in the cluster).
//! Errors read as a person would want them in a pane: what failed and why, not a type name.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use super::wire::{GettableAlert, GettableSilence, PostSilenceResponse, PostableSilence};
use crate::config::sources::AlertmanagerConfig;
use crate::domain::SourceId;
use crate::domain::silence::NewSilence;
use crate::state::UnixMs;
use crate::state::alerts::Alert;
use crate::state::silences::Silence;

#[derive(Clone, Debug)]
enum Auth {
    None,
    Bearer(Secret),
    Basic { user: String, password: Secret },
}

/// Where a secret comes from: read when used, so a rotated token file is picked up.
#[derive(Clone, Debug)]
enum Secret {
    Env(String),
    File(String),
}

impl Secret {
    fn read(&self) -> Result<String, String> {
        match self {
            Secret::Env(var) => {
                std::env::var(var).map_err(|_| format!("environment variable {var} is not set"))
            }
            Secret::File(path) => std::fs::read_to_string(path)
                .map(|s| s.trim().to_string())
                .map_err(|e| format!("cannot read {path}: {e}")),
        }
    }
}

/// How requests reach the Alertmanager.
#[derive(Clone)]
enum Via {
    Http {
        base: String,
        http: reqwest::Client,
        auth: Auth,
    },
    /// `/api/v1/namespaces/NS/services/NAME:PORT/proxy/…` on the API server, once discovery
    /// has found the Service.
    Proxy {
        kube: super::super::kube::Handle,
        service: Arc<std::sync::OnceLock<super::discover::Found>>,
    },
}

#[derive(Clone)]
pub struct Client {
    /// `alertmanager/NAME`.
    pub source: SourceId,
    via: Via,
    /// Wakes the poller after an action, so a new silence shows at once.
    pub poke: Arc<Notify>,
}

impl Client {
    pub fn new(cfg: &AlertmanagerConfig) -> Result<Client, String> {
        let secret = |env: &Option<String>, file: &Option<String>| match (env, file) {
            (Some(e), _) => Some(Secret::Env(e.clone())),
            (None, Some(f)) => Some(Secret::File(f.clone())),
            (None, None) => None,
        };
        let auth = match (&cfg.basic_user, secret(&cfg.bearer_token_env, &cfg.bearer_token_file)) {
            (Some(user), _) => Auth::Basic {
                user: user.clone(),
                password: secret(&cfg.basic_password_env, &cfg.basic_password_file)
                    .ok_or("basic_user needs basic_password_env or basic_password_file")?,
            },
            (None, Some(token)) => Auth::Bearer(token),
            (None, None) => Auth::None,
        };
        crate::sources::tls::install_provider();
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .user_agent(concat!("flightdeck/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        let base = cfg.url.trim_end_matches('/').to_string();
        Ok(Client {
            source: cfg.source_id(),
            via: Via::Http { base, http, auth },
            poke: Arc::new(Notify::new()),
        })
    }

    /// One reached through the API server's service proxy, at the Service `service` holds once
    /// discovery has found it.
    pub fn proxied(
        source: SourceId,
        kube: super::super::kube::Handle,
        service: Arc<std::sync::OnceLock<super::discover::Found>>,
    ) -> Client {
        Client { source, via: Via::Proxy { kube, service }, poke: Arc::new(Notify::new()) }
    }

    /// The body of `METHOD /api/v2{path}`, or what went wrong in words.
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Vec<u8>, String> {
        match &self.via {
            Via::Http { base, http, auth } => {
                let mut req = http.request(method, format!("{base}/api/v2{path}"));
                req = match auth {
                    Auth::None => req,
                    Auth::Bearer(t) => req.bearer_auth(t.read()?),
                    Auth::Basic { user, password } => req.basic_auth(user, Some(password.read()?)),
                };
                if let Some(b) = body {
                    req = req.header(reqwest::header::CONTENT_TYPE, "application/json").body(b);
                }
                let resp = req.send().await.map_err(|e| describe(&e))?;
                let status = resp.status();
                if status.is_success() {
                    return Ok(resp.bytes().await.map_err(|e| describe(&e))?.to_vec());
                }
                let text = resp.text().await.unwrap_or_default();
                Err(http_error(status.as_u16(), status.canonical_reason(), &text))
            }
            Via::Proxy { kube, service } => {
                let Some(found) = service.get() else {
                    return Err("no Alertmanager found in the cluster yet".into());
                };
                let conn = kube.connection().await?;
                super::discover::call(&conn.client, found, method.as_str(), path, body).await
            }
        }
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, String> {
        let bytes = self.call(reqwest::Method::GET, path, None).await?;
        serde_json::from_slice(&bytes).map_err(|e| format!("GET {path}: malformed JSON: {e}"))
    }

    /// Every alert, silenced and inhibited ones included (the pane shows them muted).
    pub async fn alerts(&self) -> Result<Vec<Alert>, String> {
        let wire: Vec<GettableAlert> = self.get_json("/alerts").await?;
        Ok(wire.into_iter().map(GettableAlert::into_alert).collect())
    }

    pub async fn silences(&self) -> Result<Vec<Silence>, String> {
        let wire: Vec<GettableSilence> = self.get_json("/silences").await?;
        Ok(wire.into_iter().map(GettableSilence::into_silence).collect())
    }

    pub async fn create_silence(&self, new: &NewSilence, now: UnixMs) -> Result<String, String> {
        let body = serde_json::to_vec(&PostableSilence::new(new, now)).map_err(|e| e.to_string())?;
        let resp = self.call(reqwest::Method::POST, "/silences", Some(body)).await?;
        let created: PostSilenceResponse = serde_json::from_slice(&resp)
            .map_err(|e| format!("the silence was sent but the answer is unreadable: {e}"))?;
        self.poke.notify_one();
        Ok(format!("silence {} created in {}", created.silence_id, self.source))
    }

    pub async fn expire_silence(&self, id: &str) -> Result<String, String> {
        self.call(reqwest::Method::DELETE, &format!("/silence/{id}"), None).await?;
        self.poke.notify_one();
        Ok(format!("silence {id} expired"))
    }
}

/// An HTTP error status from the Alertmanager, in words, with its body when short.
pub fn http_error(code: u16, reason: Option<&str>, body: &str) -> String {
    let body = body.trim().trim_matches('"');
    let what = match code {
        401 => "unauthorized (401): check the token or password",
        403 => "forbidden (403)",
        404 => "not found (404): is this an Alertmanager with API v2?",
        429 => "throttled (429)",
        _ => reason.unwrap_or("error"),
    };
    if body.is_empty() || body.len() > 300 {
        format!("{what} [HTTP {code}]")
    } else {
        format!("{what} [HTTP {code}]: {body}")
    }
}

/// reqwest's message plus its causes ("error sending request … : Connection refused").
pub fn describe(e: &reqwest::Error) -> String {
    let mut out = if e.is_timeout() { "timed out".to_string() } else { e.to_string() };
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        let s = c.to_string();
        if !out.contains(&s) {
            out.push_str(": ");
            out.push_str(&s);
        }
        cause = c.source();
    }
    out
}
