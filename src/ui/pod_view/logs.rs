//! The log screen: a header naming the container (or a workload's pods) and what the stream is
//! doing (following, ended, failed with the API's message, lines dropped from the ring), then
//! the lines, cut or wrapped, with search matches marked and the current match's line
//! highlighted; in a workload's merged log each line's pod in that pod's colour.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthChar;

use super::{highlight, label};
use crate::config::Theme;
use crate::config::theme::Role;
use crate::state::pod_view::LogState;
use crate::state::view::pod::{LogAnchor, LogsView};
use crate::state::{Level, State};
use crate::ui::text::{clean, fit_line};

pub fn draw(f: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let Some(view) = state.logs_view() else { return };
    if area.height == 0 {
        return;
    }
    let header = header(state, view, theme);
    f.render_widget(Paragraph::new(fit_line(header, area.width as usize)), Rect { height: 1, ..area });
    let body = Rect { y: area.y + 1, height: area.height - 1, ..area };
    let buf = state.log_buffer();
    if let LogState::Failed(e) = state.log_state()
        && buf.is_empty()
    {
        let msg = Line::from(vec![
            Span::styled("✖ ", theme.level(Level::Crit)),
            Span::styled(clean(e).into_owned(), theme.level(Level::Crit)),
        ]);
        f.render_widget(Paragraph::new(wrap(msg, body.width as usize)), body);
        return;
    }
    let search = state.screen_search();
    let width = body.width as usize;
    let height = body.height as usize;
    let first = buf.dropped;
    let rows_of = |i: usize| -> Vec<Line<'static>> {
        let abs = first + i as u64;
        let text = clean(buf.get(i).unwrap_or_default()).into_owned();
        let mut style = theme.style(Role::Text);
        if view.current_match == Some(abs) {
            style = style.patch(theme.style(Role::Selection));
        }
        let tag = buf.tag(i);
        let spans = match state.log_source(tag).map(|s| clean(s).len()).filter(|n| text.is_char_boundary(*n))
        {
            // The pod's name in the pod's colour, the line in the text's.
            Some(n) => {
                let source = theme.style(Role::series(tag as usize));
                vec![
                    Span::styled(text[..n].to_string(), style.patch(source)),
                    Span::styled(text[n..].to_string(), style),
                ]
            }
            None => vec![Span::styled(text, style)],
        };
        let line = highlight(Line::from(spans), search.as_ref(), theme);
        if view.wrap { wrap(line, width) } else { vec![fit_line(line, width)] }
    };
    // Which buffer line starts the view: from the top anchor, or back from the bottom one.
    let n = buf.len();
    let start = match view.anchor {
        LogAnchor::Top(t) => (t.saturating_sub(first) as usize).min(n.saturating_sub(1)),
        LogAnchor::Tail | LogAnchor::Bottom(_) => {
            let bottom = match view.anchor {
                LogAnchor::Bottom(b) => (b.saturating_sub(first) as usize).min(n.saturating_sub(1)),
                _ => n.saturating_sub(1),
            };
            let mut used = 0;
            let mut i = bottom + 1;
            while i > 0 {
                let h = if view.wrap { rows_of(i - 1).len() } else { 1 };
                if used + h > height {
                    break;
                }
                used += h;
                i -= 1;
            }
            i
        }
    };
    let mut rows = Vec::with_capacity(height);
    let mut i = start;
    while rows.len() < height && i < n {
        rows.extend(rows_of(i));
        i += 1;
    }
    rows.truncate(height);
    f.render_widget(Paragraph::new(rows), body);
}

fn header(state: &State, view: &LogsView, theme: &Theme) -> Line<'static> {
    let buf = state.log_buffer();
    let mut spans = match state.view.mode {
        crate::state::view::Mode::Object(_) => {
            let d = &state.object_data;
            let on = d.streaming.values().filter(|s| **s).count();
            vec![
                Span::styled("pods ", label(theme)),
                Span::styled(format!("{on} streaming"), theme.style(Role::Title)),
                Span::styled(format!(" of {} seen", d.streaming.len()), label(theme)),
            ]
        }
        _ => vec![
            Span::styled("container ", label(theme)),
            Span::styled(clean(&view.container).into_owned(), theme.style(Role::Title)),
        ],
    };
    let merged = matches!(state.view.mode, crate::state::view::Mode::Object(_));
    if view.previous && !merged {
        spans.push(Span::styled(" (previous run)", theme.level(Level::Warn)));
    } else if let Some((s, level)) = state
        .pod_data
        .detail
        .as_ref()
        .filter(|_| !merged)
        .and_then(|d| super::describe::container_summary(d, &view.container))
    {
        spans.push(Span::styled(format!(" {}", clean(&s)), theme.level(level)));
    }
    let (what, level) = match state.log_state() {
        LogState::Connecting => ("connecting…".to_string(), Level::Muted),
        LogState::Streaming if view.follow && !view.previous => ("following".to_string(), Level::Ok),
        LogState::Streaming => ("reading".to_string(), Level::Muted),
        LogState::Ended if view.follow && !view.previous => ("stream ended".to_string(), Level::Warn),
        LogState::Ended => ("not following".to_string(), Level::Muted),
        LogState::Failed(e) => (format!("failed: {e}"), Level::Crit),
    };
    spans.push(Span::styled(" · ", label(theme)));
    spans.push(Span::styled(clean(&what).into_owned(), theme.level(level)));
    let mut count = format!(" · {} lines", buf.len());
    if buf.dropped > 0 {
        count.push_str(&format!(" ({} older dropped)", buf.dropped));
    }
    spans.push(Span::styled(count, label(theme)));
    let mut flags = Vec::new();
    if view.anchor == LogAnchor::Tail {
        flags.push("autoscroll");
    }
    if view.wrap {
        flags.push("wrap");
    }
    if view.timestamps {
        flags.push("timestamps");
    }
    if !flags.is_empty() {
        spans.push(Span::styled(format!(" · {}", flags.join(" ")), theme.style(Role::Accent)));
    }
    Line::from(spans)
}

/// Cut a line of styled spans into rows of at most `width` columns, keeping styles.
fn wrap(line: Line<'static>, width: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let style = line.style;
    let mut rows = vec![Vec::new()];
    let mut used = 0;
    for span in line.spans {
        let mut cur = String::new();
        for c in span.content.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > width {
                if !cur.is_empty() {
                    rows.last_mut().expect("a row").push(Span::styled(std::mem::take(&mut cur), span.style));
                }
                rows.push(Vec::new());
                used = 0;
            }
            cur.push(c);
            used += w;
        }
        if !cur.is_empty() {
            rows.last_mut().expect("a row").push(Span::styled(cur, span.style));
        }
    }
    rows.into_iter().map(|r| Line::from(r).style(style)).collect()
}
