use super::focus::Focus;
use super::*;
use crate::domain::source::KubeFeed;
use crate::domain::{ClusterId, SourceId, WorkloadKind};
use crate::sources::demo::state_at;
use crate::sources::demo::world::BAD_IMAGE as BAD_IMAGE_TAG;
use crate::state::infra::{Node, NodeReadiness};
use crate::state::workloads::Revision;
use crate::state::{Data, Message, State, update};

fn deliver(s: &mut State, at: UnixMs, data: Data) {
    update(s, Message::Data { source: SourceId::kube(KubeFeed::Nodes), at, data });
}

/// A delivery from a source of `cluster` (as `sources::Sender::for_cluster` stamps it).
fn deliver_from(s: &mut State, cluster: &str, at: UnixMs, data: Data) {
    let source = SourceId { cluster: Some(ClusterId::new(cluster)), ..SourceId::kube(KubeFeed::Nodes) };
    update(s, Message::Data { source, at, data });
}

fn node(name: &str, ready: NodeReadiness, cordoned: bool) -> Node {
    Node {
        cluster: ClusterId::default(),
        name: name.into(),
        ready,
        cordoned,
        zone: "us-east-1a".into(),
        instance_type: "t3.large".into(),
        node_group: None,
        capacity_type: None,
        pods: 0,
        cpu_requested_milli: 0,
        cpu_allocatable_milli: 1,
        mem_requested_bytes: 0,
        mem_allocatable_bytes: 1,
        pressure: Vec::new(),
        conditions: Vec::new(),
        created_at: 0,
    }
}

fn whats(s: &State) -> Vec<(UnixMs, Kind, String)> {
    s.timeline.newest_first().map(|e| (e.at, e.kind, e.what.clone())).collect()
}

#[test]
fn nodes_turning_not_ready_cordoned_added_and_removed() {
    let mut s = State::new("shop-dev", 0);
    let ready = |n| node(n, NodeReadiness::Ready, false);
    deliver(&mut s, 10, Data::Nodes(vec![ready("a"), ready("b")]));
    assert!(s.timeline.is_empty(), "the first list is a baseline: {:?}", whats(&s));
    deliver(
        &mut s,
        20,
        Data::Nodes(vec![
            node("a", NodeReadiness::NotReady, false),
            node("b", NodeReadiness::Ready, true),
            ready("c"),
        ]),
    );
    deliver(&mut s, 30, Data::Nodes(vec![ready("a"), ready("c")]));
    let mut got = whats(&s);
    got.sort();
    assert_eq!(
        got,
        [
            (20, Kind::NodeChange, "added (t3.large us-east-1a)".to_string()),
            (20, Kind::NodeChange, "cordoned".to_string()),
            (20, Kind::NodeReadiness, "NotReady".to_string()),
            (30, Kind::NodeChange, "removed".to_string()),
            (30, Kind::NodeReadiness, "Ready again".to_string()),
        ]
    );
    assert!(s.timeline.newest_first().all(|e| e.cluster == *"shop-dev"));
}

#[test]
fn revisions_say_the_image_that_changed_and_a_rollback_is_dated_when_seen() {
    let mut s = State::new("shop-dev", 0);
    let rev = |n: i64, created: UnixMs, image: &str| Revision {
        namespace: "storefront".into(),
        workload: "cart".into(),
        revision: n,
        created_at: created,
        images: vec![("cart".into(), format!("registry.example.com/shop/{image}"))],
        config: n as u64,
    };
    deliver(&mut s, 100, Data::Revisions(vec![rev(3, 50, "cart:1.4.2")]));
    deliver(&mut s, 200, Data::Revisions(vec![rev(3, 50, "cart:1.4.2"), rev(4, 150, "cart:2.5.0-rc1")]));
    // Back to revision 3's template: the old ReplicaSet under number 5.
    deliver(&mut s, 300, Data::Revisions(vec![rev(4, 150, "cart:2.5.0-rc1"), rev(5, 50, "cart:1.4.2")]));
    assert_eq!(
        whats(&s),
        [
            (300, Kind::Rollout, "revision 5: image cart:2.5.0-rc1 → cart:1.4.2".to_string()),
            (150, Kind::Rollout, "revision 4: image cart:1.4.2 → cart:2.5.0-rc1".to_string()),
            (50, Kind::Rollout, "revision 3: cart:1.4.2".to_string()),
        ]
    );
    let first = s.timeline.newest_first().next().unwrap();
    assert_eq!(
        first.subject,
        Subject::Workload {
            namespace: "storefront".into(),
            kind: WorkloadKind::Deployment,
            name: "cart".into()
        }
    );
}

