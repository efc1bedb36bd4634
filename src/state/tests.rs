//! Unit tests of `update`: messages in, state out.

use super::alerts::{Alert, AlertState, Severity};
use super::pods::Pod;
use super::*;
use crate::domain::PodKey;

fn pod(ns: &str, name: &str, reason: Option<&str>) -> Pod {
    Pod::sample(ns, name, reason)
}

fn alert(name: &str, sev: Severity, since: UnixMs) -> Alert {
    Alert {
        cluster: Default::default(),
        fingerprint: name.into(),
        name: name.into(),
        severity: sev,
        source: crate::domain::SourceId::of(crate::domain::source::SourceKind::Alertmanager),
        state: AlertState::Firing,
        since,
        summary: String::new(),
        labels: Default::default(),
        annotations: Default::default(),
        generator_url: None,
        silenced_by: Vec::new(),
        also_from: Vec::new(),
    }
}

fn src(s: &str) -> SourceId {
    s.parse::<SourceId>().unwrap()
}

fn register(state: &mut State, id: &str, interval_ms: i64, feeds: Vec<PaneId>) {
    update(state, Message::Register { source: src(id), interval_ms, feeds });
}

#[test]
fn health_goes_pending_ok_stale_error_and_back() {
    let mut s = State::new("ctx", 0);
    register(&mut s, "kube/pods", 1_000, vec![PaneId::Pods]);
    assert_eq!(s.sources[&src("kube/pods")].health.state(0), SourceState::Pending);
    update(&mut s, Message::Data { source: src("kube/pods"), at: 1_000, data: Data::Hpas(vec![]) });
    assert_eq!(s.sources[&src("kube/pods")].health.state(2_000), SourceState::Ok);
    // Three missed intervals make it stale.
    assert_eq!(s.sources[&src("kube/pods")].health.state(4_001), SourceState::Stale);
    update(&mut s, Message::Failed { source: src("kube/pods"), at: 5_000, error: "401 Unauthorized".into() });
    let h = &s.sources[&src("kube/pods")].health;
    assert_eq!(h.state(5_000), SourceState::Error);
    assert_eq!(h.failures, 1);
    // Data already delivered is kept while the source fails.
    update(&mut s, Message::Tick(5_000));
    let f = s.pane_freshness(PaneId::Pods);
    assert_eq!(f.state, Some(SourceState::Error));
    assert_eq!(f.error.as_deref(), Some("kube/pods: 401 Unauthorized"));
    assert_eq!(f.updated_at, Some(1_000));
    assert_eq!(s.pane_level(PaneId::Pods), Level::Crit);
    // Data from a source still failing (one of its watches) dates the rows; the error stays.
    update(&mut s, Message::Data { source: src("kube/pods"), at: 6_000, data: Data::Hpas(vec![]) });
    assert_eq!(s.sources[&src("kube/pods")].health.state(6_000), SourceState::Error);
    // The source says it is healthy: the error clears at once, whether or not data follows.
    assert!(update(&mut s, Message::Healthy { source: src("kube/pods") }));
    assert_eq!(s.sources[&src("kube/pods")].health.state(6_000), SourceState::Ok);
    assert_eq!(s.sources[&src("kube/pods")].health.failures, 0);
    assert!(
        !update(&mut s, Message::Healthy { source: src("kube/pods") }),
        "already healthy: nothing to redraw"
    );
}

#[test]
fn a_failing_watch_shows_its_rows_dated_from_its_first_failure() {
    let mut s = State::new("ctx", 0);
    register(&mut s, "kube/nodes", 0, vec![PaneId::Infrastructure]);
    update(&mut s, Message::Data { source: src("kube/nodes"), at: 1_000, data: Data::Nodes(vec![]) });
    // Live: a watch is not dated.
    assert_eq!(s.pane_freshness(PaneId::Infrastructure).updated_at, None);
    for at in [50_000, 52_000, 56_000] {
        update(&mut s, Message::Failed { source: src("kube/nodes"), at, error: "down".into() });
    }
    let f = s.pane_freshness(PaneId::Infrastructure);
    assert_eq!((f.state, f.updated_at), (Some(SourceState::Error), Some(50_000)));
    update(&mut s, Message::Healthy { source: src("kube/nodes") });
    let f = s.pane_freshness(PaneId::Infrastructure);
    assert_eq!((f.state, f.updated_at, f.error), (Some(SourceState::Ok), None, None));
}

