//! The log view against the test API server through the real kube client: the tail asks for
//! `tailLines`, follow appends what the server writes, the previous container asks for
//! `previous=true`, the ring stays bounded, search finds lines, and a 403 or 404 shows the
//! API's message in the view.

mod support;

use std::time::Duration;

use flightdeck::domain::Effect;
use flightdeck::domain::PodKey;
use flightdeck::domain::StreamStart;
use flightdeck::domain::command::Command;
use flightdeck::input::dispatch::dispatch;
use flightdeck::input::pod_keys;
use flightdeck::sources::kube::{self, Connection, Target};
use flightdeck::sources::{self as src, TaskGuard};
use flightdeck::state::State;
use flightdeck::state::logs::LINES_KEPT;
use flightdeck::state::pod_view::LogState;
use flightdeck::state::view::pod::PodScreen;
use support::kube_api::{FaultKind, TestServer};

const WAIT: Duration = Duration::from_secs(30);

/// The app's part, small: a pod open on its logs, the streams its effects ask for running.
struct Logs {
    state: State,
    conn: Connection,
    rx: src::Receiver,
    tx: src::Sender,
    guards: Vec<TaskGuard>,
}

impl Logs {
    async fn open(server: &TestServer, key: PodKey) -> Logs {
        let target =
            Target { kubeconfig: Some(server.kubeconfig(&["shop-prod"])), context: None, scope: None };
        let conn = kube::connect(&target).await.expect("connect");
        let (tx, rx) = src::channel();
        let mut l = Logs { state: State::new("shop-prod", 0), conn, rx, tx, guards: Vec::new() };
        let effect = pod_keys::open(&mut l.state, key, PodScreen::Describe);
        l.carry_out(effect);
        l.until("the pod's detail", |s| s.pod_data.detail.is_some()).await;
        l
    }

    fn carry_out(&mut self, effect: Effect) {
        let (conn, tx) = (self.conn.clone(), self.tx.clone());
        match effect {
            Effect::Stream(StreamStart::Watch { stream, key }) => {
                self.guards.push(TaskGuard(tokio::spawn(kube::pod_watch::run(conn, key, stream, tx))));
            }
            Effect::Stream(StreamStart::Logs { stream, request }) => {
                self.guards.push(TaskGuard(tokio::spawn(kube::logs::run(conn, request, stream, tx))));
            }
            _ => {}
        }
    }

    fn key(&mut self, cmd: Command) {
        let effect = dispatch(&mut self.state, cmd);
        self.carry_out(effect);
    }

    async fn until(&mut self, what: &str, cond: impl Fn(&State) -> bool) {
        support::store::until(&mut self.state, &mut self.rx, WAIT, what, cond, |s: &State| {
            format!("{:?}, {} lines", s.pod_data.log_state, s.pod_data.logs.len())
        })
        .await;
    }
}

fn lines(s: &State) -> Vec<String> {
    s.pod_data.logs.iter().map(str::to_string).collect()
}

