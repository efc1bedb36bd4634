//! A fleet on screen: the demo's two clusters (shop-prod in production, shop-dev not) watched
//! at once. The fleet screen, every pane with its cluster column, triage across both with
//! production first, one cluster opened alone, and safety by the cluster of the row acted on.

use crossterm::event::KeyCode::Enter;
use flightdeck::config::{Keymap, Theme};
use flightdeck::domain::Effect;
use flightdeck::domain::command::Command;
use flightdeck::domain::registry::ActionId;
use flightdeck::headless::export::to_text;
use flightdeck::headless::snapshot::{PaneArg, show};
use flightdeck::input::dispatch::dispatch;
use flightdeck::input::keys::type_text;
use flightdeck::sources::demo::fleet_state_at;
use flightdeck::state::fleet_summary::{Freshness, fleet_rows};
use flightdeck::state::view::{Mode, Overlay, PromptKind};
use flightdeck::state::{Level, Message, PaneId, State, update};
use flightdeck::ui::{Ui, render_to_buffer};

const SEED: u64 = 7;
/// Both incidents are underway: shop-dev's stuck rollout and shop-prod's cart.
const AT: u64 = 150;

fn render(state: &State, w: u16, h: u16) -> String {
    let theme = Theme::default_theme();
    let keymap = Keymap::default_keymap();
    to_text(&render_to_buffer(state, &Ui { theme: &theme, keymap: &keymap }, w, h))
}

fn screen(pane: PaneArg, w: u16, h: u16) -> String {
    let mut state = fleet_state_at(SEED, AT);
    show(&mut state, pane);
    render(&state, w, h)
}

#[test]
fn the_fleet_screen_lists_each_cluster_worst_first() {
    let state = fleet_state_at(SEED, AT);
    let rows = fleet_rows(&state);
    let names: Vec<&str> = rows.iter().map(|r| r.cluster.as_str()).collect();
    assert_eq!(names, ["shop-prod", "shop-dev"], "prod's critical cart incident ranks it first");
    let (prod, dev) = (&rows[0], &rows[1]);
    assert!(prod.critical > 0 && prod.pods_failing > 0, "{prod:?}");
    assert!(dev.critical < prod.critical, "shop-dev's one stuck pod against prod's incident: {dev:?}");
    assert!(dev.pods_not_ready + dev.pods_failing > 0 && dev.alerts_firing > 0, "{dev:?}");
    assert!(prod.cost_mtd.is_some() && dev.cost_mtd.is_none(), "the bill is shop-prod's account's");
    assert!(rows.iter().all(|r| matches!(r.freshness, Freshness::Live { .. })));
    for (w, h) in [(80, 24), (160, 48)] {
        let text = screen(PaneArg::Fleet, w, h);
        assert!(text.contains("Fleet 2 clusters") && text.contains("shop-dev"), "{text}");
        insta::assert_snapshot!(format!("fleet_{w}x{h}"), text);
    }
}

#[test]
fn every_cluster_at_once_has_a_cluster_column_and_summed_counts() {
    let text = screen(PaneArg::Pods, 160, 48);
    assert!(text.contains("CLUSTER") && text.contains("shop-dev") && text.contains("shop-prod"), "{text}");
    insta::assert_snapshot!("fleet_pods_160x48", text);
    insta::assert_snapshot!("fleet_overview_160x48", screen(PaneArg::Overview, 160, 48));
    // The alerts of both clusters, each saying which it is on.
    let alerts = screen(PaneArg::Alerts, 160, 48);
    let on = |cluster: &str| alerts.lines().any(|l| l.contains(cluster) && l.contains("Kube"));
    assert!(alerts.contains("CLUSTER") && on("shop-dev") && on("shop-prod"), "{alerts}");
    insta::assert_snapshot!("fleet_alerts_160x48", alerts);
    insta::assert_snapshot!("fleet_triage_160x48", screen(PaneArg::Triage, 160, 48));
    let state = fleet_state_at(SEED, AT);
    let all = state.pods.by_key.len();
    let prod = state.pods.by_key.keys().filter(|k| k.cluster.as_str() == "shop-prod").count();
    assert!(prod > 0 && prod < all);
    assert!(text.contains(&format!("{all} pods")), "the title counts both clusters' pods: {text}");
}

#[test]
fn triage_tags_each_problem_with_its_cluster_and_ranks_production_first() {
    let state = fleet_state_at(SEED, AT);
    let problems = &state.triage.problems;
    assert!(problems.iter().any(|p| p.cluster.as_str() == "shop-dev"));
    assert!(problems.iter().all(|p| !p.cluster.is_empty() || p.category.label() == "cost"), "{problems:#?}");
    // At each level, every shop-prod problem comes before any shop-dev one.
    for level in [Level::Crit, Level::Warn] {
        let at: Vec<&str> =
            problems.iter().filter(|p| p.level == level).map(|p| p.cluster.as_str()).collect();
        let first_dev = at.iter().position(|c| *c == "shop-dev").unwrap_or(at.len());
        assert!(at[first_dev..].iter().all(|c| *c != "shop-prod"), "{level:?}: {at:?}");
    }
    // Links never cross clusters: each link names a row of the problem's own cluster.
    for p in problems.iter().filter(|p| p.cluster.as_str() == "shop-dev") {
        for l in &p.links {
            assert!(!l.name.contains("cart-"), "a shop-dev problem links shop-prod's cart: {p:#?}");
        }
    }
}

