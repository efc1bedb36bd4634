//! The sync plan, the hand-off report and the timeline's keys, from the demo world at a fixed
//! seed and time (the cart incident underway): the sync dialog with its plan, the Argo CD
//! detail's Diff tab, the Kubernetes-mode dialog that says why it has no diff, and the report.

use flightdeck::config::{Keymap, Theme};
use flightdeck::domain::command::Command;
use flightdeck::domain::registry::ActionId;
use flightdeck::domain::{Effect, Target};
use flightdeck::headless::export::to_text;
use flightdeck::input::dispatch::dispatch;
use flightdeck::sources::demo::{self, FIXED_EPOCH};
use flightdeck::state::sync_plan::SyncPlan;
use flightdeck::state::view::{Mode, Overlay};
use flightdeck::state::{Message, State, update};
use flightdeck::ui::{Ui, render_to_buffer};

const SEED: u64 = 7;
const AT: u64 = 150;

/// The store and the world behind it, at the same moment.
fn world_and_state() -> (demo::World, State) {
    let (world, msgs) = demo::run_headless(SEED, FIXED_EPOCH, AT);
    let mut state = State::new(demo::CONTEXT, world.now());
    for m in msgs {
        update(&mut state, m);
    }
    update(&mut state, Message::Tick(world.now()));
    state.finish_batch();
    (world, state)
}

fn screen(state: &State, w: u16, h: u16) -> String {
    let (theme, keymap) = (Theme::default_theme(), Keymap::default_keymap());
    to_text(&render_to_buffer(state, &Ui { theme: &theme, keymap: &keymap }, w, h))
}

/// Argo CD full-screen with services-cart selected.
fn on_cart(state: &mut State) {
    dispatch(state, Command::Pane(2));
    let target = Target::App("services-cart".into());
    assert!(flightdeck::state::view::reveal(state, &target, &Default::default()));
}

#[test]
fn the_sync_dialog_shows_what_the_sync_would_change() {
    let (world, mut state) = world_and_state();
    on_cart(&mut state);
    let asked = dispatch(&mut state, Command::Action(ActionId::Sync));
    assert_eq!(asked, Effect::FetchPlan { app: "services-cart".into(), cluster: Default::default() });
    let plan = world.plan("services-cart");
    update(&mut state, Message::SyncPlan { app: "services-cart".into(), cluster: Default::default(), plan });
    state.finish_batch();
    let big = screen(&state, 160, 48);
    assert!(big.contains("1 to change (1 restarts pods)"), "{big}");
    let line = |mark: &str, image: &str| {
        big.lines().any(|l| l.contains(&format!("  {mark}  ")) && l.contains(image))
    };
    assert!(line("-", "shop/cart:2.5.0-rc1"), "the live image on a − line: {big}");
    assert!(line("+", "shop/cart:2.4.3"), "Git's image on a + line: {big}");
    insta::assert_snapshot!("sync_plan_160x48", big);
    insta::assert_snapshot!("sync_plan_80x24", screen(&state, 80, 24));
}

#[test]
fn the_diff_tab_shows_the_whole_plan() {
    let (world, mut state) = world_and_state();
    on_cart(&mut state);
    assert_eq!(
        dispatch(&mut state, Command::AppView),
        Effect::FetchPlan { app: "services-cart".into(), cluster: Default::default() }
    );
    update(
        &mut state,
        Message::SyncPlan {
            app: "services-cart".into(),
            cluster: Default::default(),
            plan: world.plan("services-cart"),
        },
    );
    state.finish_batch();
    insta::assert_snapshot!("sync_plan_diff_tab_160x48", screen(&state, 160, 48));
}

#[test]
fn in_kubernetes_mode_the_dialog_lists_what_is_out_of_sync_and_says_why_there_is_no_diff() {
    let (_, mut state) = world_and_state();
    on_cart(&mut state);
    dispatch(&mut state, Command::Action(ActionId::Sync));
    let reason = flightdeck::app::executor::KUBE_MODE.to_string();
    update(
        &mut state,
        Message::SyncPlan {
            app: "services-cart".into(),
            cluster: Default::default(),
            plan: Ok(SyncPlan::NoDiff { reason }),
        },
    );
    state.finish_batch();
    let text = screen(&state, 160, 48);
    assert!(text.contains("1 resource out of sync"), "{text}");
    assert!(text.contains("~ Deployment storefront/cart"), "{text}");
    assert!(text.contains("No diff: Kubernetes mode"), "{text}");
    insta::assert_snapshot!("sync_plan_kubernetes_mode_80x24", screen(&state, 80, 24));
}

#[test]
fn the_hand_off_from_triage_names_the_problem_its_suspect_and_its_timeline() {
    let (_, mut state) = world_and_state();
    dispatch(&mut state, Command::Triage);
    let Effect::WriteReport(report) = dispatch(&mut state, Command::HandOff) else { panic!("no report") };
    assert!(report.name.starts_with("incident-20261118-140230-"), "{}", report.name);
    let md = &report.markdown;
    let suspects = md.split("## Suspects").nth(1).expect("a suspects section");
    let first = suspects.lines().find(|l| l.starts_with("- ")).unwrap_or("");
    assert!(first.contains("revision 6: image cart:2.4.3 → cart:2.5.0-rc1"), "{md}");
    assert!(
        report.html.contains("<h2>Suspects</h2>") && report.html.contains("cart:2.5.0-rc1"),
        "{}",
        report.html
    );
    insta::assert_snapshot!("handoff_report_md", md);
}

#[test]
fn t_from_triage_opens_the_timeline_around_the_problem_and_esc_goes_back() {
    let (_, mut state) = world_and_state();
    dispatch(&mut state, Command::Triage);
    dispatch(&mut state, Command::Timeline);
    assert_eq!(state.view.mode, Mode::Timeline);
    assert!(state.view.timeline.focus.is_some());
    let text = screen(&state, 160, 48);
    assert!(text.contains("Timeline around HighErrorRate"), "{text}");
    // T again: the whole timeline; Esc: back to triage.
    dispatch(&mut state, Command::Timeline);
    assert!(state.view.timeline.focus.is_none());
    dispatch(&mut state, Command::Back);
    assert_eq!(state.view.mode, Mode::Triage);
    assert_eq!(state.view.overlay, Overlay::None);
}
