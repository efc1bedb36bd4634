//! The console's actions on any object against the test API server through the real kube
//! client: an edit sent with the resourceVersion it was read at (a change made meanwhile is a
//! 409 that reopens the editor), a delete as kubectl sends it, a rollout undo, a shell over exec,
//! a port-forward that counts bytes and says when its pod died, a workload's merged log that
//! pods join, and an Argo CD rollback refused while automated sync is on.

mod support;

use std::time::Duration;

use flightdeck::app::audit::AuditLog;
use flightdeck::app::executor::{Backend, Executor};
use flightdeck::domain::registry::ActionId;
use flightdeck::domain::target::EditedObject;
use flightdeck::domain::{ApiKind, ObjectRef, Target, WorkloadKind, WorkloadLogRequest};
use flightdeck::sources::backoff::Policy;
use flightdeck::sources::kube::edit::{self, Saved};
use flightdeck::sources::{self as src, Clock, TaskGuard, kube};
use flightdeck::state::forwards::ForwardState;
use flightdeck::state::{Message, State};
use serde_json::json;
use support::kube_api::TestServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const WAIT: Duration = Duration::from_secs(20);

async fn conn(server: &TestServer) -> kube::Connection {
    let target =
        kube::Target { kubeconfig: Some(server.kubeconfig(&["shop-prod"])), context: None, scope: None };
    let mut c = kube::connect(&target).await.expect("connect");
    c.backoff = Policy {
        base: Duration::from_millis(100),
        max: Duration::from_millis(400),
        healthy: Duration::from_millis(300),
    };
    c
}

struct Rig {
    executor: Executor,
    results: tokio::sync::mpsc::Receiver<Message>,
    _rx: src::Receiver,
    _guard: TaskGuard,
}

async fn rig(server: &TestServer) -> Rig {
    let target =
        kube::Target { kubeconfig: Some(server.kubeconfig(&["shop-prod"])), ..kube::Target::default() };
    let (tx, rx) = src::channel();
    let (handle, guard) = kube::start(kube::resolve(&target).unwrap(), tx);
    let (results_tx, results) = tokio::sync::mpsc::channel(8);
    let executor = Executor::new(Backend::Kube(handle), AuditLog::new(None), results_tx, Clock::Wall);
    Rig { executor, results, _rx: rx, _guard: guard }
}

fn config_map() -> ObjectRef {
    ObjectRef::new(
        ApiKind::new("", "v1", "ConfigMap", "configmaps", true),
        Some("storefront".into()),
        "cart-config",
    )
}

/// The edit of `cart-config` as a save of the editor reads back: LOG_LEVEL to debug.
async fn edited(server: &TestServer) -> EditedObject {
    let original = edit::read(&conn(server).await, &config_map()).await.unwrap();
    let body = edit::yaml(&original);
    let saved = body.replace("LOG_LEVEL: info", "LOG_LEVEL: debug");
    let Saved::Changed { patch, changed_lines } = edit::read_saved(&original, &body, &saved) else {
        panic!()
    };
    EditedObject {
        object: config_map(),
        resource_version: original["metadata"]["resourceVersion"].as_str().unwrap().into(),
        patch: patch.to_string(),
        original: original.to_string(),
        text: saved,
        changed_lines,
    }
}

