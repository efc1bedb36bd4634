//! The real binary in a real terminal (tmux), driven as a person would: wait for the six panes,
//! open Argo CD, go back, open help, quit, and check the shell is back.

mod support;

use std::time::Duration;

use support::tmux::Tmux;

const TITLES: [&str; 6] = ["Infrastructure", "Argo CD", "Pods", "Scaling", "Alerts", "Cost"];
const WAIT: Duration = Duration::from_secs(30);

fn all_titles(s: &str) -> bool {
    TITLES.iter().all(|t| s.contains(t))
}

/// The binary with its config, state and cache dirs in a temp dir, so the test touches nothing
/// of the user's.
fn command(dir: &std::path::Path, args: &str) -> String {
    format!(
        "env XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state XDG_CACHE_HOME={d}/cache {bin} {args}; echo EXITED:$?",
        d = dir.display(),
        bin = env!("CARGO_BIN_EXE_flightdeck"),
    )
}

#[test]
fn demo_console_opens_navigates_and_quits() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start(160, 48);
    t.type_line(&command(dir.path(), "--demo --seed 7"));

    // The first frame comes before the demo's first data; the DEMO label comes with it.
    let s =
        t.wait_for("the six pane titles and the DEMO label", WAIT, |s| all_titles(s) && s.contains("DEMO"));
    assert!(s.contains("shop-prod"), "the context is shown:\n{s}");

    // 2 opens Argo CD full-screen: its apps, and no other pane's frame.
    t.keys(&["2"]);
    let s = t.wait_for("Argo CD full-screen", WAIT, |s| {
        s.contains("platform-root") && !s.contains("Infrastructure") && !s.contains("Scaling")
    });
    assert!(s.contains("services-cart"), "{s}");

    // Esc goes back to the overview.
    t.keys(&["Escape"]);
    t.wait_for("the overview again", WAIT, all_titles);

    // ? shows help built from the keymap; Esc closes it.
    t.keys(&["?"]);
    let s = t.wait_for("the help overlay", WAIT, |s| s.contains("Help") && s.contains("quit flightdeck"));
    assert!(s.contains("focus the next pane"), "{s}");
    t.keys(&["Escape"]);
    t.wait_for("help closed", WAIT, |s| !s.contains("quit flightdeck") && all_titles(s));

    // Colour reaches the terminal (the focused border and health badges are coloured).
    assert!(t.screen_with_colours().contains("\x1b["), "no colour on screen");

    // Resizing to 80×24 re-lays out at once: two columns instead of three.
    t.resize(80, 24);
    let s = t.wait_for("the 80x24 layout", WAIT, |s| {
        all_titles(s)
            && s.lines().any(|l| l.contains("Infrastructure") && l.contains("Argo CD") && !l.contains("Pods"))
    });
    assert!(s.lines().count() <= 24, "{s}");
    t.resize(160, 48);
    t.wait_for("the 160x48 layout", WAIT, |s| {
        s.lines().any(|l| l.contains("Infrastructure") && l.contains("Pods"))
    });

    // q quits, the terminal is restored and the shell prompt is back.
    t.keys(&["q"]);
    let s = t.wait_for("the process to exit", WAIT, |s| s.contains("EXITED:0"));
    assert!(!all_titles(&s), "the alternate screen was left:\n{s}");
    t.wait_for("the prompt", WAIT, |s| s.trim_end().ends_with("e2e$"));
    assert_eq!(t.current_command(), "bash");
}

#[test]
fn sigterm_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start(80, 24);
    // A seed no other test uses, so pgrep finds this process only.
    t.type_line(&command(dir.path(), "--demo --seed 4242"));
    // At 80×24 the overview still shows every pane.
    t.wait_for("the six pane titles", WAIT, all_titles);
    let pid = std::process::Command::new("pgrep")
        .args(["-n", "-f", "flightdeck --demo --seed 4242"])
        .output()
        .unwrap();
    let pid = String::from_utf8_lossy(&pid.stdout).trim().to_string();
    assert!(!pid.is_empty(), "flightdeck is not running");
    std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    t.wait_for("the process to exit after SIGTERM", WAIT, |s| s.contains("EXITED:0"));
    t.wait_for("the prompt", WAIT, |s| s.trim_end().ends_with("e2e$"));
}

#[test]
fn the_demo_incident_is_fixed_by_a_confirmed_sync_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start(160, 48);
    // Twenty times faster, so the incident (about 90 simulated seconds in) starts in seconds.
    t.type_line(&command(dir.path(), "--demo --seed 7 --speed 20"));
    t.wait_for("the cart incident", Duration::from_secs(60), |s| all_titles(s) && s.contains("Degraded"));

    // Argo CD full-screen; the degraded app sorts first under the root.
    t.keys(&["2"]);
    t.wait_for("Argo CD full-screen", WAIT, |s| s.contains("platform-root") && !s.contains("Scaling"));
    t.keys(&["j"]);
    t.wait_for("services-cart selected", WAIT, |s| s.contains("services-cart · target"));

    // The confirmation names the action, the target and the context.
    t.keys(&["s"]);
    t.wait_for("the confirmation", WAIT, |s| {
        s.contains("Sync application services-cart") && s.contains("in context shop-prod")
    });
    t.keys(&["y"]);
    // Another app may be mid auto-sync at any moment: judge the services-cart row alone.
    t.wait_for("services-cart Synced and Healthy", Duration::from_secs(60), |s| {
        s.lines().any(|l| l.contains("─services-cart") && l.contains("● Synced") && l.contains("● Healthy"))
    });

    // The action is in the audit log.
    let audit = dir.path().join("state/flightdeck/audit.jsonl");
    let text = std::fs::read_to_string(&audit).unwrap_or_else(|e| panic!("{}: {e}", audit.display()));
    let entry: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(entry["action"], "sync");
    assert_eq!(entry["target"], "application services-cart");
    assert_eq!(entry["context"], "shop-prod");
    assert_eq!(entry["ok"], true);

    t.keys(&["q"]);
    t.wait_for("the process to exit", WAIT, |s| s.contains("EXITED:0"));
}
