//! Tests of the dev profile (shop-dev): its size, its one problem (an image tag that was
//! never pushed) and that building it leaves the prod world exactly as it was.

use super::util::fnv;
use super::{MISSING_IMAGE, Profile, World};
use crate::domain::registry::ActionId;
use crate::domain::source::DemoFeed;
use crate::domain::{Target, WorkloadKind};
use crate::sources::demo::FIXED_EPOCH;
use crate::state::alerts::{Alert, Severity};
use crate::state::argocd::{HealthStatus, SyncStatus};
use crate::state::pods::{Pod, PodPhase};

fn world_at(w: World, secs: u64) -> World {
    let mut w = w;
    for _ in 0..secs {
        w.step(1_000);
    }
    w
}

fn dev(seed: u64) -> World {
    World::with_profile(seed, FIXED_EPOCH, Profile::Dev)
}

fn order_pods(w: &World) -> Vec<Pod> {
    w.pods().into_iter().filter(|p| p.owner.as_ref().is_some_and(|o| o.name == "order")).collect()
}

/// The pod of the new ReplicaSet (Pending, waiting for its image) and the old one serving.
fn stuck_and_serving(w: &World) -> (Pod, Pod) {
    let pods = order_pods(w);
    assert_eq!(pods.len(), 2, "{pods:?}");
    let stuck = pods.iter().find(|p| p.phase == PodPhase::Pending).expect("a pod waiting for its image");
    let serving = pods.iter().find(|p| p.phase == PodPhase::Running).expect("the old pod");
    (stuck.clone(), serving.clone())
}

fn app(w: &World, name: &str) -> crate::state::argocd::ArgoApp {
    w.apps().into_iter().find(|a| a.name == name).expect("app exists")
}