/// A one-container pod of the seeded demo world (the log request names its container).
fn a_pod(server: &TestServer) -> (PodKey, String) {
    let p = server
        .list("Pod")
        .into_iter()
        .find(|p| {
            p["metadata"]["namespace"] == "storefront"
                && p["spec"]["containers"].as_array().unwrap().len() == 1
        })
        .unwrap();
    let key = PodKey::new("storefront", p["metadata"]["name"].as_str().unwrap());
    (key, p["spec"]["containers"][0]["name"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn the_tail_is_asked_for_and_follow_appends_what_the_server_writes() {
    let (server, _) = TestServer::demo(7, 150).await;
    let (key, c) = a_pod(&server);
    for i in 0..2_000 {
        server.append_log(&key.namespace, &key.name, &c, false, &format!("old line {i}"));
    }
    let mut l = Logs::open(&server, key.clone()).await;
    l.key(Command::Logs);
    l.until("the tail", |s| lines(s).last().is_some_and(|l| l == "old line 1999")).await;
    // The tail only: 1,000 lines, not the 2,003 the container wrote.
    assert_eq!(l.state.pod_data.logs.len(), 1_000);
    let req = server.requests_to("GET", &format!("/pods/{}/log", key.name)).pop().expect("a log request");
    for want in ["tailLines=1000", "follow=true", &format!("container={c}")] {
        assert!(req.query.contains(want), "{want} not in {}", req.query);
    }
    assert!(!req.query.contains("previous=true"));
    server.append_log(&key.namespace, &key.name, &c, false, "a new line while following");
    l.until("the new line", |s| lines(s).last().is_some_and(|l| l == "a new line while following")).await;
    assert_eq!(l.state.pod_data.log_state, LogState::Streaming);
    // Follow off: the stream's id leaves the view (the app stops it) and the lines stay.
    let following = l.state.wanted_streams().1;
    l.key(Command::Follow);
    assert_ne!(l.state.wanted_streams().1, following);
    assert_eq!(l.state.pod_data.log_state, LogState::Ended);
    assert_eq!(l.state.pod_data.logs.len(), 1_001);
    // What the old stream still delivers is dropped; follow on again reads the tail anew.
    server.append_log(&key.namespace, &key.name, &c, false, "written while not following");
    l.key(Command::Follow);
    l.until("the new tail", |s| lines(s).last().is_some_and(|l| l == "written while not following")).await;
    let seen = lines(&l.state).iter().filter(|l| *l == "written while not following").count();
    assert_eq!(seen, 1);
    assert_eq!(l.state.pod_data.logs.len(), 1_000);
    // `t`: the stream again, with the kubelet's time before each line.
    l.key(Command::Timestamps);
    l.until("stamped lines", |s| {
        lines(s).last().is_some_and(|l| l.ends_with(" written while not following"))
    })
    .await;
    let all = lines(&l.state);
    let stamp = all.last().unwrap().split(' ').next().unwrap().to_string();
    assert!(humantime::parse_rfc3339(&stamp).is_ok(), "{stamp}");
    assert!(all.iter().all(|l| l.starts_with(&format!("{stamp} "))));
    let req = server.requests_to("GET", &format!("/pods/{}/log", key.name)).pop().unwrap();
    assert!(req.query.contains("timestamps=true"), "{}", req.query);
}

#[tokio::test]
async fn the_previous_container_is_asked_for_with_previous_true() {
    let (server, _) = TestServer::demo(7, 150).await;
    let pod = server
        .list("Pod")
        .into_iter()
        .find(|p| p["status"]["containerStatuses"][0]["restartCount"].as_u64().unwrap_or(0) > 0)
        .expect("a restarted pod");
    let key = PodKey::new(
        pod["metadata"]["namespace"].as_str().unwrap(),
        pod["metadata"]["name"].as_str().unwrap(),
    );
    let mut l = Logs::open(&server, key.clone()).await;
    l.key(Command::PreviousLogs);
    l.until("the crash", |s| lines(s).iter().any(|l| l.contains("panic: connection pool exhausted"))).await;
    let req = server.requests_to("GET", &format!("/pods/{}/log", key.name)).pop().unwrap();
    assert!(req.query.contains("previous=true"), "{}", req.query);
    // A previous container has ended: nothing is followed, and the stream says it ended.
    assert!(!req.query.contains("follow=true"), "{}", req.query);
    l.until("the end", |s| s.pod_data.log_state == LogState::Ended).await;
    assert!(screen(&l.state).contains("(previous run)"));
}

#[tokio::test]
async fn the_buffer_stays_bounded_and_search_finds_lines() {
    let (server, _) = TestServer::demo(7, 150).await;
    let (key, c) = a_pod(&server);
    let mut l = Logs::open(&server, key.clone()).await;
    l.key(Command::Logs);
    l.until("the seeded lines", |s| s.pod_data.logs.len() >= 3).await;
    let before = l.state.pod_data.logs.len();
    let pushed = LINES_KEPT + 500;
    // In bursts of 500: the test server's fan-out to followers holds 1,024 lines.
    for burst in (0..pushed).step_by(500) {
        for i in burst..burst + 500 {
            let text =
                if i % 1000 == 7 { format!("line {i} ERROR disk full") } else { format!("line {i} ok") };
            server.append_log(&key.namespace, &key.name, &c, false, &text);
        }
        let last = format!("line {} ok", burst + 499);
        l.until("the burst", |s| lines(s).last() == Some(&last)).await;
    }
    let b = l.state.pod_data.logs.clone();
    assert_eq!(b.len(), LINES_KEPT);
    assert_eq!(b.dropped as usize, before + pushed - LINES_KEPT);
    assert_eq!(b.get(0), Some(format!("line {} ok", pushed - LINES_KEPT).as_str()));
    // `/error` then `n`: case-insensitive; from the tail, the newest match first; `n` then
    // wraps to the oldest still in the ring, `N` comes back.
    l.state.view.set_current_filter(Some("error".into()));
    let matched = |l: &mut Logs, cmd: Command| {
        l.key(cmd);
        let m = l.state.view.pod.as_ref().unwrap().logs.as_ref().unwrap().current_match.expect("a match");
        b.get((m - b.dropped) as usize).unwrap().to_string()
    };
    assert_eq!(matched(&mut l, Command::NextMatch), "line 10007 ERROR disk full");
    assert!(l.state.view.status.as_ref().unwrap().text.contains("match 10 of 10"));
    assert_eq!(matched(&mut l, Command::NextMatch), "line 1007 ERROR disk full");
    assert_eq!(matched(&mut l, Command::NextMatch), "line 2007 ERROR disk full");
    let text = screen(&l.state);
    assert!(text.contains("line 2007 ERROR disk full") && text.contains("/error"), "{text}");
    assert_eq!(matched(&mut l, Command::PrevMatch), "line 1007 ERROR disk full");
    assert_eq!(matched(&mut l, Command::PrevMatch), "line 10007 ERROR disk full");
}

#[tokio::test]
async fn a_403_or_404_on_logs_shows_the_apis_message() {
    let (server, _) = TestServer::demo(7, 150).await;
    let (key, _) = a_pod(&server);
    server.fault("pods/log", Some(&key.namespace), FaultKind::Status(403));
    let mut l = Logs::open(&server, key.clone()).await;
    l.key(Command::Logs);
    l.until("the refusal", |s| matches!(s.pod_data.log_state, LogState::Failed(_))).await;
    let LogState::Failed(e) = &l.state.pod_data.log_state else { unreachable!() };
    assert!(e.contains("forbidden") && e.contains("pods/log"), "{e}");
    assert!(screen(&l.state).contains("cannot get resource \"pods/log\""));
    // The detail still works: only the logs are refused.
    assert!(l.state.pod_data.detail.is_some());
    server.clear_faults();
    // The pod is deleted, then its logs are asked for again: the API's 404.
    server.delete("Pod", &key.namespace, &key.name);
    l.key(Command::Timestamps);
    l.until("the 404", |s| matches!(&s.pod_data.log_state, LogState::Failed(e) if e.contains("not found")))
        .await;
    assert!(screen(&l.state).contains("not found"));
}

fn screen(state: &State) -> String {
    let theme = flightdeck::config::Theme::default_theme();
    let keymap = flightdeck::config::Keymap::default_keymap();
    let ui = flightdeck::ui::Ui { theme: &theme, keymap: &keymap };
    let buf = flightdeck::ui::render_to_buffer(state, &ui, 160, 48);
    flightdeck::headless::export::to_text(&buf)
}