#[test]
fn pods_upsert_delete_and_problem_first_order() {
    let mut s = State::new("ctx", 0);
    let data = |d| Message::Data { source: src("kube/pods"), at: 0, data: d };
    update(
        &mut s,
        data(Data::PodsReplace {
            pods: vec![Arc::new(pod("a", "ok-1", None)), Arc::new(pod("a", "ok-2", None))],
            metrics_available: true,
        }),
    );
    update(&mut s, data(Data::PodUpsert(Arc::new(pod("b", "bad", Some("CrashLoopBackOff"))))));
    s.finish_batch();
    let names: Vec<&str> = s.pods.iter_ordered().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["bad", "ok-1", "ok-2"]);
    update(&mut s, data(Data::PodDelete(PodKey::new("a", "ok-1"))));
    update(&mut s, data(Data::PodUpsert(Arc::new(pod("b", "bad", None)))));
    s.finish_batch();
    // Recovered, it sorts by name again.
    let names: Vec<&str> = s.pods.iter_ordered().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["ok-2", "bad"]);
    assert!(s.pods.metrics_available);
}

#[test]
fn alerts_from_two_sources_merge_and_rank() {
    let mut s = State::new("ctx", 0);
    let am =
        Data::Alerts(vec![alert("Old warning", Severity::Warning, 1), alert("Crit", Severity::Critical, 50)]);
    update(&mut s, Message::Data { source: src("alertmanager/prod"), at: 0, data: am });
    let cw = Data::Alerts(vec![alert("alb-5xx", Severity::Critical, 10)]);
    update(&mut s, Message::Data { source: src("cloudwatch"), at: 0, data: cw });
    let names: Vec<&str> = s.alerts.items.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["alb-5xx", "Crit", "Old warning"]);
    assert_eq!(s.alerts.items[0].source.to_string(), "cloudwatch");
    // A new delivery from one source replaces only its own alerts, even from a source whose
    // name starts the same.
    let other = Data::Alerts(vec![alert("Other", Severity::Info, 5)]);
    update(&mut s, Message::Data { source: src("alertmanager/prod2"), at: 1, data: other });
    update(&mut s, Message::Data { source: src("alertmanager/prod"), at: 1, data: Data::Alerts(vec![]) });
    let names: Vec<&str> = s.alerts.items.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["alb-5xx", "Other"]);
}

#[test]
fn hpa_history_accumulates_per_delivery() {
    use super::pods::Owner;
    use super::scaling::{Hpa, HpaMetric};
    let hpa = |cur| Hpa {
        cluster: Default::default(),
        namespace: "storefront".into(),
        name: "frontend".into(),
        target: Owner { kind: "Deployment".into(), name: "frontend".into() },
        min: 2,
        max: 10,
        current: cur,
        desired: cur,
        metrics: vec![HpaMetric { name: "cpu".into(), current: Some(50 + cur), target: 70 }],
        conditions: vec![],
        last_scale: None,
    };
    let mut s = State::new("ctx", 0);
    for cur in [2, 4, 6] {
        update(&mut s, Message::Data { source: src("kube/pods"), at: 0, data: Data::Hpas(vec![hpa(cur)]) });
    }
    let h = s.scaling.history_of(&s.scaling.hpas[0]).unwrap();
    assert_eq!(h.replicas.iter().copied().collect::<Vec<_>>(), [2, 4, 6]);
    assert_eq!(h.utilisation.iter().copied().collect::<Vec<_>>(), [Some(52), Some(54), Some(56)]);
}

#[test]
fn disabled_source_is_reported_not_failed() {
    let mut s = State::new("ctx", 0);
    update(
        &mut s,
        Message::Disabled {
            source: src("cost-explorer"),
            feeds: vec![PaneId::Cost],
            reason: "no [aws] section".into(),
        },
    );
    assert_eq!(s.pane_freshness(PaneId::Cost).state, Some(SourceState::Disabled));
    assert_eq!(s.pane_level(PaneId::Cost), Level::Muted);
}