fn alerts_named(w: &World, name: &str) -> Vec<Alert> {
    w.alertmanager_alerts().into_iter().filter(|a| a.name == name).collect()
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

/// What prod published before the dev profile existed (computed on main, commit 3c16e42), then
/// recomputed when the timeline's branch merged it: its demo records each rollout as a
/// Deployment revision and each workload's template hash, which change what prod publishes.
/// The same seven hashes came out of the branch before the merge (commit ee3e201), so prod
/// is still byte for byte what it was without the dev profile. Seed, seconds, hash.
const PROD_BEFORE: [(u64, u64, u64); 4] = [
    (7, 150, 0xdeba32463a3fec2c),
    (7, 240, 0x485088e45592a808),
    (3, 400, 0xdd4c49cf81343841),
    (11, 900, 0xa8257da269385bd7),
];

#[test]
fn prod_publishes_exactly_what_it_did_before() {
    for (seed, secs, want) in PROD_BEFORE {
        let w = world_at(World::new(seed, FIXED_EPOCH), secs);
        assert_eq!(published(&w), want, "seed {seed} at {secs} s");
    }
    // The whole message stream of a headless run (what the snapshots are drawn from).
    let (_, msgs) = crate::sources::demo::run_headless(7, FIXED_EPOCH, 150);
    // Not the world's: the console's word that the demo has no API server for `:KIND`.
    let msgs: Vec<_> = msgs.into_iter().filter(|m| !matches!(m, crate::state::Message::Catalog(_))).collect();
    assert_eq!(fnv(format!("{msgs:?}").as_bytes()), 0x7dde67d0ce68b524);
}

/// Prod's feeds after the two fixes of the cart incident, as before the dev profile (recomputed
/// with the timeline's revisions and template hashes, as above).
#[test]
fn prod_answers_actions_exactly_as_before() {
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
    assert_eq!(feeds(&world_at(w, 3)), 0xe29e92e70200b610);
    let mut w = world_at(World::new(7, FIXED_EPOCH), 240);
    w.apply(ActionId::Sync, &Target::App("services-cart".into())).unwrap();
    assert_eq!(feeds(&world_at(w, 15)), 0xdeec020371781afc);
}

#[test]
fn dev_is_a_smaller_shop_dev_that_publishes_its_cluster_only() {
    let w = dev(7);
    assert_eq!((w.profile(), w.profile().cluster()), (Profile::Dev, "shop-dev"));
    let nodes = w.nodes();
    let groups: Vec<(&str, &str)> =
        nodes.iter().map(|n| (n.node_group.as_deref().unwrap(), n.instance_type.as_str())).collect();
    assert_eq!(groups, [("general", "t3.large"), ("general", "t3.large"), ("spot", "m6i.large")]);
    // Its own VPC: 10.1.0.0/16, where prod's is 10.0.0.0/16.
    assert!(nodes.iter().all(|n| n.name.starts_with("ip-10-1-") && n.name.ends_with(".ec2.internal")));
    let pods = w.pods();
    assert!((40..=60).contains(&pods.len()), "{} pods", pods.len());
    assert!(
        pods.iter().all(|p| p.phase == PodPhase::Running && p.ready == p.containers && p.reason.is_none())
    );
    for name in ["loki-0", "promtail", "blackbox-exporter", "argocd-dex-server", "aws-node-termination"] {
        assert!(pods.iter().all(|p| !p.name.starts_with(name)), "{name} runs in dev");
    }
    let deployments = w.workloads().into_iter().filter(|r| r.kind == WorkloadKind::Deployment);
    let single = deployments.filter(|r| r.desired == 1).count();
    assert!(single >= 20, "{single} Deployments of one replica");
    let ip = w.pod_manifest(&pods[0].key()).unwrap().pod.status.unwrap().pod_ip.unwrap();
    assert!(ip.starts_with("10.1."), "{ip}");
    assert!(w.hpas().iter().all(|h| (h.min, h.max) == (1, 3) && h.current <= 2));

    let apps = w.apps();
    assert_eq!(apps.len(), 9);
    assert!(apps.iter().all(|a| a.target_revision == "develop" && a.auto_sync));
    assert!(apps.iter().all(|a| a.sync == SyncStatus::Synced && a.health == HealthStatus::Healthy));
    assert!(w.alertmanager_alerts().is_empty());

    // The AWS account (EKS, CloudWatch, the bill) is prod's to publish.
    let feeds = [DemoFeed::Alertmanager, DemoFeed::ArgoCd, DemoFeed::Kubernetes];
    assert_eq!(Profile::Dev.feeds(), feeds);
    for f in [DemoFeed::Eks, DemoFeed::CloudWatch, DemoFeed::CostExplorer] {
        assert!(!w.publishes(f) && World::new(7, FIXED_EPOCH).publishes(f), "{f:?}");
    }
    assert!(w.clusters().is_empty() && w.cloudwatch_alarms().is_empty() && w.metrics().is_empty());
    // What prod says of shop-dev is what dev runs.
    let eks = World::new(7, FIXED_EPOCH).clusters();
    let listed = eks.iter().find(|c| c.name == "shop-dev").expect("prod's EKS list names shop-dev");
    let desired: Vec<(&str, u32)> = listed.node_groups.iter().map(|g| (g.name.as_str(), g.desired)).collect();
    assert_eq!(desired, [("general", 2), ("spot", 1)]);
}

#[test]
fn dev_has_no_cart_incident_and_its_hpas_stay_below_max() {
    for seed in [7, 0, 1, 2] {
        let mut w = dev(seed);
        for _ in 0..600 {
            w.step(1_000);
            assert!(!w.incident_active());
            assert!(w.hpas().iter().all(|h| h.desired < h.max), "seed {seed}: {:?}", w.hpas());
        }
        assert_eq!(w.incident_started_at(), None);
        let cart: Vec<Pod> =
            w.pods().into_iter().filter(|p| p.owner.as_ref().is_some_and(|o| o.name == "cart")).collect();
        assert!(!cart.is_empty() && cart.iter().all(|p| p.reason.is_none() && p.ready == 1), "{cart:?}");
        assert_eq!(app(&w, "services-cart").health, HealthStatus::Healthy);
    }
}

#[test]
fn the_bad_tag_leaves_order_unable_to_pull_while_the_old_pod_serves() {
    for seed in [7, 0, 1, 2, 3] {
        let mut w = dev(seed);
        while w.bad_tag_pushed_at().is_none() {
            w.step(1_000);
        }
        let pushed = w.bad_tag_pushed_at().unwrap() - FIXED_EPOCH;
        assert!((30_000..=45_000).contains(&pushed), "seed {seed}: pushed at {pushed} ms");
        w = world_at(w, 120 - pushed as u64 / 1000);

        let (stuck, serving) = stuck_and_serving(&w);
        assert!(matches!(stuck.reason.as_deref(), Some("ImagePullBackOff" | "ErrImagePull")), "{stuck:?}");
        assert!(stuck.node.is_some() && stuck.ready == 0 && stuck.restarts == 0);
        assert_eq!((serving.ready, serving.reason.as_deref()), (1, None));
        let events: Vec<_> =
            w.events().into_iter().filter(|e| e.object == format!("Pod storefront/{}", stuck.name)).collect();
        let failed =
            events.iter().find(|e| e.message.starts_with("Failed to pull image")).expect("the event");
        assert!(failed.warning && failed.reason == "Failed", "{failed:?}");
        assert!(failed.message.contains(MISSING_IMAGE) && failed.message.ends_with(": not found"));
        assert!(events.iter().any(|e| e.warning && e.message == "Error: ImagePullBackOff"));

        // Git names the tag and the live Deployment matches it (a later commit to the app's
        // config may be waiting for auto-sync): the rollout is under way, not yet failed.
        let a = app(&w, "services-order");
        let dep = a.resources.iter().find(|r| r.kind == "Deployment").expect("order");
        assert_eq!((dep.sync, a.health), (SyncStatus::Synced, HealthStatus::Progressing), "seed {seed}");
        assert!(
            a.history
                .iter()
                .any(|h| h.initiated_by == "automated sync policy" && h.deployed_at > FIXED_EPOCH)
        );
        let not_ready = alerts_named(&w, "KubePodNotReady");
        assert_eq!(not_ready.len(), 1, "seed {seed}");
        let alert = &not_ready[0];
        assert_eq!(alert.severity, Severity::Warning);
        assert_eq!(alert.labels["pod"], stuck.name);
        assert_eq!(
            (alert.labels["cluster"].as_str(), alert.labels["namespace"].as_str()),
            ("shop-dev", "storefront")
        );
    }
}

#[test]
fn the_stuck_rollout_fails_its_deadline_and_dev_stays_a_warning() {
    let mut w = dev(7);
    for s in 0..900 {
        w.step(1_000);
        // Whatever happens, dev's alerts are warnings and order keeps one pod serving.
        for a in w.alertmanager_alerts() {
            assert_eq!(a.severity, Severity::Warning, "at {s} s: {a:?}");
            assert!(
                ["KubePodNotReady", "KubeDeploymentRolloutStuck"].contains(&a.name.as_str()),
                "{}",
                a.name
            );
        }
        assert!(order_pods(&w).iter().any(|p| p.ready == 1), "at {s} s");
        assert!(w.pods().iter().all(|p| p.reason.as_deref() != Some("CrashLoopBackOff")));
    }
    let (stuck, _) = stuck_and_serving(&w);
    assert_eq!(stuck.reason.as_deref(), Some("ImagePullBackOff"), "the back-off is long by now");
    let order = w.workloads().into_iter().find(|r| r.name == "order").unwrap();
    assert_eq!(order.failure.map(|f| f.0).as_deref(), Some("ProgressDeadlineExceeded"));
    assert_eq!((order.available, order.image.ends_with(MISSING_IMAGE)), (1, true));
    assert_eq!(app(&w, "services-order").health, HealthStatus::Degraded);
    let stuck_alert = alerts_named(&w, "KubeDeploymentRolloutStuck");
    assert_eq!(stuck_alert.len(), 1);
    let labels = &stuck_alert[0].labels;
    assert_eq!((labels["deployment"].as_str(), labels["cluster"].as_str()), ("order", "shop-dev"));
}

#[test]
fn neither_a_sync_nor_a_restart_brings_back_a_tag_git_no_longer_names() {
    let mut w = world_at(dev(7), 120);
    let (stuck, serving) = stuck_and_serving(&w);
    w.apply(ActionId::Sync, &Target::App("services-order".into())).unwrap();
    w = world_at(w, 15);
    let (after, still) = stuck_and_serving(&w);
    assert_eq!(
        (after.name, still.name),
        (stuck.name.clone(), serving.name.clone()),
        "a sync changes nothing live"
    );

    let t = Target::Workload {
        namespace: "storefront".into(),
        kind: WorkloadKind::Deployment,
        name: "order".into(),
    };
    w.apply(ActionId::RolloutRestart, &t).unwrap();
    w = world_at(w, 30);
    // A new ReplicaSet with the same missing tag: its pod cannot pull either; the old pod serves.
    let (again, still) = stuck_and_serving(&w);
    assert_ne!(again.name, stuck.name);
    assert!(matches!(again.reason.as_deref(), Some("ImagePullBackOff" | "ErrImagePull")), "{again:?}");
    assert_eq!(still.name, serving.name);
    let manifest = w.pod_manifest(&again.key()).unwrap().pod;
    assert!(manifest.spec.unwrap().containers[0].image.as_deref().unwrap().ends_with(MISSING_IMAGE));
    // The old pod still runs the image it was started with.
    let old = w.pod_manifest(&still.key()).unwrap().pod;
    assert!(old.spec.unwrap().containers[0].image.as_deref().unwrap().ends_with("order:1.10.0-dev.8"));
}

#[test]
fn deleting_the_stuck_pod_brings_another_that_cannot_pull() {
    let mut w = world_at(dev(3), 120);
    let (stuck, serving) = stuck_and_serving(&w);
    let t = Target::Pod { namespace: "storefront".into(), name: stuck.name.to_string() };
    assert!(w.apply(ActionId::DeletePod, &t).is_ok());
    w = world_at(w, 20);
    let (next, still) = stuck_and_serving(&w);
    assert_ne!(next.name, stuck.name);
    assert!(matches!(next.reason.as_deref(), Some("ImagePullBackOff" | "ErrImagePull")), "{next:?}");
    assert_eq!(still.name, serving.name);
    // The object the pod view reads says what the row says, through a real cluster's mapping.
    let snap = w.pod_manifest(&next.key()).unwrap();
    let row = std::sync::Arc::unwrap_or_clone(
        crate::sources::kube::pods::map(
            &crate::sources::kube::pod_object::SlimPod::of(&snap.pod),
            snap.now,
            &mut Default::default(),
        )
        .pod,
    );
    assert_eq!((row.phase, &row.reason, &row.message), (next.phase, &next.reason, &next.message));
    assert!(snap.events.iter().any(|e| e.warning && e.message.ends_with(": not found")));
}

#[test]
fn dev_is_deterministic_steps_like_prod_and_never_collides_with_it() {
    let a = world_at(dev(7), 200);
    let b = world_at(dev(7), 200);
    assert_eq!(published(&a), published(&b));
    let mut c = dev(7);
    c.step(200_000);
    assert_eq!(published(&a), published(&c), "one long step is two hundred short ones");
    assert_ne!(published(&a), published(&world_at(dev(8), 200)));

    for seed in 0..8 {
        let (p, d) = (world_at(World::new(seed, FIXED_EPOCH), 200), world_at(dev(seed), 200));
        let uids = |w: &World| -> Vec<String> {
            w.pods().iter().map(|p| w.pod_manifest(&p.key()).unwrap().pod.metadata.uid.unwrap()).collect()
        };
        let names = |w: &World| -> Vec<String> {
            let mut v: Vec<String> = w.pods().into_iter().map(|p| p.name.to_string()).collect();
            v.extend(w.nodes().into_iter().map(|n| n.name));
            v.extend(w.apps().into_iter().map(|a| a.synced_revision));
            v.extend(w.alertmanager_alerts().into_iter().map(|a| a.fingerprint));
            v
        };
        let (prod_uids, prod_names) = (uids(&p), names(&p));
        assert!(uids(&d).iter().all(|u| !prod_uids.contains(u)), "seed {seed}");
        // StatefulSet pods are named by ordinal in every cluster (prometheus-0): not an id.
        let ids = names(&d).into_iter().filter(|n| !n.ends_with("-0"));
        assert!(ids.into_iter().all(|n| !prod_names.contains(&n)), "seed {seed}");
    }
}
