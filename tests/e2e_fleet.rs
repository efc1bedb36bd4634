//! The demo's fleet in a real terminal (tmux): both clusters at once, the fleet screen first,
//! one cluster opened with Enter, an action confirmed on it and audited with its cluster, then
//! every cluster again with `:ctx all`.

mod support;

use std::time::Duration;

use support::tmux::Tmux;

const WAIT: Duration = Duration::from_secs(30);

fn command(dir: &std::path::Path, args: &str) -> String {
    format!(
        "env XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state XDG_CACHE_HOME={d}/cache {bin} {args}; echo EXITED:$?",
        d = dir.display(),
        bin = env!("CARGO_BIN_EXE_flightdeck"),
    )
}

#[test]
fn the_demo_fleet_opens_on_the_fleet_screen_and_acts_on_the_cluster_opened() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start(160, 48);
    t.type_line(&command(dir.path(), "--demo --seed 7 --speed 20 --all-contexts"));
    // shop-dev's stuck rollout lands first (30-45 simulated s); then prod's cart incident,
    // which puts shop-prod on top.
    let s = t.wait_for("the fleet screen with both clusters", Duration::from_secs(60), |s| {
        s.contains("Fleet 2 clusters") && s.contains("shop-prod") && s.contains("shop-dev")
    });
    assert!(s.contains("all clusters"), "the header says every cluster is shown:\n{s}");
    t.wait_for("shop-prod first, its incident underway", Duration::from_secs(60), |s| {
        let prod = s.find("shop-prod PROD");
        let dev = s.lines().position(|l| l.contains("shop-dev") && l.contains("live"));
        let prod_line = s.lines().position(|l| l.contains("shop-prod PROD"));
        prod.is_some() && dev.is_some() && prod_line < dev
    });

    // Enter on shop-dev: the six panes show it alone.
    t.keys(&["j", "Enter"]);
    t.wait_for("shop-dev opened", WAIT, |s| s.contains("ctx shop-dev") && s.contains("Infrastructure"));
    t.keys(&["3"]);
    let s = t.wait_for("shop-dev's stuck order pod", Duration::from_secs(60), |s| {
        s.contains("ImagePullBackOff") || s.contains("ErrImagePull")
    });
    assert!(!s.contains("cart-"), "shop-prod's pods are not shown:\n{s}");
    assert!(!s.contains("CLUSTER"), "one cluster: no cluster column:\n{s}");

    // The first (worst) pod is the stuck one: restarting its workload is confirmed in shop-dev.
    t.keys(&["C-d"]);
    t.wait_for("the confirmation naming shop-dev", WAIT, |s| s.contains("in context shop-dev"));
    t.keys(&["y"]);
    let audit = dir.path().join("state/flightdeck/audit.jsonl");
    let deadline = std::time::Instant::now() + WAIT;
    let entry = loop {
        let text = std::fs::read_to_string(&audit).unwrap_or_default();
        if let Some(line) = text.lines().last() {
            break serde_json::from_str::<serde_json::Value>(line).unwrap();
        }
        assert!(std::time::Instant::now() < deadline, "no audit entry in {}", audit.display());
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!((entry["action"].as_str(), entry["context"].as_str()), (Some("delete_pod"), Some("shop-dev")));

    // 0 is the fleet again; :ctx all shows every cluster, with a cluster column.
    t.keys(&["0"]);
    t.wait_for("the fleet screen again", WAIT, |s| s.contains("Fleet 2 clusters"));
    t.type_line(":ctx all");
    t.keys(&["3"]);
    t.wait_for("every cluster's pods", WAIT, |s| {
        s.contains("CLUSTER") && s.contains("shop-prod") && s.contains("shop-dev")
    });

    t.keys(&["q"]);
    t.wait_for("the process to exit", WAIT, |s| s.contains("EXITED:0"));
}
