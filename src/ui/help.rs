//! The help overlay, generated from the keymap and the action registry so it always tells the
//! truth about the keys.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::Ui;
use super::dialog::centered;
use super::text::fit_line;
use crate::config::keymap::Section;
use crate::config::theme::Role;
use crate::domain::command::{Command, NAVIGATION};
use crate::domain::registry;
use crate::state::{PaneId, State};

/// One help row: the keys and what they do, whole (the layout wraps it, never cuts it).
pub struct Entry {
    pub keys: String,
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
                        long: format!("a pane full-screen: {}", long.join(", ")),
                    });
                }
                continue;
            }
            _ => {}
        }
        let keys = ui.keymap.keys_for(Section::Global, *cmd);
        if !keys.is_empty() {
            nav.push(Entry { keys: keys.join(" "), long: what.to_string() });
        }
    }
    out.push(("Everywhere".to_string(), nav));
    let mut triage = Vec::new();
    let fix = ui.keymap.keys_for(Section::Triage, Command::Fix);
    if !fix.is_empty() {
        let long = "run the selected problem's fix (asks first)".to_string();
        triage.push(Entry { keys: fix.join(" "), long });
    }
    for a in registry::ACTIONS.iter().filter(|a| !(state.readonly && a.mutating)) {
        let keys = ui.keymap.keys_for(Section::Triage, Command::Action(a.id));
        if !keys.is_empty() {
            let long = format!("{}: {}", a.title, a.help);
            triage.push(Entry { keys: keys.join(" "), long });
        }
    }
    // The hand-off is written from triage and from the timeline alike.
    let handoff = ui.keymap.keys_for(Section::Triage, Command::HandOff);
    if !handoff.is_empty() {
        let long = "hand-off: the problem, its timeline, links, actions and silences to Markdown and HTML";
        triage.push(Entry { keys: handoff.join(" "), long: long.into() });
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
            // Some descriptions say it themselves.
            let confirm = if a.confirm && !a.help.contains("asks first") { " (asks first)" } else { "" };
            rows.push(Entry { keys: keys.join(" "), long: format!("{}{confirm}", a.help) });
        }
        // Views a pane has of its own (the Alerts pane's grouping and silences), bound there.
        for (_, cmd, what) in NAVIGATION {
            let keys = ui.keymap.keys_for(Section::Pane(pane), *cmd);
            if !keys.is_empty() && ui.keymap.keys_for(Section::Global, *cmd) != keys {
                rows.push(Entry { keys: keys.join(" "), long: what.to_string() });
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
            .filter_map(|(_, cmd, what)| {
                let keys = ui.keymap.keys_for(section, *cmd);
                let repeated = section == Section::Logs && keys == ui.keymap.keys_for(Section::Detail, *cmd);
                (!keys.is_empty() && !repeated)
                    .then(|| Entry { keys: keys.join(" "), long: what.to_string() })
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
                rows.push(Entry { keys: keys.join(" "), long: a.help.to_string() });
            }
        }
        for (_, cmd, what) in NAVIGATION {
            let keys = ui.keymap.keys_for(section, *cmd);
            let inherited = section.parent().is_some_and(|p| ui.keymap.keys_for(p, *cmd) == keys);
            if !keys.is_empty() && !inherited && ui.keymap.keys_for(Section::Global, *cmd) != keys {
                rows.push(Entry { keys: keys.join(" "), long: what.to_string() });
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
            Entry { keys, long: format!("{} ({where_}): {}", c.name, c.line) }
        })
        .collect();
    if !mine.is_empty() {
        out.push(("Your commands".to_string(), mine));
    }
    out
}

/// The width of one column of help: what an 80-column terminal leaves inside the borders, so
/// the lines (and how many there are) are the same on every screen at least that wide.
pub const COLUMN: usize = 78;
/// A key column no wider than this; longer keys put their description on the next line.
const KEYS_MAX: usize = 18;

pub fn draw(f: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    let lines = lines(state, ui);
    let shape = Shape::of(area, lines.len(), state.readonly);
    let top = state.view.help_scroll.min(shape.last_top(lines.len()));
    let width = (shape.columns * (COLUMN + 1) + 1) as u16;
    let rect = centered(area, width.min(area.width), (shape.rows + 2 + shape.footer) as u16);
    f.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(ui.theme.style(Role::FocusedBorder))
        .title(Span::styled(" Help — ? or Esc to close ", ui.theme.style(Role::Title)));
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    let [body, foot] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(shape.footer as u16)]).areas(inner);
    // The lines run down one column and on into the next, like a page of a newspaper.
    let cols = Layout::horizontal(vec![Constraint::Length(COLUMN as u16 + 1); shape.columns]).split(body);
    for (c, r) in cols.iter().enumerate() {
        let from = (top + c * shape.rows).min(lines.len());
        let to = (from + shape.rows).min(lines.len());
        let shown: Vec<Line> =
            lines[from..to].iter().map(|l| fit_line(l.clone(), r.width as usize)).collect();
        f.render_widget(Paragraph::new(shown), *r);
    }
    let mut notes = Vec::new();
    if lines.len() > shape.window() {
        let msg = scroll_note(top, shape.window(), lines.len());
        notes
            .push(fit_line(Line::from(Span::styled(msg, ui.theme.style(Role::Accent))), foot.width as usize));
    }
    if state.readonly {
        let msg = "READ-ONLY: actions that change the platform are off";
        notes.push(Line::from(Span::styled(msg, ui.theme.style(Role::Warn))));
    }
    f.render_widget(Paragraph::new(notes), foot);
}

