//! The help overlay, generated from the keymap and the action registry so it always tells the
//! truth about the keys.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

use super::Ui;
use super::dialog::centered;
use crate::config::keymap::Section;
use crate::config::theme::Role;
use crate::domain::command::{Command, NAVIGATION};
use crate::domain::registry;
use crate::state::{PaneId, State};

/// One help row: the keys, a short label for narrow columns and the full description.
pub struct Entry {
    pub keys: String,
    pub short: String,
    pub long: String,
}

/// The help, by section: navigation first, then each pane's actions.
pub fn entries(state: &State, ui: &Ui) -> Vec<(String, Vec<Entry>)> {
    let mut out = Vec::new();
    let mut nav = Vec::new();
    let mut panes_done = false;
    for (_, cmd, what) in NAVIGATION {
        match cmd {
            Command::Confirm | Command::Cancel | Command::TogglePrune | Command::ToggleDryRun => continue,
            // The six pane keys read better as one row.
            Command::Pane(_) => {
                if !panes_done {
                    panes_done = true;
                    let keys: Vec<String> = (1..=6)
                        .filter_map(|n| {
                            ui.keymap.keys_for(Section::Global, Command::Pane(n)).first().cloned()
                        })
                        .collect();
                    let long = PaneId::ALL
                        .iter()
                        .map(|p| format!("{} {}", p.index() + 1, p.title()))
                        .collect::<Vec<_>>();
                    nav.push(Entry {
                        keys: keys.join(" "),
                        short: "a pane full-screen".into(),
                        long: format!("a pane full-screen: {}", long.join(", ")),
                    });
                }
                continue;
            }
            _ => {}
        }
        let keys = ui.keymap.keys_for(Section::Global, *cmd);
        if !keys.is_empty() {
            nav.push(Entry { keys: keys.join(" "), short: what.to_string(), long: what.to_string() });
        }
    }
    out.push(("Everywhere".to_string(), nav));
    let mut triage = Vec::new();
    let fix = ui.keymap.keys_for(Section::Triage, Command::Fix);
    if !fix.is_empty() {
        let long = "run the selected problem's fix (asks first)".to_string();
        triage.push(Entry { keys: fix.join(" "), short: "Fix".into(), long });
    }
    for a in registry::ACTIONS.iter().filter(|a| !(state.readonly && a.mutating)) {
        let keys = ui.keymap.keys_for(Section::Triage, Command::Action(a.id));
        if !keys.is_empty() {
            let long = format!("{}: {}", a.title, a.help);
            triage.push(Entry { keys: keys.join(" "), short: a.title.to_string(), long });
        }
    }
    // The hand-off is written from triage and from the timeline alike.
    let handoff = ui.keymap.keys_for(Section::Triage, Command::HandOff);
    if !handoff.is_empty() {
        let long = "hand-off: the problem, its timeline, links, actions and silences to Markdown and HTML";
        triage.push(Entry { keys: handoff.join(" "), short: "Hand-off".into(), long: long.into() });
    }
    if !triage.is_empty() {
        out.push(("Triage".to_string(), triage));
    }
    for pane in PaneId::ALL {
        let mut rows = Vec::new();
        for a in registry::for_pane(pane, state.readonly) {
            let keys = ui.keymap.keys_for(Section::Pane(pane), Command::Action(a.id));
            if keys.is_empty() {
                continue;
            }
            let confirm = if a.confirm { " (asks first)" } else { "" };
            rows.push(Entry {
                keys: keys.join(" "),
                // Narrow columns drop the "(asks first)": the confirmation itself says so.
                short: a.title.to_string(),
                long: format!("{}{confirm}", a.help),
            });
        }
        // Views a pane has of its own (the Alerts pane's grouping and silences), bound there.
        for (_, cmd, what) in NAVIGATION {
            let keys = ui.keymap.keys_for(Section::Pane(pane), *cmd);
            if !keys.is_empty() && ui.keymap.keys_for(Section::Global, *cmd) != keys {
                rows.push(Entry { keys: keys.join(" "), short: what.to_string(), long: what.to_string() });
            }
        }
        if !rows.is_empty() {
            out.push((pane.title().to_string(), rows));
        }
    }
    // The pod screens' own keys (Enter or `d` on a pod opens them); the log view lists only
    // what it adds to the detail's, so 80 columns keep room for the words.
    for (title, section) in [("Pod detail", Section::Detail), ("Logs, also", Section::Logs)] {
        let rows: Vec<Entry> = NAVIGATION
            .iter()
            .filter_map(|(name, cmd, what)| {
                let keys = ui.keymap.keys_for(section, *cmd);
                let repeated = section == Section::Logs && keys == ui.keymap.keys_for(Section::Detail, *cmd);
                // Narrow columns get the command's own name ("previous logs"), not a cut sentence.
                let short = name.replace('_', " ");
                (!keys.is_empty() && !repeated).then(|| Entry {
                    keys: keys.join(" "),
                    short,
                    long: what.to_string(),
                })
            })
            .collect();
        if !rows.is_empty() {
            out.push((title.to_string(), rows));
        }
    }
    out.extend(object_sections(state, ui));
    out
}

