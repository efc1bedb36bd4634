use super::focus::Focus;
use super::*;
use crate::domain::{SourceId, WorkloadKind};
use crate::sources::demo::state_at;
use crate::sources::demo::world::BAD_IMAGE as BAD_IMAGE_TAG;
use crate::state::infra::{Node, NodeReadiness};
use crate::state::workloads::Revision;
use crate::state::{Data, Message, State, update};

fn deliver(s: &mut State, at: UnixMs, data: Data) {
    update(s, Message::Data { source: SourceId::new("kube/x"), at, data });
}

fn node(name: &str, ready: NodeReadiness, cordoned: bool) -> Node {
    Node {
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
    assert!(s.timeline.newest_first().all(|e| e.cluster == "shop-dev"));
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
