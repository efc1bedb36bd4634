//! What a user's cluster and AWS account need from the clients, whichever TLS stack is built
//! in: TLS verified against the kubeconfig's CA (`certificate-authority-data`) and refused for
//! a certificate of another CA; with no CA in the kubeconfig, and for AWS, the system store
//! (`SSL_CERT_FILE`, as a corporate CA would be added); kube exec plugins (as `aws eks
//! get-token`) run and their token sent; `credential_process` and SSO profiles honoured. The
//! servers are the Kubernetes-API test server and moto, behind a TLS front
//! (`support/tls.rs`) where TLS is the point.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use base64::Engine;
use serde_json::Value;
use support::kube_api::TestServer;
use support::servers::Moto;
use support::tls::{Cert, TRUSTED_CA, TlsFront};

/// An error and its causes on one line: the verifier's reason is a few causes down.
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cur = c.source();
    }
    out
}

fn write_script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// A kubeconfig for `server`, with the CA given as `certificate-authority-data` (or none: the
/// system store), and a user whose token comes from an exec plugin that notes each run.
fn kubeconfig(dir: &Path, server: &str, ca: Option<&str>, token: &str) -> (PathBuf, PathBuf) {
    let runs = dir.join("plugin-runs");
    let plugin = write_script(
        dir,
        "get-token",
        &format!(
            "echo \"$KUBERNETES_EXEC_INFO\" >> '{}'\n\
             printf '%s' '{{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\
             \"kind\":\"ExecCredential\",\"status\":{{\"token\":\"{token}\"}}}}'\n",
            runs.display()
        ),
    );
    let ca = ca.map_or(String::new(), |pem| {
        format!("    certificate-authority-data: {}\n", base64::engine::general_purpose::STANDARD.encode(pem))
    });
    let text = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: test\n  cluster:\n    server: {server}\n{ca}\
         users:\n- name: tester\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n\
         \x20     command: {}\n      interactiveMode: Never\n\
         contexts:\n- name: tls\n  context:\n    cluster: test\n    user: tester\ncurrent-context: tls\n",
        plugin.display()
    );
    let path = dir.join("kubeconfig");
    std::fs::write(&path, text).unwrap();
    (path, runs)
}

async fn kube_version(kubeconfig: &Path) -> Result<String, String> {
    let target =
        flightdeck::sources::kube::Target { kubeconfig: Some(kubeconfig.into()), ..Default::default() };
    let conn = flightdeck::sources::kube::connect(&target).await.map_err(|e| format!("{e:#}"))?;
    conn.client.apiserver_version().await.map(|v| v.git_version).map_err(|e| chain(&e))
}

#[tokio::test]
async fn kube_trusts_the_kubeconfigs_ca_and_sends_the_exec_plugins_token() {
    let server = TestServer::start().await;
    *server.shared.token.lock().unwrap() = "from-the-exec-plugin".into();
    let front = TlsFront::start(Cert::Trusted, server.addr);
    let dir = tempfile::tempdir().unwrap();

    let (kc, runs) = kubeconfig(dir.path(), &front.url(), Some(TRUSTED_CA), "from-the-exec-plugin");
    let version = kube_version(&kc).await.expect("the kubeconfig's CA is trusted");
    assert!(!version.is_empty());
    assert!(
        front.forwarded() >= 1 && front.failed_handshakes().is_empty(),
        "{:?}",
        front.failed_handshakes()
    );
    let ran = std::fs::read_to_string(&runs).expect("the exec plugin ran");
    assert!(ran.contains("ExecCredential"), "the plugin is given KUBERNETES_EXEC_INFO: {ran}");

    // The token sent is the plugin's: one the server does not take is refused.
    let dir = tempfile::tempdir().unwrap();
    let (kc, _) = kubeconfig(dir.path(), &front.url(), Some(TRUSTED_CA), "not-the-servers-token");
    let err = kube_version(&kc).await.expect_err("a wrong token is refused");
    assert!(err.contains("401") || err.to_lowercase().contains("unauthorized"), "{err}");
}

#[tokio::test]
async fn kube_refuses_a_server_whose_certificate_another_ca_signed() {
    let server = TestServer::start().await;
    let front = TlsFront::start(Cert::Rogue, server.addr);
    let dir = tempfile::tempdir().unwrap();
    let (kc, _) = kubeconfig(dir.path(), &front.url(), Some(TRUSTED_CA), support::kube_api::TOKEN);

    let err = kube_version(&kc).await.expect_err("a certificate of another CA is refused");
    assert!(err.contains("invalid peer certificate: UnknownIssuer"), "the error says why: {err}");
    assert_eq!(front.forwarded(), 0, "nothing reached the server");
    let failed = front.wait_failed_handshakes();
    assert!(!failed.is_empty() && failed.iter().all(|e| e.contains("UnknownCA")), "{failed:?}");
    assert!(server.shared.requests.lock().unwrap().is_empty());
}

