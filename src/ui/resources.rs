//! The `:KIND` list: the server's own columns (those `kubectl get` shows, then `-o wide`'s where
//! there is room), widths from content, the selection, the list's state on the frame (listing,
//! live, or the API's error with the rows kept). A status word reads in its level's colour.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Cell, Paragraph, Row, Table};
use unicode_width::UnicodeWidthStr;

use super::Ui;
use super::text;
use super::widgets::{border_style, window_start};
use crate::config::Theme;
use crate::config::theme::Role;
use crate::domain::format;
use crate::state::resources::{ListState, TableRow};
use crate::state::{Level, State, resource_rows};

/// Widest a column grows; narrowest a kept column gets.
const MAX_WIDTH: usize = 48;
const MIN_WIDTH: usize = 3;

/// How a cell reads: the usual words of health in their level's colour, the rest as text.
pub fn cell_level(column: &str, value: &str) -> Option<Level> {
    let col = column.to_ascii_lowercase();
    if !matches!(col.as_str(), "status" | "ready" | "phase" | "sync status" | "health status" | "state") {
        return None;
    }
    if let Some((a, b)) = value.split_once('/')
        && let (Ok(a), Ok(b)) = (a.trim().parse::<u32>(), b.trim().parse::<u32>())
    {
        return Some(if a < b { Level::Warn } else { Level::Ok });
    }
    let v = value.split([',', ' ']).next().unwrap_or(value);
    Some(match v {
        "Running" | "Ready" | "True" | "Healthy" | "Synced" | "Bound" | "Active" | "Succeeded"
        | "Completed" | "Complete" => Level::Ok,
        "Pending" | "Progressing" | "OutOfSync" | "ContainerCreating" | "Terminating" | "Suspended"
        | "NotReady" => Level::Warn,
        "Failed" | "Error" | "CrashLoopBackOff" | "ImagePullBackOff" | "ErrImagePull" | "Degraded"
        | "False" | "Lost" | "OOMKilled" | "Missing" => Level::Crit,
        _ => return None,
    })
}

/// The namespace, as `kubectl get -A` puts it first, when the list spans namespaces.
const NAMESPACE: usize = usize::MAX;

fn spans_namespaces(state: &State) -> bool {
    state.view.resources.as_ref().is_some_and(|v| v.namespace.is_none() && v.kind.namespaced)
}

fn header_of(state: &State, i: usize) -> String {
    match i {
        NAMESPACE => "NAMESPACE".into(),
        i => state.resources.columns.get(i).map_or(String::new(), |c| c.name.to_uppercase()),
    }
}

/// The columns to show and their widths: every priority-0 column that fits, then wide ones.
fn layout(state: &State, rows: &[&TableRow], width: u16) -> Vec<(usize, usize)> {
    let cols = &state.resources.columns;
    let mut ids: Vec<usize> = (0..cols.len()).collect();
    if spans_namespaces(state) {
        ids.insert(0, NAMESPACE);
    }
    let widths: Vec<usize> = ids
        .iter()
        .map(|&i| {
            let content = rows.iter().map(|r| shown_cell(state, r, i).width()).max().unwrap_or(0);
            content.max(header_of(state, i).width()).clamp(MIN_WIDTH, MAX_WIDTH)
        })
        .collect();
    let priority = |i: usize| if i == NAMESPACE { 0 } else { cols[i].priority };
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_by_key(|n| (priority(ids[*n]) > 0, *n));
    let mut keep = Vec::new();
    let mut used = 0;
    for n in order {
        let need = widths[n] + usize::from(used > 0);
        if used + need <= width as usize {
            keep.push(n);
            used += need;
        } else if ids[n] == 0 && !keep.iter().any(|k| ids[*k] == 0) {
            // The name always shows, cut to what there is.
            keep.push(n);
            used = width as usize;
        }
    }
    keep.sort_unstable();
    keep.into_iter().map(|n| (ids[n], widths[n].min(width as usize))).collect()
}

/// A cell as shown: the Age column live from the creation time (the server's is its list time).
fn shown_cell(state: &State, r: &TableRow, i: usize) -> String {
    if i == NAMESPACE {
        return r.namespace.clone().unwrap_or_default();
    }
    let name = state.resources.columns.get(i).map_or("", |c| c.name.as_str());
    match (name.eq_ignore_ascii_case("age"), r.created) {
        (true, Some(t)) => format::age(state.now, t),
        _ => r.cells.get(i).cloned().unwrap_or_default(),
    }
}

