//! Render tests of the Cost pane on a fixture report: the numbers appear, the budget verdict is
//! in words and colour, and selection follows `top_services(8)`.

use ratatui::buffer::Buffer;

use super::*;
use crate::config::{Keymap, Theme};
use crate::state::view::Mode;
use crate::state::{Data, Message, SourceId, update};
use crate::ui::{Ui, render_to_buffer};

const NOW: i64 = 1_800_000_000_000;

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
    }
}

pub(super) fn fixture(budget: Option<f64>) -> State {
    let mut state = State::new("test", NOW);
    let src = SourceId::new("test/costexplorer");
    update(
        &mut state,
        Message::Register { source: src.clone(), interval_ms: 3_600_000, feeds: vec![PaneId::Cost] },
    );
    update(&mut state, Message::Data { source: src, at: NOW - 1000, data: Data::Cost(report(budget)) });
    update(&mut state, Message::Tick(NOW));
    state.finish_batch();
    state
}

fn render(state: &State, w: u16, h: u16) -> Buffer {
    let theme = Theme::default_theme();
    let keymap = Keymap::default_keymap();
    render_to_buffer(state, &Ui { theme: &theme, keymap: &keymap }, w, h)
}

fn text_of(buf: &Buffer) -> String {
    crate::headless::export::to_text(buf)
}

fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let w = buf.area.width;
    for y in 0..buf.area.height {
        let cells: Vec<&str> = (0..w).map(|x| buf[(x, y)].symbol()).collect();
        for x in 0..cells.len() {
            if cells[x..].concat().starts_with(needle) {
                return Some((x as u16, y));
            }
        }
    }
    None
}

fn full(mut state: State, selected: usize) -> State {
    state.view.mode = Mode::Full(PaneId::Cost);
    state.view.focus = PaneId::Cost;
    state.view.selected[PaneId::Cost.index()] = selected;
    state
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
    let warn = Theme::default_theme().style(Role::Warn).fg.unwrap();
    for st in [state.clone(), full(state, 0)] {
        for (w, h) in [(80, 24), (160, 48)] {
            let buf = render(&st, w, h);
            let text = text_of(&buf);
            assert!(text.contains("forecast over budget"), "{w}x{h}\n{text}");
            let (x, y) = find(&buf, "▲ forecast over budget").unwrap();
            assert_eq!(buf[(x, y)].fg, warn);
        }
    }
}

#[test]
fn spent_over_budget_is_crit() {
    let buf = render(&full(fixture(Some(500.0)), 0), 160, 48);
    let (x, y) = find(&buf, "✖ over budget").unwrap_or_else(|| panic!("{}", text_of(&buf)));
    assert_eq!(buf[(x, y)].fg, Theme::default_theme().style(Role::Crit).fg.unwrap());
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
        assert!(buf.content().iter().all(|c| !c.symbol().chars().any(char::is_control)));
        assert!(text_of(&buf).contains("Evil␛[2J"));
    }
}

#[test]
fn odd_sizes_do_not_panic() {
    for (w, h) in [(12, 4), (20, 6), (30, 8), (44, 12), (60, 14), (79, 30), (100, 20), (200, 60)] {
        for sel in [0, 3] {
            render(&full(fixture(Some(1000.0)), sel), w, h);
        }
        render(&fixture(Some(1000.0)), w, h);
    }
    let mut empty = fixture(Some(1000.0));
    empty.scaling.hpas.clear();
    empty.alerts.items.clear();
    empty.cost.report = None;
    for full_view in [false, true] {
        let st = if full_view { full(empty.clone(), 0) } else { empty.clone() };
        render(&st, 80, 24);
    }
}
