//! `:ctx` completion reads the kubeconfig as kubectl does: KUBECONFIG naming two files, merged.
//! A context only the second file holds is offered by prefix and switching to it reaches its
//! own test server. Alone in its binary: it sets KUBECONFIG for the whole process.

mod support;

use std::time::Duration;

use crossterm::event::KeyCode;
use flightdeck::app::switch::KubeSwitcher;
use flightdeck::domain::{Command, Effect};
use flightdeck::input::switch::Switch;
use flightdeck::sources::{self as src, kube};
use flightdeck::state::State;
use support::kube_api::TestServer;

#[tokio::test]
async fn ctx_completes_contexts_of_every_kubeconfig_file_and_switches_to_one() {
    let (prod, _) = TestServer::demo(7, 0).await;
    let dev = TestServer::start().await;
    let mut pod = prod.list("Pod").into_iter().find(|p| p["metadata"]["namespace"] == "storefront").unwrap();
    pod["metadata"]["name"] = serde_json::json!("dev-only-pod");
    dev.put("Pod", pod);
    let first = prod.kubeconfig_for(&[("shop-prod", &prod, None)]);
    // Each file names its cluster c0; kubectl keeps the first file's entry of a name, so the
    // second file's cluster gets a name of its own, as two real files would have.
    let second = dev.kubeconfig_for(&[("shop-dev", &dev, None)]);
    let text = std::fs::read_to_string(&second).unwrap().replace("c0", "d0").replace("tester", "dev-tester");
    std::fs::write(&second, text).unwrap();
    let joined = std::env::join_paths([&first, &second]).unwrap();
    // SAFETY: the only test of this binary, set before any thread reads the environment.
    unsafe { std::env::set_var("KUBECONFIG", joined) };

    let contexts = flightdeck::app::startup::kube_contexts(false, None);
    assert_eq!(contexts, ["shop-prod", "shop-dev"]);

    let target = kube::Target::default();
    let resolved = kube::resolve(&target).unwrap();
    assert_eq!(resolved.context, "shop-prod", "the first file's current context");
    let (tx, mut rx) = src::channel();
    let (_, guard) = kube::start(resolved, tx.clone());
    let mut switcher = KubeSwitcher { tx, target, guard: Some(guard), argocd: None, alertmanager: None };
    let mut state = State::new("shop-prod", 0);
    state.kube_contexts = contexts;

    flightdeck::input::dispatch::dispatch(&mut state, Command::Palette);
    flightdeck::input::keys::type_text(&mut state, "ctx shop-d", Some(KeyCode::Tab));
    let effect = flightdeck::input::keys::type_text(&mut state, "", Some(KeyCode::Enter));
    assert_eq!(effect, Effect::SwitchContext("shop-dev".into()));

    let Effect::SwitchContext(name) = effect else { unreachable!() };
    switcher.switch(Switch::Context(name), &mut state, &mut rx).await.expect("switched");
    assert_eq!(state.context, "shop-dev");
    assert_eq!(state.kube_contexts, ["shop-prod", "shop-dev"], "read again on the switch");
    support::store::until(
        &mut state,
        &mut rx,
        Duration::from_secs(20),
        "the dev pod",
        |s| s.pods.by_key.keys().any(|k| k.name == "dev-only-pod"),
        |_| String::new(),
    )
    .await;
    assert!(dev.requests().iter().any(|r| r.path.ends_with("/pods")), "the dev server was asked");
}
