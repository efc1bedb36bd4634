//! Tests of the demo world: determinism, the incident and its two fixes, the traffic wave and
//! the HPAs, actions on pods, nodes and apps, and the cost report.

use super::World;
use crate::domain::Target;
use crate::domain::registry::ActionId;
use crate::sources::demo::FIXED_EPOCH;
use crate::state::argocd::{HealthStatus, OperationPhase, SyncStatus};
use crate::state::pods::{Pod, PodPhase};

fn world_at(seed: u64, secs: u64) -> World {
    let mut w = World::new(seed, FIXED_EPOCH);
    for _ in 0..secs {
        w.step(1_000);
    }
    w
}

fn steps(w: &mut World, secs: u64) {
    for _ in 0..secs {
        w.step(1_000);
    }
}

fn cart_pods(w: &World) -> Vec<Pod> {
    w.pods().into_iter().filter(|p| p.owner.as_ref().is_some_and(|o| o.name == "cart")).collect()
}

fn app(w: &World, name: &str) -> crate::state::argocd::ArgoApp {
    w.apps().into_iter().find(|a| a.name == name).expect("app exists")
}

fn alert_names(w: &World) -> Vec<String> {
    w.alertmanager_alerts().into_iter().map(|a| a.name).collect()
}

fn assert_incident_over(w: &World) {
    let cart = cart_pods(w);
    assert!(!cart.is_empty());
    for p in &cart {
        assert_eq!((p.phase, p.reason.as_deref(), p.ready), (PodPhase::Running, None, 1), "{p:?}");
    }
    let a = app(w, "services-cart");
    assert_eq!((a.sync, a.health), (SyncStatus::Synced, HealthStatus::Healthy), "{:?}", a.resources);
    let names = alert_names(w);
    assert!(!names.iter().any(|n| n == "KubePodCrashLooping" || n == "HighErrorRate"), "{names:?}");
    assert!(!w.incident_active());
    assert!(w.incident_started_at().is_some_and(|t| t < w.now() - 15_000));
}

/// Steps until the ALB alarm is gone; returns how many seconds that took.
fn seconds_until_alarm_clears(w: &mut World, limit: u64) -> u64 {
    for s in 0..limit {
        if !w.cloudwatch_alarms().iter().any(|a| a.name == "shop-prod-alb-5xx") {
            return s;
        }
        w.step(1_000);
    }
    panic!("the ALB 5xx alarm did not clear within {limit} s");
}

#[test]
fn same_seed_same_world_and_different_seeds_differ() {
    let a = world_at(7, 300);
    let b = world_at(7, 300);
    assert_eq!(a.pods(), b.pods());
    assert_eq!(a.nodes(), b.nodes());
    assert_eq!(a.hpas(), b.hpas());
    assert_eq!(a.apps(), b.apps());
    assert_eq!(a.events(), b.events());
    assert_eq!(a.alertmanager_alerts(), b.alertmanager_alerts());
    assert_eq!(a.cloudwatch_alarms(), b.cloudwatch_alarms());
    assert_eq!(a.metrics(), b.metrics());
    assert_eq!(a.cost(), b.cost());
    assert_eq!(a.clusters(), b.clusters());
    let c = world_at(8, 300);
    assert_ne!(a.pods(), c.pods());
    assert_ne!(a.apps(), c.apps());
}

