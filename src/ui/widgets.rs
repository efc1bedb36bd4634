//! Pieces every pane uses: the header, the status line, the level badge, the freshness line,
//! windowed tables and text bars. Styles come from theme roles only.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Ui, text};
use crate::config::keymap::Section;
use crate::config::{Theme, theme::Role};
use crate::domain::format;
use crate::domain::registry;
use crate::input::dispatch::applies;
use crate::state::view::{Mode, PodsView, selected_target};
use crate::state::{Level, PaneId, SourceState, State};

/// A symbol per level so state is never carried by colour alone.
pub fn level_symbol(level: Level) -> &'static str {
    level.symbol()
}

pub fn level_word(level: Level) -> &'static str {
    level.word()
}

pub fn header(f: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let mut spans = vec![
        Span::styled(" flightdeck ", theme.style(Role::Title)),
        Span::styled("ctx ", theme.style(Role::Muted)),
        Span::styled(text::clean(&state.context).into_owned(), theme.style(Role::Accent)),
    ];
    if state.sources.keys().any(|s| s.kind.is_demo()) {
        spans.push(Span::styled("  DEMO", theme.style(Role::Warn)));
    }
    if state.readonly {
        spans.push(Span::styled("  READ-ONLY", theme.style(Role::Warn)));
    }
    // Every problem triage ranks, not only firing alerts: a Degraded app or a failing source
    // counts, so the header and the triage view never disagree.
    let crit = state.shown_problems_at(Level::Crit);
    let warn = state.shown_problems_at(Level::Warn);
    spans.push(Span::raw("   "));
    spans.push(Span::styled(
        format!("✖ {crit} critical"),
        theme.level(if crit > 0 { Level::Crit } else { Level::Muted }),
    ));
    spans.push(Span::raw("  "));
    spans.push(Span::styled(
        format!("▲ {warn} warning"),
        theme.level(if warn > 0 { Level::Warn } else { Level::Muted }),
    ));
    let clock = clock_text(state.now);
    if state.production {
        // The whole line in the production colours: no one mistakes this context for another.
        spans.insert(3, Span::raw("  ▲ PRODUCTION ▲"));
        let prod = theme.style(Role::Production);
        for s in &mut spans {
            s.style = prod;
        }
    }
    let used: usize = spans.iter().map(|s| s.width()).sum();
    // The clock goes when there is no room for it whole.
    if used + clock.len() < area.width as usize {
        let pad = area.width as usize - used - clock.len() - 1;
        spans.push(Span::raw(" ".repeat(pad)));
        spans.push(Span::styled(
            clock,
            theme.style(if state.production { Role::Production } else { Role::Muted }),
        ));
    }
    let style = if state.production { theme.style(Role::Production) } else { Style::default() };
    f.render_widget(Paragraph::new(Line::from(spans)).style(style), area);
}

/// The border style of a frame: red all round in a production context.
pub fn border_style(state: &State, theme: &Theme, focused: bool) -> Style {
    if state.production {
        let prod = theme.style(Role::Production);
        let fg = prod.bg.or(prod.fg).unwrap_or_default();
        let style = Style::default().fg(fg);
        return if focused { style.add_modifier(ratatui::style::Modifier::BOLD) } else { style };
    }
    theme.style(if focused { Role::FocusedBorder } else { Role::Border })
}

/// HH:MM:SS UTC of the store's clock.
fn clock_text(now: i64) -> String {
    let s = now.div_euclid(1000).rem_euclid(86_400);
    format!("{:02}:{:02}:{:02} UTC", s / 3600, (s % 3600) / 60, s % 60)
}

