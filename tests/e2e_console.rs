//! The real binary in tmux against the Kubernetes-API test server, driven from the keyboard:
//! `:svc` lists the Services in the server's columns and Enter describes one; `s` on a pod
//! hands the terminal to a shell in its container, a command's output appears, `exit` gives
//! the console back; `e` on a ConfigMap runs $EDITOR (a script that changes a field) and the
//! change reaches the server; `u` on a Deployment rolls it back to an older revision.

mod support;

use std::time::Duration;

use support::kube_api::TestServer;
use support::tmux::Tmux;

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kind_a_shell_an_edit_and_a_rollback_from_the_keyboard() {
    let (server, _) = TestServer::demo(7, 0).await;
    let kc = server.kubeconfig(&["shop-prod"]);
    let dir = tempfile::tempdir().unwrap();
    let editor = dir.path().join("editor.sh");
    std::fs::write(&editor, "#!/bin/sh\nsed -i 's/LOG_LEVEL: info/LOG_LEVEL: debug/' \"$1\"\n").unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let older =
        server.list("ReplicaSet").into_iter().find(|r| r["metadata"]["name"] == "cart-5c4f9d7b6").unwrap();
    let older_image =
        older["spec"]["template"]["spec"]["containers"][0]["image"].as_str().unwrap().to_string();
    let d = dir.path().to_path_buf();
    let img = older_image.clone();
    tokio::task::spawn_blocking(move || {
        let t = Tmux::start(160, 48);
        t.type_line(&format!(
            "env -u KUBECONFIG EDITOR={ed} XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state XDG_CACHE_HOME={d}/cache {bin} --kubeconfig {kc}; echo EXITED:$?",
            ed = editor.display(),
            d = d.display(),
            bin = env!("CARGO_BIN_EXE_flightdeck"),
            kc = kc.display(),
        ));
        t.wait_for("pods from the cluster", WAIT, |s| s.contains("pgbouncer-") && !s.contains("DEMO"));

        // :svc, the server's columns; Enter describes the selected Service.
        t.keys(&[":"]);
        t.type_line("svc");
        t.wait_for("the services list", WAIT, |s| s.contains("services (v1)") && s.contains("CLUSTER-IP") && s.contains("PORT(S)"));
        t.keys(&["/"]);
        t.keys(&["-l", "cart"]);
        t.keys(&["Enter"]);
        t.keys(&["Enter"]);
        t.wait_for("the service described", WAIT, |s| {
            s.contains("Service storefront/cart") && s.contains("Selects") && s.contains("targetPort: http")
        });
        t.keys(&["Escape"]);
        t.wait_for("the list again", WAIT, |s| s.contains("services (v1)"));

        // A shell in a cart pod: a command's output, then exit and the console is back.
        t.keys(&["3"]);
        t.keys(&["/"]);
        t.keys(&["-l", "cart"]);
        t.keys(&["Enter"]);
        t.wait_for("the cart pods", WAIT, |s| s.contains("3 Pods") && s.contains("/cart"));
        t.keys(&["s"]);
        t.wait_for("the shell", WAIT, |s| s.contains("flightdeck: shell in pod storefront/cart-"));
        t.type_line("echo from-the-container-$((6 * 7))");
        t.wait_for("the command's output", WAIT, |s| s.contains("from-the-container-42"));
        t.type_line("exit");
        t.wait_for("the console back", WAIT, |s| s.contains("3 Pods") && s.contains("ended"));

        // e on a ConfigMap: the editor script changes a field; confirmed, it reaches the server.
        t.keys(&[":"]);
        t.type_line("cm");
        t.wait_for("the config maps", WAIT, |s| s.contains("configmaps (v1)") && s.contains("cart-config"));
        t.keys(&["/"]);
        t.keys(&["-l", "cart-config"]);
        t.keys(&["Enter"]);
        t.keys(&["e"]);
        t.wait_for("the edit's confirmation", WAIT, |s| s.contains("Edit configmap storefront/cart-config (1 line changed"));
        t.keys(&["y"]);
        t.wait_for("the edit's answer", WAIT, |s| s.contains("configmap/cart-config edited"));

        // u on the cart Deployment: pick revision 1; production wants the name typed.
        t.keys(&[":"]);
        t.type_line("deploy");
        t.keys(&["/"]);
        t.keys(&["-l", "cart"]);
        t.keys(&["Enter"]);
        t.wait_for("the workloads view", WAIT, |s| s.contains("workloads") && s.contains("/cart"));
        t.keys(&["u"]);
        t.wait_for("the revisions", WAIT, |s| s.contains("REVISION") && s.contains("running now") && s.contains("first release"));
        t.keys(&["Enter"]);
        t.wait_for("the typed-name confirmation", WAIT, |s| s.contains("to revision 1") && s.contains("type cart"));
        t.type_line("cart");
        t.wait_for("the rollback's answer", WAIT, |s| s.contains("deployment.apps/cart rolled back"));
        assert!(!img.is_empty());
        t.keys(&["q"]);
        t.wait_for("the process to exit", WAIT, |s| s.contains("EXITED:0"));
    })
    .await
    .unwrap();
    let cm = server.get("ConfigMap", "storefront", "cart-config").unwrap();
    assert_eq!(cm["data"]["LOG_LEVEL"], "debug", "the editor's change reached the server");
    let d = server.get("Deployment", "storefront", "cart").unwrap();
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["image"],
        older_image.as_str(),
        "revision 1's template"
    );
    let audit = std::fs::read_to_string(dir.path().join("state/flightdeck/audit.jsonl")).unwrap();
    let actions: Vec<String> = audit
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["action"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(actions, ["shell", "edit", "rollback"], "each written to the audit log");
}
