//! flightdeck's requests beside kubectl's, against the same test API server: `get` in the Table
//! form (the same columns and cells), `delete`, `rollout undo` (Deployment and StatefulSet),
//! `edit` (kubectl sends a strategic patch without a resourceVersion; flightdeck a merge patch
//! with it), `exec -it` (kubectl 1.30+ speaks WebSocket v5 to the server as flightdeck does) and
//! `port-forward` (kubectl speaks SPDY, which the server refuses; the path is compared).

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use flightdeck::app::audit::AuditLog;
use flightdeck::app::executor::{Backend, Executor};
use flightdeck::domain::registry::ActionId;
use flightdeck::domain::{ApiKind, ObjectRef, Target, WorkloadKind};
use flightdeck::sources::{self as src, Clock, TaskGuard, kube};
use flightdeck::state::Message;
use serde_json::{Value, json};
use support::kube_api::TestServer;
use support::tmux::Tmux;

const WAIT: Duration = Duration::from_secs(30);

fn kubectl(kc: &Path, cache: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(kc)
        .arg("--cache-dir")
        .arg(cache)
        .args(args)
        .env_remove("KUBECONFIG")
        .output()
        .expect("kubectl is installed (scripts/test installs it)");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn run(kc: &Path, cache: &Path, args: &[&str]) -> String {
    let (kc, cache) = (kc.to_path_buf(), cache.to_path_buf());
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let (ok, out, err) = tokio::task::spawn_blocking(move || {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        kubectl(&kc, &cache, &a)
    })
    .await
    .unwrap();
    assert!(ok, "kubectl failed: {out}\n{err}");
    out
}

async fn executor(
    server: &TestServer,
) -> (Executor, tokio::sync::mpsc::Receiver<Message>, src::Receiver, TaskGuard) {
    let target =
        kube::Target { kubeconfig: Some(server.kubeconfig(&["shop-prod"])), ..kube::Target::default() };
    let (tx, rx) = src::channel();
    let (handle, guard) = kube::start(kube::resolve(&target).unwrap(), tx);
    let (results_tx, results) = tokio::sync::mpsc::channel(8);
    (Executor::new(Backend::Kube(handle), AuditLog::new(None), results_tx, Clock::Wall), results, rx, guard)
}

async fn act(server: &TestServer, action: ActionId, target: Target) -> Result<String, String> {
    let (ex, mut results, _rx, _g) = executor(server).await;
    support::store::act(&ex, &mut results, WAIT, action, target).await
}

/// A JSON value without the fields Go's encoder writes for empty structs (`creationTimestamp:
/// null`, `resources: {}`), which the API server reads as absent.
fn normalised(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null() && !v.as_object().is_some_and(|o| o.is_empty()))
                .map(|(k, v)| (k.clone(), normalised(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(normalised).collect()),
        other => other.clone(),
    }
}

#[tokio::test]
async fn get_in_the_table_form_gives_kubectls_columns_and_cells() {
    let (server, _) = TestServer::demo(7, 0).await;
    let kc = server.kubeconfig(&["shop-prod"]);
    let cache = tempfile::tempdir().unwrap();
    let printed = run(&kc, cache.path(), &["get", "svc", "-n", "storefront"]).await;
    let header: Vec<&str> = printed.lines().next().unwrap().split_whitespace().collect();
    let cart: Vec<&str> =
        printed.lines().find(|l| l.starts_with("cart ")).unwrap().split_whitespace().collect();
    let c = kube::connect(&kube::Target { kubeconfig: Some(kc.clone()), ..kube::Target::default() })
        .await
        .unwrap();
    let api = kube::table::TableApi::new(
        c.client,
        ApiKind::new("", "v1", "Service", "services", true),
        Some("storefront".into()),
    );
    let lp = ::kube::api::ListParams::default().limit(500);
    let page = kube::list_watch::Collection::list(&api, &lp).await.unwrap();
    let first = page.items[0].columns.clone().expect("the columns come with the first row");
    let columns: Vec<String> =
        first.iter().filter(|c| c.priority == 0).map(|c| c.name.to_uppercase()).collect();
    assert_eq!(header, columns, "kubectl prints the server's columns");
    let row = &page.items.iter().find(|r| r.row.name == "cart").unwrap().row;
    assert_eq!(
        cart[..5],
        row.cells[..5].iter().map(String::as_str).collect::<Vec<_>>()[..],
        "the cells before AGE"
    );
    let theirs = server.requests_to("GET", "/namespaces/storefront/services").into_iter().next().unwrap();
    let ours = server.requests_to("GET", "/namespaces/storefront/services").pop().unwrap();
    assert_eq!(theirs.header("accept"), ours.header("accept"), "the same Accept header");
    // kube-client writes a leading `&`; the parameters are the same.
    assert_eq!(theirs.query, ours.query.trim_start_matches('&'), "the same page size");
}

#[tokio::test]
async fn delete_and_rollout_undo_send_what_kubectl_sends() {
    let (theirs, _) = TestServer::demo(7, 0).await;
    let (ours, _) = TestServer::demo(7, 0).await;
    let kc = theirs.kubeconfig(&["shop-prod"]);
    let cache = tempfile::tempdir().unwrap();
    run(&kc, cache.path(), &["delete", "configmap", "cart-config", "-n", "storefront"]).await;
    let cm = ObjectRef::new(
        ApiKind::new("", "v1", "ConfigMap", "configmaps", true),
        Some("storefront".into()),
        "cart-config",
    );
    act(&ours, ActionId::DeleteObject, Target::Object(cm)).await.unwrap();
    let pick = |s: &TestServer, m: &str, p: &str| s.requests_to(m, p).pop().unwrap();
    let (a, b) = (
        pick(&theirs, "DELETE", "/configmaps/cart-config"),
        pick(&ours, "DELETE", "/configmaps/cart-config"),
    );
    assert_eq!((a.json(), a.content_type.clone()), (b.json(), b.content_type.clone()));
    // rollout undo of a Deployment: kubectl's JSON patch of the template and annotations.
    run(&kc, cache.path(), &["rollout", "undo", "deployment/cart", "-n", "storefront", "--to-revision=1"])
        .await;
    let undo = |kind, name: &str, revision| Target::Rollback {
        namespace: if kind == WorkloadKind::Deployment { "storefront".into() } else { "monitoring".into() },
        kind,
        name: name.into(),
        revision,
        image: String::new(),
    };
    act(&ours, ActionId::Rollback, undo(WorkloadKind::Deployment, "cart", 1)).await.unwrap();
    let (a, b) = (pick(&theirs, "PATCH", "/deployments/cart"), pick(&ours, "PATCH", "/deployments/cart"));
    assert_eq!(a.content_type, b.content_type);
    assert_eq!(normalised(&a.json()), normalised(&b.json()), "kubectl: {}\nflightdeck: {}", a.body, b.body);
    let template =
        |s: &TestServer| s.get("Deployment", "storefront", "cart").unwrap()["spec"]["template"].clone();
    assert_eq!(normalised(&template(&theirs)), normalised(&template(&ours)));
    // …and of a StatefulSet: its ControllerRevision's data as a strategic-merge patch.
    run(&kc, cache.path(), &["rollout", "undo", "statefulset/loki", "-n", "monitoring", "--to-revision=1"])
        .await;
    act(&ours, ActionId::Rollback, undo(WorkloadKind::StatefulSet, "loki", 1)).await.unwrap();
    let (a, b) = (pick(&theirs, "PATCH", "/statefulsets/loki"), pick(&ours, "PATCH", "/statefulsets/loki"));
    assert_eq!(
        (a.content_type.as_str(), normalised(&a.json())),
        (b.content_type.as_str(), normalised(&b.json()))
    );
}

#[tokio::test]
async fn edit_kubectl_patches_strategically_flightdeck_with_the_version_it_read() {
    let (theirs, _) = TestServer::demo(7, 0).await;
    let (ours, _) = TestServer::demo(7, 0).await;
    let dir = tempfile::tempdir().unwrap();
    let editor = dir.path().join("editor.sh");
    std::fs::write(&editor, "#!/bin/sh\nsed -i 's/LOG_LEVEL: info/LOG_LEVEL: debug/' \"$1\"\n").unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let kc = theirs.kubeconfig(&["shop-prod"]);
    let ed = editor.clone();
    let out = tokio::task::spawn_blocking(move || {
        Command::new("kubectl")
            .args([
                "--kubeconfig",
                kc.to_str().unwrap(),
                "edit",
                "configmap/cart-config",
                "-n",
                "storefront",
                "--validate=false",
            ])
            .env("KUBE_EDITOR", &ed)
            .env_remove("KUBECONFIG")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let theirs_patch = theirs.requests_to("PATCH", "/configmaps/cart-config").pop().unwrap();
    assert_eq!(theirs_patch.content_type, "application/strategic-merge-patch+json");
    assert_eq!(theirs_patch.json(), json!({"data": {"LOG_LEVEL": "debug"}}));
    // flightdeck's: the same change, as a merge patch that names the version it was read at.
    let c = kube::connect(&kube::Target {
        kubeconfig: Some(ours.kubeconfig(&["shop-prod"])),
        ..kube::Target::default()
    })
    .await
    .unwrap();
    let cm = ObjectRef::new(
        ApiKind::new("", "v1", "ConfigMap", "configmaps", true),
        Some("storefront".into()),
        "cart-config",
    );
    let original = kube::edit::read(&c, &cm).await.unwrap();
    let body = kube::edit::yaml(&original);
    let saved = body.replace("LOG_LEVEL: info", "LOG_LEVEL: debug");
    let kube::edit::Saved::Changed { patch, changed_lines } =
        kube::edit::read_saved(&original, &body, &saved)
    else {
        panic!()
    };
    let rv = original["metadata"]["resourceVersion"].as_str().unwrap().to_string();
    let e = flightdeck::domain::target::EditedObject {
        object: cm,
        resource_version: rv.clone(),
        patch: patch.to_string(),
        original: original.to_string(),
        text: saved,
        changed_lines,
    };
    act(&ours, ActionId::Edit, Target::Edit(Box::new(e))).await.unwrap();
    let ours_patch = ours.requests_to("PATCH", "/configmaps/cart-config").pop().unwrap();
    assert_eq!(
        ours_patch.json(),
        json!({"data": {"LOG_LEVEL": "debug"}, "metadata": {"resourceVersion": rv}})
    );
    let data = |s: &TestServer| s.get("ConfigMap", "storefront", "cart-config").unwrap()["data"].clone();
    assert_eq!(data(&theirs), data(&ours), "the same object after either");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_and_port_forward_ask_for_what_flightdeck_asks_for() {
    let (server, _) = TestServer::demo(7, 0).await;
    let kc = server.kubeconfig(&["shop-prod"]);
    let pod = server
        .list("Pod")
        .into_iter()
        .find(|p| p["metadata"]["labels"]["app"] == "cart")
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .unwrap();
    let cache = tempfile::tempdir().unwrap();
    // kubectl exec -it in a real terminal: the shell k9s opens, over the same server.
    let (kcp, cachep, p) = (kc.clone(), cache.path().to_path_buf(), pod.clone());
    tokio::task::spawn_blocking(move || {
        let t = Tmux::start(120, 30);
        t.type_line(&format!(
            "kubectl --kubeconfig {} --cache-dir {} exec -it -n storefront {p} -c cart -- sh -c '{}'; echo KUBECTL:$?",
            kcp.display(),
            cachep.display(),
            kube::exec::SHELL
        ));
        std::thread::sleep(Duration::from_millis(200));
        t.type_line("echo from-kubectl-$((40 + 2))");
        t.wait_for("the command's output", WAIT, |s| s.contains("from-kubectl-42"));
        t.type_line("exit");
        t.wait_for("kubectl to end", WAIT, |s| s.contains("KUBECTL:0"));
    })
    .await
    .unwrap();
    let theirs = server.requests().into_iter().find(|r| r.path.ends_with("/exec")).unwrap();
    let c = kube::connect(&kube::Target { kubeconfig: Some(kc.clone()), ..kube::Target::default() })
        .await
        .unwrap();
    let sh = kube::exec::open(&c, "storefront", &pod, "", (80, 24)).await.unwrap();
    sh.process.abort();
    let ours = server.requests().into_iter().rfind(|r| r.path.ends_with("/exec")).unwrap();
    let params = |q: &str| {
        let mut v: Vec<(String, String)> = serde_urlencoded::from_str(q.trim_start_matches('&')).unwrap();
        v.retain(|(k, v)| !(k == "stderr" && v == "false"));
        v.sort();
        v
    };
    assert_eq!(params(&theirs.query), params(&ours.query), "the same command, container and streams");
    assert!(theirs.header("sec-websocket-protocol").contains("v5.channel.k8s.io"));
    assert!(ours.header("sec-websocket-protocol").contains("v5.channel.k8s.io"));
    // kubectl port-forward speaks SPDY (tunnelled or not), which this server refuses; the pod
    // and subresource asked for are the same.
    let (ok, _, err) = tokio::task::spawn_blocking(move || {
        kubectl(&kc, cache.path(), &["port-forward", "-n", "storefront", &format!("pod/{pod}"), "0:8080"])
    })
    .await
    .unwrap();
    assert!(!ok && err.contains("speaks only the WebSocket channel protocols"), "{err}");
    let forwards: Vec<_> =
        server.requests().into_iter().filter(|r| r.path.ends_with("/portforward")).collect();
    assert!(!forwards.is_empty());
}
