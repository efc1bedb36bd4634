//! The screens of any object drawn from stores fed as their streams feed them: a `:KIND` list,
//! an object described, a Secret with its values hidden, the rollback picker, `:pf`, a
//! workload's merged log; snapshots at 80×24 and 160×48 and the colours that carry meaning.

use serde_json::json;

use crate::config::theme::Role;
use crate::domain::command::Command;
use crate::domain::{ApiKind, ObjectRef, Target, WorkloadKind};
use crate::input::dispatch::dispatch;
use crate::state::forwards::{Forward, ForwardState, ForwardUpdate};
use crate::state::object_view::{Link, ObjectUpdate};
use crate::state::resources::{Column, ColumnType, KindEntry, TableRow, TableUpdate};
use crate::state::view::Overlay;
use crate::state::view::object::{ObjectScreen, PickEntry, Picker};
use crate::state::view::pod::LogsView;
use crate::state::{Message, State, update};
use crate::ui::panes::test_support::{NOW, drawn_in, fg, fg_of, find, render_screen, text_of};
use ratatui::style::Modifier;

const MIN: i64 = 60_000;

fn both_sizes(name: &str, s: &State) {
    insta::assert_snapshot!(format!("{name}_80x24"), text_of(&render_screen(s, 80, 24)));
    insta::assert_snapshot!(format!("{name}_160x48"), text_of(&render_screen(s, 160, 48)));
}

/// A store connected to a cluster (a registered watch), so the status line shows the keys.
fn connected() -> State {
    let mut s = State::new("shop-dev", NOW);
    let source = crate::domain::SourceId::kube(crate::domain::source::KubeFeed::Pods);
    update(&mut s, Message::Register { source, interval_ms: 0, feeds: vec![crate::state::PaneId::Pods] });
    s
}

fn pods_kind() -> KindEntry {
    KindEntry {
        kind: ApiKind::pod(),
        singular: "pod".into(),
        short: vec!["po".into()],
        verbs: ["get", "list", "watch", "delete", "patch"].map(String::from).to_vec(),
    }
}

/// `:po` as a `:KIND` list in the storefront namespace: the server's pod columns.
fn pod_list() -> State {
    let mut s = connected();
    update(&mut s, Message::Catalog(Ok(vec![pods_kind()])));
    s.view.namespace = Some("storefront".into());
    let eff = crate::input::objects::open_kind(&mut s, "po");
    let crate::domain::Effect::Stream(crate::domain::StreamStart::Table { stream, .. }) = eff else {
        panic!("{eff:?}")
    };
    let col = |n: &str, kind, priority| Column { name: n.into(), kind, priority };
    let cols = vec![
        col("Name", ColumnType::Text, 0),
        col("Ready", ColumnType::Text, 0),
        col("Status", ColumnType::Text, 0),
        col("Restarts", ColumnType::Text, 0),
        col("Age", ColumnType::Text, 0),
        col("IP", ColumnType::Text, 1),
        col("Node", ColumnType::Text, 1),
    ];
    let row = |n: &str, ready: &str, status: &str, restarts: &str, age_min: i64| TableRow {
        namespace: Some("storefront".into()),
        name: n.into(),
        cells: [n, ready, status, restarts, "?", "10.0.3.17", "ip-10-0-3-17.ec2.internal"]
            .map(String::from)
            .to_vec(),
        created: Some(NOW - age_min * MIN),
    };
    let rows = vec![
        row("cart-7d9f8b6c4-2xkqp", "0/1", "CrashLoopBackOff", "7 (2m ago)", 45),
        row("cart-7d9f8b6c4-9wzrt", "1/1", "Running", "0", 45),
        row("frontend-6b8d9c7f5-l4mzn", "1/1", "Running", "0", 3 * 60),
        row("order-5f7c6d8b9-q8vxs", "1/1", "Running", "1 (3h ago)", 26 * 60),
        row("product-8c9d7e6f5-zt2kd", "0/1", "Pending", "0", 2),
    ];
    for u in [TableUpdate::Columns(cols), TableUpdate::Page { rows, first: true }, TableUpdate::Listed] {
        update(&mut s, Message::Table { stream, update: u });
    }
    s.finish_batch();
    s
}

#[test]
fn a_kind_list_in_the_servers_columns() {
    let s = pod_list();
    both_sizes("kind_list_pods", &s);
    let buf = render_screen(&s, 160, 48);
    let text = text_of(&buf);
    // -o wide's columns where there is room; the age counted live from the creation time.
    assert!(text.contains("IP") && text.contains("NODE") && text.contains("45m"), "{text}");
    // The first row is selected: its red would not read on the cyan bar, so it takes the
    // bar's colour, in bold (issue 18); rows not selected keep their level colours.
    let (x, y) = find(&buf, "CrashLoopBackOff").unwrap();
    assert_eq!((buf[(x, y)].fg, buf[(x, y)].modifier.contains(Modifier::BOLD)), (fg(Role::Selection), true));
    assert_eq!(fg_of(&buf, "Pending"), fg(Role::Warn));
    assert!(drawn_in(&buf, "Running", Role::Ok));
    assert!(drawn_in(&buf, "0/1", Role::Warn));
}

