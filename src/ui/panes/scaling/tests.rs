//! Render tests of the Scaling pane on a small fixture world: text appears where it should and
//! colour carries meaning. No whole-screen snapshots here; those live with the snapshot suite.

use super::*;
use crate::state::Data;
use crate::state::pods::Owner;
use crate::state::scaling::HpaCondition;
use crate::ui::panes::test_support::{
    self, NOW, drawn_in, fed, no_control, render_odd_sizes, render_screen as render, text_of,
};

fn cond(kind: &str, status: bool, reason: &str, message: &str) -> HpaCondition {
    HpaCondition { kind: kind.into(), status, reason: reason.into(), message: message.into() }
}

fn hpa(ns: &str, name: &str, (min, cur, des, max): (u32, u32, u32, u32), cpu: Option<u32>) -> Hpa {
    Hpa {
        cluster: Default::default(),
        namespace: ns.into(),
        name: name.into(),
        target: Owner { kind: "Deployment".into(), name: name.into() },
        min,
        max,
        current: cur,
        desired: des,
        metrics: vec![
            HpaMetric { name: "cpu".into(), current: cpu, target: 70 },
            HpaMetric { name: "memory".into(), current: Some(55), target: 80 },
        ],
        conditions: vec![
            cond("AbleToScale", true, "ReadyForNewScale", "recommended size matches current size"),
            cond("ScalingActive", true, "ValidMetricFound", "the HPA was able to compute the replica count"),
        ],
        last_scale: Some(NOW - 180_000),
    }
}

fn world() -> Vec<Hpa> {
    let mut cart = hpa("storefront", "cart", (2, 20, 20, 20), Some(140));
    cart.conditions.push(cond(
        "ScalingLimited",
        true,
        "TooManyReplicas",
        "the desired replica count is more than the maximum replica count",
    ));
    let mut order = hpa("storefront", "order", (2, 3, 3, 20), None);
    order.conditions[1] = cond(
        "ScalingActive",
        false,
        "FailedGetResourceMetric",
        "the HPA was unable to compute the replica count: no metrics returned",
    );
    vec![
        hpa("storefront", "frontend", (2, 4, 4, 10), Some(45)),
        cart,
        hpa("storefront", "product", (2, 6, 8, 20), Some(84)),
        order,
    ]
}

pub(super) fn fixture() -> State {
    let src = "demo/kubernetes";
    // A ramp of samples so the sparklines have a shape.
    let ramp = (0..40u32).map(|i| {
        let mut hpas = world();
        hpas[1].current = (4 + i / 2).min(20);
        (src, NOW - 40_000 + i as i64 * 1000, Data::Hpas(hpas))
    });
    fed(PaneId::Scaling, &[(src, 10_000)], ramp)
}

fn full(state: State, selected: usize) -> State {
    test_support::full(state, PaneId::Scaling, selected)
}

#[test]
fn summary_counts_hpas_at_max_and_failing() {
    assert_eq!(summary(&fixture()), "4 HPAs · 1 failing · 1 at max");
    assert_eq!(summary(&State::default()), "");
}

#[test]
fn stored_order_puts_problems_first() {
    // The pane draws in stored order; this checks the fixture exercises the ranking.
    let s = fixture();
    let names: Vec<&str> = s.scaling.hpas.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["order", "cart", "product", "frontend"]);
}

#[test]
fn overview_compact_rows_fit_80x24() {
    let buf = render(&fixture(), 80, 24);
    let text = text_of(&buf);
    for needle in ["4 HPAs · ✖ 1 not scaling · ▲ 1 at max", "20/20 at max", "6→8/20 scaling"] {
        assert!(text.contains(needle), "lacks {needle}:\n{text}");
    }
    assert!(drawn_in(&buf, "20/20", Role::Warn), "{text}");
    assert!(drawn_in(&buf, "inactive", Role::Crit), "{text}");
}

#[test]
fn tall_overview_cell_explains_problems() {
    let buf = render(&fixture(), 160, 48);
    let text = text_of(&buf);
    assert!(text.contains("✖ order: the HPA was unable to compute"), "{text}");
    assert!(text.contains("▲ cart at max 20 of 20 · cpu 140% over 70% target"), "{text}");
}

