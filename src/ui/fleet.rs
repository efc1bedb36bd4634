//! The fleet screen: one row per watched cluster, worst first, with the counts an on-call
//! engineer scans for and whether each cluster's rows are current. Reads the rows
//! `state::fleet_summary` derives; ranks nothing itself.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Cell, Row};

use super::table::{self, Spec, Window};
use super::widgets::{level_symbol, push_counts};
use super::{Ui, text};
use crate::config::theme::Role;
use crate::domain::format;
use crate::state::fleet_summary::{FleetRow, Freshness, fleet_rows, fleet_selected};
use crate::state::{Level, State};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    Sym,
    Cluster,
    Crit,
    Warn,
    Failing,
    NotReady,
    OutOfSync,
    Degraded,
    AtMax,
    NodesNotReady,
    Firing,
    Mtd,
    Forecast,
    Where,
    Version,
    State,
}

/// Narrow terminals keep the name, the problem counts and the state first.
const COLS: &[Spec<Col>] = &[
    Spec(Col::Sym, "", 1, 1, 0),
    Spec(Col::Cluster, "CLUSTER", 14, 28, 0),
    Spec(Col::Crit, "CRIT", 4, 4, 0),
    Spec(Col::Warn, "WARN", 4, 4, 0),
    Spec(Col::Failing, "FAIL", 4, 5, 2),
    Spec(Col::NotReady, "NRDY", 4, 5, 3),
    Spec(Col::OutOfSync, "OOS", 3, 4, 3),
    Spec(Col::Degraded, "DEG", 3, 4, 2),
    Spec(Col::AtMax, "@MAX", 4, 4, 4),
    Spec(Col::NodesNotReady, "NODE✖", 5, 5, 4),
    Spec(Col::Firing, "FIRING", 6, 6, 2),
    Spec(Col::Mtd, "MTD", 9, 10, 5),
    Spec(Col::Forecast, "FORECAST", 9, 10, 6),
    Spec(Col::Where, "ACCOUNT · REGION", 14, 28, 7),
    Spec(Col::Version, "K8S", 5, 5, 7),
    Spec(Col::State, "STATE", 12, 60, 1),
];

/// What the short headers mean: the longest that fits the bottom border.
const LEGENDS: &[&str] = &[
    " FAIL pods failing · NRDY pods not ready · OOS apps out of sync · DEG apps degraded · @MAX HPAs at max · NODE✖ nodes not ready ",
    " FAIL/NRDY pods failing/not ready · OOS/DEG apps out of sync/degraded · @MAX HPAs at max ",
    " FAIL/NRDY pods · OOS/DEG apps · @MAX HPAs · NODE✖ nodes ",
];

pub fn draw(f: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    let t = ui.theme;
    let rows = fleet_rows(state);
    let crit: usize = rows.iter().map(|r| r.critical).sum();
    let warn: usize = rows.iter().map(|r| r.warning).sum();
    let n = rows.len();
    let mut title = vec![
        Span::styled(" 0 ", t.style(Role::Muted)),
        Span::styled("Fleet", t.style(Role::Title)),
        Span::styled(format!(" {n} cluster{}", if n == 1 { "" } else { "s" }), t.style(Role::Text)),
    ];
    let counts = [(crit, "critical", Level::Crit), (warn, "warning", Level::Warn)];
    push_counts(&mut title, area.width.saturating_sub(4) as usize, t, &counts, "all clear");
    title.push(Span::raw(" "));
    let legend = LEGENDS.iter().find(|l| l.chars().count() + 4 <= area.width as usize).copied().unwrap_or("");
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Thick)
        .border_style(super::widgets::border_style(state, t, true))
        .title(Line::from(title))
        .title_bottom(Line::from(Span::styled(legend, t.style(Role::Muted))).right_aligned());
    let inner = block.inner(area);
    f.render_widget(block, area);
    let cols = table::pick(COLS, inner.width);
    let win = Window::new(inner, true, n, fleet_selected(state, &rows), true);
    let drawn = rows[win.start..win.end].iter().enumerate().map(|(i, r)| {
        let cells = cols.iter().map(|&(c, _, w)| cell(state, ui, r, c, w as usize));
        (win.start + i, Row::new(cells))
    });
    table::draw(f, inner, t, &cols, drawn, win);
}