#[test]
fn a_kind_list_filters_and_sorts_by_a_column_letter() {
    let mut s = pod_list();
    s.view.set_current_filter(Some("!running".into()));
    s.view.resources.as_mut().unwrap().sort = Some(('a', false));
    s.finish_batch();
    let text = text_of(&render_screen(&s, 160, 48));
    assert!(
        text.contains("sorted by age ↑") && text.contains("2 of 5") && text.contains("/!running"),
        "{text}"
    );
    let first = text.find("product-").unwrap();
    assert!(first < text.find("cart-7d9f8b6c4-2xkqp").unwrap(), "the youngest first:\n{text}");
}

/// The cart Deployment up close: its ReplicaSets, an event, its YAML.
fn deployment() -> State {
    let mut s = connected();
    s.view.mode = crate::state::view::Mode::Full(crate::state::PaneId::Pods);
    let o = ObjectRef::new(ApiKind::of_workload(WorkloadKind::Deployment), Some("storefront".into()), "cart");
    let stream = s.open_object(o, Default::default()).unwrap();
    let obj = json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "cart", "namespace": "storefront", "creationTimestamp": "2027-01-14T08:00:00Z",
            "labels": {"app": "cart"}, "annotations": {"deployment.kubernetes.io/revision": "4"}},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "cart"}},
            "template": {"metadata": {"labels": {"app": "cart"}},
                "spec": {"containers": [{"name": "cart", "image": "shop/cart:2.5.0"}]}}},
        "status": {"replicas": 3, "readyReplicas": 2, "updatedReplicas": 3}});
    let rs = |n: &str, summary: &str| Link {
        api_version: "apps/v1".into(),
        kind: "ReplicaSet".into(),
        namespace: Some("storefront".into()),
        name: n.into(),
        summary: summary.into(),
    };
    let owned =
        vec![rs("cart-7d9f8b6c4", "revision 4 · 2/3 ready"), rs("cart-5c4f9d7b6", "revision 3 · 0/0 ready")];
    let event = crate::state::pods::ClusterEvent {
        at: NOW - 5 * MIN,
        warning: false,
        reason: "ScalingReplicaSet".into(),
        object: "Deployment storefront/cart".into(),
        message: "Scaled up replica set cart-7d9f8b6c4 to 3".into(),
        count: 1,
        cluster: Default::default(),
    };
    for u in [
        ObjectUpdate::Owned { stream, owned },
        ObjectUpdate::Object { stream, object: Box::new(obj) },
        ObjectUpdate::Events { stream, events: vec![event] },
    ] {
        update(&mut s, Message::Object(u));
    }
    s.finish_batch();
    s
}

#[test]
fn an_object_described_with_its_links_events_and_yaml() {
    let mut s = deployment();
    both_sizes("object_deployment", &s);
    // The cursor on an owned ReplicaSet: Enter opens it, one step in the trail.
    for _ in 0..12 {
        dispatch(&mut s, Command::Down);
    }
    let text = crate::state::object_text::text(&s);
    let cursor = s.view.object.as_ref().unwrap().cursor;
    assert!(text.link_at(cursor).is_some(), "line {cursor}: {:?}", text.plain()[cursor]);
    let buf = render_screen(&s, 160, 48);
    assert!(drawn_in(&buf, "2/3 ready", Role::Warn), "{}", text_of(&buf));
}

#[test]
fn a_secret_shows_its_keys_not_its_values() {
    let mut s = connected();
    let o = ObjectRef::new(
        ApiKind::new("", "v1", "Secret", "secrets", true),
        Some("storefront".into()),
        "cart-db",
    );
    let stream = s.open_object(o, Default::default()).unwrap();
    let obj = json!({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
        "metadata": {"name": "cart-db", "namespace": "storefront", "creationTimestamp": "2027-01-14T08:00:00Z"},
        "data": {"password": "czNjcjN0LWNhcnQtcHc=", "username": "Y2FydA=="}});
    update(&mut s, Message::Object(ObjectUpdate::Object { stream, object: Box::new(obj) }));
    s.finish_batch();
    both_sizes("object_secret", &s);
    let text = text_of(&render_screen(&s, 160, 48));
    assert!(!text.contains("s3cr3t") && !text.contains("czNjcjN0") && text.contains("14 bytes"), "{text}");
    assert!(!text.contains("null"), "nothing the object lacks is added to its YAML:\n{text}");
}