/// The keys of the views of any object (the workloads view, `:KIND` lists, an object up close,
/// `:pf`), each listing what it binds itself; and the config's own commands.
fn object_sections(state: &State, ui: &Ui) -> Vec<(String, Vec<Entry>)> {
    let mut out = Vec::new();
    let sections = [
        ("Workloads view", Section::Workloads),
        (":KIND lists", Section::Resources),
        ("An object up close", Section::Object),
        (":pf", Section::Forwards),
    ];
    for (title, section) in sections {
        let mut rows: Vec<Entry> = Vec::new();
        for a in registry::ACTIONS.iter().filter(|a| !(state.readonly && a.mutating)) {
            let keys = ui.keymap.keys_for(section, Command::Action(a.id));
            if !keys.is_empty() {
                rows.push(Entry {
                    keys: keys.join(" "),
                    short: a.title.to_string(),
                    long: a.help.to_string(),
                });
            }
        }
        for (name, cmd, what) in NAVIGATION {
            let keys = ui.keymap.keys_for(section, *cmd);
            let inherited = section.parent().is_some_and(|p| ui.keymap.keys_for(p, *cmd) == keys);
            if !keys.is_empty() && !inherited && ui.keymap.keys_for(Section::Global, *cmd) != keys {
                rows.push(Entry {
                    keys: keys.join(" "),
                    short: name.replace('_', " "),
                    long: what.to_string(),
                });
            }
        }
        if !rows.is_empty() {
            out.push((title.to_string(), rows));
        }
    }
    let mine: Vec<Entry> = ui
        .keymap
        .commands
        .iter()
        .filter(|c| !(state.readonly && c.dangerous))
        .map(|c| {
            let keys = crate::config::commands::key_label(c);
            let where_ = c.section.get_ref();
            Entry { keys, short: c.name.clone(), long: format!("{} ({where_}): {}", c.name, c.line) }
        })
        .collect();
    if !mine.is_empty() {
        out.push(("Your commands".to_string(), mine));
    }
    out
}

pub fn draw(f: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    let (columns, left_out) = fitting(entries(state, ui), state, area, ui);
    let tall = columns.iter().map(Vec::len).max().unwrap_or(0) as u16;
    let width = needed_width(&columns).min(area.width);
    let footer = u16::from(state.readonly) + u16::from(!left_out.is_empty());
    let rect = centered(area, width, (tall + 2 + footer).min(area.height));
    f.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(ui.theme.style(Role::FocusedBorder))
        .title(Span::styled(" Help — ? or Esc to close ", ui.theme.style(Role::Title)));
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    let [body, foot] = Layout::vertical([Constraint::Min(0), Constraint::Length(footer)]).areas(inner);
    // Each column as wide as its longest line; the last one takes what is left.
    let mut widths: Vec<Constraint> = columns
        .iter()
        .map(|c| Constraint::Length(c.iter().map(|l| l.width()).max().unwrap_or(0) as u16 + 1))
        .collect();
    if let Some(last) = widths.last_mut() {
        *last = Constraint::Min(0);
    }
    let cols = Layout::horizontal(widths).split(body);
    for (lines, r) in columns.into_iter().zip(cols.iter()) {
        f.render_widget(Paragraph::new(lines), *r);
    }
    let mut notes = Vec::new();
    if !left_out.is_empty() {
        let msg = format!("more where there is room: {}; `flightdeck keys` lists all", left_out.join(", "));
        notes.push(super::text::fit_line(
            Line::from(Span::styled(msg, ui.theme.style(Role::Muted))),
            foot.width as usize,
        ));
    }
    if state.readonly {
        let msg = "READ-ONLY: actions that change the platform are off";
        notes.push(Line::from(Span::styled(msg, ui.theme.style(Role::Warn))));
    }
    f.render_widget(Paragraph::new(notes), foot);
}

/// The narrowest a column may be cut to and stay readable (a key and a word or two).
const MIN_COLUMN: usize = 17;