#[test]
fn action_results_reach_the_status_line() {
    let mut s = State::new("ctx", 0);
    let outcome = ActionOutcome {
        cluster: Default::default(),
        action: "Sync".into(),
        target: "application services-cart".into(),
        result: Err("forbidden".into()),
    };
    update(&mut s, Message::ActionDone { at: 10, outcome });
    let st = s.view.status().unwrap();
    assert_eq!(st.level, Level::Crit);
    assert!(st.text.contains("failed: forbidden"));
    // Seconds of a sped-up clock do not age it: wall time does.
    update(&mut s, Message::Tick(10 + 100 * view::STATUS_TTL_MS));
    assert!(s.view.status().is_some());
    let ttl = std::time::Duration::from_millis(view::STATUS_TTL_MS as u64);
    let st = s.view.status.as_mut().unwrap();
    st.shown = std::time::Instant::now().checked_sub(ttl).expect("the machine is up longer than the TTL");
    assert!(s.view.status().is_none());
}

#[test]
fn the_clock_rebuilds_triage_only_when_a_source_turns_stale() {
    let mut s = State::new("ctx", 0);
    update(
        &mut s,
        Message::Register { source: src("kube/pods"), interval_ms: 1_000, feeds: vec![PaneId::Pods] },
    );
    update(&mut s, Message::Data { source: src("kube/pods"), at: 1_000, data: Data::Hpas(vec![]) });
    s.finish_batch();
    assert!(!s.triage_stale);
    update(&mut s, Message::Tick(2_000));
    assert!(!s.triage_stale, "a tick that changes no source's state leaves triage as it is");
    update(&mut s, Message::Tick(4_001));
    assert!(s.triage_stale, "the source is stale now: triage lists it");
    s.finish_batch();
    assert!(s.triage.problems.iter().any(|p| p.subject == "kube/pods"), "{:?}", s.triage.problems);
}

#[test]
fn hpas_sent_again_unchanged_or_usage_alone_leave_triage_as_it_is() {
    let mut s = State::new("ctx", 0);
    let watch = |s: &mut State, data| update(s, Message::Data { source: src("kube/hpas"), at: 1_000, data });
    update(
        &mut s,
        Message::Register { source: src("kube/hpas"), interval_ms: 0, feeds: vec![PaneId::Scaling] },
    );
    let h = |current| crate::state::scaling::Hpa {
        cluster: Default::default(),
        namespace: "storefront".into(),
        name: "cart".into(),
        target: crate::state::pods::Owner { kind: "Deployment".into(), name: "cart".into() },
        min: 1,
        max: 10,
        current,
        desired: current,
        metrics: vec![],
        conditions: vec![],
        last_scale: None,
    };
    watch(&mut s, Data::Hpas(vec![h(3)]));
    s.finish_batch();
    assert!(!s.triage_stale);
    watch(&mut s, Data::Hpas(vec![h(3)]));
    assert!(!s.triage_stale, "the 15 s sample of the same HPAs");
    watch(&mut s, Data::PodUsage(Vec::new()));
    assert!(!s.triage_stale, "usage alone");
    watch(&mut s, Data::Hpas(vec![h(5)]));
    assert!(s.triage_stale, "a changed HPA");
}

#[test]
fn a_key_on_a_big_store_does_not_wait_for_triage() {
    let mut s = State::new("ctx", 0);
    let data = |d| Message::Data { source: src("kube/pods"), at: 0, data: d };
    let rows = (0..5_001).map(|i| Arc::new(pod("storefront", &format!("web-{i}"), None))).collect();
    update(&mut s, data(Data::PodsReplace { pods: rows, metrics_available: true }));
    s.finish_batch();
    update(&mut s, data(Data::PodUpsert(Arc::new(pod("storefront", "web-0", Some("CrashLoopBackOff"))))));
    s.finish_input();
    assert!(s.triage_stale, "left for the next frame of data or of the clock");
    assert_eq!(s.pods.iter_ordered().next().map(|p| p.name.as_str()), Some("web-0"), "rows are current");
    // The next frame of data, once the pacing of a big store allows (not timed here).
    s.triage_clock = Default::default();
    s.finish_batch();
    assert!(!s.triage_stale, "the next frame of data rebuilds it");
}