#[test]
fn the_inventory_at_the_epoch_is_healthy_and_consistent() {
    let w = World::new(7, FIXED_EPOCH);
    let clusters = w.clusters();
    assert_eq!(clusters.len(), 2);
    let prod = &clusters[0];
    assert_eq!((prod.name.as_str(), prod.version.as_str()), ("shop-prod", "1.30"));
    assert_eq!(prod.node_groups.iter().map(|g| g.desired).sum::<u32>(), 7);
    assert!(prod.created_at < FIXED_EPOCH - 30 * 86_400_000);
    let nodes = w.nodes();
    assert_eq!(nodes.len(), 7);
    let pods = w.pods();
    assert!((75..=130).contains(&pods.len()), "{} pods", pods.len());
    assert!(
        pods.iter().all(|p| p.phase == PodPhase::Running && p.ready == p.containers && p.reason.is_none())
    );
    assert!(pods.iter().all(|p| p.created_at < FIXED_EPOCH && p.cpu_milli.is_some()));
    for n in &nodes {
        assert!(n.name.starts_with("ip-10-0-") && n.name.ends_with(".ec2.internal"), "{}", n.name);
        assert!(
            n.cpu_requested_milli < n.cpu_allocatable_milli
                && n.mem_requested_bytes < n.mem_allocatable_bytes
        );
        let on: Vec<&Pod> = pods.iter().filter(|p| p.node.as_deref() == Some(n.name.as_str())).collect();
        assert_eq!(on.len() as u32, n.pods);
        for ds in ["aws-node", "kube-proxy", "node-exporter", "ebs-csi-node", "aws-node-termination-handler"]
        {
            let owned =
                on.iter().filter(|p| p.owner.as_ref().is_some_and(|o| o.kind == "DaemonSet" && o.name == ds));
            assert_eq!(owned.count(), 1, "{ds} on {}", n.name);
        }
    }
    assert!(pods.iter().any(|p| p.name == "prometheus-0"));
    assert!(w.hpas().iter().all(|h| h.condition("ScalingActive").is_some_and(|c| c.status)));
    let apps = w.apps();
    assert_eq!(apps.len(), 9);
    assert!(apps.iter().all(|a| a.sync == SyncStatus::Synced && a.health == HealthStatus::Healthy));
    assert!(
        apps.iter()
            .filter(|a| a.name != "platform-root")
            .all(|a| a.parent.as_deref() == Some("platform-root"))
    );
    assert!(!app(&w, "services-cart").auto_sync);
    assert_eq!(w.alertmanager_alerts().len(), 1);
    assert_eq!(w.metrics().iter().map(|m| m.points.len()).collect::<Vec<_>>(), [180; 4]);
}

#[test]
fn the_incident_starts_early_and_crash_loops_cart() {
    for seed in [7, 0, 1, 2, 3, 4, 5, 6] {
        incident_for(seed);
    }
}

