//! The selected row keeps readable contrast in every built-in theme (issue 18: red text on the
//! cyan highlight in triage). The rule: every cell of the selected row reads at WCAG AA (a
//! contrast ratio of 4.5 or more), its colours taken as drawn (the 16 ANSI colours at their usual
//! RGB values, "reset" as the theme's terminal colours, swapped where reversed). Checked on the
//! rendered buffer, with the selection on every problem of triage, and snapshotted per theme.

use flightdeck::config::contrast::ratio;
use flightdeck::config::theme::{BUILTIN, Role};
use flightdeck::config::{Keymap, Theme};
use flightdeck::domain::command::Command;
use flightdeck::headless::snapshot::{PaneArg, show};
use flightdeck::input::dispatch::dispatch;
use flightdeck::sources::demo::state_at;
use flightdeck::state::State;
use flightdeck::ui::{Ui, render_to_buffer};
use ratatui::buffer::{Buffer, Cell};
use ratatui::style::Modifier;

fn render(state: &State, theme: &Theme) -> Buffer {
    let keymap = Keymap::default_keymap();
    render_to_buffer(state, &Ui { theme, keymap: &keymap }, 160, 48)
}

/// A cell drawn with the selection's look: its background, or reversed where the selection is.
fn selected(theme: &Theme, cell: &Cell) -> bool {
    let sel = theme.style(Role::Selection);
    match sel.bg {
        Some(bg) => cell.bg == bg,
        None => cell.modifier.contains(Modifier::REVERSED),
    }
}

/// The row holding the selected problem's subject drawn most in the selection's look (key
/// badges elsewhere use it too), and its cells drawn so.
fn selected_row(buf: &Buffer, theme: &Theme, subject: &str) -> (u16, Vec<(u16, Cell)>) {
    let needle: String = subject.chars().take(12).collect();
    let marked = |y: u16| (0..buf.area.width).filter(|&x| selected(theme, &buf[(x, y)])).count();
    let y = (0..buf.area.height)
        .filter(|&y| {
            let row: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
            row.contains(&needle)
        })
        .max_by_key(|&y| marked(y))
        .unwrap_or_else(|| panic!("{}: no row with {needle}", theme.name));
    let cells =
        (0..buf.area.width).filter(|&x| selected(theme, &buf[(x, y)])).map(|x| (x, buf[(x, y)].clone()));
    (y, cells.collect())
}

fn ratio_of(theme: &Theme, cell: &Cell) -> f64 {
    let (ink, paper) = theme.shown(cell.fg, cell.bg, cell.modifier.contains(Modifier::REVERSED));
    ratio(ink, paper)
}

#[test]
fn every_problem_selected_in_triage_reads_in_every_theme() {
    for (name, _) in BUILTIN {
        let theme = Theme::builtin(name).unwrap();
        let mut state = state_at(7, 150);
        show(&mut state, PaneArg::Triage);
        let n = flightdeck::state::rows::problems(&state).len();
        assert!(n >= 4, "the incident has problems of both levels: {n}");
        let mut levels = std::collections::BTreeSet::new();
        for _ in 0..n {
            let p = flightdeck::state::view::selected_problem(&state).expect("a problem selected");
            levels.insert(p.level);
            let subject = p.subject.clone();
            let buf = render(&state, &theme);
            let (y, cells) = selected_row(&buf, &theme, &subject);
            assert!(cells.len() > 60, "{name}: the whole row is marked ({} cells)", cells.len());
            for (x, cell) in cells.iter().filter(|(_, c)| c.symbol() != " ") {
                let r = ratio_of(&theme, cell);
                assert!(r >= 4.5, "{name}: `{}` at ({x},{y}) of {subject} reads at {r:.2}", cell.symbol());
            }
            dispatch(&mut state, Command::Down);
        }
        assert!(levels.len() >= 2, "{name}: critical and warning rows were selected: {levels:?}");
    }
}

/// The selected row as text, then each run of cells of one look: its text, colours and modifiers.
fn describe(buf: &Buffer, theme: &Theme, y: u16) -> String {
    let mut out = String::new();
    let mut run: Option<(String, String)> = None;
    for x in 0..buf.area.width {
        let cell = &buf[(x, y)];
        let look = format!(
            "fg {:?} bg {:?} {:?} · {:.1}:1{}",
            cell.fg,
            cell.bg,
            cell.modifier,
            ratio_of(theme, cell),
            if selected(theme, cell) { "" } else { " (not the selection)" }
        );
        match &mut run {
            Some((text, l)) if *l == look => text.push_str(cell.symbol()),
            _ => {
                if let Some((text, l)) = run.take() {
                    out.push_str(&format!("{:?}  {l}\n", text));
                }
                run = Some((cell.symbol().to_string(), look));
            }
        }
    }
    if let Some((text, l)) = run {
        out.push_str(&format!("{text:?}  {l}\n"));
    }
    out
}

#[test]
fn each_themes_selected_triage_row() {
    for (name, _) in BUILTIN {
        let theme = Theme::builtin(name).unwrap();
        let mut state = state_at(7, 150);
        show(&mut state, PaneArg::Triage);
        let subject = flightdeck::state::view::selected_problem(&state).unwrap().subject.clone();
        let buf = render(&state, &theme);
        let (y, _) = selected_row(&buf, &theme, &subject);
        insta::assert_snapshot!(format!("theme_{name}_triage_selected_row"), describe(&buf, &theme, y));
    }
}