#[tokio::test]
async fn an_edit_carries_its_resource_version_and_a_conflict_reopens_the_editor() {
    let (server, _) = TestServer::demo(7, 0).await;
    let mut r = rig(&server).await;
    let e = edited(&server).await;
    r.executor.run(ActionId::Edit, Target::Edit(Box::new(e.clone())), "shop-prod".into());
    let Some(Message::ActionDone { outcome, .. }) = r.results.recv().await else { panic!() };
    assert_eq!(outcome.result, Ok("configmap/cart-config edited".into()));
    let sent = server.requests_to("PATCH", "/configmaps/cart-config").pop().unwrap();
    assert_eq!(sent.content_type, "application/merge-patch+json");
    assert_eq!(
        sent.json(),
        json!({"data": {"LOG_LEVEL": "debug"}, "metadata": {"resourceVersion": e.resource_version}})
    );
    assert!(
        sent.query.contains("fieldManager=flightdeck") && sent.query.contains("fieldValidation=Strict"),
        "{}",
        sent.query
    );
    assert_eq!(server.get("ConfigMap", "storefront", "cart-config").unwrap()["data"]["LOG_LEVEL"], "debug");
    // Changed meanwhile: refused with the API's words, and the editor opens again with them.
    let stale = e;
    r.executor.run(ActionId::Edit, Target::Edit(Box::new(stale)), "shop-prod".into());
    let Some(Message::ActionDone { outcome, .. }) = r.results.recv().await else { panic!() };
    assert!(outcome.result.unwrap_err().contains("the object has been modified"));
    let Some(Message::EditRefused(req)) = r.results.recv().await else { panic!("the editor reopens") };
    assert!(req.error.unwrap().contains("modified") && req.again.is_some());
}

#[tokio::test]
async fn a_delete_is_kubectls_and_a_rollback_restores_the_older_template() {
    let (server, _) = TestServer::demo(7, 0).await;
    let mut r = rig(&server).await;
    let act = |r: &mut Rig, a, t| {
        r.executor.run(a, t, "shop-prod".into());
    };
    act(&mut r, ActionId::DeleteObject, Target::Object(config_map()));
    let Some(Message::ActionDone { outcome, .. }) = r.results.recv().await else { panic!() };
    assert_eq!(outcome.result, Ok("configmap \"cart-config\" deleted".into()));
    let del = server.requests_to("DELETE", "/configmaps/cart-config").pop().unwrap();
    assert_eq!(del.json(), json!({"propagationPolicy": "Background"}), "kubectl delete's body");
    // Revision 1 of cart: the older image comes back, the revision annotation stays.
    let before = server.get("Deployment", "storefront", "cart").unwrap();
    let old_rs =
        server.list("ReplicaSet").into_iter().find(|r| r["metadata"]["name"] == "cart-5c4f9d7b6").unwrap();
    let image = old_rs["spec"]["template"]["spec"]["containers"][0]["image"].clone();
    let t = Target::Rollback {
        namespace: "storefront".into(),
        kind: WorkloadKind::Deployment,
        name: "cart".into(),
        revision: 1,
        image: String::new(),
    };
    act(&mut r, ActionId::Rollback, t);
    let Some(Message::ActionDone { outcome, .. }) = r.results.recv().await else { panic!() };
    assert_eq!(outcome.result, Ok("deployment.apps/cart rolled back".into()));
    let after = server.get("Deployment", "storefront", "cart").unwrap();
    assert_eq!(after["spec"]["template"]["spec"]["containers"][0]["image"], image);
    assert_ne!(before["spec"]["template"], after["spec"]["template"]);
    assert!(after["spec"]["template"]["metadata"]["labels"].get("pod-template-hash").is_none());
    let patch = server.requests_to("PATCH", "/deployments/cart").pop().unwrap();
    assert_eq!(patch.content_type, "application/json-patch+json");
    // A paused Deployment is refused in kubectl's words.
    server.modify("Deployment", "storefront", "cart", |d| d["spec"]["paused"] = json!(true));
    let t = Target::Rollback {
        namespace: "storefront".into(),
        kind: WorkloadKind::Deployment,
        name: "cart".into(),
        revision: 1,
        image: String::new(),
    };
    act(&mut r, ActionId::Rollback, t);
    let Some(Message::ActionDone { outcome, .. }) = r.results.recv().await else { panic!() };
    assert!(outcome.result.unwrap_err().contains("you cannot rollback a paused deployment"));
}