fn incident_for(seed: u64) {
    let mut w = World::new(seed, FIXED_EPOCH);
    let mut secs = 0;
    while !w.incident_active() {
        w.step(1_000);
        secs += 1;
        assert!(secs <= 120, "no incident in the first two minutes");
    }
    let started = w.incident_started_at().expect("started");
    assert!((75_000..=90_000).contains(&(started - FIXED_EPOCH)), "{}", started - FIXED_EPOCH);
    steps(&mut w, 240 - secs);

    let a = app(&w, "services-cart");
    assert_eq!((a.sync, a.health), (SyncStatus::OutOfSync, HealthStatus::Degraded));
    let dep = a.resources.iter().find(|r| r.kind == "Deployment").expect("deployment");
    assert_eq!((dep.sync, dep.health), (SyncStatus::OutOfSync, Some(HealthStatus::Degraded)));
    let cart = cart_pods(&w);
    assert!(cart.len() >= 2);
    assert!(
        cart.iter()
            .all(|p| p.reason.as_deref() == Some("CrashLoopBackOff") && p.ready == 0 && p.restarts >= 1)
    );
    assert!(cart.iter().all(|p| p.last_restart.is_some()));
    let before: u32 = cart.iter().map(|p| p.restarts).sum();

    let alerts = w.alertmanager_alerts();
    let crashing: Vec<_> = alerts.iter().filter(|a| a.name == "KubePodCrashLooping").collect();
    assert_eq!(crashing.len(), cart.len());
    for a in &crashing {
        assert_eq!(a.labels["namespace"], "storefront");
        assert_eq!(a.labels["deployment"], "cart");
        assert!(cart.iter().any(|p| p.name == a.labels["pod"]));
        assert_eq!(a.fingerprint.len(), 16);
        assert!(a.annotations.contains_key("runbook_url"));
    }
    let high = alerts.iter().find(|a| a.name == "HighErrorRate").expect("HighErrorRate");
    assert_eq!(high.severity, crate::state::alerts::Severity::Critical);
    assert_eq!((high.labels["service"].as_str(), high.labels["namespace"].as_str()), ("cart", "storefront"));
    let alarm = w.cloudwatch_alarms().into_iter().find(|a| a.name == "shop-prod-alb-5xx").expect("alarm");
    assert_eq!(alarm.state, crate::state::alerts::AlertState::Alarm);
    assert!(
        alarm.summary.starts_with("Threshold Crossed: 1 datapoint [") && alarm.summary.ends_with("(10.0).")
    );
    let five = w.metrics().into_iter().find(|m| m.label == "ALB 5xx").expect("series");
    assert!(five.latest().is_some_and(|v| v > 10.0), "{:?}", five.points.last());
    let events = w.events();
    assert!(events.iter().any(|e| e.warning
        && e.reason == "BackOff"
        && e.message.starts_with("Back-off restarting failed container cart in pod cart-")));
    assert!(events.iter().any(|e| e.warning && e.reason == "Unhealthy"));

    steps(&mut w, 200);
    let after: u32 = cart_pods(&w).iter().map(|p| p.restarts).sum();
    assert!(after > before, "restarts {before} → {after}");
    assert!(w.incident_active());
}

#[test]
fn syncing_services_cart_ends_the_incident() {
    for seed in [7, 0, 1, 2, 3] {
        let mut w = world_at(seed, 240);
        assert!(w.incident_active());
        let ok = w.apply(ActionId::Sync, &Target::App("services-cart".into()));
        assert!(ok.is_ok(), "{ok:?}");
        // A second sync while the first runs is refused.
        assert_eq!(
            w.apply(ActionId::Sync, &Target::App("services-cart".into())),
            Err("another operation is already in progress".to_string())
        );
        assert_eq!(app(&w, "services-cart").operation.map(|o| o.phase), Some(OperationPhase::Running));
        steps(&mut w, 15);
        assert_incident_over(&w);
        let a = app(&w, "services-cart");
        assert!(a.operation.is_none());
        let last = a.last_sync.expect("last sync");
        assert_eq!(
            (last.phase, last.message.as_str()),
            (OperationPhase::Succeeded, "successfully synced (all tasks run)")
        );
        // Git's image is back, under the ReplicaSet it always had.
        assert!(
            cart_pods(&w)
                .iter()
                .all(|p| p.name.starts_with(&format!("cart-{}-", w.workloads[w.incident.cart].git_hash)))
        );
        assert!(seconds_until_alarm_clears(&mut w, 30) < 30);
        let five = w.metrics().into_iter().find(|m| m.label == "ALB 5xx").expect("series");
        steps(&mut w, 120);
        let later = w.metrics().into_iter().find(|m| m.label == "ALB 5xx").expect("series");
        assert!(later.latest() < five.latest() && later.latest() < Some(10.0), "{:?}", later.points.last());
    }
}

#[test]
fn restarting_cart_ends_the_incident() {
    for seed in [7, 4, 5, 6] {
        let mut w = world_at(seed, 240);
        let target = Target::Workload {
            namespace: "storefront".into(),
            kind: crate::domain::WorkloadKind::Deployment,
            name: "cart".into(),
        };
        assert!(w.apply(ActionId::RolloutRestart, &target).is_ok());
        steps(&mut w, 15);
        assert_incident_over(&w);
        assert!(seconds_until_alarm_clears(&mut w, 30) < 30);
    }
}