/// The last action's result while fresh, else the keys that apply to the focused row.
pub fn status_line(f: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    if let Some(s) = state.view.status() {
        let line = Line::from(Span::styled(format!(" {}", text::clean(&s.text)), ui.theme.level(s.level)));
        f.render_widget(line, area);
        return;
    }
    if state.sources.is_empty() {
        let msg = " no source is configured — start with --demo, or see `flightdeck config default`";
        f.render_widget(Line::from(Span::styled(msg, ui.theme.style(Role::Warn))), area);
        return;
    }
    let pane = state.view.active_pane();
    let mut spans = Vec::new();
    let theme = ui.theme;
    let hint = |spans: &mut Vec<Span<'static>>, keys: Vec<String>, what: &str| {
        if let Some(k) = keys.first() {
            spans.push(Span::styled(format!(" {k}"), theme.style(Role::Accent)));
            spans.push(Span::styled(format!(" {what} "), theme.style(Role::Muted)));
        }
    };
    use crate::domain::command::Command;
    if let Mode::Pod(screen) = state.view.mode {
        for (k, what) in super::pod_view::hints(screen, ui) {
            hint(&mut spans, vec![k], what);
        }
    } else if let Mode::Object(screen) = state.view.mode {
        for (k, what) in super::object_view::hints(state, ui, screen) {
            hint(&mut spans, vec![k], what);
        }
    } else if state.view.mode == Mode::Resources {
        for (k, what) in super::resources::hints(state, ui) {
            hint(&mut spans, vec![k], what);
        }
    } else if state.view.mode == Mode::Forwards {
        let keys = ui.keymap.keys_for(Section::Forwards, Command::Action(registry::ActionId::StopForward));
        hint(&mut spans, keys, "stop");
    } else if state.view.mode == Mode::Triage {
        for (k, what) in super::triage::hints(state, ui) {
            hint(&mut spans, vec![k], &text::clean(&what));
        }
    } else if state.view.mode == Mode::Fleet {
        // The fleet screen acts on no pane's rows: only its own keys below.
    } else if state.view.mode == Mode::Timeline {
        for (k, what) in super::timeline::hints(state, ui) {
            hint(&mut spans, vec![k], &what);
        }
    } else if let Some(target) = selected_target(state, pane) {
        let cluster = crate::state::view::selected_cluster(state, pane);
        let readonly = state.readonly_of(&cluster);
        for a in registry::for_pane(pane, readonly).filter(|a| applies(state, a.id, &target, &cluster)) {
            hint(
                &mut spans,
                ui.keymap.keys_for(Section::Pane(pane), Command::Action(a.id)),
                &a.name.replace('_', " "),
            );
        }
    }
    let workloads = state.view.pods_view == PodsView::Workloads;
    if pane == PaneId::Pods && matches!(state.view.mode, Mode::Full(_)) {
        let views: &[(Command, &str)] = if workloads {
            &[(Command::Open, "its pods"), (Command::Workloads, "pods")]
        } else {
            &[(Command::Open, "describe"), (Command::Workloads, "workloads")]
        };
        for (c, what) in views {
            let mut keys = ui.keymap.keys_for(Section::Pane(pane), *c);
            if keys.is_empty() {
                keys = ui.keymap.keys_for(Section::Global, *c);
            }
            hint(&mut spans, keys, what);
        }
    }
    if pane == PaneId::Alerts && matches!(state.view.mode, Mode::Full(_)) {
        for (c, what) in
            [(Command::GroupAlerts, "group"), (Command::Silences, "silences"), (Command::Jump, "jump")]
        {
            hint(&mut spans, ui.keymap.keys_for(Section::Pane(pane), c), what);
        }
    }
    let nav: &[(Command, &str)] = match state.view.mode {
        Mode::Overview => &[
            (Command::Open, "open"),
            (Command::Triage, "triage"),
            (Command::FocusNext, "next pane"),
            (Command::Help, "help"),
            (Command::Quit, "quit"),
        ],
        Mode::Full(PaneId::Pods) if workloads => {
            &[(Command::Back, "pods"), (Command::Help, "help"), (Command::Quit, "quit")]
        }
        Mode::Full(_) | Mode::Triage => {
            &[(Command::Back, "overview"), (Command::Help, "help"), (Command::Quit, "quit")]
        }
        Mode::Timeline => &[(Command::Back, "back"), (Command::Help, "help"), (Command::Quit, "quit")],
        Mode::Pod(_) | Mode::Object(_) | Mode::Output => &[(Command::Back, "back"), (Command::Help, "help")],
        Mode::Resources => &[
            (Command::Filter, "filter"),
            (Command::Sort, "sort"),
            (Command::Back, "back"),
            (Command::Help, "help"),
        ],
        Mode::Forwards => &[(Command::Back, "overview"), (Command::Help, "help")],
        Mode::Fleet => &[
            (Command::Open, "open cluster"),
            (Command::Triage, "triage"),
            (Command::Back, "overview"),
            (Command::Help, "help"),
            (Command::Quit, "quit"),
        ],
    };
    let pane_hints = spans.len();
    for (c, what) in nav {
        hint(&mut spans, ui.keymap.keys_for(Section::Global, *c), what);
    }
    // A narrow terminal loses hints whole, never half a word: quit first, then the pane's last
    // ones; the way back and help stay.
    let mut nav_hints = spans.len() - pane_hints;
    while spans.iter().map(Span::width).sum::<usize>() > area.width as usize {
        if nav_hints > 4 {
            spans.truncate(spans.len() - 2);
            nav_hints -= 2;
        } else if spans.len() > nav_hints + 1 {
            let cut = spans.len() - nav_hints - 2;
            spans.drain(cut..cut + 2);
        } else {
            break;
        }
    }
    f.render_widget(Line::from(spans), area);
}

