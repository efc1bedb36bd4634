//! The pod detail view against the test API server through the real kube client: opening it
//! reads the whole pod (containers with state and last state, conditions) and its events, a
//! change to the pod reaches the open view, a pod that is not there says so, and a fault on its
//! watch is named, costs few requests and clears.

mod support;

use std::time::Duration;

use flightdeck::domain::Effect;
use flightdeck::domain::PodKey;
use flightdeck::domain::StreamStart;
use flightdeck::input::pod_keys;
use flightdeck::sources::backoff::Policy;
use flightdeck::sources::kube::{self, Target};
use flightdeck::sources::{self as src, TaskGuard};
use flightdeck::state::State;
use flightdeck::state::pod_detail::ContainerState;
use flightdeck::state::view::pod::PodScreen;
use serde_json::{Value, json};
use support::kube_api::{FaultKind, TestServer};

const WAIT: Duration = Duration::from_secs(20);

struct Open {
    state: State,
    rx: src::Receiver,
    _guard: TaskGuard,
}

/// Open `key` as Enter on it would, and run the stream the effect asks for.
async fn open(server: &TestServer, key: PodKey) -> Open {
    open_with(server, key, Policy::WATCH).await
}

async fn open_with(server: &TestServer, key: PodKey, backoff: Policy) -> Open {
    let target = Target { kubeconfig: Some(server.kubeconfig(&["shop-prod"])), context: None, scope: None };
    let mut conn = kube::connect(&target).await.expect("connect");
    conn.backoff = backoff;
    let mut state = State::new("shop-prod", flightdeck::sources::wall_now());
    let Effect::Stream(StreamStart::Watch { stream, key }) =
        pod_keys::open(&mut state, key, PodScreen::Describe)
    else {
        panic!("opening a pod starts its watch")
    };
    let (tx, rx) = src::channel();
    let guard = TaskGuard(tokio::spawn(kube::pod_watch::run(conn, key, stream, tx)));
    Open { state, rx, _guard: guard }
}

impl Open {
    async fn until(&mut self, what: &str, cond: impl Fn(&State) -> bool) {
        support::store::until(&mut self.state, &mut self.rx, WAIT, what, cond, |s: &State| {
            format!("pod data: {:#?}", s.pod_data)
        })
        .await;
    }
}

fn crashlooping(server: &TestServer) -> Value {
    server
        .list("Pod")
        .into_iter()
        .find(|p| {
            let c = &p["status"]["containerStatuses"][0];
            c["state"]["waiting"]["reason"] == "CrashLoopBackOff" && c["restartCount"].as_u64() > Some(0)
        })
        .expect("the demo at 240 s has a cart pod that crashed more than once")
}

fn key_of(p: &Value) -> PodKey {
    PodKey::new(p["metadata"]["namespace"].as_str().unwrap(), p["metadata"]["name"].as_str().unwrap())
}

#[tokio::test]
async fn opening_a_pod_shows_its_containers_last_state_conditions_and_events() {
    let (server, _) = TestServer::demo(7, 240).await;
    let pod = crashlooping(&server);
    let key = key_of(&pod);
    let other = server.list("Pod").into_iter().map(|p| key_of(&p)).find(|k| *k != key).unwrap();
    // An event of this pod, and one of another pod that must not show.
    for (k, reason) in [(&key, "BackOff"), (&other, "Pulled")] {
        server.put(
            "Event",
            json!({"metadata": {"name": format!("{}.1", k.name), "namespace": k.namespace},
                "involvedObject": {"kind": "Pod", "name": k.name, "namespace": k.namespace},
                "type": "Warning", "reason": reason, "message": format!("{reason} for {}", k.name), "count": 7,
                "lastTimestamp": "2026-11-18T14:02:00Z"}),
        );
    }
    let mut open = open(&server, key.clone()).await;
    open.until("the pod's detail and events", |s| {
        s.pod_data.detail.is_some() && !s.pod_data.events.is_empty()
    })
    .await;
    let d = open.state.pod_data.detail.as_ref().unwrap();
    assert_eq!(d.key, key);
    assert_eq!(d.reason.as_deref(), Some("CrashLoopBackOff"));
    let c = &d.containers[0];
    assert!(
        matches!(&c.state, ContainerState::Waiting { reason, .. } if reason == "CrashLoopBackOff"),
        "{c:?}"
    );
    assert!(
        matches!(&c.last_state, Some(ContainerState::Terminated { exit_code: 1, reason, .. }) if reason == "Error"),
        "{c:?}"
    );
    assert!(c.restarts > 0);
    let ready = d.conditions.iter().find(|c| c.kind == "Ready").expect("a Ready condition");
    assert_eq!(ready.status, "False");
    let events = &open.state.pod_data.events;
    assert!(events.iter().any(|e| e.reason == "BackOff" && e.count == 7), "{events:?}");
    assert!(events.iter().all(|e| e.object.ends_with(key.name.as_str())), "another pod's event: {events:?}");
    assert!(d.yaml.contains(&format!("name: {}", key.name)) && !d.yaml.contains("managedFields"));
    // The watch asked for this one pod, in its namespace.
    let watched = server.requests_to("GET", &format!("/namespaces/{}/pods", key.namespace));
    assert!(
        watched.iter().any(|r| r.query.contains(&format!("fieldSelector=metadata.name%3D{}", key.name))),
        "{watched:?}"
    );
    // The screen shows it.
    let text = screen(&open.state);
    assert!(
        text.contains("CrashLoopBackOff") && text.contains("Last State") && text.contains("BackOff ×7"),
        "{text}"
    );
}

