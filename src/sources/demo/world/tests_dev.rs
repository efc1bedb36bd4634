//! Tests of the dev profile (shop-dev): its size, its one problem (an image tag that was
//! never pushed) and that building it leaves the prod world exactly as it was.

use super::World;
use super::util::fnv;
use crate::sources::demo::FIXED_EPOCH;

fn world_at(w: World, secs: u64) -> World {
    let mut w = w;
    for _ in 0..secs {
        w.step(1_000);
    }
    w
}

/// Everything prod publishes, and every pod as the pod view reads it, hashed.
fn published(w: &World) -> u64 {
    let mut text = format!(
        "{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}",
        w.pods(),
        w.nodes(),
        w.workloads(),
        w.hpas(),
        w.apps(),
        w.events(),
        w.alertmanager_alerts(),
        w.silences(),
        w.cloudwatch_alarms(),
        w.metrics(),
        w.cost(),
        w.clusters(),
    );
    for p in w.pods() {
        let snap = w.pod_manifest(&p.key()).expect("a published pod has a manifest");
        text.push_str(&format!("{:?}{:?}", snap.pod, snap.events));
    }
    fnv(text.as_bytes())
}

/// What prod published before the dev profile existed (computed on main, commit 3c16e42):
/// seed, simulated seconds, hash of `published`.
const PROD_BEFORE: [(u64, u64, u64); 4] = [
    (7, 150, 0xf6271b06749a431c),
    (7, 240, 0xd44319a7b5ebbf96),
    (3, 400, 0x6ee35ab233f4064f),
    (11, 900, 0xd961e25865102f8d),
];

#[test]
fn prod_publishes_exactly_what_it_did_before() {
    for (seed, secs, want) in PROD_BEFORE {
        let w = world_at(World::new(seed, FIXED_EPOCH), secs);
        assert_eq!(published(&w), want, "seed {seed} at {secs} s");
    }
    // The whole message stream of a headless run (what the snapshots are drawn from).
    let (_, msgs) = crate::sources::demo::run_headless(7, FIXED_EPOCH, 150);
    assert_eq!(fnv(format!("{msgs:?}").as_bytes()), 0x46f91d353ac56e9f);
}

/// Prod's feeds after the two fixes of the cart incident, as before the dev profile.
#[test]
fn prod_answers_actions_exactly_as_before() {
    use crate::domain::registry::ActionId;
    use crate::domain::{Target, WorkloadKind};
    let feeds = |w: &World| {
        let text = format!(
            "{:?}{:?}{:?}{:?}{:?}{:?}",
            w.pods(),
            w.workloads(),
            w.hpas(),
            w.apps(),
            w.events(),
            w.alertmanager_alerts()
        );
        fnv(text.as_bytes())
    };
    let mut w = world_at(World::new(7, FIXED_EPOCH), 240);
    let cart = Target::Workload {
        namespace: "storefront".into(),
        kind: WorkloadKind::Deployment,
        name: "cart".into(),
    };
    w.apply(ActionId::RolloutRestart, &cart).unwrap();
    assert_eq!(feeds(&world_at(w, 3)), 0x1a74545940e7c35c);
    let mut w = world_at(World::new(7, FIXED_EPOCH), 240);
    w.apply(ActionId::Sync, &Target::App("services-cart".into())).unwrap();
    assert_eq!(feeds(&world_at(w, 15)), 0x0380a0b14ff53b6d);
}