fn cell(state: &State, ui: &Ui, r: &FleetRow, c: Col, w: usize) -> Cell<'static> {
    let t = ui.theme;
    let count = |n: usize, level: Level| -> Cell<'static> {
        if n == 0 {
            Cell::from(Span::styled("·", t.style(Role::Muted)))
        } else {
            Cell::from(Span::styled(n.to_string(), t.level(level)))
        }
    };
    let muted = |s: String| Cell::from(Span::styled(s, t.style(Role::Muted)));
    match c {
        Col::Sym => Cell::from(Span::styled(level_symbol(r.level), t.level(r.level))),
        Col::Cluster => cluster_cell(ui, r, w),
        Col::Crit => count(r.critical, Level::Crit),
        Col::Warn => count(r.warning, Level::Warn),
        Col::Failing => count(r.pods_failing, Level::Crit),
        Col::NotReady => count(r.pods_not_ready, Level::Warn),
        Col::OutOfSync => count(r.apps_out_of_sync, Level::Warn),
        Col::Degraded => count(r.apps_degraded, Level::Crit),
        Col::AtMax => count(r.hpas_at_max, Level::Warn),
        Col::NodesNotReady => count(r.nodes_not_ready, Level::Crit),
        Col::Firing => count(r.alerts_firing, Level::Crit),
        Col::Mtd => muted(r.cost_mtd.map_or("—".into(), format::money)),
        Col::Forecast => muted(r.cost_forecast.map_or("—".into(), format::money)),
        Col::Where => {
            let place = [r.account.as_deref(), r.region.as_deref()].into_iter().flatten();
            let place: Vec<&str> = place.collect();
            let s = if place.is_empty() { "—".to_string() } else { place.join(" · ") };
            muted(text::fit(&text::clean(&s), w))
        }
        Col::Version => muted(r.version.as_deref().map_or("—".into(), |v| text::fit(&text::clean(v), w))),
        Col::State => state_cell(state, ui, &r.freshness, w),
    }
}

/// The name, and PROD / RO after it where that cluster's safety says so.
fn cluster_cell(ui: &Ui, r: &FleetRow, w: usize) -> Cell<'static> {
    let t = ui.theme;
    let tag = match (r.production, r.readonly) {
        (true, true) => " PROD RO",
        (true, false) => " PROD",
        (false, true) => " RO",
        (false, false) => "",
    };
    let name_w = w.saturating_sub(tag.chars().count()).max(4);
    let mut spans = vec![Span::styled(text::fit(&text::clean(r.cluster.as_str()), name_w), t.level(r.level))];
    if !tag.is_empty() {
        let style = if r.production { t.style(Role::Production) } else { t.style(Role::Warn) };
        spans.push(Span::raw(" "));
        spans.push(Span::styled(tag.trim_start().to_string(), style));
    }
    Cell::from(Line::from(spans))
}

fn state_cell(state: &State, ui: &Ui, fresh: &Freshness, w: usize) -> Cell<'static> {
    let t = ui.theme;
    let (s, style): (String, Style) = match fresh {
        Freshness::Live { .. } => ("live".into(), t.level(Level::Ok)),
        Freshness::Loading => ("loading…".into(), t.style(Role::Muted)),
        Freshness::Lazy => ("watched once opened (Enter)".into(), t.style(Role::Muted)),
        Freshness::Stale { since } => (
            since.map_or("stale".into(), |at| format!("stale {}", format::age(state.now, at))),
            t.level(Level::Warn),
        ),
        Freshness::Error { source, error, failing } => {
            // The error first: the source's name is the less telling half when cut short.
            let more = if *failing > 1 { format!(" +{} more", failing - 1) } else { String::new() };
            (format!("{} ({source}{more})", text::clean(error)), t.level(Level::Crit))
        }
    };
    Cell::from(Span::styled(text::fit(&s, w), style))
}
