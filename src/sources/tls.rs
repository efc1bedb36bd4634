//! The one TLS stack of every client: rustls 0.23 with ring as its crypto provider, under
//! kube, the AWS SDK and reqwest (Alertmanager, Argo CD) alike. One stack is built, not two
//! (the SDK's default `rustls` feature added hyper 0.14, rustls 0.21 and ring beside the
//! aws-lc-rs of everything else; ring built in a sixth of aws-lc's time, 25 s against 155 s).
//!
//! Which roots each client trusts is unchanged by this: kube the kubeconfig's CA, else the
//! system store through rustls-platform-verifier; AWS the system store (rustls-native-certs);
//! reqwest the system store through rustls-platform-verifier. On Linux the system store is
//! the distribution's bundle, or `SSL_CERT_FILE` / `SSL_CERT_DIR` when set, so a corporate CA
//! added there is trusted by all three.

use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_http_client::{Builder, ConnectorBuilder};
use aws_smithy_runtime_api::client::http::SharedHttpClient;

/// Make ring the process's crypto provider. reqwest is built without one of its own and uses
/// this; kube would pick ring by itself (the only provider compiled in). Call before building
/// a reqwest client; calling again does nothing.
pub fn install_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The HTTPS client of every AWS call (the services, and STS, SSO, SSO OIDC and IMDS for the
/// credential chain): the SDK's own default client (hyper 1, rustls, the system's roots,
/// `HTTPS_PROXY` / `NO_PROXY` from the environment, the timeouts of the SDK config), with ring
/// in place of aws-lc.
pub fn aws_https_client() -> SharedHttpClient {
    Builder::new().build_with_connector_fn(|settings, components| {
        let mut conn = ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(CryptoMode::Ring));
        conn.set_connector_settings(settings.cloned());
        if let Some(c) = components {
            conn.set_sleep_impl(c.sleep_impl());
        }
        conn.set_proxy_config(Some(ProxyConfig::from_env()));
        conn.build()
    })
}