#[test]
fn full_view_shows_metrics_conditions_and_charts() {
    let state = full(fixture(), 1);
    for (w, h) in [(80, 24), (160, 48)] {
        let buf = render(&state, w, h);
        let text = text_of(&buf);
        for needle in ["storefront/cart", "cpu 140%/70%", "at max", "TooManyReplicas", "ScalingLimited=True"]
        {
            assert!(text.contains(needle), "{w}x{h} lacks {needle}:\n{text}");
        }
        assert!(text.contains("replicas 20"), "{w}x{h}: no replicas chart\n{text}");
        assert!(text.contains("util") || text.contains("utilisation"), "{w}x{h}\n{text}");
        // The selected row takes the selection style; the detail keeps the warn colour.
        assert!(drawn_in(&buf, "cpu 140%/70%", Role::Warn), "{w}x{h}");
        assert!(drawn_in(&buf, "▲ ScalingLimited=True", Role::Warn), "{w}x{h}");
    }
}

#[test]
fn scaling_inactive_is_crit() {
    for sel in [0, 2] {
        let buf = render(&full(fixture(), sel), 160, 48);
        assert!(drawn_in(&buf, "ScalingActive=False", Role::Crit), "{}", text_of(&buf));
    }
}

#[test]
fn cluster_strings_are_cleaned() {
    let mut state = fixture();
    state.scaling.hpas[0].name = "evil\x1b[31m".into();
    state.scaling.hpas[0].conditions[0].message = "bad\x1b]0;x\x07".into();
    for st in [state.clone(), full(state, 0)] {
        let buf = render(&st, 160, 48);
        assert!(no_control(&buf));
        assert!(text_of(&buf).contains("evil␛[31m"));
    }
}

#[test]
fn many_hpas_render_only_the_window() {
    let mut state = fixture();
    let base = state.scaling.hpas[3].clone();
    state.scaling.hpas = (0..1000).map(|i| Hpa { name: format!("svc-{i:04}"), ..base.clone() }).collect();
    let state = full(state, 777);
    let buf = render(&state, 80, 24);
    assert!(text_of(&buf).contains("svc-0777"));
}

#[test]
fn odd_sizes_do_not_panic() {
    render_odd_sizes(&fixture(), PaneId::Scaling);
}

/// The overview cell's rows and its chart's title, at 160×48, with row `selected` of the Scaling
/// pane selected and the pane focused.
fn tall_overview(mut state: State, selected: usize) -> (ratatui::buffer::Buffer, String) {
    state.view.focus = PaneId::Scaling;
    crate::state::view::select(&mut state, PaneId::Scaling, selected);
    let buf = render(&state, 160, 48);
    let text = text_of(&buf);
    (buf, text)
}

#[test]
fn tall_overview_cell_charts_the_selected_hpas_history() {
    let (buf, text) = tall_overview(fixture(), 1);
    assert!(text.contains("cart · replicas and peak utilisation, the last 1m"), "{text}");
    assert!(text.contains("replicas 20 of max 20 (min 2)"), "{text}");
    assert!(text.contains("peak utilisation cpu 140% · target 70% ▲ over"), "{text}");
    // At max and over target: both lines are drawn in the warn colour; the time axis ends now.
    assert!(drawn_in(&buf, "replicas 20 of max", Role::Warn), "{text}");
    assert!(drawn_in(&buf, "peak utilisation cpu 140%", Role::Warn), "{text}");
    assert!(text.contains("-1m") && text.contains("now"), "{text}");
    let warn = test_support::fg(Role::Warn);
    let braille =
        |c: &ratatui::buffer::Cell| c.symbol().chars().any(|ch| ('\u{2801}'..='\u{28ff}').contains(&ch));
    let lines = buf.content().iter().filter(|c| braille(c) && c.fg == warn).count();
    assert!(lines > 40, "the lines are drawn ({lines} cells)");

    // The chart follows the selection: frontend's, within range, in the plain colours.
    let (_, text) = tall_overview(fixture(), 3);
    assert!(text.contains("frontend · replicas and peak utilisation"), "{text}");
    assert!(text.contains("replicas 4 of max 10 (min 2)"), "{text}");
    assert!(!text.contains("cart · replicas"), "{text}");
}

#[test]
fn short_overview_cell_has_no_chart() {
    let buf = render(&fixture(), 80, 24);
    assert!(!text_of(&buf).contains("replicas and peak utilisation"), "{}", text_of(&buf));
    // A history of one sample is not a line yet: the cell says when it starts.
    let one =
        fed(PaneId::Scaling, &[("demo/kubernetes", 10_000)], [("demo/kubernetes", NOW, Data::Hpas(world()))]);
    let (_, text) = tall_overview(one, 0);
    assert!(text.contains("order: history starts with the next delivery"), "{text}");
}
