//! Switching context and namespaces at run time against two test API servers: the panes are
//! cleared and refilled from the new context, with no row of the old one left behind, and
//! actions go to the new cluster.

mod support;

use std::time::Duration;

use flightdeck::app::executor::Backend;
use flightdeck::app::switch::KubeSwitcher;
use flightdeck::input::switch::{Switch, parse};
use flightdeck::sources::{self as src, kube};
use flightdeck::state::{State, update};
use support::kube_api::TestServer;

async fn until(state: &mut State, rx: &mut src::Receiver, what: &str, cond: impl Fn(&State) -> bool) {
    support::store::until(state, rx, Duration::from_secs(20), what, cond, |_| String::new()).await;
}

#[tokio::test]
async fn context_and_namespace_switches_clear_and_refill() {
    let (prod, _) = TestServer::demo(7, 0).await;
    let dev = TestServer::start().await;
    let mut pod = prod.list("Pod").into_iter().find(|p| p["metadata"]["namespace"] == "storefront").unwrap();
    pod["metadata"]["name"] = serde_json::json!("dev-only-pod");
    dev.put("Pod", pod);
    let kubeconfig =
        prod.kubeconfig_for(&[("shop-prod", &prod, None), ("shop-dev", &dev, Some("storefront"))]);
    let target = kube::Target { kubeconfig: Some(kubeconfig), ..kube::Target::default() };
    let resolved = kube::resolve(&target).unwrap();
    assert_eq!((resolved.context.as_str(), &resolved.scope), ("shop-prod", &flightdeck::domain::Scope::All));
    let (tx, mut rx) = src::channel();
    let (_, guard) = kube::start(resolved, tx.clone());
    let mut switcher = KubeSwitcher { tx, target, guard: Some(guard), argocd: None, alertmanager: None };
    let mut state = State::new("shop-prod", 0);
    let n = prod.list("Pod").len();
    until(&mut state, &mut rx, "prod pods and nodes", |s| s.pods.len() == n && !s.infra.nodes.is_empty())
        .await;

    let Some(Switch::Context(ctx)) = parse(":ctx shop-dev") else { panic!() };
    let backend = switcher.switch(Switch::Context(ctx), &mut state, &mut rx).await;
    assert!(matches!(backend, Some(Backend::Kube(_))));
    assert_eq!(state.context, "shop-dev");
    assert!(state.pods.is_empty() && state.infra.nodes.is_empty() && state.scaling.hpas.is_empty());
    until(&mut state, &mut rx, "the dev pod", |s| s.pods.len() == 1).await;
    // Nothing from prod comes back later: its watches are closed, and what it sent before is
    // drained here.
    prod.wait_until("prod's watches closed", |s| s.open_watches() == 0).await;
    while let Ok(m) = rx.try_recv() {
        update(&mut state, m);
    }
    state.finish_batch();
    assert_eq!(state.pods.by_key.keys().map(|k| k.name.as_str()).collect::<Vec<_>>(), ["dev-only-pod"]);
    assert!(state.infra.nodes.is_empty(), "the dev server has no nodes");
    // The dev context's namespace applied: only storefront was asked for.
    assert!(dev.requests().iter().any(|r| r.path == "/api/v1/namespaces/storefront/pods"));

    // Back to prod, one namespace only.
    switcher.switch(Switch::Context("shop-prod".into()), &mut state, &mut rx).await.unwrap();
    switcher.switch(parse(":ns monitoring").unwrap(), &mut state, &mut rx).await.unwrap();
    let monitoring = prod.list("Pod").iter().filter(|p| p["metadata"]["namespace"] == "monitoring").count();
    until(&mut state, &mut rx, "monitoring pods", |s| s.pods.len() == monitoring).await;
    assert!(state.pods.by_key.keys().all(|k| k.namespace == "monitoring"));
    switcher.switch(parse(":ns all").unwrap(), &mut state, &mut rx).await.unwrap();
    until(&mut state, &mut rx, "all prod pods again", |s| s.pods.len() == n).await;

    // An unknown context is refused and the current one kept.
    assert!(switcher.switch(Switch::Context("nope".into()), &mut state, &mut rx).await.is_none());
    assert_eq!(state.context, "shop-prod");
    assert!(state.view.status.as_ref().unwrap().text.contains("no context \"nope\""));
    assert_eq!(state.pods.len(), n);
}
