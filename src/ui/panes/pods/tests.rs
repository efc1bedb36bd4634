//! Render tests for the Pods pane on small fixture stores: text, colours that carry meaning,
//! the selected window and the events area. No snapshots here; whole screens are tested elsewhere.

use ratatui::buffer::Buffer;

use super::*;
use crate::config::Theme;
use crate::state::pods::{ClusterEvent, Owner};
use crate::ui::panes::test_support::{NOW, fg, fg_of, find, lines, render_pane};

fn pod(ns: &str, name: &str, phase: PodPhase, reason: Option<&str>) -> Pod {
    Pod {
        cluster: Default::default(),
        namespace: ns.into(),
        name: name.into(),
        phase,
        ready: if phase == PodPhase::Running && reason.is_none() { 1 } else { 0 },
        containers: 1,
        reason: reason.map(Into::into),
        message: None,
        restarts: 0,
        last_restart: None,
        created_at: NOW - 3_600_000,
        node: Some("ip-10-0-1-12.ec2.internal".into()),
        owner: Some(Owner { kind: "Deployment".into(), name: "cart".into() }),
        cpu_milli: Some(120),
        mem_bytes: Some(200 * 1024 * 1024),
    }
}

fn store(pods: Vec<Pod>) -> State {
    let mut s = State::new("shop-prod", NOW);
    s.pods.replace_cluster(&Default::default(), pods.into_iter().map(std::sync::Arc::new).collect(), true);
    s.finish_batch();
    s
}

fn fixture() -> State {
    let mut crash = pod("storefront", "cart-7d9f8-abcde", PodPhase::Running, Some("CrashLoopBackOff"));
    crash.restarts = 12;
    crash.last_restart = Some(NOW - 120_000);
    crash.message = Some("back-off 5m0s restarting failed container".into());
    let mut pending = pod("storefront", "order-5c4b-xyz", PodPhase::Pending, None);
    pending.node = None;
    let mut s = store(vec![
        crash,
        pending,
        pod("storefront", "frontend-1", PodPhase::Running, None),
        pod("monitoring", "prometheus-0", PodPhase::Running, None),
    ]);
    s.events.push_back(ClusterEvent {
        cluster: Default::default(),
        at: NOW - 60_000,
        warning: true,
        reason: "BackOff".into(),
        object: "Pod storefront/cart-7d9f8-abcde".into(),
        message: "Back-off restarting failed container".into(),
        count: 7,
    });
    s.events.push_back(ClusterEvent {
        cluster: Default::default(),
        at: NOW - 30_000,
        warning: true,
        reason: "FailedScheduling".into(),
        object: "Pod storefront/order-5c4b-xyz".into(),
        message: "0/7 nodes are available: insufficient cpu".into(),
        count: 3,
    });
    s
}

fn render(state: &State, w: u16, h: u16, full: bool, selected: usize) -> Buffer {
    render_pane(draw, state, (w, h), full, true, selected)
}

#[test]
fn headline_and_summary_count_problems() {
    let s = fixture();
    assert_eq!(summary(&s), "4 pods · 1 failing");
    let buf = render(&s, 60, 6, false, 0);
    let text = lines(&buf).join("\n");
    assert!(text.contains("4 pods · ✖ 1 failing · ▲ 1 pending"), "{text}");
    assert_eq!(summary(&State::default()), "");
}

#[test]
fn crashloop_is_crit_and_pending_is_warn() {
    let s = fixture();
    let buf = render(&s, 120, 20, true, 3);
    assert_eq!(fg_of(&buf, "CrashLoopBackOff"), fg(Role::Crit));
    assert_eq!(fg_of(&buf, "Pending"), fg(Role::Warn));
    let text = lines(&buf).join("\n");
    assert!(text.contains("12 (2m ago)"), "{text}");
    assert!(text.contains("Deployment/cart"), "{text}");
}

#[test]
fn problems_come_first_and_selection_is_highlighted() {
    let s = fixture();
    let theme = Theme::default_theme();
    let buf = render(&s, 80, 8, false, 1);
    let rows = lines(&buf);
    assert!(rows[1].contains("cart-7d9f8"), "{rows:?}");
    let (x, y) = find(&buf, "order-5c4b").unwrap();
    assert_eq!(buf[(0, y)].bg, theme.style(Role::Selection).bg.unwrap());
    assert_eq!(buf[(x, y)].fg, fg(Role::Selection), "plain text readable on the bar");
    // Yellow would not read on the cyan bar: the level word takes the bar's colour, in bold.
    let (px, py) = find(&buf, "Pending").unwrap();
    assert_eq!(py, y, "the selected row is the pending one");
    assert_eq!(buf[(px, py)].fg, fg(Role::Selection), "a level colour unreadable on the bar");
    assert!(buf[(px, py)].modifier.contains(ratatui::style::Modifier::BOLD));
}