fn running_pod(server: &TestServer, app: &str) -> String {
    let p = server.list("Pod").into_iter().find(|p| {
        p["metadata"]["labels"]["app"] == app
            && p["status"]["containerStatuses"][0]["state"]["running"].is_object()
    });
    p.expect("a running pod")["metadata"]["name"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_shell_runs_what_is_typed_in_the_pods_default_container() {
    let (server, _) = TestServer::demo(7, 0).await;
    let c = conn(&server).await;
    let pod = running_pod(&server, "cart");
    let mut sh = kube::exec::open(&c, "storefront", &pod, "", (100, 30)).await.unwrap();
    assert_eq!(sh.container, "cart", "the pod's only container, as kubectl exec defaults it");
    let (mut stdin, mut stdout) = (sh.process.stdin().unwrap(), sh.process.stdout().unwrap());
    stdin.write_all(b"echo shell-$((20 + 22))\r").await.unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 1024];
    while !seen.contains("shell-42") {
        let n = tokio::time::timeout(WAIT, stdout.read(&mut buf)).await.unwrap().unwrap();
        assert!(n > 0, "the shell ended: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    stdin.write_all(b"exit\r").await.unwrap();
    let status = tokio::time::timeout(WAIT, sh.process.take_status().unwrap()).await.unwrap();
    assert_eq!(status.and_then(|s| s.status).as_deref(), Some("Success"));
    let exec = server.requests_to("GET", &format!("/pods/{pod}/exec")).pop().unwrap();
    let q: Vec<(String, String)> = serde_urlencoded::from_str(exec.query.trim_start_matches('&')).unwrap();
    let commands: Vec<&str> = q.iter().filter(|(k, _)| k == "command").map(|(_, v)| v.as_str()).collect();
    assert_eq!(commands, ["sh", "-c", kube::exec::SHELL]);
    assert!(
        q.contains(&("tty".into(), "true".into())) && q.contains(&("stdin".into(), "true".into())),
        "{q:?}"
    );
}

#[tokio::test]
async fn a_forward_moves_bytes_counts_them_and_says_when_its_pod_died() {
    let (server, _) = TestServer::demo(7, 0).await;
    let pod = running_pod(&server, "cart");
    let echo = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    server.serve_port("storefront", &pod, 8080, echo.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut s, _)) = echo.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 256];
                while let Ok(n) = s.read(&mut buf).await {
                    if n == 0 || s.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    let local = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (tx, mut rx) = src::channel();
    let t =
        Target::Forward { namespace: "storefront".into(), pod: pod.clone(), local, remote: 8080, via: None };
    let _g = TaskGuard(tokio::spawn(kube::forward::run(conn(&server).await, 1, t, 0, tx)));
    let mut state = State::new("shop-prod", 0);
    let listening = |s: &State| s.forwards.list.first().is_some_and(|f| f.state == ForwardState::Listening);
    support::store::until(&mut state, &mut rx, WAIT, "listening", listening, |s| format!("{:?}", s.forwards))
        .await;
    let mut sock = tokio::net::TcpStream::connect(("127.0.0.1", local)).await.unwrap();
    sock.write_all(b"hello through the forward").await.unwrap();
    let mut back = [0u8; 25];
    sock.read_exact(&mut back).await.unwrap();
    assert_eq!(&back, b"hello through the forward");
    let counted = |s: &State| s.forwards.list[0].bytes_out == 25 && s.forwards.list[0].bytes_in == 25;
    support::store::until(&mut state, &mut rx, WAIT, "the bytes counted", counted, |s| {
        format!("{:?}", s.forwards)
    })
    .await;
    server.delete("Pod", "storefront", &pod);
    let gone =
        |s: &State| matches!(&s.forwards.list[0].state, ForwardState::PodGone(w) if w.contains("deleted"));
    support::store::until(&mut state, &mut rx, WAIT, "the pod's death", gone, |s| {
        format!("{:?}", s.forwards)
    })
    .await;
    // A Service resolves to a ready pod behind it, its port to the container port it targets.
    let (p, port) =
        kube::forward::resolve_service(&conn(&server).await, "storefront", "cart", 80).await.unwrap();
    assert!(p.starts_with("cart-") && p != pod && port == 8080, "{p} {port}");
}

#[tokio::test]
async fn a_workloads_log_merges_its_pods_and_a_new_pod_joins() {
    let (server, _) = TestServer::demo(7, 0).await;
    let mut state = State::new("shop-prod", 0);
    let workload =
        ObjectRef::new(ApiKind::of_workload(WorkloadKind::Deployment), Some("storefront".into()), "cart");
    state.open_object(workload.clone(), Default::default()).unwrap();
    state.view.mode =
        flightdeck::state::view::Mode::Object(flightdeck::state::view::object::ObjectScreen::Logs);
    let logs = flightdeck::state::view::pod::LogsView::new(String::new(), false);
    let Some((stream, request)) = state.open_object_logs(logs) else { panic!() };
    assert_eq!(
        request,
        WorkloadLogRequest {
            workload,
            cluster: Default::default(),
            follow: true,
            timestamps: false,
            tail_lines: 100
        }
    );
    let (tx, mut rx) = src::channel();
    let _g = TaskGuard(tokio::spawn(kube::workload_logs::run(conn(&server).await, request, stream, tx)));
    let pods: Vec<String> = server
        .list("Pod")
        .into_iter()
        .filter(|p| p["metadata"]["labels"]["app"] == "cart")
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    let every = |s: &State| pods.iter().all(|p| s.object_data.logs.iter().any(|l| l.starts_with(p.as_str())));
    support::store::until(&mut state, &mut rx, WAIT, "each pod's lines", every, |s| {
        format!("{:?}", s.object_data.sources)
    })
    .await;
    // A pod that starts later joins, and what it writes comes tagged with its name.
    let mut newcomer = server.get("Pod", "storefront", &pods[0]).unwrap();
    newcomer["metadata"]["name"] = json!("cart-9w9qqgn8f-zzzzz");
    newcomer["metadata"].as_object_mut().unwrap().remove("uid");
    server.put("Pod", newcomer);
    server.append_log("storefront", "cart-9w9qqgn8f-zzzzz", "cart", false, "a line from the newcomer");
    let joined =
        |s: &State| s.object_data.logs.iter().any(|l| l == "cart-9w9qqgn8f-zzzzz a line from the newcomer");
    support::store::until(&mut state, &mut rx, WAIT, "the newcomer's line", joined, |s| {
        format!("{:?}", s.object_data.sources)
    })
    .await;
    let tags: std::collections::BTreeSet<u16> =
        (0..state.object_data.logs.len()).map(|i| state.object_data.logs.tag(i)).collect();
    assert_eq!(tags.len(), pods.len() + 1, "one tag, one colour, per pod");
}

#[tokio::test]
async fn an_argo_cd_rollback_is_the_servers_operation_and_refused_under_auto_sync() {
    use flightdeck::sources::argocd::kube::rollback_patch;
    let app = json!({"metadata": {"name": "services-cart"}, "spec": {"syncPolicy": {"automated": {"prune": true}}},
        "status": {"history": [{"id": 3, "revision": "aaaaaaa", "source": {"repoURL": "https://git", "path": "cart", "targetRevision": "HEAD"}},
                               {"id": 4, "revision": "bbbbbbb"}]}});
    assert_eq!(
        rollback_patch(&app, 3, "ops").unwrap_err(),
        "rollback cannot be initiated when auto-sync is enabled"
    );
    let mut manual = app.clone();
    manual["spec"]["syncPolicy"] = json!({});
    let patch = rollback_patch(&manual, 3, "ops").unwrap();
    assert_eq!(
        patch,
        json!({"operation": {"initiatedBy": {"username": "ops"}, "sync": {
        "revision": "aaaaaaa", "source": {"repoURL": "https://git", "path": "cart", "targetRevision": "HEAD"},
        "dryRun": false, "prune": false, "syncStrategy": {"apply": {}}}}})
    );
    assert!(rollback_patch(&manual, 9, "ops").unwrap_err().contains("does not have deployment with id 9"));
}
