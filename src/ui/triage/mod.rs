//! The triage view: every problem ranked in one table, and beside it what links to the selected
//! one and the key that fixes it. Reads `state.triage`; never ranks or links anything itself.

mod linked;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Cell, Paragraph, Row};

use super::table::{self, Spec, Window};
use super::widgets::{level_symbol, push_counts};
use super::{Ui, text};
use crate::config::keymap::Section;
use crate::config::theme::Role;
use crate::domain::command::Command;
use crate::domain::format;
use crate::input::triage::fixes;
use crate::state::triage::Problem;
use crate::state::{Level, State};

/// Terminals at least this wide get the linked items beside the table rather than below it.
const SIDE_BY_SIDE: u16 = 120;
const SIDE_WIDTH: u16 = 56;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    Sym,
    Cluster,
    Kind,
    Subject,
    Detail,
    Age,
    Fix,
}

const COLS: &[Spec<Col>] = &[
    Spec(Col::Sym, "", 1, 1, 0),
    Spec(Col::Cluster, "CLUSTER", 10, 18, 1),
    Spec(Col::Kind, "KIND", 9, 9, 2),
    Spec(Col::Subject, "PROBLEM", 22, 30, 0),
    Spec(Col::Detail, "WHAT", 20, 200, 1),
    Spec(Col::Age, "SINCE", 5, 5, 4),
    Spec(Col::Fix, "FIX", 10, 10, 3),
];

/// "f sync" — the key and the name of the row's first fix, or "—".
pub fn fix_label(state: &State, ui: &Ui, p: &Problem) -> Option<(String, String)> {
    let (spec, target) = fixes(state, p).into_iter().next()?;
    let key = ui.keymap.keys_for(Section::Triage, Command::Fix).into_iter().next().unwrap_or_default();
    Some((key, format!("{} {}", spec.name, target.describe())))
}

pub fn draw(f: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    let t = ui.theme;
    let problems = crate::state::rows::shown_problems(state);
    let worst = problems.first().map_or(Level::Ok, |p| p.level);
    let mut title = vec![
        Span::styled(" t ", t.style(Role::Muted)),
        Span::styled("Triage", t.style(Role::Title)),
        Span::styled(
            format!(" {} problem{}", problems.len(), if problems.len() == 1 { "" } else { "s" }),
            t.style(Role::Text),
        ),
    ];
    let counts = [
        (state.shown_problems_at(Level::Crit), "critical", Level::Crit),
        (state.shown_problems_at(Level::Warn), "warning", Level::Warn),
    ];
    push_counts(&mut title, area.width.saturating_sub(4) as usize, t, &counts, "all clear");
    title.push(Span::raw(" "));
    push_new_above(&mut title, state, ui);
    let border = if worst == Level::Crit && !state.production {
        t.style(Role::Crit)
    } else {
        super::widgets::border_style(state, t, true)
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Thick)
        .border_style(border)
        .title(Line::from(title))
        .title_bottom(
            Line::from(Span::styled(
                " ranked: severity · alerts first · most linked · oldest ",
                t.style(Role::Muted),
            ))
            .right_aligned(),
        );
    let block = match state.view.triage_filter.as_deref() {
        Some(fl) => {
            let shown = crate::state::rows::problems(state).len();
            let label = format!(" /{} · {shown} of {} ", text::clean(fl), problems.len());
            block.title_bottom(Line::from(Span::styled(label, t.style(Role::Accent))).left_aligned())
        }
        None => block,
    };
    let inner = block.inner(area);
    f.render_widget(block, area);
    if let Some(fl) = state.view.triage_filter.as_deref()
        && crate::state::rows::problems(state).is_empty()
    {
        let what = format!(" no problem matches /{}", text::clean(fl));
        f.render_widget(Paragraph::new(Span::styled(what, t.style(Role::Muted))), inner);
        return;
    }
    if problems.is_empty() {
        let line = Line::from(vec![
            Span::styled(format!(" {} ", level_symbol(Level::Ok)), t.style(Role::Ok)),
            Span::styled(
                "nothing needs attention: no alert firing, every app, pod, HPA, node and source healthy",
                t.style(Role::Muted),
            ),
        ]);
        f.render_widget(Paragraph::new(line), inner);
        return;
    }
    let (table_area, side) = if inner.width >= SIDE_BY_SIDE {
        let [a, b] = Layout::horizontal([Constraint::Min(0), Constraint::Length(SIDE_WIDTH)]).areas(inner);
        (a, b)
    } else {
        // The table keeps what its rows need, up to half; the linked items get the rest.
        let table_needs = (crate::state::rows::problems(state).len() as u16 + 1).min(inner.height / 2);
        let want = linked::height(state).min(inner.height - table_needs);
        let [a, b] = Layout::vertical([Constraint::Min(0), Constraint::Length(want)]).areas(inner);
        (a, b)
    };
    draw_table(f, table_area, state, ui);
    linked::draw(f, side, state, ui, inner.width >= SIDE_BY_SIDE);
}