/// The freshness line of a pane: when its sources last delivered, or why they did not.
pub fn freshness(state: &State, pane: PaneId) -> (String, Level) {
    let fr = state.pane_freshness(pane);
    let since = fr.updated_at.map(|t| format::ago(state.now, t));
    match fr.state {
        None => ("not configured".into(), Level::Muted),
        Some(SourceState::Pending) => ("waiting for first data…".into(), Level::Muted),
        Some(SourceState::Ok) => match since {
            Some(since) => (format!("updated {since}"), Level::Muted),
            // Only watches feed it, and they are healthy: changes arrive as they happen.
            None => ("live".into(), Level::Muted),
        },
        Some(SourceState::Stale) => (format!("stale · updated {}", since.unwrap_or_default()), Level::Warn),
        Some(SourceState::Disabled) => (format!("disabled: {}", fr.error.unwrap_or_default()), Level::Muted),
        Some(SourceState::Error) => {
            let error = fr.error.unwrap_or_default();
            // A throttled source already says when it retries.
            let retrying = if error.contains("retrying in") { "" } else { " · retrying" };
            // The rows stay, stale: as of the last poll, or of the watch's first failure.
            let last = since.map(|s| format!(" · last data {s}")).unwrap_or_default();
            (format!("error: {error}{retrying}{last}"), Level::Crit)
        }
    }
}

/// Append each of `parts` after a " · " in `sep` for as long as the line stays within `width`
/// columns (`used` are taken already); the first part that does not fit ends the line, left out
/// whole rather than cut.
pub fn push_while_fits<P: Into<Line<'static>>>(
    spans: &mut Vec<Span<'static>>,
    mut used: usize,
    width: usize,
    sep: Style,
    parts: impl IntoIterator<Item = P>,
) {
    for part in parts {
        let part: Line<'static> = part.into();
        used += 3 + part.spans.iter().map(|s| s.content.chars().count()).sum::<usize>();
        if used > width {
            break;
        }
        spans.push(Span::styled(" · ", sep));
        spans.extend(part.spans);
    }
}

/// A headline's counts after `spans`: "▲ 3 pending" for each count above zero, in its level's
/// colour, while they fit `width` (see `push_while_fits`); with none at all, "● {all_clear}".
pub fn push_counts(
    spans: &mut Vec<Span<'static>>,
    width: usize,
    theme: &Theme,
    counts: &[(usize, &str, Level)],
    all_clear: &str,
) {
    let sep = theme.style(Role::Muted);
    let shown: Vec<_> = counts.iter().filter(|c| c.0 > 0).collect();
    if shown.is_empty() {
        spans.push(Span::styled(" · ", sep));
        spans.push(Span::styled(format!("{} {all_clear}", level_symbol(Level::Ok)), theme.level(Level::Ok)));
        return;
    }
    let used = spans.iter().map(Span::width).sum();
    let words = shown.into_iter().map(|&(n, word, level)| {
        Span::styled(format!("{} {n} {word}", level_symbol(level)), theme.level(level))
    });
    push_while_fits(spans, used, width, sep, words);
}

/// Whether the pane's sources have delivered (fresh or stale), so an empty pane is really empty
/// and may say so; otherwise its freshness line already says why there is nothing.
pub fn source_reported(state: &State, pane: PaneId) -> bool {
    matches!(state.pane_freshness(pane).state, Some(SourceState::Ok | SourceState::Stale))
}

/// The first row to show so that `selected` stays visible in `height` rows.
pub fn window_start(selected: usize, len: usize, height: usize) -> usize {
    if height == 0 || len <= height {
        return 0;
    }
    // Keep the selection a little above the bottom edge, like a pager.
    selected.saturating_sub(height.saturating_sub(1)).min(len - height)
}

