//! The Pods pane's workloads view (`w`, `:deploy`): Deployments, StatefulSets and DaemonSets
//! with ready, up-to-date and available counts as `kubectl get` shows them, worst first; in full
//! screen the selected one's failing condition is spelled out below.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Wrap};

use super::PaneCtx;
use crate::config::theme::Role;
use crate::domain::format;
use crate::state::workloads::Workload;
use crate::state::{Level, PaneId, rows};
use crate::ui::table::{self, Spec, Window};
use crate::ui::text;
use crate::ui::widgets::{empty_note, level_symbol, push_counts, source_reported};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    Sym,
    Cluster,
    Namespace,
    Kind,
    Name,
    Ready,
    Updated,
    Available,
    Status,
    Image,
    Age,
}

const FULL: &[Spec<Col>] = &[
    Spec(Col::Sym, "", 1, 1, 0),
    Spec(Col::Namespace, "NAMESPACE", 12, 16, 3),
    Spec(Col::Kind, "KIND", 6, 6, 2),
    Spec(Col::Name, "NAME", 18, 36, 0),
    Spec(Col::Ready, "READY", 7, 7, 0),
    Spec(Col::Updated, "UP-TO-DATE", 10, 10, 4),
    Spec(Col::Available, "AVAILABLE", 9, 9, 4),
    Spec(Col::Status, "STATUS", 22, 26, 1),
    Spec(Col::Image, "IMAGE", 20, 48, 6),
    Spec(Col::Age, "AGE", 5, 5, 5),
];

const COMPACT: &[Spec<Col>] = &[
    Spec(Col::Sym, "", 1, 1, 0),
    Spec(Col::Namespace, "NS", 10, 12, 4),
    Spec(Col::Kind, "KIND", 6, 6, 3),
    Spec(Col::Name, "NAME", 12, 36, 0),
    Spec(Col::Ready, "READY", 5, 7, 1),
    Spec(Col::Status, "STATUS", 14, 18, 2),
];

fn headline(ctx: &PaneCtx, width: usize) -> Line<'static> {
    let t = ctx.theme;
    let all: Vec<_> = ctx.state.workloads.iter().filter(|w| ctx.state.shows(&w.cluster)).collect();
    let count = |l: Level| all.iter().filter(|w| w.level() == l).count();
    let mut spans = vec![Span::styled(format!(" {} workloads", all.len()), t.style(Role::Text))];
    let parts = [
        (count(Level::Crit), "failing", Level::Crit),
        (count(Level::Warn), "degraded", Level::Warn),
        (count(Level::Accent), "rolling out", Level::Accent),
    ];
    push_counts(&mut spans, width, t, &parts, "all available");
    Line::from(spans)
}

fn cell(col: Col, width: u16, w: &Workload, ctx: &PaneCtx) -> Cell<'static> {
    let t = ctx.theme;
    let n = width as usize;
    let level = w.level();
    let count_style = |short: bool| if short { t.level(Level::Warn) } else { t.style(Role::Text) };
    let (s, style) = match col {
        Col::Sym => (level_symbol(level).to_string(), t.level(level)),
        Col::Cluster => (text::fit(&text::clean(w.cluster.as_str()), n), t.style(Role::Accent)),
        Col::Namespace => (text::fit(&w.namespace, n), t.style(Role::Muted)),
        Col::Kind => (w.kind.short().to_string(), t.style(Role::Muted)),
        Col::Name => (text::fit(&w.name, n), t.style(Role::Text)),
        Col::Ready => (format!("{}/{}", w.ready, w.desired), count_style(w.ready < w.desired)),
        Col::Updated => (w.updated.to_string(), count_style(w.updated < w.desired)),
        Col::Available => (w.available.to_string(), count_style(w.available < w.desired)),
        Col::Status => (text::fit(&w.status(), n), t.level(level)),
        Col::Image => (text::fit(&w.image, n), t.style(Role::Muted)),
        Col::Age => (format::age(ctx.state.now, w.created_at), t.style(Role::Muted)),
    };
    Cell::from(Span::styled(s, style))
}

pub fn draw(f: &mut Frame, area: Rect, ctx: &PaneCtx) {
    let t = ctx.theme;
    if area.height == 0 || area.width == 0 {
        return;
    }
    if ctx.state.workloads.is_empty() {
        let why = if source_reported(ctx.state, PaneId::Pods) {
            "no Deployments, StatefulSets or DaemonSets in this context"
        } else {
            "waiting for the workloads"
        };
        empty_note(f, area, why, t.style(Role::Muted));
        return;
    }
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    f.render_widget(Paragraph::new(headline(ctx, head.width as usize)), head);
    let shown = rows::workloads(ctx.state);
    let selected = shown.get(ctx.selected);
    // Why the selected workload is failing, in the API's words; only where there is room.
    let why = selected.and_then(|w| w.failure.as_ref()).filter(|_| ctx.full && body.height >= 8);
    let (table_area, note) = match why {
        Some(_) => {
            let [a, b] = Layout::vertical([Constraint::Min(0), Constraint::Length(3)]).areas(body);
            (a, Some(b))
        }
        None => (body, None),
    };
    let specs = if ctx.full { FULL } else { COMPACT };
    let specs = table::with_cluster(specs, ctx.state, Col::Cluster, 1);
    let cols = table::pick_widened(&specs, table_area.width, Col::Name, 20, Col::Status);
    let with_header = ctx.full || table_area.height >= 6;
    let win = Window::new(table_area, with_header, shown.len(), ctx.selected, ctx.navigating());
    let rows = shown[win.start..win.end]
        .iter()
        .enumerate()
        .map(|(i, w)| (win.start + i, Row::new(cols.iter().map(|&(c, _, cw)| cell(c, cw, w, ctx)))));
    table::draw(f, table_area, t, &cols, rows, win);
    if let (Some(area), Some((reason, message)), Some(w)) = (note, why, selected) {
        let line = Line::from(vec![
            Span::styled(format!(" {} {}/{}: ", w.kind.short(), w.namespace, w.name), t.style(Role::Muted)),
            Span::styled(format!("{reason} "), t.level(Level::Crit)),
            Span::styled(text::clean(message), t.style(Role::Text)),
        ]);
        f.render_widget(Paragraph::new(line).wrap(Wrap { trim: true }), area);
    }
}