#[tokio::test]
async fn a_change_to_the_open_pod_reaches_the_view() {
    let (server, _) = TestServer::demo(7, 240).await;
    let pod = crashlooping(&server);
    let key = key_of(&pod);
    let mut open = open(&server, key.clone()).await;
    open.until("the pod's detail", |s| s.pod_data.detail.is_some()).await;
    // The kubelet restarts it and it comes up: state Running, Ready True.
    server.modify("Pod", &key.namespace, &key.name, |p| {
        p["status"]["containerStatuses"][0]["state"] =
            json!({"running": {"startedAt": "2026-11-18T14:05:00Z"}});
        p["status"]["containerStatuses"][0]["ready"] = json!(true);
        p["status"]["containerStatuses"][0]["restartCount"] = json!(42);
    });
    open.until("the modified pod", |s| {
        s.pod_data.detail.as_ref().is_some_and(|d| d.containers[0].restarts == 42)
    })
    .await;
    let c = &open.state.pod_data.detail.as_ref().unwrap().containers[0];
    assert!(matches!(c.state, ContainerState::Running { .. }) && c.ready, "{c:?}");
    // Deleted while open: the view says so and keeps what it last showed.
    server.delete("Pod", &key.namespace, &key.name);
    open.until("the pod gone", |s| s.pod_data.gone).await;
    assert!(open.state.pod_data.detail.is_some());
    assert!(screen(&open.state).contains("the pod is gone"));
}

#[tokio::test]
async fn a_pod_that_is_not_there_says_so() {
    let (server, _) = TestServer::demo(7, 10).await;
    let mut open = open(&server, PodKey::new("storefront", "no-such-pod")).await;
    open.until("an error", |s| s.pod_data.detail_error.is_some()).await;
    let e = open.state.pod_data.detail_error.clone().unwrap();
    assert!(e.contains("no-such-pod") && e.contains("not found"), "{e}");
    assert!(screen(&open.state).contains("not found"));
}

/// A watch cut short on the open pod: named in the view over what it last showed, its watch
/// reopened a bounded number of times (0.1 s doubling to 2 s: at most about 7 tries in the 4 s
/// window), and once the fault clears the error goes and the pod is current.
#[tokio::test]
async fn a_fault_on_the_open_pod_is_named_backs_off_and_clears() {
    let (server, _) = TestServer::demo(7, 240).await;
    let key = key_of(&crashlooping(&server));
    let quick = Policy {
        base: Duration::from_millis(100),
        max: Duration::from_secs(2),
        healthy: Duration::from_secs(3),
    };
    let mut open = open_with(&server, key.clone(), quick).await;
    open.until("the pod's detail", |s| s.pod_data.detail.is_some()).await;
    let mark = server.requests().len();
    server.fault_on("watch", "pods", Some(&key.namespace), FaultKind::Malformed);
    server.expire();
    let says = "the watch ended as soon as it opened";
    open.until("the fault named", |s| s.pod_data.detail_error.as_deref().is_some_and(|e| e.contains(says)))
        .await;
    let text = screen(&open.state);
    assert!(
        text.contains(says) && text.contains("CrashLoopBackOff"),
        "the error over the last detail: {text}"
    );
    server.modify("Pod", &key.namespace, &key.name, |p| {
        p["status"]["containerStatuses"][0]["restartCount"] = json!(42)
    });
    // An observation window: what the server counts in it is the assertion.
    let end = tokio::time::Instant::now() + Duration::from_secs(4);
    while let Ok(Some(m)) = tokio::time::timeout_at(end, open.rx.recv()).await {
        flightdeck::state::update(&mut open.state, m);
    }
    let selector = format!("fieldSelector=metadata.name%3D{}", key.name);
    let watches =
        server.requests()[mark..].iter().filter(|r| r.is_watch() && r.query.contains(&selector)).count();
    assert!((1..=16).contains(&watches), "{watches} watches of the open pod while the fault held");
    server.clear_faults();
    open.until("current again, without the error", |s| {
        s.pod_data.detail_error.is_none()
            && s.pod_data.detail.as_ref().is_some_and(|d| d.containers[0].restarts == 42)
    })
    .await;
}

fn screen(state: &State) -> String {
    let theme = flightdeck::config::Theme::default_theme();
    let keymap = flightdeck::config::Keymap::default_keymap();
    let ui = flightdeck::ui::Ui { theme: &theme, keymap: &keymap };
    let buf = flightdeck::ui::render_to_buffer(state, &ui, 160, 48);
    flightdeck::headless::export::to_text(&buf)
}