#[test]
fn the_same_entry_is_kept_once_and_fresh_ones_are_handed_over_once() {
    let mut s = State::new("shop-dev", 0);
    let rev = Revision {
        namespace: "ns".into(),
        workload: "w".into(),
        revision: 1,
        created_at: 5,
        images: vec![("c".into(), "i:1".into())],
        config: 0,
    };
    deliver(&mut s, 10, Data::Revisions(vec![rev.clone()]));
    let fresh = s.timeline.take_fresh();
    assert_eq!(fresh.len(), 1);
    assert!(s.timeline.take_fresh().is_empty());
    // Read back from the history after a restart: the same entry, not a second one.
    let mut again = State::new("shop-dev", 0);
    again.timeline.restore(fresh.clone());
    deliver(&mut again, 10, Data::Revisions(vec![rev]));
    assert_eq!(again.timeline.len(), 1);
    assert!(again.timeline.take_fresh().is_empty());
}

#[test]
fn the_demo_incident_records_the_cart_image_as_a_rollout_and_ranks_it_first_suspect() {
    for seed in [7, 1, 2, 3] {
        incident_suspects(seed);
    }
}

fn incident_suspects(seed: u64) {
    let s = state_at(seed, 150);
    let rollout = s
        .timeline
        .newest_first()
        .find(|e| e.kind == Kind::Rollout && e.what.contains(BAD_IMAGE_TAG))
        .unwrap_or_else(|| panic!("no rollout of the bad image: {:#?}", whats(&s)));
    assert!(rollout.subject.belongs_to_workload("storefront", "cart"), "{rollout:?}");
    let mut checked = 0;
    for p in &s.triage.problems {
        let focus = Focus::around(&s, p);
        // The incident's own problems (the cart workload, its app, the alerts naming it).
        if focus.relation(rollout) != Some(super::focus::Relation::Same) {
            continue;
        }
        checked += 1;
        let suspects = focus.suspects(s.timeline.newest_first());
        assert_eq!(
            suspects.first().map(|e| &e.what),
            Some(&rollout.what),
            "seed {seed}, around {}: first symptom {}, suspects {:#?}",
            p.key,
            focus.first_symptom,
            suspects.iter().map(|e| (e.at, &e.what)).collect::<Vec<_>>()
        );
    }
    assert!(checked >= 2, "seed {seed}: the incident's problems are linked to the rollout");
    let top = &s.triage.problems[0];
    let focus = Focus::around(&s, top);
    assert!(focus.relation(rollout).is_some(), "the top problem {} is linked to the rollout", top.key);
}

fn fleet_of(names: &[&str]) -> State {
    let mut s = State::new(crate::state::fleet::FLEET, 0);
    let info = |n: &&str| crate::state::fleet::ClusterInfo { name: ClusterId::new(n), ..Default::default() };
    s.set_fleet(names.iter().map(info).collect());
    s
}

fn by_cluster(s: &State) -> Vec<(String, String, String)> {
    let mut got: Vec<_> = s
        .timeline
        .newest_first()
        .map(|e| (e.cluster.to_string(), e.subject.label(), e.what.clone()))
        .collect();
    got.sort();
    got
}

#[test]
fn each_cluster_is_compared_with_its_own_last_delivery_and_its_entries_carry_it() {
    let mut s = fleet_of(&["prod", "dev"]);
    let ready = |n| node(n, NodeReadiness::Ready, false);
    deliver_from(&mut s, "prod", 10, Data::Nodes(vec![ready("p1")]));
    deliver_from(&mut s, "dev", 10, Data::Nodes(vec![ready("d1")]));
    // Neither cluster's nodes are the other's added or removed.
    deliver_from(&mut s, "prod", 20, Data::Nodes(vec![node("p1", NodeReadiness::NotReady, false)]));
    deliver_from(&mut s, "dev", 20, Data::Nodes(vec![ready("d1"), ready("d2")]));
    let label = |n: &str| Subject::Node { name: n.into() }.label();
    assert_eq!(
        by_cluster(&s),
        [
            ("dev".to_string(), label("d2"), "added (t3.large us-east-1a)".to_string()),
            ("prod".to_string(), label("p1"), "NotReady".to_string()),
        ]
    );
}