/// `flightdeck status --json` with this config, kubeconfig and environment, in `home`.
async fn status(
    home: &Path,
    config: &str,
    kubeconfig: Option<&Path>,
    env: &[(&str, String)],
) -> (Output, Value) {
    let cfg = home.join("config.toml");
    std::fs::write(&cfg, config).unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_flightdeck"));
    cmd.args(["--config", cfg.to_str().unwrap()]);
    if let Some(kc) = kubeconfig {
        cmd.args(["--kubeconfig", kc.to_str().unwrap()]);
    }
    cmd.args(["status", "--json", "--timeout", "20"])
        .env_remove("KUBECONFIG")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", home.join("no-aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("no-aws-credentials"));
    for k in ["AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION"]
    {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = tokio::task::spawn_blocking(move || cmd.output().expect("run flightdeck")).await.unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    (out, json)
}

fn cost_config(endpoint: &str, profile: Option<&str>) -> String {
    let profile = profile.map_or(String::new(), |p| format!("profile = \"{p}\"\n"));
    format!(
        "[aws]\n{profile}region = \"us-east-1\"\nendpoint_url = \"{endpoint}\"\n\n[cost]\nenabled = true\n"
    )
}

fn source<'a>(json: &'a Value, id: &str) -> (&'a str, &'a str) {
    let s = &json["sources"][id];
    (s["state"].as_str().unwrap_or_default(), s["error"].as_str().unwrap_or_default())
}

const STATIC_KEYS: [(&str, &str); 2] =
    [("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing")];

/// A CA added to the system store (here through `SSL_CERT_FILE`, which the native store reads)
/// is trusted by the Kubernetes client when the kubeconfig names no CA, and by the AWS client;
/// a certificate of any other CA is refused by both with a certificate error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ca_in_the_system_store_is_trusted_for_kubernetes_and_aws_and_no_other() {
    let kube = TestServer::start().await;
    let moto = Moto::start();
    let home = tempfile::tempdir().unwrap();
    let bundle = home.path().join("corporate-ca.pem");
    std::fs::write(&bundle, TRUSTED_CA).unwrap();
    let mut env: Vec<(&str, String)> = STATIC_KEYS.iter().map(|(k, v)| (*k, v.to_string())).collect();
    env.push(("SSL_CERT_FILE", bundle.display().to_string()));
    env.push(("SSL_CERT_DIR", home.path().join("no-cert-dir").display().to_string()));
    let moto_addr = format!("127.0.0.1:{}", moto.port).parse().unwrap();

    for cert in [Cert::Trusted, Cert::Rogue] {
        let kube_front = TlsFront::start(cert, kube.addr);
        let aws_front = TlsFront::start(cert, moto_addr);
        let dir = tempfile::tempdir().unwrap();
        let (kc, _) = kubeconfig(dir.path(), &kube_front.url(), None, support::kube_api::TOKEN);
        let (_, json) = status(home.path(), &cost_config(&aws_front.url(), None), Some(&kc), &env).await;
        let (kube_state, kube_err) = source(&json, "kube/pods");
        let (aws_state, aws_err) = source(&json, "cost-explorer");
        match cert {
            Cert::Trusted => {
                assert_eq!((kube_state, kube_err), ("ok", ""), "{}", json["sources"]);
                assert_eq!((aws_state, aws_err), ("ok", ""), "{}", json["sources"]);
                assert!(kube_front.forwarded() > 0 && aws_front.forwarded() > 0);
            }
            Cert::Rogue => {
                assert_eq!(kube_state, "error", "{}", json["sources"]);
                assert_eq!(aws_state, "error", "{}", json["sources"]);
                assert!(aws_err.contains("invalid peer certificate: UnknownIssuer"), "{aws_err}");
                assert_eq!((kube_front.forwarded(), aws_front.forwarded()), (0, 0));
                // Both clients broke off the handshake with "unknown CA" (the kube source's
                // own line says only "client error (Connect)").
                for front in [&kube_front, &aws_front] {
                    let failed = front.wait_failed_handshakes();
                    assert!(
                        !failed.is_empty() && failed.iter().all(|e| e.contains("UnknownCA")),
                        "{failed:?}"
                    );
                }
            }
        }
    }
}

/// A profile whose keys come from `credential_process` (a script here, noting that it ran):
/// the AWS sources sign with what it printed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credential_process_in_the_profile_is_run_for_the_keys() {
    let moto = Moto::start();
    let home = tempfile::tempdir().unwrap();
    let ran = home.path().join("credential-process-ran");
    let script = write_script(
        home.path(),
        "credentials",
        &format!(
            "touch '{}'\necho '{{\"Version\": 1, \"AccessKeyId\": \"testing\", \"SecretAccessKey\": \"testing\"}}'\n",
            ran.display()
        ),
    );
    let aws_config = home.path().join("aws-config");
    std::fs::write(&aws_config, format!("[profile ops]\ncredential_process = {}\n", script.display()))
        .unwrap();

    let env = [("AWS_CONFIG_FILE", aws_config.display().to_string())];
    let (out, json) = status(home.path(), &cost_config(&moto.url(), Some("ops")), None, &env).await;
    assert!(ran.exists(), "credential_process was not run: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(source(&json, "cost-explorer"), ("ok", ""), "{}", json["sources"]);
}

