//! The pod screens: one frame naming the pod and the screen, then its describe text, its YAML
//! or a container's log. Pure functions of the state; every string from the cluster goes
//! through `text::clean`, so nothing in a name or a log line reaches the terminal as a sequence.

pub mod describe;
pub mod logs;
#[cfg(test)]
mod tests;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph};

use super::Ui;
use super::text;
use crate::config::Theme;
use crate::config::keymap::Section;
use crate::config::theme::Role;
use crate::domain::command::Command;
use crate::state::logs::Search;
use crate::state::view::pod::PodScreen;
use crate::state::{Level, State};

pub fn draw(f: &mut Frame, area: Rect, state: &State, ui: &Ui, screen: PodScreen) {
    let Some(pod) = &state.view.pod else { return };
    let theme = ui.theme;
    let data = &state.pod_data;
    let level = data.detail.as_ref().map_or(Level::Muted, |d| pod_level(d, data.gone));
    let tab = |s: PodScreen, name: &str| {
        let style = if s == screen { theme.style(Role::Title) } else { theme.style(Role::Muted) };
        Span::styled(format!(" {name} "), style)
    };
    let title = Line::from(vec![
        Span::styled(" Pod ", theme.style(Role::Muted)),
        Span::styled(text::clean(&pod.key.to_string()).into_owned(), theme.style(Role::Title)),
        Span::styled(format!(" {} ", super::widgets::level_symbol(level)), theme.level(level)),
        tab(PodScreen::Describe, "describe"),
        tab(PodScreen::Yaml, "yaml"),
        tab(PodScreen::Logs, "logs"),
    ]);
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Thick)
        .border_style(super::widgets::border_style(state, theme, true))
        .title(title);
    if let Some(s) = &pod.search {
        let s = format!(" /{} ", text::fit(s, area.width.saturating_sub(6) as usize / 2));
        block = block.title_bottom(Line::from(Span::styled(s, theme.style(Role::Match))).right_aligned());
    }
    let inner = block.inner(area);
    f.render_widget(block, area);
    match screen {
        PodScreen::Logs => logs::draw(f, inner, state, theme),
        PodScreen::Describe | PodScreen::Yaml => {
            let lines = describe::styled(crate::state::pod_text::lines(state, screen), theme);
            let h = inner.height as usize;
            let top = pod.scroll.min(lines.len().saturating_sub(h));
            let search = state.pod_search();
            let shown: Vec<Line> = lines
                .into_iter()
                .skip(top)
                .take(h)
                .map(|l| text::fit_line(highlight(l, search.as_ref(), theme), inner.width as usize))
                .collect();
            f.render_widget(Paragraph::new(shown), inner);
        }
    }
}

/// The pod's level for the frame: the worst of its containers, or gone.
fn pod_level(d: &crate::state::pod_detail::PodDetail, gone: bool) -> Level {
    if gone || d.deleting_since.is_some() {
        return Level::Muted;
    }
    let containers =
        d.containers.iter().map(|c| if c.ready { Level::Ok } else { c.state.level().max(Level::Warn) });
    containers.max().unwrap_or(Level::Muted)
}

/// Mark every match of the search in a line, keeping each span's own style elsewhere.
pub fn highlight(line: Line<'static>, search: Option<&Search>, theme: &Theme) -> Line<'static> {
    let Some(search) = search else { return line };
    let mark = theme.style(Role::Match);
    let mut out = Vec::with_capacity(line.spans.len());
    for span in line.spans {
        let ranges = search.ranges(&span.content);
        if ranges.is_empty() {
            out.push(span);
            continue;
        }
        let content = span.content.as_ref();
        let mut at = 0;
        for (a, b) in ranges {
            if a > at {
                out.push(Span::styled(content[at..a].to_string(), span.style));
            }
            out.push(Span::styled(content[a..b].to_string(), span.style.patch(mark)));
            at = b;
        }
        if at < content.len() {
            out.push(Span::styled(content[at..].to_string(), span.style));
        }
    }
    Line::from(out).style(line.style)
}

/// Key hints for the status line: this screen's keys, from the keymap.
pub fn hints(screen: PodScreen, ui: &Ui) -> Vec<(String, &'static str)> {
    let (section, cmds): (Section, &[(Command, &'static str)]) = match screen {
        PodScreen::Logs => (
            Section::Logs,
            &[
                (Command::Follow, "follow"),
                (Command::PreviousLogs, "previous"),
                (Command::NextContainer, "container"),
                (Command::Wrap, "wrap"),
                (Command::Autoscroll, "autoscroll"),
                (Command::Timestamps, "time"),
            ],
        ),
        _ => (
            Section::Detail,
            &[(Command::Logs, "logs"), (Command::PreviousLogs, "previous logs"), (Command::Yaml, "yaml")],
        ),
    };
    let mut out: Vec<(String, &'static str)> = cmds
        .iter()
        .filter_map(|(c, what)| ui.keymap.keys_for(section, *c).first().map(|k| (k.clone(), *what)))
        .collect();
    if let Some(k) = ui.keymap.keys_for(Section::Global, Command::Filter).first() {
        out.push((k.clone(), "search"));
    }
    out
}

/// A dim style for the parts of a line that only label.
pub fn label(theme: &Theme) -> Style {
    theme.style(Role::Muted)
}
