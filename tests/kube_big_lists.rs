//! A big pod list against the test API server, through the real kube client: the first list
//! shows page by page with how far it has come ("loading 500 / ~3,000"), each row once; the
//! list's end sends only the rows not sent yet; a relist (410) keeps the rows until it is
//! whole and then sends only what changed; metrics merge into the rows without a replacement.

mod support;

use std::time::Duration;

use flightdeck::sources::kube::{self, Target};
use flightdeck::sources::{self as src};
use flightdeck::state::{Data, Message, State, update};
use flightdeck::ui::panes::pods::summary;
use serde_json::{Value, json};
use support::kube_api::TestServer;

const WAIT: Duration = Duration::from_secs(20);
const PODS: usize = 3_000;

fn pod(i: usize) -> Value {
    json!({
        "metadata": {"name": format!("web-{i:05}"), "namespace": "default", "creationTimestamp": "2026-11-18T13:00:00Z"},
        "spec": {"nodeName": "ip-10-0-1-1", "containers": [{"name": "app", "image": "web:1"}]},
        "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [{"name": "app", "image": "web:1", "imageID": "", "ready": true, "restartCount": 0,
                "state": {"running": {}}}]}
    })
}

async fn next(rx: &mut src::Receiver) -> Message {
    tokio::time::timeout(WAIT, rx.recv()).await.expect("a message within the wait").expect("the source runs")
}

/// The pod data messages until the list is whole: (listed, remaining, rows) of each page, and
/// the list's end (rows sent with it, keys gone).
async fn until_whole(
    state: &mut State,
    rx: &mut src::Receiver,
) -> (Vec<(usize, Option<u64>, usize)>, (usize, usize)) {
    let mut pages = Vec::new();
    loop {
        let msg = next(rx).await;
        let whole = match &msg {
            Message::Data { data: Data::PodsListed { pods, gone, .. }, .. } => Some((pods.len(), gone.len())),
            Message::Data { data: Data::PodsReplace { .. }, .. } => panic!("a replacement of every row"),
            _ => None,
        };
        if let Message::Data { data: Data::PodsLoading { pods, listed, remaining }, .. } = &msg {
            pages.push((*listed, *remaining, pods.len()));
        }
        update(state, msg);
        state.finish_batch();
        if pages.len() == 1 && whole.is_none() && state.pods.len() == 500 {
            assert_eq!(summary(state), "loading 500 / ~3,000", "the title while the list loads");
        }
        if let Some(end) = whole {
            return (pages, end);
        }
    }
}

/// The pods list goes first: no other list before its first page came back, and the metrics
/// (tens of MB at 100,000 pods) only once it is whole.
async fn pods_list_first(server: &TestServer) {
    const METRICS: &str = "/apis/metrics.k8s.io/v1beta1/pods";
    let deadline = tokio::time::Instant::now() + WAIT;
    while !server.requests().iter().any(|r| r.path == METRICS) {
        assert!(tokio::time::Instant::now() < deadline, "metrics are read once the pods are listed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let reads: Vec<(String, bool)> = server
        .requests()
        .into_iter()
        // Collections only (not discovery's /apis/GROUP/VERSION).
        .filter(|r| r.method == "GET" && (r.path.starts_with("/api/v1/") || r.path.split('/').count() >= 5))
        .map(|r| (r.path.clone(), r.is_watch()))
        .collect();
    let pods_pages: Vec<usize> =
        (0..reads.len()).filter(|&i| reads[i] == ("/api/v1/pods".into(), false)).collect();
    assert_eq!(reads[0], ("/api/v1/pods".to_string(), false), "the pods list first: {reads:?}");
    let metrics = reads.iter().position(|r| r.0 == METRICS).unwrap();
    assert!(metrics > pods_pages[2], "metrics after the last pods page: {reads:?}");
}

#[tokio::test]
async fn a_big_list_shows_page_by_page_then_whole_and_a_relist_keeps_the_rows() {
    let server = TestServer::start().await;
    server.set_metrics(false);
    for i in 0..PODS {
        server.put("Pod", pod(i));
    }
    let target = Target { kubeconfig: Some(server.kubeconfig(&["shop-prod"])), context: None, scope: None };
    let conn = kube::connect(&target).await.expect("connect");
    let (tx, mut rx) = src::channel();
    let _guard = kube::spawn(conn, tx);
    let mut state = State::new("shop-prod", 0);

    let (pages, end) = until_whole(&mut state, &mut rx).await;
    // A first page of 500 for rows at once, then pages four times as big.
    assert_eq!(
        pages,
        [(500, Some(2_500), 500), (2_500, Some(500), 2_000)],
        "two pages ahead of the whole list"
    );
    assert_eq!(end, (500, 0), "the end of the list carries only the last page");
    assert_eq!(state.pods.len(), PODS);
    assert_eq!(state.pods.order.len(), PODS, "every row once in the order");
    assert_eq!(summary(&state), "3000 pods");
    let lists = server
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path == "/api/v1/pods" && !r.is_watch())
        .count();
    assert_eq!(lists, 3, "pages of 500, 2,000 and the last 500");
    pods_list_first(&server).await;

    // A relist after the watch expired: no page goes out alone, the rows stay until it is whole.
    server.expire();
    server.delete("Pod", "default", "web-00000");
    server.modify("Pod", "default", "web-00001", |p| p["status"]["phase"] = json!("Pending"));
    let (pages, end) = until_whole(&mut state, &mut rx).await;
    assert!(pages.is_empty(), "a relist shows only when whole: {pages:?}");
    assert_eq!(end, (1, 1), "a relist sends the row that changed and the one gone, no other");
    let changed = state.pods.iter_ordered().find(|p| p.name == "web-00001").expect("the changed row");
    assert_eq!(changed.status_label(), "Pending");
    assert_eq!(state.pods.len(), PODS - 1);
    assert!(state.pods.loading(|_| true).is_none());
}
