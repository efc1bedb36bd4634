//! The Argo CD pane's detail tabs (resources, sync history, YAML scrolled) and the sync
//! confirmation with its prune / dry-run toggles, as text snapshots at 80×24 and 160×48, from
//! the demo world at the snapshots' seed and moment.

use flightdeck::config::{Keymap, Theme};
use flightdeck::domain::Effect;
use flightdeck::domain::Target;
use flightdeck::domain::command::Command;
use flightdeck::domain::registry::ActionId;
use flightdeck::headless::export::to_text;
use flightdeck::headless::snapshot::PaneArg;
use flightdeck::headless::snapshot::show;
use flightdeck::input::dispatch::dispatch;
use flightdeck::sources::demo::state_at;
use flightdeck::state::State;
use flightdeck::state::view::AppTab;
use flightdeck::ui::{Ui, render_to_buffer};

fn render(state: &State, w: u16, h: u16) -> String {
    let theme = Theme::default_theme();
    let keymap = Keymap::default_keymap();
    to_text(&render_to_buffer(state, &Ui { theme: &theme, keymap: &keymap }, w, h))
}

/// The Argo CD pane full-screen with services-cart (the incident's app) selected.
fn cart_selected() -> State {
    let mut state = state_at(7, 150);
    show(&mut state, PaneArg::Argocd);
    let at = state.argocd.tree().iter().position(|(_, a)| a.name == "services-cart").unwrap();
    for _ in 0..at {
        dispatch(&mut state, Command::Down);
    }
    state
}

#[test]
fn detail_history_tab() {
    let mut state = cart_selected();
    dispatch(&mut state, Command::AppView);
    dispatch(&mut state, Command::AppView);
    assert_eq!(state.view.app_detail.tab, AppTab::History);
    let big = render(&state, 160, 48);
    assert!(big.contains("REVISION"), "{big}");
    assert!(big.contains("alice"), "{big}");
    insta::assert_snapshot!("argocd_history_80x24", render(&state, 80, 24));
    insta::assert_snapshot!("argocd_history_160x48", big);
}

#[test]
fn detail_yaml_tab_scrolls() {
    let mut state = cart_selected();
    for _ in 0..3 {
        dispatch(&mut state, Command::AppView);
    }
    assert_eq!(state.view.app_detail.tab, AppTab::Yaml);
    let top = render(&state, 160, 48);
    assert!(top.contains("apiVersion: argoproj.io/v1alpha1"), "{top}");
    insta::assert_snapshot!("argocd_yaml_160x48", top);
    dispatch(&mut state, Command::AppScrollDown);
    let scrolled = render(&state, 160, 48);
    assert!(!scrolled.contains("apiVersion: argoproj.io/v1alpha1"), "{scrolled}");
    insta::assert_snapshot!("argocd_yaml_scrolled_80x24", render(&state, 80, 24));
    // Scrolling past the end stops at the last page; up comes back to the top.
    for _ in 0..100 {
        dispatch(&mut state, Command::AppScrollDown);
    }
    let end = render(&state, 160, 48);
    let manifest = &state.argocd.get(&Default::default(), "services-cart").unwrap().manifest;
    let last = manifest.lines().last().unwrap().trim();
    assert!(end.contains(last), "{last:?} not on the last page: {end}");
    assert!(!end.contains("apiVersion"), "{end}");
    for _ in 0..200 {
        dispatch(&mut state, Command::AppScrollUp);
    }
    assert_eq!(render(&state, 160, 48), top);
}

