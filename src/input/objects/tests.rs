//! Keys on objects of any kind, driven on a store fed as the streams would feed it.

use super::*;
use crate::domain::ApiKind;
use crate::input::dispatch::dispatch;
use crate::state::Message;
use crate::state::resources::{Column, ColumnType, KindEntry, TableRow, TableUpdate};

fn catalog() -> Vec<KindEntry> {
    let e = |g: &str, k: &str, p: &str, short: &[&str]| KindEntry {
        kind: ApiKind::new(g, "v1", k, p, true),
        singular: k.to_lowercase(),
        short: short.iter().map(|s| s.to_string()).collect(),
        verbs: vec!["list".into(), "watch".into(), "get".into(), "delete".into(), "patch".into()],
    };
    vec![
        e("", "Service", "services", &["svc"]),
        e("", "Secret", "secrets", &[]),
        e("", "Pod", "pods", &["po"]),
        e("apps", "Deployment", "deployments", &["deploy"]),
        e("apps", "ReplicaSet", "replicasets", &["rs"]),
    ]
}

fn with_services() -> (State, u64) {
    let mut s = State::new("shop-prod", 0);
    crate::state::update(&mut s, Message::Catalog(Ok(catalog())));
    let Effect::Stream(StreamStart::Table { stream, kind, .. }) = open_kind(&mut s, "svc") else {
        panic!("a list")
    };
    assert_eq!(kind.plural, "services");
    let cols = vec![Column { name: "Name".into(), kind: ColumnType::Text, priority: 0 }];
    let row = |n: &str| TableRow {
        namespace: Some("storefront".into()),
        name: n.into(),
        cells: vec![n.into()],
        created: None,
    };
    for u in [
        TableUpdate::Columns(cols),
        TableUpdate::Page { rows: vec![row("cart"), row("order")], first: true },
        TableUpdate::Listed,
    ] {
        crate::state::update(&mut s, Message::Table { stream, update: u });
    }
    s.finish_batch();
    (s, stream)
}

#[test]
fn a_kind_opens_live_and_enter_describes_the_row() {
    let (mut s, _) = with_services();
    dispatch(&mut s, Command::Down);
    let eff = dispatch(&mut s, Command::Open);
    let Effect::Stream(StreamStart::Object { object, .. }) = eff else { panic!("{eff:?}") };
    assert_eq!(object.describe(), "service storefront/order");
    assert_eq!(s.view.mode, Mode::Object(ObjectScreen::Describe));
    // Esc: back to the list, which kept its stream.
    dispatch(&mut s, Command::Back);
    s.finish_batch();
    assert_eq!(s.view.mode, Mode::Resources);
    assert!(s.wanted_view_streams().table.is_some() && s.wanted_view_streams().object.is_none());
}

#[test]
fn an_unknown_kind_asks_the_cluster_again() {
    let (mut s, _) = with_services();
    assert_eq!(open_kind(&mut s, "certificates"), Effect::Discover);
    assert!(s.view.status.as_ref().unwrap().text.contains("no such kind"));
}

#[test]
fn delete_on_a_row_asks_naming_the_object_and_production_wants_the_name() {
    let (mut s, _) = with_services();
    s.production = true;
    dispatch(&mut s, Command::Action(ActionId::DeleteObject));
    let crate::state::view::Overlay::Prompt(p) = &s.view.overlay else { panic!("{:?}", s.view.overlay) };
    let crate::state::view::PromptKind::TypeName(pending) = &p.kind else { panic!() };
    assert_eq!(pending.target.describe(), "service storefront/cart");
    s.readonly = true;
    s.view.overlay = crate::state::view::Overlay::None;
    assert_eq!(dispatch(&mut s, Command::Action(ActionId::DeleteObject)), Effect::None);
    assert!(s.view.status.as_ref().unwrap().text.contains("read-only"));
}

#[test]
fn edit_hands_over_to_the_editor_and_shell_is_refused_when_read_only() {
    let (mut s, _) = with_services();
    let eff = dispatch(&mut s, Command::Action(ActionId::Edit));
    let Effect::Handover(crate::domain::Handover::Edit(req)) = eff else { panic!("{eff:?}") };
    assert_eq!(req.object.describe(), "service storefront/cart");
    // A Service is no pod: no shell; its port-forward reads its ports first.
    assert_eq!(dispatch(&mut s, Command::Action(ActionId::Shell)), Effect::None);
    let eff = dispatch(&mut s, Command::Action(ActionId::PortForward));
    let Effect::FetchPorts { subject: Target::Forward { via, .. }, .. } = eff else { panic!("{eff:?}") };
    assert_eq!(via.as_deref(), Some("cart"));
}