/// A text bar such as `████▌░░░` for `ratio` (0..=1) in `width` cells.
pub fn bar(ratio: f64, width: usize) -> String {
    const PARTS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
    let ratio = ratio.clamp(0.0, 1.0);
    let eighths = (ratio * width as f64 * 8.0).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        s.push(PARTS[eighths % 8 - 1]);
    }
    let used = s.chars().count();
    s.push_str(&"░".repeat(width.saturating_sub(used)));
    s
}

/// A one-line sparkline of the `width` newest values, scaled to their own max.
pub fn sparkline_text<I: IntoIterator<Item = u64>>(values: I, width: usize) -> String {
    let v: Vec<u64> = values.into_iter().collect();
    let v = &v[v.len().saturating_sub(width)..];
    let max = v.iter().copied().max().unwrap_or(0);
    sparkline_scaled(v.iter().copied(), width, max)
}

/// A one-line sparkline of the `width` newest values, scaled to `max` rather than to the data,
/// so a steady 6 of 20 replicas reads low; values above `max` draw as full.
pub fn sparkline_scaled(values: impl IntoIterator<Item = u64>, width: usize, max: u64) -> String {
    const TICKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let v: Vec<u64> = values.into_iter().collect();
    let max = max.max(1);
    v[v.len().saturating_sub(width)..].iter().map(|x| TICKS[((x.min(&max) * 7) / max) as usize]).collect()
}

/// A paragraph that says there is nothing to show yet, and why.
pub fn empty_note(f: &mut Frame, area: Rect, note: &str, style: Style) {
    f.render_widget(Paragraph::new(Line::from(Span::styled(format!(" {note}"), style))), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_keeps_selection_visible() {
        assert_eq!(window_start(0, 100, 10), 0);
        assert_eq!(window_start(9, 100, 10), 0);
        assert_eq!(window_start(10, 100, 10), 1);
        assert_eq!(window_start(99, 100, 10), 90);
        assert_eq!(window_start(5, 3, 10), 0);
    }

    #[test]
    fn parts_that_do_not_fit_are_left_out_whole() {
        let mut spans = vec![Span::raw("head")];
        let parts = [Span::raw("one"), Span::raw("two"), Span::raw("x")];
        push_while_fits(&mut spans, 4, 14, Style::default(), parts);
        let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, "head · one");
    }

    /// A failing watch: its rows dated from its first failure; a throttled one says when it
    /// retries, once; healthy again, "live".
    #[test]
    fn a_failing_watch_says_why_when_it_retries_and_how_old_its_rows_are() {
        use crate::domain::SourceId;
        use crate::state::{Data, Message, update};
        let mut s = State::new("ctx", 0);
        let id = "kube/nodes".parse::<SourceId>().unwrap();
        let feeds = vec![PaneId::Infrastructure];
        update(&mut s, Message::Register { source: id.clone(), interval_ms: 0, feeds });
        update(&mut s, Message::Data { source: id.clone(), at: 1_000, data: Data::Nodes(vec![]) });
        assert_eq!(freshness(&s, PaneId::Infrastructure).0, "live");
        let error = "throttled by the API server, retrying in 5 s".to_string();
        update(&mut s, Message::Failed { source: id.clone(), at: 60_000, error: error.clone() });
        update(&mut s, Message::Failed { source: id.clone(), at: 65_000, error });
        update(&mut s, Message::Tick(100_000));
        let (line, level) = freshness(&s, PaneId::Infrastructure);
        assert_eq!(
            line,
            "error: kube/nodes: throttled by the API server, retrying in 5 s · last data 40 s ago"
        );
        assert_eq!(level, Level::Crit);
        update(&mut s, Message::Failed { source: id.clone(), at: 101_000, error: "Unauthorized".into() });
        assert_eq!(
            freshness(&s, PaneId::Infrastructure).0,
            "error: kube/nodes: Unauthorized · retrying · last data 40 s ago"
        );
        update(&mut s, Message::Healthy { source: id });
        assert_eq!(freshness(&s, PaneId::Infrastructure), ("live".to_string(), Level::Muted));
    }

    #[test]
    fn bars_fill_proportionally() {
        assert_eq!(bar(0.5, 4), "██░░");
        assert_eq!(bar(1.5, 3), "███");
        assert_eq!(bar(0.0, 2), "░░");
        assert_eq!(sparkline_text([0, 7, 14], 10), "▁▄█");
    }
}
