//! Render tests of the Cost pane on a fixture report: the numbers appear, the budget verdict is
//! in words and colour, and selection follows `top_services(8)`.

use super::*;
use crate::config::Theme;
use crate::state::Data;
use crate::ui::panes::test_support::{
    self, NOW, fed, fg, fg_of, find, no_control, render_odd_sizes, render_screen as render, text_of,
};

pub(super) fn report(budget: Option<f64>) -> CostReport {
    let mut daily: Vec<f64> = (0..13).map(|d| 40.0 + (d % 5) as f64 * 3.0).collect();
    daily.push(12.5);
    let by_service = [
        ("Amazon Elastic Compute Cloud - Compute", 210.0),
        ("EC2 - Other", 80.0),
        ("Amazon Relational Database Service", 95.0),
        ("Amazon Elastic Container Service for Kubernetes", 47.0),
        ("Elastic Load Balancing", 36.0),
        ("Amazon ElastiCache", 30.0),
        ("Amazon Simple Storage Service", 12.0),
        ("AmazonCloudWatch", 9.0),
        ("AWS Secrets Manager", 3.0),
        ("Amazon Route 53", 1.5),
    ];
    CostReport {
        currency: "USD".into(),
        metric: "UnblendedCost".into(),
        month: "2026-11".into(),
        days_in_month: 30,
        daily,
        by_service: by_service.iter().map(|(n, v)| (n.to_string(), *v)).collect(),
        last_month_same_days: Some(500.0),
        last_month_total: Some(1180.0),
        budget,
        fetched_at: NOW - 3 * 3_600_000,
        from_cache: true,
        requests: 0,
    }
}

pub(super) fn fixture(budget: Option<f64>) -> State {
    let src = "demo/cost-explorer";
    fed(PaneId::Cost, &[(src, 3_600_000)], [(src, NOW - 1000, Data::Cost(report(budget)))])
}

fn full(state: State, selected: usize) -> State {
    test_support::full(state, PaneId::Cost, selected)
}

#[test]
fn summary_is_mtd_and_forecast() {
    let s = fixture(Some(1500.0));
    let r = s.cost.report.as_ref().unwrap();
    assert_eq!(
        summary(&s),
        format!("{} MTD · fcst {}", format::money(r.month_to_date()), format::money(r.forecast()))
    );
    assert!(summary(&s).chars().count() <= 28);
    assert_eq!(summary(&State::default()), "");
}

#[test]
fn forecast_over_budget_is_a_warning_in_words() {
    // MTD ≈ $556, forecast ≈ $1,290: over a $1,000 budget but not spent yet.
    let state = fixture(Some(1000.0));
    for st in [state.clone(), full(state, 0)] {
        for (w, h) in [(80, 24), (160, 48)] {
            let buf = render(&st, w, h);
            let text = text_of(&buf);
            assert!(text.contains("forecast over budget"), "{w}x{h}\n{text}");
            assert_eq!(fg_of(&buf, "▲ forecast over budget"), fg(Role::Warn));
        }
    }
}

#[test]
fn spent_over_budget_is_crit() {
    let buf = render(&full(fixture(Some(500.0)), 0), 160, 48);
    assert_eq!(fg_of(&buf, "✖ over budget"), fg(Role::Crit));
}

#[test]
fn full_view_has_everything() {
    let theme = Theme::default_theme();
    for (w, h) in [(80, 24), (160, 48)] {
        let state = full(fixture(Some(1500.0)), 2);
        let r = state.cost.report.as_ref().unwrap();
        let change = format!("↑ {}", format::change(r.change_vs_last_month().unwrap()));
        let buf = render(&state, w, h);
        let text = text_of(&buf);
        for needle in [
            "MTD",
            change.as_str(),
            "UnblendedCost",
            "cached",
            "Amazon Elastic Compute Cloud - Compute",
            "Other",
            "daily spend",
            "forecast within budget",
            FORECAST_NOTE,
        ] {
            assert!(text.contains(needle), "{w}x{h} lacks {needle}\n{text}");
        }
        // The selected row is the third of top_services, in the report's order.
        let (_, y) = find(&buf, "Amazon Relational").unwrap();
        let sel = theme.style(Role::Selection).bg.unwrap();
        assert!((1..w - 1).filter(|&x| buf[(x, y)].bg == sel).count() > 20, "{text}");
        let (_, y) = find(&buf, "Amazon Elastic Container").unwrap();
        assert!((1..w - 1).all(|x| buf[(x, y)].bg != sel));
    }
}

#[test]
fn untrusted_names_are_cleaned() {
    let mut state = fixture(None);
    let r = state.cost.report.as_mut().unwrap();
    r.by_service[0].0 = "Evil\x1b[2J service".into();
    r.metric = "Unblended\x07Cost".into();
    for st in [state.clone(), full(state, 0)] {
        let buf = render(&st, 160, 48);
        assert!(no_control(&buf));
        assert!(text_of(&buf).contains("Evil␛[2J"));
    }
}

#[test]
fn odd_sizes_do_not_panic() {
    render_odd_sizes(&fixture(Some(1000.0)), PaneId::Cost);
}