#[test]
fn sync_confirmation_toggles_prune_and_dry_run() {
    let mut state = cart_selected();
    dispatch(&mut state, Command::Action(ActionId::Sync));
    let plain = render(&state, 80, 24);
    assert!(plain.contains("[ ]  p  prune"), "{plain}");
    dispatch(&mut state, Command::TogglePrune);
    dispatch(&mut state, Command::ToggleDryRun);
    let both = render(&state, 80, 24);
    assert!(both.contains("services-cart (prune, dry run)"), "{both}");
    insta::assert_snapshot!("argocd_confirm_sync_options_80x24", both);
    insta::assert_snapshot!("argocd_confirm_sync_options_160x48", render(&state, 160, 48));
    dispatch(&mut state, Command::ToggleDryRun);
    let effect = dispatch(&mut state, Command::Confirm);
    let want = Target::AppSync { name: "services-cart".into(), prune: true, dry_run: false };
    assert_eq!(effect, Effect::Run { action: ActionId::Sync, target: want, context: "shop-prod".into() });
}

#[test]
fn argo_cd_not_installed_and_unauthorized_are_said_in_the_pane() {
    use flightdeck::domain::SourceId;
    use flightdeck::state::{Message, update};
    for (error, name) in [
        (flightdeck::sources::argocd::NOT_INSTALLED, "argocd_not_installed_80x24"),
        ("Argo CD: unauthorized", "argocd_unauthorized_80x24"),
    ] {
        let mut state = State::new("shop-prod", 1_763_474_400_000);
        let now = state.now;
        update(&mut state, flightdeck::sources::argocd::register());
        update(
            &mut state,
            Message::Failed { source: "argocd".parse::<SourceId>().unwrap(), at: now, error: error.into() },
        );
        state.finish_batch();
        show(&mut state, PaneArg::Argocd);
        let text = render(&state, 80, 24);
        assert!(text.contains(error), "{text}");
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn detail_tree_tab() {
    use flightdeck::state::argocd::{HealthStatus, TreeNode};
    let mut state = cart_selected();
    assert_eq!(
        dispatch(&mut state, Command::AppView),
        Effect::FetchTree { app: "services-cart".into(), cluster: Default::default() }
    );
    // Before (or without) the server's tree: the cart Deployment's pods from the Pods pane.
    let derived = render(&state, 160, 48);
    assert!(derived.contains("Pods from the Pods pane"), "{derived}");
    assert!(derived.contains("└─Pod"), "{derived}");
    insta::assert_snapshot!("argocd_tree_from_pods_160x48", derived);
    let node = |kind: &str, name: &str, health: Option<HealthStatus>, parent: Option<&str>| TreeNode {
        kind: kind.into(),
        namespace: "storefront".into(),
        name: name.into(),
        health,
        parent: parent.map(str::to_string),
    };
    let nodes = vec![
        node("Pod", "cart-7f9c-x2x8q", Some(HealthStatus::Degraded), Some("ReplicaSet/storefront/cart-7f9c")),
        node("Deployment", "cart", Some(HealthStatus::Degraded), None),
        node("ReplicaSet", "cart-7f9c", Some(HealthStatus::Progressing), Some("Deployment/storefront/cart")),
        node("ReplicaSet", "cart-5d4b", Some(HealthStatus::Healthy), Some("Deployment/storefront/cart")),
        node("Service", "cart", Some(HealthStatus::Healthy), None),
        node("ConfigMap", "cart-config", None, None),
    ];
    state.argocd.trees.insert((Default::default(), "services-cart".into()), nodes);
    let small = render(&state, 80, 24);
    let text = render(&state, 160, 48);
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s} missing: {text}"));
    // Children under their parents, depth first.
    assert!(at("Deployment") < at("├─ReplicaSet") && at("├─ReplicaSet") < at("│ └─Pod"), "{text}");
    assert!(at("│ └─Pod") < at("└─ReplicaSet"), "{text}");
    // The guides live inside the kind column: every name starts in the same column.
    let starts: std::collections::BTreeSet<usize> =
        text.lines().filter_map(|l| l.find("storefront/").map(|i| l[..i].chars().count())).collect();
    assert_eq!(starts.len(), 1, "{text}");
    insta::assert_snapshot!("argocd_tree_80x24", small);
    insta::assert_snapshot!("argocd_tree_160x48", text);
}
