//! Render tests of the Alerts pane on a fixture: ranking is kept, colour and words carry state,
//! and escape sequences in alert text never reach the buffer.

use std::collections::BTreeMap;

use super::*;
use crate::state::Data;
use crate::ui::panes::test_support::{
    self, NOW, fed, fg, fg_of, find, no_control, render_odd_sizes, render_screen as render, text_of,
};

fn alert(name: &str, sev: Severity, state: AlertState, ago_s: i64, summary: &str) -> Alert {
    let mut labels = BTreeMap::new();
    labels.insert("alertname".to_string(), name.to_string());
    labels.insert("severity".to_string(), sev.label().to_string());
    labels.insert("namespace".to_string(), "storefront".to_string());
    let mut annotations = BTreeMap::new();
    annotations.insert("summary".to_string(), summary.to_string());
    Alert {
        cluster: Default::default(),
        fingerprint: format!("fp-{name}"),
        name: name.into(),
        severity: sev,
        source: crate::domain::SourceId::of(crate::domain::source::SourceKind::Alertmanager),
        state,
        since: NOW - ago_s * 1000,
        summary: summary.into(),
        labels,
        annotations,
        generator_url: None,
        silenced_by: Vec::new(),
        also_from: Vec::new(),
    }
}

pub(super) fn fixture() -> State {
    let mut crash = alert(
        "KubePodCrashLooping",
        Severity::Critical,
        AlertState::Firing,
        240,
        "Pod storefront/cart-7d9f is restarting 3 times / 5 minutes",
    );
    crash.labels.insert("pod".into(), "cart-7d9f".into());
    crash.annotations.insert("runbook_url".into(), "https://runbooks.example/KubePodCrashLooping".into());
    crash.annotations.insert("description".into(), "line one\nline two".into());
    let am_alerts = vec![
        crash,
        alert("KubeHpaMaxedOut", Severity::Warning, AlertState::Firing, 120, "HPA storefront/cart at max"),
        alert("TargetDown", Severity::Warning, AlertState::Silenced, 900, "10% of targets down"),
        alert("Watchdog", Severity::None, AlertState::Firing, 9000, "always firing"),
        alert("Evil", Severity::Info, AlertState::Firing, 30, "red \x1b[31mALERT\x1b[0m"),
    ];
    let cw_alarms = vec![
        alert("alb-5xx-high", Severity::Critical, AlertState::Alarm, 200, "Threshold Crossed: 1 datapoint"),
        alert("rds-free-storage", Severity::Warning, AlertState::InsufficientData, 50, "no datapoints"),
    ];
    let (am, cw) = ("demo/alertmanager", "demo/cloudwatch");
    fed(
        PaneId::Alerts,
        &[(am, 15_000), (cw, 15_000)],
        [(am, NOW - 2000, Data::Alerts(am_alerts)), (cw, NOW - 2000, Data::Alerts(cw_alarms))],
    )
}

fn full(state: State, selected: usize) -> State {
    test_support::full(state, PaneId::Alerts, selected)
}

#[test]
fn summary_groups_fit_the_title() {
    let s = summary(&fixture());
    assert_eq!(s, "2 crit · 1 warn");
    assert!(s.chars().count() <= 28);
    let mut quiet = fixture();
    quiet.alerts.items.retain(|a| !a.state.active());
    assert_eq!(summary(&quiet), "1 silenced");
}

#[test]
fn subject_tells_alerts_of_one_rule_apart() {
    let state = fixture();
    let crash = &state.alerts.items[0];
    assert_eq!(crash.name, "KubePodCrashLooping");
    assert_eq!(subject(crash).as_deref(), Some("storefront/cart-7d9f"));
    for (w, h, full_view) in [(80, 24, false), (80, 24, true), (160, 48, true)] {
        let st = if full_view { full(state.clone(), 1) } else { state.clone() };
        let text = text_of(&render(&st, w, h));
        let want = if full_view && w >= 160 { "storefront/cart-7d9f" } else { "cart-7d9f" };
        assert!(text.contains(want), "{w}x{h}\n{text}");
    }
}

#[test]
fn shorter_sources() {
    use crate::domain::SourceId;
    use crate::domain::source::DemoFeed;
    assert_eq!(short_source(&SourceId::demo(DemoFeed::Alertmanager), false), "alertmanager");
    assert_eq!(short_source(&SourceId::demo(DemoFeed::CloudWatch), true), "cw");
    assert_eq!(short_source(&SourceId::alertmanager("prod"), true), "am/prod");
}

#[test]
fn compact_shows_headline_and_top_alerts() {
    for (w, h) in [(80, 24), (160, 48)] {
        let buf = render(&fixture(), w, h);
        let text = text_of(&buf);
        assert!(text.contains("2 crit"), "{text}");
        if w >= 160 {
            assert!(text.contains("✖ 2 crit · ▲ 1 warn · ◆ 1 info · ○ 1 silenced"), "{text}");
        }
        assert!(text.contains("KubePodCrashLooping"), "{text}");
        assert_eq!(fg_of(&buf, "✖ 2 crit"), fg(Role::Crit));
        assert!(no_control(&buf));
    }
}

#[test]
fn escape_sequences_render_visibly() {
    let state = fixture();
    let evil = state.alerts.items.iter().position(|a| a.name == "Evil").unwrap();
    for st in [full(state.clone(), evil), full(state, 0)] {
        for (w, h) in [(80, 24), (160, 48)] {
            let buf = render(&st, w, h);
            assert!(no_control(&buf), "raw control character in the buffer");
            assert!(text_of(&buf).contains("␛[31m"), "{}", text_of(&buf));
        }
    }
}

#[test]
fn full_view_shows_detail_and_mutes_silenced() {
    let buf = render(&full(fixture(), 0), 160, 48);
    let text = text_of(&buf);
    for needle in
        ["SEVERITY", "alertmanager", "cloudwatch", "runbook_url", "https://runbooks.example", "line two"]
    {
        assert!(text.contains(needle), "lacks {needle}:\n{text}");
    }
    assert!(text.contains("namespace=storefront"), "{text}");
    assert!(find(&buf, "silenced").is_some(), "{text}");
    // The silenced row's state word and the INSUFFICIENT alarm are muted, not coloured.
    assert_eq!(fg_of(&buf, "INSUFFICIENT"), fg(Role::Muted));
    assert_eq!(fg_of(&buf, "ALARM"), fg(Role::Crit));
    let buf = render(&full(fixture(), 0), 80, 24);
    let text = text_of(&buf);
    assert!(text.contains("KubePodCrashLooping"), "{text}");
    assert!(text.contains("runbook_url"), "{text}");
}

#[test]
fn many_alerts_keep_selection_visible() {
    let mut state = fixture();
    let base = state.alerts.items[0].clone();
    state.alerts.items = (0..500).map(|i| Alert { name: format!("A{i:03}"), ..base.clone() }).collect();
    let buf = render(&full(state, 321), 80, 24);
    assert!(text_of(&buf).contains("A321"));
}

#[test]
fn odd_sizes_do_not_panic() {
    render_odd_sizes(&fixture(), PaneId::Alerts);
}
