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
    t.type_line(&command(dir.path(), "--demo --context shop-prod --seed 7"));

    // The sources announce themselves just after the first frame: DEMO follows at once.
    let s = t.wait_for("the six pane titles, labelled DEMO", WAIT, |s| all_titles(s) && s.contains("DEMO"));
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

/// The help at 80×24 in the real loop: G goes to its last page and no further, k comes back a
/// line at once, PgDn pages by what the screen shows.
#[test]
fn help_scrolls_at_80x24_within_its_length() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start(80, 24);
    t.type_line(&command(dir.path(), "--demo --context shop-prod --seed 7"));
    t.wait_for("the six pane titles", WAIT, all_titles);
    t.keys(&["?"]);
    let s = t.wait_for("the help's first page", WAIT, |s| s.contains("▼ more below · lines 1–"));
    let cue = |s: &str| s.lines().find(|l| l.contains(" · lines ")).unwrap_or_default().to_string();
    // "lines 1–19 of 146": the page and the whole.
    let nums = |s: &str| -> Vec<usize> {
        let c = cue(s);
        let tail = c.split(" · lines ").nth(1).unwrap_or_default();
        tail.split(|ch: char| !ch.is_ascii_digit()).filter_map(|n| n.parse().ok()).take(3).collect()
    };
    let first = nums(&s);
    let (page, total) = (first[1], first[2]);
    assert!(page >= 15 && total > 3 * page, "{first:?}\n{s}");
    t.keys(&["PageDown"]);
    let want = format!("lines {}–{} of {total}", page + 1, 2 * page);
    t.wait_for("the second page", WAIT, |s| cue(s).contains(&want));
    t.keys(&["G"]);
    let end = format!("lines {}–{total} of {total}", total - page + 1);
    let s = t.wait_for("the last page", WAIT, |s| cue(s).contains(&end) && cue(s).contains("▲ more above"));
    assert!(s.contains(":pf") || s.contains("Your commands"), "the last section shows:\n{s}");
    t.keys(&["G", "G", "k"]);
    let back = format!("lines {}–{} of {total}", total - page, total - 1);
    t.wait_for("one line back up", WAIT, |s| cue(s).contains(&back));
    // Esc and q apart: sent together a terminal reads them as Alt-q.
    t.keys(&["Escape"]);
    t.wait_for("help closed", WAIT, |s| !s.contains("Help — ?") && all_titles(s));
    t.keys(&["q"]);
    t.wait_for("the process to exit", WAIT, |s| s.contains("EXITED:0"));
}

#[test]
fn sigterm_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start(80, 24);
    // A seed no other test uses, so pgrep finds this process only.
    t.type_line(&command(dir.path(), "--demo --seed 4242 --context shop-prod"));
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
    t.type_line(&command(dir.path(), "--demo --context shop-prod --seed 7 --speed 20"));
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
    // The demo's action, not a cluster's.
    assert_eq!(entry["demo"], true);

    t.keys(&["q"]);
    t.wait_for("the process to exit", WAIT, |s| s.contains("EXITED:0"));
}

/// shop-prod's counts on the fleet screen: CRIT WARN FAIL NRDY OOS DEG @MAX NODE✖ FIRING
/// follow its name ("·" is none).
struct ProdRow {
    degraded: u32,
    firing: u32,
}

fn prod_row(screen: &str) -> Option<ProdRow> {
    let line = screen.lines().find(|l| l.contains("shop-prod PROD"))?;
    let after = line.split("PROD").nth(1)?;
    let n: Vec<u32> = after.split_whitespace().take(9).map(|w| w.parse().unwrap_or(0)).collect();
    Some(ProdRow { degraded: *n.get(5)?, firing: *n.get(8)? })
}

#[test]
fn triage_fixes_the_demo_incident_in_three_keystrokes() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start(160, 48);
    // The demo as it starts: both clusters, on the fleet screen.
    t.type_line(&command(dir.path(), "--demo --seed 7 --speed 20"));
    // Keys are counted from here: the fleet screen shows prod's incident (services-cart
    // Degraded, its alerts firing), as an on-call engineer would see it on opening.
    t.wait_for("the fleet screen with prod's incident", Duration::from_secs(60), |s| {
        s.contains("Fleet 2 clusters") && prod_row(s).is_some_and(|c| c.degraded >= 1 && c.firing >= 2)
    });
    let mut keystrokes = 0;
    let mut press = |k: &str| {
        keystrokes += 1;
        t.keys(&[k]);
    };

    // 1. t: triage. The critical alert ranks first; beside it, the app and the HPA it links to,
    // and the key that fixes it.
    press("t");
    // Triage is live: it shows the incident once the cart's alert fires.
    let s = t.wait_for("the triage view with the cart's alert", Duration::from_secs(60), |s| {
        s.contains("Triage") && s.contains("Linked") && s.contains("HighErrorRate")
    });
    let top = s.lines().find(|l| l.contains("✖") && l.contains(" alert ")).unwrap_or_default();
    assert!(top.contains("shop-prod"), "prod's problem ranks first:\n{s}");
    assert!(top.contains("HighErrorRate"), "the critical alert is not first:\n{s}");
    assert!(
        s.lines().any(|l| l.contains("app") && l.contains("services-cart") && l.contains("OutOfSync")),
        "{s}"
    );
    assert!(s.lines().any(|l| l.contains("hpa") && l.contains("storefront/cart")), "{s}");
    assert!(s.contains("Sync application services-cart"), "the fix is not offered:\n{s}");

    // 2. f: the row's fix asks first, naming action, target and context.
    press("f");
    t.wait_for("the confirmation", WAIT, |s| {
        s.contains("Sync application services-cart")
            && s.contains("in context shop-prod")
            && s.contains("yes")
    });
    // 3. y: confirmed.
    press("y");
    assert!(keystrokes <= 4, "{keystrokes} keystrokes");
    t.wait_for("services-cart back in sync", Duration::from_secs(60), |s| {
        s.contains("Triage") && !s.lines().any(|l| l.contains("services-cart") && l.contains("OutOfSync"))
    });
    let audit = dir.path().join("state/flightdeck/audit.jsonl");
    let text = std::fs::read_to_string(&audit).unwrap_or_else(|e| panic!("{}: {e}", audit.display()));
    let entry: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!((entry["action"].as_str(), entry["ok"].as_bool()), (Some("sync"), Some(true)));

    t.keys(&["q"]);
    t.wait_for("the process to exit", WAIT, |s| s.contains("EXITED:0"));
}