/// The sections laid out in columns; when they are too many for the width to stay readable,
/// those furthest from where the user is are left out (their titles returned), never cut to
/// nothing. Everywhere's keys and the keys of the view shown stay.
fn fitting(
    mut sections: Vec<(String, Vec<Entry>)>,
    state: &State,
    area: Rect,
    ui: &Ui,
) -> (Vec<Vec<Line<'static>>>, Vec<String>) {
    let here = here(state);
    let mut left_out = Vec::new();
    loop {
        let (columns, share) = layout(&sections, area, ui);
        if share >= MIN_COLUMN || sections.len() <= 2 {
            left_out.reverse();
            return (columns, left_out);
        }
        // The last section that is neither Everywhere nor where the user is.
        let Some(i) = (1..sections.len()).rev().find(|&i| !here.contains(&sections[i].0.as_str())) else {
            return (columns, left_out);
        };
        left_out.push(sections.remove(i).0);
    }
}

/// The help's titles for where the user is.
fn here(state: &State) -> Vec<&'static str> {
    use crate::state::view::{Mode, PodsView};
    match state.view.mode {
        Mode::Resources => vec![":KIND lists"],
        Mode::Object(_) => vec!["An object up close"],
        Mode::Forwards => vec![":pf"],
        Mode::Pod(_) => vec!["Pod detail", "Logs, also"],
        Mode::Triage => vec!["Triage"],
        _ if state.view.active_pane() == PaneId::Pods && state.view.pods_view == PodsView::Workloads => {
            vec!["Workloads view", PaneId::Pods.title()]
        }
        _ => vec![state.view.active_pane().title()],
    }
}

/// The sections in columns, and how wide each column is when they had to be cut to the width
/// (`usize::MAX` when they fit whole).
fn layout(sections: &[(String, Vec<Entry>)], area: Rect, ui: &Ui) -> (Vec<Vec<Line<'static>>>, usize) {
    let total: usize = sections.iter().map(|(_, rows)| rows.len() + 2).sum();
    let one_column = total <= area.height.saturating_sub(3) as usize;
    let inner_h = area.height.saturating_sub(3).max(1) as usize;
    // The long descriptions when they fit; else a narrower key column and the short ones; else
    // each column cut to its share, so no section falls off the edge.
    let mut columns = layout_columns(sections, ui, one_column, inner_h, area.width, false);
    if needed_width(&columns) > area.width {
        columns = layout_columns(sections, ui, one_column, inner_h, area.width, true);
    }
    if needed_width(&columns) <= area.width {
        return (columns, usize::MAX);
    }
    let share = (area.width.saturating_sub(2) as usize / columns.len().max(1)).saturating_sub(2);
    for col in &mut columns {
        for line in col.iter_mut() {
            *line = super::text::fit_line(std::mem::take(line), share);
        }
    }
    (columns, share)
}

/// Help sections flowed into columns as tall as the area allows.
fn layout_columns(
    sections: &[(String, Vec<Entry>)],
    ui: &Ui,
    one_column: bool,
    inner_h: usize,
    area_w: u16,
    compact: bool,
) -> Vec<Vec<Line<'static>>> {
    let keys_of =
        |e: &Entry| if compact { e.keys.split(' ').next().unwrap_or("").to_string() } else { e.keys.clone() };
    let key_w = sections.iter().flat_map(|(_, rows)| rows.iter().map(|e| keys_of(e).chars().count())).max();
    let key_w = key_w.unwrap_or(8).min(14) + 2;
    // Columns narrower than the long descriptions get the short ones.
    let col_w = if one_column { area_w as usize } else { area_w as usize / 2 };
    let long_w =
        sections.iter().flat_map(|(_, rows)| rows.iter().map(|e| e.long.chars().count())).max().unwrap_or(0);
    let use_long = !compact && col_w >= key_w + long_w + 3;
    let mut columns: Vec<Vec<Line<'static>>> = vec![Vec::new()];
    for (title, rows) in sections {
        let mut block = vec![Line::from(Span::styled(title.clone(), ui.theme.style(Role::Header)))];
        for e in rows {
            let keys = super::text::fit(&e.keys, key_w - 1);
            let what = if use_long { &e.long } else { &e.short };
            block.push(Line::from(vec![
                Span::styled(format!(" {keys:<key_w$}"), ui.theme.style(Role::Accent)),
                Span::styled(what.clone(), ui.theme.style(Role::Text)),
            ]));
        }
        let col = columns.last_mut().expect("one column");
        if !col.is_empty() && col.len() + block.len() + 1 > inner_h {
            columns.push(block);
        } else {
            if !col.is_empty() {
                col.push(Line::raw(""));
            }
            col.extend(block);
        }
    }
    columns
}

/// The overlay's width for these columns, borders included.
fn needed_width(columns: &[Vec<Line>]) -> u16 {
    let widest = columns.iter().flatten().map(|l| l.width()).max().unwrap_or(40) as u16;
    columns.len() as u16 * (widest + 2) + 2
}