#[test]
fn a_secret_is_decoded_only_on_x() {
    let mut s = State::new("c", 0);
    let o = ObjectRef::new(ApiKind::new("", "v1", "Secret", "secrets", true), Some("ns".into()), "db");
    let stream = s.open_object(o, Default::default()).unwrap();
    let obj = serde_json::json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "ns"},
        "data": {"password": "czNjcjN0"}});
    crate::state::update(
        &mut s,
        Message::Object(crate::state::object_view::ObjectUpdate::Object { stream, object: Box::new(obj) }),
    );
    let plain = |s: &State| object_text::text(s).plain().join("\n");
    assert!(plain(&s).contains("password: 6 bytes") && !plain(&s).contains("s3cr3t"));
    dispatch(&mut s, Command::Decode);
    assert!(plain(&s).contains("password: s3cr3t"));
    dispatch(&mut s, Command::Decode);
    assert!(!plain(&s).contains("s3cr3t"));
}

#[test]
fn a_kind_is_listed_in_the_cluster_opened_and_its_actions_go_there() {
    use crate::state::fleet::ClusterInfo;
    let mut s = State::new("all clusters", 0);
    s.set_fleet(vec![
        ClusterInfo { name: "shop-prod".into(), production: true, ..Default::default() },
        ClusterInfo { name: "shop-dev".into(), readonly: true, ..Default::default() },
    ]);
    crate::state::update(&mut s, Message::Catalog(Ok(catalog())));
    // Every cluster shown: no one cluster to list.
    assert_eq!(open_kind(&mut s, "svc"), Effect::None);
    assert!(s.view.resources.is_none());
    s.open_cluster(Some(ClusterId::new("shop-prod")));
    let Effect::Stream(StreamStart::Table { stream, cluster, .. }) = open_kind(&mut s, "svc") else {
        panic!()
    };
    assert_eq!(cluster, ClusterId::new("shop-prod"), "the list is watched on the cluster opened");
    let cols = vec![Column { name: "Name".into(), kind: ColumnType::Text, priority: 0 }];
    let rows = vec![TableRow {
        namespace: Some("storefront".into()),
        name: "cart".into(),
        cells: vec!["cart".into()],
        created: None,
    }];
    for u in [TableUpdate::Columns(cols), TableUpdate::Page { rows, first: true }, TableUpdate::Listed] {
        crate::state::update(&mut s, Message::Table { stream, update: u });
    }
    s.finish_batch();
    assert_eq!(current_cluster(&s), ClusterId::new("shop-prod"));
    // Enter keeps the cluster; a delete there is shop-prod's: its name typed, its context named.
    let eff = dispatch(&mut s, Command::Open);
    let Effect::Stream(StreamStart::Object { cluster, .. }) = eff else { panic!("{eff:?}") };
    assert_eq!(cluster, ClusterId::new("shop-prod"));
    assert_eq!(s.view.object.as_ref().map(|o| o.cluster.clone()), Some(ClusterId::new("shop-prod")));
    dispatch(&mut s, Command::Action(ActionId::DeleteObject));
    use crate::state::view::{Overlay, PromptKind};
    let Overlay::Prompt(crate::state::view::Prompt { kind: PromptKind::TypeName(p), .. }) = &s.view.overlay
    else {
        panic!("{:?}", s.view.overlay)
    };
    assert_eq!((p.cluster.as_str(), p.context.as_str()), ("shop-prod", "shop-prod"));
    // In the read-only cluster, edit is refused for that cluster.
    s.view.overlay = Overlay::None;
    s.open_cluster(Some("shop-dev".into()));
    let Effect::Stream(StreamStart::Table { .. }) = open_kind(&mut s, "svc") else { panic!() };
    assert_eq!(current_cluster(&s), ClusterId::new("shop-dev"));
    s.view.resources.as_mut().unwrap().selected = 0;
    dispatch(&mut s, Command::Action(ActionId::Edit));
    assert_eq!(s.view.overlay, Overlay::None);
    assert!(s.view.status().is_some_and(|m| m.text.contains("shop-dev is read-only")));
}
