//! The order kept by merging is the order a full sort makes, whatever the changes; the
//! headline's counts and the workloads' tallies kept as rows change are what a full pass makes.

use super::*;

/// Pod i of a cluster: running, or with `reason` ("Pending" for one waiting for a node).
fn pod(cluster: &str, i: usize, reason: Option<&str>) -> Arc<Pod> {
    let pending = reason == Some("Pending");
    let mut p = Pod::sample(&format!("ns-{}", i % 7), &format!("pod-{i:05}"), reason.filter(|_| !pending));
    p.cluster = ClusterId::new(cluster);
    if pending {
        (p.phase, p.ready) = (PodPhase::Pending, 0);
    }
    Arc::new(p)
}

fn full_order(pods: &Pods) -> Vec<PodKey> {
    let mut keys: Vec<(Level, &PodKey)> = pods.by_key.iter().map(|(k, p)| (p.level(), k)).collect();
    keys.sort_by(|a, b| rank(a.0, a.1).cmp(&rank(b.0, b.1)));
    keys.into_iter().map(|(_, k)| k.clone()).collect()
}

/// A row owned by Deployment web-N (none for N = 0: a bare pod), on one of three nodes.
fn owned(p: Arc<Pod>, n: usize) -> Arc<Pod> {
    let owner = (n > 0).then(|| Owner { kind: "Deployment".into(), name: format!("web-{n}").into() });
    let node = Some(format!("node-{}", n % 3).into());
    Arc::new(Pod { owner, node, ..(*p).clone() })
}

fn full_groups(pods: &Pods) -> groups::Groups {
    let mut g = groups::Groups::default();
    pods.by_key.values().for_each(|p| g.add(p));
    g
}

fn full_counts(pods: &Pods) -> Counts {
    let mut c = Counts::default();
    pods.by_key.values().for_each(|p| c.add(p));
    c
}

#[test]
fn merged_order_kept_counts_and_tallies_match_a_full_pass() {
    let reasons = [None, None, None, Some("CrashLoopBackOff"), Some("Pending"), Some("Terminating")];
    let mut rng = fastrand::Rng::with_seed(17);
    let mut pods = Pods::default();
    let first: Vec<Arc<Pod>> = (0..400).map(|i| pod("a", i, None)).collect();
    pods.replace_cluster(&ClusterId::new("a"), first, true);
    pods.refresh_order();
    for batch in 0..60 {
        for _ in 0..rng.usize(1..40) {
            let i = rng.usize(0..600);
            let cluster = if rng.bool() { "a" } else { "b" };
            match rng.u8(0..10) {
                0..=1 => pods.remove(
                    &PodKey::new(format!("ns-{}", i % 7), format!("pod-{i:05}"))
                        .in_cluster(&ClusterId::new(cluster)),
                ),
                _ => {
                    let row = pod(cluster, i, reasons[rng.usize(0..reasons.len())]);
                    pods.upsert(owned(row, rng.usize(0..4)))
                }
            }
        }
        if batch % 20 == 19 {
            let rows: Vec<Arc<Pod>> = (0..300).map(|i| pod("b", i * 2, None)).collect();
            pods.replace_cluster(&ClusterId::new("b"), rows, true);
        }
        pods.refresh_order();
        assert_eq!(pods.order, full_order(&pods), "after batch {batch}");
        assert_eq!(pods.counts(|_| true), full_counts(&pods), "after batch {batch}");
        assert_eq!(pods.groups, full_groups(&pods), "workloads' tallies after batch {batch}");
    }
}

#[test]
fn a_loading_list_says_how_far_it_has_come() {
    let mut pods = Pods::default();
    let (a, b) = (ClusterId::new("a"), ClusterId::new("b"));
    assert_eq!(pods.loading(|_| true), None);
    pods.loading.insert(a.clone(), Loading { listed: 500, remaining: Some(19_500) });
    assert_eq!(pods.loading(|_| true), Some((500, Some(20_000))));
    // A server that gives no estimate leaves the fleet's total unknown.
    pods.loading.insert(b.clone(), Loading { listed: 500, remaining: None });
    assert_eq!(pods.loading(|_| true), Some((1_000, None)));
    assert_eq!(pods.loading(|c| c == &a), Some((500, Some(20_000))));
    pods.replace_cluster(&a, vec![pod("a", 1, None)], true);
    assert_eq!(pods.loading(|c| c == &a), None);
}

#[test]
fn a_first_list_starts_its_cluster_afresh_and_its_end_keeps_what_it_sends() {
    let mut pods = Pods::default();
    let (a, b) = (ClusterId::new("a"), ClusterId::new("b"));
    // Rows from before (a source that started again) in a, and another cluster's in b.
    pods.replace_cluster(&a, (0..5).map(|i| pod("a", 100 + i, None)).collect(), true);
    pods.replace_cluster(&b, (0..3).map(|i| pod("b", i, None)).collect(), true);
    pods.refresh_order();
    let page = |from: usize, n: usize| (from..from + n).map(|i| pod("a", i, None)).collect::<Vec<_>>();
    pods.take(&a, Data::PodsLoading { pods: page(0, 4), listed: 4, remaining: Some(4) });
    assert_eq!(pods.counts(|c| c == &a).total, 4, "the first page replaces the cluster's old rows");
    assert_eq!(pods.counts(|c| c == &b).total, 3, "another cluster keeps its rows");
    pods.take(&a, Data::PodsLoading { pods: page(4, 2), listed: 6, remaining: Some(2) });
    assert_eq!(pods.counts(|c| c == &a).total, 6, "a later page adds to them");
    // The end: the last rows, one that changed meanwhile, one gone.
    let mut end = page(6, 2);
    end.push(pod("a", 0, Some("CrashLoopBackOff")));
    let gone = vec![PodKey::new("ns-1", "pod-00001")];
    pods.take(&a, Data::PodsListed { pods: end, gone, metrics_available: false });
    pods.refresh_order();
    assert_eq!(pods.loading(|_| true), None);
    assert_eq!(pods.counts(|c| c == &a).total, 7);
    assert_eq!(pods.counts(|c| c == &a).failing, 1);
    assert_eq!(pods.order, full_order(&pods));
    assert_eq!(pods.counts(|_| true), full_counts(&pods));
    assert!(pods.metrics_available, "b still serves metrics");
}