/// What the fake IAM Identity Center saw: the OIDC refreshes and the role-credential requests.
#[derive(Default)]
struct Sso {
    refreshed: std::sync::Mutex<Vec<String>>,
    role_requests: std::sync::Mutex<Vec<String>>,
}

fn json_response(code: axum::http::StatusCode, body: Value) -> axum::response::Response {
    use axum::response::IntoResponse;
    (code, [(axum::http::header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

/// IAM Identity Center as the SDK calls it: `CreateToken` (OIDC, `POST /token`) trades the
/// cached refresh token for a new access token, and `GetRoleCredentials` (the portal,
/// `GET /federation/credentials`) takes that access token for the role's keys.
async fn fake_identity_center() -> (std::sync::Arc<Sso>, String) {
    use axum::http::{HeaderMap, StatusCode, Uri};
    use axum::routing::{get, post};
    let seen = std::sync::Arc::new(Sso::default());
    let (a, b) = (seen.clone(), seen.clone());
    let app = axum::Router::new()
        .route(
            "/token",
            post(move |body: String| async move {
                a.refreshed.lock().unwrap().push(body);
                json_response(
                    StatusCode::OK,
                    serde_json::json!({
                        "accessToken": "fresh-access-token", "expiresIn": 3600,
                        "tokenType": "Bearer", "refreshToken": "next-refresh-token"
                    }),
                )
            }),
        )
        .route(
            "/federation/credentials",
            get(move |uri: Uri, headers: HeaderMap| async move {
                let bearer = headers.get("x-amz-sso_bearer_token").and_then(|v| v.to_str().ok());
                b.role_requests.lock().unwrap().push(format!(
                    "{} {}",
                    uri.query().unwrap_or(""),
                    bearer.unwrap_or("")
                ));
                if bearer != Some("fresh-access-token") {
                    let body = serde_json::json!({"message": "Session token not found or invalid"});
                    return json_response(StatusCode::UNAUTHORIZED, body);
                }
                let expiration = flightdeck::sources::wall_now() + 3_600_000;
                let body = serde_json::json!({"roleCredentials": {
                    "accessKeyId": "testing", "secretAccessKey": "testing",
                    "sessionToken": "sso-session", "expiration": expiration
                }});
                json_response(StatusCode::OK, body)
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (seen, url)
}

/// An SSO profile (`sso_session`, as `aws configure sso` writes it) whose cached token has
/// expired: the SDK refreshes it through OIDC, gets the role's keys from the portal with the
/// new token, writes the new token to the cache, and the AWS sources work with those keys.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sso_profile_refreshes_its_token_and_gets_the_roles_keys() {
    let moto = Moto::start();
    let (seen, sso_url) = fake_identity_center().await;
    let home = tempfile::tempdir().unwrap();
    let aws_config = home.path().join("aws-config");
    std::fs::write(
        &aws_config,
        "[profile ops]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = ReadOnly\n\n\
         [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n",
    )
    .unwrap();
    // The cache file is named by the SHA-1 of the session name, as `aws sso login` writes it.
    let sha1 = std::process::Command::new("sh").args(["-c", "printf corp | sha1sum"]).output().unwrap();
    let name = String::from_utf8(sha1.stdout).unwrap().split_whitespace().next().unwrap().to_string();
    let cache = home.path().join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    let token = cache.join(format!("{name}.json"));
    std::fs::write(
        &token,
        serde_json::json!({
            "accessToken": "expired-access-token", "expiresAt": "2021-01-01T00:00:00Z",
            "refreshToken": "cached-refresh-token", "clientId": "flightdeck-test-client",
            "clientSecret": "flightdeck-test-secret", "registrationExpiresAt": "2126-01-01T00:00:00Z",
            "region": "us-east-1", "startUrl": "https://corp.awsapps.com/start"
        })
        .to_string(),
    )
    .unwrap();

    let env = [
        ("AWS_CONFIG_FILE", aws_config.display().to_string()),
        ("AWS_ENDPOINT_URL_SSO", sso_url.clone()),
        ("AWS_ENDPOINT_URL_SSO_OIDC", sso_url),
    ];
    let (out, json) = status(home.path(), &cost_config(&moto.url(), Some("ops")), None, &env).await;
    let refreshed = seen.refreshed.lock().unwrap().clone();
    let role_requests = seen.role_requests.lock().unwrap().clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        refreshed.iter().any(|b| b.contains("cached-refresh-token") && b.contains("refresh_token")),
        "the expired token was refreshed: {refreshed:?} {stderr}"
    );
    assert!(
        role_requests.iter().any(|r| r.contains("account_id=123456789012")
            && r.contains("role_name=ReadOnly")
            && r.ends_with(" fresh-access-token")),
        "the role's keys were asked for with the new token: {role_requests:?}"
    );
    assert_eq!(source(&json, "cost-explorer"), ("ok", ""), "{}", json["sources"]);
    let cached = std::fs::read_to_string(&token).unwrap();
    assert!(cached.contains("fresh-access-token"), "the new token is cached: {cached}");
}
