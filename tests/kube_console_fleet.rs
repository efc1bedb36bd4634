//! The console in a fleet: two contexts of one kubeconfig, each its own Kubernetes-API test
//! server. A delete, the streams of a `:KIND` list and what the app runs itself reach only the
//! server of the cluster they were asked on, through that cluster's own actor.

mod support;

use std::time::Duration;

use flightdeck::app::audit::AuditLog;
use flightdeck::app::executor::{Backend, Executor};
use flightdeck::app::view_streams::ViewStreams;
use flightdeck::domain::registry::ActionId;
use flightdeck::domain::{ApiKind, ClusterId, ObjectRef, Target};
use flightdeck::sources::{self as src, Clock, kube};
use flightdeck::state::Message;
use support::kube_api::TestServer;

#[tokio::test]
async fn the_consoles_actions_and_streams_reach_only_their_own_clusters_server() {
    let (prod, _) = TestServer::demo(7, 0).await;
    let (dev, _) = TestServer::demo(7, 0).await;
    let kc = prod.kubeconfig_for(&[("shop-prod", &prod, None), ("shop-dev", &dev, None)]);
    let (tx, _rx) = src::channel();
    let mut guards = Vec::new();
    let mut clusters = Vec::new();
    for name in ["shop-prod", "shop-dev"] {
        let target =
            kube::Target { kubeconfig: Some(kc.clone()), context: Some(name.into()), ..Default::default() };
        let (handle, guard) =
            kube::start(kube::resolve(&target).unwrap(), tx.for_cluster(ClusterId::new(name)));
        guards.push(guard);
        clusters.push((name.to_string(), Backend::Kube(handle), None));
    }
    let (results_tx, mut results) = tokio::sync::mpsc::channel(8);
    let executor = Executor::for_fleet(clusters, AuditLog::new(None), results_tx, Clock::Wall);

    // A delete asked on a shop-dev row: kubectl's DELETE on shop-dev's server only.
    let cm = ObjectRef::new(
        ApiKind::new("", "v1", "ConfigMap", "configmaps", true),
        Some("storefront".into()),
        "cart-config",
    );
    executor.run(ActionId::DeleteObject, Target::Object(cm), "shop-dev".into());
    let done = tokio::time::timeout(Duration::from_secs(10), results.recv()).await.unwrap().unwrap();
    let Message::ActionDone { outcome, .. } = done else { panic!("{done:?}") };
    assert!(outcome.result.is_ok(), "{outcome:?}");
    assert_eq!(dev.requests_to("DELETE", "/configmaps/cart-config").len(), 1);
    assert!(prod.requests_to("DELETE", "/configmaps/cart-config").is_empty());
    assert!(prod.get("ConfigMap", "storefront", "cart-config").is_some());

    // What the app runs itself (a shell, the editor's read) takes the context's own handle.
    assert!(executor.kube_for("shop-dev").is_some() && executor.kube_for("shop-stage").is_none());

    // A `:KIND` list opened in shop-prod: its Table-form list and watch go to shop-prod only.
    let mut views = ViewStreams::new(tx.clone());
    views.table(
        1,
        ApiKind::new("", "v1", "Service", "services", true),
        None,
        executor.backend_for("shop-prod"),
    );
    prod.wait_until("the services watched", |s| {
        s.requests_to("GET", "/services")
            .iter()
            .any(|r| r.is_watch() && r.header("accept").contains("as=Table"))
    })
    .await;
    let table = |s: &TestServer| {
        s.requests_to("GET", "/services")
            .into_iter()
            .filter(|r| r.header("accept").contains("as=Table"))
            .count()
    };
    assert_eq!(table(&dev), 0, "nothing of the list reached shop-dev");
    // A context the fleet does not watch has no backend: nothing is asked of anyone.
    assert!(matches!(executor.backend_for("shop-stage"), Backend::None));
    drop(views);
}