fn title(state: &State, theme: &Theme, shown: usize) -> Line<'static> {
    let Some(v) = &state.view.resources else { return Line::default() };
    let scope = match (&v.namespace, v.kind.namespaced) {
        (Some(ns), true) => ns.clone(),
        (None, true) => "all namespaces".to_string(),
        (_, false) => "cluster".to_string(),
    };
    let total = state.resources.rows.len();
    let count = if shown == total { total.to_string() } else { format!("{shown} of {total}") };
    let mut spans = vec![
        Span::styled(format!(" {} ", v.kind.plural), theme.style(Role::Title)),
        Span::styled(format!("({}) ", v.kind.api_version()), theme.style(Role::Muted)),
        Span::styled(format!("{} · {count} ", text::clean(&scope)), theme.style(Role::Text)),
    ];
    let (what, level) = match &state.resources.state {
        ListState::Listing => ("listing…".to_string(), Level::Muted),
        ListState::Live => ("live".to_string(), Level::Ok),
        ListState::Failed(e) => (format!("error: {e} · retrying"), Level::Crit),
    };
    spans.push(Span::styled(format!("· {} ", text::clean(&what)), theme.level(level)));
    if let Some(sort) = resource_rows::sort_label(state) {
        spans.push(Span::styled(format!("· sorted by {sort} "), theme.style(Role::Accent)));
    }
    Line::from(spans)
}

pub fn draw(f: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    let theme = ui.theme;
    let rows = resource_rows::rows(state);
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Thick)
        .border_style(border_style(state, theme, true))
        .title(text::fit_line(title(state, theme, rows.len()), area.width.saturating_sub(2) as usize));
    if let Some(filter) = state.view.current_filter() {
        let s = format!(" /{} ", text::fit(filter, area.width.saturating_sub(6) as usize / 2));
        block = block.title_bottom(Line::from(Span::styled(s, theme.style(Role::Match))).right_aligned());
    }
    let inner = block.inner(area);
    f.render_widget(block, area);
    if inner.height == 0 {
        return;
    }
    if rows.is_empty() {
        let note = match &state.resources.state {
            ListState::Listing => "listing…",
            ListState::Failed(_) => "nothing listed yet (the error is on the frame)",
            ListState::Live if state.view.current_filter().is_some() => "no row matches the filter",
            ListState::Live => "none in this scope",
        };
        f.render_widget(Paragraph::new(Span::styled(format!(" {note}"), theme.style(Role::Muted))), inner);
        return;
    }
    let cols = layout(state, &rows, inner.width);
    let selected = state.view.resources.as_ref().map_or(0, |v| v.selected).min(rows.len() - 1);
    let body_rows = inner.height.saturating_sub(1) as usize;
    let start = window_start(selected, rows.len(), body_rows);
    let header =
        Row::new(cols.iter().map(|(i, _)| Cell::from(text::clean(&header_of(state, *i)).into_owned())))
            .style(theme.style(Role::Header));
    let lines = rows.iter().enumerate().skip(start).take(body_rows).map(|(n, r)| {
        let cells = cols.iter().map(|(i, w)| {
            let value = shown_cell(state, r, *i);
            let name = header_of(state, *i);
            let style = match *i {
                NAMESPACE => theme.style(Role::Muted),
                _ => cell_level(&name, &value).map_or(theme.style(Role::Text), |l| theme.level(l)),
            };
            Cell::from(Span::styled(text::fit(&value, *w), style))
        });
        let row = Row::new(cells.collect::<Vec<_>>());
        if n == selected { row.style(theme.style(Role::Selection)) } else { row }
    });
    let widths: Vec<Constraint> = cols.iter().map(|(_, w)| Constraint::Length(*w as u16)).collect();
    f.render_widget(Table::new(lines.collect::<Vec<_>>(), widths).header(header).column_spacing(1), inner);
    if (start..start + body_rows).contains(&selected) {
        let y = inner.y + 1 + (selected - start) as u16;
        super::table::restyle_selected(f, Rect { y, height: 1, ..inner }, theme);
    }
}

/// Key hints for the status line.
pub fn hints(state: &State, ui: &Ui) -> Vec<(String, &'static str)> {
    use crate::config::keymap::Section;
    use crate::domain::command::Command;
    use crate::domain::registry::ActionId;
    let kind = state.view.resources.as_ref().map(|v| v.kind.clone());
    let mut cmds: Vec<(Command, &'static str)> = vec![(Command::Open, "describe")];
    if kind.as_ref().is_some_and(|k| k.has_pods() || k.known() == Some(crate::domain::resource::Known::Pod)) {
        cmds.push((Command::Logs, "logs"));
    }
    let actions = [
        (ActionId::Shell, "shell"),
        (ActionId::PortForward, "port-forward"),
        (ActionId::Rollback, "rollback"),
        (ActionId::Edit, "edit"),
        (ActionId::DeleteObject, "delete"),
    ];
    let target = crate::input::objects::current_target(state);
    let cluster = crate::input::objects::current_cluster(state);
    for (id, what) in actions {
        let spec = crate::domain::registry::spec(id);
        let fits = target.as_ref().is_some_and(|t| crate::input::dispatch::applies(state, id, t, &cluster));
        if fits && !(state.readonly_of(&cluster) && spec.mutating) {
            cmds.push((Command::Action(id), what));
        }
    }
    cmds.iter()
        .filter_map(|(c, what)| {
            ui.keymap
                .keys_in(Section::Resources, *c)
                .first()
                .or(ui.keymap.keys_for(Section::Global, *c).first())
                .map(|k| (k.clone(), *what))
        })
        .collect()
}
