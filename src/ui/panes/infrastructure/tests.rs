//! Render tests for the Infrastructure pane on a small two-cluster fixture: compact and full
//! layouts, node-group readiness, add-ons that could not be listed, and colours that carry meaning.

use ratatui::buffer::Buffer;

use super::*;
use crate::config::Theme;
use crate::state::infra::{Addon, CapacityType, Cluster, MetricSeries, Node, NodeGroup};
use crate::ui::panes::test_support::{NOW, fg, fg_of, find, lines, render_pane};
const GI: u64 = 1024 * 1024 * 1024;

fn group(name: &str, types: &str, cap: CapacityType, desired: u32) -> NodeGroup {
    NodeGroup {
        name: name.into(),
        status: "ACTIVE".into(),
        desired,
        min: 1,
        max: 6,
        instance_types: vec![types.into()],
        capacity_type: cap,
        ami_release: "1.30.4-20241024".into(),
        health_issues: Vec::new(),
    }
}

fn cluster(name: &str) -> Cluster {
    Cluster {
        cluster: Default::default(),
        name: name.into(),
        region: "us-east-1".into(),
        status: "ACTIVE".into(),
        version: "1.30".into(),
        platform_version: "eks.8".into(),
        endpoint_access: "public+private".into(),
        created_at: NOW - 400 * 86_400_000,
        node_groups: vec![
            group("general", "t3.large", CapacityType::OnDemand, 3),
            group("compute", "c6i.2xlarge", CapacityType::Spot, 2),
        ],
        addons: Some(vec![
            Addon {
                name: "vpc-cni".into(),
                version: "v1.18.3".into(),
                status: "ACTIVE".into(),
                health_issues: vec![],
            },
            Addon {
                name: "coredns".into(),
                version: "v1.11.1".into(),
                status: "ACTIVE".into(),
                health_issues: vec![],
            },
        ]),
        addons_error: None,
    }
}

fn node(i: usize, group: &str, cpu: u64) -> Node {
    Node {
        cluster: Default::default(),
        name: format!("ip-10-0-{i}-12.ec2.internal"),
        ready: NodeReadiness::Ready,
        cordoned: false,
        zone: "us-east-1a".into(),
        instance_type: "t3.large".into(),
        node_group: Some(group.into()),
        capacity_type: Some(CapacityType::OnDemand),
        pods: 20,
        cpu_requested_milli: cpu,
        cpu_allocatable_milli: 1930,
        mem_requested_bytes: 3 * GI,
        mem_allocatable_bytes: 7 * GI,
        pressure: Vec::new(),
        conditions: Vec::new(),
        created_at: NOW - 86_400_000,
    }
}

fn fixture() -> State {
    let mut s = State::new("shop-prod", NOW);
    let mut prod = cluster("shop-prod");
    prod.node_groups[1].status = "DEGRADED".into();
    prod.node_groups[1].health_issues.push("Ec2SpotInstanceUnavailable: no spot capacity".into());
    let mut dev = cluster("shop-dev");
    dev.addons = None;
    dev.addons_error = Some("AccessDeniedException: not authorized to ListAddons".into());
    s.infra.clusters = vec![prod, dev];
    let mut nodes: Vec<Node> = (1..=3).map(|i| node(i, "general", 900)).collect();
    nodes.push(node(4, "compute", 1800));
    let mut down = node(5, "compute", 500);
    down.ready = NodeReadiness::NotReady;
    nodes.push(down);
    let mut cordoned = node(6, "general", 100);
    cordoned.cordoned = true;
    cordoned.pressure.push("MemoryPressure".into());
    nodes.push(cordoned);
    // In the order the store keeps them.
    crate::state::infra::sort_nodes(&mut nodes);
    s.infra.nodes = nodes;
    let series = |label: &str, unit: &str, vals: &[f64], warn: Option<f64>| MetricSeries {
        cluster: Default::default(),
        label: label.into(),
        unit: unit.into(),
        points: vals.iter().enumerate().map(|(i, v)| (NOW - 3_600_000 + i as i64 * 300_000, *v)).collect(),
        warn_at: warn,
    };
    s.infra.metrics = vec![
        series("ALB 5xx", "Count", &[0.0, 1.0, 2.0, 40.0, 55.0], Some(20.0)),
        series("RDS CPU", "Percent", &[20.0, 30.0, 25.0, 35.0], Some(80.0)),
    ];
    s
}

fn render(state: &State, w: u16, h: u16, full: bool, focused: bool, selected: usize) -> Buffer {
    render_pane(draw, state, (w, h), full, focused, selected)
}

#[test]
fn summary_counts_ready_nodes() {
    assert_eq!(summary(&fixture()), "5/6 Ready · 1 cordoned");
    assert_eq!(summary(&State::default()), "");
}