#[test]
fn the_rollback_picker_over_the_object() {
    let mut s = deployment();
    let subject = Target::Workload {
        namespace: "storefront".into(),
        kind: WorkloadKind::Deployment,
        name: "cart".into(),
    };
    let entry = |rev: i64, image: &str, age: &str, cause: &str, current: bool| PickEntry {
        cells: vec![rev.to_string(), image.into(), age.into(), cause.into()],
        choice: (!current).then(|| Target::Rollback {
            namespace: "storefront".into(),
            kind: WorkloadKind::Deployment,
            name: "cart".into(),
            revision: rev,
            image: image.into(),
        }),
        note: current.then(|| "running now".to_string()),
    };
    s.view.overlay = Overlay::Pick(Picker {
        action: crate::domain::registry::ActionId::Rollback,
        subject,
        cluster: Default::default(),
        context: "shop-dev".into(),
        header: ["REVISION", "IMAGE", "CREATED", "CHANGE-CAUSE"].map(String::from).to_vec(),
        entries: vec![
            entry(4, "cart:2.5.0", "20m ago", "image bump", true),
            entry(3, "cart:2.4.3", "3d ago", "<none>", false),
            entry(2, "cart:2.4.1", "9d ago", "hotfix", false),
        ],
        selected: 1,
        loading: false,
        error: None,
    });
    both_sizes("rollback_picker", &s);
}

#[test]
fn port_forwards_with_their_state_and_bytes() {
    let mut s = connected();
    let fw = |id, pod: &str, local, via: Option<&str>, state| Forward {
        id,
        cluster: "shop-prod".into(),
        namespace: "storefront".into(),
        pod: pod.into(),
        via: via.map(String::from),
        local,
        remote: 8080,
        state,
        started: NOW - 12 * MIN,
        connections: 3,
        open: 1,
        bytes_out: 4_312,
        bytes_in: 182_733,
        last_error: None,
    };
    for f in [
        fw(1, "cart-7d9f8b6c4-9wzrt", 8080, Some("cart"), ForwardState::Listening),
        fw(
            2,
            "order-5f7c6d8b9-q8vxs",
            9090,
            None,
            ForwardState::PodGone("pod storefront/order-5f7c6d8b9-q8vxs was deleted".into()),
        ),
    ] {
        update(&mut s, Message::Forward(ForwardUpdate::Started(Box::new(f))));
    }
    crate::input::objects::show_forwards(&mut s);
    s.finish_batch();
    both_sizes("port_forwards", &s);
    let buf = render_screen(&s, 160, 48);
    assert!(drawn_in(&buf, "listening", Role::Ok));
    assert!(drawn_in(&buf, "pod gone", Role::Crit));
    assert!(!text_of(&buf).contains("shop-prod ·"), "one cluster: none named");
    // In a fleet each forward says which cluster it goes into, wide and narrow.
    use crate::state::fleet::ClusterInfo;
    s.fleet = vec![
        ClusterInfo { name: "shop-prod".into(), ..Default::default() },
        ClusterInfo { name: "shop-dev".into(), ..Default::default() },
    ];
    for (w, h) in [(160, 48), (80, 24)] {
        let text = text_of(&render_screen(&s, w, h));
        assert!(text.contains("shop-prod · "), "{w}x{h}: {text}");
    }
}

#[test]
fn a_workloads_merged_log_gives_each_pod_its_colour() {
    let mut s = deployment();
    s.view.mode = crate::state::view::Mode::Object(ObjectScreen::Logs);
    let (stream, _) = s.open_object_logs(LogsView::new(String::new(), false)).unwrap();
    for (pod, line) in [
        ("cart-7d9f8b6c4-2xkqp", "listening on :8080"),
        ("cart-7d9f8b6c4-9wzrt", "GET /cart/42 200 12ms"),
        ("cart-7d9f8b6c4-2xkqp", "GET /cart/17 200 9ms"),
    ] {
        let u = ObjectUpdate::LogLines { stream, source: pod.into(), lines: vec![line.into()] };
        update(&mut s, Message::Object(u));
        update(
            &mut s,
            Message::Object(ObjectUpdate::LogSource { stream, source: pod.into(), streaming: true }),
        );
    }
    s.finish_batch();
    both_sizes("workload_logs", &s);
    let buf = render_screen(&s, 160, 48);
    assert_eq!(fg_of(&buf, "cart-7d9f8b6c4-2xkqp"), fg(Role::Series1));
    assert_eq!(fg_of(&buf, "cart-7d9f8b6c4-9wzrt"), fg(Role::Series2));
    assert_eq!(fg_of(&buf, "GET /cart/42"), fg(Role::Text), "the line itself in the text's colour");
}
