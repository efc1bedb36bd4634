use super::*;
use crate::domain::Target;
use crate::sources::demo::state_at;

#[test]
fn the_demo_incident_ranks_first_and_links_alert_app_and_hpa() {
    let s = state_at(7, 150);
    let top = &s.triage.problems[0];
    assert_eq!(
        (top.category, top.subject.as_str(), top.level),
        (Category::Alert, "HighErrorRate", Level::Crit)
    );
    let linked: Vec<(&str, &str)> = top.links.iter().map(|l| (l.kind.as_str(), l.name.as_str())).collect();
    assert!(linked.contains(&("app", "services-cart")), "{linked:?}");
    assert!(linked.contains(&("hpa", "storefront/cart")), "{linked:?}");
    assert!(linked.contains(&("deployment", "storefront/cart")), "{linked:?}");
    // The app drifted from Git: syncing it is the first thing to try, before a restart.
    assert_eq!(top.targets.first(), Some(&Target::App("services-cart".into())));
    assert!(top.targets.iter().any(|t| matches!(t, Target::Workload { name, .. } if name == "cart")));
}

#[test]
fn every_kind_of_problem_in_the_demo_is_listed_once() {
    let s = state_at(7, 400);
    let keys: Vec<&str> = s.triage.problems.iter().map(|p| p.key.as_str()).collect();
    let mut unique = keys.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(keys.len(), unique.len(), "{keys:?}");
    for cat in [Category::Alert, Category::App, Category::Workload, Category::Hpa, Category::Cost] {
        assert!(s.triage.problems.iter().any(|p| p.category == cat), "no {cat:?} in {keys:?}");
    }
    // The six crash-looping pods' alerts are one row.
    let crashloop: Vec<_> =
        s.triage.problems.iter().filter(|p| p.subject.starts_with("KubePodCrashLooping")).collect();
    assert_eq!(crashloop.len(), 1);
    assert!(crashloop[0].subject.contains('×'), "{}", crashloop[0].subject);
}

#[test]
fn ranked_by_level_then_alerts_first() {
    let s = state_at(7, 400);
    let levels: Vec<Level> = s.triage.problems.iter().map(|p| p.level).collect();
    let mut sorted = levels.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(levels, sorted);
    let crit: Vec<Category> =
        s.triage.problems.iter().filter(|p| p.level == Level::Crit).map(|p| p.category).collect();
    let mut by_cat = crit.clone();
    by_cat.sort();
    assert_eq!(crit, by_cat);
}

#[test]
fn a_calm_platform_has_no_critical_problem() {
    let s = state_at(7, 10);
    assert_eq!(s.triage.count_at(Level::Crit), 0, "{:?}", s.triage.problems);
}

#[test]
fn a_failing_source_is_a_problem() {
    use crate::domain::SourceId;
    use crate::state::{Message, update};
    let mut s = state_at(7, 10);
    let at = s.now + 1;
    update(
        &mut s,
        Message::Failed { source: "demo/argocd".parse::<SourceId>().unwrap(), at, error: "forbidden".into() },
    );
    s.finish_batch();
    let p = s.triage.problems.iter().find(|p| p.category == Category::Source).expect("source row");
    assert_eq!((p.subject.as_str(), p.level), ("demo/argocd", Level::Crit));
    assert!(p.detail.contains("forbidden"));
}

#[test]
fn dollars_have_separators() {
    assert_eq!(dollars(1453.2), "$1,453");
    assert_eq!(dollars(53.14), "$53");
    assert_eq!(dollars(1_234_567.0), "$1,234,567");
}

#[test]
fn a_rollout_that_failed_before_any_pod_started_is_a_problem() {
    use crate::domain::SourceId;
    use crate::domain::WorkloadKind;
    use crate::state::workloads::Workload;
    use crate::state::{Data, Message, update};
    let mut s = state_at(7, 10);
    let mut rows = s.workloads.clone();
    rows.push(Workload {
        cluster: Default::default(),
        namespace: "storefront".into(),
        kind: WorkloadKind::Deployment,
        name: "checkout".into(),
        desired: 2,
        ready: 0,
        updated: 0,
        available: 0,
        paused: false,
        spec_pending: false,
        failure: Some(("FailedCreate".into(), "pods \"checkout-7c\" is forbidden: exceeded quota".into())),
        image: "checkout:1.0".into(),
        created_at: 0,
    });
    let at = s.now;
    update(
        &mut s,
        Message::Data {
            source: "demo/kubernetes".parse::<SourceId>().unwrap(),
            at,
            data: Data::Workloads(rows),
        },
    );
    s.finish_batch();
    let p = s.triage.problems.iter().find(|p| p.subject.contains("checkout")).expect("a checkout row");
    assert_eq!((p.category, p.level), (Category::Workload, Level::Crit));
    assert_eq!(p.detail, "FailedCreate: pods \"checkout-7c\" is forbidden: exceeded quota");
    assert!(p.targets.iter().any(|t| matches!(t, Target::Workload { name, .. } if name == "checkout")));
}