/// "1 new critical above": problems that landed above the selection since the user chose
/// it, so a fix key is not pressed on a choice the list has moved past.
fn push_new_above(title: &mut Vec<Span<'static>>, state: &State, ui: &Ui) {
    let (crit, warn) = crate::state::view::new_above(state);
    let (n, word, level) = match (crit, warn) {
        (0, 0) => return,
        (0, w) => (w, "warning", Level::Warn),
        (c, _) => (c, "critical", Level::Crit),
    };
    let style = ui.theme.level(level).add_modifier(ratatui::style::Modifier::REVERSED);
    title.push(Span::styled(format!(" {} {n} new {word} above ", level_symbol(level)), style));
    title.push(Span::raw(" "));
}

fn draw_table(f: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    let t = ui.theme;
    let problems = crate::state::rows::problems(state);
    // Read-only offers no fix: no column of dashes. One cluster shown: no cluster column.
    let specs: Vec<Spec<Col>> = COLS
        .iter()
        .copied()
        .filter(|c| !(state.readonly && c.0 == Col::Fix))
        .filter(|c| state.shows_many() || c.0 != Col::Cluster)
        .collect();
    let cols = table::pick(&specs, area.width);
    let win = Window::new(area, true, problems.len(), state.view.triage_selected(), true);
    let rows = problems[win.start..win.end].iter().enumerate().map(|(i, p)| {
        let cells = cols.iter().map(|&(c, _, w)| {
            let w = w as usize;
            let (s, style) = match c {
                Col::Sym => (level_symbol(p.level).to_string(), t.level(p.level)),
                Col::Kind => (p.category.label().to_string(), t.style(Role::Muted)),
                Col::Cluster => (text::fit(&text::clean(p.cluster.as_str()), w), t.style(Role::Accent)),
                Col::Subject => (text::fit(&p.subject, w), t.level(p.level)),
                Col::Detail => (text::fit(&p.detail, w), t.style(Role::Text)),
                Col::Age => match p.since {
                    Some(at) => (format::age(state.now, at), t.style(Role::Muted)),
                    None => ("—".into(), t.style(Role::Muted)),
                },
                Col::Fix => match fixes(state, p).first() {
                    Some((spec, _)) => (text::fit(spec.name, w), t.style(Role::Accent)),
                    None => ("—".into(), t.style(Role::Muted)),
                },
            };
            Cell::from(Span::styled(s, style))
        });
        (win.start + i, Row::new(cells))
    });
    table::draw(f, area, t, &cols, rows, win);
    let filter = state.view.triage_filter.as_deref().and_then(crate::state::rows::Filter::parse);
    if let Some(needle) = filter.as_ref().and_then(|fl| fl.highlight()) {
        super::panes::mark_matches(f, area, needle, t);
    }
}

/// The status-line hints in triage: the fix first, then Enter and the other actions.
pub fn hints(state: &State, ui: &Ui) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(p) = crate::state::view::selected_problem(state) else { return out };
    if let Some((key, what)) = fix_label(state, ui, p) {
        out.push((key, what));
    }
    for (spec, _) in fixes(state, p).into_iter().skip(1) {
        if let Some(k) = ui.keymap.keys_for(Section::Triage, Command::Action(spec.id)).first() {
            out.push((k.clone(), spec.name.to_string()));
        }
    }
    if let Some(k) = ui.keymap.keys_for(Section::Global, Command::Open).first() {
        out.push((k.clone(), "go to".into()));
    }
    out
}