#[test]
fn deleting_a_crashing_cart_pod_brings_another_crashing_one() {
    let mut w = world_at(7, 240);
    let victim = cart_pods(&w)[0].name.clone();
    let t = Target::Pod { namespace: "storefront".into(), name: victim.to_string() };
    assert!(w.apply(ActionId::DeletePod, &t).is_ok());
    steps(&mut w, 60);
    let cart = cart_pods(&w);
    assert!(cart.iter().all(|p| p.name != victim));
    assert!(cart.iter().all(|p| p.reason.as_deref() == Some("CrashLoopBackOff")), "{cart:?}");
}

#[test]
fn the_wave_takes_frontend_to_its_max_and_back() {
    let mut w = World::new(7, FIXED_EPOCH);
    let (mut peaked_at, mut maxed_alert, mut limited) = (None, false, false);
    for s in 0..900 {
        w.step(1_000);
        let hpas = w.hpas();
        let f = hpas.iter().find(|h| h.name == "frontend").expect("frontend hpa");
        if f.at_max() && f.over_target() {
            peaked_at.get_or_insert(s);
            limited |=
                f.condition("ScalingLimited").is_some_and(|c| c.status && c.reason == "TooManyReplicas");
            maxed_alert |= alert_names(&w).iter().any(|n| n == "KubeHpaMaxedOut");
        }
        if peaked_at.is_some() && f.current <= 5 {
            assert!(limited && maxed_alert, "limited {limited}, alert {maxed_alert}");
            assert!(f.last_scale.is_some_and(|t| t > FIXED_EPOCH));
            return;
        }
    }
    panic!("frontend did not reach 10 and come back down (peaked at {peaked_at:?})");
}

#[test]
fn deleted_pods_are_replaced() {
    let mut w = world_at(7, 10);
    let victim = w.pods().into_iter().find(|p| p.name.starts_with("frontend-")).expect("a frontend pod");
    let target = Target::Pod { namespace: "storefront".into(), name: victim.name.to_string() };
    assert!(w.apply(ActionId::DeletePod, &target).is_ok());
    steps(&mut w, 1);
    let now = w.pods();
    assert!(
        now.iter().find(|p| p.name == victim.name).is_none_or(|p| p.reason.as_deref() == Some("Terminating"))
    );
    assert!(now.iter().any(|p| p.name.starts_with("frontend-") && p.created_at > FIXED_EPOCH));
    steps(&mut w, 10);
    assert!(w.pods().iter().all(|p| p.name != victim.name));

    // A StatefulSet pod comes back under the same name.
    let t = Target::Pod { namespace: "monitoring".into(), name: "prometheus-0".into() };
    assert!(w.apply(ActionId::DeletePod, &t).is_ok());
    steps(&mut w, 12);
    let p = w.pods().into_iter().find(|p| p.name == "prometheus-0").expect("recreated");
    assert!(p.created_at > FIXED_EPOCH + 20_000 && p.ready == p.containers, "{p:?}");

    let missing = Target::Pod { namespace: "storefront".into(), name: "nope".into() };
    assert_eq!(w.apply(ActionId::DeletePod, &missing), Err("pods \"nope\" not found".to_string()));
}

#[test]
fn restarting_a_workload_replaces_its_pods() {
    let mut w = world_at(7, 5);
    let names = |w: &World| {
        let mut v: Vec<String> = w
            .pods()
            .into_iter()
            .filter(|p| p.name.starts_with("argocd-server-"))
            .map(|p| p.name.to_string())
            .collect();
        v.sort();
        v
    };
    let before = names(&w);
    let t = Target::Workload {
        namespace: "argocd".into(),
        kind: crate::domain::WorkloadKind::Deployment,
        name: "argocd-server".into(),
    };
    assert!(w.apply(ActionId::RolloutRestart, &t).is_ok());
    steps(&mut w, 30);
    let after = names(&w);
    assert_eq!(after.len(), 2);
    assert!(after.iter().all(|n| !before.contains(n)), "{before:?} {after:?}");
    assert!(w.pods().iter().filter(|p| p.name.starts_with("argocd-server-")).all(|p| p.ready == 1));
    let bad = Target::Workload {
        namespace: "argocd".into(),
        kind: crate::domain::WorkloadKind::Deployment,
        name: "nope".into(),
    };
    assert_eq!(
        w.apply(ActionId::RolloutRestart, &bad),
        Err("deployments.apps \"nope\" not found".to_string())
    );
}

