//! The pod screens drawn from the demo's crash-looping cart pod (seed 7, 240 s): describe and
//! logs snapshots at 80×24 and 160×48, the colours that carry meaning, escapes in log lines
//! shown as text, and the view letting go of its streams when the user leaves.

use ratatui::buffer::Buffer;

use crate::config::theme::Role;
use crate::domain::Effect;
use crate::domain::StreamStart;
use crate::domain::command::Command;
use crate::input::dispatch::dispatch;
use crate::input::pod_keys;
use crate::sources::demo::logs::LogGen;
use crate::sources::demo::state_at;
use crate::sources::demo::{self, run_headless};
use crate::sources::kube::pod_detail;
use crate::state::pod_view::PodUpdate;
use crate::state::view::Mode;
use crate::state::view::pod::PodScreen;
use crate::state::{Message, PaneId, State, update};
use crate::ui::panes::test_support::{drawn_in, find, render_screen, text_of};

const AT: u64 = 240;

/// The store with the first restarted cart pod open, its detail and events delivered.
fn cart_open() -> State {
    let (world, _) = run_headless(7, demo::FIXED_EPOCH, AT);
    let mut s = state_at(7, AT);
    let key = s
        .pods
        .iter_ordered()
        .find(|p| p.name.starts_with("cart") && p.restarts > 0)
        .expect("a cart crash")
        .key();
    let Effect::Stream(StreamStart::Watch { stream, .. }) =
        pod_keys::open(&mut s, key.clone(), PodScreen::Describe)
    else {
        panic!("opening starts the watch")
    };
    let snap = world.pod_manifest(&key).expect("the world has the pod");
    let detail = Box::new(pod_detail::detail(&snap.pod, snap.now));
    update(&mut s, Message::Pod(PodUpdate::Detail { stream, detail }));
    update(&mut s, Message::Pod(PodUpdate::Events { stream, events: snap.events }));
    s.finish_batch();
    s
}

/// Then `p`: the previous (crashed) run's log, as the demo writes it.
fn cart_logs() -> State {
    let mut s = cart_open();
    let Effect::Stream(StreamStart::Logs { stream, request }) = dispatch(&mut s, Command::PreviousLogs)
    else {
        panic!("p starts the previous container's log")
    };
    assert!(request.previous && !request.follow, "{request:?}");
    let d = s.pod_data.detail.clone().unwrap();
    let c = d.container(&request.container).unwrap();
    let run = c.last_state.as_ref().expect("a crashed run");
    let lines = LogGen::new(&request.key.name, &c.name, &c.image, run, false, s.now).history(s.now, 1000);
    update(&mut s, Message::Pod(PodUpdate::LogLines { stream, lines }));
    update(&mut s, Message::Pod(PodUpdate::LogEnded { stream, error: None }));
    s.finish_batch();
    s
}

fn both_sizes(name: &str, s: &State) {
    insta::assert_snapshot!(format!("{name}_80x24"), text_of(&render_screen(s, 80, 24)));
    insta::assert_snapshot!(format!("{name}_160x48"), text_of(&render_screen(s, 160, 48)));
}

#[test]
fn describe_screen() {
    both_sizes("pod_describe", &cart_open());
}

#[test]
fn yaml_screen() {
    let mut s = cart_open();
    dispatch(&mut s, Command::Yaml);
    let text = text_of(&render_screen(&s, 160, 48));
    assert!(text.contains("kind: Pod") && text.contains("ownerReferences:"), "{text}");
    assert!(!text.contains("managedFields"), "managedFields is left out:\n{text}");
}

#[test]
fn logs_screen_of_the_crashed_run() {
    let s = cart_logs();
    both_sizes("pod_logs_previous", &s);
    let text = text_of(&render_screen(&s, 160, 48));
    assert!(
        text.contains("Cannot read properties of undefined"),
        "the crash is in the previous log:\n{text}"
    );
}

#[test]
fn a_crashed_container_is_drawn_in_the_crit_colour() {
    let buf: Buffer = render_screen(&cart_open(), 160, 48);
    assert!(drawn_in(&buf, "Terminated: Error (exit code 1)", Role::Crit), "{}", text_of(&buf));
    assert!(drawn_in(&buf, "Waiting: CrashLoopBackOff", Role::Crit));
    assert!(drawn_in(&buf, "Running · CrashLoopBackOff", Role::Crit));
    assert!(!drawn_in(&buf, "Terminated: Error (exit code 1)", Role::Ok));
}

#[test]
fn search_matches_are_marked_and_n_goes_to_them() {
    let mut s = cart_logs();
    s.view.set_current_filter(Some("priceCents".into()));
    dispatch(&mut s, Command::NextMatch);
    let buf = render_screen(&s, 160, 48);
    let (x, y) = find(&buf, "priceCents").expect("the match is in view");
    let mark = crate::config::Theme::default_theme().style(Role::Match);
    let cell = &buf[(x, y)];
    assert!(mark.bg.is_none_or(|bg| cell.bg == bg) && mark.fg.is_none_or(|fg| cell.fg == fg), "{cell:?}");
    assert!(s.view.status.as_ref().unwrap().text.contains("match 1 of 1"));
}

#[test]
fn escapes_in_log_lines_are_shown_as_text() {
    let mut s = cart_logs();
    let stream = s.view.pod.as_ref().unwrap().logs.as_ref().unwrap().stream;
    let evil = "\x1b[31mred\x1b[0m then \x1b]0;owned\x07 and \x1b[2J".to_string();
    update(&mut s, Message::Pod(PodUpdate::LogLines { stream, lines: vec![evil] }));
    s.finish_batch();
    let buf = render_screen(&s, 160, 48);
    let text = text_of(&buf);
    // Colour is stripped; any other escape shows as ␛ and never reaches the terminal.
    assert!(text.contains("red then ␛]0;owned␇ and ␛[2J"), "{text}");
    assert!(buf.content.iter().all(|c| !c.symbol().contains('\x1b') && !c.symbol().contains('\x07')));
}

#[test]
fn leaving_the_pod_lets_go_of_its_streams() {
    let mut s = cart_logs();
    let (detail, logs) = s.wanted_streams();
    assert!(detail.is_some() && logs.is_some());
    // Esc: logs → describe (the log stream goes), then → the Pods pane (the watch goes).
    dispatch(&mut s, Command::Back);
    s.finish_batch();
    assert_eq!((s.view.mode, s.wanted_streams()), (Mode::Pod(PodScreen::Describe), (detail, None)));
    assert!(s.pod_data.logs.is_empty());
    dispatch(&mut s, Command::Back);
    s.finish_batch();
    assert_eq!((s.view.mode, s.wanted_streams()), (Mode::Full(PaneId::Pods), (None, None)));
    // Another pane's key from the logs lets go of both at once.
    let mut s = cart_logs();
    dispatch(&mut s, Command::Pane(2));
    s.finish_batch();
    assert_eq!(s.wanted_streams(), (None, None));
    assert!(s.pod_data.detail.is_none());
}

#[test]
fn a_late_message_from_a_closed_stream_is_dropped() {
    let mut s = cart_logs();
    let old = s.view.pod.as_ref().unwrap().logs.as_ref().unwrap().stream;
    let Effect::Stream(StreamStart::Logs { stream, .. }) = dispatch(&mut s, Command::PreviousLogs) else {
        panic!()
    };
    assert_ne!(stream, old);
    let lines = vec!["from the old stream".to_string()];
    assert!(!update(&mut s, Message::Pod(PodUpdate::LogLines { stream: old, lines })));
    assert!(s.pod_data.logs.is_empty());
}
