//! One object of any kind up close: a frame naming it (and the way back through the objects
//! it was reached from), then its lines with the cursor (Enter on an owner or owned object
//! opens it), or a workload's merged log. Text from `state::object_text`, styled here only.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph};

use super::Ui;
use super::pod_view::describe::styled;
use super::pod_view::highlight;
use super::text;
use super::widgets::{border_style, window_start};
use crate::config::theme::Role;
use crate::state::view::object::ObjectScreen;
use crate::state::{State, object_text};

pub fn draw(f: &mut Frame, area: Rect, state: &State, ui: &Ui, screen: ObjectScreen) {
    let Some(view) = &state.view.object else { return };
    let theme = ui.theme;
    let tab = |s: ObjectScreen, name: &str| {
        let style = if s == screen { theme.style(Role::Title) } else { theme.style(Role::Muted) };
        Span::styled(format!(" {name} "), style)
    };
    let o = &view.object;
    let mut title = vec![
        Span::styled(format!(" {} ", o.kind.kind), theme.style(Role::Muted)),
        Span::styled(
            text::clean(&o.describe().split_once(' ').map_or(String::new(), |(_, r)| r.to_string()))
                .into_owned(),
            theme.style(Role::Title),
        ),
        Span::raw(" "),
        tab(ObjectScreen::Describe, "describe"),
    ];
    if o.kind.has_pods() {
        title.push(tab(ObjectScreen::Logs, "logs"));
    }
    if !view.trail.is_empty() {
        let back: Vec<String> = view.trail.iter().map(|t| t.name.clone()).collect();
        title.push(Span::styled(format!(" ← {} ", text::clean(&back.join(" ← "))), theme.style(Role::Muted)));
    }
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Thick)
        .border_style(border_style(state, theme, true))
        .title(text::fit_line(Line::from(title), area.width.saturating_sub(2) as usize));
    if let Some(s) = &view.search {
        let s = format!(" /{} ", text::fit(s, area.width.saturating_sub(6) as usize / 2));
        block = block.title_bottom(Line::from(Span::styled(s, theme.style(Role::Match))).right_aligned());
    }
    let inner = block.inner(area);
    f.render_widget(block, area);
    match screen {
        ObjectScreen::Logs => super::pod_view::logs::draw(f, inner, state, theme),
        ObjectScreen::Describe => {
            let t = object_text::text(state);
            let lines = styled(t.lines, theme);
            let h = inner.height as usize;
            let cursor = view.cursor.min(lines.len().saturating_sub(1));
            let top = window_start(cursor, lines.len(), h);
            let search = state.object_search();
            let shown: Vec<Line> = lines
                .into_iter()
                .enumerate()
                .skip(top)
                .take(h)
                .map(|(i, l)| {
                    let l = text::fit_line(highlight(l, search.as_ref(), theme), inner.width as usize);
                    if i == cursor { l.style(theme.style(Role::Selection)) } else { l }
                })
                .collect();
            f.render_widget(Paragraph::new(shown), inner);
            if cursor >= top && cursor < top + h {
                let row = Rect { y: inner.y + (cursor - top) as u16, height: 1, ..inner };
                f.buffer_mut()
                    .set_style(row, ratatui::style::Style { fg: None, ..theme.style(Role::Selection) });
                super::table::restyle_selected(f, row, theme);
            }
        }
    }
}

/// Key hints for the status line.
pub fn hints(state: &State, ui: &Ui, screen: ObjectScreen) -> Vec<(String, &'static str)> {
    use crate::config::keymap::Section;
    use crate::domain::command::Command;
    use crate::domain::registry::ActionId;
    use crate::domain::resource::Known;
    let Some(o) = state.view.object.as_ref().map(|v| &v.object) else { return Vec::new() };
    if screen == ObjectScreen::Logs {
        // A merged log has no one container to switch, nor a previous instance to show.
        let hints = super::pod_view::hints(crate::state::view::pod::PodScreen::Logs, ui);
        return hints.into_iter().filter(|(_, w)| !matches!(*w, "previous" | "container")).collect();
    }
    let mut cmds: Vec<(Command, &'static str)> = Vec::new();
    let on_link =
        object_text::text(state).link_at(state.view.object.as_ref().map_or(0, |v| v.cursor)).is_some();
    if on_link {
        cmds.push((Command::Open, "open"));
    }
    if o.kind.known() == Some(Known::Secret) {
        cmds.push((Command::Decode, "decode"));
    }
    if o.kind.has_pods() {
        cmds.push((Command::Logs, "logs"));
    }
    for (id, what) in [
        (ActionId::Rollback, "rollback"),
        (ActionId::PortForward, "port-forward"),
        (ActionId::Edit, "edit"),
        (ActionId::DeleteObject, "delete"),
    ] {
        let t = crate::input::objects::current_target(state);
        let cluster = crate::input::objects::current_cluster(state);
        let spec = crate::domain::registry::spec(id);
        if t.is_some_and(|t| crate::input::dispatch::applies(state, id, &t, &cluster))
            && !(state.readonly_of(&cluster) && spec.mutating)
        {
            cmds.push((Command::Action(id), what));
        }
    }
    cmds.iter()
        .filter_map(|(c, w)| ui.keymap.keys_in(Section::Object, *c).first().map(|k| (k.clone(), *w)))
        .collect()
}