/// How many lines the help shows at once on a screen whose panes' area is `area`, and the
/// furthest it scrolls: the app keeps `help_scroll` within that, so a key back up always moves
/// the lines, and pages by the first.
pub fn window(state: &State, ui: &Ui, area: Rect) -> (usize, usize) {
    let n = lines(state, ui).len();
    let shape = Shape::of(area, n, state.readonly);
    (shape.window(), shape.last_top(n))
}

/// Where the lines shown are and which keys show the rest.
fn scroll_note(top: usize, window: usize, total: usize) -> String {
    let last = (top + window).min(total);
    let cue = match (top > 0, last < total) {
        (_, true) => "▼ more below",
        (true, false) => "▲ more above",
        (false, false) => "",
    };
    format!("{cue} · lines {}–{last} of {total} · j/k scroll, PgDn/PgUp a page, g/G top/end", top + 1)
}

/// How the help sits on the screen: columns side by side, rows in each, and its footer lines.
struct Shape {
    columns: usize,
    rows: usize,
    footer: usize,
}

impl Shape {
    fn of(area: Rect, total: usize, readonly: bool) -> Shape {
        // As many whole columns as fit; a screen narrower than one still gets one, cut.
        let columns = ((area.width as usize).saturating_sub(1) / (COLUMN + 1)).max(1);
        let room = (area.height as usize).saturating_sub(2);
        let footer_if_cut = 1 + usize::from(readonly);
        // Everything at once when it fits in the room; else the footer says how to see more.
        let whole = total.div_ceil(columns);
        if whole + usize::from(readonly) <= room {
            return Shape { columns, rows: whole, footer: usize::from(readonly) };
        }
        Shape { columns, rows: room.saturating_sub(footer_if_cut).max(1), footer: footer_if_cut }
    }

    fn window(&self) -> usize {
        self.columns * self.rows
    }

    fn last_top(&self, total: usize) -> usize {
        total.saturating_sub(self.window())
    }
}

/// Every help line, COLUMN wide at most: the sections of where the user is first, then
/// Everywhere, then the rest; each key with its whole description, wrapped, never cut.
pub fn lines(state: &State, ui: &Ui) -> Vec<Line<'static>> {
    let mut sections = entries(state, ui);
    let here = here(state);
    // A stable sort keeps the registry's order inside each group.
    sections.sort_by_key(|(title, _)| match title.as_str() {
        t if here.contains(&t) => 0,
        "Everywhere" => 1,
        _ => 2,
    });
    let key_w = sections
        .iter()
        .flat_map(|(_, rows)| rows.iter().map(|e| e.keys.width()))
        .filter(|w| *w <= KEYS_MAX)
        .max()
        .unwrap_or(8)
        + 2;
    let text_w = COLUMN - key_w - 1;
    let mut out = Vec::new();
    for (title, rows) in sections {
        if !out.is_empty() {
            out.push(Line::raw(""));
        }
        out.push(Line::from(Span::styled(title, ui.theme.style(Role::Header))));
        for e in rows {
            let keys = Span::styled(format!(" {:<w$}", e.keys, w = key_w), ui.theme.style(Role::Accent));
            let mut words = wrap(&e.long, text_w).into_iter();
            if e.keys.width() > KEYS_MAX {
                out.push(Line::from(keys));
            } else {
                let first = words.next().unwrap_or_default();
                out.push(Line::from(vec![keys, Span::styled(first, ui.theme.style(Role::Text))]));
            }
            for more in words {
                let pad = Span::raw(" ".repeat(key_w + 1));
                out.push(Line::from(vec![pad, Span::styled(more, ui.theme.style(Role::Text))]));
            }
        }
    }
    out
}

/// `text` in lines of at most `width` columns, broken between words (a word longer than a line
/// is cut where it must be).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.width() + 1 + word.width() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        while line.width() > width {
            let cut: String = line.chars().take(width).collect();
            line = line[cut.len()..].to_string();
            out.push(cut);
        }
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
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