#[test]
fn opening_one_cluster_shows_it_alone_without_a_cluster_column() {
    let mut state = fleet_state_at(SEED, AT);
    state.view.mode = Mode::Fleet;
    dispatch(&mut state, Command::Down);
    dispatch(&mut state, Command::Open);
    assert_eq!((state.view.mode, state.context.as_str()), (Mode::Overview, "shop-dev"));
    dispatch(&mut state, Command::Pane(3));
    let text = render(&state, 160, 48);
    assert!(!text.contains("CLUSTER") && !text.contains("cart-"), "{text}");
    assert!(!text.contains("PRODUCTION"), "shop-dev is not production: {text}");
    insta::assert_snapshot!("fleet_dev_pods_160x48", text);
}

#[test]
fn safety_follows_the_cluster_of_the_row_acted_on() {
    let mut state = fleet_state_at(SEED, AT);
    // A shop-dev pod: a plain yes, and the dialog names shop-dev.
    dispatch(&mut state, Command::Pane(3));
    dispatch(&mut state, Command::Filter);
    type_text(&mut state, "cluster=shop-dev", Some(Enter));
    dispatch(&mut state, Command::Action(ActionId::DeletePod));
    let Overlay::Confirm(p) = &state.view.overlay else { panic!("{:?}", state.view.overlay) };
    assert_eq!((p.cluster.as_str(), p.context.as_str()), ("shop-dev", "shop-dev"));
    let text = render(&state, 80, 24);
    assert!(text.contains("shop-dev") && !text.contains("(production)"), "{text}");
    let run = dispatch(&mut state, Command::Confirm);
    assert!(matches!(run, Effect::Run { ref context, .. } if context == "shop-dev"), "{run:?}");
    // A shop-prod pod: its name is typed, and the action goes to shop-prod.
    state.view.set_filter(PaneId::Pods, Some("cluster=shop-prod".into()));
    dispatch(&mut state, Command::Action(ActionId::DeletePod));
    let Overlay::Prompt(pr) = &state.view.overlay else {
        panic!("{:?} {:?}", state.view.overlay, state.view.status)
    };
    let PromptKind::TypeName(p) = &pr.kind else { panic!("{:?}", pr.kind) };
    assert_eq!(p.cluster.as_str(), "shop-prod");
    let name = p.target.name().to_string();
    let run = type_text(&mut state, &name, Some(Enter));
    assert!(matches!(run, Effect::Run { ref context, .. } if context == "shop-prod"), "{run:?}");
}

#[test]
fn a_problem_landing_above_the_selection_is_said() {
    let mut state = fleet_state_at(SEED, AT);
    dispatch(&mut state, Command::Triage);
    dispatch(&mut state, Command::Bottom);
    let chosen = flightdeck::state::view::selected_problem(&state).unwrap().key.clone();
    assert!(!render(&state, 160, 48).contains("new critical above"));
    // shop-dev's Kubernetes source fails: a critical problem lands above the selection.
    let source =
        state.sources.keys().find(|id| id.cluster.as_ref().is_some_and(|c| c.as_str() == "shop-dev"));
    let source = source.cloned().unwrap();
    let at = state.now;
    update(&mut state, Message::Failed { source, at, error: "connection refused".into() });
    state.finish_batch();
    assert_eq!(flightdeck::state::view::selected_problem(&state).unwrap().key, chosen, "the selection stays");
    let text = render(&state, 160, 48);
    assert!(text.contains("1 new critical above"), "{text}");
    // Moving the selection takes in what is above it now.
    dispatch(&mut state, Command::Up);
    assert!(!render(&state, 160, 48).contains("new critical above"));
}

#[test]
fn one_cluster_failing_holds_the_other_back_in_nothing() {
    let mut state = fleet_state_at(SEED, AT);
    let dev: Vec<_> = state
        .sources
        .keys()
        .filter(|id| id.cluster.as_ref().is_some_and(|c| c.as_str() == "shop-dev"))
        .cloned()
        .collect();
    let pods_before = state.pods.by_key.len();
    let at = state.now;
    for source in dev {
        update(&mut state, Message::Failed { source, at, error: "HTTP 403 Forbidden".into() });
    }
    state.finish_batch();
    let rows = fleet_rows(&state);
    let dev = rows.iter().find(|r| r.cluster.as_str() == "shop-dev").unwrap();
    let prod = rows.iter().find(|r| r.cluster.as_str() == "shop-prod").unwrap();
    assert!(matches!(&dev.freshness, Freshness::Error { error, .. } if error.contains("403")), "{dev:?}");
    assert!(matches!(prod.freshness, Freshness::Live { .. }), "{prod:?}");
    assert_eq!(state.pods.by_key.len(), pods_before, "shop-dev's rows stay, marked in error");
    let text = screen_of(&mut state, PaneArg::Fleet);
    assert!(text.contains("403"), "{text}");
}

fn screen_of(state: &mut State, pane: PaneArg) -> String {
    show(state, pane);
    render(state, 160, 48)
}
