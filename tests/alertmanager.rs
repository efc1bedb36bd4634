//! The Alerts pane against the real Alertmanager (Debian `prometheus-alertmanager`) on
//! 127.0.0.1: alerts posted through its API are ranked in the store; a silence made through
//! the action exists in Alertmanager with the chosen matchers, duration and comment and turns
//! the alert silenced; expire works; an outage shows in the pane and recovers; hostile text
//! renders safely.

mod support;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use flightdeck::app::audit::AuditLog;
use flightdeck::app::executor::{Backend, Executor};
use flightdeck::config::sources::AlertmanagerConfig;
use flightdeck::config::{Keymap, Theme};
use flightdeck::domain::Effect;
use flightdeck::domain::command::Command;
use flightdeck::input::dispatch::dispatch;
use flightdeck::input::form;
use flightdeck::sources::{self, Clock, alertmanager};
use flightdeck::state::alerts::{AlertState, Severity};
use flightdeck::state::health::SourceState;
use flightdeck::state::view::{Mode, Overlay};
use flightdeck::state::{Message, PaneId, State, update};
use flightdeck::ui::{Ui, render_to_buffer};
use serde_json::{Value, json};
use support::servers::Alertmanager;

fn config(url: &str) -> AlertmanagerConfig {
    toml::from_str(&format!("name = \"test\"\nurl = \"{url}\"\ninterval = \"1s\"")).unwrap()
}

async fn post_alerts(am: &Alertmanager, alerts: Value) {
    let resp =
        support::http().post(format!("{}/api/v2/alerts", am.url())).json(&alerts).send().await.unwrap();
    assert!(resp.status().is_success(), "posting alerts: {}", resp.status());
}

async fn get(am: &Alertmanager, path: &str) -> Value {
    support::http().get(format!("{}/api/v2{path}", am.url())).send().await.unwrap().json().await.unwrap()
}

fn alert(name: &str, severity: &str, minutes_ago: i64, extra: Value) -> Value {
    let starts = std::time::SystemTime::now() - Duration::from_secs(minutes_ago as u64 * 60);
    let mut labels = json!({"alertname": name, "severity": severity, "namespace": "storefront"});
    if let (Some(l), Some(e)) = (labels.as_object_mut(), extra.get("labels").and_then(Value::as_object)) {
        l.extend(e.clone());
    }
    json!({
        "labels": labels,
        "annotations": extra.get("annotations").cloned().unwrap_or(json!({"summary": format!("{name} summary")})),
        "startsAt": humantime::format_rfc3339_millis(starts).to_string(),
        "generatorURL": "http://prometheus:9090/graph?g0.expr=up",
    })
}

/// A store fed by one Alertmanager source, pumped until a condition holds.
struct Harness {
    state: State,
    rx: sources::Receiver,
    _guard: sources::TaskGuard,
    client: alertmanager::Client,
}

impl Harness {
    fn start(am: &Alertmanager) -> Harness {
        let (tx, rx) = sources::channel();
        let client = alertmanager::Client::new(&config(&am.url())).unwrap();
        let guard = alertmanager::spawn(client.clone(), Duration::from_secs(1), tx, Clock::Wall);
        let mut state = State::new("test-context", sources::wall_now());
        state.user = "tester".into();
        Harness { state, rx, _guard: guard, client }
    }

    async fn until(&mut self, what: &str, mut done: impl FnMut(&State) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            self.state.now = sources::wall_now();
            self.state.finish_batch();
            if done(&self.state) {
                return;
            }
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(m)) => {
                    // Take what has arrived as one batch, as the console does.
                    update(&mut self.state, m);
                    while let Ok(m) = self.rx.try_recv() {
                        update(&mut self.state, m);
                    }
                }
                Ok(None) => panic!("the source stopped while waiting for {what}"),
                Err(_) => panic!("timed out waiting for {what}; alerts: {:#?}", self.state.alerts.items),
            }
        }
    }

    fn alerts_state(&self) -> Option<SourceState> {
        self.state.pane_freshness(PaneId::Alerts).state
    }
}

