//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod alarm_history;
pub mod argocd_api;
pub mod kube_api;
pub mod proc;
pub mod servers;
pub mod store;
pub mod tls;
pub mod tmux;

/// A plain HTTP client for a test's own requests. reqwest is built without a crypto provider of
/// its own (one TLS stack: see src/sources/tls.rs), so the process's one is installed first.
pub fn http() -> reqwest::Client {
    flightdeck::sources::tls::install_provider();
    reqwest::Client::new()
}