#[test]
fn cordon_and_uncordon_round_trip() {
    let mut w = World::new(7, FIXED_EPOCH);
    let node = w.nodes()[0].name.clone();
    let t = Target::Node(node.clone());
    assert!(w.apply(ActionId::Cordon, &t).is_ok());
    assert!(w.nodes()[0].cordoned);
    assert_eq!(w.apply(ActionId::Cordon, &t), Ok("already cordoned".to_string()));
    assert!(w.apply(ActionId::Uncordon, &t).is_ok());
    assert!(!w.nodes()[0].cordoned);
    let unknown = Target::Node("ip-10-9-9-9.ec2.internal".into());
    assert_eq!(
        w.apply(ActionId::Cordon, &unknown),
        Err("nodes \"ip-10-9-9-9.ec2.internal\" not found".to_string())
    );
}

#[test]
fn invalid_targets_are_refused() {
    let mut w = World::new(7, FIXED_EPOCH);
    assert!(w.apply(ActionId::Sync, &Target::Node("x".into())).is_err());
    assert!(w.apply(ActionId::Cordon, &Target::App("services-cart".into())).is_err());
    assert!(w.apply(ActionId::Sync, &Target::App("nope".into())).is_err());
    assert_eq!(
        w.apply(ActionId::Refresh, &Target::App("platform-root".into())),
        Ok("refresh requested".to_string())
    );
}

#[test]
fn apps_pick_up_new_commits_now_and_then() {
    let mut w = World::new(3, FIXED_EPOCH);
    let before: Vec<String> = w.apps().into_iter().map(|a| a.synced_revision).collect();
    steps(&mut w, 700);
    let after: Vec<String> = w.apps().into_iter().map(|a| a.synced_revision).collect();
    assert!(before.iter().zip(&after).any(|(a, b)| a != b));
    assert!(after.iter().all(|r| r.len() == 40 && r.chars().all(|c| c.is_ascii_hexdigit())));
}

#[test]
fn cost_is_under_budget_so_far_but_forecast_over() {
    for seed in 0..20 {
        let r = World::new(seed, FIXED_EPOCH).cost();
        assert_eq!((r.month.as_str(), r.days_in_month, r.daily.len()), ("2026-11", 30, 18));
        let (mtd, forecast, budget) = (r.month_to_date(), r.forecast(), r.budget.expect("budget"));
        assert!((650.0..1000.0).contains(&mtd), "seed {seed}: {mtd}");
        assert!(mtd < budget && forecast > budget && forecast < 1600.0, "seed {seed}: {forecast}");
        assert_eq!(r.by_service[0].0, "Amazon Elastic Compute Cloud - Compute");
        assert!(r.by_service.windows(2).all(|p| p[0].1 >= p[1].1));
        assert!((r.by_service.iter().map(|s| s.1).sum::<f64>() - mtd).abs() < 1.0);
        let change = r.change_vs_last_month().expect("change");
        assert!((0.03..0.12).contains(&change), "seed {seed}: {change}");
        assert!(r.last_month_total.is_some_and(|t| (1100.0..1600.0).contains(&t)));
    }
}