#[tokio::test]
async fn posted_alerts_appear_ranked_by_severity_then_age() {
    let am = Alertmanager::start();
    post_alerts(
        &am,
        json!([
            alert("DiskFilling", "info", 30, json!({})),
            alert("CPUThrottlingHigh", "warning", 120, json!({})),
            alert("HighErrorRate", "critical", 2, json!({"labels": {"service": "cart"}})),
            alert("KubePodCrashLooping", "warning", 10, json!({"labels": {"pod": "cart-1"}})),
            alert("Watchdog", "none", 600, json!({})),
        ]),
    )
    .await;
    let mut h = Harness::start(&am);
    h.until("five alerts", |s| s.alerts.items.len() == 5).await;
    let names: Vec<&str> = h.state.alerts.items.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        ["HighErrorRate", "CPUThrottlingHigh", "KubePodCrashLooping", "DiskFilling", "Watchdog"]
    );
    let top = &h.state.alerts.items[0];
    assert_eq!((top.severity, top.state), (Severity::Critical, AlertState::Firing));
    assert_eq!(top.source.to_string(), "alertmanager/test");
    assert_eq!(top.summary, "HighErrorRate summary");
    assert_eq!(top.generator_url.as_deref(), Some("http://prometheus:9090/graph?g0.expr=up"));
    assert_eq!(h.alerts_state(), Some(SourceState::Ok));
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