#[test]
fn missing_metrics_say_so_once() {
    let mut s = fixture();
    s.pods.metrics_available = false;
    let buf = render(&s, 158, 20, true, 0);
    let text = lines(&buf).join("\n");
    assert_eq!(text.matches("metrics.k8s.io is not available").count(), 1, "{text}");
    assert!(text.contains("n/a"), "{text}");
}

#[test]
fn failing_readings_say_how_old_the_usage_is_and_mute_it() {
    use crate::state::pods::StaleUsage;
    let mut s = fixture();
    let stale = StaleUsage { read_at: Some(NOW - 240_000), error: "the server is on fire\x1b[2J".into() };
    s.pods.set_usage_stale(&Default::default(), Some(stale));
    // The last row selected: the first row's colours are its own.
    let buf = render(&s, 220, 20, true, 3);
    let text = lines(&buf).join("\n");
    assert!(
        text.contains("CPU/MEM from 4m ago: reading metrics.k8s.io failed: the server is on fire␛[2J"),
        "{text}"
    );
    assert_eq!(fg_of(&buf, "CPU/MEM from"), fg(Role::Warn));
    assert_eq!(fg_of(&buf, "120m"), fg(Role::Muted), "a stale reading's usage is muted");
    let buf = render(&s, 100, 8, false, 0);
    assert!(lines(&buf).join("\n").contains("CPU/MEM from 4m ago"), "the overview says it short");
    s.pods.set_usage_stale(&Default::default(), None);
    let buf = render(&s, 220, 20, true, 3);
    assert!(!lines(&buf).join("\n").contains("CPU/MEM from"));
    assert_eq!(fg_of(&buf, "120m"), fg(Role::Text));
}

#[test]
fn selected_pods_events_then_the_clusters_latest() {
    let s = fixture();
    let buf = render(&s, 120, 20, true, 0);
    let text = lines(&buf).join("\n");
    assert!(text.contains("Warning events for cart-7d9f8-abcde"), "{text}");
    assert!(text.contains("×7"), "{text}");
    assert!(text.contains("back-off 5m0s"), "{text}");
    // frontend-1 has no events of its own: the latest warnings in the cluster show instead.
    let idx = s.pods.order.iter().position(|k| k.name == "frontend-1").unwrap();
    let buf = render(&s, 120, 20, true, idx);
    let text = lines(&buf).join("\n");
    assert!(text.contains("No warning events for frontend-1"), "{text}");
    let sched = text.find("FailedScheduling").unwrap();
    let backoff = text.find("BackOff            Pod").unwrap();
    assert!(sched < backoff, "newest first: {text}");
}

#[test]
fn control_characters_never_reach_the_terminal() {
    let mut p = pod("storefront", "evil\x1b[31mpod", PodPhase::Running, Some("Bad\x07Reason"));
    p.message = Some("ring\x07".into());
    let s = store(vec![p]);
    let buf = render(&s, 120, 12, true, 0);
    let text = lines(&buf).join("");
    assert!(!text.chars().any(|c| c.is_control()), "{text:?}");
    assert!(text.contains("evil␛[31mpod"), "{text}");
}

#[test]
fn compact_cell_fits_the_overview() {
    let s = fixture();
    let buf = render(&s, 38, 5, false, 0);
    let rows = lines(&buf);
    assert!(rows[0].contains("4 pods"), "{rows:?}");
    assert!(rows[1].contains("CrashLoopBackOff"), "{rows:?}");
    assert!(rows[2].contains("Pending"), "{rows:?}");
}

#[test]
fn huge_store_draws_only_the_window() {
    let pods: Vec<Pod> = (0..50_000)
        .map(|i| {
            let reason = if i % 1000 == 0 { Some("OOMKilled") } else { None };
            pod(&format!("ns-{}", i % 40), &format!("pod-{i:05}"), PodPhase::Running, reason)
        })
        .collect();
    let s = store(pods);
    assert_eq!(summary(&s), "50000 pods · 50 failing");
    let last = s.pods.order.len() - 1;
    let buf = render(&s, 158, 44, true, last);
    let key = &s.pods.order[last];
    assert!(lines(&buf).iter().any(|l| l.contains(key.name.as_str())), "the selected last pod is visible");
}

#[test]
fn empty_store_explains_only_when_the_source_is_fine() {
    let s = State::new("shop-prod", NOW);
    let buf = render(&s, 40, 5, false, 0);
    assert!(lines(&buf).iter().all(|l| l.trim().is_empty()));
}

#[test]
fn long_pod_names_keep_their_suffix() {
    assert_eq!(fit_middle("cart-c4q9m7trc-5pl55", 14), "cart-c4…-5pl55");
    assert_eq!(fit_middle("cart-c4q9m7trc-5pl55", 30), "cart-c4q9m7trc-5pl55");
    assert_eq!(fit_middle("prometheus-0", 6), "prome…");
}

#[test]
fn tiny_areas_never_panic() {
    let s = fixture();
    for (w, h) in [(1, 1), (10, 2), (30, 3), (78, 8), (200, 9)] {
        for full in [false, true] {
            render(&s, w, h, full, 99);
        }
    }
}
