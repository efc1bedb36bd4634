//! The timeline screen: every change and symptom newest first, and, around a problem, its
//! suspects above the table. Reads the store's timeline and the view's focus; ranks nothing.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Cell, Paragraph, Row};

use super::table::{self, Spec, Window};
use super::widgets::level_symbol;
use super::{Ui, text};
use crate::config::keymap::Section;
use crate::config::theme::Role;
use crate::domain::command::Command;
use crate::domain::format;
use crate::state::State;
use crate::state::handoff::utc;
use crate::state::timeline::Entry;
use crate::state::view::timeline::rows;

/// Suspects listed above the table, at most.
const SUSPECTS_SHOWN: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    Sym,
    Rank,
    Time,
    Ago,
    Cluster,
    Kind,
    Subject,
    What,
}

const COLS: &[Spec<Col>] = &[
    Spec(Col::Sym, "", 1, 1, 0),
    Spec(Col::Rank, "#", 2, 2, 1),
    Spec(Col::Time, "TIME UTC", 8, 14, 0),
    Spec(Col::Ago, "AGO", 4, 5, 5),
    Spec(Col::Cluster, "CLUSTER", 9, 14, 6),
    Spec(Col::Kind, "KIND", 7, 7, 2),
    Spec(Col::Subject, "SUBJECT", 16, 34, 3),
    Spec(Col::What, "WHAT", 20, 300, 0),
];

/// "14:01:25", or with the date when there is room: "11-18 14:01:25".
fn time(at: i64, width: u16) -> String {
    let full = utc(at);
    let (date, clock) = full.split_once(' ').unwrap_or(("", &full));
    let clock = clock.trim_end_matches(" UTC");
    if width >= 14 { format!("{} {clock}", date.get(5..).unwrap_or(date)) } else { clock.to_string() }
}

pub fn draw(f: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    let t = ui.theme;
    let tv = &state.view.timeline;
    let shown = rows(state);
    let mut title =
        vec![Span::styled(" T ", t.style(Role::Muted)), Span::styled("Timeline", t.style(Role::Title))];
    match &tv.focus {
        Some(focus) => {
            title.push(Span::styled(" around ", t.style(Role::Muted)));
            title.push(Span::styled(text::fit(&focus.title, 40), t.style(Role::Accent)));
            title.push(Span::styled(format!(" · from {} ", time(focus.from, 14)), t.style(Role::Muted)));
        }
        None => title.push(Span::styled(format!(" {} entries ", state.timeline.len()), t.style(Role::Text))),
    }
    let history = match &state.history {
        Some(Ok(_)) => " history on ".to_string(),
        Some(Err(e)) => format!(" history off: {} ", text::fit(e, 40)),
        None => " history off ".to_string(),
    };
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Thick)
        .border_style(super::widgets::border_style(state, t, true))
        .title(Line::from(title))
        .title_bottom(
            Line::from(Span::styled(format!(" newest first ·{history}"), t.style(Role::Muted)))
                .right_aligned(),
        );
    if let Some(fl) = tv.filter.as_deref() {
        let label = format!(" /{} · {} shown ", text::clean(fl), shown.len());
        block = block.title_bottom(Line::from(Span::styled(label, t.style(Role::Accent))).left_aligned());
    }
    let inner = block.inner(area);
    f.render_widget(block, area);
    let suspects: Vec<&Entry> =
        tv.focus.as_ref().map_or_else(Vec::new, |fo| fo.suspects(shown.iter().copied()));
    let table_area = match &tv.focus {
        Some(focus) if inner.height > 8 => {
            let h = (suspects.len().clamp(1, SUSPECTS_SHOWN) + 2) as u16;
            let [top, rest] = Layout::vertical([Constraint::Length(h), Constraint::Min(0)]).areas(inner);
            draw_suspects(f, top, &suspects, focus.first_symptom, ui);
            rest
        }
        _ => inner,
    };
    if shown.is_empty() {
        let what = match (&tv.filter, &tv.focus) {
            (Some(fl), _) => format!(" nothing matches /{}", text::clean(fl)),
            (None, Some(_)) => " nothing linked to this problem was recorded in the window".to_string(),
            (None, None) => {
                " nothing recorded yet: changes and symptoms appear here as the sources report them"
                    .to_string()
            }
        };
        f.render_widget(Paragraph::new(Span::styled(what, t.style(Role::Muted))), table_area);
        return;
    }
    draw_table(f, table_area, state, &shown, &suspects, ui);
}