#[test]
fn palette_filter_and_theme_as_a_k9s_user_types_them() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start(120, 36);
    t.type_line(&command(dir.path(), "--demo --context shop-prod --seed 7"));
    t.wait_for("the six pane titles", WAIT, all_titles);

    // `:po` opens the Pods pane, as in k9s.
    t.keys(&[":"]);
    t.wait_for("the palette", WAIT, |s| s.contains("command") && s.contains("Tab completes"));
    t.keys(&["p", "o", "Enter"]);
    t.wait_for("Pods full-screen", WAIT, |s| s.contains("3 Pods") && !s.contains("Scaling"));

    // `/cart` keeps only cart's pods and says so on the frame; Esc clears it.
    t.keys(&["/", "c", "a", "r", "t", "Enter"]);
    let s = t.wait_for("the filter on the frame", WAIT, |s| s.contains("/cart"));
    let rows: Vec<&str> = s.lines().filter(|l| l.contains("Running") || l.contains("Pending")).collect();
    assert!(!rows.is_empty() && rows.iter().all(|l| l.contains("cart")), "{s}");
    t.keys(&["Escape"]);
    t.wait_for("the filter cleared", WAIT, |s| !s.contains("/cart") && s.contains("argocd"));

    // `:theme light` switches live; Up recalls it from the history.
    t.keys(&[":"]);
    t.keys(&["-l", "theme light"]);
    t.keys(&["Enter"]);
    t.wait_for("the theme switched", WAIT, |s| s.contains("theme light"));
    t.keys(&[":", "Up"]);
    t.wait_for("the history", WAIT, |s| s.contains(": theme light"));
    // Esc alone (followed at once by another key, a terminal reads Alt-that-key).
    t.keys(&["Escape"]);
    t.wait_for("the palette closed", WAIT, |s| !s.contains("Tab completes"));
    t.keys(&["q"]);
    t.wait_for("the process to exit", WAIT, |s| s.contains("EXITED:0"));
}

#[test]
fn a_pods_detail_and_logs_are_read_and_searched_as_in_k9s() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start(160, 48);
    t.type_line(&command(dir.path(), "--demo --context shop-prod --seed 7"));
    t.wait_for("the six pane titles", WAIT, all_titles);
    t.keys(&["3"]);
    t.wait_for("Pods full-screen", WAIT, |s| s.contains("3 Pods") && !s.contains("Scaling"));
    // Narrow to cart's pods (Node.js, JSON lines), then Enter on the first: its detail.
    t.keys(&["/", "c", "a", "r", "t", "Enter"]);
    t.wait_for("the filter on the frame", WAIT, |s| s.contains("/cart"));
    t.keys(&["Enter"]);
    let s = t.wait_for("the pod's detail", WAIT, |s| {
        s.contains("Pod storefront/cart-") && s.contains("Conditions")
    });
    assert!(s.contains("Controlled By") && s.contains("Containers") && s.contains("Events"), "{s}");
    // `l`: the container's log, following.
    t.keys(&["l"]);
    let s =
        t.wait_for("the log", WAIT, |s| s.contains("container cart") && s.contains("\"msg\":\"request\""));
    assert!(s.contains("following"), "{s}");
    // `/request` Enter: matches counted and marked; the search shows on the frame.
    t.keys(&["/"]);
    t.wait_for("the search prompt", WAIT, |s| s.contains(" search "));
    t.keys(&["-l", "request"]);
    t.keys(&["Enter"]);
    // From the tail, the newest match: the last of them.
    let s = t.wait_for("the newest match", WAIT, |s| {
        s.lines().last().is_some_and(|l| l.contains("match ") && l.contains(" of "))
    });
    assert!(s.contains("/request"), "{s}");
    // Esc steps back: the search, the log, the detail, each in turn.
    t.keys(&["Escape"]);
    t.wait_for("the search cleared", WAIT, |s| !s.contains("/request") && s.contains("container cart"));
    t.keys(&["Escape"]);
    t.wait_for("the detail again", WAIT, |s| s.contains("Conditions") && !s.contains("container cart"));
    t.keys(&["Escape"]);
    t.wait_for("the Pods pane again", WAIT, |s| s.contains("3 Pods") && s.contains("/cart"));
    t.keys(&["q"]);
    t.wait_for("the process to exit", WAIT, |s| s.contains("EXITED:0"));
}