#[test]
fn with_every_node_cordoned_new_pods_cannot_be_scheduled() {
    let mut w = world_at(7, 5);
    for n in w.nodes() {
        assert!(w.apply(ActionId::Cordon, &Target::Node(n.name)).is_ok());
    }
    let victim = w.pods().into_iter().find(|p| p.name.starts_with("grafana-")).expect("grafana");
    assert!(
        w.apply(
            ActionId::DeletePod,
            &Target::Pod { namespace: "monitoring".into(), name: victim.name.to_string() }
        )
        .is_ok()
    );
    steps(&mut w, 10);
    let pending = w.pods().into_iter().find(|p| p.name.starts_with("grafana-")).expect("replacement");
    assert_eq!(
        (pending.phase, pending.reason.as_deref(), pending.node.as_deref()),
        (PodPhase::Pending, Some("Unschedulable"), None)
    );
    assert!(
        pending
            .message
            .as_deref()
            .is_some_and(|m| m.starts_with("0/7 nodes are available: 7 node(s) were unschedulable"))
    );
    assert!(w.events().iter().any(|e| e.warning && e.reason == "FailedScheduling"));
    for n in w.nodes() {
        assert!(w.apply(ActionId::Uncordon, &Target::Node(n.name)).is_ok());
    }
    steps(&mut w, 15);
    let p = w.pods().into_iter().find(|p| p.name.starts_with("grafana-")).expect("grafana");
    assert_eq!((p.phase, p.ready, p.node.is_some()), (PodPhase::Running, 3, true));
}

#[test]
fn a_silence_mutes_the_matching_alert_until_it_is_expired() {
    use crate::domain::silence::{Matcher, NewSilence};
    use crate::state::alerts::AlertState;
    use crate::state::silences::SilenceState;
    let mut w = world_at(7, 150);
    let firing = |w: &World| w.alertmanager_alerts().into_iter().find(|a| a.name == "HighErrorRate").unwrap();
    assert_eq!(firing(&w).state, AlertState::Firing);
    let new = NewSilence {
        source: crate::domain::SourceId::demo(crate::domain::source::DemoFeed::Alertmanager),
        matchers: vec![Matcher::equal("alertname", "HighErrorRate")],
        duration_ms: 3_600_000,
        comment: "".into(),
        created_by: "oncall".into(),
    };
    let refused = w.apply(ActionId::Silence, &Target::NewSilence(new.clone()));
    assert_eq!(refused, Err("silence comment is required".into()));
    let new = NewSilence { comment: "rolling back".into(), ..new };
    w.apply(ActionId::Silence, &Target::NewSilence(new)).unwrap();
    let s = w.silences().pop().unwrap();
    assert_eq!((s.state, s.created_by.as_str()), (SilenceState::Active, "oncall"));
    let a = firing(&w);
    assert_eq!((a.state, a.silenced_by.clone()), (AlertState::Silenced, vec![s.id.clone()]));
    let other = w.alertmanager_alerts().into_iter().find(|a| a.name == "CPUThrottlingHigh").unwrap();
    assert_eq!(other.state, AlertState::Firing, "only the matching alert is silenced");

    let target = Target::Silence {
        source: crate::domain::SourceId::demo(crate::domain::source::DemoFeed::Alertmanager),
        id: s.id.clone(),
    };
    w.apply(ActionId::ExpireSilence, &target).unwrap();
    assert_eq!(w.silences()[0].state, SilenceState::Expired);
    assert_eq!(firing(&w).state, AlertState::Firing);
    assert!(w.apply(ActionId::ExpireSilence, &target).unwrap_err().contains("already expired"));
}

