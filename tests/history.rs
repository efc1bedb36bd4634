//! The local history as a user meets it: what one run saw is there for the next (two headless
//! runs of the binary), `flightdeck history` prints it, `flightdeck report` writes the hand-off,
//! and in the console a corrupt history file is said in the status line and the timeline's
//! frame while everything else runs; `T` and `H` work there.

mod support;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use support::tmux::{Tmux, flightdeck_line};

fn flightdeck(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flightdeck"))
        .args(args)
        .env_remove("FLIGHTDECK_CONFIG")
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .output()
        .expect("run flightdeck")
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "exit {:?}: {}", o.status, String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn entries(home: &Path) -> Vec<serde_json::Value> {
    let out = ok(&flightdeck(home, &["history", "--demo", "--since", "30d", "--json"]));
    serde_json::from_str(&out).expect("a JSON array")
}

#[test]
fn what_one_run_saw_is_there_for_the_next() {
    let home = tempfile::tempdir().unwrap();
    ok(&flightdeck(home.path(), &["status", "--demo", "--context", "shop-prod", "--timeout", "10"]));
    assert!(home.path().join("state/flightdeck/history-demo.redb").exists());
    let first = entries(home.path());
    let rollout = first.iter().find(|e| e["kind"] == "rollout" && e["subject"]["name"] == "cart");
    assert!(rollout.is_some_and(|e| e["what"].as_str().unwrap().contains("cart:2.4.3")), "{first:#?}");
    assert!(first.iter().any(|e| e["kind"] == "sync"), "{first:#?}");
    assert!(first.iter().all(|e| e["cluster"] == "shop-prod"), "{first:#?}");

    // A second run (a new demo world) adds its own; the first run's stay.
    ok(&flightdeck(home.path(), &["status", "--demo", "--context", "shop-prod", "--timeout", "10"]));
    let second = entries(home.path());
    assert!(second.len() > first.len(), "{} then {}", first.len(), second.len());
    for e in &first {
        assert!(second.contains(e), "lost after a restart: {e}");
    }

    // The table: oldest first, one line each, filtered by cluster.
    let table = ok(&flightdeck(home.path(), &["history", "--demo", "--since", "30d"]));
    assert!(table.starts_with("TIME"), "{table}");
    assert_eq!(table.lines().count(), second.len() + 1, "{table}");
    let other =
        ok(&flightdeck(home.path(), &["history", "--demo", "--since", "30d", "--cluster", "shop-dev"]));
    assert!(other.contains("nothing recorded"), "{other}");
}

#[test]
fn a_reader_that_goes_away_is_not_an_error() {
    let home = tempfile::tempdir().unwrap();
    ok(&flightdeck(home.path(), &["status", "--demo", "--timeout", "5"]));
    // `flightdeck history | head -1`: the reader closes the pipe before the table is written.
    let mut child = Command::new(env!("CARGO_BIN_EXE_flightdeck"))
        .args(["history", "--demo", "--since", "30d"])
        .env_remove("FLIGHTDECK_CONFIG")
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run flightdeck");
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !err.contains("panicked"), "{:?}: {err}", out.status);
}

#[test]
fn history_without_a_file_and_with_a_bad_since_say_so() {
    let home = tempfile::tempdir().unwrap();
    let out = flightdeck(home.path(), &["history", "--demo"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no history recorded yet"), "{out:?}");
    let out = flightdeck(home.path(), &["history", "--since", "soon"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected e.g. 2h"), "{out:?}");
}

#[test]
fn report_writes_the_hand_off_as_markdown_and_html() {
    let home = tempfile::tempdir().unwrap();
    let md = home.path().join("handoff.md");
    let out =
        ok(&flightdeck(home.path(), &["report", "--demo", "--since", "1h", "-o", md.to_str().unwrap()]));
    assert_eq!(out.lines().next(), Some(md.to_str().unwrap()));
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.starts_with("# Incident hand-off: the platform"), "{text}");
    for section in ["## Problems now", "## Timeline", "## Actions taken", "## Silences made"] {
        assert!(text.contains(section), "{section}: {text}");
    }
    let html = std::fs::read_to_string(home.path().join("handoff.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<h2>Timeline</h2>"), "{html}");
}

const WAIT: Duration = Duration::from_secs(30);

#[test]
fn a_corrupt_history_is_said_and_the_console_runs_on_with_t_and_h() {
    let home = tempfile::tempdir().unwrap();
    let state = home.path().join("state/flightdeck");
    std::fs::create_dir_all(&state).unwrap();
    std::fs::write(state.join("history-demo.redb"), vec![0x5a; 8192]).unwrap();
    let t = Tmux::start(160, 48);
    t.type_line(&flightdeck_line(home.path(), "--demo --seed 7"));
    t.wait_for("the history's error in the status line", WAIT, |s| {
        s.contains("history off:") && s.contains("corrupt")
    });
    // The timeline still fills from the sources; its frame keeps saying the history is off.
    t.keys(&["T"]);
    let s =
        t.wait_for("the timeline with entries", WAIT, |s| s.contains("Timeline") && s.contains("rollout"));
    assert!(s.contains("history off"), "{s}");
    // From triage, T narrows it around the problem; H writes the hand-off and says where.
    t.keys(&["t"]);
    t.wait_for("triage", WAIT, |s| s.contains("Triage"));
    t.keys(&["T"]);
    t.wait_for("the timeline around a problem", WAIT, |s| {
        s.contains("Timeline around") && s.contains("Suspects")
    });
    t.keys(&["H"]);
    let s = t.wait_for("the hand-off written", WAIT, |s| s.contains("hand-off written:"));
    let reports: Vec<_> =
        std::fs::read_dir(state.join("reports")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(reports.len(), 2, "{reports:?}\n{s}");
    t.keys(&["q"]);
    t.wait_for("the shell back", WAIT, |s| s.contains("EXITED:0"));
}