fn draw_suspects(f: &mut Frame, area: Rect, suspects: &[&Entry], first: i64, ui: &Ui) {
    let t = ui.theme;
    let w = area.width as usize;
    let mut lines = vec![Line::from(vec![
        Span::styled("Suspects", t.style(Role::Title)),
        Span::styled(
            format!(" · changes before the first symptom at {}, same app or workload first", time(first, 8)),
            t.style(Role::Muted),
        ),
    ])];
    if suspects.is_empty() {
        lines.push(Line::from(Span::styled(
            " no change was seen before it in the window",
            t.style(Role::Muted),
        )));
    }
    for (i, e) in suspects.iter().take(SUSPECTS_SHOWN).enumerate() {
        let head = format!(" {} {} {:<7} ", i + 1, time(e.at, 8), e.kind.label());
        let subject = format!("{}  ", e.subject.label());
        let rest = w.saturating_sub(head.chars().count() + subject.chars().count());
        lines.push(Line::from(vec![
            Span::styled(head, t.style(Role::Accent)),
            Span::styled(text::clean(&subject).into_owned(), t.style(Role::Title)),
            Span::styled(text::fit(&e.what, rest), t.style(Role::Text)),
        ]));
    }
    f.render_widget(Paragraph::new(lines), area);
}

fn draw_table(f: &mut Frame, area: Rect, state: &State, shown: &[&Entry], suspects: &[&Entry], ui: &Ui) {
    let t = ui.theme;
    let focused = state.view.timeline.focus.is_some();
    let specs: Vec<Spec<Col>> = COLS.iter().copied().filter(|c| focused || c.0 != Col::Rank).collect();
    let cols = table::pick(&specs, area.width);
    let win = Window::new(area, true, shown.len(), state.view.timeline.selected(), true);
    let rows = shown[win.start..win.end].iter().enumerate().map(|(i, e)| {
        let rank = suspects.iter().position(|s| std::ptr::eq(*s, *e));
        let cells = cols.iter().map(|&(c, _, w)| {
            let w = w as usize;
            let (s, style) = match c {
                Col::Sym => (level_symbol(e.level).to_string(), t.level(e.level)),
                Col::Rank => (rank.map_or(String::new(), |r| format!("{}", r + 1)), t.style(Role::Accent)),
                Col::Time => (time(e.at, w as u16), t.style(Role::Muted)),
                Col::Ago => (format::age(state.now, e.at), t.style(Role::Muted)),
                Col::Cluster => (text::fit(e.cluster.as_str(), w), t.style(Role::Muted)),
                Col::Kind => (e.kind.label().to_string(), t.style(Role::Muted)),
                Col::Subject => (text::fit(&e.subject.label(), w), t.level(e.level)),
                Col::What => (text::fit(&e.what, w), t.style(Role::Text)),
            };
            Cell::from(Span::styled(s, style))
        });
        (win.start + i, Row::new(cells))
    });
    table::draw(f, area, t, &cols, rows, win);
    let filter = state.view.timeline.filter.as_deref().and_then(crate::state::rows::Filter::parse);
    if let Some(needle) = filter.as_ref().and_then(|fl| fl.highlight()) {
        super::panes::mark_matches(f, area, needle, t);
    }
}

/// The status-line hints in the timeline.
pub fn hints(state: &State, ui: &Ui) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let key = |section, cmd| ui.keymap.keys_for(section, cmd).into_iter().next();
    if let Some(k) = key(Section::Global, Command::Open) {
        out.push((k, "go to".to_string()));
    }
    if let Some(k) = key(Section::Timeline, Command::HandOff) {
        out.push((k, "hand-off".to_string()));
    }
    if state.view.timeline.focus.is_some()
        && let Some(k) = key(Section::Global, Command::Timeline)
    {
        out.push((k, "whole timeline".to_string()));
    }
    if let Some(k) = key(Section::Global, Command::Filter) {
        out.push((k, "filter".to_string()));
    }
    out
}