#[test]
fn scaling_a_workload_and_editing_an_hpa_take_effect() {
    let mut w = world_at(7, 5);
    let grafana =
        |w: &World| w.pods().iter().filter(|p| p.name.starts_with("grafana-") && p.reason.is_none()).count();
    let target = Target::Scale {
        namespace: "monitoring".into(),
        kind: crate::domain::WorkloadKind::Deployment,
        name: "grafana".into(),
        replicas: 3,
    };
    assert_eq!(w.apply(ActionId::Scale, &target), Ok("deployment.apps/grafana scaled".to_string()));
    steps(&mut w, 30);
    assert_eq!(grafana(&w), 3);
    let limits =
        Target::HpaLimits { namespace: "storefront".into(), name: "frontend".into(), min: 3, max: 4 };
    assert!(w.apply(ActionId::EditHpa, &limits).is_ok());
    let h = w.hpas().into_iter().find(|h| h.name == "frontend").unwrap();
    assert_eq!((h.min, h.max), (3, 4));
    // The wave that takes frontend to 10 now stops at 4.
    steps(&mut w, 240);
    assert!(w.hpas().into_iter().find(|h| h.name == "frontend").unwrap().desired <= 4);
    let bad = Target::HpaLimits { namespace: "storefront".into(), name: "frontend".into(), min: 5, max: 4 };
    assert!(w.apply(ActionId::EditHpa, &bad).is_err());
}

#[test]
fn a_dry_run_changes_nothing_and_terminate_stops_a_sync() {
    let mut w = world_at(7, 240);
    let dry = Target::AppSync { name: "services-cart".into(), prune: true, dry_run: true };
    assert!(w.apply(ActionId::Sync, &dry).unwrap().starts_with("dry run"));
    assert!(app(&w, "services-cart").operation.is_none());
    let cart = Target::App("services-cart".into());
    assert_eq!(w.apply(ActionId::Terminate, &cart), Err(crate::sources::argocd::NO_OPERATION.into()));
    let history = app(&w, "services-cart").history.len();
    let real = Target::AppSync { name: "services-cart".into(), prune: true, dry_run: false };
    w.apply(ActionId::Sync, &real).unwrap();
    assert_eq!(w.apply(ActionId::Terminate, &cart), Ok("operation terminated".into()));
    let a = app(&w, "services-cart");
    assert!(a.operation.is_none());
    let last = a.last_sync.unwrap();
    assert_eq!((last.phase, last.message.as_str()), (OperationPhase::Failed, "Operation terminated"));
    // A terminated sync is not deployed: no history entry. A sync run to the end is.
    steps(&mut w, 15);
    assert_eq!(app(&w, "services-cart").history.len(), history);
    w.apply(ActionId::Sync, &real).unwrap();
    steps(&mut w, 15);
    let a = app(&w, "services-cart");
    assert_eq!(a.history.len(), history + 1);
    assert_eq!(a.history.last().unwrap().initiated_by, "flightdeck");
    assert_incident_over(&w);
}

fn deployment(w: &World, name: &str) -> crate::state::workloads::Workload {
    w.workloads().into_iter().find(|r| r.name == name).expect("workload exists")
}

#[test]
fn a_scale_up_of_a_long_rolled_deployment_is_not_a_failed_rollout() {
    let mut w = world_at(7, 5);
    assert!(w.now() - w.workloads.iter().find(|x| x.name == "grafana").unwrap().rolled_at > 3_600_000);
    let target = Target::Scale {
        namespace: "monitoring".into(),
        kind: crate::domain::WorkloadKind::Deployment,
        name: "grafana".into(),
        replicas: 3,
    };
    w.apply(ActionId::Scale, &target).unwrap();
    for _ in 0..60 {
        w.step(1_000);
        assert_eq!(deployment(&w, "grafana").failure, None);
    }
    assert_eq!(deployment(&w, "grafana").ready, 3);
}

#[test]
fn the_cart_rollout_left_alone_exceeds_its_progress_deadline() {
    let mut w = world_at(7, 240);
    assert!(w.incident_active());
    assert_eq!(deployment(&w, "cart").failure, None);
    steps(&mut w, 600);
    let failure = deployment(&w, "cart").failure.expect("the rollout failed");
    assert_eq!(failure.0, "ProgressDeadlineExceeded");
}