#[test]
fn compact_small_cell_has_clusters_counts_and_worst_nodes() {
    let s = fixture();
    let buf = render(&s, 38, 5, false, false, 0);
    let text = lines(&buf);
    assert!(text[0].contains("shop-prod") && text[0].contains("ng 1/2 ok"), "{text:?}");
    assert!(text[1].contains("shop-dev"), "{text:?}");
    assert!(text[2].contains("6 nodes · 5 Ready · ✖ 1 NotReady"), "{text:?}");
    assert!(text[3].contains("ip-10-0-5-12") && text[3].contains("NotReady"), "worst first: {text:?}");
}

#[test]
fn compact_large_cell_adds_sparklines() {
    let s = fixture();
    let buf = render(&s, 51, 21, false, false, 0);
    let text = lines(&buf).join("\n");
    assert!(text.contains("ALB 5xx"), "{text}");
    assert_eq!(fg_of(&buf, "55"), fg(Role::Warn), "latest value");
    assert!(text.contains("▲ ALB 5xx"), "warn carries a symbol: {text}");
}

#[test]
fn focused_compact_follows_the_store_order_and_highlights() {
    let s = fixture();
    let theme = Theme::default_theme();
    // Worst first: NotReady, then cordoned with pressure, then the busiest.
    let names: Vec<&str> = s.infra.nodes.iter().map(|n| n.name.trim_end_matches(".ec2.internal")).collect();
    assert_eq!(names[..3], ["ip-10-0-5-12", "ip-10-0-6-12", "ip-10-0-4-12"]);
    let buf = render(&s, 51, 21, false, true, 2);
    let (_, y) = find(&buf, "ip-10-0-4-12").unwrap();
    assert_eq!(buf[(0, y)].bg, theme.style(Role::Selection).bg.unwrap());
    let (_, y1) = find(&buf, "ip-10-0-6-12").unwrap();
    assert!(y1 < y, "store order");
}

#[test]
fn full_shows_groups_with_readiness_issues_and_addons() {
    let s = fixture();
    for (w, h) in [(158, 44), (78, 40)] {
        let buf = render(&s, w, h, true, true, 0);
        let text = lines(&buf).join("\n");
        assert!(text.contains("Kubernetes 1.30"), "{text}");
        assert!(text.contains("4/4 Ready"), "general group joined with its nodes: {text}");
        assert!(text.contains("1/2 Ready"), "{text}");
        assert_eq!(fg_of(&buf, "Ec2SpotInstanceUnavailable"), fg(Role::Crit), "issue shown");
        assert_eq!(fg_of(&buf, "unavailable: AccessDenied"), fg(Role::Muted), "muted, not a crash");
        assert!(text.contains("Ready,SchedulingDisabled"), "{text}");
        assert!(text.contains("MemoryPressure"), "{text}");
        assert!(text.contains("● vpc-cni v1.18.3"), "{text}");
    }
}

#[test]
fn full_small_screen_keeps_the_nodes_visible() {
    let s = fixture();
    let buf = render(&s, 78, 20, true, true, 5);
    let text = lines(&buf).join("\n");
    assert!(text.contains("ip-10-0-6-12"), "selected node visible: {text}");
    assert!(text.contains("NAME"), "{text}");
}

#[test]
fn metric_values_read_in_their_units() {
    assert_eq!(metrics::value(43.4, "Percent"), "43%");
    assert_eq!(metrics::value(12.0, "Count"), "12");
    assert_eq!(metrics::value(0.25, "Seconds"), "250ms");
    assert_eq!(metrics::value(512.0 * 1024.0 * 1024.0, "Bytes"), "512Mi");
    assert_eq!(metrics::value(2.5, "Count/Second"), "2.5/s");
}

#[test]
fn cloud_strings_are_cleaned() {
    let mut s = fixture();
    s.infra.clusters[0].node_groups[0].health_issues.push("bad\x1b[2Jissue".into());
    s.infra.nodes[0].name = "evil\x07node".into();
    let buf = render(&s, 158, 44, true, true, 0);
    let text = lines(&buf).join("");
    assert!(!text.chars().any(|c| c.is_control()), "{text:?}");
}

#[test]
fn sparklines_cover_the_whole_window_and_keep_spikes() {
    let mut s = fixture();
    let mut vals = vec![1.0; 100];
    vals[3] = 50.0;
    s.infra.metrics[0].points =
        vals.iter().enumerate().map(|(i, v)| (NOW - 100_000 + i as i64 * 1000, *v)).collect();
    let ticks = metrics::ticks(&s.infra.metrics[0], 20);
    assert_eq!(ticks.len(), 20);
    assert_eq!(ticks[0], 1000, "the early spike survives downsampling");
    assert!(ticks[1..].iter().all(|t| *t == 20));
}

#[test]
fn tiny_areas_never_panic() {
    let s = fixture();
    for (w, h) in [(1, 1), (10, 2), (30, 3), (78, 4), (200, 6), (120, 8)] {
        for full in [false, true] {
            render(&s, w, h, full, true, 3);
        }
    }
}
