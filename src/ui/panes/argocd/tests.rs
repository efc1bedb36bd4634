//! Render tests for the Argo CD pane on a small app-of-apps fixture: tree guides, colours that
//! carry meaning, selection by tree index and the detail area. No whole-screen snapshots here.

use ratatui::buffer::Buffer;

use super::*;
use crate::state::argocd::{AppCondition, AppResource};
use crate::ui::panes::test_support::{NOW, fg, fg_of, lines, render_pane};

fn app(name: &str, parent: Option<&str>, sync: SyncStatus, health: HealthStatus) -> ArgoApp {
    ArgoApp {
        project: "default".into(),
        parent: parent.map(Into::into),
        sync,
        health,
        synced_revision: "1a2b3c4d5e6f7a8b9c0d1a2b3c4d5e6f7a8b9c0d".into(),
        auto_sync: true,
        last_sync: Some(Operation {
            phase: OperationPhase::Succeeded,
            message: "successfully synced".into(),
            started_at: NOW - 310_000,
            finished_at: Some(NOW - 300_000),
        }),
        ..ArgoApp::drifted(name)
    }
}

fn fixture() -> State {
    let mut cart = app("services-cart", Some("platform-root"), SyncStatus::OutOfSync, HealthStatus::Degraded);
    cart.auto_sync = false;
    cart.conditions
        .push(AppCondition { kind: "SyncError".into(), message: "one or more objects failed".into() });
    cart.resources = vec![
        AppResource {
            kind: "Service".into(),
            namespace: "storefront".into(),
            name: "cart".into(),
            sync: SyncStatus::Synced,
            health: Some(HealthStatus::Healthy),
        },
        AppResource {
            kind: "Deployment".into(),
            namespace: "storefront".into(),
            name: "cart".into(),
            sync: SyncStatus::OutOfSync,
            health: Some(HealthStatus::Degraded),
        },
    ];
    let mut order =
        app("services-order", Some("platform-root"), SyncStatus::Synced, HealthStatus::Progressing);
    order.operation = Some(Operation {
        phase: OperationPhase::Running,
        message: "waiting for healthy state".into(),
        started_at: NOW - 20_000,
        finished_at: None,
    });
    let mut s = State::new("shop-prod", NOW);
    s.argocd.apps = vec![
        app("platform-root", None, SyncStatus::Synced, HealthStatus::Healthy),
        app("platform-monitoring", Some("platform-root"), SyncStatus::Synced, HealthStatus::Healthy),
        cart,
        order,
        app("grafana", Some("platform-monitoring"), SyncStatus::Synced, HealthStatus::Healthy),
        app("services-frontend", Some("platform-root"), SyncStatus::Synced, HealthStatus::Healthy),
    ];
    s
}

fn render(state: &State, w: u16, h: u16, full: bool, selected: usize) -> Buffer {
    render_pane(draw, state, (w, h), full, true, selected)
}

#[test]
fn summary_and_headline_name_the_problems() {
    let s = fixture();
    assert_eq!(summary(&s), "1/6 Degraded");
    let buf = render(&s, 80, 10, false, 0);
    let head = &lines(&buf)[0];
    assert!(head.contains("6 apps · ▲ 1 OutOfSync · ✖ 1 Degraded · ▲ 1 Progressing"), "{head}");
}

#[test]
fn tree_rows_follow_tree_order_with_guides() {
    let s = fixture();
    let buf = render(&s, 100, 30, true, 0);
    let text = lines(&buf);
    let tree = s.argocd.tree();
    let names: Vec<&str> = tree.iter().map(|(_, a)| a.name.as_str()).collect();
    assert_eq!(names[0], "platform-root");
    assert_eq!(names[1], "services-cart", "problem children first");
    for (i, name) in names.iter().enumerate() {
        // Row i of the table is tree()[i]: the header is line 1, rows start at line 2.
        assert!(text[2 + i].contains(name), "row {i}: {:?}", text[2 + i]);
    }
    let joined = text.join("\n");
    assert!(joined.contains("├─services-cart"), "{joined}");
    assert!(joined.contains("│ └─grafana"), "{joined}");
    assert!(joined.contains("└─services-frontend"), "{joined}");
}

#[test]
fn degraded_is_crit_and_out_of_sync_is_warn() {
    let s = fixture();
    for full in [false, true] {
        let buf = render(&s, 120, 24, full, 0);
        assert_eq!(fg_of(&buf, "Degraded"), fg(Role::Crit), "full={full}");
        assert_eq!(fg_of(&buf, "OutOfSync"), fg(Role::Warn), "full={full}");
    }
}

#[test]
fn full_detail_shows_operation_conditions_and_resources() {
    let s = fixture();
    let tree = s.argocd.tree();
    let cart = tree.iter().position(|(_, a)| a.name == "services-cart").unwrap();
    let buf = render(&s, 120, 30, true, cart);
    let text = lines(&buf).join("\n");
    assert!(text.contains("SyncError: one or more objects failed"), "{text}");
    assert!(text.contains("auto-sync off"), "{text}");
    assert!(text.contains("1a2b3c4"), "{text}");
    let res = text.find("Resources 2").expect("resources listed");
    let dep = text[res..].find("Deployment").unwrap();
    let svc = text[res..].find("Service").unwrap();
    assert!(dep < svc, "out-of-sync resources first: {text}");

    let order = tree.iter().position(|(_, a)| a.name == "services-order").unwrap();
    let buf = render(&s, 120, 30, true, order);
    let text = lines(&buf).join("\n");
    assert!(text.contains("Running: wait"), "{text}");
    assert!(text.contains("Running started 20 s ago · waiting for healthy state"), "{text}");
}

#[test]
fn compact_fits_the_small_overview_cell() {
    let s = fixture();
    let buf = render(&s, 38, 5, false, 0);
    let text = lines(&buf);
    assert!(text[0].contains("6 apps"), "{text:?}");
    assert!(text[1].starts_with("platform-root"), "{text:?}");
    assert!(text[2].contains("OutOfSync"), "{text:?}");
}

#[test]
fn strings_from_argo_are_cleaned() {
    let mut s = fixture();
    s.argocd.apps[2].conditions[0].message = "bad\x1b]0;title\x07".into();
    let buf = render(&s, 120, 30, true, 1);
    let text = lines(&buf).join("");
    assert!(!text.chars().any(|c| c.is_control()), "{text:?}");
}

#[test]
fn guides_handle_deep_and_sibling_rows() {
    let a = app("a", None, SyncStatus::Synced, HealthStatus::Healthy);
    let rows = [(0, &a), (1, &a), (2, &a), (1, &a), (2, &a), (0, &a)];
    assert_eq!(guides(&rows), ["", "├─", "│ └─", "└─", "  └─", ""]);
}

#[test]
fn tiny_areas_and_parent_cycles_never_panic() {
    let mut s = fixture();
    for (w, h) in [(1, 1), (10, 2), (30, 3), (78, 9), (200, 12)] {
        for full in [false, true] {
            render(&s, w, h, full, 99);
        }
    }
    // Apps whose parents form a cycle have no root, so tree() leaves them out.
    s.argocd.apps = vec![
        app("a", Some("b"), SyncStatus::Synced, HealthStatus::Healthy),
        app("b", Some("a"), SyncStatus::Synced, HealthStatus::Healthy),
    ];
    render(&s, 80, 20, true, 1);
}
