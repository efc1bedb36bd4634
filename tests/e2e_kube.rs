//! The real binary in tmux against the Kubernetes-API test server, driven from the keyboard:
//! the panes fill from the cluster, and scaling an HPA's workload (type the count, confirm)
//! sends the scale patch, shows the result and lands in the audit log; a pod's detail and its
//! followed log come from the cluster through the app loop's own streams.

mod support;

use std::time::Duration;

use serde_json::json;
use support::kube_api::TestServer;
use support::tmux::Tmux;

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scale_from_the_keyboard_reaches_the_cluster() {
    let (server, _) = TestServer::demo(7, 0).await;
    let kc = server.kubeconfig(&["shop-prod"]);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    let target = tokio::task::spawn_blocking(move || {
        let t = Tmux::start(160, 48);
        t.type_line(&format!(
            "env -u KUBECONFIG XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state XDG_CACHE_HOME={d}/cache {bin} --kubeconfig {kc}; echo EXITED:$?",
            d = d.display(),
            bin = env!("CARGO_BIN_EXE_flightdeck"),
            kc = kc.display(),
        ));
        let s = t.wait_for("pods and nodes from the cluster", WAIT, |s| {
            s.contains("pgbouncer-") && s.contains("ip-10-0-") && s.contains("4 HPAs") && s.contains("shop-prod")
        });
        assert!(!s.contains("DEMO"), "not the demo:\n{s}");
        t.keys(&["4"]);
        t.wait_for("the Scaling pane", WAIT, |s| s.contains("storefront/frontend"));
        t.keys(&["s"]);
        let s = t.wait_for("the count prompt", WAIT, |s| s.contains("replicas:") && s.contains("in context shop-prod"));
        let name = s
            .split("Scale deployment storefront/")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .expect("the prompt names the workload")
            .to_string();
        t.keys(&["BSpace", "BSpace", "BSpace", "7", "Enter"]);
        t.wait_for("the confirmation", WAIT, |s| s.contains(&format!("storefront/{name} to 7 replicas")) && s.contains(" y "));
        t.keys(&["y"]);
        t.wait_for("the result in the status line", WAIT, |s| s.contains(&format!("deployment.apps/{name} scaled")));
        t.keys(&["q"]);
        t.wait_for("the process to exit", WAIT, |s| s.contains("EXITED:0"));
        name
    })
    .await
    .unwrap();
    let patch =
        server.requests_to("PATCH", &format!("/deployments/{target}/scale")).pop().expect("the scale patch");
    assert_eq!(patch.json(), json!({"spec": {"replicas": 7}}));
    assert_eq!(server.get("Deployment", "storefront", &target).unwrap()["spec"]["replicas"], 7);
    let audit = std::fs::read_to_string(dir.path().join("state/flightdeck/audit.jsonl")).unwrap();
    let entry: serde_json::Value = serde_json::from_str(audit.lines().last().unwrap()).unwrap();
    assert_eq!(entry["action"], "scale");
    assert_eq!(entry["context"], "shop-prod");
    assert_eq!(entry["target"], format!("deployment storefront/{target} to 7 replicas"));
    assert_eq!(entry["ok"], true);
    assert!(entry.get("demo").is_none(), "a cluster's action is not the demo's: {entry}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pods_detail_and_followed_log_come_from_the_cluster() {
    let (server, _) = TestServer::demo(7, 0).await;
    let server = std::sync::Arc::new(server);
    let kc = server.kubeconfig(&["shop-prod"]);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    let srv = server.clone();
    let pod = tokio::task::spawn_blocking(move || {
        let t = Tmux::start(160, 48);
        t.type_line(&format!(
            "env -u KUBECONFIG XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state XDG_CACHE_HOME={d}/cache {bin} --kubeconfig {kc}; echo EXITED:$?",
            d = d.display(),
            bin = env!("CARGO_BIN_EXE_flightdeck"),
            kc = kc.display(),
        ));
        t.wait_for("pods from the cluster", WAIT, |s| s.contains("pgbouncer-") && !s.contains("DEMO"));
        t.keys(&["3"]);
        t.wait_for("Pods full-screen", WAIT, |s| s.contains("3 Pods") && !s.contains("Scaling"));
        t.keys(&["/"]);
        t.keys(&["-l", "cart"]);
        t.keys(&["Enter"]);
        t.wait_for("the filter on the frame", WAIT, |s| s.contains("/cart "));
        t.keys(&["Enter"]);
        let s = t.wait_for("the pod's detail", WAIT, |s| s.contains("Pod storefront/cart-") && s.contains("Conditions"));
        let pod = s.split("Pod storefront/").nth(1).and_then(|r| r.split_whitespace().next()).unwrap().to_string();
        t.keys(&["l"]);
        t.wait_for("the seeded lines", WAIT, |s| s.contains("cart line 2") && s.contains("following"));
        srv.append_log("storefront", &pod, "cart", false, "written by the test while following");
        t.wait_for("the followed line", WAIT, |s| s.contains("written by the test while following"));
        t.keys(&["Escape"]);
        t.wait_for("the detail again", WAIT, |s| s.contains("Conditions"));
        t.keys(&["q"]);
        t.wait_for("the process to exit", WAIT, |s| s.contains("EXITED:0"));
        pod
    })
    .await
    .unwrap();
    let log = server.requests_to("GET", &format!("/pods/{pod}/log")).pop().expect("a log request");
    assert!(log.query.contains("follow=true") && log.query.contains("tailLines=1000"), "{}", log.query);
    let watches = server.requests_to("GET", "/namespaces/storefront/pods");
    assert!(
        watches.iter().any(|r| r.query.contains(&format!("metadata.name%3D{pod}"))),
        "no watch on the one pod"
    );
}

/// `:ctx` into a production context brings its banner and its read-only setting with it, and
/// `:ctx` out of it takes them away: a switch never leaves the old context's safety behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_context_switch_applies_the_new_contexts_safety() {
    let (server, _) = TestServer::demo(7, 0).await;
    let kc = server.kubeconfig(&["shop-dev", "shop-prod"]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("config/flightdeck")).unwrap();
    std::fs::write(
        dir.path().join("config/flightdeck/config.toml"),
        "[contexts.\"shop-prod\"]\nreadonly = true\n",
    )
    .unwrap();
    let d = dir.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let t = Tmux::start(160, 48);
        t.type_line(&format!(
            "env -u KUBECONFIG XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state XDG_CACHE_HOME={d}/cache {bin} --kubeconfig {kc}; echo EXITED:$?",
            d = d.display(),
            bin = env!("CARGO_BIN_EXE_flightdeck"),
            kc = kc.display(),
        ));
        let s = t.wait_for("shop-dev's pods", WAIT, |s| s.contains("ctx shop-dev") && s.contains("pgbouncer-"));
        let header = s.lines().next().unwrap_or_default().to_string();
        assert!(!header.contains("PRODUCTION") && !header.contains("READ-ONLY"), "{header}");
        t.keys(&[":"]);
        t.type_line("ctx shop-prod");
        t.wait_for("shop-prod with its cues, refilled", WAIT, |s| {
            let header = s.lines().next().unwrap_or_default();
            header.contains("ctx shop-prod")
                && header.contains("PRODUCTION")
                && header.contains("READ-ONLY")
                && s.contains("pgbouncer-")
        });
        // Read-only there: a delete is refused, not asked.
        t.keys(&["3", "C-d"]);
        t.wait_for("the refusal", WAIT, |s| s.contains("refused, flightdeck is read-only"));
        t.keys(&[":"]);
        t.type_line("ctx shop-dev");
        t.wait_for("shop-dev without them", WAIT, |s| {
            let header = s.lines().next().unwrap_or_default();
            header.contains("ctx shop-dev") && !header.contains("PRODUCTION") && !header.contains("READ-ONLY")
        });
        t.keys(&["q"]);
        t.wait_for("the process to exit", WAIT, |s| s.contains("EXITED:0"));
    })
    .await
    .unwrap();
}
