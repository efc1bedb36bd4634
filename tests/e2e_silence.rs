//! Silencing an alert in the real binary in tmux, as the on-call engineer would: open Alerts,
//! select HighErrorRate, `s`, type the comment, Enter; the alert turns silenced, the silences
//! view lists it, and the audit log has it.

mod support;

use std::time::Duration;

use support::tmux::{Tmux, flightdeck_line};

const WAIT: Duration = Duration::from_secs(30);

#[test]
fn the_demo_alert_is_silenced_from_the_form_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start(160, 48);
    t.type_line(&format!(
        "USER=oncall {}",
        flightdeck_line(dir.path(), "--demo --context shop-prod --seed 7 --speed 20")
    ));
    t.wait_for("HighErrorRate firing", Duration::from_secs(60), |s| s.contains("HighErrorRate"));
    // Narrow the list to the alert with `/`, as a user picks one row out of many; the first
    // row is then the one to silence.
    t.keys(&["5"]);
    t.wait_for("the Alerts pane", WAIT, |s| s.contains("firing since"));
    t.keys(&["/", "HighErrorRate", "Enter", "Home"]);
    let selected = |s: &str| s.contains("/HighErrorRate") && s.contains("HighErrorRate  firing since");
    t.wait_for("HighErrorRate selected", WAIT, selected);

    t.keys(&["s"]);
    t.wait_for("the silence form", WAIT, |s| {
        s.contains("Silence alert HighErrorRate")
            && s.contains("in demo/alertmanager · context shop-prod")
            && s.contains("Created by oncall")
    });
    // No comment: the form says it is required and stays open.
    t.keys(&["Enter"]);
    t.wait_for("the comment required", WAIT, |s| s.contains("a comment is required"));
    t.keys(&["rolling", "Space", "back", "Space", "cart", "Enter"]);
    t.wait_for("the alert silenced", WAIT, |s| {
        s.contains("HighErrorRate  silenced since") && s.contains("silenced by")
    });

    t.keys(&["S"]);
    t.wait_for("the silences view", WAIT, |s| {
        s.lines()
            .any(|l| l.contains("● active") && l.contains("HighErrorRate") && l.contains("rolling back cart"))
    });

    let audit = dir.path().join("state/flightdeck/audit.jsonl");
    let text = std::fs::read_to_string(&audit).unwrap_or_else(|e| panic!("{}: {e}", audit.display()));
    let entry: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(entry["action"], "silence");
    assert_eq!(entry["context"], "shop-prod");
    assert_eq!(entry["ok"], true);
    assert_eq!(entry["demo"], true);
    assert!(entry["target"].as_str().unwrap().contains(r#"alertname="HighErrorRate""#), "{entry}");

    t.keys(&["q"]);
    t.wait_for("the process to exit", WAIT, |s| s.contains("EXITED:0"));
}