#[test]
fn an_alert_carries_its_own_cluster_and_an_action_the_cluster_it_acted_on() {
    use crate::state::alerts::{Alert, AlertState, Severity};
    let mut s = fleet_of(&["prod", "dev"]);
    let alert = Alert {
        cluster: ClusterId::default(),
        fingerprint: "f1".into(),
        name: "KubePodCrashLooping".into(),
        severity: Severity::Critical,
        source: SourceId::alertmanager("main"),
        state: AlertState::Firing,
        since: 5,
        summary: "cart crash-looping".into(),
        labels: [("cluster".to_string(), "dev".to_string())].into(),
        annotations: Default::default(),
        generator_url: None,
        silenced_by: Vec::new(),
        also_from: Vec::new(),
    };
    let data = Data::Alerts(vec![alert]);
    update(&mut s, Message::Data { source: SourceId::alertmanager("main"), at: 10, data });
    let outcome = crate::state::ActionOutcome {
        cluster: ClusterId::new("prod"),
        action: "Sync".into(),
        target: "application services-cart".into(),
        result: Ok("synced".into()),
    };
    update(&mut s, Message::ActionDone { at: 20, outcome });
    let got: Vec<_> = s.timeline.newest_first().map(|e| (e.kind, e.cluster.to_string())).collect();
    assert_eq!(got, [(Kind::Action, "prod".to_string()), (Kind::Alert, "dev".to_string())]);
}

#[test]
fn without_a_fleet_entries_carry_the_context_shown() {
    let mut s = State::new("shop-dev", 0);
    let ready = |n| node(n, NodeReadiness::Ready, false);
    deliver(&mut s, 10, Data::Nodes(vec![ready("a")]));
    deliver(&mut s, 20, Data::Nodes(vec![ready("a"), ready("b")]));
    assert_eq!(s.timeline.newest_first().map(|e| e.cluster.to_string()).collect::<Vec<_>>(), ["shop-dev"]);
}

#[test]
fn a_context_switch_makes_the_next_deliveries_baselines_again() {
    use crate::state::argocd::{ArgoApp, HealthStatus};
    let mut s = State::new("shop-prod", 0);
    let app = |health| ArgoApp { health, ..ArgoApp::drifted("services-cart") };
    deliver(&mut s, 10, Data::Apps(vec![app(HealthStatus::Healthy)]));
    s.switch_kubernetes("shop-dev");
    // The other context's app of the same name did not turn Degraded: it always was.
    deliver(&mut s, 20, Data::Apps(vec![app(HealthStatus::Degraded)]));
    assert!(s.timeline.is_empty(), "{:?}", whats(&s));
    deliver(&mut s, 30, Data::Apps(vec![app(HealthStatus::Healthy)]));
    assert_eq!(whats(&s).len(), 1, "{:?}", whats(&s));
}

#[test]
fn warning_events_remembered_are_bounded() {
    use crate::state::pods::ClusterEvent;
    let event = |i: usize, at: UnixMs| ClusterEvent {
        cluster: ClusterId::default(),
        at,
        warning: true,
        reason: "BackOff".into(),
        object: format!("Pod ns/p-{i}"),
        message: "Back-off restarting failed container".into(),
        count: 1,
    };
    let mut seen = Seen::default();
    let old: Vec<_> = (0..6_000).map(|i| event(i, 1_000)).collect();
    assert_eq!(seen.events(&old).len(), 6_000);
    // An hour on: the long-quiet ones are forgotten, and one that comes back is news again.
    let later = 1_000 + 60 * 60_000;
    assert_eq!(seen.events(&[event(0, later)]).len(), 1);
    assert!(seen.events_remembered() <= 5_000, "{}", seen.events_remembered());
}

#[test]
fn the_timeline_shows_the_cluster_opened() {
    let mut s = fleet_of(&["prod", "dev"]);
    let ready = |n| node(n, NodeReadiness::Ready, false);
    for (c, n) in [("prod", "p1"), ("dev", "d1")] {
        deliver_from(&mut s, c, 10, Data::Nodes(vec![]));
        deliver_from(&mut s, c, 20, Data::Nodes(vec![ready(n)]));
    }
    assert_eq!(crate::state::view::timeline::rows(&s).len(), 2);
    s.open_cluster(Some(ClusterId::new("dev")));
    let shown: Vec<_> =
        crate::state::view::timeline::rows(&s).iter().map(|e| e.cluster.to_string()).collect();
    assert_eq!(shown, ["dev"]);
}