#[tokio::test]
async fn silence_and_expire_through_the_actions() {
    let am = Alertmanager::start();
    post_alerts(&am, json!([alert("HighErrorRate", "critical", 5, json!({"labels": {"service": "cart"}}))]))
        .await;
    let mut h = Harness::start(&am);
    h.until("the alert", |s| s.alerts.items.len() == 1).await;

    let audit_dir = tempfile::tempdir().unwrap();
    let audit_path = audit_dir.path().join("audit.jsonl");
    let (results_tx, mut results) = tokio::sync::mpsc::channel(8);
    let executor =
        Executor::new(Backend::None, AuditLog::new(Some(audit_path.clone())), results_tx, Clock::Wall)
            .with_alertmanagers(vec![h.client.clone()]);

    // 5 s: the Alerts pane; the silence key opens the form with the alert's labels as matchers.
    dispatch(&mut h.state, Command::Pane(5));
    assert_eq!(
        dispatch(&mut h.state, Command::Action(flightdeck::domain::registry::ActionId::Silence)),
        Effect::None
    );
    let Overlay::Silence(f) = &h.state.view.overlay else { panic!("the silence form is open") };
    assert!(f.matchers.contains(r#"alertname="HighErrorRate""#), "{}", f.matchers);
    assert!(f.matchers.contains(r#"service="cart""#), "{}", f.matchers);
    assert_eq!(f.created_by, "tester");
    // Narrow the matchers to alertname + service, pick 4h, write the comment.
    form::key(&mut h.state, &key(KeyCode::BackTab));
    form::key(&mut h.state, &key(KeyCode::BackTab)); // matchers
    form::key(&mut h.state, &KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    for c in r#"alertname="HighErrorRate", service="cart""#.chars() {
        form::key(&mut h.state, &key(KeyCode::Char(c)));
    }
    form::key(&mut h.state, &key(KeyCode::Tab)); // duration
    form::key(&mut h.state, &key(KeyCode::Right)); // 4h
    form::key(&mut h.state, &key(KeyCode::Tab)); // comment
    for c in "rolling back cart".chars() {
        form::key(&mut h.state, &key(KeyCode::Char(c)));
    }
    let Effect::Run { action, target, context } = form::key(&mut h.state, &key(KeyCode::Enter)) else {
        panic!("Enter creates the silence")
    };
    executor.run(action, target, context);
    let Some(Message::ActionDone { outcome, .. }) = results.recv().await else { panic!("an outcome") };
    assert!(outcome.result.is_ok(), "{:?}", outcome.result);

    let silences = get(&am, "/silences").await;
    let s = &silences[0];
    assert_eq!(s["comment"], "rolling back cart");
    assert_eq!(s["createdBy"], "tester");
    assert_eq!(s["status"]["state"], "active");
    let mut matchers: Vec<(String, String, bool, bool)> = s["matchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let f = |k: &str| m[k].as_str().unwrap().to_string();
            (f("name"), f("value"), m["isRegex"].as_bool().unwrap(), m["isEqual"].as_bool().unwrap_or(true))
        })
        .collect();
    matchers.sort();
    assert_eq!(
        matchers,
        [
            ("alertname".into(), "HighErrorRate".into(), false, true),
            ("service".into(), "cart".into(), false, true)
        ]
    );
    let t = |k: &str| humantime::parse_rfc3339_weak(s[k].as_str().unwrap().trim_end_matches('Z')).unwrap();
    let length = t("endsAt").duration_since(t("startsAt")).unwrap().as_secs();
    assert!((4 * 3600 - 5..=4 * 3600 + 5).contains(&length), "4 h, got {length} s");

    h.until("the alert silenced", |s| s.alerts.items[0].state == AlertState::Silenced).await;
    let id = s["id"].as_str().unwrap().to_string();
    assert_eq!(h.state.alerts.items[0].silenced_by, std::slice::from_ref(&id));
    assert_eq!(h.state.alerts.silences_for(&h.state.alerts.items[0]).len(), 1);

    // The silences view lists it; expire asks first, then expires it in Alertmanager.
    dispatch(&mut h.state, Command::Silences);
    assert_eq!(h.state.view.mode, Mode::Full(PaneId::Alerts));
    assert_eq!(
        dispatch(&mut h.state, Command::Action(flightdeck::domain::registry::ActionId::ExpireSilence)),
        Effect::None
    );
    assert!(matches!(h.state.view.overlay, Overlay::Confirm(_)));
    let Effect::Run { action, target, context } = dispatch(&mut h.state, Command::Confirm) else {
        panic!("confirmed expire runs")
    };
    executor.run(action, target, context);
    let Some(Message::ActionDone { outcome, .. }) = results.recv().await else { panic!("an outcome") };
    assert!(outcome.result.is_ok(), "{:?}", outcome.result);
    assert_eq!(get(&am, &format!("/silence/{id}")).await["status"]["state"], "expired");
    h.until("the alert firing again", |s| s.alerts.items[0].state == AlertState::Firing).await;

    let audit = std::fs::read_to_string(&audit_path).unwrap();
    let lines: Vec<Value> = audit.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "{audit}");
    assert_eq!(lines[0]["action"], "silence");
    assert_eq!(lines[0]["context"], "test-context");
    assert_eq!(lines[1]["action"], "expire_silence");
}

#[tokio::test]
async fn an_outage_shows_in_the_pane_keeps_the_rows_and_recovers() {
    let mut am = Alertmanager::start();
    post_alerts(&am, json!([alert("HighErrorRate", "critical", 5, json!({}))])).await;
    let mut h = Harness::start(&am);
    h.until("the alert", |s| s.alerts.items.len() == 1).await;
    am.stop();
    h.until("the pane in error", |s| s.pane_freshness(PaneId::Alerts).state == Some(SourceState::Error))
        .await;
    let err = h.state.pane_freshness(PaneId::Alerts).error.unwrap();
    assert!(err.starts_with("alertmanager/test:"), "{err}");
    assert!(err.to_lowercase().contains("connection refused"), "{err}");
    assert_eq!(h.state.alerts.items.len(), 1, "rows from before the outage stay");

    // Alertmanager keeps silences on disk but alerts in memory: Prometheus re-sends them.
    am.resume();
    post_alerts(&am, json!([alert("HighErrorRate", "critical", 5, json!({}))])).await;
    h.until("the pane ok again", |s| s.pane_freshness(PaneId::Alerts).state == Some(SourceState::Ok)).await;
    assert_eq!(h.state.alerts.items.len(), 1);
}

#[tokio::test]
async fn escape_sequences_in_annotations_render_visibly() {
    let am = Alertmanager::start();
    let hostile = json!({
        "labels": {"pod": "cart-\u{1b}[2J-x"},
        "annotations": {
            "summary": "boom \u{1b}[31mred\u{1b}[0m \u{7} bell",
            "description": "line one\n\u{1b}]0;pwned\u{7}title",
        },
    });
    post_alerts(&am, json!([alert("Hostile", "critical", 1, hostile)])).await;
    let mut h = Harness::start(&am);
    h.until("the alert", |s| s.alerts.items.len() == 1).await;
    // A fixed clock, so the snapshot does not move: 2026-11-18 14:00 UTC, the alert a minute old.
    const AT: i64 = flightdeck::sources::demo::FIXED_EPOCH;
    h.state.alerts.items[0].since = AT - 60_000;
    h.state.now = AT;
    dispatch(&mut h.state, Command::Pane(5));
    let theme = Theme::default_theme();
    let keymap = Keymap::default_keymap();
    let buf = render_to_buffer(&h.state, &Ui { theme: &theme, keymap: &keymap }, 100, 24);
    let screen = flightdeck::headless::export::to_text(&buf);
    assert!(!screen.contains('\u{1b}') && !screen.contains('\u{7}'), "{screen}");
    insta::assert_snapshot!("alertmanager_hostile_text", screen);
}

/// bcrypt (cost 4, for speed) of "s3cret", as Alertmanager's web config wants it.
const WEB_CONFIG: &str =
    "basic_auth_users:\n  flightdeck: $2b$04$q6ZN9OU4dUnfOgw0v6RDae6M3wNVAHY3h9oEdJNgafp1BjeP35msa\n";

#[tokio::test]
async fn basic_auth_from_a_file_and_a_clear_401_when_it_is_wrong() {
    let am = Alertmanager::start_with_web_config(Some(WEB_CONFIG));
    let dir = tempfile::tempdir().unwrap();
    let password = dir.path().join("password");
    let cfg = |file: &std::path::Path| -> AlertmanagerConfig {
        toml::from_str(&format!(
            "url = \"{}\"\nbasic_user = \"flightdeck\"\nbasic_password_file = \"{}\"",
            am.url(),
            file.display()
        ))
        .unwrap()
    };
    std::fs::write(&password, "wrong\n").unwrap();
    let client = alertmanager::Client::new(&cfg(&password)).unwrap();
    let err = client.alerts().await.unwrap_err();
    assert!(err.starts_with("unauthorized (401)"), "{err}");
    // The file is read on each request: fixing it fixes the source without a restart.
    std::fs::write(&password, "s3cret\n").unwrap();
    assert_eq!(client.alerts().await, Ok(Vec::new()));
    assert_eq!(client.silences().await.map(|s| s.len()), Ok(0));
}

#[test]
fn the_binary_shows_alertmanager_alerts_from_its_config() {
    let am = Alertmanager::start();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(post_alerts(&am, json!([alert("HighErrorRate", "critical", 5, json!({}))])));
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(&config, format!("[[alertmanager]]\nname = \"prod\"\nurl = \"{}\"\n", am.url())).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_flightdeck"))
        .args(["--config", config.to_str().unwrap(), "status", "--json", "--timeout", "20"])
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "stdout {stdout}\nstderr {}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["alerts"]["items"][0]["name"], "HighErrorRate");
    assert_eq!(json["alerts"]["items"][0]["source"], "alertmanager/prod");
    assert_eq!(json["sources"]["alertmanager/prod"]["state"], "ok", "{stdout}");
}
