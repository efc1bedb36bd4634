//! The Pods, Scaling and Infrastructure panes fed by the Kubernetes sources from the test API
//! server holding the demo world (fixed seed and time), as text snapshots.

mod support;

use std::time::Duration;

use flightdeck::config::{Keymap, Theme};
use flightdeck::headless::export::to_text;
use flightdeck::headless::snapshot::PaneArg;
use flightdeck::headless::snapshot::show;
use flightdeck::sources::demo::{FIXED_EPOCH, run_headless};
use flightdeck::sources::{self as src, kube};
use flightdeck::state::{Message, State, update};
use flightdeck::ui::{Ui, render_to_buffer};
use support::kube_api::TestServer;

const AT: u64 = 150;

async fn state_from_server() -> State {
    let server = TestServer::demo_at(7, FIXED_EPOCH, AT).await;
    let target =
        kube::Target { kubeconfig: Some(server.kubeconfig(&["shop-prod"])), ..kube::Target::default() };
    let (tx, mut rx) = src::channel();
    let _guard = kube::spawn(kube::connect(&target).await.unwrap(), tx);
    let mut state = State::new("shop-prod", 0);
    let n = server.list("Pod").len();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        state.finish_batch();
        let done = state.pods.len() == n
            && state.pods.by_key.values().any(|p| p.cpu_milli.is_some())
            && !state.infra.nodes.is_empty()
            && !state.scaling.hpas.is_empty()
            && !state.events.is_empty();
        if done {
            break;
        }
        let m = tokio::time::timeout_at(deadline, rx.recv()).await.expect("all data in time").unwrap();
        update(&mut state, m);
    }
    // The world's present, and every source fresh as of it, so the picture does not depend on
    // today's date.
    let (world, _) = run_headless(7, FIXED_EPOCH, AT);
    update(&mut state, Message::Tick(world.now()));
    for e in state.sources.values_mut() {
        e.health.last_success = Some(world.now());
    }
    state.finish_batch();
    state
}

fn screen(state: &State, pane: PaneArg) -> String {
    let mut state = state.clone();
    show(&mut state, pane);
    let (theme, keymap) = (Theme::default_theme(), Keymap::default_keymap());
    to_text(&render_to_buffer(&state, &Ui { theme: &theme, keymap: &keymap }, 160, 48))
}

#[tokio::test]
async fn panes_fed_from_the_api_server() {
    let state = state_from_server().await;
    insta::assert_snapshot!("pods_from_api_160x48", screen(&state, PaneArg::Pods));
    insta::assert_snapshot!("scaling_from_api_160x48", screen(&state, PaneArg::Scaling));
    insta::assert_snapshot!("infrastructure_from_api_160x48", screen(&state, PaneArg::Infrastructure));
}
